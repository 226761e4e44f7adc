/*
 * imgsrc: image arguments and record streams in argument order (see
 * imgsrc.h).  Consecutive stream arguments share one ndjson reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgsrc.h"
#include "ndjson.h"
#include "util.h"

struct imgsrc {
	char **args;
	int n, next;
	struct ndj *in;		/* the current stream, or NULL */
	int fromarg;		/* the last record came from an argument */
};

static int
is_image(const char *path)
{
	static const char *const ext[] = { "png", "jpg", "jpeg", "bmp",
	    "pgm", "ppm", "pnm", "tga", "gif" };
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot == NULL || (slash != NULL && dot < slash))
		return 0;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcasecmp(dot + 1, ext[i]) == 0)
			return 1;
	return 0;
}

struct imgsrc *
imgsrc_open(int n, char **args)
{
	struct imgsrc *s = xcalloc(1, sizeof *s);

	s->args = args;
	s->n = n;
	if (n == 0) {
		s->in = ndj_open(0, NULL);
		ndj_accept_paths(s->in, "image");
	}
	return s;
}

int
imgsrc_next(struct imgsrc *s, cJSON **rec)
{
	int r, k;

	for (;;) {
		if (s->in != NULL) {
			r = ndj_next(s->in, rec);
			if (r != 0) {
				s->fromarg = 0;
				return r;
			}
			ndj_close(s->in);
			s->in = NULL;
		}
		if (s->next >= s->n)
			return 0;
		if (is_image(s->args[s->next])) {
			*rec = cJSON_CreateObject();
			if (*rec == NULL || rec_set_string(*rec, "image",
			    s->args[s->next]) == -1)
				die(RC_SYS, "out of memory");
			s->next++;
			s->fromarg = 1;
			return 1;
		}
		for (k = s->next; k < s->n && !is_image(s->args[k]); k++)
			;
		s->in = ndj_open(k - s->next, s->args + s->next);
		ndj_accept_paths(s->in, "image");
		s->next = k;
	}
}

int
imgsrc_warn(const struct imgsrc *s, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (!s->fromarg && s->in != NULL)
		return warnrec(s->in, "%s", buf);
	warnx("%s", buf);
	return -1;
}

void
imgsrc_close(struct imgsrc *s)
{
	if (s->in != NULL)
		ndj_close(s->in);
	free(s);
}
