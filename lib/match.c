/*
 * match: coarse-to-fine, multi-scale zero-mean normalised cross-correlation.
 * See match.h for the contract.  Layout of this file: planes and the
 * correlation kernel; resampling (template scaling, pyramid, smoothing);
 * prepared templates; window statistics; the coarse scan, the local
 * refinement and the sub-scale refinement; the search driver and threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "resample.h"

#define PAD 16		/* floats right of every plane row: kernel overreads */
#define MINSIDE 6	/* coarse template: shorter side at least */
#define MINAREA 64	/* coarse template: pixels at least */
#define RADIUS 2	/* refinement window half-size per level */
#define MAXSCALE 64	/* scales tried at most */
#define FLUSH 256	/* kernel taps between float-to-double flushes */

/*
 * Runtime dispatch of the hot loop: an AVX2 clone on x86-64 CPUs that have
 * it (the vector type below then maps to one register), plain SSE2 or the
 * target's own vectors elsewhere.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

typedef float vf __attribute__((vector_size(32)));	/* 8 floats */
/* the same, at any float address (as the __m256_u of <immintrin.h>) */
typedef float vfu __attribute__((vector_size(32), aligned(4), may_alias));

/* A float plane; rows are stride floats apart, stride >= w + PAD. */
struct plane {
	float *p;
	int w, h;
	size_t stride, cap;
};

/* One pyramid level of one scaled template, ready for correlation. */
struct tlev {
	int w, h;
	float *t;		/* zero mean over included pixels, 0 elsewhere */
	double st;		/* sum of t squared */
	double n;		/* included pixels */
	struct match_rect *inc;	/* disjoint rectangles of included pixels */
	int ninc;
	int ok;			/* has contrast */
};

/* A template at one scale: raw levels and prepared levels. */
struct tscale {
	double s;
	int denoise;
	int nlev;			/* levels prepared: 0 .. nlev-1 */
	int coarse;			/* level the full scan runs at */
	float *raw[MATCH_MAX_LEVEL + 1];	/* unsmoothed pyramid */
	struct tlev lev[MATCH_MAX_LEVEL + 1];
};

struct match_tmpl {
	int w, h;
	float *pix;			/* w x h copy */
	struct match_rect *excl;
	int nexcl;
	int ex, ey;			/* expected place, or negative */
	struct tscale *sc;		/* cache, one per scale seen */
	int nsc, capsc;
};

/* A candidate or a hit in flight. */
struct cand {
	int ver, si;		/* version and scale index */
	int lev, x, y;		/* level and position there */
	double score;
	double s;		/* exact scale (sub-scale refinement) */
	int w, h;		/* box at full resolution */
};

/* Per-thread workspace, kept across calls. */
struct ws {
	double *row;
	size_t rowcap;
	float *map;
	size_t mapcap;
	struct plane loc;
	double *ii;
	size_t iicap;
	float *tmp;
	size_t tmpcap;
	float *t0, *t1;		/* sub-scale template: raw, prepared */
	size_t t0cap, t1cap;
	struct match_rect *inc;
	size_t inccap;
	struct cand *cand;
	size_t ncand, capcand;
	int fail;
};

struct match_screen {
	const float *pix;
	int w, h;
	size_t stride;
	struct plane lev[MATCH_MAX_LEVEL + 1];	/* level 0: full0 if built */
	int nlev;				/* levels built, 1 .. */
	double *ii[MATCH_MAX_LEVEL + 1];	/* integrals, sum then squares */
	size_t iicap[MATCH_MAX_LEVEL + 1];
	int iiok[MATCH_MAX_LEVEL + 1];
	int full0;		/* lev[0] holds the whole screen: 1 raw, 2 smooth */
	float *tmp;
	size_t tmpcap;
	struct ws *ws;
	int nws;
};

static void
seterr(char *err, size_t errlen, const char *msg)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

