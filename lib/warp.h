/*
 * warp: perspective resampling of float CHW images (lib/img.h).  Each
 * destination pixel (x, y) takes the source value at m (x, y), where m is
 * the destination-to-source homography (lib/homography.h); pixel centres
 * are at integer coordinates in both images.  Along a row the projective
 * coordinates are affine in x, so each pixel costs one division; rows are
 * split between threads when asked.  Nothing is allocated per call beyond
 * the thread handles: the caller owns and reuses the destination.
 */
#ifndef LK_WARP_H
#define LK_WARP_H

#include "img.h"

enum warp_interp {
	WARP_BILINEAR,	/* 2x2 taps */
	WARP_BICUBIC	/* 4x4 taps, Keys' cubic (a = -0.5), clamped to [0, 1] */
};

/*
 * Parse "bilinear" or "bicubic" into *interp: 0, or -1 for another name.
 * warp_interp_name() is the inverse.
 */
int warp_interp_parse(const char *name, enum warp_interp *interp);
const char *warp_interp_name(enum warp_interp interp);

/*
 * Fill dst (allocated by the caller, dst->c == src->c) from src through m.
 * A destination pixel whose source point lies outside the source's pixel
 * squares ([-0.5, w - 0.5] x [-0.5, h - 0.5]) or at infinity gets fill;
 * near the border taps are clamped to the edge pixels.  nthreads (1 or 2
 * sensible; values above 8 are treated as 8) splits the rows.  0, or -1
 * with err filled (channel mismatch, empty image, thread failure).
 */
int warp_perspective(const struct img *src, struct img *dst,
    const double m[9], enum warp_interp interp, float fill, int nthreads,
    char *err, size_t errlen);

#endif
