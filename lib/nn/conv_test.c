/*
 * conv_test: convolution and transposed convolution layers.  Forward
 * against a direct (naive loop) convolution; backward against central
 * finite differences for the input, weights and bias, on odd, non-square
 * sizes, with one output row per chunk and with all samples in one chunk; LeakyReLU checked away from its kink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/conv.h"
#include "nn/direct.h"
#include "nn/gradcheck.h"
#include "test.h"

/* Direct convolution (or its transpose, by scattering), CNHW, + bias. */
static void
direct(const struct nn_conv *c, int B, int h, int w, const float *x,
    const float *wt, const float *bias, float *y)
{
	int oh = nn_conv_outside(c, h), ow = nn_conv_outside(c, w);
	int b, i, o, kh, kw, yy, xx, ih, iw, k = c->k;
	long ohw = (long)oh * ow, hw = (long)h * w;

	for (o = 0; o < c->oc; o++)
		for (b = 0; b < B; b++)
			for (i = 0; i < (int)ohw; i++)
				y[(o * B + b) * ohw + i] = bias[o];
	for (b = 0; b < B; b++)
		for (o = 0; o < c->oc; o++)
			for (i = 0; i < c->ic; i++)
				for (kh = 0; kh < k; kh++)
					for (kw = 0; kw < k; kw++)
						if (!c->transposed) {
	for (yy = 0; yy < oh; yy++)
		for (xx = 0; xx < ow; xx++) {
			ih = yy * c->s - c->p + kh;
			iw = xx * c->s - c->p + kw;
			if (ih < 0 || ih >= h || iw < 0 || iw >= w)
				continue;
			y[(o * B + b) * ohw + yy * ow + xx] +=
			    wt[((o * c->ic + i) * k + kh) * k + kw] *
			    x[(i * B + b) * hw + ih * w + iw];
		}
						} else {
	for (yy = 0; yy < h; yy++)
		for (xx = 0; xx < w; xx++) {
			ih = yy * c->s - c->p + kh;
			iw = xx * c->s - c->p + kw;
			if (ih < 0 || ih >= oh || iw < 0 || iw >= ow)
				continue;
			y[(o * B + b) * ohw + ih * ow + iw] +=
			    wt[((i * c->oc + o) * k + kh) * k + kw] *
			    x[(i * B + b) * hw + yy * w + xx];
		}
						}
}

struct lay {
	struct nn_conv c;
	int B, h, w;
	float *x, *wt, *bias, *y, *r, *ws, *dy, *dx, *dw, *db, *pre;
	long nx, nw, ny;
	size_t wsn;
};

static double
loss_at(struct lay *L)
{
	nn_conv_forward(&L->c, L->B, L->h, L->w, L->x, L->wt, NULL, L->bias,
	    L->y, 0, L->ws, L->wsn);
	return gc_dot(L->y, L->r, L->ny);
}

/* Pre-activation signs of the current forward, for the kink test. */
static void
pre_act(struct lay *L, float *pre)
{
	struct nn_conv lin = L->c;

	lin.act = NN_ACT_NONE;
	nn_conv_forward(&lin, L->B, L->h, L->w, L->x, L->wt, NULL, L->bias,
	    pre, 0, L->ws, L->wsn);
}

/* Did a sign of the pre-activation change against base? */
static int
crosses_kink(struct lay *L, const float *base)
{
	long i;

	if (L->c.act != NN_ACT_LRELU)
		return 0;
	pre_act(L, L->pre);
	for (i = 0; i < L->ny; i++)
		if ((L->pre[i] > 0) != (base[i] > 0))
			return 1;
	return 0;
}

/* Check dE/dv for entries of v (n) against central differences; every
 * entry of small tensors, about 300 spread over large ones. */
static double
fd(struct lay *L, float *v, long n, const float *ana, const float *base,
    long *skipped)
{
	const float eps = 1e-2f;
	struct gc_err e = { 0, 0, 0, 0 };
	long i, step = n > 300 ? n / 300 | 1 : 1;
	double lp, lm;
	float keep;

	for (i = 0; i < n; i += step) {
		keep = v[i];
		v[i] = keep + eps;
		lp = loss_at(L);
		if (crosses_kink(L, base)) {
			v[i] = keep;
			++*skipped;
			continue;
		}
		v[i] = keep - eps;
		lm = loss_at(L);
		if (crosses_kink(L, base)) {
			v[i] = keep;
			++*skipped;
			continue;
		}
		v[i] = keep;
		gc_add(&e, ana[i], (lp - lm) / (2 * eps));
	}
	return gc_error(&e);
}

