/*
 * ae_test: the auto-encoder.  Layer table and FLOP count of the default
 * 128 network and the 256 variant; a full-network gradient check (every
 * parameter, central differences, LeakyReLU kinks skipped) on tiny grey
 * and RGB configurations; lanes: two threads give the one-thread gradient,
 * and a fixed seed and thread count give bit-identical training; training
 * lowers the loss; the inference path (a few samples at a time, weights
 * packed once) agrees with the training path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/ae.h"
#include "nn/gradcheck.h"
#include "nn/loss.h"
#include "test.h"

static void
check_tables(void)
{
	struct ae_config cfg;
	struct ae a;
	char err[AE_ERRLEN], what[160];
	int i, ok;

	ae_config_default(&cfg, 128);
	t_ok(ae_init(&a, &cfg, 1, 1, err, sizeof err) == 0, "default builds");
	snprintf(what, sizeof what, "128 net: 18 layers, %.1f MFLOP forward "
	    "per patch (242.5 expected)", ae_flops(&a) / 1e6);
	t_ok(a.nl == 18 && fabs(ae_flops(&a) / 1e6 - 242.5) < 0.1, what);
	ok = a.L[8].c.oc == 100 && a.L[8].c.k == 8 && a.L[8].oh == 1 &&
	    a.L[9].c.transposed && a.L[9].oh == 8 && a.L[17].oh == 128 &&
	    a.L[17].c.act == NN_ACT_SIGMOID && a.L[8].c.act == NN_ACT_NONE &&
	    a.L[5].c.oc == 128 && a.L[5].oh == 8;
	for (i = 0; i < a.nl; i++)
		ok = ok && a.L[i].woff % 16 == 0 && a.L[i].boff % 16 == 0;
	t_ok(ok, "128 net: latent 8x8 valid -> 100, mirror, 64-byte tensors");
	ae_free(&a);

	ae_config_default(&cfg, 256);
	t_ok(ae_init(&a, &cfg, 1, 1, err, sizeof err) == 0, "256 builds");
	t_ok(a.nl == 20 && a.L[9].c.oc == 500 && a.L[9].c.k == 8 &&
	    a.L[2].c.s == 2 && a.L[19].oh == 256, "256 net: one more stride-2 "
	    "layer per half, latent 500");
	ae_free(&a);

	cfg.patch = 200;
	t_ok(ae_init(&a, &cfg, 1, 1, err, sizeof err) == -1 &&
	    strstr(err, "multiple of 32") != NULL, "patch not a multiple of "
	    "the stride is refused");
	cfg.patch = 256;
	cfg.channels = 2;
	t_ok(ae_config_check(&cfg, err, sizeof err) == -1, "2 channels refused");
}

static void
batch(struct gc_rng *r, int n, int C, int P, float *x)
{
	int b, c, i, j;
	float f, ph;

	for (b = 0; b < n; b++) {
		f = gc_unif(r, 0.2f, 0.8f);
		ph = gc_unif(r, 0, 6);
		for (c = 0; c < C; c++)
			for (i = 0; i < P; i++)
				for (j = 0; j < P; j++)
					x[((b * C + c) * P + i) * P + j] = 0.5f +
					    0.3f * sinf(f * i + ph + c) *
					    cosf(0.7f * f * j) +
					    gc_unif(r, -0.05f, 0.05f);
	}
}

/* Sign pattern of every LeakyReLU output of lane 0. */
static long
signs(const struct ae *a, unsigned char *s)
{
	const struct ae_layer *l;
	long n = 0, k, i;
	int j;

	for (j = 0; j < a->nl; j++) {
		l = &a->L[j];
		if (l->c.act != NN_ACT_LRELU)
			continue;
		k = (long)l->c.oc * a->lane[0].nb * l->oh * l->ow;
		for (i = 0; i < k; i++)
			s[n++] = a->lane[0].act[j + 1][i] > 0;
	}
	return n;
}

