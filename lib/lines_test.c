/*
 * lines_test: total-least-squares fits are exact on collinear points and
 * unbiased for steep lines (where y-on-x regression fails), intersections,
 * and the oriented Hough transform finding the four sides of a drawn
 * quadrilateral to a fraction of a pixel among the lines of the stripes
 * inside it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edges.h"
#include "lines.h"
#include "test.h"

static unsigned long rng = 99;

static double
urand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void
test_fit(void)
{
	double pts[200], w[100], rms, x, y;
	struct line l, a = {1, 0, 5}, b = {0, 1, -3};
	int i;

	/* a near-vertical line x = 10 + 0.01 y */
	for (i = 0; i < 100; i++) {
		pts[2 * i + 1] = i * 3.0;
		pts[2 * i] = 10 + 0.01 * pts[2 * i + 1];
		w[i] = 1 + i % 3;
	}
	t_ok(line_fit(pts, w, 100, &l, &rms) == 0, "fit accepted");
	t_near(rms, 0, 1e-9, "collinear points: rms 0");
	t_near(fabs(line_dist(&l, 10, 0)) + fabs(line_dist(&l, 13, 300)), 0,
	    1e-9, "steep line recovered");
	t_near(l.nx * l.nx + l.ny * l.ny, 1, 1e-12, "unit normal");
	for (i = 0; i < 100; i++)
		pts[2 * i] += 0.3 * (urand() - 0.5);
	line_fit(pts, NULL, 100, &l, &rms);
	t_near(line_dist(&l, 11.5, 150), 0, 0.05, "noisy points: unbiased");
	t_ok(line_fit(pts, NULL, 1, &l, NULL) == -1, "one point refused");
	t_ok(line_intersect(&a, &b, &x, &y) == 0 && fabs(x - 5) < 1e-12 &&
	    fabs(y + 3) < 1e-12, "intersection");
	t_ok(line_intersect(&a, &a, &x, &y) == -1, "parallel lines refused");
}

static int
inside(const double *q, double x, double y)
{
	int k;

	for (k = 0; k < 4; k++) {
		const double *a = q + 2 * k, *b = q + 2 * ((k + 1) % 4);

		if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0)
			return 0;
	}
	return 1;
}

static void
test_hough(void)
{
	/* clockwise in image coordinates (y down) */
	const double q[8] = {40.3, 30.7, 250.2, 45.1, 235.6, 190.4, 52.9,
	    170.8};
	struct img im = {300, 220, 1, NULL};
	struct edgemap em;
	struct hough hw;
	struct seg s[32];
	char err[128];
	int x, y, n, k, i, found = 0;

	memset(&em, 0, sizeof em);
	memset(&hw, 0, sizeof hw);
	im.data = calloc(300 * 220, sizeof *im.data);
	if (im.data == NULL)
		abort();
	/* 4x4 supersampled bright quad with stripes inside, on dark */
	for (y = 0; y < 220; y++)
		for (x = 0; x < 300; x++) {
			double v = 0;
			int a, b;

			for (b = 0; b < 4; b++)
				for (a = 0; a < 4; a++) {
					double px = x - 0.375 + a * 0.25;
					double py = y - 0.375 + b * 0.25;

					v += inside(q, px, py) ? 0.7 +
					    0.1 * ((int)(px / 7) % 2) : 0.1;
				}
			im.data[y * 300 + x] = (float)(v / 16);
		}
	edges_detect(&im, 0, 0, &em, err, sizeof err);
	n = hough_lines(&em, &hw, 360, 20, s, 32, err, sizeof err);
	t_ok(n >= 4 && s[0].votes >= s[n - 1].votes,
	    "Hough finds lines, strongest first");
	t_ok(fabs(line_dist(&s[0].l, q[0], q[1])) < 0.3 &&
	    fabs(line_dist(&s[0].l, q[2], q[3])) < 0.3,
	    "the longest side ranks first");
	for (k = 0; k < 4; k++) {
		const double *a = q + 2 * k, *b = q + 2 * ((k + 1) % 4);

		for (i = 0; i < n; i++)
			if (fabs(line_dist(&s[i].l, a[0], a[1])) < 0.3 &&
			    fabs(line_dist(&s[i].l, b[0], b[1])) < 0.3)
				break;
		found += i < n;
	}
	t_ok(found == 4, "every side within 0.3 px at both its corners");
	free(im.data);
	edges_free(&em);
	hough_free(&hw);
}

int
main(void)
{
	test_fit();
	test_hough();
	return t_done();
}
