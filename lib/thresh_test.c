/*
 * thresh_test: percentiles against a sort (and numpy's known values),
 * Otsu against a brute-force split search on the same histogram, the MVTec
 * rule against a linear scan over every candidate value and on a map built
 * by hand.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "morph.h"
#include "test.h"
#include "thresh.h"

static uint64_t rng = 0x853c49e6748fea9bu;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 33);
}

static int
fcmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* numpy.percentile(v, p) from a sorted copy. */
static float
ref_percentile(const float *v, size_t n, double p)
{
	float *s = malloc(n * sizeof *s), r;
	double pos = p / 100 * (double)(n - 1);
	size_t k = (size_t)floor(pos);

	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, fcmp);
	r = k + 1 < n ? (float)(s[k] + (pos - (double)k) * ((double)s[k + 1] -
	    s[k])) : s[k];
	free(s);
	return r;
}

static void
percentiles(void)
{
	static const double ps[] = { 0, 1, 25, 50, 90, 99, 99.9, 100 };
	float v[5000], w[5000], t;
	int trial, i, j, bad = 0;

	for (trial = 0; trial < 60; trial++) {
		int n = 1 + (int)(rnd() % 5000), kind = trial % 6;

		for (i = 0; i < n; i++)
			switch (kind) {
			case 0: v[i] = (float)(rnd() % 1000000) / 1e4f; break;
			case 1: v[i] = (float)(rnd() % 7); break; /* ties */
			case 2: v[i] = (float)i; break;		  /* sorted */
			case 3: v[i] = (float)(n - i); break;	  /* reversed */
			case 4: v[i] = 1.5f; break;		  /* constant */
			default: v[i] = (float)(i < n / 2 ? i : n - i); break;
			}
		for (j = 0; j < (int)(sizeof ps / sizeof *ps); j++) {
			memcpy(w, v, (size_t)n * sizeof *w);
			if (thresh_percentile(w, (size_t)n, ps[j], &t) != 0 ||
			    fabsf(t - ref_percentile(v, (size_t)n, ps[j])) >
			    1e-5f * (1 + fabsf(t)))
				bad++;
		}
	}
	t_ok(bad == 0, "percentiles of 60 arrays (random, ties, sorted, "
	    "reversed, constant, organ pipe) agree with a sort");

	v[0] = 4;
	v[1] = 1;
	v[2] = 3;
	v[3] = 2;
	thresh_percentile(v, 4, 25, &t);
	t_near(t, 1.75, 1e-6, "numpy.percentile([4,1,3,2], 25) == 1.75");
	thresh_percentile(v, 4, 50, &t);
	t_near(t, 2.5, 1e-6, "numpy.percentile([4,1,3,2], 50) == 2.5");
	thresh_percentile(v, 4, 100, &t);
	t_near(t, 4, 0, "100th percentile is the maximum");
	t_ok(thresh_percentile(v, 0, 50, &t) == -1 &&
	    thresh_percentile(v, 4, 100.5, &t) == -1 &&
	    thresh_percentile(v, 4, NAN, &t) == -1,
	    "percentile: no values or p out of range refused");
}

/* Otsu by trying every split of the same histogram. */
static float
ref_otsu(const float *v, size_t n, int nb)
{
	float lo = v[0], hi = v[0], best_t = 0;
	double best = -1;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		lo = fminf(lo, v[i]);
		hi = fmaxf(hi, v[i]);
	}
	for (k = 0; k < nb - 1; k++) {
		double n0 = 0, n1 = 0, s0 = 0, s1 = 0, var;
		float top = -INFINITY;

		for (i = 0; i < n; i++) {
			int b = (int)(((double)v[i] - lo) * (nb /
			    ((double)hi - lo)));

			b = b >= nb ? nb - 1 : b;
			if (b <= k) {
				n0++;
				s0 += b;
				top = fmaxf(top, v[i]);
			} else {
				n1++;
				s1 += b;
			}
		}
		if (n0 == 0 || n1 == 0)
			continue;
		var = n0 * n1 * (s0 / n0 - s1 / n1) * (s0 / n0 - s1 / n1);
		if (var > best * (1 + 1e-12)) {
			best = var;
			best_t = top;
		}
	}
	return best_t;
}

static void
otsu(void)
{
	float v[4000], t;
	int i, trial, bad = 0;

	for (i = 0; i < 4000; i++)	/* two modes: 0.1 and 0.8 */
		v[i] = i % 4 == 0 ? 0.8f + (float)(rnd() % 100) * 1e-4f :
		    0.1f + (float)(rnd() % 100) * 1e-4f;
	t_ok(thresh_otsu(v, 4000, 256, &t) == 0 && t >= 0.1f && t < 0.11f,
	    "otsu: bimodal 0.1 / 0.8 splits at the top of the lower mode");
	for (trial = 0; trial < 30; trial++) {
		int n = 2 + (int)(rnd() % 4000);

		for (i = 0; i < n; i++)
			v[i] = (float)(rnd() % 1000) * (trial % 2 ? 1e-3f :
			    (float)(rnd() % 5));
		if (thresh_otsu(v, (size_t)n, 64, &t) != 0 ||
		    t != ref_otsu(v, (size_t)n, 64))
			bad++;
	}
	t_ok(bad == 0, "otsu: 30 random sets agree with a brute-force split");
	for (i = 0; i < 100; i++)
		v[i] = (float)(i % 2);
	t_ok(thresh_otsu(v, 100, 256, &t) == 0 && t == 0,
	    "otsu: a 0/1 mask splits at 0");
	for (i = 0; i < 100; i++)
		v[i] = 0.25f;
	t_ok(thresh_otsu(v, 100, 256, &t) == 0 && t == 0.25f,
	    "otsu: constant values give that value (nothing above)");
	t_ok(thresh_otsu(v, 0, 256, &t) == -1 &&
	    thresh_otsu(v, 10, 1, &t) == -1, "otsu: bad arguments refused");
}

