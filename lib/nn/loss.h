/*
 * loss: reconstruction losses and the per-pixel residual maps used for
 * scoring.  Images are sets of planes of h x w floats (a CNHW tensor of
 * C channels and B samples is B*C planes, in any order, as long as y and
 * x agree).
 *
 * SSIM follows Wang et al. 2004 as used by Bergmann et al. 2019: an 11x11
 * Gaussian window (sigma 1.5, normalised to sum 1), k1 0.01, k2 0.03 for
 * a data range of 1, population (not sample) variances.  The loss uses
 * the valid window positions only, (h-10) x (w-10) per plane; the maps use
 * every pixel, the window clipped at the border and renormalised.  Window
 * sums are separable: a horizontal then a vertical 11-tap pass, and the
 * gradient scatters back through the same passes transposed.
 */
#ifndef LK_NN_LOSS_H
#define LK_NN_LOSS_H

#include <stddef.h>

#define NN_SSIM_WIN 11		/* window side */
#define NN_SSIM_SIGMA 1.5
#define NN_SSIM_K1 0.01
#define NN_SSIM_K2 0.03

/*
 * Sum over i < n of (y_i - x_i)^2, in double.  If dy is not NULL,
 * dy_i += g * 2 (y_i - x_i): g scales the sum into the caller's loss.
 */
double nn_l2_sum(long n, const float *y, const float *x, float *dy, float g);

/* Workspace floats the SSIM functions need for h x w planes. */
size_t nn_ssim_wsize(int h, int w);

/*
 * Sum of SSIM over np planes of h x w (h, w >= 11) and every valid window
 * position, in double.  If dy is not NULL, dy += g * d(sum)/dy; x is the
 * fixed target.  ws: nn_ssim_wsize(h, w) floats.
 */
double nn_ssim_sum(int np, int h, int w, const float *y, const float *x,
    float *dy, float g, float *ws);

/*
 * The training loss of a slice of a batch:
 *   wl2 * mean (y - x)^2 + (1 - wl2) * (1 - mean SSIM),
 * the means taken over `total` planes of which this slice holds np, so the
 * slices' returned shares add up to the loss of the batch.  dy (np planes)
 * is overwritten with the gradient of the batch loss, or is NULL.  wl2 of 1 is plain
 * L2 (then h, w may be below 11 and ws may be NULL), 0 plain SSIM.
 */
double nn_loss_mix(double wl2, int np, long total, int h, int w,
    const float *y, const float *x, float *dy, float *ws);

/*
 * Residual maps for scoring, one h x w map for c planes (the channels of
 * one image), averaged over the channels, overwriting out:
 * nn_l2_map: (y - x)^2; nn_ssim_map: 1 - SSIM with the window clipped at
 * the border (weights renormalised), so every pixel has a value.
 */
void nn_l2_map(int c, int h, int w, const float *y, const float *x,
    float *out);
void nn_ssim_map(int c, int h, int w, const float *y, const float *x,
    float *out, float *ws);

/*
 * The same for rows r0 .. r1 - 1 of the map only (the rest of out is left
 * alone), so that threads can share a large map; nn_ssim_map_rows reads
 * the 5 rows on either side too, and needs nn_ssim_rows_wsize(r1 - r0, w)
 * floats of ws.
 */
void nn_l2_map_rows(int c, int h, int w, int r0, int r1, const float *y,
    const float *x, float *out);
void nn_ssim_map_rows(int c, int h, int w, int r0, int r1, const float *y,
    const float *x, float *out, float *ws);
size_t nn_ssim_rows_wsize(int rows, int w);

#endif
