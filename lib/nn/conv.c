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

#include "nn/conv.h"
#include "nn/gemm.h"
#include "util.h"

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

/* col (c*k*k, nb*oh*ow) = the patches of samples b0.. of x (c, B, h, w). */
static void
im2col(const struct geo *g, const float *x, int B, int b0, int nb, float *col)
{
	long ohw = (long)g->oh * g->ow, hw = (long)g->h * g->w;
	int c, kh, kw, b, oh, j, lo, hi, ih, s = g->s;
	const float *plane, *src;
	float *o;

	for (c = 0; c < g->c; c++)
		for (kh = 0; kh < g->k; kh++)
			for (kw = 0; kw < g->k; kw++) {
				col_range(g, kw, &lo, &hi);
				for (b = 0; b < nb; b++) {
					plane = x + ((long)c * B + b0 + b) * hw;
					for (oh = 0; oh < g->oh; oh++) {
						o = col + oh * g->ow;
						ih = oh * s - g->p + kh;
						if (ih < 0 || ih >= g->h) {
							memset(o, 0, g->ow *
							    sizeof *o);
							continue;
						}
						src = plane + (long)ih * g->w +
						    lo * s - g->p + kw;
						for (j = 0; j < lo; j++)
							o[j] = 0;
						if (s == 1)
							memcpy(o + lo, src,
							    (hi - lo) *
							    sizeof *o);
						else
							for (j = lo; j < hi; j++)
								o[j] = src[(j -
								    lo) * s];
						for (j = hi; j < g->ow; j++)
							o[j] = 0;
					}
					col += ohw;
				}
			}
}

/* The adjoint of im2col: x (c, B, h, w) += col scattered back. */
static void
col2im(const struct geo *g, const float *col, int B, int b0, int nb, float *x)
{
	long ohw = (long)g->oh * g->ow, hw = (long)g->h * g->w;
	int c, kh, kw, b, oh, j, lo, hi, ih, s = g->s;
	const float *o;
	float *plane, *dst;

	for (c = 0; c < g->c; c++)
		for (kh = 0; kh < g->k; kh++)
			for (kw = 0; kw < g->k; kw++) {
				col_range(g, kw, &lo, &hi);
				for (b = 0; b < nb; b++) {
					plane = x + ((long)c * B + b0 + b) * hw;
					for (oh = 0; oh < g->oh; oh++) {
						ih = oh * s - g->p + kh;
						if (ih < 0 || ih >= g->h)
							continue;
						o = col + oh * g->ow;
						dst = plane + (long)ih * g->w +
						    lo * s - g->p + kw;
						for (j = lo; j < hi; j++)
							dst[(j - lo) * s] +=
							    o[j];
					}
					col += ohw;
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
nn_conv_colsize(const struct nn_conv *c, int h, int w)
{
	struct geo g;

	geo_of(c, h, w, &g);
	return (size_t)g.c * g.k * g.k * g.oh * g.ow;
}

/* Samples per chunk that fit the workspace. */
static int
chunk_of(const struct nn_conv *c, int B, int h, int w, size_t wsn)
{
	size_t per = nn_conv_colsize(c, h, w);

	if (per == 0 || wsn < per)
		BUG("conv workspace too small");
	return wsn / per < (size_t)B ? (int)(wsn / per) : B;
}

void
nn_conv_forward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *bias, float *y,
    float *ws, size_t wsn)
{
	int chunk = chunk_of(c, B, h, w, wsn), b0, nb;
	int kk = c->k * c->k;
	struct geo g;
	long ohw, hw = (long)h * w;

	geo_of(c, h, w, &g);
	if (!c->transposed) {
		ohw = (long)g.oh * g.ow;
		for (b0 = 0; b0 < B; b0 += nb) {
			nb = B - b0 < chunk ? B - b0 : chunk;
			im2col(&g, x, B, b0, nb, ws);
			nn_gemm(0, 0, c->oc, nb * ohw, c->ic * kk, 1, wt,
			    c->ic * kk, ws, nb * ohw, 0, y + b0 * ohw,
			    B * ohw);
		}
	} else {
		ohw = (long)g.h * g.w;
		memset(y, 0, (size_t)c->oc * B * ohw * sizeof *y);
		for (b0 = 0; b0 < B; b0 += nb) {
			nb = B - b0 < chunk ? B - b0 : chunk;
			nn_gemm(1, 0, c->oc * kk, nb * hw, c->ic, 1, wt,
			    c->oc * kk, x + b0 * hw, B * hw, 0, ws, nb * hw);
			col2im(&g, ws, B, b0, nb, y);
		}
	}
	nn_act_forward(c->act, c->oc, B * ohw, bias, y);
}

void
nn_conv_backward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *y, float *dy, float *dx,
    float *dw, float *db, float *ws, size_t wsn)
{
	int chunk = chunk_of(c, B, h, w, wsn), b0, nb;
	int kk = c->k * c->k, K;
	struct geo g;
	long ohw, hw = (long)h * w;

	geo_of(c, h, w, &g);
	ohw = c->transposed ? (long)g.h * g.w : (long)g.oh * g.ow;
	nn_act_backward(c->act, (long)c->oc * B * ohw, y, dy);
	nn_bias_backward(c->oc, B * ohw, dy, db);
	if (!c->transposed) {
		K = c->ic * kk;
		if (dx != NULL)
			memset(dx, 0, (size_t)c->ic * B * hw * sizeof *dx);
		for (b0 = 0; b0 < B; b0 += nb) {
			nb = B - b0 < chunk ? B - b0 : chunk;
			im2col(&g, x, B, b0, nb, ws);
			nn_gemm(0, 1, c->oc, K, nb * ohw, 1, dy + b0 * ohw,
			    B * ohw, ws, nb * ohw, 1, dw, K);
			if (dx == NULL)
				continue;
			nn_gemm(1, 0, K, nb * ohw, c->oc, 1, wt, K,
			    dy + b0 * ohw, B * ohw, 0, ws, nb * ohw);
			col2im(&g, ws, B, b0, nb, dx);
		}
	} else {
		K = c->oc * kk;
		for (b0 = 0; b0 < B; b0 += nb) {
			nb = B - b0 < chunk ? B - b0 : chunk;
			im2col(&g, dy, B, b0, nb, ws);
			nn_gemm(0, 1, c->ic, K, nb * hw, 1, x + b0 * hw,
			    B * hw, ws, nb * hw, 1, dw, K);
			if (dx != NULL)
				nn_gemm(0, 0, c->ic, nb * hw, K, 1, wt, K, ws,
				    nb * hw, 0, dx + b0 * hw, B * hw);
		}
	}
}
