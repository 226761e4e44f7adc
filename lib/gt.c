/*
 * gt: dataset ground-truth readers, image matching, defect masks and the
 * 8-connected region labelling AU-PRO needs.  See gt.h for the layouts.
 *
 * The labelling here produces a label image, which AU-PRO needs to know
 * the region of every pixel; lib/cc deliberately never builds one (it keeps
 * two rows), so this is a plain two-pass union-find over a w x h image.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "gt.h"
#include "img.h"
#include "util.h"

#define NOMEM(err, len) seterr((err), (len), "out of memory")

/* malloc'd "a/b" (b alone when a is empty); NULL if memory is short. */
static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s == NULL)
		return NULL;
	if (la == 0) {
		memcpy(s, b, lb + 1);
		return s;
	}
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static int
is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* File types img can decode, by extension (any case). */
static int
is_image_name(const char *name)
{
	static const char *ext[] = { "png", "jpg", "jpeg", "bmp", "pgm",
	    "ppm", "pnm", "tga", "gif" };
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || name[0] == '.')
		return 0;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcasecmp(dot + 1, ext[i]) == 0)
			return 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Sorted entries of dir that are directories (want_dirs) or image files.
 * 0, or -1 with err filled.
 */
static int
list_dir(const char *dir, int want_dirs, char ***out, size_t *nout,
    char *err, size_t errlen)
{
	char **v = NULL, **nv, *p;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int ok;

	*out = NULL;
	*nout = 0;
	if ((d = opendir(dir)) == NULL)
		return seterr(err, errlen, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((p = join(dir, e->d_name)) == NULL)
			goto nomem;
		ok = want_dirs ? is_dir(p) : is_image_name(e->d_name) &&
		    is_file(p);
		free(p);
		if (!ok)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*nout = n;
	return 0;
nomem:
	closedir(d);
	free_names(v, n);
	return NOMEM(err, errlen);
}

/* The class index of name, adding it; -1 if memory is short. */
static int
class_of(struct gt *g, const char *name)
{
	char **nc;
	int i;

	for (i = 0; i < g->ncls; i++)
		if (strcmp(g->cls[i], name) == 0)
			return i;
	if ((nc = realloc(g->cls, (size_t)(g->ncls + 1) * sizeof *nc)) ==
	    NULL)
		return -1;
	g->cls = nc;
	if ((g->cls[g->ncls] = strdup(name)) == NULL)
		return -1;
	return g->ncls++;
}

/* A new zeroed item at the end; NULL if memory is short. */
static struct gt_item *
new_item(struct gt *g, size_t *cap)
{
	struct gt_item *ni;

	if (g->n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		if ((ni = realloc(g->item, *cap * sizeof *ni)) == NULL)
			return NULL;
		g->item = ni;
	}
	memset(&g->item[g->n], 0, sizeof g->item[0]);
	return &g->item[g->n++];
}

static void
free_item(struct gt_item *it)
{
	free(it->key);
	free(it->path);
	free(it->mask);
	free(it->ell);
	free(it->box);
}

void
gt_free(struct gt *g)
{
	size_t i;
	int k;

	for (i = 0; i < g->n; i++)
		free_item(&g->item[i]);
	for (k = 0; k < g->ncls; k++)
		free(g->cls[k]);
	free(g->cls);
	free(g->item);
	free(g->tab);
	free(g->root);
	memset(g, 0, sizeof *g);
}

/* The stem of a path: the file name without its last extension. */
static size_t
stem(const char *path, const char **start)
{
	const char *b = strrchr(path, '/'), *dot;

	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	*start = b;
	return dot && dot != b ? (size_t)(dot - b) : strlen(b);
}

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

/* Slot of key s (n bytes): the item index + 1 there, or 0 (empty). */
static size_t *
slot(const struct gt *g, const char *s, size_t n)
{
	size_t i = (size_t)hash(s, n) & (g->tabsz - 1), *t;
	const char *k;

	for (;; i = (i + 1) & (g->tabsz - 1)) {
		t = &g->tab[i];
		if (*t == 0)
			return t;
		k = g->item[*t - 1].key;
		if (strlen(k) == n && memcmp(k, s, n) == 0)
			return t;
	}
}

static int
cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct gt_item *)a)->key,
	    ((const struct gt_item *)b)->key);
}

