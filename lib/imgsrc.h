/*
 * imgsrc: the input of a tool that takes images.  Each argument that names
 * an image file (by its extension: png, jpg, jpeg, bmp, pgm, ppm, pnm, tga,
 * gif, any case) becomes the record {"image": "<argument>"}; every other
 * argument, and standard input when there are no arguments, is a record
 * stream read by ndjson, where a plain line is an image path.  So both
 * "ae-score -m m.ae a.png b.png" and "ls *.png | ae-score -m m.ae" work,
 * in argument order.  Like ndjson this is an I/O front end: it
 * reports bad input itself.
 */
#ifndef LK_IMGSRC_H
#define LK_IMGSRC_H

#include <cjson/cJSON.h>

struct imgsrc;

/* Over n arguments (0: standard input).  Never NULL. */
struct imgsrc *imgsrc_open(int n, char **args);

/*
 * Next record into *rec (free with cJSON_Delete).  1: a record; 0: the
 * end; -1: a bad line or unreadable file, already reported, *rec NULL.
 */
int imgsrc_next(struct imgsrc *s, cJSON **rec);

/*
 * Report a problem with the last record and return -1: "prog: file:line:
 * message" for a stream record, "prog: message" for an image argument
 * (whose message names the image anyway).
 */
int imgsrc_warn(const struct imgsrc *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Close; a read error dies with RC_SYS as ndj_close() does. */
void imgsrc_close(struct imgsrc *s);

#endif
