/*
 * thresh: where to cut an error map into defect and background.  A pixel
 * is foreground when its value is strictly above the threshold t.  The
 * sources: a percentile of the errors of defect-free images, Otsu's method
 * on the histogram of one map, and the MVTec AD rule (the lowest threshold
 * at which no connected region of any defect-free validation map reaches
 * the minimum defect area).  All values must be finite (callers check).
 */
#ifndef LK_THRESH_H
#define LK_THRESH_H

#include <stddef.h>

/* m[i] = v[i] > t (0 or 1), for n values. */
void thresh_apply(unsigned char *m, const float *v, size_t n, float t);

/*
 * The p-th percentile (0 <= p <= 100) of v[0..n-1], interpolated linearly
 * between the order statistics around rank p/100 * (n - 1), as numpy's
 * default.  v is reordered (expected linear time).  0, or -1 if n is 0 or
 * p out of range.
 */
int thresh_percentile(float *v, size_t n, double p, float *t);

/*
 * Otsu's threshold for v[0..n-1] from a histogram of nbins (2..65536) equal
 * bins over [min, max]: the split maximising the between-class variance
 * (the first one on ties); t is the largest value of the lower class, so
 * exactly the upper class lies above it.  All values equal: t is that
 * value (nothing above).  0, or -1 if n is 0, nbins out of range or memory
 * is short.
 */
int thresh_otsu(const float *v, size_t n, int nbins, float *t);

/* One defect-free map for thresh_mvtec(). */
struct thresh_map {
	const float *v;		/* w * h values, rows contiguous */
	int w, h;
};

/*
 * The MVTec AD rule: the lowest t at which, on every map, the largest
 * connected region of {v > t} (conn 4 or 8, after an opening of radius
 * open_r and a closing of radius close_r when these are > 0, as the tool
 * does) has fewer than min_area pixels.  The largest region shrinks as t
 * rises, so t is found by bisection over the ordered float values, exact
 * to the float: it is always one of the maps' values.  0, or -1 with err
 * filled (no maps, min_area < 1, memory).
 */
int thresh_mvtec(const struct thresh_map *maps, size_t nmaps, long min_area,
    int conn, int open_r, int close_r, float *t, char *err, size_t errlen);

#endif
