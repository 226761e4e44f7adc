/*
 * act: element-wise activations with a bias, in place, for CNHW tensors
 * (C, B, H, W): each channel's block of B*H*W values shares one bias.
 * The backward pass needs only the activated output y, never the input:
 * LeakyReLU keeps the sign (slope 0.2 > 0), the sigmoid's derivative is
 * y (1 - y).  That lets a layer overwrite its pre-activation in place.
 */
#ifndef LK_NN_ACT_H
#define LK_NN_ACT_H

enum nn_act {
	NN_ACT_NONE,	/* identity (the latent layer) */
	NN_ACT_LRELU,	/* LeakyReLU, slope 0.2 below zero */
	NN_ACT_SIGMOID	/* 1 / (1 + exp(-x)) (the output layer) */
};

#define NN_LRELU_SLOPE 0.2f

/*
 * y (C, n) = act(y + bias[c]) in place; bias may be NULL (no bias).
 */
void nn_act_forward(enum nn_act a, int C, long n, const float *bias,
    float *y);

/*
 * dy (n) *= act'(pre), the derivative written in terms of the output y
 * (n).  For LeakyReLU an output of exactly 0 (the kink) takes the slope
 * 0.2; the gradient checks keep away from it.
 */
void nn_act_backward(enum nn_act a, long n, const float *y, float *dy);

/* db[c] += the sum of dy's channel c, dy (C, n); in double. */
void nn_bias_backward(int C, long n, const float *dy, float *db);

/* nn_act_backward then nn_bias_backward, in one pass over dy (C, n). */
void nn_act_bias_backward(enum nn_act a, int C, long n, const float *y,
    float *dy, float *db);

#endif
