/*
 * conv: convolution layers by im2col + sgemm (see conv.h).  im2col and
 * col2im follow Caffe's (as darknet uses them), rewritten for CNHW tensors
 * and for a chunk of samples at a time: the column matrix for samples
 * b0..b0+nb-1 is (C*K*K, nb*OH*OW), row (c, kh, kw), column (b, oh, ow).
 *
 * A transposed convolution is the adjoint of a convolution: its forward is
 * that convolution's input gradient (gemm, then col2im) and its backward
 * that convolution's forward (im2col, then gemm).  Both directions use one
 * "geometry": the convolution from the larger image (c, h, w) to the
 * smaller grid (oh, ow).
 */
#include <string.h>

#include <stdlib.h>

#include "nn/conv.h"
#include "nn/direct.h"
#include "nn/gemm.h"
#include "nn/simd.h"
#include "util.h"

static size_t chunk_floats = 1 << 18;

struct geo {
	int c, h, w;	/* image: channels, height, width */
	int k, s, p;	/* kernel, stride, padding */
	int oh, ow;	/* grid of kernel positions */
};

/* The convolution geometry of layer c with input (for a transposed layer:
 * output) h x w. */
static void
geo_of(const struct nn_conv *c, int h, int w, struct geo *g)
{
	g->k = c->k;
	g->s = c->s;
	g->p = c->p;
	if (!c->transposed) {
		g->c = c->ic;
		g->h = h;
		g->w = w;
		g->oh = nn_conv_outside(c, h);
		g->ow = nn_conv_outside(c, w);
	} else {
		g->c = c->oc;
		g->h = nn_conv_outside(c, h);
		g->w = nn_conv_outside(c, w);
		g->oh = h;
		g->ow = w;
	}
}

/* Kernel column kw touches image columns for grid columns [*lo, *hi). */
static void
col_range(const struct geo *g, int kw, int *lo, int *hi)
{
	int a = g->p - kw, b = g->w - 1 + g->p - kw;

	*lo = a > 0 ? (a + g->s - 1) / g->s : 0;
	*hi = b >= 0 ? b / g->s + 1 : 0;
	if (*hi > g->ow)
		*hi = g->ow;
	if (*hi < *lo)
		*hi = *lo;
}

/*
 * col (c*k*k, (r1 - r0)*ow) = the patches of grid rows [r0, r1) of x
 * (c, B, h, w), a grid row being (b, oh) counted as b*oh + oh over the
 * whole batch, so a chunk may split a sample.
 */
NN_VEC static void
im2col(const struct geo *g, const float *x, int B, long r0, long r1,
    float *col)
{
	long hw = (long)g->h * g->w, gr, ncol = (r1 - r0) * g->ow;
	int c, kh, kw, b, oh, j, lo, hi, ih, s = g->s;
	const float *src;
	float *row, *o;

	for (c = 0; c < g->c; c++)
		for (kh = 0; kh < g->k; kh++)
			for (kw = 0; kw < g->k; kw++) {
				col_range(g, kw, &lo, &hi);
				row = col + ((long)(c * g->k + kh) * g->k + kw) *
				    ncol;
				for (gr = r0; gr < r1; gr++) {
					b = (int)(gr / g->oh);
					oh = (int)(gr % g->oh);
					o = row + (gr - r0) * g->ow;
					ih = oh * s - g->p + kh;
					if (ih < 0 || ih >= g->h) {
						memset(o, 0, g->ow * sizeof *o);
						continue;
					}
					src = x + ((long)c * B + b) * hw +
					    (long)ih * g->w + lo * s - g->p + kw;
					for (j = 0; j < lo; j++)
						o[j] = 0;
					if (s == 1)
						memcpy(o + lo, src,
						    (hi - lo) * sizeof *o);
					else
						for (j = lo; j < hi; j++)
							o[j] = src[(j - lo) * s];
					for (j = hi; j < g->ow; j++)
						o[j] = 0;
				}
			}
}

