/*
 * mask-boxes: turn error maps into defect boxes and per-image features.
 * Reads NDJSON records (files or stdin); each names a float error map in
 * "map" (PFM, as ae-score writes) or a grey mask image in "mask".  Values
 * above a threshold form connected regions; the record is written back
 * with "boxes", "features" (for svm-accept) and the threshold used.
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cc.h"		/* cc_label(): regions with statistics */
#include "img.h"	/* img_load(), img_save_png() */
#include "morph.h"	/* morph_open(), morph_close() */
#include "ndjson.h"	/* ndj_*, warnrec(), rec_set*() */
#include "pfm.h"	/* pfm_open(), pfm_row(), pfm_read() */
#include "record.h"	/* rec_set_boxes(): the shared "boxes" schema */
#include "regfeat.h"	/* regfeat_compute(): features for svm-accept */
#include "thresh.h"	/* percentile, Otsu, MVTec rule */
#include "util.h"	/* progname, die(), parse_long(), RC_* */

static const char usage_line[] =
    "usage: mask-boxes [-48ksu] [-A min_defect_area] [-a min_area] "
    "[-b max_boxes]\n"
    "                  [-c radius] [-M mask_dir] [-n normals] "
    "[-O overlay_dir]\n"
    "                  [-o radius] [-p percentile] [-t threshold] "
    "[file ...]\n";
static const char help_text[] =
    "  -4, -8                  4- or 8-connected regions (default 8)\n"
    "  -A, --mvtec=N           "
    "threshold: the lowest at which no normal map has a\n"
    "                          region of N pixels (MVTec AD rule; needs -n)\n"
    "  -a, --min-area=N        ignore regions under N pixels (default 16)\n"
    "  -b, --max-boxes=N       "
    "write the N largest boxes, 0: all (default 100)\n"
    "  -c, --close=R           closing by a (2R+1)-square (default 0: none)\n"
    "  -k, --keep-going        report bad records and continue\n"
    "  -M, --mask-dir=DIR      write each binary mask as DIR/<stem>_mask.png\n"
    "  -n, --normals=FILE      maps (or values) of defect-free images\n"
    "  -O, --overlay-dir=DIR   draw the boxes on the image into\n"
    "                          DIR/<stem>_overlay.png\n"
    "  -o, --open=R            opening by a (2R+1)-square (default 0: none)\n"
    "  -p, --percentile=P      "
    "threshold: P-th percentile of the normals' errors\n"
    "                          (needs -n)\n"
    "  -s, --otsu              threshold: Otsu's, per map\n"
    "  -t, --threshold=T       "
    "threshold: T (default: the record's \"threshold\",\n"
    "                          else Otsu's per map)\n"
    "  -u, --unbuffered        flush after every record (always done)\n"
    "  -h, --help              this text;  -V, --version: print the version\n";

