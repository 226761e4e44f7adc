/*
 * edges: downscaling, Gaussian smoothing, colour gradients and Canny-style
 * thin edges.  Everything works on whole planes with row-major loops; the
 * edge map's buffers grow to the largest image seen and are then reused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edges.h"

/*
 * The noise level is this quantile of the gradient magnitudes: low enough
 * to fall in flat areas even when most of the photo is texture (moire on
 * the screen, a patterned wall).
 */
#define NOISE_QUANTILE 0.2

void
edges_downscale(const struct img *src, int f, struct img *dst)
{
	const int w = src->w / f, h = src->h / f;
	const float norm = 1.0f / (float)(f * f);
	int c, y, x, k, j;

	for (c = 0; c < src->c; c++)
		for (y = 0; y < h; y++) {
			float *o = dst->data + ((size_t)c * h + y) * w;

			memset(o, 0, (size_t)w * sizeof *o);
			for (k = 0; k < f; k++) {
				const float *r = src->data + ((size_t)c *
				    src->h + (size_t)y * f + k) * src->w;

				for (x = 0; x < w; x++)
					for (j = 0; j < f; j++)
						o[x] += r[x * f + j];
			}
			for (x = 0; x < w; x++)
				o[x] *= norm;
		}
}

void
edges_blur(float *plane, int w, int h, float sigma, float *tmp)
{
	float k[64], s = 0;
	int r, i, x, y;

	if (sigma <= 0)
		return;
	r = (int)ceilf(3 * sigma);
	if (r > 31)
		r = 31;
	for (i = -r; i <= r; i++)
		s += k[i + r] = expf(-(float)(i * i) / (2 * sigma * sigma));
	for (i = 0; i <= 2 * r; i++)
		k[i] /= s;
	/* rows into tmp */
	for (y = 0; y < h; y++) {
		const float *p = plane + (size_t)y * w;
		float *o = tmp + (size_t)y * w;

		for (x = 0; x < w; x++) {
			float a = 0;

			if (x >= r && x + r < w)
				for (i = -r; i <= r; i++)
					a += k[i + r] * p[x + i];
			else
				for (i = -r; i <= r; i++) {
					int xx = x + i < 0 ? 0 : x + i >= w ?
					    w - 1 : x + i;

					a += k[i + r] * p[xx];
				}
			o[x] = a;
		}
	}
	/* columns back into the plane, a row at a time */
	for (y = 0; y < h; y++) {
		float *o = plane + (size_t)y * w;

		memset(o, 0, (size_t)w * sizeof *o);
		for (i = -r; i <= r; i++) {
			int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
			const float *p = tmp + (size_t)yy * w;

			for (x = 0; x < w; x++)
				o[x] += k[i + r] * p[x];
		}
	}
}

