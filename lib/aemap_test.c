/*
 * aemap_test: window positions; the batched, threaded sliding-window maps
 * against a direct window-by-window computation (one window per forward
 * pass, maps averaged by hand), for an image larger than the patch in one
 * direction and smaller in the other, with and without a margin; the top-k score against a sort;
 * the deviation map on hand-computed values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aemap.h"
#include "nn/loss.h"
#include "test.h"

static int
cmpf(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void
positions(void)
{
	int p[16], n;

	n = aemap_positions(512, 128, 64, p, 16);
	t_ok(n == 7 && p[0] == 0 && p[6] == 384, "512 at stride 64: 7 "
	    "windows, 0..384");
	n = aemap_positions(130, 128, 32, p, 16);
	t_ok(n == 2 && p[0] == 0 && p[1] == 2, "130: windows at 0 and 2");
	n = aemap_positions(100, 128, 32, p, 16);
	t_ok(n == 1 && p[0] == 0, "side shorter than the patch: one window");
	n = aemap_positions(128, 128, 32, p, 16);
	t_ok(n == 1 && p[0] == 0, "side equal to the patch: one window");
}

/* Mirror coordinate x into [0, n), reflecting as often as needed. */
static int
mirror(int x, int n)
{
	while (x < 0 || x >= n)
		x = x < 0 ? -x - 1 : 2 * n - 1 - x;
	return x;
}

/* Direct: every window alone, windows tiling the image widened by margin
 * M and mirrored; maps averaged (windows) or reconstructions averaged with
 * the raised-cosine weight, then maps (stitch). */
static void
direct(struct ae *a, const struct img *im, int stride, int M, int stitch,
    float *ssim, float *l2)
{
	int P = a->cfg.patch, C = im->c, px[64], py[64], nx, ny, i, j, r, q, c;

	float *w = malloc((size_t)C * P * P * sizeof *w);
	float *y = malloc((size_t)C * P * P * sizeof *y);
	float *ms = malloc((size_t)P * P * sizeof *ms);
	float *ml = malloc((size_t)P * P * sizeof *ml);
	float *ws = malloc(nn_ssim_wsize(P, P) * sizeof *ws);
	float *cnt = calloc((size_t)im->w * im->h, sizeof *cnt);
	float *rim = calloc((size_t)C * im->w * im->h, sizeof *rim);
	float *iws = malloc(nn_ssim_wsize(im->h, im->w) * sizeof *iws);
	long n = (long)im->w * im->h, k;
	double tw;

	nx = aemap_positions(im->w + 2 * M, P, stride, px, 64);
	ny = aemap_positions(im->h + 2 * M, P, stride, py, 64);
	for (i = 0; i < nx; i++)
		px[i] -= M;
	for (j = 0; j < ny; j++)
		py[j] -= M;
	memset(ssim, 0, n * sizeof *ssim);
	memset(l2, 0, n * sizeof *l2);
	for (j = 0; j < ny; j++)
		for (i = 0; i < nx; i++) {
			for (c = 0; c < C; c++)
				for (r = 0; r < P; r++)
					for (q = 0; q < P; q++) {
						int yy = mirror(py[j] + r, im->h);
						int xx = mirror(px[i] + q, im->w);

						w[(c * P + r) * P + q] = im->data[
						    (c * im->h + yy) * im->w + xx];
					}
			ae_forward(a, 1, w, y);
			nn_ssim_map(C, P, P, y, w, ms, ws);
			nn_l2_map(C, P, P, y, w, ml);
			for (r = 0; r < P && py[j] + r < im->h; r++)
				for (q = 0; q < P && px[i] + q < im->w; q++) {
					if (py[j] + r < 0 || px[i] + q < 0)
						continue;
					k = (long)(py[j] + r) * im->w + px[i] +
					    q;
					tw = (0.5 - 0.5 * cos(2 * M_PI * (r +
					    0.5) / P)) * (0.5 - 0.5 * cos(2 *
					    M_PI * (q + 0.5) / P));
					ssim[k] += ms[r * P + q];
					l2[k] += ml[r * P + q];
					cnt[k] += stitch ? tw : 1;
					for (c = 0; c < C; c++)
						rim[c * n + k] += tw *
						    y[(c * P + r) * P + q];
				}
		}
	for (k = 0; k < n; k++) {
		ssim[k] /= cnt[k];
		l2[k] /= cnt[k];
		for (c = 0; c < C; c++)
			rim[c * n + k] /= cnt[k];
	}
	if (stitch) {
		nn_ssim_map(C, im->h, im->w, rim, im->data, ssim, iws);
		nn_l2_map(C, im->h, im->w, rim, im->data, l2);
	}
	free(w); free(y); free(ms); free(ml); free(ws); free(cnt); free(rim);
	free(iws);
}

