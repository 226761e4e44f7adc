/*
 * quad: find a display's panel in a camera photo as a quadrilateral, to
 * sub-pixel accuracy.  The model is a laptop lid or monitor: the panel
 * (what the screen shows) sits inside a bezel, a band of uniform, dark,
 * colourless material a few percent of the panel's size wide.  So a side
 * of the panel is a long straight edge with that flat band on its outer
 * side; the lid's own edge runs parallel beyond the band, or the band runs
 * out of the photo.
 *
 * Detection works on a copy downscaled to about 400 pixels: smoothed
 * colour gradients, thin edges, an oriented Hough transform with
 * least-squares refits, then every convex quadrilateral of two roughly
 * horizontal and two roughly vertical lines is scored by the bezel test on
 * each side (a flat colourless band next to the line, ending at another
 * edge or the photo's border, the same colour all round).  The winner's
 * sides are moved onto the band's inner edge and refined at full
 * resolution: colour profiles across each side, averaged over 24-pixel
 * stretches, give one edge point per stretch (the gradient peak where the
 * profile leaves the bezel, to a parabola's sub-pixel vertex); a robust
 * total-least-squares fit of those points is each side, and the corners
 * are where adjacent sides meet.
 *
 * Coordinates are photo pixels with pixel centres at integers.
 */
#ifndef LK_QUAD_H
#define LK_QUAD_H

#include <stddef.h>

#include "edges.h"
#include "homography.h"
#include "img.h"
#include "lines.h"

#define QUAD_MAXLINES 40	/* Hough lines considered */
#define QUAD_MAXPTS 512		/* refined edge points per side, at most */

/* Sides in the order top, right, bottom, left; corners TL, TR, BR, BL. */
struct quad {
	double c[8];		/* corners (x, y), clockwise from top-left */
	struct line side[4];	/* refined sides, normals pointing outward */
	double rms[4];		/* inlier distance to each side, pixels */
	int n[4];		/* inlier edge points per side */
	int ntotal[4];		/* stretches tried per side */
	double confidence;	/* 0..1: support and fit of the weakest side */
	/* the inlier edge points, side by side: pts[side][i] = (x, y) */
	double pts[4][2 * QUAD_MAXPTS];
};

/* Where one line's profile table lives in quad_ws.tab (internal). */
struct quad_ltab {
	double t0;		/* first sample along the line */
	int nch;		/* chunks of samples */
	size_t off;		/* floats into tab */
};

/* Scratch reused across photos; zero-initialise, free with quad_ws_free. */
struct quad_ws {
	struct img small, blur;		/* downscaled copies */
	struct edgemap em;
	struct hough hw;
	struct seg seg[QUAD_MAXLINES];
	struct quad_ltab lt[QUAD_MAXLINES];
	int nseg, f;			/* lines found; downscale factor */
	double sc;			/* refinement scale (photo / 1600) */
	float *tab;			/* per-line profile tables */
	size_t tabcap;
	float *prof;			/* full-resolution profiles */
	size_t profcap;
};

/*
 * Find the panel in photo (RGB or grey).  0 and *q filled; 1 when there is
 * no plausible panel (err says why, e.g. "no quadrilateral with a bezel on
 * every side"); -1 with err filled when memory is short.
 */
int quad_find(const struct img *photo, struct quad_ws *ws, struct quad *q,
    char *err, size_t errlen);

/*
 * Refine approximate corners init (TL, TR, BR, BL; within about 12 pixels
 * of the panel's) onto the panel's edges.  Same returns as quad_find; 1
 * when a side finds no edge.
 */
int quad_refine(const struct img *photo, const double init[8],
    struct quad_ws *ws, struct quad *q, char *err, size_t errlen);

/*
 * The homography h from photo to screen coordinates for a screen of
 * w x h pixels: the panel's corners go to (0, 0), (w, 0), (w, h), (0, h),
 * the outer corners of the screen's corner pixels (screen pixel (i, j)
 * covers [i, i + 1] x [j, j + 1]).  Fitted by the normalised DLT to the
 * four corners plus every inlier edge point, each paired with its own
 * projection onto the screen's border (twice, re-projecting with the new
 * fit).  *reproj gets the rms distance, in photo pixels, between the
 * points and their partners mapped back.  0, or -1 with err filled.
 */
int quad_homography(const struct quad *q, int w, int h, double hm[9],
    double *reproj, char *err, size_t errlen);

/*
 * Estimate the screen's aspect ratio (width / height) from the panel's
 * corners in a photo of pw x ph pixels: a rectangle seen by a pinhole
 * camera with square pixels and its principal point at the photo's centre
 * (Zhang and He, "Whiteboard scanning and image enhancement", 2007).  When
 * the view is too frontal to give a focal length, the mean side lengths'
 * ratio.  Ratios within 2% of 4:3, 5:4, 3:2, 16:10 or 16:9 are snapped to
 * them.  Returns the ratio (> 0).
 */
double quad_aspect(const double c[8], int pw, int ph);

void quad_ws_free(struct quad_ws *ws);

#endif