static const struct option longopts[] = {
	{ "mvtec",	required_argument,	NULL, 'A' },
	{ "min-area",	required_argument,	NULL, 'a' },
	{ "max-boxes",	required_argument,	NULL, 'b' },
	{ "close",	required_argument,	NULL, 'c' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "mask-dir",	required_argument,	NULL, 'M' },
	{ "normals",	required_argument,	NULL, 'n' },
	{ "overlay-dir", required_argument,	NULL, 'O' },
	{ "open",	required_argument,	NULL, 'o' },
	{ "percentile",	required_argument,	NULL, 'p' },
	{ "otsu",	no_argument,		NULL, 's' },
	{ "threshold",	required_argument,	NULL, 't' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Where the threshold comes from. */
enum src { SRC_RECORD, SRC_FIXED, SRC_PERCENTILE, SRC_MVTEC, SRC_OTSU };
static const char *const src_name[] = {
	"record", "fixed", "percentile", "mvtec", "otsu"
};

struct opts {
	enum src src;
	float t;		/* for fixed, percentile, mvtec */
	double pct;
	long min_defect, min_area, max_boxes;
	int conn, open_r, close_r;
	const char *normals, *mask_dir, *overlay_dir;
};

/* Buffers kept across records (allocated once, grown when needed). */
struct work {
	float *map;		/* the current map, w * h */
	size_t nmap;
	unsigned char *mask;
	size_t nmask;
	float *plane;		/* PNG output, up to 3 * w * h */
	size_t nplane;
	struct rec_box *box;
	size_t nbox;
	struct cc cc;
	struct morph ws;
};

/* Grow *p to hold n elements of size sz (dies when memory is short). */
static void
reserve(void *pp, size_t *cap, size_t n, size_t sz)
{
	void **p = pp;

	if (*cap >= n)
		return;
	free(*p);
	*p = xmalloc(n * sz);
	*cap = n;
}

/* t as the shortest decimal that reads back as the same float. */
static double
float_json(float t)
{
	char buf[32];
	int d;

	for (d = 6; d < 9; d++) {
		snprintf(buf, sizeof buf, "%.*g", d, (double)t);
		if ((float)strtod(buf, NULL) == t)
			break;
	}
	snprintf(buf, sizeof buf, "%.*g", d, (double)t);
	return strtod(buf, NULL);
}

/*
 * Read the grey PFM at path into w->map (rows in file order, so reads are
 * sequential).  0, or -1 with err filled.
 */
static int
read_map(struct work *w, const char *path, int *mw, int *mh, char *err,
    size_t errlen)
{
	struct pfm_reader r;
	int y;

	if (pfm_open(&r, path, err, errlen) == -1)
		return -1;
	if (r.c != 1) {
		snprintf(err, errlen, "%d channels, expected 1", r.c);
		pfm_close(&r);
		return -1;
	}
	reserve(&w->map, &w->nmap, (size_t)r.w * r.h, sizeof *w->map);
	for (y = r.h - 1; y >= 0; y--)
		if (pfm_row(&r, y, w->map + (size_t)y * r.w, err,
		    errlen) == -1) {
			pfm_close(&r);
			return -1;
		}
	*mw = r.w;
	*mh = r.h;
	pfm_close(&r);
	return 0;
}

/* "dir/<stem of path><suffix>" in a new string. */
static char *
out_path(const char *dir, const char *path, const char *suffix)
{
	const char *b = strrchr(path, '/'), *dot;
	size_t n;
	char *s;

	b = b != NULL ? b + 1 : path;
	dot = strrchr(b, '.');
	n = dot != NULL && dot != b ? (size_t)(dot - b) : strlen(b);
	s = xmalloc(strlen(dir) + n + strlen(suffix) + 2);
	snprintf(s, strlen(dir) + n + strlen(suffix) + 2, "%s/%.*s%s", dir,
	    (int)n, b, suffix);
	return s;
}

/* Write the binary mask as a 0/255 PNG; record its path in "box_mask". */
static void
save_mask(struct work *w, cJSON *rec, const char *dir, const char *path,
    int mw, int mh)
{
	size_t i, n = (size_t)mw * mh;
	struct img im = { mw, mh, 1, NULL };
	char err[IMG_ERRLEN], *out = out_path(dir, path, "_mask.png");

	reserve(&w->plane, &w->nplane, n, sizeof *w->plane);
	for (i = 0; i < n; i++)
		w->plane[i] = w->mask[i];
	im.data = w->plane;
	if (img_save_png(out, &im, err, sizeof err) == -1)
		die(RC_SYS, "cannot write '%s': %s", out, err);
	if (rec_set_string(rec, "box_mask", out) == -1)
		die(RC_SYS, "out of memory");
	free(out);
}

/*
 * Draw the boxes on the record's "image" (or, without one, on the map
 * scaled to its maximum) with the mask tinted red; record the path in
 * "box_overlay".  0, or -1 once reported (image unreadable or of another
 * size).
 */
static int
save_overlay(const struct ndj *in, struct work *w, cJSON *rec,
    const char *dir, const char *path, int mw, int mh, size_t nbox)
{
	const char *ipath = rec_get_string(rec, "image");
	size_t i, n = (size_t)mw * mh, k;
	struct img im = { mw, mh, 3, NULL };
	char err[IMG_ERRLEN], *out;
	float *p, top = 0;
	int x, y, c;

	reserve(&w->plane, &w->nplane, 3 * n, sizeof *w->plane);
	p = w->plane;
	if (ipath != NULL) {
		struct img src;

		if (img_load(&src, ipath, 3, err, sizeof err) == -1)
			return warnrec(in, "cannot load image '%s': %s", ipath,
			    err);
		if (src.w != mw || src.h != mh) {
			warnrec(in, "image '%s' is %dx%d but the map is %dx%d",
			    ipath, src.w, src.h, mw, mh);
			img_free(&src);
			return -1;
		}
		memcpy(p, src.data, 3 * n * sizeof *p);
		img_free(&src);
	} else {
		for (i = 0; i < n; i++)
			top = w->map[i] > top ? w->map[i] : top;
		for (i = 0; i < n; i++)
			p[i] = p[n + i] = p[2 * n + i] = top > 0 ?
			    w->map[i] / top : 0;
	}
	for (i = 0; i < n; i++)
		if (w->mask[i])
			for (c = 0; c < 3; c++)
				p[c * n + i] = 0.6f * p[c * n + i] +
				    (c == 0 ? 0.4f : 0);
	for (k = 0; k < nbox; k++) {
		const struct rec_box *b = &w->box[k];

		for (y = b->y; y < b->y + b->h; y++)
			for (x = b->x; x < b->x + b->w; x++) {
				if (y != b->y && y != b->y + b->h - 1 &&
				    x != b->x && x != b->x + b->w - 1)
					continue;
				i = (size_t)y * mw + x;
				p[i] = 1;
				p[n + i] = p[2 * n + i] = 0;
			}
	}
	im.data = p;
	out = out_path(dir, path, "_overlay.png");
	if (img_save_png(out, &im, err, sizeof err) == -1)
		die(RC_SYS, "cannot write '%s': %s", out, err);
	if (rec_set_string(rec, "box_overlay", out) == -1)
		die(RC_SYS, "out of memory");
	free(out);
	return 0;
}

/*
 * The "features" object: regfeat's, then the image score: "score" when
 * the record's score is a number, "score_<name>" for each numeric member
 * when it is an object (its type was checked before).  0, or -1 once
 * reported.
 */
static int
set_features(const struct ndj *in, struct work *w, cJSON *rec,
    size_t stride)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(rec, "score"), *m;
	double f[REGFEAT_N];
	cJSON *o;
	int i, bad = 0;

	if ((o = cJSON_CreateObject()) == NULL)
		die(RC_SYS, "out of memory");
	regfeat_compute(w->cc.reg, w->cc.nreg, w->map, stride, f);
	for (i = 0; i < REGFEAT_N; i++)
		bad |= rec_set_number(o, regfeat_names[i], rec_round(f[i], 6));
	if (cJSON_IsNumber(sc))
		bad |= rec_set_number(o, "score", sc->valuedouble);
	else if (sc != NULL)
		cJSON_ArrayForEach(m, sc) {
			char key[128];

			if (!cJSON_IsNumber(m))
				continue;
			snprintf(key, sizeof key, "score_%s", m->string);
			bad |= rec_set_number(o, key, m->valuedouble);
		}
	if (bad) {
		cJSON_Delete(o);
		return warnrec(in, "\"score\" is not a finite number");
	}
	if (rec_set(rec, "features", o) == -1)
		die(RC_SYS, "out of memory");
	return 0;
}

/* Add boxes, features and the threshold to rec.  0, or -1 once reported. */
static int
add_boxes(const struct ndj *in, cJSON *rec, const struct opts *o,
    struct work *w)
{
	const char *path = rec_get_string(rec, "map");
	const cJSON *tj, *sc = cJSON_GetObjectItemCaseSensitive(rec, "score");
	char err[IMG_ERRLEN];
	enum src src = o->src;
	struct img m = { 0, 0, 0, NULL };
	size_t n, i, nbox;
	float t = o->t;
	int mw, mh;

	if (sc != NULL && !cJSON_IsNumber(sc) && !cJSON_IsObject(sc))
		return warnrec(in, "\"score\" is neither a number nor an "
		    "object");
	if (path != NULL) {
		if (read_map(w, path, &mw, &mh, err, sizeof err) == -1)
			return warnrec(in, "cannot read map '%s': %s", path,
			    err);
	} else if ((path = rec_get_string(rec, "mask")) != NULL) {
		if (img_load_gray(&m, path, err, sizeof err) == -1)
			return warnrec(in, "cannot load mask '%s': %s", path,
			    err);
		mw = m.w;
		mh = m.h;
		reserve(&w->map, &w->nmap, (size_t)mw * mh, sizeof *w->map);
		memcpy(w->map, m.data, (size_t)mw * mh * sizeof *w->map);
		img_free(&m);
	} else
		return warnrec(in, "record has no \"map\" or \"mask\" string");
	n = (size_t)mw * mh;
	if (src == SRC_RECORD) {
		tj = cJSON_GetObjectItemCaseSensitive(rec, "threshold");
		if (tj == NULL)
			src = SRC_OTSU;
		else if (!cJSON_IsNumber(tj) || !isfinite(tj->valuedouble) ||
		    fabs(tj->valuedouble) > FLT_MAX)
			return warnrec(in, "\"threshold\" is not a finite "
			    "number");
		else
			t = (float)tj->valuedouble;
	}
	if (src == SRC_OTSU && thresh_otsu(w->map, n, 256, &t) == -1)
		die(RC_SYS, "out of memory");

	reserve(&w->mask, &w->nmask, n, 1);
	thresh_apply(w->mask, w->map, n, t);
	if ((o->open_r > 0 &&
	    morph_open(&w->ws, w->mask, mw, mh, o->open_r) == -1) ||
	    (o->close_r > 0 &&
	    morph_close(&w->ws, w->mask, mw, mh, o->close_r) == -1) ||
	    cc_label(&w->cc, w->mask, (size_t)mw, w->map, (size_t)mw, mw, mh,
	    o->conn, o->min_area) == -1)
		die(RC_SYS, "out of memory");
	if (set_features(in, w, rec, (size_t)mw) == -1)
		return -1;

	regfeat_sort(w->cc.reg, w->cc.nreg);
	nbox = w->cc.nreg;
	if (o->max_boxes > 0 && nbox > (size_t)o->max_boxes)
		nbox = (size_t)o->max_boxes;
	reserve(&w->box, &w->nbox, nbox + 1, sizeof *w->box);
	for (i = 0; i < nbox; i++) {
		const struct cc_region *r = &w->cc.reg[i];
		struct rec_box *b = &w->box[i];

		b->x = r->x;
		b->y = r->y;
		b->w = r->w;
		b->h = r->h;
		b->area = r->area;
		b->mean_err = r->mean_err;
		b->max_err = r->max_err;
		b->fill = r->fill;
		b->elongation = r->elongation;
		b->orientation = r->orientation;
	}
	if (o->overlay_dir != NULL && save_overlay(in, w, rec, o->overlay_dir,
	    path, mw, mh, nbox) == -1)
		return -1;
	if (o->mask_dir != NULL)
		save_mask(w, rec, o->mask_dir, path, mw, mh);
	if (rec_set_boxes(rec, w->box, nbox) == -1 ||
	    rec_set_number(rec, "box_threshold", float_json(t)) == -1 ||
	    rec_set_string(rec, "box_threshold_source", src_name[src]) == -1)
		die(RC_SYS, "out of memory");
	return 0;
}

/* Is s a whole finite decimal number?  Then *v is it. */
static int
is_number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && isfinite(*v) &&
	    fabs(*v) <= FLT_MAX;
}

