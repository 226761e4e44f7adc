/*
 * act_test: LeakyReLU and sigmoid with bias against their definitions and
 * central finite differences (LeakyReLU sampled away from its kink), and
 * the bias gradient.
 */
#include <stdio.h>

#include "nn/act.h"
#include "nn/gradcheck.h"
#include "test.h"

#define C 3
#define NP 50

static double
f_ref(enum nn_act a, double v)
{
	if (a == NN_ACT_LRELU)
		return v > 0 ? v : 0.2 * v;
	if (a == NN_ACT_SIGMOID)
		return 1 / (1 + exp(-v));
	return v;
}

static void
check(enum nn_act a, const char *name)
{
	struct gc_rng r = { 11 };
	float x[C * NP], y[C * NP], dy[C * NP], bias[C], db[C] = { 0 };
	float gup[C * NP];
	struct gc_err e = { 0, 0, 0, 0 }, eb = { 0, 0, 0, 0 };
	double worst = 0, num, sb;
	char what[128];
	int c, i;

	gc_fill(&r, x, C * NP, -3, 3);
	gc_fill(&r, bias, C, -0.5f, 0.5f);
	gc_fill(&r, gup, C * NP, -1, 1);
	for (i = 0; i < C * NP; i++) {
		/* keep LeakyReLU samples 0.05 away from the kink */
		if (fabs(x[i] + bias[i / NP]) < 0.05)
			x[i] += 0.1f;
		y[i] = x[i];
	}
	nn_act_forward(a, C, NP, bias, y);
	for (i = 0; i < C * NP; i++)
		worst = fmax(worst, fabs(y[i] - f_ref(a, x[i] + bias[i / NP])));
	snprintf(what, sizeof what, "%s forward with bias (max err %.2g)",
	    name, worst);
	t_ok(worst < 1e-6, what);
	for (i = 0; i < C * NP; i++)
		dy[i] = gup[i];
	nn_act_backward(a, C * NP, y, dy);
	nn_bias_backward(C, NP, dy, db);
	for (i = 0; i < C * NP; i++) {
		double v = x[i] + bias[i / NP];

		num = (f_ref(a, v + 1e-4) - f_ref(a, v - 1e-4)) / 2e-4 *
		    gup[i];
		gc_add(&e, dy[i], num);
	}
	for (c = 0; c < C; c++) {
		for (i = 0, sb = 0; i < NP; i++) {
			double v = x[c * NP + i] + bias[c];

			sb += (f_ref(a, v + 1e-4) - f_ref(a, v - 1e-4)) /
			    2e-4 * gup[c * NP + i];
		}
		gc_add(&eb, db[c], sb);
	}
	snprintf(what, sizeof what, "%s backward matches finite differences "
	    "(err %.2g, bias %.2g)", name, gc_error(&e), gc_error(&eb));
	t_ok(gc_error(&e) < 1e-5 && gc_error(&eb) < 1e-5, what);
	{	/* the fused pass gives the same */
		float d2[C * NP], db2[C] = { 0 };
		int same = 1;

		for (i = 0; i < C * NP; i++)
			d2[i] = gup[i];
		nn_act_bias_backward(a, C, NP, y, d2, db2);
		for (i = 0; i < C * NP; i++)
			same = same && d2[i] == dy[i];
		for (c = 0; c < C; c++)
			same = same && fabsf(db2[c] - db[c]) <= 1e-6f *
			    (1 + fabsf(db[c]));
		snprintf(what, sizeof what, "%s fused act+bias backward "
		    "agrees", name);
		t_ok(same, what);
	}
}

int
main(void)
{
	float y[2] = { 0, -1 }, d[2] = { 1, 1 };

	check(NN_ACT_NONE, "identity");
	check(NN_ACT_LRELU, "LeakyReLU(0.2)");
	check(NN_ACT_SIGMOID, "sigmoid");
	nn_act_backward(NN_ACT_LRELU, 2, y, d);
	t_ok(d[0] == 0.2f && d[1] == 0.2f, "LeakyReLU output 0 takes slope 0.2");
	return t_done();
}
