/*
 * dct: low-frequency shape of an error patch.  A rectangle of a float map
 * is resampled to n x n by area averaging, then transformed by the
 * orthonormal 2-D DCT-II (as scipy.fft.dctn(x, norm="ortho")), of which
 * only the first k x k coefficients are computed.  dct_zigzag() gives the
 * JPEG order of coefficients, lowest frequencies first.
 */
#ifndef LK_DCT_H
#define LK_DCT_H

#include <stddef.h>

#define DCT_MAXN 32

/* Cosine table for side n (1..DCT_MAXN). */
struct dct_plan {
	int n;
	/* c[u][x] = a(u) cos(pi (2x + 1) u / 2n), a(0) = sqrt(1/n), else
	   sqrt(2/n) */
	double c[DCT_MAXN][DCT_MAXN];
};

/* Fill p for side n; 0, or -1 if n is outside 1..DCT_MAXN. */
int dct_plan_init(struct dct_plan *p, int n);

/*
 * out (n x n, row-major) = the w x h rectangle at (x, y) of map (rows
 * stride floats apart) resampled by area averaging: pixels are unit
 * squares and each output cell is the mean of the map over the area it
 * covers, so shrinking averages and enlarging replicates.  The rectangle
 * must lie inside the map; w, h >= 1.
 */
void dct_resample(const float *map, size_t stride, int x, int y, int w,
    int h, int n, float *out);

/*
 * coef[v * k + u] = sum over rows r and columns s of in[r * n + s] *
 * c[v][r] * c[u][s], for v, u < k (v vertical, u horizontal frequency);
 * in is n x n with n == p->n, k <= n.
 */
void dct_2d(const struct dct_plan *p, const float *in, int k, double *coef);

/*
 * The first m (<= n * n) positions of JPEG zigzag order in an n x n block,
 * as (row, column) pairs: rc[2 * i], rc[2 * i + 1].  (0,0), (0,1), (1,0),
 * (2,0), (1,1), (0,2), ...
 */
void dct_zigzag(int n, int m, int *rc);

#endif
