/*
 * metrics_test: AUROC, AP and F1max against scikit-learn on committed
 * fixtures (ties included), AU-PRO against a transcription of the MVTec AD
 * procedure and against a case worked out by hand, the histogram mode
 * against the exact mode, box AP on a hand-made case, accept confusion.
 * Fixtures: testdata/det-eval/fixtures/, written by
 * scripts/mk-metric-fixtures.py (run from the repository root).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "metrics.h"
#include "test.h"

#define FIX "testdata/det-eval/fixtures/"
#define TOL 1e-6

static char msg[256];

static const char *
what(const char *name, const char *fig)
{
	snprintf(msg, sizeof msg, "%s: %s", name, fig);
	return msg;
}

/* obj[key] as a number, NAN for null or absent. */
static double
getnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Array of numbers into a new double array; *n its length. */
static double *
getarr(const cJSON *a, size_t *n)
{
	const cJSON *v;
	double *d;
	size_t i = 0;

	*n = (size_t)cJSON_GetArraySize(a);
	d = malloc((*n ? *n : 1) * sizeof *d);
	cJSON_ArrayForEach(v, a)
		d[i++] = v->valuedouble;
	return d;
}

/* Call fn on every record of an NDJSON fixture file. */
static void
each_case(const char *path, void (*fn)(const cJSON *))
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	cJSON *o;

	if (!t_ok(f != NULL, path))
		return;
	while (getline(&line, &cap, f) > 0) {
		if ((o = cJSON_Parse(line)) == NULL) {
			t_ok(0, "fixture line parses");
			continue;
		}
		fn(o);
		cJSON_Delete(o);
	}
	free(line);
	fclose(f);
}

static void
score_case(const cJSON *o)
{
	const char *name = cJSON_GetObjectItemCaseSensitive(o, "name")->
	    valuestring;
	struct mt_result r;
	unsigned char *y;
	double *s, *lv;
	size_t n, m, i;

	s = getarr(cJSON_GetObjectItemCaseSensitive(o, "scores"), &n);
	lv = getarr(cJSON_GetObjectItemCaseSensitive(o, "labels"), &m);
	y = malloc(n ? n : 1);
	for (i = 0; i < n; i++)
		y[i] = lv[i] != 0;
	if (t_ok(m == n && mt_scores(s, y, n, &r, NULL) == 0,
	    what(name, "computed"))) {
		t_near(r.auroc, getnum(o, "auroc"), TOL, what(name, "AUROC"));
		t_near(r.ap, getnum(o, "ap"), TOL, what(name, "AP"));
		t_near(r.f1, getnum(o, "f1"), TOL, what(name, "F1max"));
		t_near(r.f1_thr, getnum(o, "f1_threshold"), 1e-12,
		    what(name, "F1max threshold"));
	}
	free(s);
	free(lv);
	free(y);
}

/*
 * Feed images to a pixel store: image i goes to group i % ngroups; region
 * sizes are counted from the labels.
 */
static int
feed(struct mt_pix *p, int ngroups, float **maps, int32_t **lab, int nimg,
    size_t npx)
{
	long size[64];
	int i, nreg;
	size_t j;

	for (i = 0; i < nimg; i++) {
		memset(size, 0, sizeof size);
		for (nreg = 0, j = 0; j < npx; j++)
			if (lab[i][j] > 0) {
				size[lab[i][j] - 1]++;
				if (lab[i][j] > nreg)
					nreg = lab[i][j];
			}
		if (mt_pix_image(p, i % ngroups, nreg, size) == -1 ||
		    mt_pix_add(p, maps[i], lab[i], npx) == -1)
			return -1;
	}
	return 0;
}

