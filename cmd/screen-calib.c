/*
 * screen-calib: find a laptop's or monitor's screen in a camera photo and
 * compute the homography from photo to screen pixels (lib/quad.c finds
 * the panel inside its bezel to sub-pixel accuracy; lib/homography.c fits
 * the map).  One calibration record per photo; optionally the rectified
 * screen and a debug overlay as PNG.  With -a, later frames from the same
 * camera pose are rectified through a saved calibration record.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <cjson/cJSON.h>

#include "draw.h"	/* draw_line(), draw_dot(): the overlay */
#include "homography.h"	/* hmg_*(): the map and its inverse */
#include "img.h"	/* img_load(), img_save_png() */
#include "ndjson.h"	/* ndj_*, warnrec(), rec_set*() */
#include "quad.h"	/* quad_find(), quad_refine(), quad_homography() */
#include "util.h"	/* progname, die(), parse_*(), RC_* */
#include "warp.h"	/* warp_perspective() */

#define CALIB_VERSION 1
#define CALIB_MAXBYTES (1 << 20)

static const char usage_line[] =
    "usage: screen-calib [-ku] [-c corners] [-d pattern] [-i interp] "
    "[-j jobs]\n"
    "                    [-m confidence] [-o pattern] [-s size] "
    "[photo ...]\n"
    "       screen-calib -a calib -o pattern [-ku] [-i interp] [-j jobs] "
    "[frame ...]\n";
static const char help_text[] =
    "  photo, frame            image files; none: records on standard "
    "input\n"
    "                          naming them in \"image\" (or plain paths)\n"
    "  -a, --apply=CALIB       rectify frames through the calibration "
    "record\n"
    "                          in CALIB instead of calibrating\n"
    "  -c, --corners=X,Y,...   start from these panel corners (TL, TR, BR,"
    " BL;\n"
    "                          8 numbers) instead of detecting, and refine "
    "them\n"
    "  -d, --debug=PATTERN     write an overlay of edges, lines and the "
    "panel\n"
    "  -i, --interp=NAME       bilinear or bicubic (default bilinear)\n"
    "  -j, --jobs=N            warp threads, 1..8 (default 1)\n"
    "  -k, --keep-going        report bad records and continue\n"
    "  -m, --min-confidence=C  report a panel found with less as not found"
    "\n"
    "                          (0..1, default 0.1)\n"
    "  -o, --output=PATTERN    write the rectified screen as PNG; %s is the"
    "\n"
    "                          image's name without directory and "
    "extension,\n"
    "                          %n the record number, %% a percent sign\n"
    "  -s, --size=WxH          the screen's size in pixels (default: "
    "estimated)\n"
    "  -u, --unbuffered        flush after every record (always done)\n"
    "  -h, --help              this text;  -V, --version: print the version"
    "\n";

