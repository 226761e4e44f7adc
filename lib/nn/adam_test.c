/*
 * adam_test: Adam and AdamW against a double-precision transcription of
 * the update (torch.optim.Adam / AdamW semantics), and convergence on a
 * quadratic.
 */
#include <stdio.h>
#include <string.h>

#include "nn/adam.h"
#include "nn/gradcheck.h"
#include "test.h"

#define N 64

/* The reference: nsteps on f(p) = sum c_i (p_i - 1)^2 / 2. */
static double
reference(const struct nn_adam *o, int nsteps, const float *c, double *p)
{
	double m[N] = { 0 }, v[N] = { 0 }, g, mh, vh, err = 0;
	int t, i;

	for (t = 1; t <= nsteps; t++)
		for (i = 0; i < N; i++) {
			g = c[i] * (p[i] - 1);
			if (o->decoupled)
				p[i] *= 1 - (double)o->lr * o->wd;
			else
				g += o->wd * p[i];
			m[i] = o->b1 * m[i] + (1 - (double)o->b1) * g;
			v[i] = o->b2 * v[i] + (1 - (double)o->b2) * g * g;
			mh = m[i] / (1 - pow(o->b1, t));
			vh = v[i] / (1 - pow(o->b2, t));
			p[i] -= o->lr * mh / (sqrt(vh) + o->eps);
		}
	for (i = 0; i < N; i++)
		err = fmax(err, fabs(p[i] - 1));
	return err;
}

static void
run(int decoupled, float wd)
{
	struct gc_rng r = { 5 };
	struct nn_adam o;
	float p[N], g[N], m[N], v[N], c[N];
	double pr[N], diff = 0, e0;
	char what[128];
	int t, i;

	nn_adam_init(&o);
	o.decoupled = decoupled;
	o.wd = wd;
	o.lr = 0.05f;
	gc_fill(&r, p, N, -2, 2);
	gc_fill(&r, c, N, 0.5f, 3);
	for (i = 0; i < N; i++)
		pr[i] = p[i];
	memset(m, 0, sizeof m);
	memset(v, 0, sizeof v);
	for (i = 0, e0 = 0; i < N; i++)
		e0 = fmax(e0, fabs(p[i] - 1));
	for (t = 1; t <= 300; t++) {
		for (i = 0; i < N; i++)
			g[i] = c[i] * (p[i] - 1);
		nn_adam_update(&o, t, N, p, g, m, v);
	}
	reference(&o, 300, c, pr);
	for (i = 0; i < N; i++)
		diff = fmax(diff, fabs(p[i] - pr[i]));
	snprintf(what, sizeof what, "%s wd %g: 300 steps match the double "
	    "reference (max diff %.2g)", decoupled ? "AdamW" : "Adam", wd,
	    diff);
	t_ok(diff < 1e-4, what);
	for (i = 0, diff = 0; i < N; i++)
		diff = fmax(diff, fabs(p[i] - 1));
	snprintf(what, sizeof what, "%s wd %g: converges on a quadratic "
	    "(%.3g -> %.3g)", decoupled ? "AdamW" : "Adam", wd, e0, diff);
	t_ok(diff < 0.05 && diff < e0 / 20, what);
}

int
main(void)
{
	struct nn_adam o;
	float p[1] = { 1 }, g[1] = { 0 }, m[1] = { 0 }, v[1] = { 0 };
	float q[1] = { 1 }, mq[1] = { 0 }, vq[1] = { 0 };

	nn_adam_init(&o);
	t_ok(o.lr == 2e-4f && o.wd == 1e-5f && !o.decoupled,
	    "defaults: lr 2e-4, L2 weight decay 1e-5");
	run(0, 0);
	run(0, 1e-2f);
	run(1, 1e-2f);
	/* with a zero gradient, L2 decay moves p by ~lr, AdamW by lr wd p */
	o.wd = 0.1f;
	nn_adam_update(&o, 1, 1, p, g, m, v);
	o.decoupled = 1;
	nn_adam_update(&o, 1, 1, q, g, mq, vq);
	t_near(1 - p[0], o.lr, 1e-7, "L2 decay goes through the moments");
	t_near(1 - q[0], o.lr * o.wd, 1e-7, "AdamW decay is decoupled");
	return t_done();
}