static void
pro_case(const cJSON *o)
{
	const char *name = cJSON_GetObjectItemCaseSensitive(o, "name")->
	    valuestring;
	const cJSON *ma = cJSON_GetObjectItemCaseSensitive(o, "maps");
	const cJSON *la = cJSON_GetObjectItemCaseSensitive(o, "labels");
	double lim = getnum(o, "limit"), *d;
	int nimg = cJSON_GetArraySize(ma), i, gs[3] = { 0, 1, 2 };
	float *maps[16];
	int32_t *lab[16];
	struct mt_result r, h;
	struct mt_pix *p, *q;
	size_t npx = 0, j;

	for (i = 0; i < nimg && i < 16; i++) {
		d = getarr(cJSON_GetArrayItem(ma, i), &npx);
		maps[i] = malloc(npx * sizeof *maps[i]);
		for (j = 0; j < npx; j++)
			maps[i][j] = (float)d[j];
		free(d);
		d = getarr(cJSON_GetArrayItem(la, i), &npx);
		lab[i] = malloc(npx * sizeof *lab[i]);
		for (j = 0; j < npx; j++)
			lab[i][j] = (int32_t)d[j];
		free(d);
	}
	/* exact, images spread over three groups evaluated together */
	p = mt_pix_new(3, 0);
	if (t_ok(p != NULL && feed(p, 3, maps, lab, nimg, npx) == 0 &&
	    mt_pix_eval(p, gs, 3, lim, &r, NULL) == 0,
	    what(name, "exact store"))) {
		t_near(r.aupro, getnum(o, "aupro"), TOL, what(name, "AU-PRO"));
		t_near(r.auroc, getnum(o, "auroc"), TOL,
		    what(name, "pixel AUROC"));
		t_near(r.ap, getnum(o, "ap"), TOL, what(name, "pixel AP"));
	}
	/* histogram, 20 bits: within its own bound of the exact AUROC */
	q = mt_pix_new(1, 20);
	if (t_ok(q != NULL && feed(q, 1, maps, lab, nimg, npx) == 0 &&
	    mt_pix_eval(q, gs, 1, lim, &h, NULL) == 0,
	    what(name, "histogram store"))) {
		t_ok(fabs(h.auroc - r.auroc) <= h.tie_bound + 1e-12,
		    what(name, "histogram AUROC within its tie bound"));
		t_near(h.aupro, r.aupro, 1e-3, what(name, "histogram AU-PRO"));
	}
	mt_pix_free(p);
	mt_pix_free(q);
	for (i = 0; i < nimg && i < 16; i++) {
		free(maps[i]);
		free(lab[i]);
	}
}

/*
 * AU-PRO by hand.  Two 2 x 5 maps; image 1 has two ground-truth regions,
 * a = {(0,0), (0,1)} (size 2) and b = {(1,4)} (size 1); image 2 is
 * defect-free.  So N = 7 + 10 = 17 defect-free pixels and 2 regions.
 *
 *	image 1 scores   0.9 0.5 0.2 0.1 0.1     truth  a a . . .
 *	                 0.3 0.6 0.1 0.2 0.2            . . . . b
 *	image 2 scores   0.4 0.1 0.1 0.1 0.1     (all defect-free)
 *	                 0.1 0.1 0.1 0.3 0.1
 *
 * Thresholds, high to low, with (FPR, PRO) after each; PRO is the mean
 * over the regions of the share of the region at or above the threshold:
 *	0.9  a half in             (0,      0.25)
 *	0.6  1 false positive      (1/17,   0.25)
 *	0.5  a complete            (1/17,   0.5)
 *	0.4  fp 2                  (2/17,   0.5)
 *	0.3  fp 4                  (4/17,   0.5)
 *	0.2  fp 6, b in (tied)     (6/17,   1)      6/17 = 0.353 > 0.3
 *	0.1  fp 17                 (1,      1)
 * Trapezoids from (0, 0): 0.25/17 + 0 + 0.5/17 + 1/17 = 1.75/17, then the
 * piece from 4/17 to 0.3 (= 1.1/17 wide): y at 0.3 interpolated is
 * 0.5 + 0.5 * (1.1/17) / (2/17) = 0.775, area (0.775 + 0.5) / 2 * 1.1/17
 * = 0.70125/17.  Sum 2.45125/17 = 0.144191176, divided by 0.3:
 * AU-PRO = 0.480637255.
 * Pixel AUROC: positives 0.9, 0.5, 0.2 beat 17, 16 and 11 + 2/2 negatives:
 * 45 / (3 * 17) = 0.882352941.  AP: recall steps of 1/3 at precisions 1,
 * 2/3 and 3/9: 2/3.  F1max: 2 tp / (P + tp + fp) = 4/6 at threshold 0.5.
 */
