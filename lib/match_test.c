/*
 * match_test: the correlation map against a brute-force Pearson
 * correlation in double precision (plain, smoothed, with exclusions, flat
 * windows), invariance to brightness and contrast, the coarse-to-fine
 * search against the exhaustive one on synthetic screens, multi-scale and
 * sub-scale recovery, versions, the near-tie preference, and NMS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "test.h"

static unsigned long long rng = 88172645463325252ULL;

static double
urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* Random rectangles of random grey on a random background: GUI-like. */
static void
gui_image(float *p, int w, int h, int nrect)
{
	int i, x, y;

	for (i = 0; i < w * h; i++)
		p[i] = (float)(0.2 + 0.1 * urand());
	for (i = 0; i < nrect; i++) {
		int rw = 2 + (int)(urand() * w / 6), rh = 2 + (int)(urand() *
		    h / 6);
		int rx = (int)(urand() * (w - rw)), ry = (int)(urand() *
		    (h - rh));
		float v = (float)urand();

		for (y = ry; y < ry + rh; y++)
			for (x = rx; x < rx + rw; x++)
				p[y * w + x] = v;
	}
}

static void
smooth_ref(const float *src, int w, int h, float *dst)
{
	static const double k[3] = { 1, 2, 1 };
	int x, y, i, j;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double acc = 0;

			for (i = -1; i <= 1; i++)
				for (j = -1; j <= 1; j++) {
					int yy = y + i, xx = x + j;

					yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
					xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
					acc += k[i + 1] * k[j + 1] *
					    src[yy * w + xx];
				}
			dst[y * w + x] = (float)(acc / 16);
		}
}

/* Pearson correlation over the pixels where mask is 1; flat: 0. */
static double
ncc_ref(const float *img, int w, int x, int y, const float *t, int tw,
    int th, const unsigned char *mask)
{
	double n = 0, st = 0, si = 0, stt = 0, sii = 0, sti = 0, vt, vi;
	int i, j;

	for (i = 0; i < th; i++)
		for (j = 0; j < tw; j++) {
			double a, b;

			if (mask != NULL && !mask[i * tw + j])
				continue;
			a = t[i * tw + j];
			b = img[(y + i) * w + x + j];
			n++;
			st += a;
			si += b;
		}
	st /= n;
	si /= n;
	for (i = 0; i < th; i++)
		for (j = 0; j < tw; j++) {
			double a, b;

			if (mask != NULL && !mask[i * tw + j])
				continue;
			a = t[i * tw + j] - st;
			b = img[(y + i) * w + x + j] - si;
			stt += a * a;
			sii += b * b;
			sti += a * b;
		}
	vt = stt;
	vi = sii;
	if (vi < n * MATCH_FLAT * MATCH_FLAT)
		return 0;
	return sti / sqrt(vt * vi);
}

