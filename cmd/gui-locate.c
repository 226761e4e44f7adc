/*
 * gui-locate: find GUI elements on screen images.  The elements are given
 * as template images, directories of them, or openQA needles (each
 * "match" area cropped from the needle's PNG, its "exclude" areas
 * ignored).  Each screen (-S, or records naming one) is searched by
 * multi-scale, coarse-to-fine normalised cross-correlation (lib/match.c);
 * one record is written per element found, and a "found": false record
 * per element not found, so a test script can fail clearly.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "img.h"	/* img_load_gray() */
#include "match.h"	/* match_find(): the search */
#include "ndjson.h"	/* ndj_*, warnrec(), rec_set*() */
#include "needle.h"	/* needle_load(): openQA needles */
#include "util.h"	/* progname, die(), parse_*(), RC_* */

static const char usage_line[] =
    "usage: gui-locate [-DEekux] [-f field] [-j jobs] [-n count] "
    "[-o overlap]\n"
    "                  [-S screen] [-s scales] [-t threshold] "
    "template ...\n";
static const char help_text[] =
    "  template                an image (element named by its file name up "
    "to\n"
    "                          the first dot), NAME=image, a directory of "
    "images\n"
    "                          and needles, or an openQA needle NAME.json "
    "(one\n"
    "                          element per \"match\" area); templates with "
    "one\n"
    "                          name are versions of one element\n"
    "  -D, --no-denoise        do not smooth before matching\n"
    "  -E, --exhaustive        search every position at full resolution "
    "(slow)\n"
    "  -e, --exit-status       exit 1 when some element was not found\n"
    "  -f, --field=NAME        record field naming the screen image\n"
    "                          (default \"image\")\n"
    "  -j, --jobs=N            threads (default 1)\n"
    "  -k, --keep-going        report bad records and continue\n"
    "  -n, --count=N           hits per element, best first (default 1)\n"
    "  -o, --overlap=IOU       drop hits overlapping a better one by more\n"
    "                          (default 0.3)\n"
    "  -S, --screen=FILE       search this image instead of reading "
    "records\n"
    "  -s, --scales=MIN:MAX:N  template scales tried (default 0.7:1.3:7;\n"
    "                          needles: the screen's size over the "
    "needle's);\n"
    "                          a single number: that scale only\n"
    "  -t, --threshold=T       minimum correlation, -1..1 (default 0.7)\n"
    "  -u, --unbuffered        flush after every record (always done)\n"
    "  -x, --no-refine         no refinement between the scales tried\n"
    "  -h, --help              this text;  -V, --version: print the version\n";

static const struct option longopts[] = {
	{ "no-denoise",	no_argument,		NULL, 'D' },
	{ "exhaustive",	no_argument,		NULL, 'E' },
	{ "exit-status", no_argument,		NULL, 'e' },
	{ "field",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "count",	required_argument,	NULL, 'n' },
	{ "overlap",	required_argument,	NULL, 'o' },
	{ "screen",	required_argument,	NULL, 'S' },
	{ "scales",	required_argument,	NULL, 's' },
	{ "threshold",	required_argument,	NULL, 't' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "no-refine",	no_argument,		NULL, 'x' },
	{ NULL, 0, NULL, 0 }
};

/* One element: its name, needle area index (-1: an image), versions. */
struct element {
	char *name;
	int area;
	struct match_tmpl **t;
	char **path;		/* the file each version came from */
	int n;
	int refw, refh;		/* a needle's reference screen, or 0 */
};

struct elements {
	struct element *e;
	int n, cap;
};

/* Add version t (from path) to the element (name, area). */
static struct element *
add_version(struct elements *es, const char *name, size_t namelen,
    int area, const char *path, struct match_tmpl *t)
{
	struct element *e = NULL;
	int i;

	for (i = 0; i < es->n; i++)
		if (es->e[i].area == area && strlen(es->e[i].name) == namelen &&
		    strncmp(es->e[i].name, name, namelen) == 0)
			e = &es->e[i];
	if (e == NULL) {
		if (es->n == es->cap) {
			es->cap = es->cap ? 2 * es->cap : 16;
			es->e = xrealloc(es->e, (size_t)es->cap * sizeof *es->e);
		}
		e = &es->e[es->n++];
		memset(e, 0, sizeof *e);
		e->name = xmalloc(namelen + 1);
		memcpy(e->name, name, namelen);
		e->name[namelen] = '\0';
		e->area = area;
	}
	e->t = xrealloc(e->t, (size_t)(e->n + 1) * sizeof *e->t);
	e->path = xrealloc(e->path, (size_t)(e->n + 1) * sizeof *e->path);
	e->t[e->n] = t;
	e->path[e->n] = xstrdup(path);
	e->n++;
	return e;
}