/* Sort the items, renumber the classes by name, build the index. */
static int
finish(struct gt *g, char *err, size_t errlen)
{
	int *map, k, j;
	char **sorted;
	size_t i, *t;

	if (g->n == 0)
		return seterr(err, errlen, "%s: no images found", g->root);
	/* classes by name */
	sorted = malloc((size_t)(g->ncls ? g->ncls : 1) * sizeof *sorted);
	map = malloc((size_t)(g->ncls ? g->ncls : 1) * sizeof *map);
	if (sorted == NULL || map == NULL) {
		free(sorted);
		free(map);
		return NOMEM(err, errlen);
	}
	if (g->ncls > 0) {
		memcpy(sorted, g->cls, (size_t)g->ncls * sizeof *sorted);
		qsort(sorted, (size_t)g->ncls, sizeof *sorted, cmp_str);
	}
	for (k = 0; k < g->ncls; k++)
		for (j = 0; j < g->ncls; j++)
			if (sorted[j] == g->cls[k])
				map[k] = j;
	for (i = 0; i < g->n; i++)
		if (g->item[i].cls >= 0)
			g->item[i].cls = map[g->item[i].cls];
	if (g->ncls > 0)
		memcpy(g->cls, sorted, (size_t)g->ncls * sizeof *sorted);
	free(sorted);
	free(map);

	qsort(g->item, g->n, sizeof *g->item, cmp_item);
	for (g->tabsz = 16; g->tabsz < 2 * g->n; g->tabsz *= 2)
		;
	if ((g->tab = calloc(g->tabsz, sizeof *g->tab)) == NULL)
		return NOMEM(err, errlen);
	for (i = 0; i < g->n; i++) {
		t = slot(g, g->item[i].key, strlen(g->item[i].key));
		if (*t != 0)
			return seterr(err, errlen, "'%s' is listed twice",
			    g->item[i].key);
		*t = i + 1;
	}
	return 0;
}

/* ---- MVTec AD ---- */

static int
load_mvtec(struct gt *g, char *err, size_t errlen)
{
	char **types = NULL, **files = NULL, *tdir = NULL, *m = NULL;
	char *testdir, key[4096];
	size_t nt = 0, nf = 0, i, j, cap = 0, sl;
	struct gt_item *it;
	const char *st;
	int rc = -1, cls;

	if ((testdir = join(g->root, "test")) == NULL)
		return NOMEM(err, errlen);
	if (list_dir(testdir, 1, &types, &nt, err, errlen) == -1)
		goto out;
	for (i = 0; i < nt; i++) {
		free(tdir);
		free_names(files, nf);
		files = NULL;
		nf = 0;
		if ((tdir = join(testdir, types[i])) == NULL)
			goto nomem;
		if (list_dir(tdir, 0, &files, &nf, err, errlen) == -1)
			goto out;
		cls = -1;
		if (strcmp(types[i], "good") != 0 &&
		    (cls = class_of(g, types[i])) == -1)
			goto nomem;
		for (j = 0; j < nf; j++) {
			if ((it = new_item(g, &cap)) == NULL)
				goto nomem;
			snprintf(key, sizeof key, "test/%s/%s", types[i],
			    files[j]);
			it->key = strdup(key);
			it->path = join(tdir, files[j]);
			it->cls = cls;
			if (it->key == NULL || it->path == NULL)
				goto nomem;
			if (cls < 0)
				continue;
			sl = stem(files[j], &st);
			snprintf(key, sizeof key, "ground_truth/%s/%.*s_mask.png",
			    types[i], (int)sl, st);
			if ((m = join(g->root, key)) == NULL)
				goto nomem;
			if (!is_file(m)) {
				seterr(err, errlen, "no mask '%s' for "
				    "'test/%s/%s'", key, types[i], files[j]);
				goto out;
			}
			it->mask = m;
			m = NULL;
		}
	}
	/* the training normals are defect-free too (held-out validation) */
	free(tdir);
	free_names(files, nf);
	files = NULL;
	nf = 0;
	if ((tdir = join(g->root, "train/good")) == NULL)
		goto nomem;
	if (is_dir(tdir)) {
		if (list_dir(tdir, 0, &files, &nf, err, errlen) == -1)
			goto out;
		for (j = 0; j < nf; j++) {
			if ((it = new_item(g, &cap)) == NULL)
				goto nomem;
			snprintf(key, sizeof key, "train/good/%s", files[j]);
			it->key = strdup(key);
			it->path = join(tdir, files[j]);
			it->cls = -1;
			if (it->key == NULL || it->path == NULL)
				goto nomem;
		}
	}
	rc = 0;
	goto out;
nomem:
	rc = NOMEM(err, errlen);
out:
	free(m);
	free(tdir);
	free(testdir);
	free_names(types, nt);
	free_names(files, nf);
	return rc;
}