static void
check(struct nn_conv c, int B, int h, int w, int onechunk)
{
	struct gc_rng g = { 99 };
	struct lay L;
	char what[200];
	float *ref, *base;
	double worst = 0, e;
	long i, skipped = 0;
	int oh, ow;

	memset(&L, 0, sizeof L);
	L.c = c;
	L.B = B;
	L.h = h;
	L.w = w;
	oh = nn_conv_outside(&c, h);
	ow = nn_conv_outside(&c, w);
	L.nx = (long)c.ic * B * h * w;
	L.nw = nn_conv_nweights(&c);
	L.ny = (long)c.oc * B * oh * ow;
	nn__conv_set_chunk(onechunk ? 1 : 1 << 18);	/* 1: a row a chunk */
	L.wsn = nn_conv_wsize(&c, B, h, w);
	L.x = malloc(L.nx * sizeof(float));
	L.dx = malloc(L.nx * sizeof(float));
	L.wt = malloc(L.nw * sizeof(float));
	L.dw = calloc(L.nw, sizeof(float));
	L.bias = malloc(c.oc * sizeof(float));
	L.db = calloc(c.oc, sizeof(float));
	L.y = malloc(L.ny * sizeof(float));
	L.dy = malloc(L.ny * sizeof(float));
	L.r = malloc(L.ny * sizeof(float));
	L.pre = malloc(L.ny * sizeof(float));
	ref = malloc(L.ny * sizeof(float));
	base = malloc(L.ny * sizeof(float));
	L.ws = malloc(L.wsn * sizeof(float));
	gc_fill(&g, L.x, L.nx, -1, 1);
	gc_fill(&g, L.wt, L.nw, -0.5f, 0.5f);
	gc_fill(&g, L.bias, c.oc, -0.2f, 0.2f);
	gc_fill(&g, L.r, L.ny, -1, 1);

	/* forward against the direct loops (activation off) */
	pre_act(&L, L.pre);
	direct(&c, B, h, w, L.x, L.wt, L.bias, ref);
	for (i = 0; i < L.ny; i++)
		worst = fmax(worst, fabs(L.pre[i] - ref[i]));
	snprintf(what, sizeof what, "%s %d->%d k%d s%d p%d %dx%d B%d%s%s: "
	    "forward matches direct loops (max err %.2g)", c.transposed ?
	    "tconv" : "conv", c.ic, c.oc, c.k, c.s, c.p, h, w, B,
	    onechunk ? " chunk 1" : "", nn__direct_ok(&c, h, w) ? " avx512" :
	    "", worst);
	t_ok(worst < 1e-5, what);
	memcpy(base, L.pre, L.ny * sizeof(float));

	loss_at(&L);
	memcpy(L.dy, L.r, L.ny * sizeof(float));
	nn_conv_backward(&c, B, h, w, L.x, L.wt, L.y, L.dy, L.dx, L.dw, L.db,
	    L.ws, L.wsn);
	e = fd(&L, L.x, L.nx, L.dx, base, &skipped);
	e = fmax(e, fd(&L, L.wt, L.nw, L.dw, base, &skipped));
	e = fmax(e, fd(&L, L.bias, c.oc, L.db, base, &skipped));
	snprintf(what, sizeof what, "%s %d->%d k%d s%d p%d %dx%d B%d%s%s%s: "
	    "gradients match finite differences (err %.2g, %ld kinks "
	    "skipped)", c.transposed ? "tconv" : "conv", c.ic, c.oc, c.k, c.s,
	    c.p, h, w, B, onechunk ? " chunk 1" : "", nn__direct_ok(&c, h, w) ?
	    " avx512" : "", c.act == NN_ACT_LRELU ? " lrelu" : "", e, skipped);
	t_ok(e < 1e-3, what);

	free(L.x); free(L.dx); free(L.wt); free(L.dw); free(L.bias);
	free(L.db); free(L.y); free(L.dy); free(L.r); free(L.pre);
	free(L.ws); free(ref); free(base);
}