static void
maps(int C, int threads, int stitch, int M)
{
	struct ae_config cfg = { 32, C, 2, 4, 4 };
	struct img im = { 75, 20, C, NULL };
	struct aemap m;
	struct ae a, a1;
	char err[256], what[128];
	long n = 75 * 20, i;
	float *s1 = malloc(n * sizeof *s1), *l1 = malloc(n * sizeof *l1);
	float *s2 = malloc(n * sizeof *s2), *l2 = malloc(n * sizeof *l2);
	double es = 0, el = 0;

	im.data = malloc((size_t)C * n * sizeof *im.data);
	for (i = 0; i < C * n; i++)
		im.data[i] = 0.5f + 0.4f * sinf(i * 0.37f) * cosf(i * 0.011f);
	ae_init(&a, &cfg, 3, threads, err, sizeof err);	/* 3: batches */
	ae_init(&a1, &cfg, 1, 1, err, sizeof err);
	ae_init_params(&a, 3);
	ae_init_params(&a1, 3);
	if (aemap_init(&m, &a, 16, AEMAP_SSIM | AEMAP_L2, stitch ?
	    AEMAP_STITCH : AEMAP_WINDOWS, err, sizeof err))
		return;
	m.margin = M;
	t_ok(aemap_run(&m, &im, s1, l1, err, sizeof err) == 0, "maps run");
	direct(&a1, &im, 16, M, stitch, s2, l2);
	for (i = 0; i < n; i++) {
		es = fmax(es, fabs(s1[i] - s2[i]));
		el = fmax(el, fabs(l1[i] - l2[i]));
	}
	snprintf(what, sizeof what, "C=%d, %d lanes, %s, margin %d: batched "
	    "maps equal the direct ones (ssim %.2g, l2 %.2g)", C, threads,
	    stitch ? "stitched" : "per window", M, es, el);
	t_ok(es < 1e-5 && el < 1e-6, what);
	aemap_free(&m);
	ae_free(&a);
	ae_free(&a1);
	free(im.data); free(s1); free(l1); free(s2); free(l2);
}

/* A blurred map against the 2-D Gaussian, clipped and renormalised. */
static void
blurred(void)
{
	struct ae_config cfg = { 16, 1, 2, 4, 4 };
	struct img im = { 23, 17, 1, NULL };
	struct aemap m;
	struct ae a;
	char err[256], what[128];
	long n = 23 * 17, i;
	float *raw = malloc(n * sizeof *raw), *bl = malloc(n * sizeof *bl);
	double e = 0, s, ws, g;
	int x, y, u, v;

	im.data = malloc(n * sizeof *im.data);
	for (i = 0; i < n; i++)
		im.data[i] = 0.5f + 0.4f * sinf(i * 0.7f);
	ae_init(&a, &cfg, 4, 1, err, sizeof err);
	ae_init_params(&a, 5);
	aemap_init(&m, &a, 8, AEMAP_L2, AEMAP_STITCH, err, sizeof err);
	aemap_run(&m, &im, NULL, raw, err, sizeof err);
	m.blur = 1.5f;
	aemap_run(&m, &im, NULL, bl, err, sizeof err);
	for (y = 0; y < 17; y++)
		for (x = 0; x < 23; x++) {
			s = ws = 0;
			for (u = -5; u <= 5; u++)
				for (v = -5; v <= 5; v++) {
					if (y + u < 0 || y + u >= 17 ||
					    x + v < 0 || x + v >= 23)
						continue;
					g = exp(-(u * u + v * v) / 4.5);
					s += g * raw[(y + u) * 23 + x + v];
					ws += g;
				}
			e = fmax(e, fabs(bl[y * 23 + x] - s / ws));
		}
	snprintf(what, sizeof what, "blur sigma 1.5 is the clipped, "
	    "renormalised 2-D Gaussian (max err %.2g)", e);
	t_ok(e < 1e-6, what);
	aemap_free(&m);
	ae_free(&a);
	free(im.data); free(raw); free(bl);
}