/* The adjoint of im2col: x (c, B, h, w) += col scattered back. */
NN_VEC static void
col2im(const struct geo *g, const float *col, int B, long r0, long r1,
    float *x)
{
	long hw = (long)g->h * g->w, gr, ncol = (r1 - r0) * g->ow;
	int c, kh, kw, b, oh, j, lo, hi, ih, s = g->s;
	const float *row, *o;
	float *dst;

	for (c = 0; c < g->c; c++)
		for (kh = 0; kh < g->k; kh++)
			for (kw = 0; kw < g->k; kw++) {
				col_range(g, kw, &lo, &hi);
				row = col + ((long)(c * g->k + kh) * g->k + kw) *
				    ncol;
				for (gr = r0; gr < r1; gr++) {
					b = (int)(gr / g->oh);
					oh = (int)(gr % g->oh);
					ih = oh * s - g->p + kh;
					if (ih < 0 || ih >= g->h)
						continue;
					o = row + (gr - r0) * g->ow;
					dst = x + ((long)c * B + b) * hw +
					    (long)ih * g->w + lo * s - g->p + kw;
					for (j = lo; j < hi; j++)
						dst[(j - lo) * s] += o[j];
				}
			}
}

int
nn_conv_outside(const struct nn_conv *c, int n)
{
	if (c->transposed)
		return (n - 1) * c->s - 2 * c->p + c->k;
	if (n + 2 * c->p < c->k)
		return 0;
	return (n + 2 * c->p - c->k) / c->s + 1;
}

long
nn_conv_nweights(const struct nn_conv *c)
{
	return (long)c->ic * c->oc * c->k * c->k;
}

size_t
nn_conv_wsize(const struct nn_conv *c, int B, int h, int w)
{
	struct geo g;
	size_t row, all;

	size_t d = nn__direct_wsize(c, B, h, w);

	geo_of(c, h, w, &g);
	row = (size_t)g.c * g.k * g.k * g.ow;
	all = row * g.oh * B;
	if (all > chunk_floats)
		all = row > chunk_floats ? row : chunk_floats;
	return all > d ? all : d;
}

/*
 * Grid rows per chunk: as many as fit in the workspace, but no more than
 * CHUNK_FLOATS of columns, so the column matrix stays in the L2 cache
 * between im2col and the sgemm that reads it.
 */
static long
chunk_of(const struct geo *g, long rows, size_t wsn)
{
	size_t per = (size_t)g->c * g->k * g->k * g->ow, cap;
	long n;

	if (per == 0 || wsn < per)
		BUG("conv workspace too small");
	cap = wsn < chunk_floats ? wsn : chunk_floats;
	n = cap < per ? 1 : (long)(cap / per);
	return n < rows ? n : rows;
}

int
nn_conv_pack(const struct nn_conv *c, int h, int w, const float *wt,
    float *packed)
{
	if (!nn__direct_ok(c, h, w))
		return 0;
	nn__direct_pack(c, h, w, wt, packed);
	return 1;
}

int
nn_conv_grid_ok(const struct nn_conv *c, int h, int w, int how)
{
	return nn__direct_grid_ok(c, h, w, how == NN_GRID_OUT);
}

size_t
nn_conv_grid_size(int C, int B, int h, int w)
{
	return nn__direct_grid_size(C, B, h, w);
}

