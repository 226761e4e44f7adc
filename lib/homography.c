/*
 * homography: normalised DLT (Hartley and Zisserman, "Multiple View
 * Geometry", algorithm 4.2) with the SVD from LAPACKE, and the small 3x3
 * algebra around it.  Degenerate inputs are caught before the solve
 * (too few distinct points, collinear sets) and after it (a second null
 * vector, a singular solution), so a fit never returns a map the data do
 * not support.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "homography.h"

#define SAME_TOL 1e-9	/* points closer than this (normalised) are one */
#define LINE_TOL 1e-6	/* sine of the angle below which points are on a line */
#define RANK_TOL 1e-7	/* second-smallest singular value / largest */
#define DET_TOL 1e-9	/* |det| of the unit-norm normalised solution */

/* Scale h so h[8] = 1, or to unit norm when h[8] is (near) zero. */
static int
normalise_scale(double h[9])
{
	double n = 0, s;
	int i;

	for (i = 0; i < 9; i++)
		n += h[i] * h[i];
	n = sqrt(n);
	if (!(n > 0) || !isfinite(n))
		return -1;
	s = fabs(h[8]) > 1e-12 * n ? 1 / h[8] : 1 / n;
	for (i = 0; i < 9; i++)
		h[i] *= s;
	return 0;
}

static void
mul3(const double a[9], const double b[9], double c[9])
{
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] +
			    a[3 * i + 2] * b[6 + j];
}

