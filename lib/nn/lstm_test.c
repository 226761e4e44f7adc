/*
 * lstm_test: the forward pass against a direct double-precision
 * transcription of the equations in lstm.h; every gradient (all
 * parameters of a two-layer net with head inputs, from a random carried
 * state) against central finite differences of L = <out, r>; state
 * carrying across windows; truncation (no gradient into the state a
 * window starts from).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gradcheck.h"
#include "nn/lstm.h"
#include "test.h"

enum { NIN = 3, NH = 5, NL = 2, NZ = 2, NO = 4, T = 7 };

static double
sg(double x)
{
	return 1 / (1 + exp(-x));
}

/* The equations of lstm.h in double from state s0; out (T, NO). */
static void
reference(const struct lstm *n, const float *s0, const float *x,
    const float *z, double *out)
{
	double h[NL][NH], c[NL][NH], in[NH > NIN ? NH : NIN], a[4 * NH];
	double hn[NH];
	int l, t, j, k, nin;

	for (l = 0; l < NL; l++)
		for (j = 0; j < NH; j++) {
			h[l][j] = s0[2 * NH * l + j];
			c[l][j] = s0[2 * NH * l + NH + j];
		}
	for (t = 0; t < T; t++) {
		for (k = 0; k < NIN; k++)
			in[k] = x[t * NIN + k];
		for (l = 0; l < NL; l++) {
			const struct lstm_layer *L = &n->layer[l];

			nin = L->nin;
			for (j = 0; j < 4 * NH; j++) {
				a[j] = L->b[j];
				for (k = 0; k < nin; k++)
					a[j] += (double)L->wx[j * nin + k] * in[k];
				for (k = 0; k < NH; k++)
					a[j] += (double)L->wh[j * NH + k] *
					    h[l][k];
			}
			for (j = 0; j < NH; j++) {
				double i = sg(a[j]), f = sg(a[NH + j]);
				double g = tanh(a[2 * NH + j]);
				double o = sg(a[3 * NH + j]);

				c[l][j] = f * c[l][j] + i * g;
				hn[j] = o * tanh(c[l][j]);
			}
			for (j = 0; j < NH; j++)
				in[j] = h[l][j] = hn[j];
		}
		for (j = 0; j < NO; j++) {
			double y = n->bo[j];

			for (k = 0; k < NH; k++)
				y += (double)n->wo[j * (NH + NZ) + k] * in[k];
			for (k = 0; k < NZ; k++)
				y += (double)n->wo[j * (NH + NZ) + NH + k] *
				    z[t * NZ + k];
			out[t * NO + j] = y;
		}
	}
}

static double
loss(struct lstm *n, const float *s0, const float *x, const float *z,
    const float *r, float *out)
{
	lstm_set_state(n, s0);
	lstm_forward(n, x, z, T, out);
	return gc_dot(out, r, T * NO);
}