/* The default element name: the base name up to its first dot. */
static size_t
stem(const char *path, const char **name)
{
	const char *b = strrchr(path, '/');

	b = b != NULL ? b + 1 : path;
	*name = b;
	return strcspn(b, ".");
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcasecmp(s + n - m, suf) == 0;
}

static int
is_image_name(const char *s)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".bmp",
	    ".pgm", ".ppm", ".pnm", ".tga", ".gif" };
	size_t i;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (has_suffix(s, ext[i]))
			return 1;
	return 0;
}

/* Load an image template; dies with RC_MODEL when unusable. */
static void
load_image(struct elements *es, const char *name, size_t namelen,
    const char *path)
{
	char err[IMG_ERRLEN], merr[128];
	struct match_tmpl *t;
	struct img im;

	if (img_load_gray(&im, path, err, sizeof err) == -1)
		die(RC_MODEL, "cannot load template '%s': %s", path, err);
	if (match_tmpl_new(&t, im.data, im.w, im.h, im.w, NULL, 0, -1, -1,
	    merr, sizeof merr) == -1)
		die(RC_MODEL, "template '%s': %s", path, merr);
	img_free(&im);
	add_version(es, name, namelen, -1, path, t);
}

/*
 * Load a needle: one version per "match" area, cropped from its PNG, with
 * the exclusions inside it; expected where the needle has it.
 */
static void
load_needle(struct elements *es, const char *name, size_t namelen,
    const char *path)
{
	struct needle_area ex[20];
	struct match_rect mr[20];
	char err[IMG_ERRLEN], merr[128];
	struct match_tmpl *t;
	struct element *e;
	struct needle nd;
	struct img im;
	int k, i, n, nmatch = 0;

	if (needle_load(&nd, path, err, sizeof err) == -1)
		die(RC_MODEL, "cannot load needle '%s': %s", path, err);
	if (img_load_gray(&im, nd.png, err, sizeof err) == -1)
		die(RC_MODEL, "needle '%s': cannot load '%s': %s", path,
		    nd.png, err);
	for (k = 0; k < nd.narea; k++) {
		const struct needle_area *a = &nd.area[k];

		if (a->type != NEEDLE_MATCH)
			continue;
		nmatch++;
		if (a->x + a->w > im.w || a->y + a->h > im.h)
			die(RC_MODEL, "needle '%s': area %d lies outside the "
			    "%dx%d image", path, k, im.w, im.h);
		n = needle_exclusions(&nd, k, ex, 20);
		if (n < 0)
			die(RC_MODEL, "needle '%s': area %d: more than 20 "
			    "exclusions", path, k);
		for (i = 0; i < n; i++)
			mr[i] = (struct match_rect){ ex[i].x, ex[i].y,
			    ex[i].w, ex[i].h };
		if (match_tmpl_new(&t, im.data + (size_t)a->y * im.w + a->x,
		    a->w, a->h, im.w, mr, n, a->x, a->y, merr,
		    sizeof merr) == -1)
			die(RC_MODEL, "needle '%s': area %d: %s", path, k,
			    merr);
		e = add_version(es, name, namelen, k, path, t);
		if (e->refw == 0) {
			e->refw = im.w;
			e->refh = im.h;
		}
	}
	if (nmatch == 0)
		die(RC_MODEL, "needle '%s' has no \"match\" area", path);
	img_free(&im);
	needle_free(&nd);
}

static void
load_file(struct elements *es, const char *name, size_t namelen,
    const char *path)
{
	if (has_suffix(path, ".json"))
		load_needle(es, name, namelen, path);
	else
		load_image(es, name, namelen, path);
}

/* path is an image with a needle NAME.json beside it (its screen). */
static int
needle_beside(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t n = (size_t)(dot - path);
	char *j = xmalloc(n + 6);
	int r;

	memcpy(j, path, n);
	memcpy(j + n, ".json", 6);
	r = access(j, F_OK) == 0;
	free(j);
	return r;
}

static int
is_template_name(const struct dirent *d)
{
	return d->d_name[0] != '.' && (is_image_name(d->d_name) ||
	    has_suffix(d->d_name, ".json"));
}

/*
 * A directory: its images and needles, in name order; an image beside a
 * needle of the same name is that needle's screen, not a template.
 */
static void
load_dir(struct elements *es, const char *dir)
{
	struct dirent **ent;
	const char *name;
	char *path;
	size_t len, nl;
	int n, i, before = es->n;

	n = scandir(dir, &ent, is_template_name, alphasort);
	if (n < 0)
		die(RC_MODEL, "%s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		len = strlen(dir) + strlen(ent[i]->d_name) + 2;
		path = xmalloc(len);
		snprintf(path, len, "%s/%s", dir, ent[i]->d_name);
		nl = stem(path, &name);
		if (has_suffix(path, ".json") || !needle_beside(path))
			load_file(es, name, nl, path);
		free(path);
		free(ent[i]);
	}
	free(ent);
	if (es->n == before)
		die(RC_MODEL, "%s: no templates (images or needles) in it",
		    dir);
}

