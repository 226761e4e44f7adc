/*
 * det-eval: score an inspection run against a dataset's ground truth.
 * Reads prediction records (files or stdin: "image" plus any of "map",
 * "score", "boxes", "accept"), matches each to the ground truth by image
 * path, and writes one NDJSON record of metrics per defect class and one
 * for all classes: image AUROC/AP/F1max, pixel AUROC/AP/F1max and AU-PRO,
 * box AP (and mAP), and accept confusion figures.  Maps are read one at a
 * time and accumulated into a histogram (or, with -x, kept for an exact
 * sort); see lib/metrics.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "gt.h"		/* gt_load(), gt_find(), gt_mask(), gt_label() */
#include "img.h"	/* img_info() */
#include "metrics.h"	/* mt_scores(), mt_pix_*, mt_box_ap() */
#include "ndjson.h"	/* ndj_*, warnrec(), rec_set*() */
#include "pfm.h"	/* pfm_open(), pfm_row() */
#include "record.h"	/* rec_get_boxes() */
#include "safeout.h"	/* atomic SVG files */
#include "util.h"	/* progname, die(), parse_long(), RC_* */

static const char usage_line[] =
    "usage: det-eval [-kmx] [-b bits] [-c key] [-i iou] [-l limit] "
    "[-p dir] [-s key]\n"
    "                -g kind:path [file ...]\n";
static const char help_text[] =
    "  -b, --bits=N         histogram bins: N significant bits of each "
    "score\n"
    "                       (1..20, default 12)\n"
    "  -c, --confidence=KEY box field ranking detections (default "
    "max_err)\n"
    "  -g, --gt=KIND:PATH   ground truth: mvtec:ROOT, dagm:DIR, "
    "dagm07:DIR,\n"
    "                       masks:DIR or boxes:FILE (required)\n"
    "  -i, --iou=T          IoU a detection needs to match (default "
    "0.5)\n"
    "  -k, --keep-going     report bad records and continue\n"
    "  -l, --pro-limit=F    FPR up to which AU-PRO integrates (default "
    "0.3)\n"
    "  -m, --markdown       write a Markdown table instead of NDJSON\n"
    "  -p, --plot=DIR       write ROC and PR curves as SVG files into "
    "DIR\n"
    "  -s, --score=KEY      image score from field KEY (default: max of "
    "the map,\n"
    "                       else \"score\")\n"
    "  -x, --exact          exact pixel metrics: keep and sort every "
    "pixel\n"
    "  -h, --help           this text;   -V, --version   print the "
    "version\n";

static const struct option longopts[] = {
	{ "bits",	required_argument,	NULL, 'b' },
	{ "confidence",	required_argument,	NULL, 'c' },
	{ "gt",		required_argument,	NULL, 'g' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "iou",	required_argument,	NULL, 'i' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "pro-limit",	required_argument,	NULL, 'l' },
	{ "markdown",	no_argument,		NULL, 'm' },
	{ "plot",	required_argument,	NULL, 'p' },
	{ "score",	required_argument,	NULL, 's' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "exact",	no_argument,		NULL, 'x' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	int bits, markdown, keep;
	double iou, limit;
	const char *conf, *score, *plot, *gt;
};

/* Growable arrays of the evidence, each entry tagged with its group. */
struct scorev {
	double *s;
	unsigned char *y;
	int *g;
	size_t n, cap;
};

struct boxv {
	struct mt_box *b;
	int *g;
	size_t n, cap;
};

/* Everything gathered from the records. */
struct state {
	struct opts o;
	struct gt gt;
	int ngroups;		/* 0: defect-free, 1 + class index */
	struct mt_pix *pix;	/* NULL until a map arrives */
	long *images, *defective, *mapped, *boxed;	/* per group */
	struct scorev sc;
	struct boxv det, gtb;
	struct mt_confusion *conf;	/* per group */
	long naccept;
	unsigned char *seen;	/* per ground-truth item */
	long nrec;		/* records used: image ids for boxes */
	/* per-map buffers, reused */
	float *map;
	unsigned char *mask;
	int32_t *lab;
	size_t cap;
};

/* The item an unmatched path gets with a mask folder: defect-free. */
static const struct gt_item good_item = { .cls = -1 };

static void
scorev_push(struct scorev *v, double s, int y, int g)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->s = xrealloc(v->s, v->cap * sizeof *v->s);
		v->y = xrealloc(v->y, v->cap);
		v->g = xrealloc(v->g, v->cap * sizeof *v->g);
	}
	v->s[v->n] = s;
	v->y[v->n] = (unsigned char)y;
	v->g[v->n++] = g;
}