static double
loss_only(struct ae *a, int B, const float *x, double wl2)
{
	return ae_loss_grad(a, B, x, wl2);
}

/* Whole-network check; width 8 and up sends the middle layers through
 * the AVX-512 path, and about 600 parameters spread over all are checked. */
static void
gradcheck(int C, double wl2, int width)
{
	struct ae_config cfg = { 16, C, width, 3, 4 };
	struct gc_rng r = { 21 };
	struct gc_err e = { 0, 0, 0, 0 };
	struct ae a;
	char err[AE_ERRLEN], what[200];
	unsigned char *s0, *s1;
	float *x, *g, keep;
	const float eps = 1e-2f;
	double lp, lm;
	long i, ns, skipped = 0, step;
	int B = 2;

	if (!t_ok(ae_init(&a, &cfg, B, 1, err, sizeof err) == 0, "tiny builds"))
		return;
	ae_init_params(&a, 1);
	x = malloc((size_t)B * C * 256 * sizeof *x);
	g = malloc(a.nparams * sizeof *g);
	s0 = malloc(1 << 18);
	s1 = malloc(1 << 18);
	batch(&r, B, C, 16, x);
	/* non-zero biases, so their gradients are exercised too */
	for (i = 0; i < a.nl; i++)
		gc_fill(&r, a.params + a.L[i].boff, a.L[i].c.oc, -0.1f, 0.1f);
	ae_loss_grad(&a, B, x, wl2);
	memcpy(g, a.grad, a.nparams * sizeof *g);
	ns = signs(&a, s0);
	step = a.nparams > 3000 ? a.nparams / 600 | 1 : 1;
	for (i = 0; i < a.nparams; i += step) {
		keep = a.params[i];
		a.params[i] = keep + eps;
		lp = loss_only(&a, B, x, wl2);
		if (signs(&a, s1) != ns || memcmp(s0, s1, ns) != 0) {
			a.params[i] = keep;
			skipped++;
			continue;
		}
		a.params[i] = keep - eps;
		lm = loss_only(&a, B, x, wl2);
		a.params[i] = keep;
		if (signs(&a, s1) != ns || memcmp(s0, s1, ns) != 0) {
			skipped++;
			continue;
		}
		gc_add(&e, g[i], (lp - lm) / (2 * eps));
	}
	snprintf(what, sizeof what, "whole network C=%d width %d wl2=%.1f: "
	    "%ld gradients match finite differences (err %.2g, %ld at kinks "
	    "skipped)", C, width, wl2, e.n, gc_error(&e), skipped);
	/* float32 forward, eps 1e-2: a right gradient scores ~1e-4..1e-3 (the
	 * im2col and AVX-512 paths alike), a wrong one 1e-1 and up */
	t_ok(gc_error(&e) < 2e-3 && e.n > a.nparams / step / 2, what);
	ae_free(&a);
	free(x);
	free(g);
	free(s0);
	free(s1);
}

