/*
 * homography: plane-to-plane projective maps.  A homography is 9 doubles,
 * row-major, mapping (x, y) to (u, v) = ((h0 x + h1 y + h2) / w,
 * (h3 x + h4 y + h5) / w) with w = h6 x + h7 y + h8, scaled so h8 = 1
 * where possible.  The fit is the normalised direct linear transform
 * (Hartley: each point set translated to its centroid and scaled to a
 * mean distance of sqrt 2) solved by SVD through LAPACKE, exact for four
 * correspondences and least squares in the algebraic error for more.
 * Inputs that cannot determine a homography are refused with a reason.
 */
#ifndef LK_HOMOGRAPHY_H
#define LK_HOMOGRAPHY_H

#include <stddef.h>

/*
 * Fit H with dst ~ H src from n correspondences; src and dst hold n (x, y)
 * pairs.  Refused with -1 and err filled when n < 4, a coordinate is not
 * finite, fewer than 4 points are distinct, the points of either set are
 * collinear, three of exactly four points are collinear, the system leaves
 * more than one solution, or the solution is singular.  0 on success.
 */
int hmg_fit(const double *src, const double *dst, size_t n, double h[9],
    char *err, size_t errlen);

/*
 * Map (x, y) through h into *u, *v.  0, or -1 (outputs untouched) when the
 * point maps to or near infinity or the result is not finite.
 */
int hmg_apply(const double h[9], double x, double y, double *u, double *v);

/* The inverse map into inv, scaled like a fit.  0, or -1 if singular. */
int hmg_invert(const double h[9], double inv[9]);

/* c = a b (apply b first), scaled like a fit.  0, or -1 if degenerate. */
int hmg_compose(const double a[9], const double b[9], double c[9]);

/*
 * Reprojection error of h on n correspondences: the root mean square of
 * |h(src_i) - dst_i| in dst units, and the largest one in *max (if not
 * NULL).  A point that maps to infinity counts as an infinite error.
 */
double hmg_reproj_error(const double h[9], const double *src,
    const double *dst, size_t n, double *max);

#endif