/* Grow *p to hold n elements of size sz.  0 or -1. */
static int
reserve(void *pp, size_t *cap, size_t n, size_t sz)
{
	void **p = pp;
	void *q;

	if (n <= *cap)
		return 0;
	q = realloc(*p, n * sz);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int
plane_reserve(struct plane *pl, int w, int h)
{
	size_t stride = (size_t)w + PAD;

	if (reserve(&pl->p, &pl->cap, stride * (size_t)h, sizeof *pl->p))
		return -1;
	pl->w = w;
	pl->h = h;
	pl->stride = stride;
	return 0;
}

/* Zero the padding right of each row, so overreads see defined values. */
static void
plane_pad(struct plane *pl)
{
	int y;

	for (y = 0; y < pl->h; y++)
		memset(pl->p + (size_t)y * pl->stride + pl->w, 0,
		    (pl->stride - (size_t)pl->w) * sizeof *pl->p);
}

#define VLOAD(p) (*(const vfu *)(p))

/*
 * One output row of the correlation: out[x] = sum over the template of
 * t[ty][tx] * in[ty * istride + x + tx] for 0 <= x < nx.  Rows of in must
 * be readable 7 floats beyond column nx + tw - 2 (the plane padding).  The
 * sum is kept in float across up to FLUSH taps, then in double, and its
 * rounding depends only on the taps, not on x: a local window computes the
 * same values as the full map.  Zero taps (excluded pixels) are skipped.
 */
static void CLONES
corr_row(const float *in, size_t istride, int nx, const float *t, int tw,
    int th, double *out)
{
	int x, ty, tx, k, taps;

	for (x = 0; x + 57 <= nx; x += 64) {
		vf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
		vf a4 = { 0 }, a5 = { 0 }, a6 = { 0 }, a7 = { 0 };
		double d[64] = { 0 };

		taps = 0;
		for (ty = 0; ty < th; ty++) {
			const float *r = in + (size_t)ty * istride + x;
			const float *tr = t + (size_t)ty * tw;

			for (tx = 0; tx < tw; tx++) {
				float v = tr[tx];

				if (v == 0.0f)
					continue;
				a0 += v * VLOAD(r + tx);
				a1 += v * VLOAD(r + tx + 8);
				a2 += v * VLOAD(r + tx + 16);
				a3 += v * VLOAD(r + tx + 24);
				a4 += v * VLOAD(r + tx + 32);
				a5 += v * VLOAD(r + tx + 40);
				a6 += v * VLOAD(r + tx + 48);
				a7 += v * VLOAD(r + tx + 56);
			}
			taps += tw;
			if (taps < FLUSH && ty + 1 < th)
				continue;
			for (k = 0; k < 8; k++) {
				d[k] += a0[k];
				d[8 + k] += a1[k];
				d[16 + k] += a2[k];
				d[24 + k] += a3[k];
				d[32 + k] += a4[k];
				d[40 + k] += a5[k];
				d[48 + k] += a6[k];
				d[56 + k] += a7[k];
			}
			a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = (vf){ 0 };
			taps = 0;
		}
		for (k = 0; k < 64 && x + k < nx; k++)
			out[x + k] = d[k];
	}
	for (; x < nx; x += 8) {
		vf a = { 0 };
		double d[8] = { 0 };

		taps = 0;
		for (ty = 0; ty < th; ty++) {
			const float *r = in + (size_t)ty * istride + x;
			const float *tr = t + (size_t)ty * tw;

			for (tx = 0; tx < tw; tx++) {
				float v = tr[tx];

				if (v == 0.0f)
					continue;
				a += v * VLOAD(r + tx);
			}
			taps += tw;
			if (taps < FLUSH && ty + 1 < th)
				continue;
			for (k = 0; k < 8; k++)
				d[k] += a[k];
			a = (vf){ 0 };
			taps = 0;
		}
		for (k = 0; k < 8 && x + k < nx; k++)
			out[x + k] = d[k];
	}
}

static inline int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * One pyramid step: blur with the binomial [1 4 6 4 1] / 16 in both
 * directions (edges replicate) and keep the even pixels.  dst is
 * (sw / 2) x (sh / 2); tmp holds sh * (sw / 2) floats.
 */
static void
down2(const float *src, int sw, int sh, size_t sstride, float *dst,
    size_t dstride, float *tmp)
{
	static const float k[5] = { 1, 4, 6, 4, 1 };
	int dw = sw / 2, dh = sh / 2, x, y, j;

	for (y = 0; y < sh; y++) {
		const float *r = src + (size_t)y * sstride;
		float *o = tmp + (size_t)y * dw;

		for (x = 0; x < dw; x++) {
			float acc = 0;

			if (2 * x >= 2 && 2 * x + 2 < sw) {
				const float *c = r + 2 * x;

				acc = c[-2] + 4 * c[-1] + 6 * c[0] + 4 * c[1] +
				    c[2];
			} else {
				for (j = 0; j < 5; j++)
					acc += k[j] *
					    r[clampi(2 * x + j - 2, 0, sw - 1)];
			}
			o[x] = acc / 16;
		}
	}
	for (y = 0; y < dh; y++) {
		const float *r[5];
		float *o = dst + (size_t)y * dstride;

		for (j = 0; j < 5; j++)
			r[j] = tmp + (size_t)clampi(2 * y + j - 2, 0, sh - 1) * dw;
		for (x = 0; x < dw; x++)
			o[x] = (r[0][x] + 4 * r[1][x] + 6 * r[2][x] +
			    4 * r[3][x] + r[4][x]) / 16;
	}
}

/*
 * Smooth with the 3x3 binomial (1 2 1)^2 / 16, or copy when !denoise, the
 * rw x rh region at (rx, ry) of src (sw x sh): edges replicate at the
 * borders of src, not of the region, so a region equals the same part of
 * the whole image smoothed.
 */
static void
smooth_region(const float *src, int sw, int sh, size_t sstride, int rx,
    int ry, int rw, int rh, int denoise, float *dst, size_t dstride)
{
	int x, y, i;

	for (y = 0; y < rh; y++) {
		float *o = dst + (size_t)y * dstride;

		if (!denoise) {
			memcpy(o, src + (size_t)(ry + y) * sstride + rx,
			    (size_t)rw * sizeof *o);
			continue;
		}
		for (x = 0; x < rw; x++) {
			int xs[3], sy;
			float acc = 0;

			for (i = 0; i < 3; i++)
				xs[i] = clampi(rx + x + i - 1, 0, sw - 1);
			for (i = 0; i < 3; i++) {
				const float *r;

				sy = clampi(ry + y + i - 1, 0, sh - 1);
				r = src + (size_t)sy * sstride;
				acc += (i == 1 ? 2 : 1) *
				    (r[xs[0]] + 2 * r[xs[1]] + r[xs[2]]);
			}
			o[x] = acc / 16;
		}
	}
}

#define MAXUSER 20	/* exclusion rectangles given per template, at most */
#define MAXEXCL (MAXUSER + 4)	/* with the ring of a smoothed template */
#define INCMAX ((2 * MAXEXCL + 1) * (2 * MAXEXCL + 1))	/* their cells */

/*
 * The included part of a w x h template whose excluded rectangles are ex
 * (already scaled and clipped, nex <= MAXEXCL): disjoint rectangles
 * written to inc (room for INCMAX), their count returned.  Cells of the
 * grid spanned by all rectangle edges are in or out; runs in a row merge.
 */
static int
included(const struct match_rect *ex, int nex, int w, int h,
    struct match_rect *inc)
{
	int xs[2 * MAXEXCL + 2], ys[2 * MAXEXCL + 2];
	int nx = 0, ny = 0, i, j, k, n = 0;

	xs[nx++] = 0;
	xs[nx++] = w;
	ys[ny++] = 0;
	ys[ny++] = h;
	for (i = 0; i < nex; i++) {
		xs[nx++] = ex[i].x;
		xs[nx++] = ex[i].x + ex[i].w;
		ys[ny++] = ex[i].y;
		ys[ny++] = ex[i].y + ex[i].h;
	}
	for (i = 1; i < nx; i++)	/* insertion sorts: tiny arrays */
		for (j = i; j > 0 && xs[j - 1] > xs[j]; j--)
			k = xs[j], xs[j] = xs[j - 1], xs[j - 1] = k;
	for (i = 1; i < ny; i++)
		for (j = i; j > 0 && ys[j - 1] > ys[j]; j--)
			k = ys[j], ys[j] = ys[j - 1], ys[j - 1] = k;
	for (j = 0; j + 1 < ny; j++) {
		int y0 = ys[j], y1 = ys[j + 1], run = -1;

		if (y1 <= y0)
			continue;
		for (i = 0; i + 1 < nx; i++) {
			int x0 = xs[i], x1 = xs[i + 1], out = 0;

			if (x1 <= x0)
				continue;
			for (k = 0; k < nex && !out; k++)
				out = x0 >= ex[k].x && x1 <= ex[k].x + ex[k].w &&
				    y0 >= ex[k].y && y1 <= ex[k].y + ex[k].h;
			if (out) {
				run = -1;
			} else if (run >= 0 && inc[run].x + inc[run].w == x0) {
				inc[run].w += x1 - x0;
			} else {
				inc[n] = (struct match_rect){ x0, y0, x1 - x0,
				    y1 - y0 };
				run = n++;
			}
		}
	}
	return n;
}

/*
 * The exclusions of t scaled to a w x h rendition (fx, fy: its size over
 * the original), rounded outwards so no excluded pixel leaks in.  With
 * ring, the outermost pixels are excluded too: a template smoothed on its
 * own has no neighbours there, unlike its copy in the screen, so only its
 * interior is compared.
 */
static int
scaled_excl(const struct match_tmpl *t, double fx, double fy, int w, int h,
    int ring, struct match_rect *out)
{
	int i, n = 0;

	if (ring && w >= 3 && h >= 3) {
		out[n++] = (struct match_rect){ 0, 0, w, 1 };
		out[n++] = (struct match_rect){ 0, h - 1, w, 1 };
		out[n++] = (struct match_rect){ 0, 1, 1, h - 2 };
		out[n++] = (struct match_rect){ w - 1, 1, 1, h - 2 };
	}

	for (i = 0; i < t->nexcl; i++) {
		const struct match_rect *e = &t->excl[i];
		int x0 = clampi((int)floor(e->x * fx), 0, w);
		int y0 = clampi((int)floor(e->y * fy), 0, h);
		int x1 = clampi((int)ceil((e->x + e->w) * fx), 0, w);
		int y1 = clampi((int)ceil((e->y + e->h) * fy), 0, h);

		if (x1 > x0 && y1 > y0)
			out[n++] = (struct match_rect){ x0, y0, x1 - x0,
			    y1 - y0 };
	}
	return n;
}

/*
 * Prepare level tl from raw pixels (w x h) excluding ex: zero mean over
 * the included pixels, zero elsewhere, and the sums the score needs.  The
 * caller's inc (room for INCMAX) and t (w x h) become tl->inc and tl->t.
 */
static void
prep_level(struct tlev *tl, const float *raw, int w, int h,
    const struct match_rect *ex, int nex, struct match_rect *inc, float *t)
{
	double sum = 0, st = 0, n = 0, m;
	int i, x, y;

	tl->w = w;
	tl->h = h;
	tl->inc = inc;
	tl->ninc = included(ex, nex, w, h, inc);
	tl->t = t;
	memset(t, 0, (size_t)w * h * sizeof *t);
	for (i = 0; i < tl->ninc; i++) {
		const struct match_rect *r = &inc[i];

		for (y = r->y; y < r->y + r->h; y++)
			for (x = r->x; x < r->x + r->w; x++)
				sum += raw[(size_t)y * w + x];
		n += (double)r->w * r->h;
	}
	m = n > 0 ? sum / n : 0;
	for (i = 0; i < tl->ninc; i++) {
		const struct match_rect *r = &inc[i];

		for (y = r->y; y < r->y + r->h; y++)
			for (x = r->x; x < r->x + r->w; x++) {
				float v = (float)(raw[(size_t)y * w + x] - m);

				t[(size_t)y * w + x] = v;
				st += (double)v * v;
			}
	}
	tl->st = st;
	tl->n = n;
	tl->ok = n > 0 && st >= n * MATCH_FLAT * MATCH_FLAT;
}

/* Give back the unused part of tl's rectangle room. */
static void
shrink_inc(struct tlev *tl)
{
	struct match_rect *p = realloc(tl->inc, (size_t)(tl->ninc > 0 ?
	    tl->ninc : 1) * sizeof *p);

	if (p != NULL)
		tl->inc = p;
}

static void
tscale_free(struct tscale *ts)
{
	int l;

	for (l = 0; l < ts->nlev; l++) {
		free(ts->raw[l]);
		free(ts->lev[l].t);
		free(ts->lev[l].inc);
	}
}

/*
 * Size of t at scale s: both sides rounded, at least 1.
 */
static void
scaled_size(const struct match_tmpl *t, double s, int *w, int *h)
{
	*w = (int)lround(t->w * s);
	*h = (int)lround(t->h * s);
	if (*w < 1)
		*w = 1;
	if (*h < 1)
		*h = 1;
}


/*
 * Build the prepared pyramid of t at scale s into ts: level 0 resampled
 * (and smoothed if denoise), coarser levels by down2 of the raw level
 * above, while the template keeps MINSIDE and MINAREA, up to
 * MATCH_MAX_LEVEL.  tmp holds t->h * (scaled width) floats.  0 or -1 (out
 * of memory; ts is then freed).
 */
static int
tscale_build(const struct match_tmpl *t, struct tscale *ts, double s,
    int denoise, float *tmp)
{
	struct match_rect ex[MAXEXCL];
	float *sm = NULL;
	double fx, fy;
	int l, w, h, nex;

	memset(ts, 0, sizeof *ts);
	ts->s = s;
	ts->denoise = denoise;
	scaled_size(t, s, &w, &h);
	fx = fy = s;
	for (l = 0; l <= MATCH_MAX_LEVEL; l++) {
		const float *src;

		if (l > 0) {
			w /= 2;
			h /= 2;
			if (w < MINSIDE || h < MINSIDE || w * h < MINAREA)
				break;
		}
		ts->raw[l] = malloc((size_t)w * h * sizeof *ts->raw[l]);
		ts->lev[l].t = malloc((size_t)w * h * sizeof *ts->lev[l].t);
		ts->lev[l].inc = malloc(INCMAX * sizeof *ts->lev[l].inc);
		ts->nlev = l + 1;
		if (ts->raw[l] == NULL || ts->lev[l].t == NULL ||
		    ts->lev[l].inc == NULL)
			goto fail;
		if (l == 0)
			resample(t->pix, t->w, t->h, (size_t)t->w, ts->raw[0],
			    w, h, (size_t)w, s, tmp);
		else
			down2(ts->raw[l - 1], ts->lev[l - 1].w,
			    ts->lev[l - 1].h, (size_t)ts->lev[l - 1].w,
			    ts->raw[l], (size_t)w, tmp);
		src = ts->raw[l];
		if (l == 0 && denoise) {
			sm = malloc((size_t)w * h * sizeof *sm);
			if (sm == NULL)
				goto fail;
			smooth_region(ts->raw[0], w, h, (size_t)w, 0, 0, w, h,
			    1, sm, (size_t)w);
			src = sm;
		}
		nex = scaled_excl(t, fx / (1 << l), fy / (1 << l), w, h,
		    l == 0 && denoise, ex);
		prep_level(&ts->lev[l], src, w, h, ex, nex, ts->lev[l].inc,
		    ts->lev[l].t);
		shrink_inc(&ts->lev[l]);
		free(sm);
		sm = NULL;
	}
	return 0;
fail:
	free(sm);
	tscale_free(ts);
	return -1;
}

void
match_opts_default(struct match_opts *o)
{
	o->smin = 0.7;
	o->smax = 1.3;
	o->nscale = 7;
	o->refine = 3;
	o->thresh = 0.7;
	o->topk = 1;
	o->overlap = 0.3;
	o->near_eps = 0.01;
	o->denoise = 1;
	o->exhaustive = 0;
	o->ncand = 32;
	o->nthreads = 1;
}

int
match_opts_check(const struct match_opts *o, char *err, size_t errlen)
{
	const char *msg = NULL;

	if (!(o->smin > 0) || !(o->smax >= o->smin) || o->smax > 16)
		msg = "scale range must satisfy 0 < min <= max <= 16";
	else if (o->nscale < 1 || o->nscale > MAXSCALE)
		msg = "number of scales must be 1..64";
	else if (o->refine < 0 || o->refine > 16)
		msg = "refinement rounds must be 0..16";
	else if (!(o->thresh >= -1 && o->thresh <= 1))
		msg = "threshold must be in -1..1";
	else if (o->topk < 1)
		msg = "top-k must be at least 1";
	else if (!(o->overlap >= 0 && o->overlap <= 1))
		msg = "overlap must be in 0..1";
	else if (!(o->near_eps >= 0 && o->near_eps <= 2))
		msg = "near preference must be in 0..2";
	else if (o->ncand < 1)
		msg = "candidates must be at least 1";
	else if (o->nthreads < 1 || o->nthreads > 256)
		msg = "threads must be 1..256";
	if (msg == NULL)
		return 0;
	seterr(err, errlen, msg);
	return -1;
}

int
match_tmpl_new(struct match_tmpl **tp, const float *pix, int w, int h,
    int stride, const struct match_rect *excl, int nexcl, int ex, int ey,
    char *err, size_t errlen)
{
	struct match_rect ink[MAXUSER], *inc;
	struct match_tmpl *t;
	struct tlev tl;
	float *tt;
	int y, i, n = 0;

	*tp = NULL;
	if (w < 4 || h < 4) {
		seterr(err, errlen, "template is smaller than 4x4 pixels");
		return -1;
	}
	if (w > 32767 || h > 32767 || nexcl < 0) {
		seterr(err, errlen, "template is too large");
		return -1;
	}
	for (i = 0; i < nexcl; i++) {	/* clip; drop empty ones */
		int x0 = clampi(excl[i].x, 0, w), y0 = clampi(excl[i].y, 0, h);
		int x1 = clampi(excl[i].x + excl[i].w, 0, w);
		int y1 = clampi(excl[i].y + excl[i].h, 0, h);

		if (x1 <= x0 || y1 <= y0)
			continue;
		if (n == MAXUSER) {
			seterr(err, errlen, "more than 20 exclusion areas");
			return -1;
		}
		ink[n++] = (struct match_rect){ x0, y0, x1 - x0, y1 - y0 };
	}
	t = calloc(1, sizeof *t);
	inc = malloc(INCMAX * sizeof *inc);
	tt = malloc((size_t)w * h * sizeof *tt);
	if (t == NULL || inc == NULL || tt == NULL ||
	    (t->pix = malloc((size_t)w * h * sizeof *t->pix)) == NULL ||
	    (n > 0 && (t->excl = malloc((size_t)n * sizeof *t->excl)) ==
	    NULL)) {
		if (t != NULL)
			free(t->pix);
		free(t);
		free(inc);
		free(tt);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	t->w = w;
	t->h = h;
	t->ex = ex;
	t->ey = ey;
	t->nexcl = n;
	if (n > 0)
		memcpy(t->excl, ink, (size_t)n * sizeof *ink);
	for (y = 0; y < h; y++)
		memcpy(t->pix + (size_t)y * w, pix + (size_t)y * stride,
		    (size_t)w * sizeof *pix);
	prep_level(&tl, t->pix, w, h, t->excl, n, inc, tt);
	free(inc);
	free(tt);
	if (!tl.ok) {
		match_tmpl_free(t);
		seterr(err, errlen, tl.n > 0 ? "template has no contrast" :
		    "template is excluded entirely");
		return -1;
	}
	*tp = t;
	return 0;
}

void
match_tmpl_free(struct match_tmpl *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsc; i++)
		tscale_free(&t->sc[i]);
	free(t->sc);
	free(t->excl);
	free(t->pix);
	free(t);
}

void
match_tmpl_size(const struct match_tmpl *t, int *w, int *h)
{
	*w = t->w;
	*h = t->h;
}

/* The cached pyramid of t at scale s, built if missing; NULL: no memory. */
static struct tscale *
tscale_get(struct match_tmpl *t, double s, int denoise, struct match_screen *sc)
{
	int i, w, h;

	for (i = 0; i < t->nsc; i++)
		if (t->sc[i].s == s && t->sc[i].denoise == denoise)
			return &t->sc[i];
	if (t->nsc == t->capsc) {
		int cap = t->capsc ? 2 * t->capsc : 8;
		struct tscale *p = realloc(t->sc, (size_t)cap * sizeof *p);

		if (p == NULL)
			return NULL;
		t->sc = p;
		t->capsc = cap;
	}
	scaled_size(t, s, &w, &h);
	if (reserve(&sc->tmp, &sc->tmpcap, (size_t)w * (t->h > h ? t->h : h),
	    sizeof *sc->tmp) ||
	    tscale_build(t, &t->sc[t->nsc], s, denoise, sc->tmp))
		return NULL;
	return &t->sc[t->nsc++];
}

struct match_screen *
match_screen_new(void)
{
	return calloc(1, sizeof(struct match_screen));
}

static void
ws_free(struct ws *w)
{
	free(w->row);
	free(w->map);
	free(w->loc.p);
	free(w->ii);
	free(w->tmp);
	free(w->t0);
	free(w->t1);
	free(w->inc);
	free(w->cand);
}

void
match_screen_free(struct match_screen *s)
{
	int l;

	if (s == NULL)
		return;
	for (l = 0; l <= MATCH_MAX_LEVEL; l++) {
		free(s->lev[l].p);
		free(s->ii[l]);
	}
	for (l = 0; l < s->nws; l++)
		ws_free(&s->ws[l]);
	free(s->ws);
	free(s->tmp);
	free(s);
}

int
match_screen_set(struct match_screen *s, const float *pix, int w, int h,
    int stride, char *err, size_t errlen)
{
	int l;

	if (w < 1 || h < 1 || stride < w || w > 65535 || h > 65535) {
		seterr(err, errlen, "screen size out of range");
		return -1;
	}
	s->pix = pix;
	s->w = w;
	s->h = h;
	s->stride = (size_t)stride;
	s->nlev = 1;
	s->full0 = 0;
	for (l = 0; l <= MATCH_MAX_LEVEL; l++)
		s->iiok[l] = 0;
	return 0;
}

/* Size of screen level l (floor halving). */
static void
level_size(const struct match_screen *s, int l, int *w, int *h)
{
	int i;

	*w = s->w;
	*h = s->h;
	for (i = 0; i < l; i++) {
		*w /= 2;
		*h /= 2;
	}
}

/* Build screen levels up to l (l >= 1 planes from the raw screen).  0/-1. */
static int
screen_levels(struct match_screen *s, int l)
{
	for (; s->nlev <= l; s->nlev++) {
		int k = s->nlev, w, h;
		const float *src = k == 1 ? s->pix : s->lev[k - 1].p;
		size_t sstride = k == 1 ? s->stride : s->lev[k - 1].stride;
		int sw, sh;

		level_size(s, k - 1, &sw, &sh);
		level_size(s, k, &w, &h);
		if (plane_reserve(&s->lev[k], w, h) ||
		    reserve(&s->tmp, &s->tmpcap, (size_t)sh * w,
		    sizeof *s->tmp))
			return -1;
		down2(src, sw, sh, sstride, s->lev[k].p, s->lev[k].stride,
		    s->tmp);
		plane_pad(&s->lev[k]);
	}
	return 0;
}

/* The whole full-resolution screen, smoothed or not, in lev[0].  0/-1. */
static int
screen_full0(struct match_screen *s, int denoise)
{
	if (s->full0 == 1 + !!denoise)
		return 0;
	if (plane_reserve(&s->lev[0], s->w, s->h))
		return -1;
	smooth_region(s->pix, s->w, s->h, s->stride, 0, 0, s->w, s->h,
	    denoise, s->lev[0].p, s->lev[0].stride);
	plane_pad(&s->lev[0]);
	s->full0 = 1 + !!denoise;
	s->iiok[0] = 0;
	return 0;
}

/*
 * Integral images of w x h pixels at p (values less their mean, for
 * accuracy): ii[(y)(w+1) + x] sums rows < y and columns < x; the squares
 * follow at ii + (w+1)(h+1).
 */
static void
integral(const float *p, int w, int h, size_t stride, double *ii)
{
	size_t w1 = (size_t)w + 1, off = w1 * ((size_t)h + 1);
	double m = 0;
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			m += p[(size_t)y * stride + x];
	m /= (double)w * h;
	memset(ii, 0, w1 * sizeof *ii);
	memset(ii + off, 0, w1 * sizeof *ii);
	for (y = 0; y < h; y++) {
		const float *r = p + (size_t)y * stride;
		double *o = ii + (y + 1) * w1, *u = ii + y * w1;
		double *o2 = o + off, *u2 = u + off, rs = 0, rs2 = 0;

		o[0] = o2[0] = 0;
		for (x = 0; x < w; x++) {
			double v = r[x] - m;

			rs += v;
			rs2 += v * v;
			o[x + 1] = u[x + 1] + rs;
			o2[x + 1] = u2[x + 1] + rs2;
		}
	}
}

/* The global integral of screen level l (lev[0]: full0 must be built). */
static int
screen_ii(struct match_screen *s, int l)
{
	size_t n = 2 * ((size_t)s->lev[l].w + 1) * ((size_t)s->lev[l].h + 1);

	if (s->iiok[l])
		return 0;
	if (reserve(&s->ii[l], &s->iicap[l], n, sizeof *s->ii[l]))
		return -1;
	integral(s->lev[l].p, s->lev[l].w, s->lev[l].h, s->lev[l].stride,
	    s->ii[l]);
	s->iiok[l] = 1;
	return 0;
}

static inline double
boxsum(const double *ii, size_t w1, int x, int y, int w, int h)
{
	return ii[(size_t)(y + h) * w1 + x + w] - ii[(size_t)y * w1 + x + w] -
	    ii[(size_t)(y + h) * w1 + x] + ii[(size_t)y * w1 + x];
}

/*
 * The score of template level tl at window (x, y) of an image whose
 * integrals are ii (row length w1, squares at off), given the numerator.
 */
static inline double
score(double num, const double *ii, size_t w1, size_t off,
    const struct tlev *tl, int x, int y)
{
	double s1 = 0, s2 = 0, var, r;
	int i;

	for (i = 0; i < tl->ninc; i++) {
		const struct match_rect *q = &tl->inc[i];

		s1 += boxsum(ii, w1, x + q->x, y + q->y, q->w, q->h);
		s2 += boxsum(ii + off, w1, x + q->x, y + q->y, q->w, q->h);
	}
	var = s2 - s1 * s1 / tl->n;
	if (var < tl->n * (MATCH_FLAT * MATCH_FLAT))
		return 0;
	r = num / sqrt(tl->st * var);
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

/*
 * Correlation map of tl over plane p (w x h, padded) with integrals ii:
 * map gets (w - tl->w + 1) x (h - tl->h + 1) scores.  row holds that width
 * plus 64 doubles.
 */
static void
full_map(const float *p, int w, int h, size_t stride, const double *ii,
    const struct tlev *tl, float *map, double *row)
{
	int ow = w - tl->w + 1, oh = h - tl->h + 1, x, y;
	size_t w1 = (size_t)w + 1, off = w1 * ((size_t)h + 1);

	for (y = 0; y < oh; y++) {
		corr_row(p + (size_t)y * stride, stride, ow, tl->t, tl->w,
		    tl->h, row);
		if (tl->ninc == 1) {	/* one rectangle: score() unrolled */
			const struct match_rect *q = &tl->inc[0];
			const double *t0 = ii + (size_t)(y + q->y) * w1 + q->x;
			const double *t1 = t0 + (size_t)q->h * w1;
			double flat = tl->n * (MATCH_FLAT * MATCH_FLAT);

			for (x = 0; x < ow; x++) {
				double s1 = t1[x + q->w] - t0[x + q->w] -
				    t1[x] + t0[x];
				double s2 = t1[off + x + q->w] -
				    t0[off + x + q->w] - t1[off + x] +
				    t0[off + x];
				double var = s2 - s1 * s1 / tl->n, r;

				r = var < flat ? 0 : row[x] / sqrt(tl->st *
				    var);
				map[(size_t)y * ow + x] = (float)(r > 1 ? 1 :
				    r < -1 ? -1 : r);
			}
			continue;
		}
		for (x = 0; x < ow; x++)
			map[(size_t)y * ow + x] = (float)score(row[x], ii, w1,
			    off, tl, x, y);
	}
}

/* Sift heap element i down (a min-heap on score: the weakest on top). */
static void
sift(struct cand *hp, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct cand tmp;

		if (l < n && hp[l].score < hp[m].score)
			m = l;
		if (l + 1 < n && hp[l + 1].score < hp[m].score)
			m = l + 1;
		if (m == i)
			return;
		tmp = hp[i];
		hp[i] = hp[m];
		hp[m] = tmp;
		i = m;
	}
}

/*
 * The keep best local maxima of map (ow x oh) appended to w's candidates,
 * each like proto.  A local maximum is at least every neighbour and
 * strictly more than those before it in raster order (one per plateau).
 * A bounded min-heap holds the best so far, so most positions cost one
 * comparison.
 */
static void
maxima(struct ws *w, const float *map, int ow, int oh, struct cand proto,
    size_t keep)
{
	struct cand *hp;
	size_t n = 0, i;
	int x, y, dx, dy;

	if (reserve(&w->cand, &w->capcand, w->ncand + keep, sizeof *w->cand)) {
		w->fail = 1;
		return;
	}
	hp = w->cand + w->ncand;
	for (y = 0; y < oh; y++)
		for (x = 0; x < ow; x++) {
			float v = map[(size_t)y * ow + x];
			int ismax = 1;

			if (n == keep && v <= hp[0].score)
				continue;
			for (dy = -1; dy <= 1 && ismax; dy++)
				for (dx = -1; dx <= 1 && ismax; dx++) {
					int nx = x + dx, ny = y + dy;
					float u;

					if ((dx == 0 && dy == 0) || nx < 0 ||
					    ny < 0 || nx >= ow || ny >= oh)
						continue;
					u = map[(size_t)ny * ow + nx];
					ismax = dy < 0 || (dy == 0 && dx < 0) ?
					    v > u : v >= u;
				}
			if (!ismax)
				continue;
			proto.x = x;
			proto.y = y;
			proto.score = v;
			if (n < keep) {		/* sift up */
				i = n++;
				hp[i] = proto;
				while (i > 0 && hp[(i - 1) / 2].score >
				    hp[i].score) {
					struct cand tmp = hp[i];

					hp[i] = hp[(i - 1) / 2];
					hp[(i - 1) / 2] = tmp;
					i = (i - 1) / 2;
				}
			} else {
				hp[0] = proto;
				sift(hp, n, 0);
			}
		}
	w->ncand += n;
}

/*
 * Best window of tl at level lev whose top-left is within radius of
 * (cx, cy): *bx, *by and the score returned (-2 when no window fits).
 * Level 0 reads the screen through smooth_region (denoise as given),
 * coarser levels the pyramid planes.  Ties go to the first in raster
 * order, as in the full map.
 */
static double
local_best(struct match_screen *s, struct ws *w, const struct tlev *tl,
    int lev, int denoise, int cx, int cy, int radius, int *bx, int *by)
{
	int lw, lh, xa, xb, ya, yb, rw, rh, x, y;
	const float *p;
	size_t stride, w1, off;
	double best = -2;

	level_size(s, lev, &lw, &lh);
	xa = cx - radius < 0 ? 0 : cx - radius;
	ya = cy - radius < 0 ? 0 : cy - radius;
	xb = cx + radius > lw - tl->w ? lw - tl->w : cx + radius;
	yb = cy + radius > lh - tl->h ? lh - tl->h : cy + radius;
	if (xb < xa || yb < ya)
		return best;
	rw = xb - xa + tl->w;
	rh = yb - ya + tl->h;
	if (lev == 0) {
		if (plane_reserve(&w->loc, rw, rh)) {
			w->fail = 1;
			return best;
		}
		smooth_region(s->pix, s->w, s->h, s->stride, xa, ya, rw, rh,
		    denoise, w->loc.p, w->loc.stride);
		plane_pad(&w->loc);
		p = w->loc.p;
		stride = w->loc.stride;
	} else {
		stride = s->lev[lev].stride;
		p = s->lev[lev].p + (size_t)ya * stride + xa;
	}
	w1 = (size_t)rw + 1;
	off = w1 * ((size_t)rh + 1);
	if (reserve(&w->ii, &w->iicap, 2 * off, sizeof *w->ii) ||
	    reserve(&w->row, &w->rowcap, (size_t)(xb - xa + 1) + 64,
	    sizeof *w->row)) {
		w->fail = 1;
		return best;
	}
	integral(p, rw, rh, stride, w->ii);
	for (y = ya; y <= yb; y++) {
		corr_row(p + (size_t)(y - ya) * stride, stride, xb - xa + 1,
		    tl->t, tl->w, tl->h, w->row);
		for (x = xa; x <= xb; x++) {
			double v = score(w->row[x - xa], w->ii, w1, off, tl,
			    x - xa, y - ya);

			if (v > best) {
				best = v;
				*bx = x;
				*by = y;
			}
		}
	}
	return best;
}

/* One search, shared by the workers. */
struct ctx {
	struct match_screen *s;
	struct match_tmpl *const *ver;
	const struct match_opts *o;
	double scale[MAXSCALE];
	int nsc;
	struct tscale **ts;	/* [ver * nsc + si], NULL: does not fit */
	int *coarse;		/* [ver * nsc + si]: scan level */
	struct cand *c;		/* candidates being refined */
	int keep;		/* candidates per version */
	int phase, njobs, next;
	pthread_mutex_t mu;
};

/*
 * A level-0 template of t at exact scale sc in w's buffers, into *tl.
 * 0 or -1 (out of memory).
 */
static int
tlev_at(struct ws *w, const struct match_tmpl *t, double sc, int denoise,
    struct tlev *tl)
{
	struct match_rect ex[MAXEXCL];
	int tw, th, nex;
	size_t n;
	const float *src;

	scaled_size(t, sc, &tw, &th);
	n = (size_t)tw * th;
	if (reserve(&w->t0, &w->t0cap, 2 * n, sizeof *w->t0) ||
	    reserve(&w->t1, &w->t1cap, n, sizeof *w->t1) ||
	    reserve(&w->inc, &w->inccap, INCMAX, sizeof *w->inc) ||
	    reserve(&w->tmp, &w->tmpcap, (size_t)tw * (t->h > th ? t->h : th),
	    sizeof *w->tmp))
		return -1;
	resample(t->pix, t->w, t->h, (size_t)t->w, w->t0, tw, th, (size_t)tw,
	    sc, w->tmp);
	src = w->t0;
	if (denoise) {
		smooth_region(w->t0, tw, th, (size_t)tw, 0, 0, tw, th, 1,
		    w->t0 + n, (size_t)tw);
		src = w->t0 + n;
	}
	nex = scaled_excl(t, sc, sc, tw, th, denoise, ex);
	prep_level(tl, src, tw, th, ex, nex, w->inc, w->t1);
	return 0;
}

/* Phase 1: the full scan of one version at one scale at its level. */
static void
job_scan(struct ctx *c, struct ws *w, int j)
{
	struct match_screen *s = c->s;
	const struct tscale *ts = c->ts[j];
	int l = c->coarse[j], ow, oh;
	const struct tlev *tl;
	const struct plane *p;

	if (ts == NULL)
		return;
	tl = &ts->lev[l];
	p = &s->lev[l];
	ow = p->w - tl->w + 1;
	oh = p->h - tl->h + 1;
	if (reserve(&w->map, &w->mapcap, (size_t)ow * oh, sizeof *w->map) ||
	    reserve(&w->row, &w->rowcap, (size_t)ow + 64, sizeof *w->row)) {
		w->fail = 1;
		return;
	}
	full_map(p->p, p->w, p->h, p->stride, s->ii[l], tl, w->map, w->row);
	maxima(w, w->map, ow, oh, (struct cand){ .ver = j / c->nsc,
	    .si = j % c->nsc, .lev = l, .s = ts->s }, (size_t)c->keep);
}

/* Phase 2: follow one candidate down to full resolution. */
static void
job_refine(struct ctx *c, struct ws *w, int j)
{
	struct cand *k = &c->c[j];
	const struct tscale *ts = c->ts[k->ver * c->nsc + k->si];
	int l, x = k->x, y = k->y;
	double v = k->score;

	for (l = k->lev - 1; l >= 0 && v > -2; l--)
		v = local_best(c->s, w, &ts->lev[l], l, ts->denoise, 2 * x,
		    2 * y, RADIUS, &x, &y);
	k->lev = 0;
	k->x = x;
	k->y = y;
	k->score = v;
	k->w = ts->lev[0].w;
	k->h = ts->lev[0].h;
}

/*
 * Phase 3: refine one hit between the discrete scales, by halving steps
 * around the best scale so far; the position is searched again nearby at
 * each trial scale.
 */
static void
job_subscale(struct ctx *c, struct ws *w, int j)
{
	const struct match_opts *o = c->o;
	const struct match_tmpl *t = c->ver[c->c[j].ver];
	struct cand best = c->c[j];
	double d = (o->smax - o->smin) / (o->nscale - 1) / 2;
	int r, sign;

	for (r = 0; r < o->refine; r++, d /= 2) {
		struct cand mid = best;

		for (sign = -1; sign <= 1; sign += 2) {
			double sc = mid.s + sign * d, v;
			int tw, th, bx = 0, by = 0, rad;
			struct tlev tl;

			if (sc < o->smin - 1e-9 || sc > o->smax + 1e-9)
				continue;
			scaled_size(t, sc, &tw, &th);
			if (tw > c->s->w || th > c->s->h)
				continue;
			if (tlev_at(w, t, sc, o->denoise, &tl)) {
				w->fail = 1;
				return;
			}
			if (!tl.ok)
				continue;
			rad = abs(tw - mid.w) > abs(th - mid.h) ?
			    abs(tw - mid.w) : abs(th - mid.h);
			rad = RADIUS + (rad + 1) / 2;
			v = local_best(c->s, w, &tl, 0, o->denoise,
			    mid.x + (mid.w - tw) / 2, mid.y + (mid.h - th) / 2,
			    rad, &bx, &by);
			if (v > best.score) {
				best.score = v;
				best.s = sc;
				best.x = bx;
				best.y = by;
				best.w = tw;
				best.h = th;
			}
		}
	}
	c->c[j] = best;
}

static void
run_job(struct ctx *c, struct ws *w, int j)
{
	if (c->phase == 1)
		job_scan(c, w, j);
	else if (c->phase == 2)
		job_refine(c, w, j);
	else
		job_subscale(c, w, j);
}

struct worker {
	struct ctx *c;
	struct ws *w;
};

static void *
worker(void *arg)
{
	struct worker *wk = arg;
	struct ctx *c = wk->c;
	int j;

	for (;;) {
		pthread_mutex_lock(&c->mu);
		j = c->next++;
		pthread_mutex_unlock(&c->mu);
		if (j >= c->njobs || wk->w->fail)
			break;
		run_job(c, wk->w, j);
	}
	return NULL;
}

/* Run njobs jobs of the current phase on up to o->nthreads threads. */
static int
run_phase(struct ctx *c, int phase, int njobs, char *err, size_t errlen)
{
	struct worker wk[256];
	pthread_t tid[256];
	int nt = c->o->nthreads < njobs ? c->o->nthreads : njobs, i, n = 0;
	int fail = 0;

	c->phase = phase;
	c->njobs = njobs;
	c->next = 0;
	for (i = 0; i < nt; i++) {
		wk[i].c = c;
		wk[i].w = &c->s->ws[i];
	}
	for (i = 1; i < nt; i++) {
		if (pthread_create(&tid[i], NULL, worker, &wk[i]) != 0)
			break;
		n = i;
	}
	if (nt > 0)
		worker(&wk[0]);
	for (i = 1; i <= n; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < nt; i++)
		fail |= c->s->ws[i].fail;
	if (fail) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;

	if (p->score != q->score)
		return p->score > q->score ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->ver != q->ver)
		return p->ver < q->ver ? -1 : 1;
	return p->s < q->s ? -1 : p->s > q->s;
}