static int
grow(struct edgemap *em, size_t n, char *err, size_t errlen)
{
	if (n <= em->cap)
		return 0;
	edges_free(em);
	em->gx = malloc(n * sizeof *em->gx);
	em->gy = malloc(n * sizeof *em->gy);
	em->mag = malloc(n * sizeof *em->mag);
	em->edge = malloc(n);
	em->stack = malloc(n * sizeof *em->stack);
	if (em->gx == NULL || em->gy == NULL || em->mag == NULL ||
	    em->edge == NULL || em->stack == NULL) {
		edges_free(em);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	em->cap = n;
	return 0;
}

/* Sobel of every channel; keep the strongest per pixel. */
static void
gradients(const struct img *im, struct edgemap *em)
{
	const int w = im->w, h = im->h;
	const size_t plane = (size_t)w * h;
	int x, y, c;

	for (y = 0; y < h; y++) {
		const int ym = y > 0 ? y - 1 : 0, yp = y + 1 < h ? y + 1 : y;

		for (x = 0; x < w; x++) {
			const int xm = x > 0 ? x - 1 : 0;
			const int xp = x + 1 < w ? x + 1 : x;
			float bx = 0, by = 0, bm = -1;

			for (c = 0; c < im->c; c++) {
				const float *p = im->data + c * plane;
				const float *a = p + (size_t)ym * w;
				const float *b = p + (size_t)y * w;
				const float *d = p + (size_t)yp * w;
				float gx = (a[xp] + 2 * b[xp] + d[xp] - a[xm] -
				    2 * b[xm] - d[xm]) * 0.125f;
				float gy = (d[xm] + 2 * d[x] + d[xp] - a[xm] -
				    2 * a[x] - a[xp]) * 0.125f;
				float m = gx * gx + gy * gy;

				if (m > bm) {
					bm = m;
					bx = gx;
					by = gy;
				}
			}
			em->gx[(size_t)y * w + x] = 2 * bx;
			em->gy[(size_t)y * w + x] = 2 * by;
			em->mag[(size_t)y * w + x] = 2 * sqrtf(bm);
		}
	}
}

/* A quantile of the magnitudes by a histogram over [0, 0.1). */
static float
quantile_mag(const float *mag, size_t n, double qt)
{
	enum { NB = 2000 };
	static const float top = 0.1f;
	unsigned cnt[NB + 1];
	size_t i, acc = 0;
	int b;

	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < n; i++) {
		b = mag[i] >= top ? NB : (int)(mag[i] / top * NB);
		cnt[b]++;
	}
	for (b = 0; b <= NB; b++) {
		acc += cnt[b];
		if ((double)acc >= qt * (double)n)
			break;
	}
	return ((float)b + 0.5f) * top / NB;
}

int
edges_detect(const struct img *im, float lo, float hi, struct edgemap *em,
    char *err, size_t errlen)
{
	const int w = im->w, h = im->h;
	const size_t n = (size_t)w * h;
	size_t sp = 0, i;
	int x, y;

	if (grow(em, n, err, errlen) == -1)
		return -1;
	em->w = w;
	em->h = h;
	gradients(im, em);
	em->noise = quantile_mag(em->mag, n, NOISE_QUANTILE);
	if (lo <= 0 || hi <= 0) {
		lo = fmaxf(3 * em->noise, 0.002f);
		hi = fmaxf(6 * em->noise, 0.004f);
	}
	/* non-maximum suppression: 0 none, 1 candidate, 2 strong */
	memset(em->edge, 0, n);
	for (y = 1; y < h - 1; y++)
		for (x = 1; x < w - 1; x++) {
			size_t k = (size_t)y * w + x;
			float m = em->mag[k], ax = fabsf(em->gx[k]);
			float ay = fabsf(em->gy[k]), a, b;

			if (m < lo)
				continue;
			if (ay <= 0.4142f * ax) {		/* horizontal */
				a = em->mag[k - 1];
				b = em->mag[k + 1];
			} else if (ax <= 0.4142f * ay) {	/* vertical */
				a = em->mag[k - w];
				b = em->mag[k + w];
			} else if ((em->gx[k] > 0) == (em->gy[k] > 0)) {
				a = em->mag[k - w - 1];
				b = em->mag[k + w + 1];
			} else {
				a = em->mag[k - w + 1];
				b = em->mag[k + w - 1];
			}
			if (m > a && m >= b) {
				em->edge[k] = m >= hi ? 2 : 1;
				if (m >= hi)
					em->stack[sp++] = (int)k;
			}
		}
	/* hysteresis: strong pixels grow through 8-connected candidates */
	while (sp > 0) {
		int k = em->stack[--sp], dy, dx;

		for (dy = -w; dy <= w; dy += w)
			for (dx = -1; dx <= 1; dx++) {
				int q = k + dy + dx;

				if (em->edge[q] == 1) {
					em->edge[q] = 2;
					em->stack[sp++] = q;
				}
			}
	}
	for (i = 0; i < n; i++)
		em->edge[i] = em->edge[i] == 2;
	return 0;
}

void
edges_free(struct edgemap *em)
{
	free(em->gx);
	free(em->gy);
	free(em->mag);
	free(em->edge);
	free(em->stack);
	em->gx = em->gy = em->mag = NULL;
	em->edge = NULL;
	em->stack = NULL;
	em->cap = 0;
}