static void
boxv_push(struct boxv *v, const struct mt_box *b, int g)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->b = xrealloc(v->b, v->cap * sizeof *v->b);
		v->g = xrealloc(v->g, v->cap * sizeof *v->g);
	}
	v->b[v->n] = *b;
	v->g[v->n++] = g;
}

/* Make the per-map buffers hold n pixels. */
static void
reserve(struct state *st, size_t n)
{
	if (n <= st->cap)
		return;
	free(st->map);
	free(st->mask);
	free(st->lab);
	st->map = xmalloc(n * sizeof *st->map);
	st->mask = xmalloc(n);
	st->lab = xmalloc(n * sizeof *st->lab);
	st->cap = n;
}

/* Read the map into st->map; its max into *mx.  0 or -1 (reported). */
static int
read_map(const struct ndj *in, struct state *st, const char *path, int *w,
    int *h, double *mx)
{
	char err[IMG_ERRLEN];
	struct pfm_reader r;
	size_t i, n;
	int y;

	if (pfm_open(&r, path, err, sizeof err) == -1)
		return warnrec(in, "cannot read map '%s': %s", path, err);
	if (r.c != 1) {
		pfm_close(&r);
		return warnrec(in, "map '%s' has %d channels, not 1", path,
		    r.c);
	}
	*w = r.w;
	*h = r.h;
	n = (size_t)r.w * (size_t)r.h;
	reserve(st, n);
	for (y = 0; y < r.h; y++)
		if (pfm_row(&r, y, st->map + (size_t)y * (size_t)r.w, err,
		    sizeof err) == -1) {
			pfm_close(&r);
			return warnrec(in, "cannot read map '%s': %s", path,
			    err);
		}
	pfm_close(&r);
	*mx = -INFINITY;
	for (i = 0; i < n; i++)
		if (st->map[i] > *mx)
			*mx = st->map[i];
	return 0;
}

/*
 * Label the ground truth of it at w x h into st->lab; the regions in *reg.
 * Returns the number of regions, or -1 (reported).
 */
static long
label_gt(const struct ndj *in, struct state *st, const struct gt_item *it,
    int w, int h, struct gt_region **reg)
{
	char err[GT_ERRLEN];
	long n;

	reserve(st, (size_t)w * (size_t)h);
	if (gt_mask(it, w, h, st->mask, err, sizeof err) == -1)
		return warnrec(in, "%s", err);
	if ((n = gt_label(st->mask, w, h, st->lab, reg)) == -1)
		die(RC_SYS, "out of memory");
	return n;
}

/* Size of the ground truth of it when no map gives it. */
static int
gt_size(const struct ndj *in, const struct gt_item *it, int *w, int *h)
{
	const char *p = it->mask ? it->mask : it->path;
	char err[IMG_ERRLEN];

	if (p == NULL)
		return warnrec(in, "no image size known for the ground truth");
	if (img_info(p, w, h, err, sizeof err) == -1)
		return warnrec(in, "cannot read '%s': %s", p, err);
	return 0;
}

/*
 * The number at key in rec, where "a.b" names member b of object a.
 * 0, or -1 if it is not there or not a finite number.
 */
static int
get_path(const cJSON *rec, const char *key, double *v)
{
	const char *dot = strchr(key, '.');
	const cJSON *o;
	char head[256];

	if (dot == NULL || (size_t)(dot - key) >= sizeof head)
		return rec_get_number(rec, key, v);
	memcpy(head, key, (size_t)(dot - key));
	head[dot - key] = '\0';
	o = cJSON_GetObjectItemCaseSensitive(rec, head);
	return cJSON_IsObject(o) ? get_path(o, dot + 1, v) : -1;
}