/* Weights packed once give the very output y of packing in the pass. */
static void
packed_same(struct nn_conv c, int B, int h, int w, const float *x,
    const float *wt, const float *b, const float *y, float *ws, size_t wsn)
{
	long ny = (long)c.oc * B * nn_conv_outside(&c, h) *
	    nn_conv_outside(&c, w), nw = nn_conv_nweights(&c);
	float *packed = malloc(nw * sizeof *packed);
	float *yp = malloc(ny * sizeof *yp);
	char what[200];

	snprintf(what, sizeof what, "%s %d->%d k%d s%d %dx%d B%d: forward "
	    "with weights packed beforehand is identical%s",
	    c.transposed ? "tconv" : "conv", c.ic, c.oc, c.k, c.s, h, w, B,
	    nn__direct_ok(&c, h, w) ? "" : " (im2col: nothing to pack)");
	if (nn_conv_pack(&c, h, w, wt, packed))
		nn_conv_forward(&c, B, h, w, x, wt, packed, b, yp, 0, ws,
		    wsn);
	else	/* only the direct path has a packed form */
		nn_conv_forward(&c, B, h, w, x, wt, NULL, b, yp, 0, ws, wsn);
	t_ok(nn_conv_pack(&c, h, w, wt, packed) == nn__direct_ok(&c, h, w) &&
	    memcmp(yp, y, ny * sizeof *y) == 0, what);
	free(packed);
	free(yp);
}

/*
 * The AVX-512 path against the im2col path on the same data: outputs,
 * input and weight gradients.
 */
static void
paths(struct nn_conv c, int B, int h, int w)
{
	struct gc_rng g = { 17 };
	int oh = nn_conv_outside(&c, h), ow = nn_conv_outside(&c, w), k;
	long nx = (long)c.ic * B * h * w, nw = nn_conv_nweights(&c);
	long ny = (long)c.oc * B * oh * ow, i;
	float *x = malloc(nx * sizeof *x), *wt = malloc(nw * sizeof *wt);
	float *b = calloc(c.oc, sizeof *b), *db = calloc(c.oc, sizeof *db);
	float *y[2], *dy[2], *dx[2], *dw[2], *ws;
	double e[3] = { 0, 0, 0 }, s[3] = { 0, 0, 0 };
	char what[200];
	size_t wsn;

	nn__direct_enable(1);
	wsn = nn_conv_wsize(&c, B, h, w);
	ws = malloc(wsn * sizeof *ws);
	gc_fill(&g, x, nx, -1, 1);
	gc_fill(&g, wt, nw, -0.5f, 0.5f);
	for (k = 0; k < 2; k++) {
		y[k] = malloc(ny * sizeof(float));
		dy[k] = malloc(ny * sizeof(float));
		dx[k] = malloc(nx * sizeof(float));
		dw[k] = calloc(nw, sizeof(float));
		nn__direct_enable(k == 0);
		nn_conv_forward(&c, B, h, w, x, wt, NULL, b, y[k], 0, ws,
		    wsn);
		g.s = 5;
		gc_fill(&g, dy[k], ny, -1, 1);
		nn_conv_backward(&c, B, h, w, x, wt, y[k], dy[k], dx[k], dw[k],
		    db, ws, wsn);
	}
	for (i = 0; i < ny; i++) {
		e[0] = fmax(e[0], fabs(y[0][i] - y[1][i]));
		s[0] = fmax(s[0], fabs(y[1][i]));
	}
	for (i = 0; i < nx; i++) {
		e[1] = fmax(e[1], fabs(dx[0][i] - dx[1][i]));
		s[1] = fmax(s[1], fabs(dx[1][i]));
	}
	for (i = 0; i < nw; i++) {
		e[2] = fmax(e[2], fabs(dw[0][i] - dw[1][i]));
		s[2] = fmax(s[2], fabs(dw[1][i]));
	}
	nn__direct_enable(1);
	packed_same(c, B, h, w, x, wt, b, y[0], ws, wsn);
	snprintf(what, sizeof what, "%s %d->%d k%d s%d %dx%d B%d: AVX-512 "
	    "path (%s) equals im2col (rel. err y %.1g, dx %.1g, dw %.1g)",
	    c.transposed ? "tconv" : "conv", c.ic, c.oc, c.k, c.s, h, w, B,
	    nn__direct_ok(&c, h, w) ? (nn__direct_dx_ok(&c, h, w) ?
	    (nn__direct_dw_ok(&c, h, w) ? "fwd dx dw" : "fwd dx") : "fwd") :
	    nn__direct_dx_ok(&c, h, w) ? "dx" : "none",
	    e[0] / s[0], e[1] / s[1], e[2] / s[2]);
	if (nn__direct_enable(1))
		t_ok(e[0] < 1e-5 * s[0] && e[1] < 1e-5 * s[1] &&
		    e[2] < 3e-5 * s[2], what);	/* dw sums many pixels */
	else
		t_skip(what, "no AVX-512 on this CPU");
	for (k = 0; k < 2; k++) {
		free(y[k]);
		free(dy[k]);
		free(dx[k]);
		free(dw[k]);
	}
	free(x); free(wt); free(b); free(db); free(ws);
}

