/*
 * loss_test: L2 and SSIM.  The float SSIM (separable passes) against a
 * direct double-precision window computation; its analytic gradient
 * against central differences of that double reference; the mixed loss
 * and its split into batch slices; the 'same' residual maps against a
 * direct clipped-window computation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gradcheck.h"
#include "nn/loss.h"
#include "test.h"

static double gw[NN_SSIM_WIN];

static void
init_win(void)
{
	double s = 0;
	int i;

	for (i = 0; i < NN_SSIM_WIN; i++)
		s += gw[i] = exp(-(i - 5.0) * (i - 5.0) / 4.5);
	for (i = 0; i < NN_SSIM_WIN; i++)
		gw[i] /= s;
}

/* SSIM at (i, j) with the window's top-left at (i - 5, j - 5), clipped
 * to the plane and renormalised; y values in double. */
static double
ssim_at(int h, int w, const double *y, const float *x, int i, int j)
{
	const double c1 = 1e-4, c2 = 9e-4;
	double mx = 0, my = 0, xx = 0, yy = 0, xy = 0, ws = 0, wt, a, b;
	int u, v;

	for (u = -5; u <= 5; u++)
		for (v = -5; v <= 5; v++) {
			if (i + u < 0 || i + u >= h || j + v < 0 || j + v >= w)
				continue;
			wt = gw[u + 5] * gw[v + 5];
			a = x[(i + u) * w + j + v];
			b = y[(i + u) * w + j + v];
			ws += wt;
			mx += wt * a;
			my += wt * b;
			xx += wt * a * a;
			yy += wt * b * b;
			xy += wt * a * b;
		}
	mx /= ws, my /= ws, xx /= ws, yy /= ws, xy /= ws;
	return (2 * mx * my + c1) * (2 * (xy - mx * my) + c2) /
	    ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2));
}

/* Sum of valid-position SSIM over np planes, in double. */
static double
ssim_ref(int np, int h, int w, const double *y, const float *x)
{
	double s = 0;
	int p, i, j;

	for (p = 0; p < np; p++)
		for (i = 5; i < h - 5; i++)
			for (j = 5; j < w - 5; j++)
				s += ssim_at(h, w, y + (long)p * h * w,
				    x + (long)p * h * w, i, j);
	return s;
}

static double
mix_ref(double wl2, int np, int h, int w, const double *y, const float *x)
{
	long n = (long)np * h * w, i;
	double l2 = 0;

	for (i = 0; i < n; i++)
		l2 += (y[i] - x[i]) * (y[i] - x[i]);
	return wl2 * l2 / n + (1 - wl2) * (1 - ssim_ref(np, h, w, y, x) /
	    ((double)np * (h - 10) * (w - 10)));
}

static void
check_mix(double wl2, int np, int h, int w, float noise)
{
	struct gc_rng g = { 7 };
	long n = (long)np * h * w, i;
	float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	float *dy = malloc(n * sizeof *dy);
	float *ws = malloc(nn_ssim_wsize(h, w) * sizeof *ws);
	double *yd = malloc(n * sizeof *yd), lf, lr, lp, lm, keep;
	struct gc_err e = { 0, 0, 0, 0 };
	char what[160];

	for (i = 0; i < n; i++) {
		x[i] = gc_unif(&g, 0.2f, 0.8f);
		y[i] = x[i] + gc_unif(&g, -noise, noise);
		yd[i] = y[i];
	}
	lf = nn_loss_mix(wl2, np, np, h, w, y, x, dy, ws);
	lr = mix_ref(wl2, np, h, w, yd, x);
	snprintf(what, sizeof what, "loss wl2=%.2f %dx%dx%d: value matches "
	    "double reference (%.6f vs %.6f)", wl2, np, h, w, lf, lr);
	t_near(lf, lr, 2e-5 + 1e-4 * fabs(lr), what);
	for (i = 0; i < n; i++) {
		keep = yd[i];
		yd[i] = keep + 1e-5;
		lp = mix_ref(wl2, np, h, w, yd, x);
		yd[i] = keep - 1e-5;
		lm = mix_ref(wl2, np, h, w, yd, x);
		yd[i] = keep;
		gc_add(&e, dy[i], (lp - lm) / 2e-5);
	}
	snprintf(what, sizeof what, "loss wl2=%.2f %dx%dx%d noise %.2f: "
	    "gradient matches finite differences (err %.2g)", wl2, np, h, w,
	    noise, gc_error(&e));
	t_ok(gc_error(&e) < 1e-3, what);

	/* two slices of one plane each add up to the whole */
	if (np == 2) {
		float *d2 = malloc(n * sizeof *d2);
		double a, b;

		a = nn_loss_mix(wl2, 1, 2, h, w, y, x, d2, ws);
		b = nn_loss_mix(wl2, 1, 2, h, w, y + h * w, x + h * w,
		    d2 + h * w, ws);
		for (i = 0, lp = 0; i < n; i++)
			lp = fmax(lp, fabs(d2[i] - dy[i]));
		t_ok(fabs(a + b - lf) < 1e-6 && lp < 1e-7,
		    "slices of a batch add up to the batch loss and gradient");
		free(d2);
	}
	free(x); free(y); free(dy); free(ws); free(yd);
}

