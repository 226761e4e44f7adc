/*
 * resample: scale a float plane by a factor with a separable triangle
 * filter widened by the reduction factor, so shrinking averages every
 * source pixel (area-like, no aliasing) and enlarging is bilinear.  Pixel
 * centres map exactly by the factor, not by the rounded sizes' ratio, as
 * they would in a screen drawn at that scale.  Edges replicate.
 */
#ifndef LK_RESAMPLE_H
#define LK_RESAMPLE_H

#include <stddef.h>

/*
 * Resample src (sw x sh, row stride sstride floats) by factor f > 0 into
 * dst (dw x dh, stride dstride), where dw and dh are sw f and sh f rounded
 * (or any size: pixels beyond the scaled source replicate its edge).
 * tmp holds sh * dw floats.
 */
void resample(const float *src, int sw, int sh, size_t sstride, float *dst,
    int dw, int dh, size_t dstride, double f, float *tmp);

#endif