/* ---- text files of fields ---- */

/* Split line in place at whitespace into at most max fields. */
static int
fields(char *line, char **f, int max)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		f[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int
num(const char *s, double *v)
{
	char *e;

	errno = 0;
	*v = strtod(s, &e);
	return e != s && *e == '\0' && errno == 0 && isfinite(*v) ? 0 : -1;
}

/* The last path component of dir, without a trailing slash. */
static void
base_name(const char *dir, char *out, size_t len)
{
	size_t n = strlen(dir);
	const char *b;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (b = dir + n; b > dir && b[-1] != '/'; b--)
		;
	snprintf(out, len, "%.*s", (int)(dir + n - b), b);
}

/* ---- DAGM 2007 with label images ---- */

static int
load_dagm(struct gt *g, char *err, size_t errlen)
{
	char *dir = NULL, *lab = NULL, *line = NULL, *f[8], name[256];
	char *ldir = NULL, *sub, real[PATH_MAX];
	size_t cap = 0, lcap = 0;
	struct gt_item *it;
	long ln = 0;
	int rc = -1, nf, cls, defective;
	FILE *fp = NULL;

	if ((sub = join(g->root, "Label/Labels.txt")) == NULL)
		return NOMEM(err, errlen);
	if (is_file(sub))
		dir = strdup(g->root);
	else
		dir = join(g->root, "Test");
	free(sub);
	if (dir == NULL || (ldir = join(dir, "Label")) == NULL ||
	    (lab = join(ldir, "Labels.txt")) == NULL)
		goto nomem;
	if ((fp = fopen(lab, "r")) == NULL) {
		seterr(err, errlen, "%s: %s", lab, strerror(errno));
		goto out;
	}
	/* the class: the dataset directory, above Test/ or Train/ */
	if (realpath(dir, real) == NULL) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	base_name(real, name, sizeof name);
	if (strcmp(name, "Test") == 0 || strcmp(name, "Train") == 0) {
		*strrchr(real, '/') = '\0';
		base_name(real[0] ? real : "/", name, sizeof name);
	}
	if ((cls = class_of(g, name)) == -1)
		goto nomem;
	while (getline(&line, &lcap, fp) > 0) {
		ln++;
		nf = fields(line, f, 6);
		if (nf == 0 || (ln == 1 && nf == 1))
			continue;	/* blank, or the format header */
		if (nf != 5) {
			seterr(err, errlen, "%s:%ld: expected 5 fields "
			    "(ID, defective, image, 0, label), found %d", lab,
			    ln, nf > 6 ? 7 : nf);
			goto out;
		}
		if (strcmp(f[1], "0") != 0 && strcmp(f[1], "1") != 0) {
			seterr(err, errlen, "%s:%ld: defective flag '%s' is "
			    "not 0 or 1", lab, ln, f[1]);
			goto out;
		}
		defective = f[1][0] == '1';
		if (defective != (strcmp(f[4], "0") != 0)) {
			seterr(err, errlen, "%s:%ld: %s", lab, ln, defective ?
			    "defective image without a label file" :
			    "defect-free image with a label file");
			goto out;
		}
		if ((it = new_item(g, &cap)) == NULL)
			goto nomem;
		it->key = strdup(f[2]);
		it->path = join(dir, f[2]);
		it->cls = defective ? cls : -1;
		if (it->key == NULL || it->path == NULL)
			goto nomem;
		if (defective) {
			if ((it->mask = join(ldir, f[4])) == NULL)
				goto nomem;
			if (!is_file(it->mask)) {
				seterr(err, errlen, "%s:%ld: no label image "
				    "'%s'", lab, ln, it->mask);
				goto out;
			}
		}
	}
	if (ferror(fp)) {
		seterr(err, errlen, "%s: %s", lab, strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	rc = NOMEM(err, errlen);
out:
	if (fp != NULL)
		fclose(fp);
	free(line);
	free(lab);
	free(ldir);
	free(dir);
	return rc;
}

/* ---- DAGM 2007 competition layout (ellipses) ---- */

static int
load_dagm07(struct gt *g, char *err, size_t errlen)
{
	char *lab = NULL, *line = NULL, *f[8], name[256], key[4096];
	char *p = NULL, *sib = NULL, **files = NULL;
	double v[5];
	size_t cap = 0, lcap = 0, nfile = 0, i, n;
	struct gt_item *it;
	long ln = 0;
	int rc = -1, nf, cls, k;
	FILE *fp = NULL;

	if ((lab = join(g->root, "labels.txt")) == NULL)
		return NOMEM(err, errlen);
	if (!is_file(lab)) {
		free(lab);
		if ((lab = join(g->root, "Labels.txt")) == NULL)
			return NOMEM(err, errlen);
	}
	if ((fp = fopen(lab, "r")) == NULL) {
		seterr(err, errlen, "%s: %s", lab, strerror(errno));
		goto out;
	}
	base_name(g->root, name, sizeof name);
	n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, "_def") == 0)
		name[n - 4] = '\0';
	if ((cls = class_of(g, name)) == -1)
		goto nomem;
	base_name(g->root, name, sizeof name);
	while (getline(&line, &lcap, fp) > 0) {
		ln++;
		if ((nf = fields(line, f, 6)) == 0)
			continue;
		if (nf != 6) {
			seterr(err, errlen, "%s:%ld: expected 6 fields (ID, "
			    "semi-major, semi-minor, rotation, x, y)", lab, ln);
			goto out;
		}
		for (k = 0; k < 5; k++)
			if (num(f[k + 1], &v[k]) == -1) {
				seterr(err, errlen, "%s:%ld: '%s' is not a "
				    "number", lab, ln, f[k + 1]);
				goto out;
			}
		if (v[0] <= 0 || v[1] <= 0) {
			seterr(err, errlen, "%s:%ld: ellipse axes must be "
			    "positive", lab, ln);
			goto out;
		}
		if ((it = new_item(g, &cap)) == NULL)
			goto nomem;
		snprintf(key, sizeof key, "%s.png", f[0]);
		if ((p = join(g->root, key)) == NULL)
			goto nomem;
		if (!is_file(p)) {
			snprintf(key, sizeof key, "%s.PNG", f[0]);
			free(p);
			if ((p = join(g->root, key)) == NULL)
				goto nomem;
		}
		it->path = p;
		p = NULL;
		it->key = join(name, key);
		it->cls = cls;
		if (it->key == NULL || (it->ell = malloc(sizeof *it->ell)) ==
		    NULL)
			goto nomem;
		it->ell->a = v[0];
		it->ell->b = v[1];
		it->ell->rot = v[2];
		it->ell->cx = v[3];
		it->ell->cy = v[4];
	}
	if (ferror(fp)) {
		seterr(err, errlen, "%s: %s", lab, strerror(errno));
		goto out;
	}
	/* the defect-free sibling ClassN of ClassN_def */
	n = strlen(g->root);
	while (n > 1 && g->root[n - 1] == '/')
		n--;
	if (n > 4 && strncmp(g->root + n - 4, "_def", 4) == 0) {
		if ((sib = strndup(g->root, n - 4)) == NULL)
			goto nomem;
		if (is_dir(sib)) {
			if (list_dir(sib, 0, &files, &nfile, err, errlen) ==
			    -1)
				goto out;
			base_name(sib, name, sizeof name);
			for (i = 0; i < nfile; i++) {
				if ((it = new_item(g, &cap)) == NULL)
					goto nomem;
				it->key = join(name, files[i]);
				it->path = join(sib, files[i]);
				it->cls = -1;
				if (it->key == NULL || it->path == NULL)
					goto nomem;
			}
		}
	}
	rc = 0;
	goto out;
nomem:
	rc = NOMEM(err, errlen);
out:
	if (fp != NULL)
		fclose(fp);
	free(line);
	free(lab);
	free(p);
	free(sib);
	free_names(files, nfile);
	return rc;
}

/* ---- plain mask folder ---- */

static int
load_masks(struct gt *g, char *err, size_t errlen)
{
	char **files = NULL;
	size_t nf = 0, i, sl, cap = 0;
	struct gt_item *it;
	const char *st;
	int cls, rc = -1;

	if (list_dir(g->root, 0, &files, &nf, err, errlen) == -1)
		return -1;
	if ((cls = class_of(g, "defect")) == -1)
		goto nomem;
	for (i = 0; i < nf; i++) {
		if ((it = new_item(g, &cap)) == NULL)
			goto nomem;
		sl = stem(files[i], &st);
		if (sl > 5 && strncmp(st + sl - 5, "_mask", 5) == 0)
			sl -= 5;
		it->key = strndup(st, sl);
		it->mask = join(g->root, files[i]);
		it->cls = cls;
		if (it->key == NULL || it->mask == NULL)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	rc = NOMEM(err, errlen);
out:
	free_names(files, nf);
	return rc;
}

/* ---- box lists ---- */

static int
box_field(const cJSON *b, const char *k, double *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(b, k);

	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
		return -1;
	*v = x->valuedouble;
	return 0;
}

/* One box-list record into a new item; 0 or -1 with err filled. */
static int
box_record(struct gt *g, const cJSON *o, size_t *cap, const char *where,
    char *err, size_t errlen)
{
	const cJSON *im = cJSON_GetObjectItemCaseSensitive(o, "image");
	const cJSON *bx = cJSON_GetObjectItemCaseSensitive(o, "boxes");
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(o, "class");
	const cJSON *b;
	struct gt_item *it;
	double v[4];
	int k, nb;
	static const char *names[4] = { "x", "y", "w", "h" };

	if (!cJSON_IsString(im))
		return seterr(err, errlen, "%s: record has no \"image\" "
		    "string", where);
	if (!cJSON_IsArray(bx))
		return seterr(err, errlen, "%s: record has no \"boxes\" "
		    "array", where);
	if (cl != NULL && !cJSON_IsString(cl))
		return seterr(err, errlen, "%s: \"class\" is not a string",
		    where);
	if ((it = new_item(g, cap)) == NULL)
		return NOMEM(err, errlen);
	if ((it->key = strdup(im->valuestring)) == NULL)
		return NOMEM(err, errlen);
	nb = cJSON_GetArraySize(bx);
	it->cls = -1;
	if (nb > 0 && (it->cls = class_of(g, cl ? cl->valuestring :
	    "defect")) == -1)
		return NOMEM(err, errlen);
	if (nb > 0 && (it->box = calloc((size_t)nb, sizeof *it->box)) ==
	    NULL)
		return NOMEM(err, errlen);
	cJSON_ArrayForEach(b, bx) {
		for (k = 0; k < 4; k++)
			if (box_field(b, names[k], &v[k]) == -1 ||
			    v[k] != floor(v[k]) || fabs(v[k]) > 1e9)
				return seterr(err, errlen, "%s: box %d has no "
				    "integer \"%s\"", where, it->nbox + 1,
				    names[k]);
		if (v[2] < 1 || v[3] < 1)
			return seterr(err, errlen, "%s: box %d is empty",
			    where, it->nbox + 1);
		it->box[it->nbox].x = (int)v[0];
		it->box[it->nbox].y = (int)v[1];
		it->box[it->nbox].w = (int)v[2];
		it->box[it->nbox].h = (int)v[3];
		it->nbox++;
	}
	return 0;
}

static int
load_boxes(struct gt *g, char *err, size_t errlen)
{
	char *line = NULL, where[4200];
	size_t lcap = 0, cap = 0;
	ssize_t len;
	long ln = 0;
	cJSON *o;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(g->root, "r")) == NULL)
		return seterr(err, errlen, "%s: %s", g->root,
		    strerror(errno));
	while (rc == 0 && (len = getline(&line, &lcap, fp)) > 0) {
		ln++;
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		if (len == 0)
			continue;
		snprintf(where, sizeof where, "%s:%ld", g->root, ln);
		o = cJSON_ParseWithLength(line, (size_t)len);
		if (!cJSON_IsObject(o))
			rc = seterr(err, errlen, "%s: not a JSON object",
			    where);
		else
			rc = box_record(g, o, &cap, where, err, errlen);
		cJSON_Delete(o);
	}
	if (rc == 0 && ferror(fp))
		rc = seterr(err, errlen, "%s: %s", g->root, strerror(errno));
	fclose(fp);
	free(line);
	return rc;
}