static double
det3(const double m[9])
{
	return m[0] * (m[4] * m[8] - m[5] * m[7]) -
	    m[1] * (m[3] * m[8] - m[5] * m[6]) +
	    m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/*
 * Hartley normalisation of n points: t maps p to s (p - centroid) with the
 * mean distance sqrt 2; q receives the normalised points.  -1 if all
 * points coincide.
 */
static int
normalise_points(const double *p, size_t n, double t[9], double *q)
{
	double cx = 0, cy = 0, d = 0, s;
	size_t i;

	for (i = 0; i < n; i++) {
		cx += p[2 * i];
		cy += p[2 * i + 1];
	}
	cx /= (double)n;
	cy /= (double)n;
	for (i = 0; i < n; i++)
		d += hypot(p[2 * i] - cx, p[2 * i + 1] - cy);
	d /= (double)n;
	if (!(d > 0))
		return -1;
	s = sqrt(2.0) / d;
	for (i = 0; i < n; i++) {
		q[2 * i] = s * (p[2 * i] - cx);
		q[2 * i + 1] = s * (p[2 * i + 1] - cy);
	}
	memset(t, 0, 9 * sizeof *t);
	t[0] = t[4] = s;
	t[2] = -s * cx;
	t[5] = -s * cy;
	t[8] = 1;
	return 0;
}

/* Up to 4 distinct points among the normalised q: how many (max 4). */
static int
count_distinct(const double *q, size_t n)
{
	size_t rep[4], i;
	int k = 0, j;

	for (i = 0; i < n && k < 4; i++) {
		for (j = 0; j < k; j++)
			if (hypot(q[2 * i] - q[2 * rep[j]],
			    q[2 * i + 1] - q[2 * rep[j] + 1]) <= SAME_TOL)
				break;
		if (j == k)
			rep[k++] = i;
	}
	return k;
}

/* Do the normalised points (centroid 0) all lie on one line? */
static int
all_collinear(const double *q, size_t n)
{
	double sxx = 0, syy = 0, sxy = 0, tr, det, disc, lmin, lmax;
	size_t i;

	for (i = 0; i < n; i++) {
		sxx += q[2 * i] * q[2 * i];
		syy += q[2 * i + 1] * q[2 * i + 1];
		sxy += q[2 * i] * q[2 * i + 1];
	}
	tr = sxx + syy;
	det = sxx * syy - sxy * sxy;
	disc = sqrt(fmax(tr * tr / 4 - det, 0));
	lmax = tr / 2 + disc;
	lmin = tr / 2 - disc;
	return lmin <= LINE_TOL * LINE_TOL * lmax;
}

/* Are points a, b, c (normalised) on one line or two of them the same? */
static int
three_collinear(const double *a, const double *b, const double *c)
{
	double ux = b[0] - a[0], uy = b[1] - a[1];
	double vx = c[0] - a[0], vy = c[1] - a[1];

	return fabs(ux * vy - uy * vx) <= LINE_TOL * hypot(ux, uy) *
	    hypot(vx, vy) || hypot(ux, uy) <= SAME_TOL ||
	    hypot(vx, vy) <= SAME_TOL;
}

/* Checks on one normalised set; 0 or -1 with err naming the set. */
static int
check_set(const double *q, size_t n, const char *which, char *err,
    size_t errlen)
{
	static const int tri[4][3] = {{0, 1, 2}, {0, 1, 3}, {0, 2, 3},
	    {1, 2, 3}};
	int k;

	if (count_distinct(q, n) < 4) {
		snprintf(err, errlen, "fewer than 4 distinct %s points", which);
		return -1;
	}
	if (all_collinear(q, n)) {
		snprintf(err, errlen, "%s points are collinear", which);
		return -1;
	}
	if (n == 4)
		for (k = 0; k < 4; k++)
			if (three_collinear(q + 2 * tri[k][0], q + 2 * tri[k][1],
			    q + 2 * tri[k][2])) {
				snprintf(err, errlen,
				    "three of the four %s points are collinear",
				    which);
				return -1;
			}
	return 0;
}

int
hmg_fit(const double *src, const double *dst, size_t n, double h[9],
    char *err, size_t errlen)
{
	double t1[9], t2[9], t2i[9], hn[9], tmp[9], s[9], vt[81], sup[8];
	double *qs = NULL, *qd = NULL, *a = NULL, nrm;
	size_t i, m = 2 * n;
	int rc = -1, k;

	if (n < 4) {
		snprintf(err, errlen, "need at least 4 correspondences, got %zu",
		    n);
		return -1;
	}
	for (i = 0; i < 2 * n; i++)
		if (!isfinite(src[i]) || !isfinite(dst[i])) {
			snprintf(err, errlen, "correspondence %zu is not finite",
			    i / 2 + 1);
			return -1;
		}
	if (n > ((size_t)1 << 26)) {
		snprintf(err, errlen, "too many correspondences (%zu)", n);
		return -1;
	}
	qs = malloc(2 * n * sizeof *qs);
	qd = malloc(2 * n * sizeof *qd);
	a = malloc(m * 9 * sizeof *a);
	if (qs == NULL || qd == NULL || a == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (normalise_points(src, n, t1, qs) == -1 ||
	    normalise_points(dst, n, t2, qd) == -1) {
		snprintf(err, errlen, "fewer than 4 distinct points");
		goto out;
	}
	if (check_set(qs, n, "source", err, errlen) == -1 ||
	    check_set(qd, n, "target", err, errlen) == -1)
		goto out;

	/* Two rows per correspondence: u (h6 x + h7 y + h8) = h0 x + ... */
	for (i = 0; i < n; i++) {
		double x = qs[2 * i], y = qs[2 * i + 1];
		double u = qd[2 * i], v = qd[2 * i + 1];
		double *r = a + 18 * i;

		r[0] = -x; r[1] = -y; r[2] = -1;
		r[3] = 0; r[4] = 0; r[5] = 0;
		r[6] = u * x; r[7] = u * y; r[8] = u;
		r[9] = 0; r[10] = 0; r[11] = 0;
		r[12] = -x; r[13] = -y; r[14] = -1;
		r[15] = v * x; r[16] = v * y; r[17] = v;
	}
	if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'A', (lapack_int)m, 9, a, 9,
	    s, NULL, 1, vt, 9, sup) != 0) {
		snprintf(err, errlen, "singular value decomposition failed");
		goto out;
	}
	/* s[7] is the second-smallest value (or the smallest of 8 rows). */
	if (s[7] <= RANK_TOL * s[0]) {
		snprintf(err, errlen,
		    "correspondences do not determine a homography");
		goto out;
	}
	memcpy(hn, vt + 72, 9 * sizeof *hn);	/* unit norm */
	if (fabs(det3(hn)) <= DET_TOL) {
		snprintf(err, errlen, "the fitted homography is singular");
		goto out;
	}
	/* h = t2^-1 hn t1 */
	memset(t2i, 0, sizeof t2i);
	t2i[0] = t2i[4] = 1 / t2[0];
	t2i[2] = -t2[2] / t2[0];
	t2i[5] = -t2[5] / t2[0];
	t2i[8] = 1;
	mul3(hn, t1, tmp);
	mul3(t2i, tmp, h);
	if (normalise_scale(h) == -1) {
		snprintf(err, errlen, "the fitted homography is not finite");
		goto out;
	}
	for (nrm = 0, k = 0; k < 9; k++)
		nrm += h[k] * h[k];
	if (!isfinite(nrm)) {
		snprintf(err, errlen, "the fitted homography is not finite");
		goto out;
	}
	rc = 0;
out:
	free(qs);
	free(qd);
	free(a);
	return rc;
}