/*
 * Two layers with the activation between them kept as a padded grid give
 * the second layer's output of the dense route, to the bit.
 */
static void
chain(struct nn_conv c1, struct nn_conv c2, int B, int h, int w)
{
	struct gc_rng g = { 23 };
	int h1 = nn_conv_outside(&c1, h), w1 = nn_conv_outside(&c1, w);
	int h2 = nn_conv_outside(&c2, h1), w2 = nn_conv_outside(&c2, w1);
	long nx = (long)c1.ic * B * h * w, ny = (long)c2.oc * B * h2 * w2;
	long n1 = (long)c1.oc * B * h1 * w1;
	size_t wsn = nn_conv_wsize(&c1, B, h, w), n2 = nn_conv_wsize(&c2, B,
	    h1, w1), ng = nn_conv_grid_size(c1.oc, B, h1, w1);
	float *x = malloc(nx * sizeof *x), *ws, *y1, *y1g, *y2, *y2g;
	float *w1t = malloc(nn_conv_nweights(&c1) * sizeof *w1t);
	float *w2t = malloc(nn_conv_nweights(&c2) * sizeof *w2t);
	float *b1 = malloc(c1.oc * sizeof *b1), *b2 = malloc(c2.oc *
	    sizeof *b2);
	char what[200];

	wsn = wsn > n2 ? wsn : n2;
	ws = malloc(wsn * sizeof *ws);
	y1 = malloc(n1 * sizeof *y1);
	y1g = malloc(ng * sizeof *y1g);
	y2 = malloc(ny * sizeof *y2);
	y2g = malloc(ny * sizeof *y2g);
	gc_fill(&g, x, nx, -1, 1);
	gc_fill(&g, w1t, nn_conv_nweights(&c1), -0.5f, 0.5f);
	gc_fill(&g, w2t, nn_conv_nweights(&c2), -0.5f, 0.5f);
	gc_fill(&g, b1, c1.oc, -0.5f, 0.5f);
	gc_fill(&g, b2, c2.oc, -0.5f, 0.5f);
	/* stale values where the padding goes: it must be written */
	gc_fill(&g, y1g, (long)ng, 5, 9);
	snprintf(what, sizeof what, "%s %d->%d k%d then %s %d->%d k%d, %dx%d "
	    "B%d: through a grid equals through dense memory",
	    c1.transposed ? "tconv" : "conv", c1.ic, c1.oc, c1.k,
	    c2.transposed ? "tconv" : "conv", c2.ic, c2.oc, c2.k, h, w, B);
	if (!nn_conv_grid_ok(&c1, h, w, NN_GRID_OUT) ||
	    !nn_conv_grid_ok(&c2, h1, w1, NN_GRID_IN)) {
		t_skip(what, "no AVX-512 on this CPU");
	} else {
		nn_conv_forward(&c1, B, h, w, x, w1t, NULL, b1, y1, 0, ws, wsn);
		nn_conv_forward(&c2, B, h1, w1, y1, w2t, NULL, b2, y2, 0, ws,
		    wsn);
		nn_conv_forward(&c1, B, h, w, x, w1t, NULL, b1, y1g,
		    NN_GRID_OUT, ws, wsn);
		nn_conv_forward(&c2, B, h1, w1, y1g, w2t, NULL, b2, y2g,
		    NN_GRID_IN, ws, wsn);
		t_ok(memcmp(y2, y2g, ny * sizeof *y2) == 0, what);
	}
	free(x); free(ws); free(y1); free(y1g); free(y2); free(y2g);
	free(w1t); free(w2t); free(b1); free(b2);
}