/* Predicted boxes of rec into *b (n of them, confidence from key). */
static int
get_dets(const struct ndj *in, const cJSON *rec, const char *key,
    struct mt_box **out, size_t *nout)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rec, "boxes"), *e;
	char err[256];
	struct rec_box *rb;
	struct mt_box *b;
	size_t n, i = 0;
	double c;

	if (rec_get_boxes(rec, &rb, &n, err, sizeof err) == -1)
		return warnrec(in, "%s", err);
	b = xcalloc(n ? n : 1, sizeof *b);
	cJSON_ArrayForEach(e, arr) {
		if (rec_get_number(e, key, &c) == -1) {
			free(rb);
			free(b);
			return warnrec(in, "box %zu has no number \"%s\"",
			    i + 1, key);
		}
		b[i].x = rb[i].x;
		b[i].y = rb[i].y;
		b[i].w = rb[i].w;
		b[i].h = rb[i].h;
		b[i].conf = c;
		i++;
	}
	free(rb);
	*out = b;
	*nout = n;
	return 0;
}

/* Take the evidence of one record.  0, or -1 once reported. */
static int
take(const struct ndj *in, struct state *st, const cJSON *rec)
{
	const char *image = rec_get_string(rec, "image");
	const char *mapp = rec_get_string(rec, "map");
	const cJSON *acc = cJSON_GetObjectItemCaseSensitive(rec, "accept");
	const cJSON *bx = cJSON_GetObjectItemCaseSensitive(rec, "boxes");
	const struct gt_item *it;
	struct gt_region *reg = NULL;
	struct mt_box *dets = NULL, gb;
	size_t nd = 0, i;
	double score = NAN, mx = 0;
	long nreg = -1, *size, k;
	int g, w = 0, h = 0, y, def;

	if (image == NULL)
		return warnrec(in, "record has no \"image\" string");
	if ((it = gt_find(&st->gt, image)) == NULL) {
		if (st->gt.kind != GT_MASKS)
			return warnrec(in, "no ground truth for '%s'", image);
		it = &good_item;
	}
	if (it != &good_item && st->seen[it - st->gt.item])
		return warnrec(in, "'%s' was already evaluated", image);
	if (acc != NULL && !cJSON_IsBool(acc))
		return warnrec(in, "\"accept\" is not true or false");
	if (bx != NULL && get_dets(in, rec, st->o.conf, &dets, &nd) == -1)
		return -1;
	g = it->cls + 1;
	def = gt_defective(it);
	if (st->o.score != NULL) {
		if (get_path(rec, st->o.score, &score) == -1) {
			free(dets);
			return warnrec(in, "record has no number \"%s\"",
			    st->o.score);
		}
	} else if (mapp == NULL && rec_get_number(rec, "score", &score) ==
	    -1 && cJSON_GetObjectItemCaseSensitive(rec, "score") != NULL) {
		free(dets);
		return warnrec(in, "\"score\" is not a finite number "
		    "(choose a member with -s score.NAME)");
	}
	if (mapp != NULL) {
		if (read_map(in, st, mapp, &w, &h, &mx) == -1) {
			free(dets);
			return -1;
		}
		if (st->o.score == NULL)
			score = mx;
		if (gt_has_masks(&st->gt)) {
			if ((nreg = label_gt(in, st, it, w, h, &reg)) == -1) {
				free(dets);
				return -1;
			}
			if (st->pix == NULL && (st->pix = mt_pix_new(
			    st->ngroups, st->o.bits)) == NULL)
				die(RC_SYS, "out of memory");
			size = xmalloc((size_t)(nreg ? nreg : 1) *
			    sizeof *size);
			for (k = 0; k < nreg; k++)
				size[k] = reg[k].area;
			if (mt_pix_image(st->pix, g, (int)nreg, size) == -1)
				die(RC_SYS, "out of memory");
			free(size);
			for (y = 0; y < h; y++)
				if (mt_pix_add(st->pix, st->map + (size_t)y *
				    (size_t)w, st->lab + (size_t)y * (size_t)w,
				    (size_t)w) == -1)
					die(RC_SYS, "out of memory");
			st->mapped[g]++;
		}
	}
	if (dets != NULL) {
		/* ground-truth boxes of this image */
		if (it->box != NULL) {
			for (k = 0; k < it->nbox; k++) {
				gb.img = st->nrec;
				gb.x = it->box[k].x;
				gb.y = it->box[k].y;
				gb.w = it->box[k].w;
				gb.h = it->box[k].h;
				boxv_push(&st->gtb, &gb, g);
			}
		} else if (def) {
			if (nreg < 0 && (gt_size(in, it, &w, &h) == -1 ||
			    (nreg = label_gt(in, st, it, w, h, &reg)) == -1)) {
				free(dets);
				return -1;
			}
			for (k = 0; k < nreg; k++) {
				gb.img = st->nrec;
				gb.x = reg[k].x;
				gb.y = reg[k].y;
				gb.w = reg[k].w;
				gb.h = reg[k].h;
				boxv_push(&st->gtb, &gb, g);
			}
		}
		for (i = 0; i < nd; i++) {
			dets[i].img = st->nrec;
			boxv_push(&st->det, &dets[i], g);
		}
		st->boxed[g]++;
		free(dets);
	}
	free(reg);
	if (!isnan(score))
		scorev_push(&st->sc, score, def, g);
	if (acc != NULL) {
		if (cJSON_IsTrue(acc)) {
			if (def)
				st->conf[g].fa++;
			else
				st->conf[g].ta++;
		} else {
			if (def)
				st->conf[g].tr++;
			else
				st->conf[g].fr++;
		}
		st->naccept++;
	}
	if (it != &good_item)
		st->seen[it - st->gt.item] = 1;
	st->images[g]++;
	st->defective[g] += def;
	st->nrec++;
	return 0;
}

