/*
 * direct: the AVX-512 path of the convolution layers (internal to conv.c).
 * See direct.c.  All functions are nn__-prefixed: shared inside lib/nn,
 * not public.
 */
#ifndef LK_NN_DIRECT_H
#define LK_NN_DIRECT_H

#include <stddef.h>

#include "nn/conv.h"

/*
 * Whether the direct path computes layer c's forward pass on h x w inputs:
 * 3x3 stride 1 pad 1 or 4x4 stride 2 pad 1 (a convolution needs even h,
 * w), at least 8 output channels, the CPU has AVX-512F, and the path
 * is enabled (nn__direct_enable).
 */
int nn__direct_ok(const struct nn_conv *c, int h, int w);

/* The same for the input gradient (at least 8 input channels) and the
 * weight gradient (8 input channels, output channels a multiple of 16). */
int nn__direct_dx_ok(const struct nn_conv *c, int h, int w);
int nn__direct_dw_ok(const struct nn_conv *c, int h, int w);

/* Workspace floats for B samples (0 when !nn__direct_ok). */
size_t nn__direct_wsize(const struct nn_conv *c, int B, int h, int w);

/* packed (nn_conv_nweights floats) = the weights wt laid out for the
 * forward kernels (needs nn__direct_ok). */
void nn__direct_pack(const struct nn_conv *c, int h, int w, const float *wt,
    float *packed);

/* Whether the layer reads its input (out 0) or writes its output (out 1)
 * as a padded grid (NN_GRID_IN, NN_GRID_OUT). */
int nn__direct_grid_ok(const struct nn_conv *c, int h, int w, int out);

/* Floats of C channels of B samples of h x w as a padded grid. */
size_t nn__direct_grid_size(int C, int B, int h, int w);

/*
 * y (OC, B, oh, ow) = conv(x), with the weights packed by nn__direct_pack
 * (or, when packed is NULL, packed here from wt); with the bias and the
 * activation applied as the output is stored, returning 1, or (a sigmoid
 * layer) without either, returning 0.  grid says which of x and y are
 * padded grids (NN_GRID_IN, NN_GRID_OUT) instead of dense.
 */
int nn__direct_forward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *packed, const float *bias,
    float *y, int grid, float *ws);

/* dx (IC, B, h, w) = the input gradient for pre-activation gradient dy. */
void nn__direct_dx(const struct nn_conv *c, int B, int h, int w,
    const float *dy, const float *wt, float *dx, float *ws);

/* dw += the weight gradient (needs nn__direct_dw_ok). */
void nn__direct_dw(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *dy, float *dw, float *ws);

/* Switch the path on (1, the default when the CPU has AVX-512) or off;
 * for tests and benchmarks.  Returns whether it is now on. */
int nn__direct_enable(int on);

#endif
