/*
 * conv: 2-D convolution and transposed convolution layers with a square
 * kernel, stride and zero padding, forward and backward, by im2col plus
 * one sgemm per chunk of samples (Caffe's im2col/col2im, as in darknet).
 *
 * Tensors are CNHW: (C, B, H, W), every channel one contiguous block of
 * B*H*W values.  A conv output of the gemm (OC, B*OH*OW) is then already
 * the next layer's input, so a whole chunk of samples is one sgemm with a
 * large N, which the deep layers (8x8 pixels) need to run fast.
 *
 * Weights use PyTorch's layouts: a convolution w (OC, IC*K*K), a transposed
 * convolution w (IC, OC*K*K); bias (OC).  The layer's activation is fused:
 * forward applies bias and activation in one pass over the output, and
 * backward starts by turning dy into the pre-activation gradient in place.
 *
 * The caller supplies one workspace, sized once for the largest layer
 * (nn_conv_wsize()); nothing here allocates.  Work is split into chunks
 * of output rows (across samples) whose column matrix fits in about 1 MiB,
 * the L2 cache, so im2col's output is still cached when sgemm reads it.
 */
#ifndef LK_NN_CONV_H
#define LK_NN_CONV_H

#include <stddef.h>

#include "nn/act.h"

struct nn_conv {
	int ic, oc;		/* input, output channels */
	int k, s, p;		/* kernel side, stride, zero padding */
	int transposed;		/* 0 convolution, 1 transposed */
	enum nn_act act;	/* applied after the bias */
};

/*
 * Output side for an input side n: (n + 2p - k) / s + 1 for a convolution
 * (0 when the kernel does not fit), (n - 1) s - 2p + k for a transposed one.
 */
int nn_conv_outside(const struct nn_conv *c, int n);

/* Weights and bias counts: ic * oc * k * k, and oc. */
long nn_conv_nweights(const struct nn_conv *c);

/*
 * Workspace floats for B samples of h x w: the whole column matrix if it
 * is small, else one chunk (at least one output row).
 */
size_t nn_conv_wsize(const struct nn_conv *c, int B, int h, int w);

/* Set the chunk size in floats (default 2^18); for benchmarks. */
void nn__conv_set_chunk(size_t floats);

/*
 * Weights laid out once for many forward passes on h x w inputs: packed
 * (nn_conv_nweights floats) from wt.  Returns 1, or 0 when the layer runs
 * from wt as it is (then pass NULL to nn_conv_forward).  Packing inside
 * every forward pass costs about 1 ms for the auto-encoder's million
 * weights, a lot for passes over a few windows.
 */
int nn_conv_pack(const struct nn_conv *c, int h, int w, const float *wt,
    float *packed);

/*
 * Activations between two layers of the AVX-512 path can stay in the
 * layout its kernels read, a padded grid: per channel, the samples' h x w
 * pixels in frames of (h + 1) x (w + 1) with a zero top row and left
 * column, laid end to end (see direct.c).  The next layer then reads the
 * previous one's output where it lies, instead of a copy out of one
 * layout and into the other.  nn_conv_grid_ok says whether layer c on h x
 * w inputs can read its input (NN_GRID_IN) or write its output
 * (NN_GRID_OUT) so; nn_conv_grid_size gives the floats of such a buffer.
 */
#define NN_GRID_IN 1
#define NN_GRID_OUT 2
int nn_conv_grid_ok(const struct nn_conv *c, int h, int w, int how);
size_t nn_conv_grid_size(int C, int B, int h, int w);

/*
 * Forward for B samples of h x w: x (IC, B, h, w) -> y (OC, B, oh, ow),
 * y = act(conv(x, w) + bias).  packed is what nn_conv_pack() made of wt,
 * or NULL.  grid says which of x and y are padded grids (NN_GRID_IN,
 * NN_GRID_OUT, as nn_conv_grid_ok allows), or 0 (both dense).  ws holds
 * wsn floats, at least what nn_conv_wsize() asks for.
 */
void nn_conv_forward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *packed, const float *bias,
    float *y, int grid, float *ws, size_t wsn);

/*
 * Backward.  y is the forward output and dy (OC, B, oh, ow) its gradient;
 * dy is overwritten with the pre-activation gradient.  dw (like wt) and db
 * (OC) are accumulated (+=); dx (IC, B, h, w) is overwritten, or skipped
 * when NULL (the first layer).
 */
void nn_conv_backward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *y, float *dy, float *dx,
    float *dw, float *db, float *ws, size_t wsn);

#endif