static const struct option longopts[] = {
	{ "apply",	required_argument,	NULL, 'a' },
	{ "corners",	required_argument,	NULL, 'c' },
	{ "debug",	required_argument,	NULL, 'd' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "interp",	required_argument,	NULL, 'i' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "min-confidence", required_argument,	NULL, 'm' },
	{ "output",	required_argument,	NULL, 'o' },
	{ "size",	required_argument,	NULL, 's' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *apply, *debug, *output;
	double corners[8];
	int have_corners, sw, sh, jobs;
	double minconf;
	enum warp_interp interp;
};

/* A loaded calibration: the map, its size and the photo size it needs. */
struct calib {
	double h[9], inv[9];
	int sw, sh, pw, ph;
};

/* Work buffers kept across records (fresh memory is slow to touch). */
struct state {
	struct quad_ws ws;
	struct quad q;
	struct img rect, over;
	long recno;
};

/* Where a record came from, for messages. */
struct where {
	const struct ndj *in;	/* NULL: a command-line argument */
	const char *arg;
};

/*
 * Report a problem with an image: "prog: file:line: what 'path': why" for
 * a record, "prog: path: what: why" for an argument (whose path is the
 * subject already); what is "no screen found" or the like, prep the word
 * that joins it to the path in a record's message ("in").  Returns -1.
 */
static int
report(const struct where *w, const char *what, const char *prep,
    const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
report(const struct where *w, const char *what, const char *prep,
    const char *path, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (w->in != NULL)
		return warnrec(w->in, "%s%s%s '%s': %s", what, *prep ? " " : "",
		    prep, path, why);
	warnx("%s: %s: %s", w->arg, what, why);
	return -1;
}

static void
parse_size(const char *s, int *w, int *h)
{
	char *x, buf[64];

	if (strlen(s) >= sizeof buf || (x = strchr(s, 'x')) == NULL) {
		warnx("-s: '%s' is not WxH", s);
		exit(RC_USAGE);
	}
	memcpy(buf, s, (size_t)(x - s));
	buf[x - s] = '\0';
	*w = (int)parse_long("-s", buf, 1, IMG_MAX_SIDE);
	*h = (int)parse_long("-s", x + 1, 1, IMG_MAX_SIDE);
	if ((long)*w * *h > IMG_MAX_PIXELS) {
		warnx("-s: '%s' is too large", s);
		exit(RC_USAGE);
	}
}

static void
parse_corners(const char *s, double *c)
{
	char buf[512], *tok, *save = NULL;
	int n = 0;

	if (strlen(s) >= sizeof buf) {
		warnx("-c: too long");
		exit(RC_USAGE);
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == 8)
			break;
		c[n++] = parse_double("-c", tok, -1e6, 1e6);
	}
	if (n != 8 || tok != NULL) {
		warnx("-c: '%s' is not 8 numbers x,y,... (TL, TR, BR, BL)", s);
		exit(RC_USAGE);
	}
}

/* Check an output pattern: only %s, %n and %% are known. */
static void
check_pattern(const char *opt, const char *p)
{
	for (; *p != '\0'; p++)
		if (*p == '%') {
			p++;
			if (*p != 's' && *p != 'n' && *p != '%') {
				warnx("%s: unknown '%%%c' in pattern (%%s, %%n, "
				    "%%%%)", opt, *p != '\0' ? *p : ' ');
				exit(RC_USAGE);
			}
		}
}

/* The pattern with %s (image stem), %n (record number) and %% replaced. */
static char *
expand(const char *pat, const char *image, long recno)
{
	const char *base = strrchr(image, '/'), *dot;
	size_t cap = strlen(pat) + 64, n = 0, sl, need;
	char *out = xmalloc(cap), num[32];

	base = base != NULL ? base + 1 : image;
	dot = strrchr(base, '.');
	sl = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	for (; *pat != '\0'; pat++) {
		const char *add = pat;
		size_t len = 1;

		if (*pat == '%') {
			pat++;
			if (*pat == 's') {
				add = base;
				len = sl;
			} else if (*pat == 'n') {
				snprintf(num, sizeof num, "%ld", recno);
				add = num;
				len = strlen(num);
			} else
				add = pat;	/* %% */
		}
		need = n + len + 1;
		if (need > cap) {
			cap = 2 * need;
			out = xrealloc(out, cap);
		}
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

/* A number rounded to sig significant digits, as cJSON will print it. */
static cJSON *
num(double v, int sig)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.*g", sig, v);
	return cJSON_CreateNumber(strtod(buf, NULL));
}

/* Corners rounded to 1/1000 pixel. */
static cJSON *
corners_json(const double *c)
{
	cJSON *a = cJSON_CreateArray(), *p;
	int k;

	for (k = 0; k < 4 && a != NULL; k++) {
		p = cJSON_CreateArray();
		if (p == NULL) {
			cJSON_Delete(a);
			return NULL;
		}
		cJSON_AddItemToArray(p, cJSON_CreateNumber(round(c[2 * k] *
		    1000) / 1000));
		cJSON_AddItemToArray(p, cJSON_CreateNumber(round(c[2 * k + 1] *
		    1000) / 1000));
		cJSON_AddItemToArray(a, p);
	}
	return a;
}

static cJSON *
pair_json(int a, int b)
{
	int v[2] = {a, b};

	return cJSON_CreateIntArray(v, 2);
}

/* The transform from rectified pixel centres to photo points. */
static int
rect_map(const double inv[9], double m[9])
{
	static const double half[9] = {1, 0, 0.5, 0, 1, 0.5, 0, 0, 1};

	return hmg_compose(inv, half, m);
}

/* (Re)allocate im as w x h x c unless it already is. */
static int
ensure(struct img *im, int w, int h, int c, char *err, size_t errlen)
{
	if (im->data != NULL && im->w == w && im->h == h && im->c == c)
		return 0;
	img_free(im);
	return img_alloc(im, w, h, c, err, errlen);
}

/* Rectify photo through inv into st->rect and save it as path. */
static int
rectify(struct state *st, const struct opts *o, const struct img *photo,
    const double inv[9], int sw, int sh, const char *path,
    const struct where *w)
{
	char err[IMG_ERRLEN];
	double m[9];

	if (ensure(&st->rect, sw, sh, photo->c, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	if (rect_map(inv, m) == -1)
		return report(w, "cannot rectify", "", path,
		    "the homography is degenerate");
	if (warp_perspective(photo, &st->rect, m, o->interp, 0, o->jobs, err,
	    sizeof err) == -1)
		die(RC_SYS, "%s", err);
	if (img_save_png(path, &st->rect, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	return 0;
}

/*
 * The debug overlay: the photo dimmed; when detection ran, its edges and
 * lines; when a panel was found, its sides and edge points.
 */
static void
overlay(struct state *st, const struct img *photo, const char *path,
    int detected, int found)
{
	static const float edge[3] = {0.2f, 0.45f, 0.2f};
	static const float line[3] = {0.9f, 0.8f, 0.1f};
	static const float pts[3] = {0.1f, 0.8f, 1.0f};
	static const float quad[3] = {1.0f, 0.15f, 0.1f};
	const struct quad_ws *ws = &st->ws;
	const struct quad *q = &st->q;
	char err[IMG_ERRLEN];
	double f = ws->f, o = (f - 1) / 2;
	int i, k, x, y;

	if (ensure(&st->over, photo->w, photo->h, 3, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	for (k = 0; k < 3; k++)
		memcpy(st->over.data + (size_t)k * photo->w * photo->h,
		    photo->data + (size_t)(photo->c == 3 ? k : 0) * photo->w *
		    photo->h, (size_t)photo->w * photo->h * sizeof(float));
	draw_dim(&st->over, 0.55f);
	if (detected) {
		for (y = 0; y < ws->em.h; y++)
			for (x = 0; x < ws->em.w; x++)
				if (ws->em.edge[(size_t)y * ws->em.w + x])
					draw_dot(&st->over, x * f + o, y * f + o,
					    0, edge);
		for (i = 0; i < ws->nseg; i++) {
			const struct seg *s = &ws->seg[i];
			double fx = s->l.rho * s->l.nx, fy = s->l.rho * s->l.ny;

			draw_line(&st->over, (fx - s->l.ny * s->t0) * f + o,
			    (fy + s->l.nx * s->t0) * f + o, (fx - s->l.ny *
			    s->t1) * f + o, (fy + s->l.nx * s->t1) * f + o, 1,
			    line);
		}
	}
	for (k = 0; k < 4 && found; k++)
		draw_line(&st->over, q->c[2 * k], q->c[2 * k + 1],
		    q->c[2 * ((k + 1) % 4)], q->c[2 * ((k + 1) % 4) + 1], 3,
		    quad);
	for (k = 0; k < 4 && found; k++)
		for (i = 0; i < q->n[k]; i++)
			draw_dot(&st->over, q->pts[k][2 * i],
			    q->pts[k][2 * i + 1], 2, pts);
	if (img_save_png(path, &st->over, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
}

/* The "calib" object for q with map h (size sw x sh) and corners c. */
static cJSON *
calib_json(const struct opts *o, const struct quad *q, const double h[9],
    const double c[8], int pw, int ph, int sw, int sh, double reproj)
{
	double fit = 0;
	int k, npts = 0;
	cJSON *cal, *hj;

	for (k = 0; k < 4; k++) {
		fit += q->n[k] * q->rms[k] * q->rms[k];
		npts += q->n[k];
	}
	fit = npts > 0 ? sqrt(fit / npts) : 0;
	cal = cJSON_CreateObject();
	hj = cJSON_CreateArray();
	if (cal == NULL || hj == NULL)
		die(RC_SYS, "out of memory");
	for (k = 0; k < 3; k++) {
		cJSON *row = cJSON_CreateArray();

		if (row == NULL)
			die(RC_SYS, "out of memory");
		cJSON_AddItemToArray(row, num(h[3 * k], 10));
		cJSON_AddItemToArray(row, num(h[3 * k + 1], 10));
		cJSON_AddItemToArray(row, num(h[3 * k + 2], 10));
		cJSON_AddItemToArray(hj, row);
	}
	if (rec_set_number(cal, "version", CALIB_VERSION) == -1 ||
	    rec_set(cal, "photo_size", pair_json(pw, ph)) == -1 ||
	    rec_set(cal, "corners", corners_json(c)) == -1 ||
	    rec_set(cal, "H", hj) == -1 ||
	    rec_set(cal, "size", pair_json(sw, sh)) == -1 ||
	    rec_set(cal, "size_estimated", cJSON_CreateBool(o->sw == 0)) ==
	    -1 ||
	    rec_set(cal, "fit_error", num(fit, 4)) == -1 ||
	    rec_set(cal, "reproj_error", num(reproj, 4)) == -1 ||
	    rec_set(cal, "edge_points", cJSON_CreateNumber(npts)) == -1 ||
	    rec_set(cal, "confidence", num(q->confidence, 3)) == -1 ||
	    rec_set_string(cal, "corners_from", o->have_corners ? "manual" :
	    "detection") == -1)
		die(RC_SYS, "out of memory");
	return cal;
}

/*
 * Calibrate on photo (loaded from path): find the panel, fit the map,
 * set rec's "photo" and "calib" (and "image" with -o), write the files.
 * 0, or -1 once reported.
 */
static int
calibrate_photo(struct state *st, const struct opts *o,
    const struct img *photo, const char *path, cJSON *rec,
    const struct where *w)
{
	static const double scr[8] = {0, 0, 1, 0, 1, 1, 0, 1};
	struct quad *q = &st->q;
	char err[IMG_ERRLEN], *out = NULL, *dbg = NULL;
	double h[9], inv[9], c[8], reproj;
	int r, k, sw = o->sw, sh = o->sh;

	if (o->have_corners)
		r = quad_refine(photo, o->corners, &st->ws, q, err, sizeof err);
	else
		r = quad_find(photo, &st->ws, q, err, sizeof err);
	if (r == -1)
		die(RC_SYS, "%s", err);
	if (r == 0 && q->confidence < o->minconf) {
		snprintf(err, sizeof err, "confidence %.2f is below %.2f",
		    q->confidence, o->minconf);
		r = 1;
	}
	if (o->debug != NULL) {
		dbg = expand(o->debug, path, st->recno);
		overlay(st, photo, dbg, !o->have_corners, r == 0);
		free(dbg);
	}
	if (r == 1)
		return report(w, "no screen found", "in", path, "%s", err);
	if (sw == 0) {
		double asp = quad_aspect(q->c, photo->w, photo->h);

		sw = (int)lround((hypot(q->c[2] - q->c[0], q->c[3] - q->c[1]) +
		    hypot(q->c[4] - q->c[6], q->c[5] - q->c[7])) / 2);
		sw = sw < 1 ? 1 : sw > IMG_MAX_SIDE ? IMG_MAX_SIDE : sw;
		sh = (int)lround(sw / asp);
		sh = sh < 1 ? 1 : sh > IMG_MAX_SIDE ? IMG_MAX_SIDE : sh;
	}
	if (quad_homography(q, sw, sh, h, &reproj, err, sizeof err) == -1 ||
	    hmg_invert(h, inv) == -1)
		return report(w, "no screen found", "in", path, "%s", err);
	/* the corners as the fitted map has them */
	for (k = 0; k < 4; k++)
		if (hmg_apply(inv, scr[2 * k] * sw, scr[2 * k + 1] * sh,
		    &c[2 * k], &c[2 * k + 1]) == -1)
			return report(w, "no screen found", "in", path,
			    "a corner maps to infinity");
	if (rec_set_string(rec, "photo", path) == -1 ||
	    rec_set(rec, "calib", calib_json(o, q, h, c, photo->w, photo->h,
	    sw, sh, reproj)) == -1)
		die(RC_SYS, "out of memory");
	if (o->output != NULL) {
		out = expand(o->output, path, st->recno);
		if (strcmp(out, path) == 0) {
			report(w, "cannot write", "", out,
			    "the output pattern names the photo");
			free(out);
			return -1;
		}
		r = rectify(st, o, photo, inv, sw, sh, out, w);
		if (r == 0 && rec_set_string(rec, "image", out) == -1)
			die(RC_SYS, "out of memory");
		free(out);
	}
	return r;
}

/* Calibrate on the photo named by rec's "image"; 0 or -1 (reported). */
static int
calibrate(struct state *st, const struct opts *o, cJSON *rec,
    const struct where *w)
{
	const char *img = rec_get_string(rec, "image");
	char err[IMG_ERRLEN], *path;
	struct img photo;
	int r;

	if (img == NULL)
		return warnrec(w->in, "record has no \"image\" string");
	if (img_load(&photo, img, 3, err, sizeof err) == -1)
		return report(w, "cannot load", "", img, "%s", err);
	path = xstrdup(img);	/* "image" may be replaced */
	r = calibrate_photo(st, o, &photo, path, rec, w);
	free(path);
	img_free(&photo);
	return r;
}

/* Rectify frame (loaded from path) into rec; 0 or -1 (reported). */
static int
apply_frame(struct state *st, const struct opts *o, const struct calib *cb,
    const struct img *frame, const char *path, cJSON *rec,
    const struct where *w)
{
	char *out;
	int r;

	if (frame->w != cb->pw || frame->h != cb->ph)
		return report(w, "cannot rectify", "", path, "%dx%d, the "
		    "calibration's photo is %dx%d", frame->w, frame->h, cb->pw,
		    cb->ph);
	out = expand(o->output, path, st->recno);
	if (strcmp(out, path) == 0) {
		report(w, "cannot write", "", out,
		    "the output pattern names the frame");
		free(out);
		return -1;
	}
	r = rectify(st, o, frame, cb->inv, cb->sw, cb->sh, out, w);
	if (r == 0 && (rec_set_string(rec, "frame", path) == -1 ||
	    rec_set_string(rec, "image", out) == -1 ||
	    rec_set(rec, "size", pair_json(cb->sw, cb->sh)) == -1))
		die(RC_SYS, "out of memory");
	free(out);
	return r;
}

/* Rectify the frame named by rec's "image"; 0 or -1 (reported). */
static int
apply(struct state *st, const struct opts *o, const struct calib *cb,
    cJSON *rec, const struct where *w)
{
	const char *img = rec_get_string(rec, "image");
	char err[IMG_ERRLEN], *path;
	struct img frame;
	int r;

	if (img == NULL)
		return warnrec(w->in, "record has no \"image\" string");
	if (img_load(&frame, img, 3, err, sizeof err) == -1)
		return report(w, "cannot load", "", img, "%s", err);
	path = xstrdup(img);	/* "image" is replaced */
	r = apply_frame(st, o, cb, &frame, path, rec, w);
	free(path);
	img_free(&frame);
	return r;
}

/* Read a number array of n finite values from item into v. */
static int
get_numbers(const cJSON *item, double *v, int n)
{
	const cJSON *e;
	int k = 0;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != n)
		return -1;
	cJSON_ArrayForEach(e, item) {
		if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
			return -1;
		v[k++] = e->valuedouble;
	}
	return 0;
}

/* Read a [[a,b],...] array of n pairs into v (2 n values). */
static int
get_pairs(const cJSON *item, double *v, int n)
{
	const cJSON *e;
	int k = 0;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != n)
		return -1;
	cJSON_ArrayForEach(e, item)
		if (get_numbers(e, v + 2 * k++, 2) == -1)
			return -1;
	return 0;
}

/* A size pair of whole numbers within the image caps. */
static int
get_size(const cJSON *item, int *w, int *h)
{
	double v[2];

	if (get_numbers(item, v, 2) == -1 || v[0] != floor(v[0]) ||
	    v[1] != floor(v[1]) || v[0] < 1 || v[1] < 1 ||
	    v[0] > IMG_MAX_SIDE || v[1] > IMG_MAX_SIDE ||
	    v[0] * v[1] > (double)IMG_MAX_PIXELS)
		return -1;
	*w = (int)v[0];
	*h = (int)v[1];
	return 0;
}

/*
 * Load the calibration record in path: one JSON object (one line) whose
 * "calib" object has exactly the keys screen-calib writes, version 1.
 * Anything else dies with RC_MODEL; a read error with RC_SYS.
 */
static void
load_calib(const char *path, struct calib *cb)
{
	static const char *const keys[] = {"version", "photo_size", "corners",
	    "H", "size", "size_estimated", "fit_error", "reproj_error",
	    "edge_points", "confidence", "corners_from"};
	char *buf, *p, *next, *line = NULL;
	const cJSON *cal, *e;
	double v, hv[9], cr[8];
	cJSON *rec;
	FILE *f;
	size_t n;
	int k, nrec = 0;

	if ((f = fopen(path, "rb")) == NULL)
		die(errno == ENOENT || errno == EACCES ? RC_MODEL : RC_SYS,
		    "%s: %s", path, strerror(errno));
	buf = xmalloc(CALIB_MAXBYTES + 1);
	n = fread(buf, 1, CALIB_MAXBYTES + 1, f);
	if (ferror(f))
		die(RC_SYS, "%s: %s", path, strerror(errno));
	fclose(f);
	if (n > CALIB_MAXBYTES)
		die(RC_MODEL, "%s: larger than %d bytes", path, CALIB_MAXBYTES);
	buf[n] = '\0';
	/* one non-blank line; CR LF endings allowed */
	for (p = buf; p != NULL && *p != '\0'; p = next) {
		char *q;

		next = strchr(p, '\n');
		if (next != NULL)
			*next++ = '\0';
		for (q = p; isspace((unsigned char)*q); q++)
			;
		if (*q == '\0')
			continue;
		if (nrec++ == 0)
			line = p;
	}
	if (nrec != 1)
		die(RC_MODEL, "%s: holds %d records, want one calibration",
		    path, nrec);
	rec = cJSON_Parse(line);
	if (rec == NULL || !cJSON_IsObject(rec))
		die(RC_MODEL, "%s: not a JSON object", path);
	cal = cJSON_GetObjectItemCaseSensitive(rec, "calib");
	if (!cJSON_IsObject(cal))
		die(RC_MODEL, "%s: no \"calib\" object", path);
	cJSON_ArrayForEach(e, cal) {
		for (k = 0; k < (int)(sizeof keys / sizeof *keys); k++)
			if (strcmp(e->string, keys[k]) == 0)
				break;
		if (k == (int)(sizeof keys / sizeof *keys)) {
			char s[64];

			sanitize_text(s, sizeof s, e->string);
			die(RC_MODEL, "%s: unknown key \"%s\" in \"calib\"",
			    path, s);
		}
	}
	if (rec_get_number(cal, "version", &v) == -1)
		die(RC_MODEL, "%s: no calibration \"version\"", path);
	if (v != CALIB_VERSION)
		die(RC_MODEL, "%s: calibration version %g (this screen-calib "
		    "reads %d)", path, v, CALIB_VERSION);
	e = cJSON_GetObjectItemCaseSensitive(cal, "H");
	if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 3)
		die(RC_MODEL, "%s: \"H\" is not a 3x3 matrix", path);
	for (k = 0; k < 3; k++)
		if (get_numbers(cJSON_GetArrayItem(e, k), hv + 3 * k, 3) == -1)
			die(RC_MODEL, "%s: \"H\" is not a 3x3 matrix", path);
	if (get_pairs(cJSON_GetObjectItemCaseSensitive(cal, "corners"), cr,
	    4) == -1)
		die(RC_MODEL, "%s: \"corners\" is not 4 points", path);
	if (get_size(cJSON_GetObjectItemCaseSensitive(cal, "size"), &cb->sw,
	    &cb->sh) == -1)
		die(RC_MODEL, "%s: bad \"size\"", path);
	if (get_size(cJSON_GetObjectItemCaseSensitive(cal, "photo_size"),
	    &cb->pw, &cb->ph) == -1)
		die(RC_MODEL, "%s: bad \"photo_size\"", path);
	memcpy(cb->h, hv, sizeof hv);
	if (hmg_invert(cb->h, cb->inv) == -1)
		die(RC_MODEL, "%s: \"H\" is singular", path);
	cJSON_Delete(rec);
	free(buf);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct state st;
	struct calib cb;
	struct ndj *in = NULL;
	struct where w;
	long nbad = 0;
	int c, r, ok, kflag = 0, i;
	cJSON *rec;

	progname = "screen-calib";
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.jobs = 1;
	o.minconf = 0.1;
	while ((c = getopt_long(argc, argv, "a:c:d:hi:j:km:o:s:uV", longopts,
	    NULL)) != -1)
		switch (c) {
		case 'a': o.apply = optarg; break;
		case 'c': parse_corners(optarg, o.corners);
			o.have_corners = 1; break;
		case 'd': check_pattern("-d", optarg); o.debug = optarg; break;
		case 'i':
			if (warp_interp_parse(optarg, &o.interp) == -1) {
				warnx("-i: '%s' is not bilinear or bicubic",
				    optarg);
				return RC_USAGE;
			}
			break;
		case 'j': o.jobs = (int)parse_long("-j", optarg, 1, 8); break;
		case 'k': kflag = 1; break;
		case 'm': o.minconf = parse_double("-m", optarg, 0, 1); break;
		case 'o': check_pattern("-o", optarg); o.output = optarg;
			break;
		case 's': parse_size(optarg, &o.sw, &o.sh); break;
		case 'u': break;
		case 'h': printf("%s%s", usage_line, help_text); close_stdout();
			return RC_OK;
		case 'V': puts("screen-calib " VERSION); close_stdout();
			return RC_OK;
		default:  fputs(usage_line, stderr); return RC_USAGE;
		}
	if (o.apply != NULL && (o.output == NULL || o.have_corners ||
	    o.sw != 0 || o.debug != NULL)) {
		warnx("-a needs -o and takes none of -c, -d, -s");
		return RC_USAGE;
	}
	/* one level of parallelism: OpenBLAS (inside the SVD) stays serial */
	openblas_set_num_threads(1);
	if (o.apply != NULL)
		load_calib(o.apply, &cb);

	if (optind == argc) {
		in = ndj_open(0, NULL);
		ndj_accept_paths(in, "image");
	}
	for (i = optind; ; i++) {
		if (in != NULL) {
			r = ndj_next(in, &rec);
			if (r == 0)
				break;
			w.in = in;
			w.arg = NULL;
		} else {
			if (i == argc)
				break;
			rec = cJSON_CreateObject();
			if (rec == NULL || rec_set_string(rec, "image",
			    argv[i]) == -1)
				die(RC_SYS, "out of memory");
			r = 1;
			w.in = NULL;
			w.arg = argv[i];
		}
		st.recno++;
		ok = r == 1 && (o.apply != NULL ? apply(&st, &o, &cb, rec, &w) :
		    calibrate(&st, &o, rec, &w)) == 0;
		if (ok)
			ndj_put(stdout, rec, 1);
		cJSON_Delete(rec);
		nbad += !ok;
		if (!ok && !kflag)
			break;
	}
	if (in != NULL)
		ndj_close(in);
	quad_ws_free(&st.ws);
	img_free(&st.rect);
	img_free(&st.over);
	close_stdout();
	return nbad > 0 ? RC_DATA : RC_OK;
}
