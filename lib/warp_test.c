/*
 * warp_test: perspective warps against a direct double-precision
 * reference (random image, random homography, both interpolations, one
 * and two threads), exact reproduction of linear ramps, identity and
 * integer shifts, fill outside the source, refusal of a channel mismatch,
 * and the OpenCV graffiti pair: graf1 warped through the true H1to3
 * matches graf3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "homography.h"
#include "img.h"
#include "test.h"
#include "warp.h"

static unsigned long rng = 777;

static double
urand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void
mk(struct img *im, int w, int h, int c)
{
	im->w = w;
	im->h = h;
	im->c = c;
	im->data = calloc((size_t)w * h * c, sizeof *im->data);
	if (im->data == NULL)
		abort();
}

static float
px(const struct img *im, int c, int x, int y)
{
	x = x < 0 ? 0 : x >= im->w ? im->w - 1 : x;
	y = y < 0 ? 0 : y >= im->h ? im->h - 1 : y;
	return im->data[((size_t)c * im->h + y) * im->w + x];
}

static double
keys(double t)
{
	t = fabs(t);
	if (t < 1)
		return 1.5 * t * t * t - 2.5 * t * t + 1;
	if (t < 2)
		return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
	return 0;
}

/* The reference: direct formulas in double, clamped taps. */
static void
ref_warp(const struct img *s, struct img *d, const double m[9], int cubic,
    float fill)
{
	int x, y, c, a, b;

	for (y = 0; y < d->h; y++)
		for (x = 0; x < d->w; x++) {
			double u, v, fx, fy, val;
			int ix, iy, in;

			in = hmg_apply(m, x, y, &u, &v) == 0 && u >= -0.5 &&
			    u <= s->w - 0.5 && v >= -0.5 && v <= s->h - 0.5;
			u = fmin(fmax(u, 0), s->w - 1);
			v = fmin(fmax(v, 0), s->h - 1);
			ix = (int)floor(u);
			iy = (int)floor(v);
			fx = u - ix;
			fy = v - iy;
			for (c = 0; c < s->c; c++) {
				if (!in)
					val = fill;
				else if (!cubic)
					val = (1 - fy) * ((1 - fx) * px(s, c, ix,
					    iy) + fx * px(s, c, ix + 1, iy)) +
					    fy * ((1 - fx) * px(s, c, ix,
					    iy + 1) + fx * px(s, c, ix + 1,
					    iy + 1));
				else {
					val = 0;
					for (b = -1; b <= 2; b++)
						for (a = -1; a <= 2; a++)
							val += keys(a - fx) *
							    keys(b - fy) *
							    px(s, c, ix + a,
							    iy + b);
					val = fmin(fmax(val, 0), 1);
				}
				d->data[((size_t)c * d->h + y) * d->w + x] =
				    (float)val;
			}
		}
}

static double
maxdiff(const struct img *a, const struct img *b)
{
	size_t i, n = (size_t)a->w * a->h * a->c;
	double d = 0;

	for (i = 0; i < n; i++)
		d = fmax(d, fabs(a->data[i] - b->data[i]));
	return d;
}

static void
test_reference(void)
{
	/* a source 97 x 61, destination 80 x 50 seeing past its borders */
	double sq[8] = {-5, -3, 84, 0, 80, 52, 2, 49};
	double dq[8] = {0, 0, 96, 4, 90, 60, -3, 57}, m[9];
	struct img s, d1, d2, r;
	char err[128], what[96];
	size_t i;
	int cubic;

	mk(&s, 97, 61, 3);
	mk(&d1, 80, 50, 3);
	mk(&d2, 80, 50, 3);
	mk(&r, 80, 50, 3);
	for (i = 0; i < (size_t)97 * 61 * 3; i++)
		s.data[i] = (float)urand();
	if (hmg_fit(sq, dq, 4, m, err, sizeof err) == -1)
		abort();
	for (cubic = 0; cubic < 2; cubic++) {
		enum warp_interp in = cubic ? WARP_BICUBIC : WARP_BILINEAR;

		ref_warp(&s, &r, m, cubic, 0.25f);
		t_ok(warp_perspective(&s, &d1, m, in, 0.25f, 1, err,
		    sizeof err) == 0 && warp_perspective(&s, &d2, m, in, 0.25f,
		    2, err, sizeof err) == 0, "warp accepted");
		snprintf(what, sizeof what, "%s matches the reference",
		    warp_interp_name(in));
		t_near(maxdiff(&d1, &r), 0, 2e-4, what);
		snprintf(what, sizeof what, "%s: 2 threads == 1 thread",
		    warp_interp_name(in));
		t_near(maxdiff(&d1, &d2), 0, 0, what);
	}
	free(s.data);
	free(d1.data);
	free(d2.data);
	free(r.data);
}