/*
 * Set o->t from the defect-free maps listed in o->normals (NDJSON records
 * with "map", or plain lines; with -p a line may also be one error value).
 * The threshold cannot be had from a bad list: exit RC_MODEL.
 */
static void
load_normals(struct opts *o)
{
	char *file = xstrdup(o->normals), err[IMG_ERRLEN];
	struct ndj *in = ndj_open(1, &file);
	float *val = NULL;
	size_t nval = 0, cval = 0, nmap = 0, cmap = 0, i;
	struct img *map = NULL;
	struct thresh_map *tm;
	const char *path;
	cJSON *rec;
	double v;
	int r;

	ndj_accept_paths(in, "map");
	while ((r = ndj_next(in, &rec)) != 0) {
		struct img im;
		size_t n;

		if (r == -1)
			exit(RC_MODEL);		/* reported by ndj_next */
		if ((path = rec_get_string(rec, "map")) == NULL) {
			warnrec(in, "record has no \"map\" string");
			exit(RC_MODEL);
		}
		if (is_number(path, &v) && o->src == SRC_PERCENTILE) {
			if (nval + 1 > cval) {
				cval = 2 * (nval + 1);
				val = xrealloc(val, cval * sizeof *val);
			}
			val[nval++] = (float)v;
			cJSON_Delete(rec);
			continue;
		}
		if (pfm_read(path, &im, err, sizeof err) == -1) {
			warnrec(in, "cannot read map '%s': %s", path, err);
			exit(RC_MODEL);
		}
		if (im.c != 1) {
			warnrec(in, "cannot read map '%s': %d channels, "
			    "expected 1", path, im.c);
			exit(RC_MODEL);
		}
		n = (size_t)im.w * im.h;
		if (o->src == SRC_PERCENTILE) {
			if (nval + n > cval) {
				cval = 2 * (nval + n);
				val = xrealloc(val, cval * sizeof *val);
			}
			memcpy(val + nval, im.data, n * sizeof *val);
			nval += n;
			img_free(&im);
		} else {
			if (nmap == cmap) {
				cmap = 2 * cmap + 8;
				map = xrealloc(map, cmap * sizeof *map);
			}
			map[nmap++] = im;
		}
		cJSON_Delete(rec);
	}
	ndj_close(in);
	if (nval == 0 && nmap == 0)
		die(RC_MODEL, "%s: no defect-free maps", o->normals);
	if (o->src == SRC_PERCENTILE)
		thresh_percentile(val, nval, o->pct, &o->t);
	else {
		tm = xmalloc(nmap * sizeof *tm);
		for (i = 0; i < nmap; i++) {
			tm[i].v = map[i].data;
			tm[i].w = map[i].w;
			tm[i].h = map[i].h;
		}
		if (thresh_mvtec(tm, nmap, o->min_defect, o->conn, o->open_r,
		    o->close_r, &o->t, err, sizeof err) == -1)
			die(RC_SYS, "%s", err);	/* only memory can fail */
		free(tm);
		for (i = 0; i < nmap; i++)
			img_free(&map[i]);
	}
	free(val);
	free(map);
	free(file);
}