void
nn_conv_forward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *packed, const float *bias,
    float *y, int grid, float *ws, size_t wsn)
{
	int kk = c->k * c->k;
	struct geo g;
	long rows, chunk, r0, nr, ohw;

	geo_of(c, h, w, &g);
	rows = (long)B * g.oh;
	chunk = chunk_of(&g, rows, wsn);
	if (((grid & NN_GRID_IN) && !nn_conv_grid_ok(c, h, w, NN_GRID_IN)) ||
	    ((grid & NN_GRID_OUT) && !nn_conv_grid_ok(c, h, w, NN_GRID_OUT)))
		BUG("conv layer cannot take or give a grid");
	if (nn__direct_ok(c, h, w)) {
		if (wsn < nn__direct_wsize(c, B, h, w))
			BUG("conv workspace too small");
		ohw = c->transposed ? (long)g.h * g.w : (long)g.oh * g.ow;
		if (nn__direct_forward(c, B, h, w, x, wt, packed, bias, y, grid,
		    ws))
			return;	/* bias and activation done */
	} else if (!c->transposed) {
		ohw = (long)g.oh * g.ow;
		for (r0 = 0; r0 < rows; r0 += nr) {
			nr = rows - r0 < chunk ? rows - r0 : chunk;
			im2col(&g, x, B, r0, r0 + nr, ws);
			nn_gemm(0, 0, c->oc, nr * g.ow, c->ic * kk, 1, wt,
			    c->ic * kk, ws, nr * g.ow, 0, y + r0 * g.ow,
			    B * ohw);
		}
	} else {
		ohw = (long)g.h * g.w;
		memset(y, 0, (size_t)c->oc * B * ohw * sizeof *y);
		for (r0 = 0; r0 < rows; r0 += nr) {
			nr = rows - r0 < chunk ? rows - r0 : chunk;
			nn_gemm(1, 0, c->oc * kk, nr * g.ow, c->ic, 1, wt,
			    c->oc * kk, x + r0 * g.ow, (long)B * h * w, 0, ws,
			    nr * g.ow);
			col2im(&g, ws, B, r0, r0 + nr, y);
		}
	}
	nn_act_forward(c->act, c->oc, B * ohw, bias, y);
}

void
nn_conv_backward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *y, float *dy, float *dx,
    float *dw, float *db, float *ws, size_t wsn)
{
	int kk = c->k * c->k, K, ddx = nn__direct_dx_ok(c, h, w);
	int gdw = !nn__direct_dw_ok(c, h, w), gdx = dx != NULL && !ddx;
	struct geo g;
	long rows, chunk, r0, nr, ohw, hw = (long)h * w, ld;

	geo_of(c, h, w, &g);
	rows = (long)B * g.oh;
	chunk = chunk_of(&g, rows, wsn);
	ohw = c->transposed ? (long)g.h * g.w : (long)g.oh * g.ow;
	nn_act_bias_backward(c->act, c->oc, B * ohw, y, dy, db);
	if (ddx || !gdw) {
		if (wsn < nn__direct_wsize(c, B, h, w))
			BUG("conv workspace too small");
		if (ddx && dx != NULL)
			nn__direct_dx(c, B, h, w, dy, wt, dx, ws);
		if (!gdw)
			nn__direct_dw(c, B, h, w, x, dy, dw, ws);
	}
	if (!gdw && !gdx)
		return;
	/* im2col + sgemm for what the direct path does not cover */
	if (!c->transposed) {
		K = c->ic * kk;
		ld = B * ohw;
		if (gdx)
			memset(dx, 0, (size_t)c->ic * B * hw * sizeof *dx);
		for (r0 = 0; r0 < rows; r0 += nr) {
			nr = rows - r0 < chunk ? rows - r0 : chunk;
			if (gdw) {
				im2col(&g, x, B, r0, r0 + nr, ws);
				nn_gemm(0, 1, c->oc, K, nr * g.ow, 1,
				    dy + r0 * g.ow, ld, ws, nr * g.ow, 1, dw,
				    K);
			}
			if (!gdx)
				continue;
			nn_gemm(1, 0, K, nr * g.ow, c->oc, 1, wt, K,
			    dy + r0 * g.ow, ld, 0, ws, nr * g.ow);
			col2im(&g, ws, B, r0, r0 + nr, dx);
		}
	} else {
		K = c->oc * kk;
		ld = B * hw;
		for (r0 = 0; r0 < rows; r0 += nr) {
			nr = rows - r0 < chunk ? rows - r0 : chunk;
			im2col(&g, dy, B, r0, r0 + nr, ws);
			if (gdw)
				nn_gemm(0, 1, c->ic, K, nr * g.ow, 1,
				    x + r0 * g.ow, ld, ws, nr * g.ow, 1, dw, K);
			if (gdx)
				nn_gemm(0, 0, c->ic, nr * g.ow, K, 1, wt, K, ws,
				    nr * g.ow, 0, dx + r0 * g.ow, ld);
		}
	}
}

void
nn__conv_set_chunk(size_t floats)
{
	chunk_floats = floats;
}
