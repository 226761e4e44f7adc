/*
 * regfeat: the per-image feature vector of the defect regions found on one
 * error map, for svm-accept.  Every image gets the same features in the
 * same order, zero when there is no region:
 *
 *   count              regions kept
 *   total_area         their pixels
 *   largest_area       pixels of the largest region (first in raster
 *                      order among equals)
 *   largest_mean_err   its mean error
 *   largest_max_err    its largest error
 *   largest_fill       its area / bounding-box area
 *   largest_elongation its elongation (cc.h; >= 1)
 *   max_err            largest error over all regions
 *   mean_err           mean error over the pixels of all regions
 *   dct_0 .. dct_5     the first REGFEAT_DCT coefficients in zigzag order
 *                      of the orthonormal 2-D DCT-II of the largest
 *                      region's bounding-box patch of the map, resampled
 *                      to REGFEAT_SIDE x REGFEAT_SIDE by area averaging:
 *                      dct_0 is REGFEAT_SIDE times the patch's mean error,
 *                      dct_1 / dct_2 its horizontal / vertical gradient,
 *                      dct_3 .. dct_5 curvature and diagonal structure;
 *                      a term within 1e-9 of the DC term's size is 0
 *   dct_mean_0 .. _5   the same coefficients averaged over all regions
 */
#ifndef LK_REGFEAT_H
#define LK_REGFEAT_H

#include <stddef.h>

#include "cc.h"

#define REGFEAT_SIDE 8
#define REGFEAT_DCT 6
#define REGFEAT_N (9 + 2 * REGFEAT_DCT)

extern const char *const regfeat_names[REGFEAT_N];

/*
 * out[0..REGFEAT_N) for the n regions r found on map (rows stride floats
 * apart; every region's box inside it), in the order of regfeat_names.
 */
void regfeat_compute(const struct cc_region *r, size_t n, const float *map,
    size_t stride, double *out);

/* Sort regions largest first, equal areas in raster order of first pixel. */
void regfeat_sort(struct cc_region *r, size_t n);

#endif