/* match_map against ncc_ref over every position. */
static void
test_map(int denoise, int excl, int flat)
{
	enum { W = 97, H = 71, TW = 13, TH = 11 };
	static float img[W * H], tpl[TW * TH], si[W * H], stp[TW * TH];
	static float map[W * H];
	unsigned char mask[TW * TH];
	struct match_rect ex[2] = { { 2, 1, 4, 3 }, { 5, 2, 3, 7 } };
	struct match_screen *s = match_screen_new();
	struct match_tmpl *t;
	char err[128], what[128];
	double maxd = 0, zeros = 0;
	int i, j, ow, oh, x, y, r;

	for (i = 0; i < W * H; i++)
		img[i] = (float)urand();
	if (flat)	/* a flat block, and a nearly flat one */
		for (y = 10; y < 40; y++)
			for (x = 20; x < 60; x++)
				img[y * W + x] = x < 40 ? 0.5f :
				    0.5f + (float)(1e-6 * urand());
	for (i = 0; i < TH; i++)
		for (j = 0; j < TW; j++)
			tpl[i * TW + j] = img[(30 + i) * W + 50 + j] +
			    (float)(0.05 * urand());
	memset(mask, 1, sizeof mask);
	if (denoise)	/* a smoothed template is compared inside its rim */
		for (i = 0; i < TH; i++)
			for (j = 0; j < TW; j++)
				if (i == 0 || j == 0 || i == TH - 1 ||
				    j == TW - 1)
					mask[i * TW + j] = 0;
	if (excl)
		for (r = 0; r < 2; r++)
			for (i = ex[r].y; i < ex[r].y + ex[r].h; i++)
				for (j = ex[r].x; j < ex[r].x + ex[r].w; j++)
					mask[i * TW + j] = 0;
	r = match_tmpl_new(&t, tpl, TW, TH, TW, ex, excl ? 2 : 0, -1, -1, err,
	    sizeof err);
	t_ok(r == 0, "template accepted");
	if (r)
		return;
	match_screen_set(s, img, W, H, W, err, sizeof err);
	r = match_map(s, t, 1.0, denoise, map, &ow, &oh, err, sizeof err);
	t_ok(r == 0 && ow == W - TW + 1 && oh == H - TH + 1, "map size");
	if (denoise) {
		smooth_ref(img, W, H, si);
		smooth_ref(tpl, TW, TH, stp);
	} else {
		memcpy(si, img, sizeof si);
		memcpy(stp, tpl, sizeof stp);
	}
	for (y = 0; y < oh; y++)
		for (x = 0; x < ow; x++) {
			double want = ncc_ref(si, W, x, y, stp, TW, TH, mask);
			double d = fabs(map[y * ow + x] - want);

			if (d > maxd)
				maxd = d;
			zeros += want == 0 && map[y * ow + x] == 0;
		}
	snprintf(what, sizeof what, "map equals brute-force Pearson "
	    "(denoise %d, exclusions %d, flat %d): max diff %.2g", denoise,
	    excl, flat, maxd);
	t_ok(maxd < 2e-5, what);
	if (flat)
		t_ok(zeros >= 20 * 7, "flat windows score 0");
	match_tmpl_free(t);
	match_screen_free(s);
}

/* The found position of an exact copy scores 1 under gain and offset. */
static void
test_affine(void)
{
	enum { W = 200, H = 150, TW = 24, TH = 20 };
	static float img[W * H];
	float tpl[TW * TH];
	struct match_screen *s = match_screen_new();
	struct match_opts o;
	struct match_hit hit[4];
	struct match_tmpl *t;
	char err[128];
	int i, j, n;

	gui_image(img, W, H, 60);
	for (i = 0; i < TH; i++)
		for (j = 0; j < TW; j++)
			tpl[i * TW + j] = 0.1f + 0.5f * img[(77 + i) * W + 31 +
			    j];
	match_tmpl_new(&t, tpl, TW, TH, TW, NULL, 0, -1, -1, err, sizeof err);
	match_screen_set(s, img, W, H, W, err, sizeof err);
	match_opts_default(&o);
	o.nscale = 1;
	o.smin = o.smax = 1;
	o.denoise = 0;
	n = match_find(s, &t, 1, &o, hit, 4, err, sizeof err);
	t_ok(n == 1 && hit[0].x == 31 && hit[0].y == 77 &&
	    hit[0].score > 0.99999 && hit[0].w == TW && hit[0].h == TH,
	    "copy found under gain and offset, score 1");
	match_tmpl_free(t);
	match_screen_free(s);
}