/*
 * One template argument: NAME=file (when the whole argument is not a
 * file), a file or a directory.
 */
static void
load_arg(struct elements *es, const char *arg)
{
	const char *eq = strchr(arg, '='), *path = arg, *name;
	struct stat st;
	size_t nl;

	if (eq != NULL && eq > arg && stat(arg, &st) == -1)
		path = eq + 1;
	if (stat(path, &st) == -1)
		die(RC_MODEL, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (path != arg)
			die(RC_USAGE, "'%s': a directory takes no NAME=", arg);
		load_dir(es, path);
		return;
	}
	if (path != arg) {
		name = arg;
		nl = (size_t)(eq - arg);
	} else {
		nl = stem(path, &name);
	}
	if (nl == 0)
		die(RC_USAGE, "'%s': empty element name", arg);
	load_file(es, name, nl, path);
}

static void
free_elements(struct elements *es)
{
	int i, j;

	for (i = 0; i < es->n; i++) {
		for (j = 0; j < es->e[i].n; j++) {
			match_tmpl_free(es->e[i].t[j]);
			free(es->e[i].path[j]);
		}
		free(es->e[i].t);
		free(es->e[i].path);
		free(es->e[i].name);
	}
	free(es->e);
}

/* Parse MIN:MAX:N or a single scale into o.  Dies with RC_USAGE. */
static void
parse_scales(const char *s, struct match_opts *o)
{
	char buf[128], *a, *b, *c;

	if (strlen(s) >= sizeof buf)
		die(RC_USAGE, "-s: '%s' is too long", s);
	memcpy(buf, s, strlen(s) + 1);
	a = buf;
	b = strchr(a, ':');
	if (b == NULL) {
		o->smin = o->smax = parse_double("-s", a, 0.05, 16);
		o->nscale = 1;
		return;
	}
	*b++ = '\0';
	c = strchr(b, ':');
	if (c == NULL)
		die(RC_USAGE, "-s: '%s' is not MIN:MAX:N or a scale", s);
	*c++ = '\0';
	o->smin = parse_double("-s", a, 0.05, 16);
	o->smax = parse_double("-s", b, o->smin, 16);
	o->nscale = (int)parse_long("-s", c, 1, 64);
	if (o->nscale == 1 && o->smax != o->smin)
		die(RC_USAGE, "-s: one scale needs MIN equal to MAX");
}

static double
round4(double v)
{
	return round(v * 1e4) / 1e4;
}

/* A copy of rec with one element's result; written and flushed. */
static void
put_result(const cJSON *rec, const struct element *e,
    const struct match_hit *h, int found)
{
	cJSON *out = cJSON_Duplicate(rec, 1);
	int bad;

	if (out == NULL)
		die(RC_SYS, "out of memory");
	bad = rec_set_string(out, "name", e->name);
	if (e->area >= 0)
		bad |= rec_set_number(out, "area", e->area);
	bad |= rec_set(out, "found", cJSON_CreateBool(found));
	if (found) {
		bad |= rec_set_number(out, "x", h->x);
		bad |= rec_set_number(out, "y", h->y);
		bad |= rec_set_number(out, "w", h->w);
		bad |= rec_set_number(out, "h", h->h);
		bad |= rec_set_number(out, "scale", round4(h->scale));
	}
	if (h != NULL) {
		bad |= rec_set_number(out, "score", round4(h->score));
		bad |= rec_set_string(out, "template", e->path[h->version]);
	}
	if (bad)
		die(RC_SYS, "out of memory");
	ndj_put(stdout, out, 1);
	cJSON_Delete(out);
}

/*
 * The scale to search a needle's element at: the screen's size over the
 * needle's reference screen when both sides agree within 1%, else 1.
 */
static double
needle_scale(const struct element *e, int w, int h)
{
	double sx = (double)w / e->refw, sy = (double)h / e->refh;

	return fabs(sx - sy) <= 0.01 * sx ? sx : 1;
}

/*
 * Search the screen named by rec[field] for every element and write the
 * results.  Needles are searched at needle_scale() unless sflag (-s was
 * given).  0, or -1 once the record is reported; *missing counts the
 * elements not found.
 */
