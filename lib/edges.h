/*
 * edges: the low-level image steps of screen detection on float planes
 * (lib/img.h layout): area downscaling, separable Gaussian smoothing,
 * colour gradients (per pixel, the Sobel gradient of the channel where it
 * is largest, so an edge between two colours of equal brightness still
 * shows) and Canny-style thin edges (non-maximum suppression along the
 * gradient, then hysteresis between a low and a high threshold).
 * Gradients are in intensity per pixel: a unit step gives 1 at the edge.
 */
#ifndef LK_EDGES_H
#define LK_EDGES_H

#include <stddef.h>

#include "img.h"

/* One edge map; buffers owned, reused by edges_detect() across calls. */
struct edgemap {
	int w, h;
	float *gx, *gy;		/* gradient of the strongest channel */
	float *mag;		/* |(gx, gy)| */
	unsigned char *edge;	/* 1 on thin edges after hysteresis */
	float noise;		/* gradient magnitude of flat areas: the
				   20% quantile */
	size_t cap;		/* pixels allocated */
	int *stack;		/* scratch for hysteresis */
};

/*
 * dst = src averaged over f x f blocks (f >= 1; the last partial row and
 * column of blocks are dropped).  dst must be allocated by the caller as
 * (src->w / f) x (src->h / f) x src->c.
 */
void edges_downscale(const struct img *src, int f, struct img *dst);

/*
 * Smooth one w x h plane in place with a Gaussian of sigma pixels
 * (sigma <= 0: no change); tmp holds w * h floats.  Borders replicate.
 */
void edges_blur(float *plane, int w, int h, float sigma, float *tmp);

/*
 * Gradients and thin edges of im (c planes, already smoothed as wanted):
 * pixels with magnitude above hi start edges, which continue through
 * neighbours above lo.  lo and hi <= 0 pick them from the noise: lo = 3,
 * hi = 6 times em->noise (at least 0.002 and 0.004).  0, or -1
 * with err filled when memory is short.
 */
int edges_detect(const struct img *im, float lo, float hi,
    struct edgemap *em, char *err, size_t errlen);

/* Release the buffers; the map can be reused after this. */
void edges_free(struct edgemap *em);

#endif
