/*
 * match: find a template in a screen image by zero-mean normalised
 * cross-correlation (OpenCV's TM_CCOEFF_NORMED: the Pearson correlation of
 * template and window, in [-1, 1]).  A window whose standard deviation is
 * below MATCH_FLAT (of the full range 0..1) is flat: the correlation is
 * undefined there and it scores 0.  Parts of the template can be excluded
 * (openQA "exclude" areas); the correlation then runs over the remaining
 * pixels only, window mean and variance included (masked NCC).
 *
 * The search is coarse to fine: a Gaussian pyramid of the screen, a full
 * correlation map only at the coarsest level the template allows, then at
 * each finer level a small neighbourhood around each candidate, so full
 * resolution is searched only near candidates.  Window statistics come
 * from integral images in double precision; the correlation numerator is a
 * direct correlation vectorised over output columns.  Measured on this
 * machine's kind (AMD EPYC, one thread): at the coarse level a 1920x1080
 * screen leaves (480x270, a 12x12 to 15x15 template) the whole direct map
 * takes 1.4-1.7 ms, an FFT numerator alone (numpy's pocketfft) 7-11 ms;
 * an FFT wins only at full resolution (48x48 in 1920x1080: 149 ms against
 * 350 ms), which only the exhaustive mode scans.  The template
 * is tried at several scales, refined between scales around the best hits,
 * several versions of one element compete, and non-maximum suppression,
 * a threshold and a top-k limit select the hits.
 *
 * Images are grey float planes, row-major, values in [0, 1].
 */
#ifndef LK_MATCH_H
#define LK_MATCH_H

#include <stddef.h>

#define MATCH_FLAT 1e-4		/* window standard deviation below: flat */
#define MATCH_MAX_LEVEL 6	/* coarsest pyramid level used */

struct match_rect {
	int x, y, w, h;
};

struct match_opts {
	double smin, smax;	/* scale range, 0 < smin <= smax (0.7, 1.3) */
	int nscale;		/* scales tried, evenly spaced (7); 1: smin */
	int refine;		/* rounds of sub-scale refinement (3) */
	double thresh;		/* hits scoring below are dropped (0.7) */
	int topk;		/* hits returned at most (1) */
	double overlap;		/* NMS: a hit overlapping a better one by
				   more than this IoU is dropped (0.3) */
	double near_eps;	/* hits within this of the best score prefer
				   the one nearest the expected place (0.01) */
	int denoise;		/* 3x3 binomial smoothing at full scale (1) */
	int exhaustive;		/* 1: brute force at full resolution */
	int ncand;		/* candidates followed from the coarse level
				   per template version (32) */
	int nthreads;		/* worker threads (1) */
};

struct match_hit {
	int x, y, w, h;		/* box in screen pixels */
	double scale;		/* template scale of the hit */
	double score;		/* correlation in [-1, 1] */
	int version;		/* index of the template version */
};

struct match_tmpl;
struct match_screen;

/* Fill o with the defaults above. */
void match_opts_default(struct match_opts *o);

/*
 * Check o: ranges and consistency.  0, or -1 with err naming the field
 * ("scale range 1.5..1.2 is empty").
 */
int match_opts_check(const struct match_opts *o, char *err, size_t errlen);

/*
 * Prepare a template from w x h grey pixels (row stride stride floats)
 * with nexcl excluded rectangles in template pixels (clipped to it).  The
 * pixels are copied.  (ex, ey) is where the element is expected in the
 * screen, for the near_eps preference; negative: no preference.  0 and *t
 * set, or -1 with err filled: too small (under 4x4 pixels), no pixel left
 * outside the exclusions, no contrast in the remaining pixels, or out of
 * memory.  Free with match_tmpl_free().
 */
int match_tmpl_new(struct match_tmpl **t, const float *pix, int w, int h,
    int stride, const struct match_rect *excl, int nexcl, int ex, int ey,
    char *err, size_t errlen);
void match_tmpl_free(struct match_tmpl *t);

/*
 * A screen context: the pyramid, integral images and workspaces, kept and
 * reused from one screen to the next (fresh memory is expensive).  NULL
 * when memory is short.  Free with match_screen_free().
 */
struct match_screen *match_screen_new(void);
void match_screen_free(struct match_screen *s);

/*
 * Set the screen: w x h grey pixels, row stride stride floats.  The pixels
 * are not copied and must stay valid until the next match_screen_set() or
 * match_screen_free().  Pyramid levels are built when a search needs them.
 * 0, or -1 with err filled (size out of range).
 */
int match_screen_set(struct match_screen *s, const float *pix, int w, int h,
    int stride, char *err, size_t errlen);

/*
 * Search the screen for one element given as nver template versions:
 * candidates at every scale and version, refined to full resolution and
 * between scales, suppressed by overlap, thresholded, best first, at most
 * min(o->topk, maxhit) of them written to hit.  The number of hits (0 if
 * none scores o->thresh or more), or -1 with err filled (out of memory,
 * thread failure).
 */
int match_find(struct match_screen *s, struct match_tmpl *const *ver,
    int nver, const struct match_opts *o, struct match_hit *hit, int maxhit,
    char *err, size_t errlen);

/*
 * The full-resolution correlation map of template t at scale scale: map
 * (ow x oh, row-major, ow = screen width - template width + 1, likewise oh)
 * gets the score of every position, as brute force would.  *ow and *oh are
 * set; map must hold that many floats (ask with map NULL first: then only
 * the sizes are set).  With denoise, both images are smoothed first, as in
 * match_find.  0, or -1 with err filled (template larger than the screen
 * at that scale, out of memory).
 */
int match_map(struct match_screen *s, const struct match_tmpl *t,
    double scale, int denoise, float *map, int *ow, int *oh, char *err,
    size_t errlen);

/*
 * Greedy non-maximum suppression: sort hit[0..n) by score (best first,
 * ties by position) and keep a hit only if its intersection over union
 * with every kept one is at most overlap.  Returns the number kept, which
 * are moved to the front.
 */
int match_nms(struct match_hit *hit, int n, double overlap);

/* Intersection over union of two boxes, in [0, 1]. */
double match_iou(const struct match_hit *a, const struct match_hit *b);

/* The template's size in pixels, as given. */
void match_tmpl_size(const struct match_tmpl *t, int *w, int *h);

#endif
