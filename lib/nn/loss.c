/*
 * loss: L2 and SSIM losses with their gradients, and residual maps (see
 * loss.h).  The SSIM gradient is exact: with the window statistics
 * mx, my, sxx, syy, sxy at position p,
 *   S = (2 mx my + C1)(2 sxy + C2) / ((mx^2 + my^2 + C1)(sxx + syy + C2)),
 * and for every pixel q of y
 *   dS(p)/dy(q) = w(q - p) (A(p) + y(q) B(p) + x(q) C(p)),
 *   A = dS/dmy - 2 my dS/dsyy - mx dS/dsxy, B = 2 dS/dsyy, C = dS/dsxy,
 * so the gradient is three maps A, B, C filtered by the transposed
 * (scattering) window and combined per pixel.  All window sums are taken
 * of x - 0.5 and y - 0.5 (and A, B, C rewritten to match), which leaves
 * SSIM unchanged and keeps float32 accurate for low-contrast patches.
 */
#include <math.h>
#include <string.h>

#include "nn/loss.h"
#include "nn/simd.h"

#define R (NN_SSIM_WIN / 2)
#define SHIFT 0.5f

static void
gauss_win(float g[NN_SSIM_WIN])
{
	double v[NN_SSIM_WIN], s = 0;
	int i;

	for (i = 0; i < NN_SSIM_WIN; i++) {
		v[i] = exp(-(double)(i - R) * (i - R) /
		    (2 * NN_SSIM_SIGMA * NN_SSIM_SIGMA));
		s += v[i];
	}
	for (i = 0; i < NN_SSIM_WIN; i++)
		g[i] = (float)(v[i] / s);
}

double
nn_l2_sum(long n, const float *y, const float *x, float *dy, float g)
{
	double s = 0;
	float d;
	long i;

	for (i = 0; i < n; i++) {
		d = y[i] - x[i];
		s += (double)d * d;
		if (dy != NULL)
			dy[i] += 2 * g * d;
	}
	return s;
}

size_t
nn_ssim_wsize(int h, int w)
{
	size_t ow = w > 10 ? (size_t)w - 10 : 0, oh = h > 10 ? (size_t)h - 10 :
	    0;
	size_t valid = 5 * (size_t)h * ow + 6 * oh * ow + 3 * (size_t)w;
	size_t same = 5 * (size_t)h * w + 7 * (size_t)w;

	return valid > same ? valid : same;
}

/*
 * Horizontal valid pass: H[k] (h, ow) = window sums of x, y, xx, yy, xy,
 * all of x - SHIFT and y - SHIFT: variances are
 * shift-invariant, and centring the [0, 1] data keeps float32 from losing
 * them to cancellation in E[x^2] - E[x]^2 when they are small.
 */
NN_VEC static void
hpass_valid(int h, int w, const float *x, const float *y, const float *g,
    float *H)
{
	int ow = w - 2 * R, r, j, t;
	long n = (long)h * ow;
	const float *xr, *yr;
	float sx, sy, sxx, syy, sxy, a, b, gt;

	for (r = 0; r < h; r++) {
		xr = x + (long)r * w;
		yr = y + (long)r * w;
		for (j = 0; j < ow; j++) {
			sx = sy = sxx = syy = sxy = 0;
			for (t = 0; t < NN_SSIM_WIN; t++) {
				a = xr[j + t] - SHIFT;
				b = yr[j + t] - SHIFT;
				gt = g[t];
				sx += gt * a;
				sy += gt * b;
				sxx += gt * a * a;
				syy += gt * b * b;
				sxy += gt * a * b;
			}
			H[(long)r * ow + j] = sx;
			H[n + (long)r * ow + j] = sy;
			H[2 * n + (long)r * ow + j] = sxx;
			H[3 * n + (long)r * ow + j] = syy;
			H[4 * n + (long)r * ow + j] = sxy;
		}
	}
}