static int
cmp_cand_ver(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;

	if (p->ver != q->ver)
		return p->ver < q->ver ? -1 : 1;
	return cmp_cand(a, b);
}

double
match_iou(const struct match_hit *a, const struct match_hit *b)
{
	double ix = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
	double iy = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
	double in, un;

	if (ix <= 0 || iy <= 0)
		return 0;
	in = ix * iy;
	un = (double)a->w * a->h + (double)b->w * b->h - in;
	return un > 0 ? in / un : 0;
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct match_hit *p = a, *q = b;

	if (p->score != q->score)
		return p->score > q->score ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->version != q->version)
		return p->version < q->version ? -1 : 1;
	return p->scale < q->scale ? -1 : p->scale > q->scale;
}

int
match_nms(struct match_hit *hit, int n, double overlap)
{
	int i, j, k = 0;

	qsort(hit, (size_t)n, sizeof *hit, cmp_hit);
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			if (match_iou(&hit[i], &hit[j]) > overlap)
				break;
		if (j == k)
			hit[k++] = hit[i];
	}
	return k;
}

static struct match_hit
cand_hit(const struct cand *c)
{
	return (struct match_hit){ c->x, c->y, c->w, c->h, c->s, c->score,
	    c->ver };
}

static struct cand
hit_cand(const struct match_hit *h)
{
	return (struct cand){ .ver = h->version, .x = h->x, .y = h->y,
	    .score = h->score, .s = h->scale, .w = h->w, .h = h->h };
}