static void
pro_by_hand(void)
{
	float m1[10] = { .9f, .5f, .2f, .1f, .1f, .3f, .6f, .1f, .2f, .2f };
	float m2[10] = { .4f, .1f, .1f, .1f, .1f, .1f, .1f, .1f, .3f, .1f };
	int32_t l1[10] = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 2 }, l2[10] = { 0 };
	float *maps[2] = { m1, m2 };
	int32_t *lab[2] = { l1, l2 };
	int bits, g[2] = { 0, 1 };
	struct mt_result r;
	struct mt_pix *p;
	char w[64];

	for (bits = 0; bits <= 8; bits += 8) {
		p = mt_pix_new(2, bits);
		snprintf(w, sizeof w, "by hand, %s", bits ? "histogram" :
		    "exact");
		if (t_ok(p != NULL && feed(p, 2, maps, lab, 2, 10) == 0 &&
		    mt_pix_eval(p, g, 2, 0.3, &r, NULL) == 0, w)) {
			t_near(r.aupro, 2.45125 / 17 / 0.3, 1e-6,
			    what(w, "AU-PRO"));
			t_near(r.auroc, 45.0 / 51, 1e-6, what(w, "AUROC"));
			t_near(r.ap, 2.0 / 3, 1e-6, what(w, "AP"));
			t_near(r.f1, 2.0 / 3, 1e-6, what(w, "F1max"));
			t_near(r.f1_thr, 0.5, 1e-6, what(w, "F1 threshold"));
			t_near(r.nreg, 2, 0, what(w, "regions"));
			t_near(r.neg, 17, 0, what(w, "defect-free pixels"));
		}
		mt_pix_free(p);
	}
}

/* Truncate f to bits mantissa bits, as the histogram bins do. */
static float
trunc_bits(float f, int bits)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	u &= ~((1u << (23 - bits)) - 1);
	memcpy(&f, &u, sizeof f);
	return f;
}

static uint64_t rs = 0x9e3779b97f4a7c15u;

static double
urand(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (double)(rs >> 11) / 9007199254740992.0;
}

/*
 * The histogram is exactly the exact mode on truncated scores: random maps
 * over six decades (and zeros, negatives), one region per 40 x 40 block.
 */
static void
hist_is_truncation(void)
{
	enum { W = 40, H = 40, NIMG = 6 };
	static float raw[NIMG][W * H], tr[NIMG][W * H];
	static int32_t lab[NIMG][W * H];
	float *mr[NIMG], *mt[NIMG];
	int32_t *lp[NIMG];
	int i, j, bits, g[2] = { 0, 1 };
	struct mt_result a, b;
	struct mt_pix *pe, *ph;
	char w[64];

	for (bits = 4; bits <= 16; bits += 6) {
		for (i = 0; i < NIMG; i++) {
			for (j = 0; j < W * H; j++) {
				int x = j % W, y = j / W;
				int in = i > 0 && x >= 5 * i && x < 5 * i + 9 &&
				    y >= 10 && y < 10 + 3 * i;

				lab[i][j] = in;
				raw[i][j] = (float)(pow(10, -6 * urand()) *
				    (1 + in));
				if (j % 97 == 0)
					raw[i][j] = 0;
				if (j % 89 == 0)
					raw[i][j] = -raw[i][j];
				tr[i][j] = trunc_bits(raw[i][j], bits);
			}
			mr[i] = raw[i];
			mt[i] = tr[i];
			lp[i] = lab[i];
		}
		pe = mt_pix_new(2, 0);
		ph = mt_pix_new(2, bits);
		snprintf(w, sizeof w, "histogram %d bits = exact on truncated",
		    bits);
		if (t_ok(pe && ph && feed(pe, 2, mt, lp, NIMG, W * H) == 0 &&
		    feed(ph, 2, mr, lp, NIMG, W * H) == 0 &&
		    mt_pix_eval(pe, g, 2, 0.3, &a, NULL) == 0 &&
		    mt_pix_eval(ph, g, 2, 0.3, &b, NULL) == 0, w)) {
			t_near(b.auroc, a.auroc, 1e-12, what(w, "AUROC"));
			t_near(b.ap, a.ap, 1e-12, what(w, "AP"));
			t_near(b.aupro, a.aupro, 1e-12, what(w, "AU-PRO"));
			t_near(b.f1, a.f1, 1e-12, what(w, "F1max"));
			t_near(b.f1_thr, a.f1_thr, 0, what(w, "F1 threshold"));
		}
		mt_pix_free(pe);
		mt_pix_free(ph);
	}
}