/* ---- public ---- */

int
gt_load(struct gt *g, const char *spec, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum gt_kind kind;
		int (*load)(struct gt *, char *, size_t);
	} kinds[] = {
		{ "mvtec", GT_MVTEC, load_mvtec },
		{ "dagm", GT_DAGM, load_dagm },
		{ "dagm07", GT_DAGM07, load_dagm07 },
		{ "masks", GT_MASKS, load_masks },
		{ "boxes", GT_BOXES, load_boxes },
	};
	const char *colon = strchr(spec, ':');
	size_t i;

	memset(g, 0, sizeof *g);
	for (i = 0; colon && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i].name) == (size_t)(colon - spec) &&
		    strncmp(spec, kinds[i].name, (size_t)(colon - spec)) == 0)
			break;
	if (colon == NULL || i == sizeof kinds / sizeof kinds[0])
		return seterr(err, errlen, "unknown ground-truth kind '%.*s' "
		    "(mvtec, dagm, dagm07, masks, boxes)", colon ?
		    (int)(colon - spec) : (int)strlen(spec), spec);
	if (colon[1] == '\0')
		return seterr(err, errlen, "ground truth '%s' names no path",
		    spec);
	g->kind = kinds[i].kind;
	if ((g->root = strdup(colon + 1)) == NULL)
		return NOMEM(err, errlen);
	if (kinds[i].load(g, err, errlen) == -1 ||
	    finish(g, err, errlen) == -1) {
		gt_free(g);
		return -1;
	}
	return 0;
}