/* ---- results ---- */

/* The figures of one class (or all). */
struct figs {
	const char *name;
	long images, defective, mapped, boxed, ndet, ngt, ntp, nscored;
	struct mt_result img, pix;
	double box_ap;
	long naccept;
	struct mt_confusion cf;
	struct mt_rates rates;
	struct mt_curve c_img, c_pix, c_box;
};

static void
setnum(cJSON *o, const char *key, double v)
{
	if (isfinite(v)) {
		if (rec_set_number(o, key, v) == -1)
			die(RC_SYS, "out of memory");
	} else if (rec_set(o, key, cJSON_CreateNull()) == -1)
		die(RC_SYS, "out of memory");
}

static int
in_set(int g, const int *gs, int ng)
{
	int i;

	for (i = 0; i < ng; i++)
		if (gs[i] == g)
			return 1;
	return 0;
}

/* Compute the figures over the groups gs. */
static void
compute(struct state *st, const int *gs, int ng, const char *name,
    struct figs *f)
{
	struct mt_box *d, *t;
	unsigned char *y;
	double *s;
	size_t i, n;
	int k, plot = st->o.plot != NULL;

	memset(f, 0, sizeof *f);
	f->name = name;
	f->c_img.eps = f->c_pix.eps = f->c_box.eps = 0.002;
	for (k = 0; k < ng; k++) {
		f->images += st->images[gs[k]];
		f->defective += st->defective[gs[k]];
		f->mapped += st->mapped[gs[k]];
		f->boxed += st->boxed[gs[k]];
		f->cf.ta += st->conf[gs[k]].ta;
		f->cf.fa += st->conf[gs[k]].fa;
		f->cf.tr += st->conf[gs[k]].tr;
		f->cf.fr += st->conf[gs[k]].fr;
	}
	f->naccept = f->cf.ta + f->cf.fa + f->cf.tr + f->cf.fr;
	mt_confusion_rates(&f->cf, &f->rates);