int
main(void)
{
	float x[T * NIN], z[T * NZ], r[T * NO], out[T * NO], out2[T * NO];
	float s0[NL * 2 * NH], s1[NL * 2 * NH], save, *g1;
	double ref[T * NO], dmax = 0, lp, lm, eps = 1e-2;
	struct gc_rng g = { 12345 };
	struct gc_err ge = { 0, 0, 0, 0 }, gw[3];
	char err[128];
	struct lstm n;
	size_t i;
	int j, k;

	if (!t_ok(lstm_init(&n, NIN, NH, NL, NZ, NO, T, 7, err, sizeof err) ==
	    0, "init"))
		return t_done();
	t_ok(n.nparams == (size_t)(4 * NH * NIN + 4 * NH * NH + 4 * NH +
	    4 * NH * NH + 4 * NH * NH + 4 * NH + NO * (NH + NZ) + NO),
	    "parameter count");
	t_ok(n.layer[0].b[NH] == 1 && n.layer[1].b[2 * NH - 1] == 1,
	    "forget-gate biases start at 1");
	gc_fill(&g, n.params, (long)n.nparams, -0.6f, 0.6f);
	gc_fill(&g, x, T * NIN, -1, 1);
	gc_fill(&g, z, T * NZ, -1, 1);
	gc_fill(&g, r, T * NO, -1, 1);
	gc_fill(&g, s0, NL * 2 * NH, -0.5f, 0.5f);

	/* forward against the reference */
	lstm_set_state(&n, s0);
	lstm_forward(&n, x, z, T, out);
	reference(&n, s0, x, z, ref);
	for (j = 0; j < T * NO; j++)
		if (fabs(out[j] - ref[j]) > dmax)
			dmax = fabs(out[j] - ref[j]);
	t_ok(dmax < 1e-5, "forward equals the double reference");
	if (dmax >= 1e-5)
		printf("# max difference %g\n", dmax);

	/* analytic gradients of L = <out, r> */
	lstm_zero_grad(&n);
	loss(&n, s0, x, z, r, out);
	lstm_backward(&n, r);
	memset(gw, 0, sizeof gw);
	for (i = 0; i < n.nparams; i++) {
		save = n.params[i];
		n.params[i] = save + (float)eps;
		lp = loss(&n, s0, x, z, r, out2);
		n.params[i] = save - (float)eps;
		lm = loss(&n, s0, x, z, r, out2);
		n.params[i] = save;
		gc_add(&ge, n.grads[i], (lp - lm) / (2 * eps));
		/* per part: layer 0, layer 1, head */
		k = n.params + i < n.layer[1].wx ? 0 : n.params + i < n.wo ?
		    1 : 2;
		gc_add(&gw[k], n.grads[i], (lp - lm) / (2 * eps));
	}
	printf("# normalised gradient error: all %.2e, layer 0 %.2e, "
	    "layer 1 %.2e, head %.2e (%ld parameters)\n", gc_error(&ge),
	    gc_error(&gw[0]), gc_error(&gw[1]), gc_error(&gw[2]), ge.n);
	t_ok(gc_error(&gw[0]) < 1e-3, "layer 0 gradients match finite "
	    "differences");
	t_ok(gc_error(&gw[1]) < 1e-3, "layer 1 gradients match finite "
	    "differences");
	t_ok(gc_error(&gw[2]) < 1e-3, "head gradients match finite "
	    "differences");

	/* two windows carry the state: 3 + 4 steps equal 7 steps */
	lstm_set_state(&n, s0);
	lstm_forward(&n, x, z, T, out);
	lstm_get_state(&n, s1);
	lstm_set_state(&n, s0);
	lstm_forward(&n, x, z, 3, out2);
	lstm_forward(&n, x + 3 * NIN, z + 3 * NZ, 4, out2 + 3 * NO);
	t_ok(memcmp(out, out2, sizeof out) == 0,
	    "windows carry the state on exactly");
	lstm_get_state(&n, s0);
	t_ok(memcmp(s0, s1, sizeof s0) == 0, "get_state after either way");

	/*
	 * truncation: the gradient of a second window stops at its start,
	 * so it equals that of the same window run from its start state
	 * set explicitly
	 */
	lstm_set_state(&n, s1);
	lstm_forward(&n, x, z, 3, out2);
	lstm_get_state(&n, s0);
	lstm_forward(&n, x + 3 * NIN, z + 3 * NZ, 4, out2);
	lstm_zero_grad(&n);
	lstm_backward(&n, r);
	if ((g1 = malloc(n.nparams * sizeof *g1)) == NULL)
		return 1;
	memcpy(g1, n.grads, n.nparams * sizeof *g1);
	lstm_set_state(&n, s0);
	lstm_forward(&n, x + 3 * NIN, z + 3 * NZ, 4, out);
	lstm_zero_grad(&n);
	lstm_backward(&n, r);
	t_ok(memcmp(out, out2, 4 * NO * sizeof *out) == 0 &&
	    memcmp(g1, n.grads, n.nparams * sizeof *g1) == 0,
	    "truncated: no gradient into the carried state");
	free(g1);

	lstm_reset(&n);
	lstm_get_state(&n, s0);
	for (j = 0, k = 1; j < NL * 2 * NH; j++)
		k &= s0[j] == 0;
	t_ok(k, "reset zeroes the state");
	lstm_free(&n);
	t_ok(lstm_init(&n, 0, NH, NL, NZ, NO, T, 1, err, sizeof err) == -1 &&
	    strstr(err, "bad LSTM size") != NULL, "bad sizes refused");
	return t_done();
}
