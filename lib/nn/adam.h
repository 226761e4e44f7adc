/*
 * adam: the Adam optimiser (Kingma & Ba 2015) over one contiguous
 * parameter buffer, with its gradient and both moments in the same layout
 * (llm.c), so an update is one loop and any slice can go to a thread.
 *
 * Weight decay comes in two forms, chosen by `decoupled`:
 *   0  L2: the gradient gets wd * p added before the moments, which is
 *      what torch.optim.Adam(weight_decay=) and Keras' kernel regulariser
 *      do, and what Bergmann et al. trained with.  The default.
 *   1  AdamW (Loshchilov & Hutter 2019): p -= lr * wd * p, apart from
 *      the adaptive step, as torch.optim.AdamW.
 */
#ifndef LK_NN_ADAM_H
#define LK_NN_ADAM_H

struct nn_adam {
	float lr;	/* learning rate (default 2e-4) */
	float b1, b2;	/* moment decay rates (0.9, 0.999) */
	float eps;	/* denominator floor (1e-8) */
	float wd;	/* weight decay (1e-5) */
	int decoupled;	/* 0 L2 weight decay, 1 AdamW */
};

/* The defaults above. */
void nn_adam_init(struct nn_adam *o);

/*
 * Step t (1 for the first) on n parameters: p (n) updated from the
 * gradient g (n); m and v (n) are the moments, zero before step 1.
 */
void nn_adam_update(const struct nn_adam *o, long t, long n, float *p,
    const float *g, float *m, float *v);

#endif
