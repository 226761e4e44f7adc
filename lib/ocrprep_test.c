/*
 * ocrprep_test: Otsu's threshold (two classes, a plateau of empty bins),
 * polarity (light-on-dark inverted, dark-on-light kept), the x-height
 * estimate and the scale it sets, the single-line cleaning of cut-off
 * neighbours, frames at the region's edge, blank and outside regions,
 * and the mapping of output boxes back to the screen; the share of
 * variance Otsu's split explains, and the grey chosen for colour regions:
 * the channel mean under LCD colour moire on grey, luma on striped blue.
 */
#include <math.h>
#include <string.h>

#include "ocrprep.h"
#include "test.h"

enum { W = 120, H = 40 };
static float img[W * H], rgb[3 * W * H];
static struct img gim = { W, H, 1, img }, cim = { W, H, 3, rgb };

static void
fill(float v)
{
	int i;

	for (i = 0; i < W * H; i++)
		img[i] = v;
}

static void
rect(int x, int y, int w, int h, float v)
{
	int i, j;

	for (j = y; j < y + h; j++)
		for (i = x; i < x + w; i++)
			img[j * W + i] = v;
}

/* A "word": glyph blobs 3 wide and gh high every 5 pixels from x. */
static void
word(int x, int y, int n, int gh, float v)
{
	int k;

	for (k = 0; k < n; k++)
		rect(x + 5 * k, y, 3, gh, v);
}

/*
 * rgb from img: each channel c is img times stripes along x (period 8,
 * depth a) shifted by c thirds of a period, as a camera sees an LCD's
 * sub-pixel columns; with only_blue, the pixels equal to bg are striped
 * in blue only, with no red and green (a blue background), and the others
 * are img in all three channels (white text).
 */
static void
stripes(float a, int only_blue, float bg)
{
	int i, c;

	for (c = 0; c < 3; c++)
		for (i = 0; i < W * H; i++) {
			float m = 1 + a * cosf(6.2831853f * ((i % W) / 8.0f +
			    c / 3.0f));

			if (only_blue && img[i] == bg)
				rgb[c * W * H + i] = c < 2 ? 0 : bg * m;
			else
				rgb[c * W * H + i] = only_blue ? img[i] :
				    img[i] * m;
		}
}

/* The output pixel under screen point (sx, sy) of region p. */
static int
at(const struct ocrprep *p, double sx, double sy)
{
	int x = (int)((sx - p->ox) * p->scale) + p->border;
	int y = (int)((sy - p->oy) * p->scale) + p->border;

	return p->pix[y * p->w + x];
}

/* Largest minus smallest output pixel along screen row sy, x0 to x1. */
static int
row_range(const struct ocrprep *p, double sy, double x0, double x1)
{
	int lo = 255, hi = 0;
	double x;

	for (x = x0; x < x1; x += 0.25) {
		lo = at(p, x, sy) < lo ? at(p, x, sy) : lo;
		hi = at(p, x, sy) > hi ? at(p, x, sy) : hi;
	}
	return hi - lo;
}

