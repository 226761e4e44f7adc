/*
 * ocrprep: screen regions made ready for OCR.  See ocrprep.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocrprep.h"
#include "resample.h"

void
ocrprep_opts_default(struct ocrprep_opts *o)
{
	o->xheight = 24;
	o->minscale = 0.5;
	o->maxscale = 8;
	o->binarize = 0;
	o->invert = OCRPREP_AUTO;
	o->line = 1;
	o->border = 12;
}

static int
grow(void *pp, size_t *cap, size_t n, size_t sz)
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

float
ocrprep_otsu(const float *v, size_t n, float lo, float hi, double *sep)
{
	double hist[256] = { 0 }, sum = 0, sum2 = 0, sumb = 0, wb = 0;
	double best = -1, var;
	size_t i;
	int k, t0 = 0, t1 = 0;

	if (sep != NULL)
		*sep = 0;
	if (!(hi > lo) || n == 0)
		return lo;
	for (i = 0; i < n; i++) {
		int b = (int)((v[i] - lo) / (hi - lo) * 255 + 0.5);

		hist[b < 0 ? 0 : b > 255 ? 255 : b]++;
	}
	for (k = 0; k < 256; k++) {
		sum += k * hist[k];
		sum2 += (double)k * k * hist[k];
	}
	for (k = 0; k < 255; k++) {
		double wf, mb, mf, between;

		wb += hist[k];
		sumb += k * hist[k];
		wf = (double)n - wb;
		if (wb == 0 || wf == 0)
			continue;
		mb = sumb / wb;
		mf = (sum - sumb) / wf;
		between = wb * wf * (mb - mf) * (mb - mf);
		if (between > best * (1 + 1e-12)) {
			best = between;
			t0 = t1 = k;
		} else if (between >= best * (1 - 1e-12)) {
			t1 = k;		/* a plateau: empty bins between */
		}
	}
	/* between-class over total variance, both n^2 times too large */
	var = n * sum2 - sum * sum;
	if (sep != NULL && best > 0 && var > 0)
		*sep = best / var < 1 ? best / var : 1;
	/* the split lies in the middle of the best splits' range */
	return lo + (hi - lo) * ((t0 + t1) / 2.0f + 0.5f) / 255;
}