	s = xmalloc((st->sc.n + 1) * sizeof *s);
	y = xmalloc(st->sc.n + 1);
	for (n = i = 0; i < st->sc.n; i++)
		if (in_set(st->sc.g[i], gs, ng)) {
			s[n] = st->sc.s[i];
			y[n++] = st->sc.y[i];
		}
	f->nscored = (long)n;
	if (mt_scores(s, y, n, &f->img, plot ? &f->c_img : NULL) == -1)
		die(RC_SYS, "out of memory");
	free(s);
	free(y);

	if (st->pix != NULL && mt_pix_eval(st->pix, gs, ng, st->o.limit,
	    &f->pix, plot ? &f->c_pix : NULL) == -1)
		die(RC_SYS, "out of memory");

	d = xmalloc((st->det.n + 1) * sizeof *d);
	t = xmalloc((st->gtb.n + 1) * sizeof *t);
	for (n = i = 0; i < st->det.n; i++)
		if (in_set(st->det.g[i], gs, ng))
			d[n++] = st->det.b[i];
	f->ndet = (long)n;
	for (n = i = 0; i < st->gtb.n; i++)
		if (in_set(st->gtb.g[i], gs, ng))
			t[n++] = st->gtb.b[i];
	f->ngt = (long)n;
	if (mt_box_ap(d, (size_t)f->ndet, t, (size_t)f->ngt, st->o.iou,
	    &f->box_ap, &f->ntp, plot ? &f->c_box : NULL) == -1)
		die(RC_SYS, "out of memory");
	free(d);
	free(t);
	if (f->c_img.nomem || f->c_pix.nomem || f->c_box.nomem)
		die(RC_SYS, "out of memory");
}

static void
put_record(const struct state *st, const struct figs *f, double map)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || rec_set_string(o, "class", f->name) == -1)
		die(RC_SYS, "out of memory");
	setnum(o, "images", (double)f->images);
	setnum(o, "defective", (double)f->defective);
	if (f->nscored > 0) {
		setnum(o, "scored", (double)f->nscored);
		setnum(o, "image_auroc", f->img.auroc);
		setnum(o, "image_ap", f->img.ap);
		setnum(o, "image_f1", f->img.f1);
		setnum(o, "image_f1_threshold", f->img.f1_thr);
	}
	if (st->pix != NULL) {
		setnum(o, "maps", (double)f->mapped);
		setnum(o, "pixel_auroc", f->pix.auroc);
		setnum(o, "pixel_ap", f->pix.ap);
		setnum(o, "pixel_f1", f->pix.f1);
		setnum(o, "pixel_f1_threshold", f->pix.f1_thr);
		setnum(o, "aupro", f->pix.aupro);
		setnum(o, "regions", f->pix.nreg);
		if (st->o.bits > 0)
			setnum(o, "pixel_auroc_maxerr", f->pix.tie_bound);
	}
	if (st->det.n > 0 || st->gtb.n > 0) {
		setnum(o, "box_ap", f->box_ap);
		setnum(o, "detections", (double)f->ndet);
		setnum(o, "gt_boxes", (double)f->ngt);
		setnum(o, "true_positives", (double)f->ntp);
		if (!isnan(map) || strcmp(f->name, "all") == 0)
			setnum(o, "box_map", map);
	}
	if (st->naccept > 0) {
		setnum(o, "decisions", (double)f->naccept);
		setnum(o, "accuracy", f->rates.accuracy);
		setnum(o, "false_accept_rate", f->rates.far);
		setnum(o, "false_reject_rate", f->rates.frr);
		setnum(o, "reject_precision", f->rates.precision);
		setnum(o, "reject_recall", f->rates.recall);
	}
	ndj_put(stdout, o, 0);
	cJSON_Delete(o);
}

static void
md_num(double v)
{
	if (isfinite(v))
		printf(" %.4f |", v);
	else
		printf(" - |");
}