/* An excluded part that differs does not lower the score. */
static void
test_exclude(void)
{
	enum { W = 160, H = 120, TW = 30, TH = 24 };
	static float img[W * H];
	float tpl[TW * TH];
	struct match_rect ex = { 10, 6, 12, 10 };
	struct match_screen *s = match_screen_new();
	struct match_opts o;
	struct match_hit hit[1];
	struct match_tmpl *t;
	char err[128];
	int i, j, n;

	gui_image(img, W, H, 40);
	for (i = 0; i < TH; i++)
		for (j = 0; j < TW; j++)
			tpl[i * TW + j] = img[(50 + i) * W + 70 + j];
	for (i = ex.y; i < ex.y + ex.h; i++)	/* the screen changed here */
		for (j = ex.x; j < ex.x + ex.w; j++)
			img[(50 + i) * W + 70 + j] = (float)urand();
	match_screen_set(s, img, W, H, W, err, sizeof err);
	match_opts_default(&o);
	o.nscale = 1;
	o.smin = o.smax = 1;
	o.denoise = 0;
	match_tmpl_new(&t, tpl, TW, TH, TW, NULL, 0, -1, -1, err, sizeof err);
	n = match_find(s, &t, 1, &o, hit, 1, err, sizeof err);
	t_ok(n == 0 || hit[0].score < 0.95, "without exclusion: lower score");
	match_tmpl_free(t);
	match_tmpl_new(&t, tpl, TW, TH, TW, &ex, 1, -1, -1, err, sizeof err);
	n = match_find(s, &t, 1, &o, hit, 1, err, sizeof err);
	t_ok(n == 1 && hit[0].x == 70 && hit[0].y == 50 &&
	    hit[0].score > 0.99999, "with exclusion: found, score 1");
	match_tmpl_free(t);
	match_screen_free(s);
}

static void
test_bad_templates(void)
{
	float flat[64], tiny[9] = { 0, 1, 0, 1, 0, 1, 0, 1, 0 };
	struct match_rect all = { 0, 0, 8, 8 };
	struct match_tmpl *t;
	char err[128];
	int i;

	for (i = 0; i < 64; i++)
		flat[i] = 0.25f;
	t_ok(match_tmpl_new(&t, flat, 8, 8, 8, NULL, 0, -1, -1, err,
	    sizeof err) == -1 && strstr(err, "contrast") != NULL,
	    "flat template refused");
	flat[9] = 0.75f;
	t_ok(match_tmpl_new(&t, flat, 8, 8, 8, &all, 1, -1, -1, err,
	    sizeof err) == -1 && strstr(err, "excluded") != NULL,
	    "template excluded entirely refused");
	t_ok(match_tmpl_new(&t, tiny, 3, 3, 3, NULL, 0, -1, -1, err,
	    sizeof err) == -1, "3x3 template refused");
}

/* Write tpl scaled by s (bilinear) into img at (x, y). */
static void
paste_scaled(float *img, int w, const float *tpl, int tw, int th, double s,
    int x, int y, int *pw, int *ph)
{
	int ow = (int)lround(tw * s), oh = (int)lround(th * s), i, j;

	for (i = 0; i < oh; i++)
		for (j = 0; j < ow; j++) {
			double sx = (j + 0.5) / s - 0.5, sy = (i + 0.5) / s -
			    0.5;
			int x0 = (int)floor(sx), y0 = (int)floor(sy);
			double fx = sx - x0, fy = sy - y0, v = 0;
			int a, b;

			for (a = 0; a < 2; a++)
				for (b = 0; b < 2; b++) {
					int yy = y0 + a, xx = x0 + b;

					yy = yy < 0 ? 0 : yy >= th ? th - 1 : yy;
					xx = xx < 0 ? 0 : xx >= tw ? tw - 1 : xx;
					v += (a ? fy : 1 - fy) *
					    (b ? fx : 1 - fx) * tpl[yy * tw + xx];
				}
			img[(y + i) * w + x + j] = (float)v;
		}
	*pw = ow;
	*ph = oh;
}

/*
 * Coarse-to-fine equals exhaustive: the same best hit (position, scale,
 * score) on synthetic screens with the element pasted at several scales,
 * with noise, over several seeds; plus topk.
 */