/* The MVTec rule by trying every candidate value in increasing order. */
static float
ref_mvtec(const struct thresh_map *maps, size_t nm, long min_area, int conn,
    int open_r)
{
	size_t total = 0, i, k = 0;
	float *all, t;
	struct cc c = CC_INIT;
	struct morph ws = MORPH_INIT;
	unsigned char *m = malloc(64 * 64);

	for (i = 0; i < nm; i++)
		total += (size_t)maps[i].w * maps[i].h;
	all = malloc(total * sizeof *all);
	for (i = 0; i < nm; i++) {
		memcpy(all + k, maps[i].v, (size_t)maps[i].w * maps[i].h *
		    sizeof *all);
		k += (size_t)maps[i].w * maps[i].h;
	}
	qsort(all, total, sizeof *all, fcmp);
	for (k = 0; k < total; k++) {
		long big = 0;

		t = all[k];
		for (i = 0; i < nm; i++) {
			thresh_apply(m, maps[i].v, (size_t)maps[i].w *
			    maps[i].h, t);
			if (open_r > 0)
				morph_open(&ws, m, maps[i].w, maps[i].h,
				    open_r);
			cc_label(&c, m, (size_t)maps[i].w, NULL, 0, maps[i].w,
			    maps[i].h, conn, 1);
			big = c.max_area > big ? c.max_area : big;
		}
		if (big < min_area)
			break;
	}
	t = all[k];
	free(all);
	free(m);
	cc_free(&c);
	morph_free(&ws);
	return t;
}

static void
mvtec(void)
{
	static float buf[4][64 * 64];
	struct thresh_map maps[4];
	char err[128];
	int i, x, y, trial, bad = 0;
	float t;

	/* hand-made: background 0.1, a 2x5 blob at 0.5, a speck at 0.9 */
	for (i = 0; i < 64 * 64; i++)
		buf[0][i] = 0.1f;
	for (y = 10; y < 12; y++)
		for (x = 20; x < 25; x++)
			buf[0][y * 64 + x] = 0.5f;
	buf[0][40 * 64 + 40] = 0.9f;
	maps[0].v = buf[0];
	maps[0].w = maps[0].h = 64;
	t_ok(thresh_mvtec(maps, 1, 5, 8, 0, 0, &t, err, sizeof err) == 0 &&
	    t == 0.5f, "mvtec: min area 5 rises above the 10-pixel blob");
	t_ok(thresh_mvtec(maps, 1, 11, 8, 0, 0, &t, err, sizeof err) == 0 &&
	    t == 0.1f, "mvtec: min area 11 keeps the lowest value");
	t_ok(thresh_mvtec(maps, 1, 1, 8, 0, 0, &t, err, sizeof err) == 0 &&
	    t == 0.9f, "mvtec: min area 1 needs an empty mask");
	t_ok(thresh_mvtec(maps, 1, 2, 8, 1, 0, &t, err, sizeof err) == 0 &&
	    t == 0.1f, "mvtec: an opening of radius 1 removes the 2x5 blob");

	for (trial = 0; trial < 12; trial++) {
		int nm = 1 + trial % 4, conn = trial % 2 ? 4 : 8;
		long min_area = 1 + (long)(rnd() % 40);
		int open_r = trial % 3 == 2;

		for (i = 0; i < nm; i++) {
			maps[i].w = 8 + (int)(rnd() % 56);
			maps[i].h = 8 + (int)(rnd() % 56);
			maps[i].v = buf[i];
			for (x = 0; x < maps[i].w * maps[i].h; x++)
				buf[i][x] = (float)(rnd() % 200) * 0.01f -
				    0.5f;
		}
		if (thresh_mvtec(maps, (size_t)nm, min_area, conn, open_r, 0,
		    &t, err, sizeof err) != 0 ||
		    t != ref_mvtec(maps, (size_t)nm, min_area, conn, open_r))
			bad++;
	}
	t_ok(bad == 0, "mvtec: 12 random map sets agree with a linear scan");
	t_ok(thresh_mvtec(maps, 0, 5, 8, 0, 0, &t, err, sizeof err) == -1 &&
	    strcmp(err, "no defect-free maps") == 0, "mvtec: no maps refused");
	t_ok(thresh_mvtec(maps, 1, 0, 8, 0, 0, &t, err, sizeof err) == -1,
	    "mvtec: min area 0 refused");
}

int
main(void)
{
	percentiles();
	otsu();
	mvtec();
	return t_done();
}