static void
put_markdown(const struct state *st, const struct figs *f, int nf, double map)
{
	int i, sc = 0, bx = st->det.n > 0 || st->gtb.n > 0;
	int px = st->pix != NULL, ac = st->naccept > 0;

	for (i = 0; i < nf; i++)
		sc |= f[i].nscored > 0;
	printf("| class | images | defective |");
	if (bx)
		printf(" box AP |");
	if (sc)
		printf(" image AUROC | image AP |");
	if (px)
		printf(" pixel AUROC | AU-PRO | pixel AP | pixel F1max |");
	if (ac)
		printf(" accuracy | false accept | false reject |");
	printf("\n|---|--:|--:|");
	printf("%s%s%s%s\n", bx ? "--:|" : "", sc ? "--:|--:|" : "",
	    px ? "--:|--:|--:|--:|" : "", ac ? "--:|--:|--:|" : "");
	for (i = 0; i < nf; i++) {
		printf("| %s | %ld | %ld |", f[i].name, f[i].images,
		    f[i].defective);
		if (bx)
			md_num(f[i].box_ap);
		if (sc) {
			md_num(f[i].img.auroc);
			md_num(f[i].img.ap);
		}
		if (px) {
			md_num(f[i].pix.auroc);
			md_num(f[i].pix.aupro);
			md_num(f[i].pix.ap);
			md_num(f[i].pix.f1);
		}
		if (ac) {
			md_num(f[i].rates.accuracy);
			md_num(f[i].rates.far);
			md_num(f[i].rates.frr);
		}
		printf("\n");
	}
	if (bx) {
		printf("\nmAP over %d classes: ", nf - 1);
		if (isfinite(map))
			printf("%.4f\n", map);
		else
			printf("-\n");
	}
}

/* ---- SVG curves ---- */

#define SVG_W 540
#define SVG_H 400
#define PX0 60			/* plot area */
#define PY0 20
#define PW 300
#define PH 320

static const char *colours[3] = { "#1f77b4", "#d62728", "#2ca02c" };

struct series {
	const char *label;
	const struct mt_curve *c;
	int roc;		/* 1: (fpr, tpr), 0: (rec, prec) */
	double area;
};

/* Write one chart with up to 3 series to path.  0 or -1 (reported). */
static int
svg_chart(const char *path, const char *title, int roc,
    const struct series *s, int ns)
{
	char err[256], esc[512];
	struct safeout so;
	const struct mt_pt *p;
	double x, y;
	size_t i;
	int k, j;
	FILE *f;

	if (safeout_open(&so, path, 0, err, sizeof err) == -1) {
		warnx("%s", err);
		return -1;
	}
	f = so.f;
	/* XML-escape the title (class names come from directories) */
	for (i = j = 0; title[i] && j + 7 < (int)sizeof esc; i++) {
		const char *r = title[i] == '&' ? "&amp;" : title[i] == '<' ?
		    "&lt;" : title[i] == '>' ? "&gt;" : NULL;

		if (r != NULL) {
			memcpy(esc + j, r, strlen(r));
			j += (int)strlen(r);
		} else
			esc[j++] = title[i];
	}
	esc[j] = '\0';
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	    SVG_W, SVG_H + 40);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%d\" y=\"14\">%s</text>\n", PX0, esc);
	for (k = 0; k <= 5; k++) {	/* grid and ticks every 0.2 */
		x = PX0 + PW * k / 5.0;
		y = PY0 + PH - PH * k / 5.0;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#ddd\"/>\n", x, PY0, x, PY0 + PH);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#ddd\"/>\n", PX0, y, PX0 + PW, y);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%.1f</text>\n", x, PY0 + PH + 16, k / 5.0);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		    "%.1f</text>\n", PX0 - 6, y + 4, k / 5.0);
	}
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"none\" stroke=\"black\"/>\n", PX0, PY0, PW, PH);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
	    PX0 + PW / 2, PY0 + PH + 34, roc ? "false positive rate" :
	    "recall");
	fprintf(f, "<text transform=\"translate(16 %d) rotate(-90)\" "
	    "text-anchor=\"middle\">%s</text>\n", PY0 + PH / 2, roc ?
	    "true positive rate" : "precision");
	for (k = 0; k < ns; k++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"1.5\" points=\"", colours[k]);
		if (roc)
			fprintf(f, "%d,%d ", PX0, PY0 + PH);
		for (i = 0; i < s[k].c->n; i++) {
			p = &s[k].c->pt[i];
			x = roc ? p->fpr : p->rec;
			y = roc ? p->tpr : p->prec;
			if (!isfinite(x) || !isfinite(y))
				continue;
			fprintf(f, "%.1f,%.1f ", PX0 + PW * x,
			    PY0 + PH - PH * y);
		}
		fprintf(f, "\"/>\n");
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" stroke-width=\"3\"/>\n", PX0 + PW + 12,
		    PY0 + 10 + 18 * k, PX0 + PW + 28, PY0 + 10 + 18 * k,
		    colours[k]);
		fprintf(f, "<text x=\"%d\" y=\"%d\">%s %.3f</text>\n",
		    PX0 + PW + 32, PY0 + 14 + 18 * k, s[k].label, s[k].area);
	}
	fprintf(f, "</svg>\n");
	if (safeout_commit(&so, err, sizeof err) == -1) {
		warnx("%s", err);
		return -1;
	}
	return 0;
}

