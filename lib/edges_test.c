/*
 * edges_test: area downscaling averages blocks, Gaussian smoothing keeps
 * the mean and spreads a point by sigma, gradients of a unit step are 1 at
 * the step whatever its colour, thin edges are one pixel wide along a
 * straight step, hysteresis keeps a weak edge joined to a strong one and
 * drops an isolated weak one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edges.h"
#include "test.h"

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

static float *
at(struct img *im, int c, int x, int y)
{
	return &im->data[((size_t)c * im->h + y) * im->w + x];
}

static void
test_downscale(void)
{
	struct img a, b;
	int x, y, bad = 0;

	mk(&a, 9, 6, 2);
	mk(&b, 3, 2, 2);
	for (y = 0; y < 6; y++)
		for (x = 0; x < 9; x++) {
			*at(&a, 0, x, y) = (float)(x + 10 * y);
			*at(&a, 1, x, y) = 1;
		}
	edges_downscale(&a, 3, &b);
	for (y = 0; y < 2; y++)
		for (x = 0; x < 3; x++)
			bad += fabsf(*at(&b, 0, x, y) - (float)(3 * x + 1 +
			    10 * (3 * y + 1))) > 1e-4f || *at(&b, 1, x, y) != 1;
	t_ok(bad == 0, "downscale averages 3x3 blocks per channel");
	free(a.data);
	free(b.data);
}

static void
test_blur(void)
{
	float p[41 * 41], tmp[41 * 41], s = 0, var = 0;
	int x, y;

	memset(p, 0, sizeof p);
	p[20 * 41 + 20] = 1;
	edges_blur(p, 41, 41, 2, tmp);
	for (y = 0; y < 41; y++)
		for (x = 0; x < 41; x++) {
			s += p[y * 41 + x];
			var += p[y * 41 + x] * (float)((x - 20) * (x - 20));
		}
	t_near(s, 1, 1e-5, "blur keeps the total");
	t_near(sqrt(var), 2, 0.02, "blur spreads a point by sigma");
}

static void
test_edges(void)
{
	struct img im;
	struct edgemap em;
	char err[128];
	int x, y, thick = 0, on = 0;

	memset(&em, 0, sizeof em);
	/* a vertical step from grey to an equally bright blue at x = 20 */
	mk(&im, 40, 30, 3);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++) {
			*at(&im, 0, x, y) = x < 20 ? 0.4f : 0.2f;
			*at(&im, 1, x, y) = x < 20 ? 0.4f : 0.2f;
			*at(&im, 2, x, y) = x < 20 ? 0.4f : 0.8f;
		}
	t_ok(edges_detect(&im, 0.05f, 0.1f, &em, err, sizeof err) == 0,
	    "detect accepted");
	t_near(em.mag[15 * 40 + 19], 0.4, 1e-5,
	    "gradient of the colour step is the largest channel's (0.4)");
	for (y = 1; y < 29; y++) {
		int n = 0;

		for (x = 0; x < 40; x++)
			n += em.edge[y * 40 + x];
		thick += n != 1;
		on += em.edge[y * 40 + 19] || em.edge[y * 40 + 20];
	}
	t_ok(thick == 0 && on == 28, "the step is a one-pixel line");
	free(im.data);

	/*
	 * hysteresis: a vertical step at x = 10 fading from 0.5 (strong) to
	 * 0.08 (weak) down the image, and an isolated weak step at x = 30
	 */
	mk(&im, 40, 30, 1);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++) {
			float left = (float)(y - 5) * 0.042f;

			left = left < 0 ? 0 : left > 0.42f ? 0.42f : left;
			*at(&im, 0, x, y) = x < 10 ? left : x < 30 ? 0.5f :
			    0.58f;
		}
	edges_detect(&im, 0.05f, 0.2f, &em, err, sizeof err);
	for (on = 0, y = 20; y < 29; y++)
		on += em.edge[y * 40 + 9] || em.edge[y * 40 + 10];
	t_ok(on == 9, "a weak edge joined to a strong one is kept");
	for (on = 0, y = 1; y < 29; y++)
		on += em.edge[y * 40 + 29] || em.edge[y * 40 + 30];
	t_ok(on == 0, "an isolated weak edge is dropped");
	free(im.data);
	edges_free(&em);
}

int
main(void)
{
	test_downscale();
	test_blur();
	test_edges();
	return t_done();
}
