/*
 * dct: area-averaging resampler and a separable, truncated 2-D DCT-II.
 */
#include <math.h>
#include <string.h>

#include "dct.h"

int
dct_plan_init(struct dct_plan *p, int n)
{
	int u, x;

	if (n < 1 || n > DCT_MAXN)
		return -1;
	p->n = n;
	for (u = 0; u < n; u++)
		for (x = 0; x < n; x++)
			p->c[u][x] = sqrt((u == 0 ? 1.0 : 2.0) / n) *
			    cos(M_PI * (2 * x + 1) * u / (2.0 * n));
	return 0;
}

/*
 * Pixel j of a line of len pixels, cut into n equal cells: the first cell
 * it overlaps in *first and, for it and the following ones, the share of
 * each cell's length the pixel covers in wt[].  Returns how many cells.
 */
static int
overlaps(int j, int len, int n, int *first, double *wt)
{
	double cell = (double)len / n, lo = j, hi = j + 1.0;
	int i = (int)(lo / cell), k = 0;

	if (i >= n)
		i = n - 1;
	*first = i;
	for (; i < n && i * cell < hi; i++) {
		double a = i * cell > lo ? i * cell : lo;
		double b = (i + 1) * cell < hi ? (i + 1) * cell : hi;

		wt[k++] = b > a ? (b - a) / cell : 0;
	}
	return k;
}

void
dct_resample(const float *map, size_t stride, int x, int y, int w, int h,
    int n, float *out)
{
	double acc[DCT_MAXN * DCT_MAXN], row[DCT_MAXN], wx[DCT_MAXN + 1],
	    wy[DCT_MAXN + 1];
	int r, s, i, k, f, ky, fy;

	memset(acc, 0, sizeof acc);
	for (r = 0; r < h; r++) {
		const float *src = map + (size_t)(y + r) * stride + x;

		memset(row, 0, sizeof row);
		for (s = 0; s < w; s++) {
			k = overlaps(s, w, n, &f, wx);
			for (i = 0; i < k; i++)
				row[f + i] += wx[i] * src[s];
		}
		ky = overlaps(r, h, n, &fy, wy);
		for (i = 0; i < ky; i++)
			for (s = 0; s < n; s++)
				acc[(fy + i) * n + s] += wy[i] * row[s];
	}
	for (i = 0; i < n * n; i++)
		out[i] = (float)acc[i];
}

void
dct_2d(const struct dct_plan *p, const float *in, int k, double *coef)
{
	double t[DCT_MAXN][DCT_MAXN];	/* t[r][u]: rows transformed */
	int n = p->n, r, s, u, v;

	for (r = 0; r < n; r++)
		for (u = 0; u < k; u++) {
			double a = 0;

			for (s = 0; s < n; s++)
				a += in[r * n + s] * p->c[u][s];
			t[r][u] = a;
		}
	for (v = 0; v < k; v++)
		for (u = 0; u < k; u++) {
			double a = 0;

			for (r = 0; r < n; r++)
				a += p->c[v][r] * t[r][u];
			coef[v * k + u] = a;
		}
}

void
dct_zigzag(int n, int m, int *rc)
{
	int d, r, i = 0;

	for (d = 0; d <= 2 * (n - 1) && i < m; d++) {
		int lo = d - (n - 1) > 0 ? d - (n - 1) : 0;
		int hi = d < n - 1 ? d : n - 1;

		if (d % 2)	/* odd diagonals run down-left: row rises */
			for (r = lo; r <= hi && i < m; r++, i++) {
				rc[2 * i] = r;
				rc[2 * i + 1] = d - r;
			}
		else
			for (r = hi; r >= lo && i < m; r--, i++) {
				rc[2 * i] = r;
				rc[2 * i + 1] = d - r;
			}
	}
}
