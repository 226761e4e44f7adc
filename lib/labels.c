/*
 * labels: the labels file, held as an array sorted by key and searched
 * with bsearch(3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "labels.h"
#include "svmfile.h"

struct entry {
	char *key;
	int label;
	long line;	/* where it was read, for the duplicate message */
};

struct labels {
	struct entry *e;
	size_t n;
};

int
labels_word(const char *s)
{
	if (strcmp(s, "fail") == 0)
		return SVMFILE_FAIL;
	if (strcmp(s, "pass") == 0)
		return SVMFILE_PASS;
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	/* equal keys in file order, so the message names the first line */
	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* bsearch(3) comparison: a key string against an entry. */
static int
cmp_key(const void *key, const void *entry)
{
	return strcmp(key, ((const struct entry *)entry)->key);
}

void
labels_free(struct labels *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->e[i].key);
	free(l->e);
	free(l);
}

/* Parse one line (NUL-terminated, newline stripped) into *e.  0 or -1. */
static int
parse_line(char *s, long line, struct entry *e)
{
	char *tab = strchr(s, '\t');

	if (tab == NULL || tab == s)
		return -1;
	*tab = '\0';
	if ((e->label = labels_word(tab + 1)) == 0)
		return -1;
	e->line = line;
	return (e->key = strdup(s)) != NULL ? 0 : -2;
}

int
labels_load(struct labels **lp, const char *path, char *err, size_t errlen)
{
	struct labels *l = calloc(1, sizeof *l);
	size_t cap = 0, i, sz = 0;
	struct entry *ne;
	char *buf = NULL;
	long line = 0;
	ssize_t len;
	FILE *f;
	int r;

	*lp = NULL;
	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(l);
		return -1;
	}
	while ((len = getline(&buf, &sz, f)) != -1) {
		line++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		if ((size_t)len != strlen(buf)) {
			snprintf(err, errlen, "%s:%ld: NUL byte in line", path,
			    line);
			goto fail;
		}
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((ne = realloc(l->e, cap * sizeof *ne)) == NULL)
				goto oom;
			l->e = ne;
		}
		if ((r = parse_line(buf, line, &l->e[l->n])) == -2)
			goto oom;
		if (r == -1) {
			snprintf(err, errlen, "%s:%ld: expected "
			    "'<key><TAB>pass' or '<key><TAB>fail'", path,
			    line);
			goto fail;
		}
		l->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	qsort(l->e, l->n, sizeof *l->e, cmp_entry);
	for (i = 1; i < l->n; i++)
		if (strcmp(l->e[i - 1].key, l->e[i].key) == 0) {
			snprintf(err, errlen, "%s:%ld: key '%s' is already "
			    "labelled on line %ld", path, l->e[i].line,
			    l->e[i].key, l->e[i - 1].line);
			goto fail;
		}
	free(buf);
	fclose(f);
	*lp = l;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(buf);
	fclose(f);
	labels_free(l);
	return -1;
}

int
labels_get(const struct labels *l, const char *key)
{
	const struct entry *e;

	e = bsearch(key, l->e, l->n, sizeof *l->e, cmp_key);
	return e != NULL ? e->label : 0;
}

size_t
labels_count(const struct labels *l)
{
	return l->n;
}