static void
score(void)
{
	float v[1000], s[1000];
	double mx, tk, want = 0;
	int i;

	for (i = 0; i < 1000; i++)
		v[i] = (float)((i * 7919) % 1000) / 7 + (i % 3 == 0);
	aemap_score(v, 1000, 37, s, &mx, &tk);
	memcpy(s, v, sizeof v);
	qsort(s, 1000, sizeof *s, cmpf);
	for (i = 0; i < 37; i++)
		want += s[i];
	t_ok(mx == s[0] && fabs(tk - want / 37) < 1e-9, "max and top-37 "
	    "mean match a sort");
	aemap_score(v, 10, 100, s, &mx, &tk);
	for (i = 0, want = 0; i < 10; i++)
		want += v[i];
	t_ok(fabs(tk - want / 10) < 1e-9, "k beyond n takes the mean of all");
	/* rising values: every one enters the heap of the largest */
	for (i = 0; i < 1000; i++)
		v[i] = (float)i / 8;
	aemap_score(v, 1000, 64, s, &mx, &tk);
	for (i = 936, want = 0; i < 1000; i++)
		want += v[i];
	t_ok(mx == v[999] && fabs(tk - want / 64) < 1e-9, "rising values: "
	    "max and top-64 mean");
	for (i = 0; i < 1000; i++)
		v[i] = i % 2 ? 3 : 1;
	aemap_score(v, 1000, 600, s, &mx, &tk);
	t_ok(mx == 3 && fabs(tk - (500 * 3 + 100 * 1) / 600.0) < 1e-9,
	    "ties: top-600 of 500 threes and 500 ones");
}

static void
deviation(void)
{
	struct aemap_range r = { 0.2f, 0.5f, 1.5f }, flat = { 1, 1, 1 };
	float v[] = { 0.5f, 0.2f, 1.5f, 0.35f, 1.0f, 2.5f, 0.0f };
	float want[] = { 0, 1, 1, 0.5f, 0.5f, 2, 5.0f / 3 };
	float f[] = { 0.9f, 1, 1.1f }, d[7];
	int i, ok = 1;

	memcpy(d, v, sizeof v);
	aemap_deviation(v, 7, &r, AEMAP_BELOW | AEMAP_ABOVE);
	for (i = 0; i < 7; i++)
		ok &= fabsf(v[i] - want[i]) < 1e-6f;
	t_ok(ok, "deviation: 0 at the median, 1 at each percentile, "
	    "linear beyond on both sides");
	aemap_deviation(d, 7, &r, AEMAP_BELOW);
	for (i = 0, ok = 1; i < 7; i++)
		ok &= fabsf(d[i] - (i == 1 || i == 3 || i == 6 ? want[i] : 0)) <
		    1e-6f;
	t_ok(ok, "deficit: the same below the median, 0 above it");
	t_ok(aemap_kind_of("deficit") == AEMAP_DEFICIT &&
	    aemap_kind_of("error") == AEMAP_ERROR &&
	    aemap_kind_of("deviation") == AEMAP_DEVIATION &&
	    aemap_kind_of("") == -1 && aemap_kind_of("dev") == -1 &&
	    strcmp(aemap_kind_name(AEMAP_DEFICIT), "deficit") == 0,
	    "map kinds by name and back");
	aemap_deviation(f, 3, &flat, AEMAP_BELOW | AEMAP_ABOVE);
	t_ok(isfinite(f[0]) && f[1] == 0 && isfinite(f[2]) && f[0] > 0 &&
	    f[2] > 0, "deviation from a degenerate range is finite");
}

int
main(void)
{
	positions();
	maps(1, 2, 0, 0);
	maps(3, 1, 0, 0);
	maps(1, 2, 1, 0);
	maps(3, 2, 1, 0);
	maps(1, 2, 0, 8);
	maps(3, 2, 1, 16);
	blurred();
	score();
	deviation();
	return t_done();
}
