/*
 * util: the process-wide pieces every tool shares: the exit-code table,
 * error reporting in the "prog: where: what" format, checked allocation and
 * range-checked option parsing.  Only cmd/ code and the I/O front ends
 * (ndjson, progress) may call the functions that print or exit.
 */
#ifndef LK_UTIL_H
#define LK_UTIL_H

#include <stddef.h>

/* The exit-code table, the same in every tool (CONVENTIONS section 5). */
enum {
	RC_OK = 0,	/* success */
	RC_FALSE = 1,	/* predicate false, only with -e */
	RC_USAGE = 2,	/* bad option or argument */
	RC_DATA = 3,	/* bad input record or image */
	RC_MODEL = 4,	/* model or calibration file unusable */
	RC_SYS = 5	/* I/O or system failure */
};

/* Set by main() before anything else; a fixed name keeps goldens stable. */
extern const char *progname;

/* Print "progname: message" (control characters replaced) to stderr. */
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warnx(), then exit with rc. */
_Noreturn void die(int rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A programmer error: print where and abort().  Never for bad data. */
#define BUG(msg) lk__bug(__FILE__, __LINE__, (msg))
_Noreturn void lk__bug(const char *file, int line, const char *msg);

/* Allocation that dies with RC_SYS on failure; for cmd/ only. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/*
 * Parse s as a whole decimal number in [min, max]; on any error die with
 * RC_USAGE naming the option: "prog: -t: '300' is out of range (0..255)".
 */
long parse_long(const char *opt, const char *s, long min, long max);
double parse_double(const char *opt, const char *s, double min, double max);

/*
 * Fill a caller's error buffer (err may be NULL, errlen 0) and return -1,
 * so library code can write `return seterr(err, errlen, "...", ...)`.
 * Prints nothing: the library error convention of CONVENTIONS section 11.
 */
int seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Copy src into dst (size dstlen, NUL-terminated), replacing control
 * characters by '?', so echoed input cannot garble a terminal or a log.
 */
void sanitize_text(char *dst, size_t dstlen, const char *src);

/*
 * Flush and close stdout; on failure die with RC_SYS and
 * "prog: writing output failed: <strerror>".  Call once, at the end.
 */
void close_stdout(void);

#endif
