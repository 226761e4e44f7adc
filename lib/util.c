/*
 * util: exit codes, error reporting, checked allocation and option parsing
 * shared by every tool.  Messages follow "prog: where: what" (GNU, git):
 * lowercase, no full stop, to stderr only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *progname = "linekit";

void
sanitize_text(char *dst, size_t dstlen, const char *src)
{
	size_t i;

	if (dstlen == 0)
		return;
	for (i = 0; src[i] != '\0' && i + 1 < dstlen; i++) {
		unsigned char ch = (unsigned char)src[i];

		/* keep tabs; UTF-8 bytes (>= 0x80) pass, only C0 and DEL go */
		dst[i] = (ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : src[i];
	}
	dst[i] = '\0';
}

int
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
vreport(const char *fmt, va_list ap)
{
	char msg[4096], clean[4096];

	vsnprintf(msg, sizeof msg, fmt, ap);
	sanitize_text(clean, sizeof clean, msg);
	fprintf(stderr, "%s: %s\n", progname, clean);
}

void
warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

void
die(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(rc);
}

void
lk__bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s: BUG: %s:%d: %s\n", progname, file, line, msg);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		die(RC_SYS, "out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(RC_SYS, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (p == NULL)
		die(RC_SYS, "out of memory (%zu bytes)", size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

long
parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0')
		die(RC_USAGE, "%s: '%s' is not a whole number", opt, s);
	if (errno == ERANGE || v < min || v > max)
		die(RC_USAGE, "%s: '%s' is out of range (%ld..%ld)", opt, s,
		    min, max);
	return v;
}

double
parse_double(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || v != v)
		die(RC_USAGE, "%s: '%s' is not a number", opt, s);
	if (errno == ERANGE || v < min || v > max)
		die(RC_USAGE, "%s: '%s' is out of range (%g..%g)", opt, s,
		    min, max);
	return v;
}

void
close_stdout(void)
{
	int failed = ferror(stdout);

	/* fclose flushes; a full disk often shows only here */
	if (fclose(stdout) != 0 || failed) {
		if (failed && errno == 0)
			errno = EIO;
		die(RC_SYS, "writing output failed: %s", strerror(errno));
	}
}