/* The ROC and PR charts of one class.  0 or -1 (reported). */
static int
plot_class(const char *dir, const struct figs *f)
{
	struct series roc[2], pr[3];
	char path[PATH_MAX], title[256], name[128];
	int nr = 0, np = 0, rc = 0;
	size_t i;

	for (i = 0; f->name[i] && i + 1 < sizeof name; i++)
		name[i] = f->name[i] == '/' || f->name[i] == ' ' ? '_' :
		    f->name[i];
	name[i] = '\0';
	if (f->c_img.n > 0 && isfinite(f->img.auroc)) {
		roc[nr++] = (struct series){ "image AUROC", &f->c_img, 1,
		    f->img.auroc };
		pr[np++] = (struct series){ "image AP", &f->c_img, 0,
		    f->img.ap };
	}
	if (f->c_pix.n > 0 && isfinite(f->pix.auroc)) {
		roc[nr++] = (struct series){ "pixel AUROC", &f->c_pix, 1,
		    f->pix.auroc };
		pr[np++] = (struct series){ "pixel AP", &f->c_pix, 0,
		    f->pix.ap };
	}
	if (f->c_box.n > 0 && isfinite(f->box_ap))
		pr[np++] = (struct series){ "box AP", &f->c_box, 0,
		    f->box_ap };
	if (nr > 0) {
		snprintf(path, sizeof path, "%s/%s-roc.svg", dir, name);
		snprintf(title, sizeof title, "ROC: %s", f->name);
		rc |= svg_chart(path, title, 1, roc, nr);
	}
	if (np > 0) {
		snprintf(path, sizeof path, "%s/%s-pr.svg", dir, name);
		snprintf(title, sizeof title, "precision-recall: %s", f->name);
		rc |= svg_chart(path, title, 0, pr, np);
	}
	return rc;
}

/* ---- main ---- */

static void
free_state(struct state *st)
{
	mt_pix_free(st->pix);
	gt_free(&st->gt);
	free(st->images);
	free(st->defective);
	free(st->mapped);
	free(st->boxed);
	free(st->conf);
	free(st->seen);
	free(st->sc.s);
	free(st->sc.y);
	free(st->sc.g);
	free(st->det.b);
	free(st->det.g);
	free(st->gtb.b);
	free(st->gtb.g);
	free(st->map);
	free(st->mask);
	free(st->lab);
}