/* The smallest and largest of n values into lo and hi (1 and 0 if none). */
static void
range(const float *v, size_t n, float *lo, float *hi)
{
	size_t i;

	*lo = 1;
	*hi = 0;
	for (i = 0; i < n; i++) {
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
}

/*
 * Step 1: the clipped region's grey into f (n = cw x ch floats at
 * (x0, y0)), from a grey screen as it is, from a colour one as luma or
 * channel mean, whichever Otsu's split explains better; tmp holds n
 * floats.  Returns the grey chosen.
 */
static enum ocrprep_grey
crop_grey(const struct img *im, int x0, int y0, int cw, int ch, float *f,
    float *tmp)
{
	const size_t plane = (size_t)im->w * (size_t)im->h;
	const size_t n = (size_t)cw * (size_t)ch;
	float lo[2], hi[2];
	double sep[2];
	int x, y;

	for (y = 0; y < ch; y++) {
		const float *r = im->data + (size_t)(y0 + y) * im->w + x0;
		const float *g = r + plane, *b = g + plane;
		float *fl = f + (size_t)y * cw, *fm = tmp + (size_t)y * cw;

		if (im->c == 1) {
			memcpy(fl, r, (size_t)cw * sizeof *fl);
			continue;
		}
		for (x = 0; x < cw; x++) {
			fl[x] = 0.299f * r[x] + 0.587f * g[x] + 0.114f * b[x];
			fm[x] = (r[x] + g[x] + b[x]) / 3;
		}
	}
	if (im->c == 1)
		return OCRPREP_LUMA;
	range(f, n, &lo[0], &hi[0]);
	range(tmp, n, &lo[1], &hi[1]);
	ocrprep_otsu(f, n, lo[0], hi[0], &sep[0]);
	ocrprep_otsu(tmp, n, lo[1], hi[1], &sep[1]);
	if (sep[1] <= sep[0])
		return OCRPREP_LUMA;
	memcpy(f, tmp, n * sizeof *f);
	return OCRPREP_MEAN;
}

/*
 * Paint with background bg the rows and columns at the crop's edges that
 * are nine-tenths ink or more, from each edge inwards: frames and rules
 * the region caught (the surroundings of a highlight bar, once inverted),
 * not text.
 */
static void
strip_edges(float *f, int w, int h, float t, float bg)
{
	int y0 = 0, y1 = h - 1, x0 = 0, x1 = w - 1, x, side, more = 1;

	while (more) {
		more = 0;
		for (side = 0; side < 4 && y0 <= y1 && x0 <= x1; side++) {
			int ink = 0, len = side < 2 ? x1 - x0 + 1 : y1 - y0 + 1;
			int at = side == 0 ? y0 : side == 1 ? y1 : side == 2 ?
			    x0 : x1;

			for (x = 0; x < len; x++)
				ink += (side < 2 ? f[(size_t)at * w + x0 + x] :
				    f[(size_t)(y0 + x) * w + at]) < t;
			if (10 * ink < 9 * len)
				continue;
			for (x = 0; x < len; x++) {
				if (side < 2)
					f[(size_t)at * w + x0 + x] = bg;
				else
					f[(size_t)(y0 + x) * w + at] = bg;
			}
			if (side == 0)
				y0++;
			else if (side == 1)
				y1--;
			else if (side == 2)
				x0++;
			else
				x1--;
			more = 1;
		}
	}
}

/*
 * The x-height from the ink's row profile: rows holding at least half as
 * much ink as the fullest row (the band between baseline and mean line,
 * where every letter has ink).  Unlike glyph heights it survives blur
 * that merges letters.  rows holds h floats.  0 when there is no ink.
 */
static double
profile_xheight(const float *f, int w, int h, float t, float *rows)
{
	float mx = 0;
	int x, y, n = 0;

	for (y = 0; y < h; y++) {
		rows[y] = 0;
		for (x = 0; x < w; x++)
			rows[y] += f[(size_t)y * w + x] < t;
		mx = rows[y] > mx ? rows[y] : mx;
	}
	for (y = 0; y < h && mx > 0; y++)
		n += rows[y] >= 0.5f * mx;
	return n;
}

/*
 * Single-line mode: find the band of rows with the most ink (runs of
 * inked rows, gaps of up to a sixth of the tallest run bridged) and paint
 * every row outside it, one row of margin aside, with background bg.
 * rows holds h floats.
 */
static void
keep_line(float *f, int w, int h, float t, float bg, float *rows)
{
	int y, x, best0 = 0, best1 = -1, r0 = -1, tall = 0, gap;
	double best = 0, mass = 0;

	for (y = 0; y < h; y++) {
		rows[y] = 0;
		for (x = 0; x < w; x++)
			rows[y] += f[(size_t)y * w + x] < t;
	}
	for (y = 0; y <= h; y++) {	/* the tallest run sets the gap */
		if (y < h && rows[y] > 0) {
			if (r0 < 0)
				r0 = y;
		} else if (r0 >= 0) {
			tall = y - r0 > tall ? y - r0 : tall;
			r0 = -1;
		}
	}
	gap = tall / 6 > 1 ? tall / 6 : 1;
	r0 = -1;
	for (y = 0; y <= h; y++) {
		int g = 0;

		if (y < h && rows[y] > 0) {
			if (r0 < 0) {
				r0 = y;
				mass = 0;
			}
			mass += rows[y];
			continue;
		}
		if (r0 < 0)
			continue;
		while (y + g < h && rows[y + g] == 0 && g <= gap)
			g++;
		if (y + g < h && g <= gap) {	/* bridge the gap */
			y += g - 1;
			continue;
		}
		if (mass > best) {
			best = mass;
			best0 = r0;
			best1 = y - 1;
		}
		r0 = -1;
	}
	if (best1 < 0)
		return;
	for (y = 0; y < h; y++)
		if (y < best0 - 1 || y > best1 + 1)
			for (x = 0; x < w; x++)
				f[(size_t)y * w + x] = bg;
}

int
ocrprep_region(struct ocrprep *p, const struct img *im, int rx, int ry,
    int rw, int rh, const struct ocrprep_opts *o, char *err, size_t errlen)
{
	const int w = im->w, h = im->h;
	int x0 = rx > 0 ? rx : 0, y0 = ry > 0 ? ry : 0;
	int x1 = rx + rw < w ? rx + rw : w, y1 = ry + rh < h ? ry + rh : h;
	int cw, ch, ow, oh, x, y, b = o->border;
	size_t n, i, nc;
	float lo, hi, t;
	double s, bg = 0, ink = 0;

	if (x1 <= x0 || y1 <= y0) {
		snprintf(err, errlen, "%d,%d %dx%d lies outside the "
		    "%dx%d screen", rx, ry, rw, rh, w, h);
		return -1;
	}
	cw = x1 - x0;
	ch = y1 - y0;
	n = (size_t)cw * ch;
	if (grow(&p->f, &p->fcap, n, sizeof *p->f) ||
	    grow(&p->g, &p->gcap, n, sizeof *p->g))	/* n >= ch */
		goto nomem;
	p->grey = crop_grey(im, x0, y0, cw, ch, p->f, p->g);
	range(p->f, n, &lo, &hi);
	p->ox = x0;
	p->oy = y0;
	p->rw = cw;
	p->rh = ch;
	p->border = b;
	p->blank = hi - lo < 0.04f;
	t = ocrprep_otsu(p->f, n, lo, hi, NULL);
	for (i = 0, nc = 0; i < n; i++)
		nc += p->f[i] < t;
	p->inverted = o->invert == OCRPREP_AUTO ? 2 * nc > n : o->invert;
	if (p->inverted) {
		for (i = 0; i < n; i++)
			p->f[i] = 1 - p->f[i];
		t = 1 - t;
	}
	for (i = 0, nc = 0; i < n; i++)	/* the two classes' means */
		if (p->f[i] >= t) {
			bg += p->f[i];
			nc++;
		} else {
			ink += p->f[i];
		}
	bg = nc > 0 ? bg / nc : 1;
	ink = nc < n ? ink / (n - nc) : 0;
	if (!p->blank)
		strip_edges(p->f, cw, ch, t, (float)bg);
	if (!p->blank && o->line)
		keep_line(p->f, cw, ch, t, (float)bg, p->g);
	p->xheight = p->blank ? 0 : profile_xheight(p->f, cw, ch, t, p->g);
	s = p->xheight > 0 ? o->xheight / p->xheight : 1;
	s = s < o->minscale ? o->minscale : s > o->maxscale ? o->maxscale : s;
	p->scale = s;
	ow = (int)lround(cw * s);
	oh = (int)lround(ch * s);
	ow = ow < 1 ? 1 : ow;
	oh = oh < 1 ? 1 : oh;
	if (grow(&p->g, &p->gcap, (size_t)ow * oh + (size_t)ch * ow,
	    sizeof *p->g) ||
	    grow(&p->pix, &p->pixcap, (size_t)(ow + 2 * b) * (oh + 2 * b),
	    sizeof *p->pix))
		goto nomem;
	resample(p->f, cw, ch, (size_t)cw, p->g, ow, oh, (size_t)ow, s,
	    p->g + (size_t)ow * oh);
	p->w = ow + 2 * b;
	p->h = oh + 2 * b;
	memset(p->pix, 255, (size_t)p->w * p->h);
	for (y = 0; y < oh; y++)
		for (x = 0; x < ow; x++) {
			float v = p->g[(size_t)y * ow + x];
			unsigned char *q = &p->pix[(size_t)(y + b) * p->w + x +
			    b];

			if (p->blank)
				continue;
			if (o->binarize) {
				*q = v < t ? 0 : 255;
			} else {	/* ink black, background white */
				v = (float)((v - ink) / (bg - ink));
				*q = (unsigned char)lround(255 * (v < 0 ? 0 :
				    v > 1 ? 1 : v));
			}
		}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

void
ocrprep_box(const struct ocrprep *p, int x, int y, int bw, int bh,
    int out[4])
{
	double ax = p->ox + (x - p->border) / p->scale;
	double ay = p->oy + (y - p->border) / p->scale;
	double bx = p->ox + (x + bw - p->border) / p->scale;
	double by = p->oy + (y + bh - p->border) / p->scale;
	int x0 = (int)floor(ax), y0 = (int)floor(ay);
	int x1 = (int)ceil(bx), y1 = (int)ceil(by);

	x0 = x0 < p->ox ? p->ox : x0;
	y0 = y0 < p->oy ? p->oy : y0;
	x1 = x1 > p->ox + p->rw ? p->ox + p->rw : x1;
	y1 = y1 > p->oy + p->rh ? p->oy + p->rh : y1;
	out[0] = x0;
	out[1] = y0;
	out[2] = x1 > x0 ? x1 - x0 : 0;
	out[3] = y1 > y0 ? y1 - y0 : 0;
}

void
ocrprep_free(struct ocrprep *p)
{
	free(p->pix);
	free(p->f);
	free(p->g);
	memset(p, 0, sizeof *p);
}