static void
test_pyramid(void)
{
	enum { W = 320, H = 240, TW = 32, TH = 28 };
	static float img[W * H];
	static const double scales[] = { 0.8, 1.0, 1.2, 0.95 };
	float tpl[TW * TH];
	struct match_opts o, oe;
	struct match_hit hp[4], he[4];
	struct match_screen *s = match_screen_new();
	struct match_tmpl *t;
	char err[128], what[160];
	int k, i, np, ne, same = 0, found = 0, pw, ph, px, py;

	match_opts_default(&o);
	o.refine = 0;
	o.thresh = -1;
	o.topk = 3;
	oe = o;
	oe.exhaustive = 1;
	for (k = 0; k < 8; k++) {
		gui_image(tpl, TW, TH, 12);	/* a distinct element */
		gui_image(img, W, H, 80);
		px = 20 + (int)(urand() * (W - 80));
		py = 20 + (int)(urand() * (H - 80));
		paste_scaled(img, W, tpl, TW, TH, scales[k % 4], px, py, &pw,
		    &ph);
		for (i = 0; i < W * H; i++)
			img[i] += (float)(0.02 * (urand() - 0.5));
		o.nthreads = oe.nthreads = 1 + k % 2;
		match_tmpl_new(&t, tpl, TW, TH, TW, NULL, 0, -1, -1, err,
		    sizeof err);
		match_screen_set(s, img, W, H, W, err, sizeof err);
		np = match_find(s, &t, 1, &o, hp, 4, err, sizeof err);
		ne = match_find(s, &t, 1, &oe, he, 4, err, sizeof err);
		if (np >= 1 && ne >= 1 && hp[0].x == he[0].x &&
		    hp[0].y == he[0].y && hp[0].scale == he[0].scale &&
		    fabs(hp[0].score - he[0].score) < 1e-6)
			same++;
		else
			printf("# seed %d: pyramid %d,%d s%.2f %.5f; exhaustive "
			    "%d,%d s%.2f %.5f\n", k, hp[0].x, hp[0].y,
			    hp[0].scale, hp[0].score, he[0].x, he[0].y,
			    he[0].scale, he[0].score);
		found += np >= 1 && abs(hp[0].x - px) <= 1 &&
		    abs(hp[0].y - py) <= 1 &&
		    fabs(hp[0].scale - scales[k % 4]) <= 0.05;
		match_tmpl_free(t);
	}
	snprintf(what, sizeof what, "pyramid best hit equals exhaustive "
	    "(%d of 8)", same);
	t_ok(same == 8, what);
	snprintf(what, sizeof what, "pasted element found (%d of 8)", found);
	t_ok(found == 8, what);
	match_screen_free(s);
}

/* Sub-scale refinement recovers a scale between the discrete ones. */
static void
test_subscale(void)
{
	enum { W = 300, H = 220, TW = 60, TH = 50 };
	static float img[W * H], src[W * H];
	float tpl[TW * TH];
	struct match_opts o;
	struct match_hit h0, h1;
	struct match_screen *s = match_screen_new();
	struct match_tmpl *t;
	char err[128], what[160];
	int i, j, pw, ph;

	gui_image(src, W, H, 120);
	for (i = 0; i < TH; i++)
		for (j = 0; j < TW; j++)
			tpl[i * TW + j] = src[(60 + i) * W + 90 + j];
	gui_image(img, W, H, 50);
	paste_scaled(img, W, tpl, TW, TH, 1.14, 101, 67, &pw, &ph);
	match_tmpl_new(&t, tpl, TW, TH, TW, NULL, 0, -1, -1, err, sizeof err);
	match_screen_set(s, img, W, H, W, err, sizeof err);
	match_opts_default(&o);
	o.refine = 0;
	match_find(s, &t, 1, &o, &h0, 1, err, sizeof err);
	o.refine = 4;
	match_find(s, &t, 1, &o, &h1, 1, err, sizeof err);
	snprintf(what, sizeof what, "sub-scale: %.4f at %.3f -> %.4f at %.4f "
	    "(true 1.14), box %dx%d at %d,%d", h0.score, h0.scale, h1.score,
	    h1.scale, h1.w, h1.h, h1.x, h1.y);
	t_ok(h1.score > h0.score && fabs(h1.scale - 1.14) < 0.015 &&
	    abs(h1.w - pw) <= 1 && abs(h1.x - 101) <= 1 &&
	    abs(h1.y - 67) <= 1, what);
	match_tmpl_free(t);
	match_screen_free(s);
}

/*
 * Versions: the best version wins; near-ties: the hit nearest the
 * expected place comes first.
 */
