/*
 * lines: straight lines in the image plane.  A line is n . p = rho with a
 * unit normal n; its direction is (-ny, nx).  Lines come from edge maps
 * (lib/edges.h) by a Hough transform in which each edge pixel votes only
 * within 3 degrees of its own gradient orientation, then a total-least-squares refit on
 * the edge pixels close to each peak (the inliers), so the Hough grid's
 * quantisation does not survive into the result.
 */
#ifndef LK_LINES_H
#define LK_LINES_H

#include <stddef.h>

#include "edges.h"

struct line {
	double nx, ny, rho;	/* nx x + ny y = rho, nx^2 + ny^2 = 1 */
};

/* A detected line with its support. */
struct seg {
	struct line l;
	double votes;		/* inlier edge pixels */
	double t0, t1;		/* extent of the inliers along (-ny, nx) */
	double rms;		/* inlier distance to the line, pixels */
};

#define HOUGH_MAXFIT 256	/* peaks refitted, at most */

/* Hough accumulator and scratch, reused across images. */
struct hough {
	int *acc;
	size_t cap;		/* accumulator cells allocated */
	float *px;		/* edge pixels: x, y, cos and sin of the
				   gradient angle in [0, pi) */
	size_t pcap;		/* edge pixels allocated */
	double *fit;		/* inlier coordinates for refits */
	struct seg segs[HOUGH_MAXFIT];	/* refitted peaks */
};

/*
 * Weighted total-least-squares line through n points (x, y pairs; w may
 * be NULL for equal weights).  0 and *l set, with the weighted rms
 * distance in *rms (if not NULL); -1 if fewer than 2 points carry weight
 * or they all coincide.
 */
int line_fit(const double *pts, const double *w, size_t n, struct line *l,
    double *rms);

/* Signed distance of (x, y) from l (positive on the side n points to). */
double line_dist(const struct line *l, double x, double y);

/* Intersection of a and b: 0 and *x, *y set, or -1 if (near) parallel. */
int line_intersect(const struct line *a, const struct line *b, double *x,
    double *y);

/*
 * Up to max lines of em by Hough (angle step 180 / nth degrees, 1 pixel in
 * rho), strongest first: peaks with at least minvotes votes (over three
 * neighbouring rho cells) that are local maxima over +-4 angle steps and
 * +-4 pixels, the strongest 2 max + 16 (at most HOUGH_MAXFIT) refitted to
 * the edge pixels within 1.5 pixels whose gradient is within 10 degrees of
 * the normal, ranked by those inliers; a refit that lands on a stronger
 * line is dropped.  max <= (HOUGH_MAXFIT - 16) / 2.  Returns the number
 * found, or -1 with err filled when memory is short.
 */
int hough_lines(const struct edgemap *em, struct hough *hw, int nth,
    double minvotes, struct seg *out, int max, char *err, size_t errlen);

void hough_free(struct hough *hw);

#endif
