/*
 * aemap: the auto-encoder's residual map of a whole image (Bergmann et
 * al.): the image is cut into patch-sized windows at a stride, every
 * window is reconstructed (many windows per batched forward pass), each
 * window gets its own residual map, and the maps are averaged where
 * windows overlap.  A network reconstructs a window worst near its edges
 * (its convolutions see zero padding there), so the windows tile the
 * image widened by a margin on each side, the image mirrored about its
 * edges, and no pixel of the image lies only near a window's edge.  The
 * windows' positions along a side of n pixels so widened are 0, s, 2s,
 * ... and a last one flush with the far edge, so every pixel is covered;
 * a side shorter than the patch is mirrored as far as needed (the
 * mirrored pixels never reach the map).
 *
 * Residuals: 1 - SSIM (same-size map, the 11x11 window clipped at the
 * border, see nn_ssim_map) and the squared difference, each averaged over
 * the channels.  Two ways to combine the windows:
 *   AEMAP_STITCH (the default): the reconstructions are averaged, each
 *     weighted by a raised cosine that falls towards the window's border
 *     (where the network sees least context), and the residual maps are
 *     computed once, on the whole image;
 *   AEMAP_WINDOWS: every window gets its own residual maps, averaged
 *     where windows overlap; window borders leave seams in the map.
 * Optionally the final maps are smoothed by a Gaussian (separable, window
 * of 3 sigma each side, renormalised at the border), which suppresses
 * pixel noise from textures the network cannot reproduce.
 * Buffers are allocated once, and grown only when an image larger than any
 * before arrives.
 */
#ifndef LK_AEMAP_H
#define LK_AEMAP_H

#include <stddef.h>

#include "img.h"
#include "nn/ae.h"

#define AEMAP_SSIM 1	/* residual bits */
#define AEMAP_L2 2

enum aemap_mode {
	AEMAP_STITCH,	/* average reconstructions, then residuals */
	AEMAP_WINDOWS	/* residuals per window, averaged */
};

struct aemap {
	struct ae *a;		/* the network; batch = a->bmax windows */
	int stride;
	int margin;		/* pixels the windows reach beyond each edge,
				 * 0..patch/2; set after aemap_init() */
	int res;		/* AEMAP_SSIM | AEMAP_L2 */
	enum aemap_mode mode;
	float *taper;		/* (P) window weight along a side */
	float *rimg;		/* (C, cap) stitched reconstruction */
	float *iws;		/* (iwscap) SSIM workspace, a band of the image per lane */
	size_t iwscap;
	float *win, *rec;	/* (bmax, C, P, P) windows, reconstructions */
	float *wmap[2];		/* (bmax, P, P) per-window SSIM, L2 maps */
	float *lws[AE_MAX_THREADS];	/* SSIM workspace per lane */
	float *cnt;		/* (cap) windows covering each pixel */
	size_t cap;
	int nwin;		/* windows in the current batch */
	float blur;		/* Gaussian sigma applied to the final maps,
				 * 0 for none; set after aemap_init() */
	float *btmp;		/* (cap) blur scratch */
};

/*
 * Set up for network a, window stride (1..patch), residuals res and mode.
 * 0, or -1 with err filled (out of memory).
 */
int aemap_init(struct aemap *m, struct ae *a, int stride, int res,
    enum aemap_mode mode, char *err, size_t errlen);

void aemap_free(struct aemap *m);

/*
 * The residual maps of im (its channel count must be the network's):
 * ssim and l2 (each (h, w), caller's memory) receive the maps requested
 * in res; the other may be NULL.  0, or -1 with err filled (out of
 * memory for a larger image).
 */
int aemap_run(struct aemap *m, const struct img *im, float *ssim, float *l2,
    char *err, size_t errlen);

/* Window positions along a side of n pixels, at most cap of them into
 * pos; returns the count (the count alone when pos is NULL). */
int aemap_positions(int n, int patch, int stride, int *pos, int cap);

/*
 * Where an error lies within the range the validation normals' errors
 * span: lo, mid and hi are their 0.1th, 50th and 99.9th percentiles.
 * Textures a network cannot reproduce leave a typical error level
 * everywhere, and a defect that wipes the texture out (a smooth smudge)
 * drops below it as surely as a scratch rises above; this counts both.
 */
struct aemap_range {
	float lo, mid, hi;
};

/* What a map holds: the error itself, or its deviation from the range
 * below it (a deficit), above it, or both ways. */
#define AEMAP_BELOW 1
#define AEMAP_ABOVE 2
enum aemap_kind {
	AEMAP_ERROR = 0,
	AEMAP_DEFICIT = AEMAP_BELOW,
	AEMAP_DEVIATION = AEMAP_BELOW | AEMAP_ABOVE
};

/* The kind named "error", "deficit" or "deviation", or -1; and back. */
int aemap_kind_of(const char *name);
const char *aemap_kind_name(enum aemap_kind k);

/*
 * Replace each of the n values v of map by its deviation from r on the
 * sides (AEMAP_BELOW, AEMAP_ABOVE) asked for: 0 at the median, 1 at
 * either percentile, growing linearly beyond; 0 on a side not asked for.
 */
void aemap_deviation(float *map, long n, const struct aemap_range *r,
    int sides);

/*
 * Image scores of a map of n values: its maximum, and the mean of its k
 * largest values (k clipped to n).  scratch holds k floats.
 */
void aemap_score(const float *map, long n, long k, float *scratch,
    double *max, double *topk);

#endif