static void
test_versions_near(void)
{
	enum { W = 240, H = 200, TW = 20, TH = 16 };
	static float img[W * H];
	float a[TW * TH], b[TW * TH];
	struct match_tmpl *v[2], *t;
	struct match_opts o;
	struct match_hit h[3];
	struct match_screen *s = match_screen_new();
	char err[128];
	int i, j, n;

	gui_image(img, W, H, 40);
	for (i = 0; i < TH; i++)
		for (j = 0; j < TW; j++) {
			a[i * TW + j] = (float)urand();
			b[i * TW + j] = (float)urand();
			img[(30 + i) * W + 40 + j] = b[i * TW + j];
			img[(150 + i) * W + 40 + j] = b[i * TW + j];
		}
	match_screen_set(s, img, W, H, W, err, sizeof err);
	match_opts_default(&o);
	o.nscale = 1;
	o.smin = o.smax = 1;
	o.denoise = 0;
	match_tmpl_new(&v[0], a, TW, TH, TW, NULL, 0, -1, -1, err,
	    sizeof err);
	match_tmpl_new(&v[1], b, TW, TH, TW, NULL, 0, -1, -1, err,
	    sizeof err);
	n = match_find(s, v, 2, &o, h, 1, err, sizeof err);
	t_ok(n == 1 && h[0].version == 1 && h[0].score > 0.9999,
	    "the matching version wins");
	match_tmpl_new(&t, b, TW, TH, TW, NULL, 0, 44, 140, err, sizeof err);
	o.topk = 2;
	n = match_find(s, &t, 1, &o, h, 3, err, sizeof err);
	t_ok(n == 2 && h[0].y == 150 && h[1].y == 30,
	    "tie: the one nearest the expected place first, both kept");
	match_tmpl_free(t);
	match_tmpl_new(&t, b, TW, TH, TW, NULL, 0, 44, 20, err, sizeof err);
	n = match_find(s, &t, 1, &o, h, 3, err, sizeof err);
	t_ok(n == 2 && h[0].y == 30, "tie: other expected place, other hit");
	match_tmpl_free(t);
	match_tmpl_free(v[0]);
	match_tmpl_free(v[1]);
	match_screen_free(s);
}

static void
test_nms(void)
{
	struct match_hit h[5] = {
		{ 10, 10, 20, 20, 1, 0.90, 0 },
		{ 12, 11, 20, 20, 1, 0.95, 0 },	/* overlaps the first */
		{ 50, 50, 20, 20, 1, 0.80, 0 },
		{ 60, 50, 20, 20, 1, 0.85, 0 },	/* IoU 1/3 with the third */
		{ 200, 0, 5, 5, 1, 0.95, 0 },	/* tie on score: y first */
	};
	struct match_hit a = { 0, 0, 10, 10, 1, 0, 0 }, b = { 5, 0, 10, 10,
	    1, 0, 0 };
	int n;

	t_near(match_iou(&a, &b), 50.0 / 150, 1e-12, "IoU of half-shifted");
	n = match_nms(h, 5, 0.3);
	t_ok(n == 3 && h[0].x == 200 && h[1].x == 12 && h[2].x == 60,
	    "NMS at 0.3 keeps the best of each cluster, in order");
	n = match_nms(h, 3, 0.3);
	t_ok(n == 3, "NMS of disjoint boxes keeps all");
}

static void
test_opts(void)
{
	struct match_opts o;
	char err[128];

	match_opts_default(&o);
	t_ok(match_opts_check(&o, err, sizeof err) == 0, "defaults valid");
	o.smin = 1.5;
	t_ok(match_opts_check(&o, err, sizeof err) == -1 &&
	    strstr(err, "scale") != NULL, "empty scale range refused");
}

int
main(void)
{
	test_map(0, 0, 0);
	test_map(1, 0, 0);
	test_map(0, 1, 0);
	test_map(1, 1, 1);
	test_affine();
	test_exclude();
	test_bad_templates();
	test_pyramid();
	test_subscale();
	test_versions_near();
	test_nms();
	test_opts();
	return t_done();
}