/*
 * Box AP by hand.  Ground truth: image 0 has G1 (0,0,10,10) and G2
 * (20,20,10,10), image 1 has G3 (0,0,4,4).  Detections by confidence:
 *	d1 0.9 img 0 (0,0,10,10)   IoU 1 with G1                TP
 *	d2 0.8 img 0 (1,0,10,10)   IoU 90/110 with G1, taken    FP
 *	d3 0.7 img 1 (0,0,4,8)     IoU 16/32 = 0.5 with G3      TP (>= 0.5)
 *	d4 0.6 img 0 (50,50,5,5)   no overlap                   FP
 *	d5 0.5 img 0 (22,22,10,10) IoU 64/136 = 0.47 with G2    FP
 * Precision 1, 1/2, 2/3, 2/4, 2/5 at recall 1/3, 1/3, 2/3, 2/3, 2/3.
 * Envelope: 1 up to recall 1/3, 2/3 up to 2/3, 0 beyond:
 * AP = 1/3 * 1 + 1/3 * 2/3 = 5/9.  At IoU 0.55, d3 is FP: AP = 1/3.
 * The detections are listed out of order to check the sort.
 */
static void
box_by_hand(void)
{
	struct mt_box g[3] = {
		{ 0, 0, 0, 10, 10, 0 }, { 0, 20, 20, 10, 10, 0 },
		{ 1, 0, 0, 4, 4, 0 } };
	struct mt_box d[5] = {
		{ 0, 50, 50, 5, 5, 0.6 }, { 0, 1, 0, 10, 10, 0.8 },
		{ 0, 22, 22, 10, 10, 0.5 }, { 1, 0, 0, 4, 8, 0.7 },
		{ 0, 0, 0, 10, 10, 0.9 } };
	struct mt_curve c = { .eps = 0 };
	double ap;
	long tp;

	t_near(mt_iou(&d[3], &g[2]), 0.5, 1e-15, "IoU of a box and its half");
	t_ok(mt_box_ap(d, 5, g, 3, 0.5, &ap, &tp, &c) == 0 && tp == 2,
	    "box AP computed, 2 true positives");
	t_near(ap, 5.0 / 9, 1e-12, "box AP by hand, IoU 0.5");
	t_ok(c.n == 5 && c.pt[4].rec == 2.0 / 3 && c.pt[4].prec == 0.4,
	    "box PR curve has every point at eps 0");
	mt_curve_free(&c);
	t_ok(mt_box_ap(d, 5, g, 3, 0.55, &ap, &tp, NULL) == 0 && tp == 1,
	    "box AP at IoU 0.55: 1 true positive");
	t_near(ap, 1.0 / 3, 1e-12, "box AP by hand, IoU 0.55");
	t_ok(mt_box_ap(d, 0, g, 3, 0.5, &ap, NULL, NULL) == 0 && ap == 0,
	    "no detections: AP 0");
	t_ok(mt_box_ap(d, 5, g, 0, 0.5, &ap, NULL, NULL) == 0 && isnan(ap),
	    "no ground truth: AP undefined");
}

static void
confusion(void)
{
	struct mt_confusion c = { .ta = 90, .fa = 2, .tr = 8, .fr = 10 };
	struct mt_rates r;

	mt_confusion_rates(&c, &r);
	t_near(r.accuracy, 98.0 / 110, 1e-15, "accuracy");
	t_near(r.far, 2.0 / 10, 1e-15, "false-accept rate");
	t_near(r.frr, 10.0 / 100, 1e-15, "false-reject rate");
	t_near(r.precision, 8.0 / 18, 1e-15, "reject precision");
	t_near(r.recall, 8.0 / 10, 1e-15, "reject recall");
	c.ta = c.fr = 0;
	mt_confusion_rates(&c, &r);
	t_ok(isnan(r.frr), "no good parts: false-reject rate undefined");
}

/* A thinned curve keeps its first and last points and few between. */
static void
thinning(void)
{
	enum { N = 10000 };
	static double s[N];
	static unsigned char y[N];
	struct mt_curve c = { .eps = 0.01 };
	struct mt_result r;
	int i;

	for (i = 0; i < N; i++) {
		s[i] = urand();
		y[i] = urand() < s[i];
	}
	t_ok(mt_scores(s, y, N, &r, &c) == 0 && !c.nomem, "curve recorded");
	t_ok(c.n > 10 && c.n < 1000, "curve thinned");
	t_ok(c.pt[0].fpr <= 0.01 && c.pt[c.n - 1].fpr == 1 &&
	    c.pt[c.n - 1].tpr == 1, "curve ends kept");
	mt_curve_free(&c);
}

int
main(void)
{
	each_case(FIX "scores.ndjson", score_case);
	each_case(FIX "pro.ndjson", pro_case);
	pro_by_hand();
	hist_is_truncation();
	box_by_hand();
	confusion();
	thinning();
	return t_done();
}