int
hmg_apply(const double h[9], double x, double y, double *u, double *v)
{
	double w = h[6] * x + h[7] * y + h[8];
	double mag = fabs(h[6] * x) + fabs(h[7] * y) + fabs(h[8]);
	double uu, vv;

	if (!(fabs(w) > 1e-12 * mag))
		return -1;
	uu = (h[0] * x + h[1] * y + h[2]) / w;
	vv = (h[3] * x + h[4] * y + h[5]) / w;
	if (!isfinite(uu) || !isfinite(vv))
		return -1;
	*u = uu;
	*v = vv;
	return 0;
}

int
hmg_invert(const double h[9], double inv[9])
{
	double d = det3(h), rows = 1, cols = 1, r[9];
	int i;

	/* |det| against Hadamard's bound, the smaller of rows and columns */
	for (i = 0; i < 3; i++) {
		rows *= sqrt(h[3 * i] * h[3 * i] + h[3 * i + 1] * h[3 * i + 1] +
		    h[3 * i + 2] * h[3 * i + 2]);
		cols *= sqrt(h[i] * h[i] + h[3 + i] * h[3 + i] +
		    h[6 + i] * h[6 + i]);
	}
	if (!isfinite(d) || !(fabs(d) > 1e-13 * fmin(rows, cols)))
		return -1;
	r[0] = h[4] * h[8] - h[5] * h[7];
	r[1] = h[2] * h[7] - h[1] * h[8];
	r[2] = h[1] * h[5] - h[2] * h[4];
	r[3] = h[5] * h[6] - h[3] * h[8];
	r[4] = h[0] * h[8] - h[2] * h[6];
	r[5] = h[2] * h[3] - h[0] * h[5];
	r[6] = h[3] * h[7] - h[4] * h[6];
	r[7] = h[1] * h[6] - h[0] * h[7];
	r[8] = h[0] * h[4] - h[1] * h[3];
	for (i = 0; i < 9; i++)
		r[i] /= d;
	if (normalise_scale(r) == -1)
		return -1;
	memcpy(inv, r, sizeof r);
	return 0;
}

int
hmg_compose(const double a[9], const double b[9], double c[9])
{
	double r[9];

	mul3(a, b, r);
	if (normalise_scale(r) == -1)
		return -1;
	memcpy(c, r, sizeof r);
	return 0;
}

double
hmg_reproj_error(const double h[9], const double *src, const double *dst,
    size_t n, double *max)
{
	double ss = 0, mx = 0, u, v, e;
	size_t i;

	for (i = 0; i < n; i++) {
		if (hmg_apply(h, src[2 * i], src[2 * i + 1], &u, &v) == -1)
			e = INFINITY;
		else
			e = hypot(u - dst[2 * i], v - dst[2 * i + 1]);
		ss += e * e;
		mx = fmax(mx, e);
	}
	if (max != NULL)
		*max = mx;
	return n > 0 ? sqrt(ss / (double)n) : 0;
}
