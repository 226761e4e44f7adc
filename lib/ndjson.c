/*
 * ndjson: the record stream shared by every tool (CONVENTIONS section 6).
 * Lines are read with getline(3), so there is no length limit; each is
 * parsed with cJSON_ParseWithLengthOpts requiring the object to end the
 * line.  Inputs are opened lazily so that a missing second file is reported
 * at its place in the stream, after the records of the first.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"
#include "util.h"

struct ndj {
	char **files;		/* the names given; none means stdin */
	int nfiles, next;	/* next file to open */
	FILE *f;		/* current input, NULL between files */
	const char *name;	/* its name for messages */
	long line;		/* last line read from it */
	char *buf;		/* getline buffer, reused */
	size_t cap;
	const char *path_key;	/* non-NULL: plain lines become records */
};

static char dash[] = "-";
static char *stdin_name[] = { dash };

struct ndj *
ndj_open(int n, char **files)
{
	struct ndj *in = xcalloc(1, sizeof *in);

	in->files = n > 0 ? files : stdin_name;
	in->nfiles = n > 0 ? n : 1;
	return in;
}

void
ndj_accept_paths(struct ndj *in, const char *key)
{
	in->path_key = key;
}

const char *
ndj_file(const struct ndj *in)
{
	return in->name != NULL ? in->name : "<stdin>";
}

long
ndj_line(const struct ndj *in)
{
	return in->line;
}

int
warnrec(const struct ndj *in, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	warnx("%s:%ld: %s", ndj_file(in), in->line, msg);
	return -1;
}

/* Close the current input; a read error is a system failure. */
static void
end_file(struct ndj *in)
{
	int failed = ferror(in->f);

	if (in->f != stdin)
		fclose(in->f);
	in->f = NULL;
	if (failed)
		die(RC_SYS, "%s: read error", ndj_file(in));
}

/* Open the next input: 1 opened, 0 none left, -1 could not open. */
static int
next_file(struct ndj *in)
{
	const char *name;

	if (in->next >= in->nfiles)
		return 0;
	name = in->files[in->next++];
	in->line = 0;
	if (strcmp(name, "-") == 0) {
		in->f = stdin;
		in->name = "<stdin>";
		return 1;
	}
	in->name = name;
	in->f = fopen(name, "r");
	if (in->f == NULL) {
		warnx("%s: %s", name, strerror(errno));
		return -1;
	}
	return 1;
}

/*
 * Length of the valid UTF-8 prefix of s (n bytes): JSON text must be UTF-8
 * and cJSON does not check, so bad bytes would reach the output.
 */
static size_t
utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07;
		else
			return i;
		if (i + len > n)
			return i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += len;
	}
	return n;
}

/* A plain line (a path) as the record {"<key>": line}. */
static cJSON *
path_record(const char *key, const char *line)
{
	cJSON *rec = cJSON_CreateObject();

	if (rec == NULL || cJSON_AddStringToObject(rec, key, line) == NULL)
		die(RC_SYS, "out of memory");
	return rec;
}

int
ndj_next(struct ndj *in, cJSON **rec)
{
	const char *end;
	ssize_t len;
	size_t skip;
	int r;

	*rec = NULL;
	for (;;) {
		if (in->f == NULL) {
			r = next_file(in);
			if (r <= 0)
				return r;
		}
		errno = 0;
		len = getline(&in->buf, &in->cap, in->f);
		if (len == -1) {
			if (errno == ENOMEM)
				die(RC_SYS, "out of memory");
			end_file(in);
			continue;
		}
		in->line++;
		while (len > 0 && (in->buf[len - 1] == '\n' ||
		    in->buf[len - 1] == '\r'))
			in->buf[--len] = '\0';
		if (len == 0 || strspn(in->buf, " \t") == (size_t)len)
			continue;
		if (memchr(in->buf, '\0', (size_t)len) != NULL)
			return warnrec(in, "NUL byte in line");
		skip = utf8_valid_prefix((unsigned char *)in->buf, (size_t)len);
		if (skip != (size_t)len)
			return warnrec(in, "invalid UTF-8 at column %zu",
			    skip + 1);
		if (in->path_key != NULL && in->buf[strspn(in->buf, " \t")]
		    != '{') {
			*rec = path_record(in->path_key, in->buf);
			return 1;
		}
		/* the length includes the NUL: cJSON checks it is there */
		*rec = cJSON_ParseWithLengthOpts(in->buf, (size_t)len + 1,
		    &end, 1);
		if (*rec == NULL) {
			warnrec(in, "malformed JSON near column %ld",
			    (long)(end != NULL ? end - in->buf + 1 : 1));
			return -1;
		}
		if (!cJSON_IsObject(*rec)) {
			cJSON_Delete(*rec);
			*rec = NULL;
			return warnrec(in, "record is not a JSON object");
		}
		return 1;
	}
}

void
ndj_close(struct ndj *in)
{
	if (in->f != NULL)
		end_file(in);
	free(in->buf);
	free(in);
}

void
ndj_put(FILE *out, const cJSON *rec, int flush)
{
	char *s = cJSON_PrintUnformatted(rec);

	if (s == NULL)
		die(RC_SYS, "out of memory");
	fputs(s, out);
	putc('\n', out);
	free(s);
	/* a full disk ends the run at once, not after the whole stream */
	if (flush && fflush(out) == EOF)
		die(RC_SYS, "writing output failed: %s", strerror(errno));
}

int
rec_set(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL || !cJSON_IsObject(obj)) {
		cJSON_Delete(item);
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item)
		    ? 0 : -1;
	return cJSON_AddItemToObject(obj, key, item) ? 0 : -1;
}

int
rec_set_number(cJSON *obj, const char *key, double v)
{
	if (!isfinite(v))
		return -1;
	return rec_set(obj, key, cJSON_CreateNumber(v));
}

int
rec_set_string(cJSON *obj, const char *key, const char *s)
{
	return rec_set(obj, key, cJSON_CreateString(s));
}

const char *
rec_get_string(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

int
rec_get_number(const cJSON *obj, const char *key, double *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return -1;
	*v = it->valuedouble;
	return 0;
}