/*
 * Set up the search: scales, prepared templates, scan levels, screen
 * levels and integrals, workspaces.  0 or -1 (out of memory).
 */
static int
setup(struct ctx *c, int nver)
{
	struct match_screen *s = c->s;
	const struct match_opts *o = c->o;
	int v, i, maxl = 0, used[MATCH_MAX_LEVEL + 1] = { 0 };

	c->nsc = o->nscale;
	for (i = 0; i < c->nsc; i++)
		c->scale[i] = c->nsc == 1 ? o->smin : o->smin +
		    (o->smax - o->smin) * i / (c->nsc - 1);
	c->ts = calloc((size_t)nver * c->nsc, sizeof *c->ts);
	c->coarse = calloc((size_t)nver * c->nsc, sizeof *c->coarse);
	if (c->ts == NULL || c->coarse == NULL)
		return -1;
	for (v = 0; v < nver; v++)
		for (i = 0; i < c->nsc; i++) {
			int j = v * c->nsc + i, tw, th, l, lw, lh;
			struct tscale *ts;

			scaled_size(c->ver[v], c->scale[i], &tw, &th);
			if (tw > s->w || th > s->h)
				continue;	/* does not fit: skipped */
			ts = tscale_get(c->ver[v], c->scale[i], o->denoise, s);
			if (ts == NULL)
				return -1;
			for (l = o->exhaustive ? 0 : ts->nlev - 1; l > 0; l--) {
				level_size(s, l, &lw, &lh);
				if (ts->lev[l].ok && ts->lev[l].w <= lw &&
				    ts->lev[l].h <= lh)
					break;
			}
			if (!ts->lev[l].ok)
				continue;	/* no contrast at this scale */
			c->ts[j] = ts;
			c->coarse[j] = l;
			if (l > maxl)
				maxl = l;
			used[l] = 1;
		}
	if (screen_levels(s, maxl))
		return -1;
	for (i = 1; i <= maxl; i++)
		if (used[i] && screen_ii(s, i))
			return -1;
	if (used[0] && (screen_full0(s, o->denoise) || screen_ii(s, 0)))
		return -1;
	if (s->nws < o->nthreads) {
		struct ws *p = realloc(s->ws, (size_t)o->nthreads * sizeof *p);

		if (p == NULL)
			return -1;
		memset(p + s->nws, 0, (size_t)(o->nthreads - s->nws) *
		    sizeof *p);
		s->ws = p;
		s->nws = o->nthreads;
	}
	for (i = 0; i < s->nws; i++) {
		s->ws[i].ncand = 0;
		s->ws[i].fail = 0;
	}
	return 0;
}