static void
lanes(void)
{
	struct ae_config cfg = { 32, 1, 4, 8, 4 };
	struct gc_rng r = { 5 };
	struct ae a1, a2, a3;
	char err[AE_ERRLEN], what[160];
	float *x = malloc(7 * 1024 * sizeof *x), *y1, *y2;
	double l1, l2, d = 0, first = 0, last = 0;
	long i;
	int t;

	batch(&r, 7, 1, 32, x);
	ae_init(&a1, &cfg, 7, 1, err, sizeof err);
	ae_init(&a2, &cfg, 7, 2, err, sizeof err);
	ae_init(&a3, &cfg, 7, 2, err, sizeof err);
	ae_init_params(&a1, 9);
	ae_init_params(&a2, 9);
	ae_init_params(&a3, 9);
	l1 = ae_loss_grad(&a1, 7, x, 0.5);
	l2 = ae_loss(&a2, 7, x, 0.5);
	t_ok(fabs(l1 - l2) < 1e-6, "loss without gradient, two lanes, is the "
	    "same loss");
	l2 = ae_loss_grad(&a2, 7, x, 0.5);
	for (i = 0; i < a1.nparams; i++)
		d = fmax(d, fabs(a1.grad[i] - a2.grad[i]));
	snprintf(what, sizeof what, "two lanes give the one-lane loss and "
	    "gradient (loss diff %.2g, grad diff %.2g)", fabs(l1 - l2), d);
	t_ok(fabs(l1 - l2) < 1e-6 && d < 1e-6, what);
	y1 = malloc(7 * 1024 * sizeof *y1);
	y2 = malloc(7 * 1024 * sizeof *y2);
	ae_forward(&a1, 7, x, y1);
	ae_forward(&a2, 7, x, y2);
	for (i = 0, d = 0; i < 7 * 1024; i++)
		d = fmax(d, fabs(y1[i] - y2[i]));
	t_ok(d < 1e-6, "two lanes reconstruct like one");
	a2.opt.lr = a3.opt.lr = 2e-3f;
	for (t = 0; t < 60; t++) {
		l2 = ae_train_step(&a2, 7, x, 0.5);
		ae_train_step(&a3, 7, x, 0.5);
		if (t == 0)
			first = l2;
		last = l2;
	}
	t_ok(memcmp(a2.params, a3.params, a2.nparams * sizeof(float)) == 0,
	    "same seed and threads: bit-identical after 60 steps");
	snprintf(what, sizeof what, "training lowers the loss (%.4f -> %.4f)",
	    first, last);
	t_ok(last < 0.7 * first, what);
	ae_free(&a1);
	ae_free(&a2);
	ae_free(&a3);
	free(x);
	free(y1);
	free(y2);
}

/* Save through the model file and load into a fresh network. */
/* Largest difference of n floats. */
static double
maxdiff(const float *a, const float *b, long n)
{
	double d = 0;
	long i;

	for (i = 0; i < n; i++)
		d = fmax(d, fabs(a[i] - b[i]));
	return d;
}

/*
 * ae_forward runs a few samples at a time with weights packed once: the
 * same reconstruction as the whole batch at once, the same L2 loss as the
 * training path (which packs in every pass), and repacked whenever the
 * parameters change.  Width 8 puts every 3x3 and 4x4 layer on the
 * AVX-512 path where the CPU has it.
 */
static void
packed_forward(int C)
{
	struct ae_config cfg = { 64, C, 8, 16, 4 };
	struct gc_rng r = { 11 };
	struct ae a, b;
	char err[AE_ERRLEN], what[200];
	int B = 5;
	long n = (long)B * C * 64 * 64;
	float *x = malloc(n * sizeof *x), *y1 = malloc(n * sizeof *y1);
	float *y2 = malloc(n * sizeof *y2), *y3 = malloc(n * sizeof *y3);
	double e1, e2, e3, l;

	batch(&r, B, C, 64, x);
	if (!t_ok(ae_init(&a, &cfg, B, 2, err, sizeof err) == 0 &&
	    ae_init(&b, &cfg, B, 2, err, sizeof err) == 0, "width-8 64 net "
	    "builds"))
		return;
	ae_init_params(&a, 3);
	a.sub = 1;
	ae_forward(&a, B, x, y1);
	a.sub = B;
	ae_forward(&a, B, x, y2);
	e1 = maxdiff(y1, y2, n);
	l = nn_loss_mix(1, B * C, B * C, 64, 64, y1, x, NULL, NULL);
	e2 = fabs(l - ae_loss(&a, B, x, 1));
	snprintf(what, sizeof what, "C=%d: one sample at a time reconstructs "
	    "like the batch at once (diff %.2g), with the training path's "
	    "loss (diff %.2g)", C, e1, e2);
	t_ok(e1 < 1e-6 && e2 < 1e-7, what);

	ae_loss_grad(&a, B, x, 1);
	ae_update(&a);
	ae_forward(&a, B, x, y2);
	l = nn_loss_mix(1, B * C, B * C, 64, 64, y2, x, NULL, NULL);
	e1 = maxdiff(y1, y2, n);
	e2 = fabs(l - ae_loss(&a, B, x, 1));
	ae_init_params(&b, 4);
	ae_forward(&b, B, x, y3);	/* b's packed weights are current */
	memcpy(b.params, a.params, a.nparams * sizeof(float));
	ae_params_changed(&b);
	ae_forward(&b, B, x, y3);
	e3 = maxdiff(y2, y3, n);
	snprintf(what, sizeof what, "C=%d: after a step the weights are "
	    "repacked (output moved %.2g, loss diff %.2g); params written "
	    "directly and declared changed give the same output (diff %.2g)",
	    C, e1, e2, e3);
	t_ok(e1 > 0 && e2 < 1e-7 && e3 == 0, what);
	ae_free(&a);
	ae_free(&b);
	free(x); free(y1); free(y2); free(y3);
}