const struct gt_item *
gt_find(const struct gt *g, const char *path)
{
	char *norm, *o;
	const char *s, *st;
	size_t *t, n;
	const struct gt_item *it = NULL;

	if (g->tabsz == 0)
		return NULL;
	if (g->kind == GT_MASKS) {
		n = stem(path, &st);
		t = slot(g, st, n);
		return *t ? &g->item[*t - 1] : NULL;
	}
	/* drop "./" components and repeated slashes */
	if ((norm = malloc(strlen(path) + 1)) == NULL)
		return NULL;
	for (o = norm, s = path; *s;) {
		if ((s == path || s[-1] == '/') && s[0] == '.' &&
		    s[1] == '/') {
			s += 2;
			continue;
		}
		if (*s == '/' && o > norm && o[-1] == '/') {
			s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	for (s = norm; s != NULL; s = strchr(s, '/') ? strchr(s, '/') + 1 :
	    NULL) {
		t = slot(g, s, strlen(s));
		if (*t) {
			it = &g->item[*t - 1];
			break;
		}
	}
	free(norm);
	return it;
}

int
gt_has_masks(const struct gt *g)
{
	return g->kind != GT_BOXES;
}

int
gt_defective(const struct gt_item *it)
{
	return it->cls >= 0;
}

void
gt_ellipse_fill(const struct gt_ellipse *e, int w, int h,
    unsigned char *mask)
{
	double c = cos(e->rot), s = sin(e->rot), r = fmax(e->a, e->b);
	double dx, dy, u, v;
	int x, y, x0, x1, y0, y1;

	x0 = (int)fmax(0, floor(e->cx - r));
	x1 = (int)fmin(w - 1, ceil(e->cx + r));
	y0 = (int)fmax(0, floor(e->cy - r));
	y1 = (int)fmin(h - 1, ceil(e->cy + r));
	for (y = y0; y <= y1; y++)
		for (x = x0; x <= x1; x++) {
			dx = x - e->cx;
			dy = y - e->cy;
			u = (dx * c + dy * s) / e->a;
			v = (-dx * s + dy * c) / e->b;
			if (u * u + v * v <= 1)
				mask[(size_t)y * (size_t)w + (size_t)x] = 1;
		}
}

int
gt_mask(const struct gt_item *it, int w, int h, unsigned char *mask,
    char *err, size_t errlen)
{
	char ierr[IMG_ERRLEN];
	struct img m;
	size_t i, n = (size_t)w * (size_t)h;

	memset(mask, 0, n);
	if (it->ell != NULL) {
		gt_ellipse_fill(it->ell, w, h, mask);
		return 0;
	}
	if (it->mask == NULL)
		return 0;
	if (img_load_gray(&m, it->mask, ierr, sizeof ierr) == -1)
		return seterr(err, errlen, "cannot load mask '%s': %s",
		    it->mask, ierr);
	if (m.w != w || m.h != h) {
		seterr(err, errlen, "mask '%s' is %dx%d, the map %dx%d",
		    it->mask, m.w, m.h, w, h);
		img_free(&m);
		return -1;
	}
	for (i = 0; i < n; i++)
		mask[i] = m.data[i] >= 0.5f;
	img_free(&m);
	return 0;
}

/* Union-find root with path halving. */
static int32_t
root(int32_t *par, int32_t a)
{
	while (par[a] != a) {
		par[a] = par[par[a]];
		a = par[a];
	}
	return a;
}

static void
unite(int32_t *par, int32_t a, int32_t b)
{
	a = root(par, a);
	b = root(par, b);
	if (a < b)
		par[b] = a;
	else if (b < a)
		par[a] = b;
}

long
gt_label(const unsigned char *mask, int w, int h, int32_t *lab,
    struct gt_region **reg)
{
	int32_t *par = NULL, *np, next = 1, l, *id = NULL;
	struct gt_region *r = NULL, *nr;
	size_t cap = 0;
	long n = 0, rcap = 0;
	int x, y;

	*reg = NULL;
	/* pass 1: provisional labels from W, NW, N, NE */
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			size_t i = (size_t)y * (size_t)w + (size_t)x;
			int32_t nb[4];
			int k, m = 0;

			lab[i] = 0;
			if (!mask[i])
				continue;
			if (x > 0 && lab[i - 1])
				nb[m++] = lab[i - 1];
			if (y > 0) {
				size_t u = i - (size_t)w;

				if (x > 0 && lab[u - 1])
					nb[m++] = lab[u - 1];
				if (lab[u])
					nb[m++] = lab[u];
				if (x + 1 < w && lab[u + 1])
					nb[m++] = lab[u + 1];
			}
			if (m == 0) {
				if ((size_t)next >= cap) {
					cap = cap ? 2 * cap : 1024;
					if ((np = realloc(par, cap *
					    sizeof *np)) == NULL)
						goto nomem;
					par = np;
				}
				par[next] = next;
				lab[i] = next++;
				continue;
			}
			lab[i] = nb[0];
			for (k = 1; k < m; k++)
				unite(par, nb[0], nb[k]);
		}
	/* pass 2: final labels in raster order of first pixel, statistics */
	if ((id = calloc((size_t)next, sizeof *id)) == NULL)
		goto nomem;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			size_t i = (size_t)y * (size_t)w + (size_t)x;
			int32_t rt;

			if (!lab[i])
				continue;
			rt = root(par, lab[i]);
			if (id[rt] == 0) {
				if (n == rcap) {
					rcap = rcap ? 2 * rcap : 16;
					if ((nr = realloc(r, (size_t)rcap *
					    sizeof *nr)) == NULL)
						goto nomem;
					r = nr;
				}
				id[rt] = (int32_t)++n;
				r[n - 1].x = r[n - 1].w = x;
				r[n - 1].y = r[n - 1].h = y;
				r[n - 1].area = 0;
			}
			l = id[rt];
			lab[i] = l;
			nr = &r[l - 1];
			nr->area++;
			if (x < nr->x)
				nr->x = x;
			if (x > nr->w)
				nr->w = x;	/* max x until the end */
			nr->h = y;		/* max y: rows come in order */
		}
	for (l = 0; l < n; l++) {
		r[l].w = r[l].w - r[l].x + 1;
		r[l].h = r[l].h - r[l].y + 1;
	}
	free(par);
	free(id);
	*reg = r;
	return n;
nomem:
	free(par);
	free(id);
	free(r);
	return -1;
}