/*
 * Gather the scan's candidates from the workspaces, keep the best per
 * version (at most keep each) in c->c.  Their number, or -1.
 */
static int
gather(struct ctx *c, int keep)
{
	struct match_screen *s = c->s;
	size_t n = 0, i, k;
	int t, m = 0;

	for (t = 0; t < s->nws; t++)
		n += s->ws[t].ncand;
	c->c = malloc((n ? n : 1) * sizeof *c->c);
	if (c->c == NULL)
		return -1;
	for (t = 0, n = 0; t < s->nws; t++) {
		if (s->ws[t].ncand == 0)
			continue;	/* cand may be NULL */
		memcpy(c->c + n, s->ws[t].cand, s->ws[t].ncand *
		    sizeof *c->c);
		n += s->ws[t].ncand;
	}
	qsort(c->c, n, sizeof *c->c, cmp_cand_ver);
	for (i = 0, k = 0; i < n; i++) {
		if (i > 0 && c->c[i].ver != c->c[i - 1].ver)
			k = 0;
		if (k++ < (size_t)keep)
			c->c[m++] = c->c[i];
	}
	return m;
}

/* Distance from hit h to the place its version is expected, or HUGE_VAL. */
static double
dist_expected(const struct ctx *c, const struct match_hit *h)
{
	const struct match_tmpl *t = c->ver[h->version];

	if (t->ex < 0 || t->ey < 0)
		return HUGE_VAL;
	return hypot(h->x - t->ex, h->y - t->ey);
}

