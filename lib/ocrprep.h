/*
 * ocrprep: prepare a region of a screen for an OCR engine trained on dark
 * text on a light page (Tesseract's LSTM models).  Screens differ from
 * scans: text is small (8 to 16 pixels high), often light on dark, on
 * coloured or textured backgrounds, and a region drawn around one line
 * catches the edges of its neighbours.  The steps, each measured on the
 * shared truth set (ocr-region(1) gives the figures):
 *
 *   1. grey crop of the region (clipped to the screen).  A colour screen
 *      has two candidate greys: Rec. 601 luma and the mean of the three
 *      channels.  In a camera photo of an LCD the sub-pixel stripes beat
 *      with the sensor into coloured moire whose red, green and blue
 *      stripes are a third of a period apart, so their equal-weight mean
 *      is flat where the screen is grey or white, while luma, weighting
 *      green twice as much as red, keeps them; on a saturated background
 *      (white text on blue) only one channel carries stripes and luma,
 *      weighting blue least, shows the least of them.  The crop takes
 *      whichever grey splits more cleanly into two classes: the larger
 *      share of its variance explained by Otsu's split (see
 *      ocrprep_otsu()).  On the shared truth lines in photos rectified
 *      by screen-calib the character error rate fell from 6.6% (luma
 *      only) to 1.5%, and from 49% to 35% on 664 further lines of 33
 *      photos; screenshots read the same;
 *   2. polarity: Otsu's threshold splits the crop into two classes; the
 *      larger class is the background, and a dark background means light
 *      text, which is inverted;
 *   3. rows and columns at the crop's edges that are nearly all ink are
 *      frames caught by the region, painted over with background;
 *      single-line mode: the rows carrying the most ink, with small gaps
 *      bridged, are the line; ink outside it (cut-off parts of the lines
 *      above and below) is painted over with background;
 *   4. text size: the median height of the ink's connected components
 *      approximates the x-height; the crop is resampled so it becomes the
 *      target (bilinear up, area down);
 *   5. binarisation at the threshold of step 2 (on the truth set 18 of 19
 *      lines came out exact binarised against 14 to 16 left grey, over
 *      target x-heights of 16 to 44 pixels; 24 was best);
 *   6. a white border, so no glyph touches the edge.
 *
 * The output is an 8-bit grey image with its mapping back to the screen.
 */
#ifndef LK_OCRPREP_H
#define LK_OCRPREP_H

#include <stddef.h>

#include "img.h"

enum { OCRPREP_AUTO = -1 };

/* The grey a region was read in. */
enum ocrprep_grey {
	OCRPREP_LUMA,		/* Rec. 601 luma (and grey images) */
	OCRPREP_MEAN		/* mean of red, green and blue */
};

struct ocrprep_opts {
	double xheight;		/* target x-height, output pixels (24) */
	double minscale;	/* resampling factor at least (0.5) */
	double maxscale;	/* and at most (8) */
	int binarize;		/* 1: black and white; 0: grey (0) */
	int invert;		/* 1 invert, 0 never, OCRPREP_AUTO (auto) */
	int line;		/* 1: keep the main line only (1) */
	int border;		/* white border, output pixels (12) */
};

struct ocrprep {
	unsigned char *pix;	/* w x h, row-major, 0 black .. 255 white */
	int w, h;
	double scale;		/* output pixels per screen pixel */
	int ox, oy;		/* the clipped region's top-left in the screen */
	int rw, rh;		/* and its size */
	int border;
	int inverted;		/* the region had light text on dark */
	int blank;		/* no contrast: nothing to read */
	enum ocrprep_grey grey;	/* the grey chosen (step 1) */
	double xheight;		/* estimated x-height, screen pixels */
	/* workspace, reused from region to region */
	size_t pixcap;
	float *f, *g;
	size_t fcap, gcap;
};

/* Fill o with the defaults above. */
void ocrprep_opts_default(struct ocrprep_opts *o);

/*
 * Prepare the rw x rh region at (rx, ry) of screen im (1 grey or 3 RGB
 * planes, lib/img.h) into p, whose buffers are reused from call to call
 * (zero it before the first).  0, or -1 with err filled: the region does
 * not overlap the screen, or memory is short.
 */
int ocrprep_region(struct ocrprep *p, const struct img *im, int rx, int ry,
    int rw, int rh, const struct ocrprep_opts *o, char *err, size_t errlen);

/*
 * Map a box in output pixels (x, y, bw, bh) to screen pixels, rounded
 * outwards and clipped to the region.
 */
void ocrprep_box(const struct ocrprep *p, int x, int y, int bw, int bh,
    int out[4]);

/*
 * Otsu's threshold of n values in [lo, hi] (256 bins); lo if hi <= lo.
 * When sep is not NULL it receives the share of the values' variance
 * (binned) that the split explains, in [0, 1]: 1 for two exact levels,
 * 0 when there is no split (hi <= lo, or a single level).
 */
float ocrprep_otsu(const float *v, size_t n, float lo, float hi,
    double *sep);

void ocrprep_free(struct ocrprep *p);

#endif