/* Vertical valid pass of the 5 maps: V[k] (oh, ow). */
NN_VEC static void
vpass_valid(int h, int ow, const float *H, const float *g, float *V)
{
	int oh = h - 2 * R, i, j, t, k;
	long nh = (long)h * ow, nv = (long)oh * ow;
	const float *src;
	float *dst, gt;

	for (k = 0; k < 5; k++)
		for (i = 0; i < oh; i++) {
			dst = V + k * nv + (long)i * ow;
			for (j = 0; j < ow; j++)
				dst[j] = 0;
			for (t = 0; t < NN_SSIM_WIN; t++) {
				src = H + k * nh + (long)(i + t) * ow;
				gt = g[t];
				for (j = 0; j < ow; j++)
					dst[j] += gt * src[j];
			}
		}
}

NN_VEC static double
nn_ssim_sum_v(int np, int h, int w, const float *y, const float *x,
    float *dy, float g, float *ws)
{
	const float c1 = (float)(NN_SSIM_K1 * NN_SSIM_K1);
	const float c2 = (float)(NN_SSIM_K2 * NN_SSIM_K2);
	int oh = h - 2 * R, ow = w - 2 * R, pl, i, j, t;
	long nh = (long)h * ow, nv = (long)oh * ow, hw = (long)h * w, q;
	float gw[NN_SSIM_WIN], *H = ws, *V = ws + 5 * nh, *S = V + 5 * nv;
	float *T, *row;
	float mx, my, cx, cy, sxx, syy, sxy, l1, l2, d1, d2, s, dmy, dsyy;
	float dsxy, gt;
	const float *xp, *yp, *src;
	float *dp, *ta, *tb, *tc;
	double sum = 0;

	gauss_win(gw);
	for (pl = 0; pl < np; pl++) {
		xp = x + pl * hw;
		yp = y + pl * hw;
		hpass_valid(h, w, xp, yp, gw, H);
		vpass_valid(h, ow, H, gw, V);
		for (q = 0; q < nv; q++) {
			cx = V[q];	/* means of x - SHIFT */
			cy = V[nv + q];
			mx = cx + SHIFT;
			my = cy + SHIFT;
			sxx = V[2 * nv + q] - cx * cx;
			syy = V[3 * nv + q] - cy * cy;
			sxy = V[4 * nv + q] - cx * cy;
			l1 = 2 * mx * my + c1;
			l2 = 2 * sxy + c2;
			d1 = mx * mx + my * my + c1;
			d2 = sxx + syy + c2;
			s = l1 * l2 / (d1 * d2);
			S[q] = s;
			if (dy == NULL)
				continue;
			dmy = 2 * mx * l2 / (d1 * d2) - s * 2 * my / d1;
			dsyy = -s / d2;
			dsxy = 2 * l1 / (d1 * d2);
			V[q] = g * (dmy - 2 * cy * dsyy - cx * dsxy);
			V[nv + q] = g * 2 * dsyy;
			V[2 * nv + q] = g * dsxy;
		}
		for (q = 0; q < nv; q++)	/* in double, apart: the loop above
						 * stays vectorisable */
			sum += S[q];
		if (dy == NULL)
			continue;
		/* vertical scatter of A, B, C into T (h, ow), over H */
		T = H;
		memset(T, 0, 3 * nh * sizeof *T);
		for (t = 0; t < 3; t++)
			for (i = 0; i < oh; i++) {
				src = V + t * nv + (long)i * ow;
				for (j = 0; j < NN_SSIM_WIN; j++) {
					row = T + t * nh + (long)(i + j) * ow;
					gt = gw[j];
					for (q = 0; q < ow; q++)
						row[q] += gt * src[q];
				}
			}
		/* horizontal scatter row by row, combined into dy */
		ta = V;	/* 3 rows of w: V is free now */
		tb = ta + w;
		tc = tb + w;
		dp = dy + pl * hw;
		for (i = 0; i < h; i++) {
			memset(ta, 0, 3 * (size_t)w * sizeof *ta);
			for (t = 0; t < NN_SSIM_WIN; t++) {
				gt = gw[t];
				src = T + (long)i * ow;
				for (q = 0; q < ow; q++) {
					ta[q + t] += gt * src[q];
					tb[q + t] += gt * src[nh + q];
					tc[q + t] += gt * src[2 * nh + q];
				}
			}
			for (q = 0; q < w; q++)
				dp[(long)i * w + q] += ta[q] +
				    (yp[(long)i * w + q] - SHIFT) * tb[q] +
				    (xp[(long)i * w + q] - SHIFT) * tc[q];
		}
	}
	return sum;
}

