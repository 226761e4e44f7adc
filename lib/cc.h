/*
 * cc: connected-component labelling with statistics, streaming over rows.
 *
 * Rows of a binary mask (any non-zero byte is foreground) are pushed one at
 * a time, top to bottom, with an optional row of float values (the error
 * map) whose statistics are gathered per region.  The labeller keeps only
 * the runs of the previous and the current row, a union-find over the
 * provisional labels of those two rows and one accumulator per provisional
 * label, merged on union; at the end of every row the live labels are
 * renumbered and the regions that no longer touch the current row are
 * finished.  Memory is O(width) plus the finished regions, never a label
 * image, so a 8000 x 2000 or 65535-wide map costs no more per pixel than a
 * small one.  Time is linear in pixels plus runs.
 *
 * Moments of a run are summed in closed form (integers, exact), so only
 * the error values cost per-pixel work.
 */
#ifndef LK_CC_H
#define LK_CC_H

#include <stddef.h>
#include <stdint.h>

/* One finished region. */
struct cc_region {
	int x, y, w, h;		/* bounding box (w, h >= 1) */
	int fx, fy;		/* first pixel in raster order (fy == y) */
	long area;		/* pixels */
	double sum_err;		/* sum of the values (0 without values) */
	float max_err;		/* largest value (0 without values) */
	double mean_err;	/* sum_err / area */
	double fill;		/* area / (w * h), in (0, 1] */
	double cx, cy;		/* centroid, pixel centres at integers */
	double mu20, mu02, mu11;/* central second moments / area, pixels as
				   points: var(x), var(y), cov(x, y) */
	double elongation;	/* major / minor axis of the moment ellipse,
				   pixels as unit squares (1/12 added to
				   each variance): a W x H rectangle gives
				   max(W,H)/min(W,H), one pixel gives 1 */
	double orientation;	/* major axis angle in degrees, (-90, 90],
				   from +x towards +y (y points down, so
				   positive is clockwise on screen); 0 when
				   the ellipse is a circle */
};

/* Per-label accumulator (internal; in the header for struct cc's size). */
struct cc_acc {
	int64_t area, sx, sy, sxx, syy, sxy;
	double se;
	float me;
	int x0, x1, y0, y1, fx;
};

struct cc_run {
	int s, e, lab;		/* first and last x (inclusive), label */
};

/* Labeller state; fields are read-only for callers except as noted. */
struct cc {
	int w, conn, y;		/* width, 4 or 8, rows pushed so far */
	long min_area;		/* regions smaller than this are not kept */
	int cap;		/* per-row capacity, >= w + 2 */
	struct cc_run *prev, *cur;
	int nprev, nlab;	/* runs of the last row; live labels */
	int *par, *newid;
	struct cc_acc *acc, *acc2;
	struct cc_region *reg;	/* finished regions kept (>= min_area); after
				   cc_end() in raster order of first pixel */
	size_t nreg, capreg;
	long nall;		/* regions found, including small ones */
	long max_area;		/* largest region found, including small */
};

/* A zeroed struct cc is a valid empty labeller; cc_free() releases it. */
#define CC_INIT { 0 }

/*
 * Start an image of width w with connectivity conn (4 or 8), keeping only
 * regions of at least min_area pixels (1 keeps all).  Reuses the buffers of
 * an earlier image, growing them if w is larger.  0, or -1 when conn or w
 * is invalid (w < 1) or memory is short (errno set: EINVAL or ENOMEM).
 */
int cc_begin(struct cc *c, int w, int conn, long min_area);

/*
 * Push the next row: fg has w bytes (non-zero: foreground); val, when not
 * NULL, has w floats whose sum and maximum are taken per region (the
 * caller guarantees they are finite).  0, or -1 if memory for finished
 * regions ran out (errno ENOMEM).
 */
int cc_row(struct cc *c, const unsigned char *fg, const float *val);

/*
 * Finish the image: the regions still open are finished and c->reg is
 * sorted in raster order of each region's first pixel (the order a
 * raster-scan flood fill meets them).  0 or -1 (ENOMEM).
 */
int cc_end(struct cc *c);

/*
 * The whole of a w x h mask (rows stride bytes apart; val rows vstride
 * floats apart, val may be NULL): cc_begin, every row, cc_end.  0 or -1.
 */
int cc_label(struct cc *c, const unsigned char *mask, size_t stride,
    const float *val, size_t vstride, int w, int h, int conn, long min_area);

/* Release all buffers; c becomes empty (CC_INIT) again. */
void cc_free(struct cc *c);

#endif