int
main(void)
{
	struct ocrprep p;
	struct ocrprep_opts o;
	float v[100];
	double sep;
	char err[128];
	int i, box[4], x, white;

	memset(&p, 0, sizeof p);
	ocrprep_opts_default(&o);
	for (i = 0; i < 100; i++)
		v[i] = i < 60 ? 0.2f : 0.8f;
	t_ok(ocrprep_otsu(v, 100, 0.2f, 0.8f, NULL) > 0.45f &&
	    ocrprep_otsu(v, 100, 0.2f, 0.8f, NULL) < 0.55f,
	    "Otsu: two values split in the middle of the empty bins");
	for (i = 0; i < 100; i++)
		v[i] = (i % 10) < 3 ? 0.1f + 0.001f * i : 0.7f + 0.001f * i;
	t_ok(ocrprep_otsu(v, 100, 0.1f, 0.8f, NULL) > 0.2f &&
	    ocrprep_otsu(v, 100, 0.1f, 0.8f, NULL) < 0.7f,
	    "Otsu: between two clusters");

	for (i = 0; i < 100; i++)
		v[i] = i < 60 ? 0.2f : 0.8f;
	ocrprep_otsu(v, 100, 0.2f, 0.8f, &sep);
	t_near(sep, 1, 1e-12, "Otsu: two levels, all variance explained");
	for (i = 0; i < 100; i++)
		v[i] = (i < 60 ? 0.2f : 0.8f) + 0.1f * (i % 3);
	ocrprep_otsu(v, 100, 0.2f, 1.0f, &sep);
	t_near(sep, 0.9, 0.09, "Otsu: spread levels, less explained");
	for (i = 0; i < 100; i++)
		v[i] = 0.5f;
	ocrprep_otsu(v, 100, 0.5f, 0.5f, &sep);
	t_ok(sep == 0, "Otsu: one level, nothing explained");

	/* light text on dark: inverted, scaled so blobs of 8 become 24 */
	fill(0.1f);
	word(10, 16, 12, 8, 0.9f);
	t_ok(ocrprep_region(&p, &gim, 5, 10, 70, 20, &o, err,
	    sizeof err) == 0, "light on dark prepared");
	t_ok(p.inverted == 1 && !p.blank, "light on dark: inverted");
	t_near(p.xheight, 8, 0, "x-height from the blobs");
	t_near(p.scale, 3, 1e-12, "scale to the target x-height 24");
	t_ok(p.w == 210 + 2 * o.border && p.h == 60 + 2 * o.border,
	    "output size: region times scale plus border");
	t_ok(at(&p, 11, 20) == 0 && at(&p, 13.5, 20) == 255 &&
	    p.pix[0] == 255, "glyphs black, gaps and border white");

	/* dark text on light: kept */
	fill(0.85f);
	word(10, 16, 12, 8, 0.2f);
	ocrprep_region(&p, &gim, 5, 10, 70, 20, &o, err, sizeof err);
	t_ok(p.inverted == 0 && at(&p, 11, 20) == 0, "dark on light: kept");

	/* cut-off parts of the lines above and below are painted over */
	fill(0.85f);
	word(10, 16, 12, 8, 0.2f);
	word(10, 8, 12, 3, 0.2f);	/* bottom of the line above */
	word(10, 29, 4, 3, 0.2f);	/* top of the line below */
	ocrprep_region(&p, &gim, 5, 8, 70, 24, &o, err, sizeof err);
	t_ok(at(&p, 11, 9) == 255 && at(&p, 11, 30) == 255 &&
	    at(&p, 11, 20) == 0, "single line: neighbours' edges removed");
	o.line = 0;
	ocrprep_region(&p, &gim, 5, 8, 70, 24, &o, err, sizeof err);
	t_ok(at(&p, 11, 9) == 0, "without line mode they stay");
	o.line = 1;

	/* a highlight bar narrower than the region: its surround, dark once
	   the light-on-dark bar is inverted, is stripped; the glyph next to
	   it is not */
	fill(0.6f);
	rect(8, 12, 80, 16, 0.05f);
	word(9, 16, 12, 8, 0.95f);
	ocrprep_region(&p, &gim, 4, 10, 90, 20, &o, err, sizeof err);
	white = 1;
	for (x = 0; x < p.w; x++)
		white &= p.pix[(p.border + 1) * p.w + x] == 255;
	t_ok(p.inverted == 1 && white && at(&p, 4.5, 20) == 255 &&
	    at(&p, 9.5, 20) == 0, "frame stripped, first glyph kept");

	/* colour moire on a grey background: the channel mean is flat
	   (row 20 crosses the word, x 40 to 74 only background) */
	fill(0.7f);
	word(10, 16, 6, 8, 0.2f);
	stripes(0.25f, 0, 0.7f);
	t_ok(ocrprep_region(&p, &cim, 5, 10, 70, 20, &o, err,
	    sizeof err) == 0 && p.grey == OCRPREP_MEAN && !p.inverted,
	    "stripes on grey: channel mean chosen");
	t_near(row_range(&p, 20, 40, 74), 0, 2,
	    "stripes on grey: background row flat");
	t_ok(at(&p, 11, 20) < 8, "stripes on grey: ink dark");
	/* white text on a striped blue background: luma shows least */
	fill(0.6f);
	word(10, 16, 6, 8, 0.9f);
	stripes(0.4f, 1, 0.6f);
	t_ok(ocrprep_region(&p, &cim, 5, 10, 70, 20, &o, err,
	    sizeof err) == 0 && p.grey == OCRPREP_LUMA && p.inverted,
	    "stripes on blue: luma chosen, light text inverted");
	t_near(row_range(&p, 20, 40, 74), 0, 16,
	    "stripes on blue: background row nearly flat");
	t_ok(at(&p, 11, 20) < 8, "stripes on blue: ink dark");
	t_ok(ocrprep_region(&p, &gim, 5, 10, 70, 20, &o, err,
	    sizeof err) == 0 && p.grey == OCRPREP_LUMA,
	    "a grey screen is read as it is");

	fill(0.5f);
	t_ok(ocrprep_region(&p, &gim, 0, 0, 50, 20, &o, err,
	    sizeof err) == 0 && p.blank && p.pix[p.w * p.h / 2] == 255,
	    "blank region: white, marked");
	t_ok(ocrprep_region(&p, &gim, 200, 0, 50, 20, &o, err,
	    sizeof err) == -1 && strstr(err, "outside") != NULL,
	    "region outside the screen refused");
	t_ok(ocrprep_region(&p, &gim, -10, -5, 30, 20, &o, err,
	    sizeof err) == 0 && p.ox == 0 && p.oy == 0 && p.rw == 20 &&
	    p.rh == 15, "region clipped to the screen");

	fill(0.85f);
	word(10, 16, 12, 8, 0.2f);
	ocrprep_region(&p, &gim, 5, 10, 70, 20, &o, err, sizeof err);
	ocrprep_box(&p, p.border + 15, p.border + 18, 30, 24, box);
	t_ok(box[0] == 10 && box[1] == 16 && box[2] == 10 && box[3] == 8,
	    "output box maps back to the screen");
	ocrprep_box(&p, 0, 0, p.w, p.h, box);
	t_ok(box[0] == 5 && box[1] == 10 && box[2] == 70 && box[3] == 20,
	    "mapped boxes are clipped to the region");
	ocrprep_free(&p);
	return t_done();
}