static void
check_dir(const char *opt, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		die(RC_USAGE, "%s: '%s' is not a directory", opt, dir);
}

int
main(int argc, char *argv[])
{
	struct opts o = { SRC_RECORD, 0, 0, 0, 16, 100, 8, 0, 0, NULL, NULL,
	    NULL };
	struct work w;
	int c, r, ok, kflag = 0, srcs = 0;
	long nbad = 0;
	struct ndj *in;
	cJSON *rec;

	progname = "mask-boxes";	/* fixed: stable stderr goldens */
	memset(&w, 0, sizeof w);
	while ((c = getopt_long(argc, argv, "48A:a:b:c:hkM:n:O:o:p:st:uV",
	    longopts, NULL)) != -1)
		switch (c) {
		case '4':
		case '8':
			o.conn = c - '0';
			break;
		case 'A':
			o.min_defect = parse_long("-A", optarg, 1, INT_MAX);
			o.src = SRC_MVTEC;
			srcs |= 1 << SRC_MVTEC;
			break;
		case 'a':
			o.min_area = parse_long("-a", optarg, 1, INT_MAX);
			break;
		case 'b':
			o.max_boxes = parse_long("-b", optarg, 0, INT_MAX);
			break;
		case 'c':
			o.close_r = (int)parse_long("-c", optarg, 0, 32767);
			break;
		case 'k':
			kflag = 1;
			break;
		case 'M':
			o.mask_dir = optarg;
			break;
		case 'n':
			o.normals = optarg;
			break;
		case 'O':
			o.overlay_dir = optarg;
			break;
		case 'o':
			o.open_r = (int)parse_long("-o", optarg, 0, 32767);
			break;
		case 'p':
			o.pct = parse_double("-p", optarg, 0, 100);
			o.src = SRC_PERCENTILE;
			srcs |= 1 << SRC_PERCENTILE;
			break;
		case 's':
			o.src = SRC_OTSU;
			srcs |= 1 << SRC_OTSU;
			break;
		case 't':
			o.t = (float)parse_double("-t", optarg, -FLT_MAX,
			    FLT_MAX);
			o.src = SRC_FIXED;
			srcs |= 1 << SRC_FIXED;
			break;
		case 'u':	/* every record is flushed anyway */
			break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("mask-boxes " VERSION);
			close_stdout();
			return RC_OK;
		default:
			fputs(usage_line, stderr);
			return RC_USAGE;
		}
	if (srcs & (srcs - 1))
		die(RC_USAGE, "-t, -p, -A and -s exclude each other");
	if ((o.src == SRC_PERCENTILE || o.src == SRC_MVTEC) && !o.normals)
		die(RC_USAGE, "%s needs -n normals",
		    o.src == SRC_MVTEC ? "-A" : "-p");
	if (o.normals != NULL && o.src != SRC_PERCENTILE &&
	    o.src != SRC_MVTEC)
		die(RC_USAGE, "-n needs -p or -A");
	if (o.mask_dir != NULL)
		check_dir("-M", o.mask_dir);
	if (o.overlay_dir != NULL)
		check_dir("-O", o.overlay_dir);
	if (o.normals != NULL)
		load_normals(&o);

	in = ndj_open(argc - optind, argv + optind);	/* none or "-": stdin */
	ndj_accept_paths(in, "map");	/* `ls *.pfm | mask-boxes` */
	while ((r = ndj_next(in, &rec)) != 0) {	/* 1: record; -1: bad line */
		ok = r == 1 && add_boxes(in, rec, &o, &w) == 0;
		if (ok)
			ndj_put(stdout, rec, 1);	/* image rate: flush */
		cJSON_Delete(rec);
		nbad += !ok;
		if ((!ok && !kflag) || ferror(stdout))
			break;
	}
	ndj_close(in);
	free(w.map);
	free(w.mask);
	free(w.plane);
	free(w.box);
	cc_free(&w.cc);
	morph_free(&w.ws);
	close_stdout();		/* write error: dies with RC_SYS */
	return nbad > 0 ? RC_DATA : RC_OK;
}
