/*
 * ae: the auto-encoder network (see ae.h): layer table, one parameter
 * buffer, per-lane activations, and the lane threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/ae.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "util.h"

void
ae_config_default(struct ae_config *cfg, int patch)
{
	cfg->patch = patch;
	cfg->channels = 1;
	cfg->width = 32;
	cfg->down = patch >= 256 ? 5 : 4;
	cfg->latent = patch >= 256 ? 500 : 100;
}

int
ae_config_check(const struct ae_config *cfg, char *err, size_t errlen)
{
	int stride;

	if (cfg->down != 4 && cfg->down != 5) {
		snprintf(err, errlen, "down must be 4 or 5, not %d", cfg->down);
		return -1;
	}
	stride = 1 << cfg->down;
	if (cfg->patch < stride || cfg->patch > AE_MAX_PATCH ||
	    cfg->patch % stride != 0) {
		snprintf(err, errlen, "patch size %d is not a multiple of %d "
		    "in %d..%d", cfg->patch, stride, stride, AE_MAX_PATCH);
		return -1;
	}
	if (cfg->channels != 1 && cfg->channels != 3) {
		snprintf(err, errlen, "channels must be 1 or 3, not %d",
		    cfg->channels);
		return -1;
	}
	if (cfg->width < 1 || cfg->width > AE_MAX_WIDTH) {
		snprintf(err, errlen, "width %d is out of range (1..%d)",
		    cfg->width, AE_MAX_WIDTH);
		return -1;
	}
	if (cfg->latent < 1 || cfg->latent > AE_MAX_LATENT) {
		snprintf(err, errlen, "latent size %d is out of range (1..%d)",
		    cfg->latent, AE_MAX_LATENT);
		return -1;
	}
	return 0;
}

/* The encoder's layer list; the decoder is built as its mirror. */
static int
encoder(const struct ae_config *cfg, struct nn_conv *e)
{
	int w = cfg->width, n = 0;

#define L(i, o, k, s, p, a) (e[n++] = (struct nn_conv){ i, o, k, s, p, 0, a })
	L(cfg->channels, w, 4, 2, 1, NN_ACT_LRELU);
	L(w, w, 4, 2, 1, NN_ACT_LRELU);
	if (cfg->down == 5)
		L(w, w, 4, 2, 1, NN_ACT_LRELU);
	L(w, w, 3, 1, 1, NN_ACT_LRELU);
	L(w, 2 * w, 4, 2, 1, NN_ACT_LRELU);
	L(2 * w, 2 * w, 3, 1, 1, NN_ACT_LRELU);
	L(2 * w, 4 * w, 4, 2, 1, NN_ACT_LRELU);
	L(4 * w, 2 * w, 3, 1, 1, NN_ACT_LRELU);
	L(2 * w, w, 3, 1, 1, NN_ACT_LRELU);
	L(w, cfg->latent, cfg->patch >> cfg->down, 1, 0, NN_ACT_NONE);
#undef L
	return n;
}

/* Round a float count up to 64 bytes. */
static long
align16(long n)
{
	return (n + 15) & ~15L;
}

static float *
alloc_floats(size_t n)
{
	void *p;

	if (n == 0)
		n = 16;
	if (n > (size_t)-1 / sizeof(float) ||
	    posix_memalign(&p, 64, n * sizeof(float)) != 0)
		return NULL;
	return p;
}