/* Evaluate every class and all together; write the output.  0 or -1. */
static int
report(struct state *st)
{
	int ncls = st->gt.ncls, i, *all, pair[2], rc = 0, nap = 0;
	struct figs *f = xcalloc((size_t)ncls + 1, sizeof *f);
	double map = 0;

	for (i = 0; i < ncls; i++) {
		pair[0] = 0;
		pair[1] = i + 1;
		compute(st, pair, 2, st->gt.cls[i], &f[i]);
		if (isfinite(f[i].box_ap)) {
			map += f[i].box_ap;
			nap++;
		}
	}
	map = nap > 0 ? map / nap : NAN;
	all = xmalloc((size_t)st->ngroups * sizeof *all);
	for (i = 0; i < st->ngroups; i++)
		all[i] = i;
	compute(st, all, st->ngroups, "all", &f[ncls]);
	free(all);
	if (st->o.markdown)
		put_markdown(st, f, ncls + 1, map);
	else
		for (i = 0; i <= ncls; i++)
			put_record(st, &f[i], i == ncls ? map : NAN);
	if (st->o.plot != NULL) {
		if (mkdir(st->o.plot, 0777) == -1 && errno != EEXIST) {
			warnx("%s: %s", st->o.plot, strerror(errno));
			rc = -1;
		}
		for (i = 0; rc == 0 && i <= ncls; i++)
			rc = plot_class(st->o.plot, &f[i]);
	}
	for (i = 0; i <= ncls; i++) {
		mt_curve_free(&f[i].c_img);
		mt_curve_free(&f[i].c_pix);
		mt_curve_free(&f[i].c_box);
	}
	free(f);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct state st;
	char err[GT_ERRLEN];
	int c, r, ok, rc;
	long nbad = 0;
	struct ndj *in;
	cJSON *rec;

	progname = "det-eval";	/* fixed: stable stderr goldens */
	memset(&st, 0, sizeof st);
	st.o.bits = 12;
	st.o.iou = 0.5;
	st.o.limit = 0.3;
	st.o.conf = "max_err";
	while ((c = getopt_long(argc, argv, "b:c:g:hi:kl:mp:s:Vx", longopts,
	    NULL)) != -1)
		switch (c) {
		case 'b':
			st.o.bits = (int)parse_long("-b", optarg, 1,
			    MT_MAX_BITS);
			break;
		case 'c': st.o.conf = optarg; break;
		case 'g': st.o.gt = optarg; break;
		case 'i': st.o.iou = parse_double("-i", optarg, 0, 1); break;
		case 'k': st.o.keep = 1; break;
		case 'l':
			st.o.limit = parse_double("-l", optarg, 1e-6, 1);
			break;
		case 'm': st.o.markdown = 1; break;
		case 'p': st.o.plot = optarg; break;
		case 's': st.o.score = optarg; break;
		case 'x': st.o.bits = 0; break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("det-eval " VERSION);
			close_stdout();
			return RC_OK;
		default:  fputs(usage_line, stderr); return RC_USAGE;
		}
	if (st.o.gt == NULL) {
		fputs(usage_line, stderr);
		return RC_USAGE;
	}
	if (gt_load(&st.gt, st.o.gt, err, sizeof err) == -1)
		die(strncmp(err, "unknown ground-truth kind", 25) == 0 ||
		    strstr(err, "names no path") != NULL ? RC_USAGE : RC_DATA,
		    "%s", err);
	st.ngroups = st.gt.ncls + 1;
	st.images = xcalloc((size_t)st.ngroups, sizeof *st.images);
	st.defective = xcalloc((size_t)st.ngroups, sizeof *st.defective);
	st.mapped = xcalloc((size_t)st.ngroups, sizeof *st.mapped);
	st.boxed = xcalloc((size_t)st.ngroups, sizeof *st.boxed);
	st.conf = xcalloc((size_t)st.ngroups, sizeof *st.conf);
	st.seen = xcalloc(st.gt.n, 1);

	in = ndj_open(argc - optind, argv + optind);	/* none or "-": stdin */
	while ((r = ndj_next(in, &rec)) != 0) {	/* 1: record; -1: bad line */
		ok = r == 1 && take(in, &st, rec) == 0;
		cJSON_Delete(rec);
		nbad += !ok;
		if (!ok && !st.o.keep)
			break;
	}
	ndj_close(in);		/* read error: dies with RC_SYS */
	rc = nbad > 0 ? RC_DATA : RC_OK;
	if (nbad == 0 || st.o.keep)
		if (report(&st) == -1)
			rc = RC_SYS;
	free_state(&st);
	close_stdout();		/* write error: dies with RC_SYS */
	return rc;
}
