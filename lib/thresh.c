/*
 * thresh: threshold selection.  Percentiles by quickselect (median of
 * three, falling back to a sort if the partitions stay unbalanced), Otsu on
 * a fixed-size histogram, the MVTec rule by bisection on the float order.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "morph.h"
#include "thresh.h"

void
thresh_apply(unsigned char *m, const float *v, size_t n, float t)
{
	size_t i;

	for (i = 0; i < n; i++)
		m[i] = (unsigned char)(v[i] > t);
}

static int
fcmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static void
swapf(float *a, float *b)
{
	float t = *a;

	*a = *b;
	*b = t;
}

/* Reorder v so that v[k] is the k-th smallest, smaller ones before it. */
static void
select_k(float *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, i, j, kk = (ptrdiff_t)k;
	int budget = 16;
	size_t m;

	for (m = n; m > 1; m >>= 1)
		budget += 2;
	while (hi > lo) {
		ptrdiff_t mid = lo + (hi - lo) / 2;
		float pv;

		if (budget-- == 0) {
			qsort(v + lo, (size_t)(hi - lo + 1), sizeof *v, fcmp);
			return;
		}
		if (v[mid] < v[lo])
			swapf(&v[mid], &v[lo]);
		if (v[hi] < v[lo])
			swapf(&v[hi], &v[lo]);
		if (v[hi] < v[mid])
			swapf(&v[hi], &v[mid]);
		pv = v[mid];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pv)
				i++;
			while (v[j] > pv)
				j--;
			if (i <= j)
				swapf(&v[i++], &v[j--]);
		}
		/* [lo, j] <= pv, [i, hi] >= pv, (j, i) == pv */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return;
	}
}

int
thresh_percentile(float *v, size_t n, double p, float *t)
{
	double pos, frac;
	size_t k, i;
	float a, b;

	if (n == 0 || !(p >= 0 && p <= 100))
		return -1;
	pos = p / 100 * (double)(n - 1);
	k = (size_t)pos;
	if (k > n - 1)
		k = n - 1;
	frac = pos - (double)k;
	select_k(v, n, k);
	a = v[k];
	if (k + 1 >= n || frac == 0) {
		*t = a;
		return 0;
	}
	b = v[k + 1];
	for (i = k + 2; i < n; i++)
		if (v[i] < b)
			b = v[i];
	*t = (float)(a + frac * ((double)b - a));
	return 0;
}

int
thresh_otsu(const float *v, size_t n, int nbins, float *t)
{
	double *h, scale, sum = 0, sum0 = 0, w0 = 0, best = -1, var;
	float lo, hi, *bmax;
	size_t i;
	int k, bestk = 0;

	if (n == 0 || nbins < 2 || nbins > 65536)
		return -1;
	lo = hi = v[0];
	for (i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	if (lo == hi) {
		*t = hi;
		return 0;
	}
	h = calloc((size_t)nbins, sizeof *h);
	bmax = malloc((size_t)nbins * sizeof *bmax);
	if (h == NULL || bmax == NULL) {
		free(h);
		free(bmax);
		return -1;
	}
	for (k = 0; k < nbins; k++)
		bmax[k] = -INFINITY;
	scale = nbins / ((double)hi - lo);
	for (i = 0; i < n; i++) {
		k = (int)(((double)v[i] - lo) * scale);
		if (k >= nbins)
			k = nbins - 1;
		h[k]++;
		if (v[i] > bmax[k])
			bmax[k] = v[i];
	}
	for (k = 0; k < nbins; k++)
		sum += (double)k * h[k];
	for (k = 0; k < nbins - 1; k++) {
		double w1, m0, m1;

		w0 += h[k];
		sum0 += (double)k * h[k];
		w1 = (double)n - w0;
		if (w0 == 0 || w1 == 0)
			continue;
		m0 = sum0 / w0;
		m1 = (sum - sum0) / w1;
		var = w0 * w1 * (m0 - m1) * (m0 - m1);
		if (var > best) {
			best = var;
			bestk = k;
		}
	}
	for (k = bestk; k >= 0 && h[k] == 0; k--)
		;
	*t = bmax[k];	/* bin 0 holds lo, so k >= 0 */
	free(h);
	free(bmax);
	return 0;
}

/* Order-preserving map from finite floats to unsigned integers. */
static uint32_t
fkey(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static float
funkey(uint32_t k)
{
	uint32_t u = k & 0x80000000u ? k & 0x7fffffffu : ~k;
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

struct mv {
	const struct thresh_map *maps;
	size_t nmaps;
	long min_area;
	int conn, open_r, close_r;
	unsigned char *m;
	struct cc cc;
	struct morph ws;
};

/* 1 if every map's largest region above t is below min_area; -1: memory. */
static int
small_enough(struct mv *s, float t)
{
	size_t i;

	for (i = 0; i < s->nmaps; i++) {
		const struct thresh_map *p = &s->maps[i];

		thresh_apply(s->m, p->v, (size_t)p->w * p->h, t);
		if (s->open_r > 0 &&
		    morph_open(&s->ws, s->m, p->w, p->h, s->open_r) == -1)
			return -1;
		if (s->close_r > 0 &&
		    morph_close(&s->ws, s->m, p->w, p->h, s->close_r) == -1)
			return -1;
		if (cc_label(&s->cc, s->m, (size_t)p->w, NULL, 0, p->w, p->h,
		    s->conn, LONG_MAX) == -1)
			return -1;
		if (s->cc.max_area >= s->min_area)
			return 0;
	}
	return 1;
}

int
thresh_mvtec(const struct thresh_map *maps, size_t nmaps, long min_area,
    int conn, int open_r, int close_r, float *t, char *err, size_t errlen)
{
	struct mv s = { maps, nmaps, min_area, conn, open_r, close_r, NULL,
	    CC_INIT, MORPH_INIT };
	size_t i, j, big = 0;
	float lo, hi;
	uint32_t klo, khi, mid;
	int r;

	if (nmaps == 0 || min_area < 1) {
		snprintf(err, errlen, "%s", nmaps == 0 ? "no defect-free maps" :
		    "minimum defect area must be at least 1");
		return -1;
	}
	lo = hi = maps[0].v[0];
	for (i = 0; i < nmaps; i++) {
		size_t n = (size_t)maps[i].w * maps[i].h;

		big = n > big ? n : big;
		for (j = 0; j < n; j++) {
			lo = maps[i].v[j] < lo ? maps[i].v[j] : lo;
			hi = maps[i].v[j] > hi ? maps[i].v[j] : hi;
		}
	}
	s.m = malloc(big);
	if (s.m == NULL)
		goto oom;
	/* Invariant: small_enough(funkey(khi)); nothing lies above hi. */
	klo = fkey(lo);
	khi = fkey(hi);
	r = small_enough(&s, lo);
	if (r == -1)
		goto oom;
	if (r == 1)
		khi = klo;
	while (khi - klo > 1) {
		mid = klo + (khi - klo) / 2;
		r = small_enough(&s, funkey(mid));
		if (r == -1)
			goto oom;
		if (r == 1)
			khi = mid;
		else
			klo = mid;
	}
	*t = funkey(khi);
	free(s.m);
	cc_free(&s.cc);
	morph_free(&s.ws);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	free(s.m);
	cc_free(&s.cc);
	morph_free(&s.ws);
	return -1;
}