/* Lay out the layers of cfg in a (no allocation). */
static void
build(struct ae *a, const struct ae_config *cfg)
{
	struct nn_conv e[AE_MAXL / 2];
	int ne = encoder(cfg, e), i, side = cfg->patch;
	struct ae_layer *l;
	long off = 0;

	a->cfg = *cfg;
	a->nl = 2 * ne;
	for (i = 0; i < a->nl; i++) {
		l = &a->L[i];
		if (i < ne) {
			l->c = e[i];
			snprintf(l->name, sizeof l->name, "enc%d", i + 1);
		} else {
			const struct nn_conv *m = &e[2 * ne - 1 - i];

			l->c = (struct nn_conv){ m->oc, m->ic, m->k, m->s,
			    m->p, 1, i == a->nl - 1 ? NN_ACT_SIGMOID :
			    NN_ACT_LRELU };
			snprintf(l->name, sizeof l->name, "dec%d",
			    2 * ne - i);
		}
		l->h = l->w = side;
		side = nn_conv_outside(&l->c, side);
		l->oh = l->ow = side;
		l->woff = off;
		off += align16(nn_conv_nweights(&l->c));
		l->boff = off;
		off += align16(l->c.oc);
	}
	a->nparams = off;
}

/* Floats of layer l's output for a lane of per samples: dense, or for
 * up to sub of them at a time, a padded grid (run_layers). */
static size_t
act_size(const struct ae_layer *l, int per, int sub)
{
	size_t dense = (size_t)l->c.oc * l->oh * l->ow * per;
	size_t grid = nn_conv_grid_size(l->c.oc, sub < per ? sub : per, l->oh,
	    l->ow);

	return dense > grid ? dense : grid;
}

int
ae_init(struct ae *a, const struct ae_config *cfg, int bmax, int nthreads,
    char *err, size_t errlen)
{
	size_t maxws = 0, maxact, n;
	int i, j, per;
	struct ae_lane *ln;

	memset(a, 0, sizeof *a);
	if (ae_config_check(cfg, err, errlen) == -1)
		return -1;
	if (bmax < 1 || nthreads < 1 || nthreads > AE_MAX_THREADS) {
		snprintf(err, errlen, "bad batch %d or thread count %d", bmax,
		    nthreads);
		return -1;
	}
	build(a, cfg);
	nn_adam_init(&a->opt);
	a->bmax = bmax;
	a->nthreads = nthreads;
	per = (bmax + nthreads - 1) / nthreads;
	/* the largest activation, the input included (d0, d1 hold any) */
	maxact = (size_t)cfg->channels * cfg->patch * cfg->patch;
	for (i = 0; i < a->nl; i++) {
		n = nn_conv_wsize(&a->L[i].c, per, a->L[i].h, a->L[i].w);
		maxws = n > maxws ? n : maxws;
		n = (size_t)a->L[i].c.oc * a->L[i].oh * a->L[i].ow;
		maxact = n > maxact ? n : maxact;
	}
	/*
	 * A few samples at a time, the largest activation in about 1.5 MiB:
	 * for the 128 network, 4 samples ran in 12% less CPU time than a
	 * lane's 25 at once (the activations stay in the caches), and 3 in
	 * 4% less again; 1 or 2 cost more (kfwd's tiles of 3 vectors overrun
	 * the small layers, where 3 samples fill them exactly).
	 */
	a->sub = (int)((3L << 17) / maxact);
	a->sub = a->sub < 1 ? 1 : a->sub;
	a->gen = 1;
	if (!(a->params = alloc_floats(a->nparams)) ||
	    !(a->packed = alloc_floats(a->nparams)) ||
	    !(a->grad = alloc_floats(a->nparams)) ||
	    !(a->m = alloc_floats(a->nparams)) ||
	    !(a->v = alloc_floats(a->nparams)))
		goto nomem;
	memset(a->params, 0, a->nparams * sizeof(float));
	memset(a->grad, 0, a->nparams * sizeof(float));
	memset(a->m, 0, a->nparams * sizeof(float));
	memset(a->v, 0, a->nparams * sizeof(float));
	for (j = 0; j < nthreads; j++) {
		ln = &a->lane[j];
		n = (size_t)cfg->channels * cfg->patch * cfg->patch * per;
		if (!(ln->act[0] = alloc_floats(n)))
			goto nomem;
		for (i = 0; i < a->nl; i++) {
			if (!(ln->act[i + 1] = alloc_floats(act_size(&a->L[i],
			    per, a->sub))))
				goto nomem;
		}
		ln->wsn = maxws;
		if (!(ln->d0 = alloc_floats(maxact * per)) ||
		    !(ln->d1 = alloc_floats(maxact * per)) ||
		    !(ln->ws = alloc_floats(ln->wsn)) ||
		    !(ln->lws = alloc_floats(nn_ssim_wsize(cfg->patch,
		    cfg->patch))))
			goto nomem;
		if (j == 0)
			ln->grad = a->grad;
		else if (!(ln->grad = alloc_floats(a->nparams)))
			goto nomem;
	}
	nn_blas_set_threads(1);
	return 0;
nomem:
	ae_free(a);
	snprintf(err, errlen, "out of memory for the network (batch %d)",
	    bmax);
	return -1;
}

