/*
 * dct_test: the separable truncated DCT against the O(n^4) definition,
 * its known values (a constant patch has only a DC term n * c; all n x n
 * coefficients keep the energy), the resampler against overlap areas
 * computed pixel by pixel, and the zigzag order against JPEG's table.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dct.h"
#include "test.h"

static uint64_t rng = 0xda942042e4dd58b5u;

static double
urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* scipy.fft.dctn(in, norm="ortho")[v][u], straight from the formula. */
static double
direct(const float *in, int n, int v, int u)
{
	double a = 0, av = sqrt((v ? 2.0 : 1.0) / n), au = sqrt((u ? 2.0 : 1.0)
	    / n);
	int r, s;

	for (r = 0; r < n; r++)
		for (s = 0; s < n; s++)
			a += in[r * n + s] * av * au *
			    cos(M_PI * (2 * r + 1) * v / (2.0 * n)) *
			    cos(M_PI * (2 * s + 1) * u / (2.0 * n));
	return a;
}

static double
overlap(double a0, double a1, double b0, double b1)
{
	double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

/* Area-averaging by brute force over every (cell, pixel) pair. */
static void
ref_resample(const float *map, size_t stride, int x, int y, int w, int h,
    int n, double *out)
{
	double cw = (double)w / n, ch = (double)h / n;
	int i, j, r, s;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double a = 0;

			for (r = 0; r < h; r++)
				for (s = 0; s < w; s++)
					a += map[(size_t)(y + r) * stride +
					    x + s] * overlap(i * ch, (i + 1) *
					    ch, r, r + 1) * overlap(j * cw,
					    (j + 1) * cw, s, s + 1);
			out[i * n + j] = a / (cw * ch);
		}
}

int
main(void)
{
	static float map[70 * 90];
	float in[DCT_MAXN * DCT_MAXN], out[DCT_MAXN * DCT_MAXN];
	double coef[DCT_MAXN * DCT_MAXN], ref[DCT_MAXN * DCT_MAXN], e, e2;
	static const int jpeg[10] = { 0, 1, 8, 16, 9, 2, 3, 10, 17, 24 };
	struct dct_plan p;
	int n, k, i, bad = 0, t, rc[2 * 64];

	for (n = 1; n <= 16; n++) {
		dct_plan_init(&p, n);
		for (i = 0; i < n * n; i++)
			in[i] = (float)(urand() * 2 - 1);
		for (k = 1; k <= n; k += 3) {
			int u, v;

			dct_2d(&p, in, k, coef);
			for (v = 0; v < k; v++)
				for (u = 0; u < k; u++)
					if (fabs(coef[v * k + u] -
					    direct(in, n, v, u)) > 1e-9)
						bad++;
		}
	}
	t_ok(bad == 0, "dct_2d equals the O(n^4) formula, n 1..16, k <= n");

	dct_plan_init(&p, 8);
	for (i = 0; i < 64; i++)
		in[i] = 0.25f;
	dct_2d(&p, in, 8, coef);
	e = 0;
	for (i = 1; i < 64; i++)
		e += fabs(coef[i]);
	t_ok(fabs(coef[0] - 2.0) < 1e-12 && e < 1e-12,
	    "constant 0.25 patch: DC 8 * 0.25, nothing else");
	for (i = 0, e = e2 = 0; i < 64; i++) {
		in[i] = (float)urand();
		e += (double)in[i] * in[i];
	}
	dct_2d(&p, in, 8, coef);
	for (i = 0; i < 64; i++)
		e2 += coef[i] * coef[i];
	t_near(e2, e, 1e-9, "full transform keeps the energy (Parseval)");
	t_ok(dct_plan_init(&p, 0) == -1 && dct_plan_init(&p, DCT_MAXN + 1) ==
	    -1, "plan: side outside 1..32 refused");

	for (i = 0; i < 70 * 90; i++)
		map[i] = (float)urand();
	for (t = bad = 0; t < 200; t++) {
		int w = 1 + (int)(urand() * 40), h = 1 + (int)(urand() * 40);
		int x = (int)(urand() * (90 - w));
		int y = (int)(urand() * (70 - h));

		n = 1 + (int)(urand() * 16);
		dct_resample(map, 90, x, y, w, h, n, out);
		ref_resample(map, 90, x, y, w, h, n, ref);
		for (i = 0; i < n * n; i++)
			if (fabs(out[i] - ref[i]) > 1e-5)
				bad++;
	}
	t_ok(bad == 0, "resample: 200 random rectangles and sides agree with "
	    "pixel-by-pixel overlap areas");
	dct_resample(map, 90, 10, 20, 4, 4, 8, out);
	for (i = bad = 0; i < 64; i++)
		bad += out[i] != map[(20 + i / 16) * 90 + 10 + (i % 8) / 2];
	t_ok(bad == 0, "resample 4x4 to 8x8 replicates each pixel 2x2");
	dct_resample(map, 90, 0, 0, 16, 16, 8, out);
	for (i = bad = 0; i < 64; i++) {
		int r = 2 * (i / 8), s = 2 * (i % 8);
		double m = (map[r * 90 + s] + map[r * 90 + s + 1] +
		    map[(r + 1) * 90 + s] + map[(r + 1) * 90 + s + 1]) / 4.0;

		bad += fabs(out[i] - m) > 1e-6;
	}
	t_ok(bad == 0, "resample 16x16 to 8x8 takes 2x2 means");

	dct_zigzag(8, 10, rc);
	for (i = bad = 0; i < 10; i++)
		bad += rc[2 * i] * 8 + rc[2 * i + 1] != jpeg[i];
	dct_zigzag(8, 64, rc);
	bad += rc[126] != 7 || rc[127] != 7;
	t_ok(bad == 0, "zigzag order matches JPEG's table");
	return t_done();
}