double
nn_ssim_sum(int np, int h, int w, const float *y, const float *x,
    float *dy, float g, float *ws)
{
	return nn_ssim_sum_v(np, h, w, y, x, dy, g, ws);
}

double
nn_loss_mix(double wl2, int np, long total, int h, int w, const float *y,
    const float *x, float *dy, float *ws)
{
	long n = (long)np * h * w;
	double loss = 0, npos;

	if (dy != NULL)
		memset(dy, 0, n * sizeof *dy);
	if (wl2 > 0)
		loss += wl2 / ((double)total * h * w) * nn_l2_sum(n, y, x, dy,
		    (float)(wl2 / ((double)total * h * w)));
	if (wl2 < 1) {
		npos = (double)total * (h - 2 * R) * (w - 2 * R);
		loss += (1 - wl2) * ((double)np / total -
		    nn_ssim_sum(np, h, w, y, x, dy, (float)(-(1 - wl2) / npos),
		    ws) / npos);
	}
	return loss;
}

void
nn_l2_map_rows(int c, int h, int w, int r0, int r1, const float *y,
    const float *x, float *out)
{
	long hw = (long)h * w, i;
	float d;
	int k;

	for (i = (long)r0 * w; i < (long)r1 * w; i++)
		out[i] = 0;
	for (k = 0; k < c; k++)
		for (i = (long)r0 * w; i < (long)r1 * w; i++) {
			d = y[k * hw + i] - x[k * hw + i];
			out[i] += d * d / c;
		}
}

void
nn_l2_map(int c, int h, int w, const float *y, const float *x, float *out)
{
	nn_l2_map_rows(c, h, w, 0, h, y, x, out);
}

/* nrm (n) = 1 / the sum of the window weights inside [0, n). */
static void
clip_norm(int n, const float *g, float *nrm)
{
	int j, t;
	double s;

	for (j = 0; j < n; j++) {
		s = 0;
		for (t = -R; t <= R; t++)
			if (j + t >= 0 && j + t < n)
				s += g[t + R];
		nrm[j] = (float)(1 / s);
	}
}

/*
 * dst (n) = window sums along a line of n values, clipped and renormalised
 * by nrm (n): dst[j] = nrm[j] sum_t g[t + R] src[j + t] over the taps
 * inside the line, each summed in registers (not in 11 passes over dst).
 */
NN_VEC static void
hline(int n, const float *src, const float *g, const float *nrm,
    float *restrict dst)
{
	int j, t;
	float s;

	for (j = 0; j < n && j < R; j++) {
		s = 0;
		for (t = -j; t <= R && j + t < n; t++)
			s += g[t + R] * src[j + t];
		dst[j] = s * nrm[j];
	}
	for (; j < n - R; j++) {
		s = 0;
		for (t = -R; t <= R; t++)
			s += g[t + R] * src[j + t];
		dst[j] = s * nrm[j];
	}
	for (; j < n; j++) {
		s = 0;
		for (t = -R; j + t < n; t++)
			s += g[t + R] * src[j + t];
		dst[j] = s * nrm[j];
	}
}

/* o[j] = sum_t g[t] r[t][j]: one vertical window sum of a row, the taps
 * written out (restrict pointers let the loop vectorise). */
_Static_assert(NN_SSIM_WIN == 11, "vsum has 11 taps");
NN_VEC static void
vsum(int w, const float *const *r, const float *g, float *restrict o)
{
	const float *restrict r0 = r[0], *restrict r1 = r[1];
	const float *restrict r2 = r[2], *restrict r3 = r[3];
	const float *restrict r4 = r[4], *restrict r5 = r[5];
	const float *restrict r6 = r[6], *restrict r7 = r[7];
	const float *restrict r8 = r[8], *restrict r9 = r[9];
	const float *restrict r10 = r[10];
	int j;

	for (j = 0; j < w; j++)
		o[j] = g[0] * r0[j] + g[1] * r1[j] + g[2] * r2[j] +
		    g[3] * r3[j] + g[4] * r4[j] + g[5] * r5[j] +
		    g[6] * r6[j] + g[7] * r7[j] + g[8] * r8[j] +
		    g[9] * r9[j] + g[10] * r10[j];
}