int
match_find(struct match_screen *s, struct match_tmpl *const *ver, int nver,
    const struct match_opts *o, struct match_hit *hit, int maxhit,
    char *err, size_t errlen)
{
	struct ctx c = { .s = s, .ver = ver, .o = o };
	struct match_hit *h = NULL;
	int i, n, m, nsub, pick, rc = -1;
	double bestd;

	if (match_opts_check(o, err, errlen))
		return -1;
	if (nver < 1 || maxhit < 1)
		return 0;
	pthread_mutex_init(&c.mu, NULL);
	c.keep = o->ncand + 8 * (o->topk - 1);
	if (setup(&c, nver))
		goto nomem;
	if (run_phase(&c, 1, nver * c.nsc, err, errlen))
		goto out;
	n = gather(&c, c.keep);
	if (n < 0)
		goto nomem;
	if (run_phase(&c, 2, n, err, errlen))
		goto out;
	h = malloc((n ? (size_t)n : 1) * sizeof *h);
	if (h == NULL)
		goto nomem;
	for (i = 0, m = 0; i < n; i++)
		if (c.c[i].score > -2)
			h[m++] = cand_hit(&c.c[i]);
	m = match_nms(h, m, o->overlap);
	/* sub-scale refinement of the leaders and near-ties */
	nsub = 0;
	for (i = 0; i < m; i++)
		if (i < o->topk + 4 || (h[i].score >= h[0].score -
		    o->near_eps && i < o->topk + 16))
			c.c[nsub++] = hit_cand(&h[i]);
	if (o->refine > 0 && o->nscale > 1 &&
	    run_phase(&c, 3, nsub, err, errlen))
		goto out;
	for (i = 0; i < nsub; i++)
		h[i] = cand_hit(&c.c[i]);
	m = match_nms(h, nsub, o->overlap);
	/* near-ties: the one nearest its expected place goes first */
	pick = 0;
	bestd = m > 0 ? dist_expected(&c, &h[0]) : 0;
	for (i = 1; i < m && h[i].score >= h[0].score - o->near_eps; i++)
		if (dist_expected(&c, &h[i]) < bestd) {
			bestd = dist_expected(&c, &h[i]);
			pick = i;
		}
	if (pick > 0) {
		struct match_hit p = h[pick];

		memmove(h + 1, h, (size_t)pick * sizeof *h);
		h[0] = p;
	}
	for (i = 0, n = 0; i < m && n < o->topk && n < maxhit; i++)
		if (h[i].score >= o->thresh)
			hit[n++] = h[i];
	rc = n;
	goto out;
nomem:
	seterr(err, errlen, "out of memory");
out:
	pthread_mutex_destroy(&c.mu);
	free(h);
	free(c.c);
	free(c.ts);
	free(c.coarse);
	return rc;
}