static int
locate(const struct ndj *in, const char *where, const cJSON *rec,
    const char *field, struct match_screen *s, const struct elements *es,
    const struct match_opts *o, int sflag, double thresh, long *missing)
{
	struct match_opts on = *o;
	const char *path = rec_get_string(rec, field);
	char err[IMG_ERRLEN];
	struct match_hit *hit;
	struct img im;
	int i, j, n, found;

	if (path == NULL) {
		if (in != NULL)
			return warnrec(in, "record has no \"%s\" string",
			    field);
		warnx("%s: no \"%s\"", where, field);
		return -1;
	}
	if (img_load_gray(&im, path, err, sizeof err) == -1) {
		if (in != NULL)
			return warnrec(in, "cannot load screen '%s': %s",
			    path, err);
		warnx("cannot load screen '%s': %s", path, err);
		return -1;
	}
	if (match_screen_set(s, im.data, im.w, im.h, im.w, err,
	    sizeof err) == -1) {
		img_free(&im);
		if (in != NULL)
			return warnrec(in, "screen '%s': %s", path, err);
		warnx("screen '%s': %s", path, err);
		return -1;
	}
	hit = xmalloc((size_t)o->topk * sizeof *hit);
	for (i = 0; i < es->n; i++) {
		if (es->e[i].refw > 0 && !sflag) {
			on.smin = on.smax = needle_scale(&es->e[i], im.w, im.h);
			on.nscale = 1;
		}
		n = match_find(s, es->e[i].t, es->e[i].n,
		    es->e[i].refw > 0 && !sflag ? &on : o, hit, o->topk, err,
		    sizeof err);
		if (n < 0)
			die(RC_SYS, "%s", err);
		for (j = 0, found = 0; j < n; j++)
			if (hit[j].score >= thresh) {
				put_result(rec, &es->e[i], &hit[j], 1);
				found++;
			}
		if (found == 0) {
			put_result(rec, &es->e[i], n > 0 ? &hit[0] : NULL, 0);
			++*missing;
		}
	}
	free(hit);
	img_free(&im);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *field = "image", *screen = NULL;
	struct elements es = { 0 };
	struct match_screen *s;
	struct match_opts o;
	double thresh;
	long nbad = 0, missing = 0;
	int c, r, i, ok, kflag = 0, eflag = 0, sflag = 0;
	struct ndj *in;
	cJSON *rec;
	char err[128];

	progname = "gui-locate";	/* fixed: stable stderr goldens */
	match_opts_default(&o);	/* one thread: see -j in the manual */
	while ((c = getopt_long(argc, argv, "DEef:hj:kn:o:S:s:t:uVx",
	    longopts, NULL)) != -1)
		switch (c) {
		case 'D': o.denoise = 0; break;
		case 'E': o.exhaustive = 1; break;
		case 'e': eflag = 1; break;
		case 'f': field = optarg; break;
		case 'j': o.nthreads = (int)parse_long("-j", optarg, 1, 64);
			break;
		case 'k': kflag = 1; break;
		case 'n': o.topk = (int)parse_long("-n", optarg, 1, 1000);
			break;
		case 'o': o.overlap = parse_double("-o", optarg, 0, 1); break;
		case 'S': screen = optarg; break;
		case 's': parse_scales(optarg, &o); sflag = 1; break;
		case 't': o.thresh = parse_double("-t", optarg, -1, 1); break;
		case 'u': break;	/* always flushed */
		case 'x': o.refine = 0; break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("gui-locate " VERSION);
			close_stdout();
			return RC_OK;
		default:
			fputs(usage_line, stderr);
			return RC_USAGE;
		}
	if (optind == argc) {
		fputs(usage_line, stderr);
		return RC_USAGE;
	}
	if (match_opts_check(&o, err, sizeof err) == -1)
		die(RC_USAGE, "%s", err);
	thresh = o.thresh;
	o.thresh = -1;		/* the best is reported even when missing */
	for (i = optind; i < argc; i++)
		load_arg(&es, argv[i]);
	if ((s = match_screen_new()) == NULL)
		die(RC_SYS, "out of memory");
	if (screen != NULL) {
		rec = cJSON_CreateObject();
		if (rec == NULL || rec_set_string(rec, field, screen) == -1)
			die(RC_SYS, "out of memory");
		nbad = locate(NULL, screen, rec, field, s, &es, &o, sflag,
		    thresh, &missing) == -1;
		cJSON_Delete(rec);
	} else {
		in = ndj_open(0, NULL);		/* records on stdin */
		ndj_accept_paths(in, field);	/* `ls *.png | gui-locate` */
		while ((r = ndj_next(in, &rec)) != 0) {
			ok = r == 1 && locate(in, NULL, rec, field, s, &es, &o,
			    sflag, thresh, &missing) == 0;
			cJSON_Delete(rec);
			nbad += !ok;
			if (!ok && !kflag)
				break;
		}
		ndj_close(in);
	}
	match_screen_free(s);
	free_elements(&es);
	close_stdout();
	if (nbad > 0)
		return RC_DATA;
	return eflag && missing > 0 ? RC_FALSE : RC_OK;
}