int
main(void)
{
	static const struct nn_conv cs[] = {
		{ 2, 3, 3, 1, 1, 0, NN_ACT_NONE },
		{ 3, 2, 4, 2, 1, 0, NN_ACT_NONE },
		{ 2, 2, 3, 2, 0, 0, NN_ACT_NONE },
		{ 3, 4, 5, 1, 0, 0, NN_ACT_NONE },	/* valid, 5x5 -> 1x1 */
		{ 2, 3, 3, 1, 1, 1, NN_ACT_NONE },
		{ 3, 2, 4, 2, 1, 1, NN_ACT_NONE },
		{ 2, 2, 3, 2, 0, 1, NN_ACT_NONE },
		{ 4, 3, 5, 1, 0, 1, NN_ACT_NONE },	/* 1x1 -> 5x5 */
		{ 2, 3, 3, 1, 1, 0, NN_ACT_LRELU },
		{ 3, 2, 4, 2, 1, 1, NN_ACT_LRELU },
	};
	size_t i;
	int h, w;

	static const struct nn_conv big[] = {	/* the AVX-512 shapes */
		{ 16, 32, 3, 1, 1, 0, NN_ACT_LRELU },
		{ 8, 16, 4, 2, 1, 0, NN_ACT_LRELU },
		{ 32, 16, 4, 2, 1, 1, NN_ACT_LRELU },
		{ 16, 16, 3, 1, 1, 1, NN_ACT_LRELU },
		{ 16, 8, 4, 2, 1, 1, NN_ACT_SIGMOID },
		{ 1, 16, 4, 2, 1, 0, NN_ACT_LRELU },	/* one input channel */
		{ 8, 12, 3, 1, 1, 0, NN_ACT_NONE },
		{ 16, 3, 4, 2, 1, 1, NN_ACT_SIGMOID },	/* under 8 outputs */
	};

	/* layer pairs for chain(): channels 16 between them */
	static const struct nn_conv c3 = { 16, 16, 3, 1, 1, 0, NN_ACT_LRELU };
	static const struct nn_conv c3w = { 16, 32, 3, 1, 1, 0, NN_ACT_LRELU };
	static const struct nn_conv c4 = { 8, 16, 4, 2, 1, 0, NN_ACT_LRELU };
	static const struct nn_conv c4b = { 16, 16, 4, 2, 1, 0, NN_ACT_NONE };
	static const struct nn_conv t3 = { 16, 16, 3, 1, 1, 1, NN_ACT_LRELU };
	static const struct nn_conv t4 = { 16, 16, 4, 2, 1, 1, NN_ACT_LRELU };

	for (i = 0; i < sizeof cs / sizeof cs[0]; i++) {
		h = cs[i].k == 5 ? (cs[i].transposed ? 1 : 5) : 7;
		w = cs[i].k == 5 ? h : 6;
		nn__direct_enable(0);
		check(cs[i], 3, h, w, 0);
		check(cs[i], 3, h, w, 1);
		nn__direct_enable(1);
		check(cs[i], 3, h, w, 0);
	}
	nn__conv_set_chunk(1 << 18);
	for (i = 0; i < sizeof big / sizeof big[0]; i++) {
		h = big[i].s == 2 && !big[i].transposed ? 8 : 5;
		w = big[i].s == 2 && !big[i].transposed ? 6 : 4;
		if (!nn__direct_ok(&big[i], h, w) &&
		    !nn__direct_dx_ok(&big[i], h, w))
			printf("# %d->%d: no AVX-512 operation\n", big[i].ic,
			    big[i].oc);
		paths(big[i], 2, h, w);
		nn__direct_enable(1);
		check(big[i], 2, h, w, 0);
	}
	paths(big[1], 3, 32, 34);	/* tiles beyond one grid row */
	paths(big[2], 2, 17, 13);
	/* the AVX-512 path in chunks of fewer samples than the batch */
	paths(big[0], 3, 64, 64);
	paths(big[1], 3, 128, 128);
	paths(big[2], 3, 40, 40);
	paths(big[3], 3, 130, 128);
	paths(big[7], 3, 64, 66);
	/* rows of 8 (two a vector) and of 16: only the outputs computed */
	paths(big[0], 3, 8, 8);
	paths(big[1], 3, 16, 16);
	paths(big[2], 3, 8, 8);
	paths(big[3], 2, 16, 32);
	paths(big[4], 2, 8, 8);
	nn__direct_enable(1);
	chain(c3, c3w, 3, 8, 8);
	chain(c4, c4b, 3, 16, 16);
	chain(t4, t3, 2, 8, 8);
	chain(c3, c3w, 3, 12, 10);	/* 3x3 into 3x3 */
	chain(c4, c3w, 3, 12, 10);	/* 4x4/2 into 3x3 */
	chain(c3, c4b, 3, 12, 10);	/* 3x3 into space-to-depth */
	chain(c4, c4b, 3, 12, 8);	/* 4x4/2 into 4x4/2 */
	chain(big[5], c3w, 2, 16, 14);	/* one input channel first */
	chain(t3, t4, 3, 6, 5);		/* transposed 3x3 into 4x4/2 */
	chain(t4, t3, 3, 6, 5);		/* 4x4/2 interleaved into a grid */
	chain(t4, big[7], 2, 6, 5);	/* into the narrow last layer */
	chain(c3, c3w, 3, 64, 64);	/* in chunks of fewer samples */
	chain(t4, t3, 3, 40, 40);
	return t_done();
}
