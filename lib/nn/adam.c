/*
 * adam: Adam / AdamW update (see adam.h), bias-corrected as in the paper's
 * Algorithm 1:  m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 * p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 */
#include <math.h>

#include "nn/adam.h"
#include "nn/simd.h"

void
nn_adam_init(struct nn_adam *o)
{
	o->lr = 2e-4f;
	o->b1 = 0.9f;
	o->b2 = 0.999f;
	o->eps = 1e-8f;
	o->wd = 1e-5f;
	o->decoupled = 0;
}

NN_VEC static void
nn_adam_update_v(const struct nn_adam *o, long t, long n, float *p,
    const float *g, float *m, float *v)
{
	float c1 = (float)(1 / (1 - pow(o->b1, (double)t)));
	float c2 = (float)(1 / (1 - pow(o->b2, (double)t)));
	float l2 = o->decoupled ? 0 : o->wd;
	float dk = o->decoupled ? o->lr * o->wd : 0;
	float gi;
	long i;

	for (i = 0; i < n; i++) {
		gi = g[i] + l2 * p[i];
		m[i] = o->b1 * m[i] + (1 - o->b1) * gi;
		v[i] = o->b2 * v[i] + (1 - o->b2) * gi * gi;
		p[i] -= dk * p[i] + o->lr * (m[i] * c1) /
		    (sqrtf(v[i] * c2) + o->eps);
	}
}

void
nn_adam_update(const struct nn_adam *o, long t, long n, float *p,
    const float *g, float *m, float *v)
{
	nn_adam_update_v(o, t, n, p, g, m, v);
}