static void
test_ramp(void)
{
	double m[9], sq[8] = {10, 8, 180, 20, 170, 110, 5, 100};
	double dq[8] = {0, 0, 150, 0, 150, 100, 0, 100}, u, v, e = 0;
	struct img s, d;
	char err[128];
	int x, y, cubic;

	mk(&s, 200, 120, 1);
	mk(&d, 150, 100, 1);
	for (y = 0; y < 120; y++)
		for (x = 0; x < 200; x++)
			s.data[y * 200 + x] = (float)(0.1 + 0.003 * x +
			    0.002 * y);
	hmg_fit(dq, sq, 4, m, err, sizeof err);	/* destination -> source */
	for (cubic = 0; cubic < 2; cubic++) {
		warp_perspective(&s, &d, m, cubic ? WARP_BICUBIC :
		    WARP_BILINEAR, 0, 1, err, sizeof err);
		for (e = 0, y = 0; y < 100; y++)
			for (x = 0; x < 150; x++) {
				hmg_apply(m, x, y, &u, &v);
				e = fmax(e, fabs(d.data[y * 150 + x] -
				    (0.1 + 0.003 * u + 0.002 * v)));
			}
		t_near(e, 0, 2e-5, cubic ? "bicubic reproduces a linear ramp" :
		    "bilinear reproduces a linear ramp");
	}
	free(s.data);
	free(d.data);
}

static void
test_shift(void)
{
	double id[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
	double sh[9] = {1, 0, 3, 0, 1, -2, 0, 0, 1};
	struct img s, d, d2;
	char err[128];
	int x, y, badfill = 0;
	double e = 0;

	mk(&s, 40, 30, 2);
	mk(&d, 40, 30, 2);
	mk(&d2, 40, 30, 1);
	for (x = 0; x < 40 * 30 * 2; x++)
		s.data[x] = (float)urand();
	warp_perspective(&s, &d, id, WARP_BICUBIC, 0, 2, err, sizeof err);
	t_near(maxdiff(&s, &d), 0, 1e-6, "identity (bicubic) copies");
	warp_perspective(&s, &d, sh, WARP_BILINEAR, -1, 1, err, sizeof err);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++) {
			int sx = x + 3, sy = y - 2;

			if (sx < 40 && sy >= 0)
				e = fmax(e, fabs(d.data[1200 + y * 40 + x] -
				    s.data[1200 + sy * 40 + sx]));
			else
				badfill += d.data[1200 + y * 40 + x] != -1;
		}
	t_near(e, 0, 1e-6, "integer shift is exact (to rounding)");
	t_ok(badfill == 0, "pixels from outside the source get the fill");
	t_ok(warp_perspective(&s, &d2, id, WARP_BILINEAR, 0, 1, err,
	    sizeof err) == -1 && strstr(err, "channels") != NULL,
	    "channel mismatch refused");
	free(s.data);
	free(d.data);
	free(d2.data);
}

static int
read_cv_matrix(const char *path, double h[9])
{
	char buf[4096], *p, *end;
	FILE *f = fopen(path, "r");
	size_t n;
	int i;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strstr(buf, "<data>")) == NULL)
		return -1;
	for (p += 6, i = 0; i < 9; i++, p = end)
		if ((h[i] = strtod(p, &end)), end == p)
			return -1;
	return 0;
}

/* Mean |a - b| over pixels where a is not the fill (-1). */
static double
mad_valid(const struct img *a, const struct img *b, long *n)
{
	size_t i, np = (size_t)a->w * a->h;
	double s = 0;

	*n = 0;
	for (i = 0; i < np; i++)
		if (a->data[i] >= 0) {
			s += fabs(a->data[i] - b->data[i]);
			++*n;
		}
	return *n > 0 ? s / (double)*n : 1;
}

static void
test_graffiti(void)
{
	const char *dir = t_shared();
	double h[9], m[9], id[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, mad, mad0;
	struct img g1, g3, w;
	char path[512], err[IMG_ERRLEN];
	long n;

	if (dir == NULL) {
		t_skip("graffiti warp", "../shared/datasets not found");
		return;
	}
	snprintf(path, sizeof path, "%s/screens/opencv/H1to3p.xml", dir);
	if (!t_ok(read_cv_matrix(path, h) == 0 && hmg_invert(h, m) == 0,
	    "graffiti: H read and inverted"))
		return;
	snprintf(path, sizeof path, "%s/screens/opencv/graf1.png", dir);
	if (!t_ok(img_load_gray(&g1, path, err, sizeof err) == 0,
	    "graffiti: graf1 loaded"))
		return;
	snprintf(path, sizeof path, "%s/screens/opencv/graf3.png", dir);
	if (!t_ok(img_load_gray(&g3, path, err, sizeof err) == 0,
	    "graffiti: graf3 loaded")) {
		img_free(&g1);
		return;
	}
	mk(&w, g3.w, g3.h, 1);
	/* graf3 pixel p shows graf1 at H^-1 p */
	warp_perspective(&g1, &w, m, WARP_BICUBIC, -1, 2, err, sizeof err);
	mad = mad_valid(&w, &g3, &n);
	warp_perspective(&g1, &w, id, WARP_BICUBIC, -1, 2, err, sizeof err);
	mad0 = mad_valid(&w, &g3, &n);
	printf("# graffiti: mean |warp(graf1) - graf3| = %.4f "
	    "(unwarped %.4f)\n", mad, mad0);
	t_ok(mad < 0.08 && mad < mad0 / 2,
	    "graffiti: graf1 through the true H matches graf3");
	img_free(&g1);
	img_free(&g3);
	free(w.data);
}

int
main(void)
{
	test_reference();
	test_ramp();
	test_shift();
	test_graffiti();
	return t_done();
}