static void
check_maps(int c, int h, int w)
{
	struct gc_rng g = { 3 };
	long hw = (long)h * w, i;
	float *x = malloc(c * hw * sizeof *x), *y = malloc(c * hw * sizeof *y);
	float *m = malloc(hw * sizeof *m);
	float *ws = malloc(nn_ssim_wsize(h, w) * sizeof *ws);
	double *yd = malloc(hw * sizeof *yd), err = 0, want, l2 = 0;
	char what[128];
	int k, j;

	gc_fill(&g, x, c * hw, 0, 1);
	for (i = 0; i < c * hw; i++)
		y[i] = x[i] * 0.7f + gc_unif(&g, 0, 0.3f);
	nn_ssim_map(c, h, w, y, x, m, ws);
	for (i = 0; i < hw; i++) {
		want = 0;
		for (k = 0; k < c; k++) {
			for (j = 0; j < hw; j++)
				yd[j] = y[k * hw + j];
			want += (1 - ssim_at(h, w, yd, x + k * hw,
			    (int)(i / w), (int)(i % w))) / c;
		}
		err = fmax(err, fabs(m[i] - want));
	}
	snprintf(what, sizeof what, "1-SSIM map %dx%dx%d matches the clipped "
	    "window reference (max err %.2g)", c, h, w, err);
	t_ok(err < 1e-4, what);
	nn_l2_map(c, h, w, y, x, m);
	for (i = 0; i < hw; i++) {
		want = 0;
		for (k = 0; k < c; k++)
			want += (y[k * hw + i] - x[k * hw + i]) *
			    (double)(y[k * hw + i] - x[k * hw + i]) / c;
		l2 = fmax(l2, fabs(m[i] - want));
	}
	t_ok(l2 < 1e-6, "L2 map is the channel mean of squared differences");
	nn_ssim_map(c, h, w, x, x, m, ws);
	for (i = 0, err = 0; i < hw; i++)
		err = fmax(err, fabs(m[i]));
	t_ok(err < 1e-4, "1-SSIM map of an image with itself is zero");
	free(x); free(y); free(m); free(ws); free(yd);
}

/* Maps made in bands of rows (as threads share an image) equal the maps
 * made whole, to the bit. */
static void
check_bands(int c, int h, int w)
{
	struct gc_rng g = { 4 };
	long hw = (long)h * w;
	float *x = malloc(c * hw * sizeof *x), *y = malloc(c * hw * sizeof *y);
	float *m = malloc(hw * sizeof *m), *mb = malloc(hw * sizeof *mb);
	float *ws = malloc(nn_ssim_wsize(h, w) * sizeof *ws), *wb;
	int cut[] = { 0, 1, 6, h / 2, h - 3, h }, k, same = 1;
	char what[128];

	wb = malloc(nn_ssim_rows_wsize(h, w) * sizeof *wb);
	gc_fill(&g, x, c * hw, 0, 1);
	gc_fill(&g, y, c * hw, 0, 1);
	nn_ssim_map(c, h, w, y, x, m, ws);
	for (k = 0; k < 5; k++)
		nn_ssim_map_rows(c, h, w, cut[k], cut[k + 1], y, x, mb,
		    wb);
	same = memcmp(m, mb, hw * sizeof *m) == 0;
	nn_l2_map(c, h, w, y, x, m);
	for (k = 0; k < 5; k++)
		nn_l2_map_rows(c, h, w, cut[k], cut[k + 1], y, x, mb);
	snprintf(what, sizeof what, "%dx%dx%d maps made in 5 bands of rows "
	    "equal the whole maps", c, h, w);
	t_ok(same && memcmp(m, mb, hw * sizeof *m) == 0, what);
	free(x); free(y); free(m); free(mb); free(ws); free(wb);
}

int
main(void)
{
	float a[3] = { 1, 2, 3 }, b[3] = { 0, 2, 5 }, d[3] = { 0, 0, 0 };

	init_win();
	t_near(nn_l2_sum(3, a, b, d, 0.5f), 5, 0,
	    "L2 sum of squared differences");
	t_ok(d[0] == 1 && d[1] == 0 && d[2] == -2, "L2 gradient 2 g (y - x)");
	check_mix(0, 2, 16, 13, 0.2f);
	check_mix(0, 1, 24, 21, 0.02f);
	check_mix(1, 2, 16, 13, 0.2f);
	check_mix(0.3, 2, 16, 13, 0.1f);
	check_maps(1, 20, 17);
	check_maps(3, 12, 15);
	check_maps(1, 8, 6);	/* smaller than the window */
	check_bands(1, 40, 23);
	check_bands(3, 30, 17);
	return t_done();
}
