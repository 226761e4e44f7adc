/*
 * quad_test: the panel detector on rendered laptops (a lid with a dark
 * bezel, a screen in perspective showing a desktop with a window, a
 * textured background, anti-aliased by 4x4 supersampling, sensor noise):
 * corners to a fraction of a pixel, the rectified screen equal to what was
 * drawn on it, manual corners refined, the aspect ratio estimated, no
 * screen reported as none; and on three real photos of
 * ../shared/datasets/screens/photos: corners against the ground truth.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "homography.h"
#include "img.h"
#include "quad.h"
#include "test.h"
#include "warp.h"

#define SW 400		/* the rendered screen, pixels */
#define SH 300

static unsigned long rng = 4242;

static double
nrand(void)
{
	double u, v;

	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	u = ((double)(rng >> 11) + 1) / 9007199254740993.0;
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	v = (double)(rng >> 11) / 9007199254740992.0;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Is (x, y) inside the clockwise quadrilateral q? */
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

/* What the screen shows at screen point (u, v): a desktop and a window. */
static void
screen_colour(double u, double v, float *rgb)
{
	rgb[0] = 0.10f;
	rgb[1] = 0.25f;
	rgb[2] = 0.55f;
	if (u >= 80 && u < 300 && v >= 60 && v < 220) {
		rgb[0] = rgb[1] = rgb[2] = 0.92f;
		if (v < 78)
			rgb[0] = rgb[1] = rgb[2] = 0.6f;
		else if ((int)v % 12 < 4 && u > 95 && u < 95 + 3 * (v - 60))
			rgb[0] = rgb[1] = rgb[2] = 0.15f;
	}
	if (v >= SH - 16)	/* a task bar */
		rgb[0] = rgb[1] = rgb[2] = 0.3f;
}

/*
 * Render a w x h photo: background, lid (bezel colour), panel showing the
 * screen through the homography from panel corners, noise sigma.
 */
static void
render(struct img *im, const double *panel, const double *lid, double sigma)
{
	const double scr[8] = {0, 0, SW, 0, SW, SH, 0, SH};
	const size_t plane = (size_t)im->w * im->h;
	double hm[9];
	char err[128];
	int x, y, a, b, c;

	if (hmg_fit(panel, scr, 4, hm, err, sizeof err) == -1)
		abort();
	for (y = 0; y < im->h; y++)
		for (x = 0; x < im->w; x++) {
			double acc[3] = {0, 0, 0};

			for (b = 0; b < 4; b++)
				for (a = 0; a < 4; a++) {
					double px = x - 0.375 + 0.25 * a;
					double py = y - 0.375 + 0.25 * b, u, v;
					float rgb[3];

					if (inside(panel, px, py)) {
						hmg_apply(hm, px, py, &u, &v);
						screen_colour(u, v, rgb);
					} else if (inside(lid, px, py)) {
						rgb[0] = rgb[1] = rgb[2] = 0.12f;
					} else {
						rgb[0] = (float)(0.45 + 0.2 *
						    sin(px / 37) * cos(py / 23));
						rgb[1] = rgb[0] * 0.9f;
						rgb[2] = rgb[0] * 0.8f;
					}
					for (c = 0; c < 3; c++)
						acc[c] += rgb[c] / 16;
				}
			for (c = 0; c < 3; c++)
				im->data[c * plane + (size_t)y * im->w + x] =
				    (float)(acc[c] + sigma * nrand());
		}
}

static double
corner_error(const double *got, const double *want)
{
	double e = 0;
	int k;

	for (k = 0; k < 4; k++)
		e = fmax(e, hypot(got[2 * k] - want[2 * k],
		    got[2 * k + 1] - want[2 * k + 1]));
	return e;
}

static void
test_synthetic(void)
{
	/*
	 * A 4 x 3 panel in a 4.5 x 3.5 lid, tilted 12 degrees about x and
	 * -18 about y, 8 units from a pinhole camera with a focal length of
	 * 900 pixels and its principal point at the centre of 800 x 600.
	 */
	const double panel[8] = {189.184, 125.832, 631.868, 151.629, 596.947,
	    457.723, 182.84, 483.193};
	const double lid[8] = {156.681, 91.043, 658.455, 125.762, 616.249,
	    479.848, 152.193, 512.627};
	const double scr[8] = {0, 0, SW, 0, SW, SH, 0, SH};
	double hm[9], inv[9], m[9], half[9] = {1, 0, 0.5, 0, 1, 0.5, 0, 0, 1};
	double reproj, mad = 0, init[8], u, v;
	struct img photo, rect;
	struct quad_ws ws;
	struct quad q;
	char err[256];
	int k, x, y, r, n = 0;

	memset(&ws, 0, sizeof ws);
	if (img_alloc(&photo, 800, 600, 3, err, sizeof err) == -1 ||
	    img_alloc(&rect, SW, SH, 3, err, sizeof err) == -1)
		abort();
	render(&photo, panel, lid, 0.01);
	r = quad_find(&photo, &ws, &q, err, sizeof err);
	if (!t_ok(r == 0, "rendered laptop: panel found"))
		printf("# %s\n", err);
	t_near(corner_error(q.c, panel), 0, 0.3,
	    "rendered laptop: corners within 0.3 px");
	t_ok(q.confidence > 0.5, "rendered laptop: confident");
	t_near(quad_aspect(q.c, 800, 600), 4.0 / 3, 1e-9,
	    "aspect ratio estimated as 4:3");
	t_near(quad_aspect(panel, 800, 600), 4.0 / 3, 1e-9,
	    "aspect ratio of the true corners: 4:3");
	t_ok(quad_homography(&q, SW, SH, hm, &reproj, err, sizeof err) == 0,
	    "homography fitted");
	t_near(reproj, 0, 0.3, "homography: edge points on the border");
	for (k = 0; k < 4; k++) {
		hmg_apply(hm, panel[2 * k], panel[2 * k + 1], &u, &v);
		n += hypot(u - scr[2 * k], v - scr[2 * k + 1]) < 0.3;
	}
	t_ok(n == 4, "homography: true corners map to the screen's");

	/* rectify and compare with the screen drawn, box-sampled */
	hmg_invert(hm, inv);
	hmg_compose(inv, half, m);
	warp_perspective(&photo, &rect, m, WARP_BICUBIC, 0, 1, err,
	    sizeof err);
	for (n = 0, y = 2; y < SH - 2; y++)
		for (x = 2; x < SW - 2; x++) {
			float want[3] = {0, 0, 0}, s[3];
			int a, b, c;

			for (b = 0; b < 4; b++)
				for (a = 0; a < 4; a++) {
					screen_colour(x + 0.125 + 0.25 * a,
					    y + 0.125 + 0.25 * b, s);
					for (c = 0; c < 3; c++)
						want[c] += s[c] / 16;
				}
			for (c = 0; c < 3; c++)
				mad += fabs(rect.data[((size_t)c * SH + y) * SW +
				    x] - want[c]);
			n += 3;
		}
	mad /= n;
	printf("# rectified vs drawn: mean absolute difference %.4f\n", mad);
	t_ok(mad < 0.03, "rectified screen matches the drawn one");

	/* manual corners 6 px off are refined */
	for (k = 0; k < 8; k++)
		init[k] = panel[k] + (k % 3 == 0 ? 6 : -5);
	r = quad_refine(&photo, init, &ws, &q, err, sizeof err);
	t_ok(r == 0 && corner_error(q.c, panel) < 0.3,
	    "corners 6 px off refined to within 0.3 px");

	/* nothing but background: reported as not found */
	render(&photo, (const double[8]){-50, -50, -40, -50, -40, -40, -50,
	    -40}, (const double[8]){-50, -50, -40, -50, -40, -40, -50, -40},
	    0.01);
	r = quad_find(&photo, &ws, &q, err, sizeof err);
	t_ok(r == 1 && err[0] != '\0', "no screen: not found, with a reason");
	img_free(&photo);
	img_free(&rect);
	quad_ws_free(&ws);
}

/* The ground-truth corners of a photo's JSON, or -1. */
static int
truth(const char *path, double *c)
{
	char buf[16384];
	FILE *f = fopen(path, "r");
	cJSON *j, *a;
	size_t n;
	int k;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((j = cJSON_Parse(buf)) == NULL)
		return -1;
	a = cJSON_GetObjectItemCaseSensitive(j, "screen_corners_TL_TR_BR_BL");
	for (k = 0; k < 4; k++) {
		cJSON *p = cJSON_GetArrayItem(a, k);

		c[2 * k] = cJSON_GetArrayItem(p, 0)->valuedouble;
		c[2 * k + 1] = cJSON_GetArrayItem(p, 1)->valuedouble;
	}
	cJSON_Delete(j);
	return 0;
}

static void
test_photos(void)
{
	static const char *const names[] = {"kde-s114", "zypper_ref-s126",
	    "ovmf_frontpage_language_popup-s132"};
	const char *d = t_shared();
	struct quad_ws ws;
	struct quad q;
	struct img im;
	char path[512], err[256], what[128];
	double gt[8];
	size_t i;

	if (d == NULL) {
		t_skip("real photos", "../shared/datasets not found");
		return;
	}
	memset(&ws, 0, sizeof ws);
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/screens/photos/%s.json", d,
		    names[i]);
		if (truth(path, gt) == -1) {
			t_skip(names[i], "no ground truth");
			continue;
		}
		snprintf(path, sizeof path, "%s/screens/photos/%s.jpg", d,
		    names[i]);
		if (img_load(&im, path, 3, err, sizeof err) == -1) {
			t_ok(0, path);
			continue;
		}
		snprintf(what, sizeof what, "%s: corners within 1.5 px",
		    names[i]);
		t_ok(quad_find(&im, &ws, &q, err, sizeof err) == 0 &&
		    corner_error(q.c, gt) < 1.5, what);
		img_free(&im);
	}
	quad_ws_free(&ws);
}

int
main(void)
{
	test_synthetic();
	test_photos();
	return t_done();
}
