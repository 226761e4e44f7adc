/*
 * ndjson: the record stream.  A reader over the files named on the command
 * line (none or "-": stdin, named "<stdin>"), one JSON object per line, read
 * with getline(3) so any line length works; blank lines are skipped and a
 * trailing CR stripped.  It tracks file:line for every message.  The writer
 * prints one compact object per line.  Fields a tool does not own pass
 * through untouched; rec_set() replaces keys instead of duplicating them.
 */
#ifndef LK_NDJSON_H
#define LK_NDJSON_H

#include <stdio.h>

#include <cjson/cJSON.h>

struct ndj;

/*
 * Open a reader over files (n of them; 0 means stdin).  Files are opened
 * one at a time as the stream reaches them; one that cannot be opened is
 * reported ("prog: x.ndjson: No such file or directory") and counted as a
 * bad record.  Never NULL (dies with RC_SYS if memory is short).
 */
struct ndj *ndj_open(int n, char **files);

/*
 * Also accept plain lines: a line that does not start with '{' becomes
 * the record {"<key>": "<line>"}, so `ls *.png | ae-score` works.
 */
void ndj_accept_paths(struct ndj *in, const char *key);

/*
 * Next record into *rec (caller frees with cJSON_Delete).  1: a record;
 * 0: end of all input; -1: a bad line or unreadable file, already
 * reported with its position, *rec NULL.
 */
int ndj_next(struct ndj *in, cJSON **rec);

/* Position of the last line returned, for messages. */
const char *ndj_file(const struct ndj *in);
long ndj_line(const struct ndj *in);

/*
 * Print "prog: file:line: message" (control characters replaced) and
 * return -1, so callers can write `return warnrec(in, ...)`.
 */
int warnrec(const struct ndj *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Close; a read error on any input dies with RC_SYS. */
void ndj_close(struct ndj *in);

/*
 * Write rec as one compact line; flush if flush is set.  Dies with RC_SYS
 * if memory is short; write errors are caught by close_stdout().
 */
void ndj_put(FILE *out, const cJSON *rec, int flush);

/*
 * Set obj[key] = item, replacing an existing key (case-sensitive) rather
 * than adding a duplicate.  Takes ownership of item.  0, or -1 if item is
 * NULL (allocation failed upstream) or obj is not an object.
 */
int rec_set(cJSON *obj, const char *key, cJSON *item);

/* rec_set with a number; -1 also for NaN or infinity (never print null). */
int rec_set_number(cJSON *obj, const char *key, double v);

/* rec_set with a string copy. */
int rec_set_string(cJSON *obj, const char *key, const char *s);

/* obj[key] when it is a string, else NULL (case-sensitive lookup). */
const char *rec_get_string(const cJSON *obj, const char *key);

/* obj[key] when it is a finite number: 0 and *v set, else -1. */
int rec_get_number(const cJSON *obj, const char *key, double *v);

#endif