/* o[j] += wc (1 - SSIM) from the window sums a (5 lines of w). */
NN_VEC static void
ssim_row(int w, const float *a, float wc, float *restrict o)
{
	const float c1 = (float)(NN_SSIM_K1 * NN_SSIM_K1);
	const float c2 = (float)(NN_SSIM_K2 * NN_SSIM_K2);
	float cx, cy, mx, my, s;
	int j;

	for (j = 0; j < w; j++) {
		cx = a[j];	/* means of x - SHIFT and y - SHIFT */
		cy = a[w + j];
		mx = cx + SHIFT;
		my = cy + SHIFT;
		s = (2 * mx * my + c1) * (2 * (a[4 * w + j] - cx * cy) + c2) /
		    ((mx * mx + my * my + c1) * (a[2 * w + j] - cx * cx +
		    a[3 * w + j] - cy * cy + c2));
		o[j] += (1 - s) * wc;
	}
}

size_t
nn_ssim_rows_wsize(int rows, int w)
{
	return 5 * (size_t)(rows + 2 * R) * w + 7 * (size_t)w;
}

/*
 * Rows r0 .. r1 - 1 of the map: the horizontal pass covers the rows their
 * windows reach, e0 .. e1 - 1, H holding row r at H + m*hb + (r - e0)*w.
 */
NN_VEC static void
nn_ssim_map_v(int c, int h, int w, int r0, int r1, const float *y,
    const float *x, float *out, float *ws)
{
	long hw = (long)h * w, q, hb;
	float gw[NN_SSIM_WIN], gt[NN_SSIM_WIN], *H = ws, *acc, *tmp, *nw;
	const float *rw[NN_SSIM_WIN], *xp, *yp;
	int k, r, j, i, t, m, e0 = r0 > R ? r0 - R : 0;
	int e1 = r1 + R < h ? r1 + R : h;
	double sn;

	gauss_win(gw);
	hb = (long)(e1 - e0) * w;
	acc = ws + 5 * hb;	/* 5 lines of window sums */
	tmp = acc + 5 * (long)w;	/* one line of w */
	nw = tmp + w;		/* horizontal norms */
	clip_norm(w, gw, nw);
	for (q = (long)r0 * w; q < (long)r1 * w; q++)
		out[q] = 0;
	for (k = 0; k < c; k++) {
		xp = x + k * hw;
		yp = y + k * hw;
		/* horizontal pass of x, y, xx, yy, xy into H (5, e1 - e0, w) */
		for (r = e0; r < e1; r++)
			for (m = 0; m < 5; m++) {
				for (j = 0; j < w; j++) {
					float a = xp[(long)r * w + j] - SHIFT;
					float b = yp[(long)r * w + j] - SHIFT;

					tmp[j] = m == 0 ? a : m == 1 ? b :
					    m == 2 ? a * a : m == 3 ? b * b :
					    a * b;
				}
				hline(w, tmp, gw, nw, H + m * hb + (long)(r -
				    e0) * w);
			}
		/* vertical pass per output row, clipped at the image */
		for (i = r0; i < r1; i++) {
			sn = 0;
			for (t = -R; t <= R; t++)
				if (i + t >= 0 && i + t < h)
					sn += gw[t + R];
			for (m = 0; m < 5; m++) {
				for (t = -R; t <= R; t++) {
					int in = i + t >= 0 && i + t < h;

					rw[t + R] = H + m * hb + (long)((in ?
					    i + t : i) - e0) * w;
					gt[t + R] = in ? (float)(gw[t + R] /
					    sn) : 0;
				}
				vsum(w, rw, gt, acc + m * (long)w);
			}
			ssim_row(w, acc, 1.0f / c, out + (long)i * w);
		}
	}
}

void
nn_ssim_map(int c, int h, int w, const float *y, const float *x, float *out,
    float *ws)
{
	nn_ssim_map_rows(c, h, w, 0, h, y, x, out, ws);
}

void
nn_ssim_map_rows(int c, int h, int w, int r0, int r1, const float *y,
    const float *x, float *out, float *ws)
{
	nn_ssim_map_v(c, h, w, r0, r1, y, x, out, ws);
}
