/*
 * lstm: a stack of LSTM layers (Hochreiter and Schmidhuber 1997, with the
 * forget gate of Gers et al. 2000; the gate equations and order i, f, g, o
 * of torch.nn.LSTM) and a linear head, forward and backward through time.
 *
 * At each step t the first layer reads x_t (nin), each further layer the
 * hidden state of the one below, and the head maps the top hidden state
 * h_t together with head-only inputs z_t (nz, e.g. covariates known for
 * the periods being forecast) to nout outputs:
 *
 *   a_t = Wx x_t + Wh h_{t-1} + b          (4 nhid)
 *   i, f, o = sigmoid(a_i, a_f, a_o);  g = tanh(a_g)
 *   c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
 *   y_t = Wo [h_t ; z_t] + bo              (nout)
 *
 * Training is truncated backpropagation through time (Williams and Peng
 * 1990): lstm_forward() runs a window of up to maxT steps from the
 * carried state and keeps the activations; lstm_backward() takes dL/dy
 * for those steps and accumulates the gradients, which do not flow back
 * into the state the window started from.  The state after the window is
 * carried on to the next.
 *
 * Memory (CONVENTIONS section 12, after llm.c): one buffer holds params,
 * grads and the two Adam moments, each nparams floats in the same
 * layout: per layer Wx (4 nhid, in), Wh (4 nhid, nhid), b (4 nhid); then
 * Wo (nout, nhid + nz), bo (nout).  Activations for maxT steps are
 * allocated once; nothing is allocated after lstm_init().  Products go
 * through OpenBLAS (nn_gemm, cblas_sgemv).
 */
#ifndef LK_NN_LSTM_H
#define LK_NN_LSTM_H

#include <stddef.h>
#include <stdint.h>

#define LSTM_MAXLAYERS 4

struct lstm_layer {
	int nin;	/* input width: nin of the net, or nhid */
	float *wx;	/* (4 nhid, nin) views into params */
	float *wh;	/* (4 nhid, nhid) */
	float *b;	/* (4 nhid) */
	float *gwx, *gwh, *gb;	/* the same in grads */
	/* activations of the current window */
	float *gate;	/* (maxT, 4 nhid): i f g o after their functions */
	float *c;	/* (maxT + 1, nhid): c[0] the carried state */
	float *tc;	/* (maxT, nhid): tanh(c_t) */
	float *h;	/* (maxT + 1, nhid): h[0] the carried state */
	float *da;	/* (maxT, 4 nhid): a_t, then dL/da_t */
	float *dh;	/* (maxT, nhid): dL/dh_t from above */
};

struct lstm {
	int nin, nhid, nlayers, nz, nout, maxT;
	size_t nparams;
	float *params;	/* (nparams) */
	float *grads;	/* (nparams) */
	float *m, *v;	/* (nparams) Adam moments */
	float *wo, *bo;	/* (nout, nhid + nz), (nout): views into params */
	float *gwo, *gbo;
	struct lstm_layer layer[LSTM_MAXLAYERS];
	float *hz;	/* (maxT, nhid + nz): head input of the window */
	float *x;	/* (maxT, nin): the window's input */
	float *dnext;	/* (2 nhid): dL/dh and dL/dc of the next step */
	float *mem;	/* the one allocation */
	int T;		/* steps in the current window */
};

/*
 * Set up a net (1 <= nlayers <= LSTM_MAXLAYERS, nin, nhid, nout >= 1,
 * nz >= 0, maxT >= 1) with PyTorch's initialisation: every weight and
 * bias uniform in +-1/sqrt(nhid) (the head +-1/sqrt(nhid + nz)) from a
 * generator seeded with seed, then forget-gate biases set to 1 (Gers
 * 2000, Jozefowicz 2015).  Gradients, moments and state are zero.  0, or
 * -1 with err filled (bad sizes, out of memory).
 */
int lstm_init(struct lstm *n, int nin, int nhid, int nlayers, int nz,
    int nout, int maxT, uint64_t seed, char *err, size_t errlen);

void lstm_free(struct lstm *n);

/* Zero the carried state (the start of a sequence). */
void lstm_reset(struct lstm *n);

/*
 * Run T steps (1 <= T <= maxT) from the carried state: x (T, nin),
 * z (T, nz) (NULL when nz is 0), out (T, nout).  Keeps the activations
 * for lstm_backward() and carries the final state on.
 */
void lstm_forward(struct lstm *n, const float *x, const float *z, int T,
    float *out);

/*
 * Backward through the window of the last lstm_forward(): dout (T,
 * nout) is dL/dout (zero rows for steps without a loss).  Adds to grads.
 */
void lstm_backward(struct lstm *n, const float *dout);

/* grads = 0. */
void lstm_zero_grad(struct lstm *n);

/*
 * Copy the carried state out to / in from s, nlayers * 2 * nhid floats
 * (h then c per layer).
 */
void lstm_get_state(const struct lstm *n, float *s);
void lstm_set_state(struct lstm *n, const float *s);

#endif