void
ae_free(struct ae *a)
{
	struct ae_lane *ln;
	int i, j;

	for (j = 0; j < AE_MAX_THREADS; j++) {
		ln = &a->lane[j];
		for (i = 0; i <= AE_MAXL; i++)
			free(ln->act[i]);
		free(ln->d0);
		free(ln->d1);
		free(ln->ws);
		free(ln->lws);
		if (ln->grad != a->grad)
			free(ln->grad);
	}
	free(a->params);
	free(a->packed);
	free(a->grad);
	free(a->m);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* splitmix64 (Steele et al. 2014): a seedable stream of 64-bit values. */
static unsigned long long
splitmix(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void
ae_init_params(struct ae *a, unsigned long seed)
{
	unsigned long long s = seed;
	const struct nn_conv *c;
	double fan, b;
	long i, n;
	int l;

	memset(a->params, 0, a->nparams * sizeof(float));
	for (l = 0; l < a->nl; l++) {
		c = &a->L[l].c;
		fan = (double)c->ic * c->k * c->k;
		if (c->transposed)
			fan /= (double)c->s * c->s;
		b = sqrt(6 / ((1 + NN_LRELU_SLOPE * NN_LRELU_SLOPE) * fan));
		n = nn_conv_nweights(c);
		for (i = 0; i < n; i++)
			a->params[a->L[l].woff + i] = (float)(b * ((splitmix(&s)
			    >> 11) * 0x1p-53 * 2 - 1));
	}
	memset(a->m, 0, a->nparams * sizeof(float));
	memset(a->v, 0, a->nparams * sizeof(float));
	a->step = 0;
	ae_params_changed(a);
}

void
ae_params_changed(struct ae *a)
{
	a->gen++;
}

double
ae_flops(const struct ae *a)
{
	const struct ae_layer *l;
	double f = 0;
	int i;

	for (i = 0; i < a->nl; i++) {
		l = &a->L[i];
		f += 2.0 * nn_conv_nweights(&l->c) * (l->c.transposed ?
		    (double)l->h * l->w : (double)l->oh * l->ow);
	}
	return f;
}

/* (nb, C, HW) <-> (C, nb, HW) */
static void
to_cnhw(const float *x, int nb, int C, long hw, float *t)
{
	int b, c;

	for (b = 0; b < nb; b++)
		for (c = 0; c < C; c++)
			memcpy(t + ((long)c * nb + b) * hw,
			    x + ((long)b * C + c) * hw, hw * sizeof *t);
}

static void
from_cnhw(const float *t, int nb, int C, long hw, float *x)
{
	int b, c;

	for (b = 0; b < nb; b++)
		for (c = 0; c < C; c++)
			memcpy(x + ((long)b * C + c) * hw,
			    t + ((long)c * nb + b) * hw, hw * sizeof *t);
}

/*
 * Layers lo .. hi - 1 on nb samples: layer lo reads in, layer hi - 1
 * writes out (both dense), the others the lane's activations.  For
 * training every activation is dense (the backward pass reads them); for
 * inference (infer) the weights are the packed ones, and where two layers
 * of the AVX-512 path meet, the activation between them stays a padded
 * grid.
 */
static void
run_layers(struct ae *a, struct ae_lane *ln, int lo, int hi, int nb,
    const float *in, float *out, int infer)
{
	const struct ae_layer *l;
	int i, grid = 0;

	for (i = lo; i < hi; i++) {
		l = &a->L[i];
		grid = grid & NN_GRID_OUT ? NN_GRID_IN : 0;
		if (infer && i + 1 < hi && nn_conv_grid_ok(&l->c, l->h, l->w,
		    NN_GRID_OUT) && nn_conv_grid_ok(&a->L[i + 1].c, l->oh,
		    l->ow, NN_GRID_IN))
			grid |= NN_GRID_OUT;
		nn_conv_forward(&l->c, nb, l->h, l->w, i == lo ? in :
		    ln->act[i], a->params + l->woff, infer && l->packed ?
		    a->packed + l->woff : NULL, a->params + l->boff, i == hi -
		    1 ? out : ln->act[i + 1], grid, ln->ws, ln->wsn);
	}
}

/* The lane's samples b0 .. b0 + nb - 1 through the network, for training:
 * every activation kept in ln->act. */
static void
lane_forward(struct ae *a, struct ae_lane *ln)
{
	int C = a->cfg.channels;
	long hw = (long)a->cfg.patch * a->cfg.patch;

	to_cnhw(a->bx + (long)ln->b0 * C * hw, ln->nb, C, hw, ln->act[0]);
	run_layers(a, ln, 0, a->nl, ln->nb, ln->act[0], ln->act[a->nl], 0);
}

/* Samples s .. s + n - 1 of t (C, nb, hw) copied to u (C, n, hw), or
 * (back) from it. */
static void
slice(float *t, int nb, int C, long hw, int s, int n, float *u, int back)
{
	size_t len = (size_t)n * hw * sizeof *t;
	int c;

	for (c = 0; c < C; c++)
		if (back)
			memcpy(t + ((long)c * nb + s) * hw, u + c * n * hw, len);
		else
			memcpy(u + c * n * hw, t + ((long)c * nb + s) * hw, len);
}

/* Samples b .. b + n - 1 of the batch input as (C, n, hw): where they lie
 * when C is 1 (the layouts agree), else transposed into buf. */
static const float *
input_of(const struct ae *a, int b, int n, float *buf)
{
	int C = a->cfg.channels;
	long hw = (long)a->cfg.patch * a->cfg.patch;

	if (C == 1)
		return a->bx + b * hw;
	to_cnhw(a->bx + (long)b * C * hw, n, C, hw, buf);
	return buf;
}

/* Where the last layer writes samples b ..: the batch output itself when C
 * is 1, else buf, which put_output transposes into it. */
static float *
output_of(const struct ae *a, int b, float *buf)
{
	return a->cfg.channels == 1 ? a->by + b * (long)a->cfg.patch *
	    a->cfg.patch : buf;
}

static void
put_output(const struct ae *a, int b, int n, const float *buf)
{
	int C = a->cfg.channels;
	long hw = (long)a->cfg.patch * a->cfg.patch;

	if (C > 1)
		from_cnhw(buf, n, C, hw, a->by + (long)b * C * hw);
}

/*
 * The lane's share of ae_forward.  A run of layers on the AVX-512 path
 * takes a->sub samples at a time, so that each layer reads its input from
 * the cache the previous one wrote it to; the other layers (the latent
 * ones, whose 800 KB of weights a few samples would stream for little
 * work) take all the lane's samples at once.  Between runs, activations
 * are the lane's dense ln->act[i].
 */
static void
lane_reconstruct(struct ae *a, struct ae_lane *ln)
{
	int nb = ln->nb, lo, hi, b, n, C0, C1, at, pieces, c;
	long hw0, hw1;
	const float *in;
	float *out;

	for (lo = 0; lo < a->nl; lo = hi) {
		for (hi = lo + 1; hi < a->nl && a->L[hi].packed ==
		    a->L[lo].packed; hi++)
			;
		C0 = a->L[lo].c.ic;
		hw0 = (long)a->L[lo].h * a->L[lo].w;
		C1 = a->L[hi - 1].c.oc;
		hw1 = (long)a->L[hi - 1].oh * a->L[hi - 1].ow;
		/* all samples at once, or in pieces of at most a->sub that
		 * differ by one at most (no piece of 1 after pieces of 4) */
		pieces = a->L[lo].packed ? (nb + a->sub - 1) / a->sub : 1;
		for (c = 0, b = 0; c < pieces; c++, b += n) {
			n = (int)((long)nb * (c + 1) / pieces) - b;
			at = ln->b0 + b;
			if (lo == 0)
				in = input_of(a, at, n, ln->d0);
			else if (n == nb)
				in = ln->act[lo];
			else {
				slice(ln->act[lo], nb, C0, hw0, b, n, ln->d0, 0);
				in = ln->d0;
			}
			out = hi == a->nl ? output_of(a, at, ln->act[hi]) :
			    n == nb ? ln->act[hi] : ln->d1;
			run_layers(a, ln, lo, hi, n, in, out, 1);
			if (hi == a->nl)
				put_output(a, at, n, out);
			else if (n < nb)
				slice(ln->act[hi], nb, C1, hw1, b, n, out, 1);
		}
	}
}

static void
lane_backward(struct ae *a, struct ae_lane *ln)
{
	int C = a->cfg.channels, P = a->cfg.patch, i;
	const struct ae_layer *l;
	float *d = ln->d0, *dn = ln->d1, *t;

	ln->loss = nn_loss_mix(a->wl2, C * ln->nb, (long)C * a->B, P, P,
	    ln->act[a->nl], ln->act[0], d, ln->lws);
	memset(ln->grad, 0, a->nparams * sizeof(float));
	for (i = a->nl - 1; i >= 0; i--) {
		l = &a->L[i];
		nn_conv_backward(&l->c, ln->nb, l->h, l->w, ln->act[i],
		    a->params + l->woff, ln->act[i + 1], d, i > 0 ? dn : NULL,
		    ln->grad + l->woff, ln->grad + l->boff, ln->ws, ln->wsn);
		t = d;
		d = dn;
		dn = t;
	}
}

struct job {
	struct ae *a;
	struct ae_lane *ln;
	int train;
	void (*fn)(void *, int, int);	/* ae_parallel's, or NULL */
	void *ctx;
	int lane;
};

static void *
lane_run(void *arg)
{
	struct job *j = arg;
	int C = j->a->cfg.channels;

	if (j->fn != NULL) {
		j->fn(j->ctx, j->lane, j->a->nthreads);
		return NULL;
	}
	if (j->ln->nb == 0)
		return NULL;
	if (!j->train && j->a->by != NULL) {
		lane_reconstruct(j->a, j->ln);
		return NULL;
	}
	lane_forward(j->a, j->ln);
	if (j->train == 2)
		j->ln->loss = nn_loss_mix(j->a->wl2, C * j->ln->nb,
		    (long)C * j->a->B, j->a->cfg.patch, j->a->cfg.patch,
		    j->ln->act[j->a->nl], j->ln->act[0], NULL, j->ln->lws);
	else if (j->train)
		lane_backward(j->a, j->ln);
	return NULL;
}

/*
 * Run every lane on its share of the current batch (or fn on every lane);
 * lane 0 here.
 */
static void
run_lanes(struct ae *a, int train, void (*fn)(void *, int, int), void *ctx)
{
	struct job jobs[AE_MAX_THREADS];
	pthread_t tid[AE_MAX_THREADS];
	int started[AE_MAX_THREADS], j, n = a->nthreads;

	for (j = 0; j < n; j++) {	/* ceil splits: lane 0 is never empty */
		if (fn == NULL) {
			a->lane[j].b0 = (int)(((long)a->B * j + n - 1) / n);
			a->lane[j].nb = (int)(((long)a->B * (j + 1) + n - 1) /
			    n) - a->lane[j].b0;
			a->lane[j].loss = 0;
		}
		jobs[j] = (struct job){ a, &a->lane[j], train, fn, ctx, j };
	}
	for (j = 1; j < n; j++)
		started[j] = (fn != NULL || a->lane[j].nb > 0) &&
		    pthread_create(&tid[j], NULL, lane_run, &jobs[j]) == 0;
	lane_run(&jobs[0]);
	for (j = 1; j < n; j++) {
		if (started[j])
			pthread_join(tid[j], NULL);
		else	/* no thread: run it here, same result */
			lane_run(&jobs[j]);
	}
}

void
ae_forward(struct ae *a, int B, const float *x, float *y)
{
	struct ae_layer *l;
	int i;

	if (B < 1 || B > a->bmax)
		BUG("batch larger than the network was built for");
	a->B = B;
	a->bx = x;
	a->by = y;
	if (a->packed_gen != a->gen) {
		for (i = 0; i < a->nl; i++) {
			l = &a->L[i];
			l->packed = nn_conv_pack(&l->c, l->h, l->w, a->params +
			    l->woff, a->packed + l->woff);
		}
		a->packed_gen = a->gen;
	}
	run_lanes(a, 0, NULL, NULL);
}

/* Lane work after a backward pass: sum the lanes' gradients into
 * a->grad over this lane's share of the parameters, lanes in order. */
static void
reduce_grads(void *ctx, int lane, int nlanes)
{
	struct ae *a = ctx;
	long lo = a->nparams * lane / nlanes & ~15L;
	long hi = lane == nlanes - 1 ? a->nparams : a->nparams * (lane + 1) /
	    nlanes & ~15L, i;
	int j;

	for (j = 1; j < a->nthreads; j++) {
		const float *g = a->lane[j].grad;

		if (a->lane[j].nb == 0)
			continue;
		for (i = lo; i < hi; i++)
			a->grad[i] += g[i];
	}
}

double
ae_loss_grad(struct ae *a, int B, const float *x, double wl2)
{
	double loss = 0;
	int j;

	if (B < 1 || B > a->bmax)
		BUG("batch larger than the network was built for");
	a->B = B;
	a->bx = x;
	a->by = NULL;
	a->wl2 = wl2;
	run_lanes(a, 1, NULL, NULL);
	for (j = 0; j < a->nthreads; j++)
		loss += a->lane[j].loss;
	if (a->nthreads > 1 && a->lane[1].nb > 0)
		run_lanes(a, 0, reduce_grads, a);
	return loss;
}

double
ae_loss(struct ae *a, int B, const float *x, double wl2)
{
	double loss = 0;
	int j;

	if (B < 1 || B > a->bmax)
		BUG("batch larger than the network was built for");
	a->B = B;
	a->bx = x;
	a->by = NULL;
	a->wl2 = wl2;
	run_lanes(a, 2, NULL, NULL);
	for (j = 0; j < a->nthreads; j++)
		loss += a->lane[j].loss;
	return loss;
}

/* Lane work: Adam on this lane's share of the parameters. */
static void
update_share(void *ctx, int lane, int nlanes)
{
	struct ae *a = ctx;
	long lo = a->nparams * lane / nlanes & ~15L;
	long hi = lane == nlanes - 1 ? a->nparams : a->nparams * (lane + 1) /
	    nlanes & ~15L;

	nn_adam_update(&a->opt, a->step, hi - lo, a->params + lo, a->grad + lo,
	    a->m + lo, a->v + lo);
}

void
ae_update(struct ae *a)
{
	a->step++;
	run_lanes(a, 0, update_share, a);
	ae_params_changed(a);
}

double
ae_train_step(struct ae *a, int B, const float *x, double wl2)
{
	double loss = ae_loss_grad(a, B, x, wl2);

	ae_update(a);
	return loss;
}

void
ae_parallel(struct ae *a, void (*fn)(void *ctx, int lane, int nlanes),
    void *ctx)
{
	run_lanes(a, 0, fn, ctx);
}

int
ae_tensors(const struct ae *a, struct model_tensor *t)
{
	const struct ae_layer *l;
	struct model_tensor *w, *b;
	int i;

	for (i = 0; i < a->nl; i++) {
		l = &a->L[i];
		w = &t[2 * i];
		b = &t[2 * i + 1];
		memset(w, 0, sizeof *w);
		memset(b, 0, sizeof *b);
		snprintf(w->name, sizeof w->name, "%s.w", l->name);
		snprintf(b->name, sizeof b->name, "%s.b", l->name);
		w->ndim = 4;
		w->dim[0] = l->c.transposed ? l->c.ic : l->c.oc;
		w->dim[1] = l->c.transposed ? l->c.oc : l->c.ic;
		w->dim[2] = w->dim[3] = l->c.k;
		w->off = l->woff;
		w->n = nn_conv_nweights(&l->c);
		b->ndim = 1;
		b->dim[0] = l->c.oc;
		b->off = l->boff;
		b->n = l->c.oc;
	}
	return 2 * a->nl;
}

int
ae_meta_arch(const struct ae_config *cfg, char **meta)
{
	if (model_meta_set(meta, "arch", "bergmann-cae") == -1 ||
	    model_meta_set(meta, "patch", "%d", cfg->patch) == -1 ||
	    model_meta_set(meta, "channels", "%d", cfg->channels) == -1 ||
	    model_meta_set(meta, "width", "%d", cfg->width) == -1 ||
	    model_meta_set(meta, "latent", "%d", cfg->latent) == -1 ||
	    model_meta_set(meta, "down", "%d", cfg->down) == -1)
		return -1;
	return 0;
}

int
ae_config_from_meta(const char *meta, struct ae_config *cfg, char *err,
    size_t errlen)
{
	char arch[32];
	long v[5];

	if (model_meta_get(meta, "arch", arch, sizeof arch) == -1 ||
	    strcmp(arch, "bergmann-cae") != 0) {
		snprintf(err, errlen, "unknown network architecture");
		return -1;
	}
	if (model_meta_long(meta, "patch", 1, AE_MAX_PATCH, &v[0], err,
	    errlen) == -1 ||
	    model_meta_long(meta, "channels", 1, 3, &v[1], err, errlen) == -1 ||
	    model_meta_long(meta, "width", 1, AE_MAX_WIDTH, &v[2], err,
	    errlen) == -1 ||
	    model_meta_long(meta, "latent", 1, AE_MAX_LATENT, &v[3], err,
	    errlen) == -1 ||
	    model_meta_long(meta, "down", 4, 5, &v[4], err, errlen) == -1)
		return -1;
	*cfg = (struct ae_config){ (int)v[0], (int)v[1], (int)v[2],
	    (int)v[3], (int)v[4] };
	return ae_config_check(cfg, err, errlen);
}

int
ae_load_params(struct ae *a, const struct model *m, char *err,
    size_t errlen)
{
	struct model_tensor t[2 * AE_MAXL];
	const struct model_tensor *mt;
	int n = ae_tensors(a, t), i;

	for (i = 0; i < n; i++) {
		mt = model_tensor(m, t[i].name);
		if (mt == NULL) {
			snprintf(err, errlen, "tensor '%s' is missing",
			    t[i].name);
			return -1;
		}
		if (mt->ndim != t[i].ndim || memcmp(mt->dim, t[i].dim,
		    sizeof mt->dim) != 0) {
			snprintf(err, errlen, "tensor '%s' has the wrong "
			    "shape", t[i].name);
			return -1;
		}
		memcpy(a->params + t[i].off, m->data + mt->off,
		    t[i].n * sizeof(float));
	}
	ae_params_changed(a);
	return 0;
}