int
match_map(struct match_screen *s, const struct match_tmpl *t, double scale,
    int denoise, float *map, int *ow, int *oh, char *err, size_t errlen)
{
	struct ws *w;
	struct tlev tl;
	int tw, th;

	scaled_size(t, scale, &tw, &th);
	if (!(scale > 0) || tw > s->w || th > s->h) {
		seterr(err, errlen, "template larger than the screen");
		return -1;
	}
	*ow = s->w - tw + 1;
	*oh = s->h - th + 1;
	if (map == NULL)
		return 0;
	if (s->nws < 1) {
		if ((s->ws = calloc(1, sizeof *s->ws)) == NULL)
			goto nomem;
		s->nws = 1;
	}
	w = &s->ws[0];
	if (tlev_at(w, t, scale, denoise, &tl) ||
	    screen_full0(s, denoise) || screen_ii(s, 0) ||
	    reserve(&w->row, &w->rowcap, (size_t)*ow + 64, sizeof *w->row))
		goto nomem;
	if (!tl.ok) {
		seterr(err, errlen, "template has no contrast at this scale");
		return -1;
	}
	full_map(s->lev[0].p, s->w, s->h, s->lev[0].stride, s->ii[0], &tl,
	    map, w->row);
	return 0;
nomem:
	seterr(err, errlen, "out of memory");
	return -1;
}