static void
save_load(void)
{
	struct ae_config cfg = { 32, 3, 4, 8, 4 }, c2;
	struct model_tensor t[2 * AE_MAXL];
	struct gc_rng r = { 8 };
	struct ae a, b;
	struct model m;
	char err[AE_ERRLEN], *meta = NULL, path[] = "/tmp/ae_testXXXXXX";
	float *x = malloc(2 * 3 * 1024 * sizeof *x), *y1, *y2;
	int fd, n, ok;

	y1 = malloc(2 * 3 * 1024 * sizeof *y1);
	y2 = malloc(2 * 3 * 1024 * sizeof *y2);
	batch(&r, 2, 3, 32, x);
	ae_init(&a, &cfg, 2, 1, err, sizeof err);
	ae_init_params(&a, 4);
	ae_forward(&a, 2, x, y1);
	n = ae_tensors(&a, t);
	fd = mkstemp(path);
	close(fd);
	ok = ae_meta_arch(&cfg, &meta) == 0 && model_write(path, "ae", meta, t,
	    n, a.params, a.nparams, err, sizeof err) == 0 &&
	    model_read(&m, path, "ae", err, sizeof err) == 0;
	if (!t_ok(ok, "network saved and read back"))
		printf("# %s\n", err);
	ok = ok && ae_config_from_meta(m.meta, &c2, err, sizeof err) == 0 &&
	    memcmp(&c2, &cfg, sizeof cfg) == 0 &&
	    ae_init(&b, &c2, 2, 1, err, sizeof err) == 0 &&
	    ae_load_params(&b, &m, err, sizeof err) == 0;
	t_ok(ok, "configuration and parameters load from the file");
	if (ok) {
		ae_forward(&b, 2, x, y2);
		t_ok(memcmp(y1, y2, 2 * 3 * 1024 * sizeof *y1) == 0,
		    "reloaded network reconstructs bit-identically");
		ae_free(&b);
	}
	if (ok) {
		m.t[3].dim[0]++;	/* enc2.b would be the wrong shape */
		ae_init(&b, &c2, 1, 1, err, sizeof err);
		t_ok(ae_load_params(&b, &m, err, sizeof err) == -1 &&
		    strcmp(err, "tensor 'enc2.b' has the wrong shape") == 0,
		    "a tensor of the wrong shape is refused");
		ae_free(&b);
		model_free(&m);
	}
	unlink(path);
	free(meta);
	ae_free(&a);
	free(x);
	free(y1);
	free(y2);
}

int
main(void)
{
	check_tables();
	gradcheck(1, 0.5, 2);
	gradcheck(3, 0, 2);
	gradcheck(1, 1, 2);
	gradcheck(1, 0.5, 8);
	lanes();
	packed_forward(1);
	packed_forward(3);
	save_load();
	return t_done();
}
