/*
 * homography_test: the normalised DLT is exact on synthetic
 * correspondences (4 and many), equivariant under similarity changes of
 * either coordinate frame (what Hartley normalisation buys), close to the
 * truth under noise, and refuses degenerate inputs with a reason.  The
 * true homography of the OpenCV graffiti pair (graf1 -> graf3) is read
 * from ../shared and recovered from correspondences it generates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "homography.h"
#include "test.h"

static unsigned long rng = 12345;

static double
urand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
nrand(void)
{
	double u = urand() + 1e-300, v = urand();

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Largest distance between the maps a and b over a grid on 1024 x 768. */
static double
hdiff(const double a[9], const double b[9])
{
	double d = 0, ua, va, ub, vb;
	int i, j;

	for (i = 0; i <= 8; i++)
		for (j = 0; j <= 8; j++) {
			if (hmg_apply(a, 128.0 * j, 96.0 * i, &ua, &va) == -1 ||
			    hmg_apply(b, 128.0 * j, 96.0 * i, &ub, &vb) == -1)
				return INFINITY;
			d = fmax(d, hypot(ua - ub, va - vb));
		}
	return d;
}

/* n random points in [0, w] x [0, h] and their images under hm. */
static void
make_points(const double hm[9], size_t n, double w, double h, double *src,
    double *dst)
{
	size_t i;

	for (i = 0; i < n; i++) {
		src[2 * i] = w * urand();
		src[2 * i + 1] = h * urand();
		if (hmg_apply(hm, src[2 * i], src[2 * i + 1], &dst[2 * i],
		    &dst[2 * i + 1]) == -1)
			abort();
	}
}

static const double H0[9] = {
	1.1290522303694135, 0.2294428808521028, 84.889966160388,
	-0.1421027222186087, 1.280153209070399, 191.79874856129342,
	-0.00010535392168402033, 0.00013556780599356953, 1.0
};

static void
test_exact(void)
{
	double src[400], dst[400], h[9], mx, e;
	double sq[8] = {0, 0, 1024, 0, 1024, 768, 0, 768}, dq[8];
	char err[128] = "";
	int i, ok;

	for (i = 0; i < 4; i++)
		hmg_apply(H0, sq[2 * i], sq[2 * i + 1], &dq[2 * i],
		    &dq[2 * i + 1]);
	ok = hmg_fit(sq, dq, 4, h, err, sizeof err) == 0;
	t_ok(ok, "four corners: fit accepted");
	t_near(hdiff(h, H0), 0, 1e-8, "four corners: H recovered exactly");
	e = hmg_reproj_error(h, sq, dq, 4, &mx);
	t_near(mx, 0, 1e-9, "four corners: reprojection error 0");

	make_points(H0, 200, 1024, 768, src, dst);
	ok = hmg_fit(src, dst, 200, h, err, sizeof err) == 0;
	t_ok(ok, "200 exact correspondences: fit accepted");
	t_near(hdiff(h, H0), 0, 1e-8, "200 exact correspondences: H exact");
	e = hmg_reproj_error(h, src, dst, 200, &mx);
	t_near(e, 0, 1e-9, "200 exact correspondences: rms error 0");
}

/* Similarity s: x -> a x + b (per axis the same scale). */
static void
similarity(double sc, double tx, double ty, double s[9])
{
	memset(s, 0, 9 * sizeof *s);
	s[0] = s[4] = sc;
	s[2] = tx;
	s[5] = ty;
	s[8] = 1;
}

static void
test_normalisation(void)
{
	double src[120], dst[120], src2[120], dst2[120], s1[9], s2[9], s1i[9];
	double h[9], h2[9], want[9], tmp[9];
	char err[128];
	int i;

	make_points(H0, 60, 1024, 768, src, dst);
	for (i = 0; i < 120; i++)
		dst[i] += 0.5 * nrand();
	/* the same data in other frames: millimetres off a far origin */
	similarity(0.01, 5e4, -3e4, s1);
	similarity(250, -1e3, 7e3, s2);
	for (i = 0; i < 60; i++) {
		hmg_apply(s1, src[2 * i], src[2 * i + 1], &src2[2 * i],
		    &src2[2 * i + 1]);
		hmg_apply(s2, dst[2 * i], dst[2 * i + 1], &dst2[2 * i],
		    &dst2[2 * i + 1]);
	}
	t_ok(hmg_fit(src, dst, 60, h, err, sizeof err) == 0 &&
	    hmg_fit(src2, dst2, 60, h2, err, sizeof err) == 0,
	    "noisy fits in both frames accepted");
	hmg_invert(s1, s1i);
	hmg_compose(h, s1i, tmp);
	hmg_compose(s2, tmp, want);
	/* compare as maps: image of the source points in frame 2 */
	{
		double d = 0, u1, v1, u2, v2;

		for (i = 0; i < 60; i++) {
			hmg_apply(want, src2[2 * i], src2[2 * i + 1], &u1, &v1);
			hmg_apply(h2, src2[2 * i], src2[2 * i + 1], &u2, &v2);
			d = fmax(d, hypot(u1 - u2, v1 - v2) / 250);
		}
		t_near(d, 0, 1e-6,
		    "fit is equivariant to similarity changes of frame");
	}
	t_near(hmg_reproj_error(h, src, dst, 60, NULL), 0.5, 0.15,
	    "noisy fit: rms error near the noise (sigma 0.5 per axis)");
	t_near(hdiff(h, H0), 0, 0.6, "noisy fit: map within 0.6 px of truth");
}

static void
test_degenerate(void)
{
	double h[9], src[16], dst[16];
	double sq[8] = {0, 0, 10, 0, 10, 10, 0, 10};
	char err[128];

	make_points(H0, 8, 100, 100, src, dst);
	t_ok(hmg_fit(src, dst, 3, h, err, sizeof err) == -1 &&
	    strstr(err, "at least 4") != NULL, "three points refused");

	memcpy(src, sq, sizeof sq);
	memcpy(dst, sq, sizeof sq);
	src[6] = 10;
	src[7] = 10;	/* point 4 repeats point 3 */
	t_ok(hmg_fit(src, dst, 4, h, err, sizeof err) == -1 &&
	    strstr(err, "distinct source") != NULL, "repeated point refused");

	memcpy(src, sq, sizeof sq);
	dst[0] = 1; dst[1] = 1; dst[2] = 2; dst[3] = 2;
	dst[4] = 5; dst[5] = 5; dst[6] = 9; dst[7] = 9;
	t_ok(hmg_fit(src, dst, 4, h, err, sizeof err) == -1 &&
	    strstr(err, "target points are collinear") != NULL,
	    "collinear target refused");

	memcpy(dst, sq, sizeof sq);
	src[4] = 5; src[5] = 0;	/* (0,0) (10,0) (5,0): three on a line */
	t_ok(hmg_fit(src, dst, 4, h, err, sizeof err) == -1 &&
	    strstr(err, "three of the four") != NULL,
	    "three of four collinear refused");

	/* five points: four on a line and one off it, in both sets */
	{
		double s5[10] = {0, 0, 1, 0, 2, 0, 3, 0, 1, 4};
		double d5[10] = {0, 0, 2, 0, 4, 0, 6, 0, 2, 8};

		t_ok(hmg_fit(s5, d5, 5, h, err, sizeof err) == -1 &&
		    strstr(err, "do not determine") != NULL,
		    "four collinear plus one refused (rank)");
	}
	memcpy(src, sq, sizeof sq);
	src[3] = NAN;
	t_ok(hmg_fit(src, sq, 4, h, err, sizeof err) == -1 &&
	    strstr(err, "not finite") != NULL, "NaN refused");

	/* near-collinear but valid: a long thin quad is accepted */
	{
		double s4[8] = {0, 0, 1000, 0, 1000, 1, 0, 1};

		t_ok(hmg_fit(s4, sq, 4, h, err, sizeof err) == 0,
		    "thin but proper quad accepted");
	}
}

static void
test_algebra(void)
{
	double inv[9], id[9], u, v, x, y;
	double sing[9] = {1, 2, 3, 2, 4, 6, 0, 0, 1};
	double horizon[9] = {1, 0, 0, 0, 1, 0, 1, 0, 0};

	t_ok(hmg_invert(H0, inv) == 0, "invert accepted");
	hmg_compose(inv, H0, id);
	t_near(fabs(id[0] - 1) + fabs(id[1]) + fabs(id[2]) + fabs(id[3]) +
	    fabs(id[4] - 1) + fabs(id[5]) + fabs(id[6]) + fabs(id[7]), 0,
	    1e-12, "H^-1 H is the identity");
	hmg_apply(H0, 300, 200, &u, &v);
	hmg_apply(inv, u, v, &x, &y);
	t_near(hypot(x - 300, y - 200), 0, 1e-9, "apply then inverse");
	t_ok(hmg_invert(sing, inv) == -1, "singular matrix not inverted");
	t_ok(hmg_apply(horizon, 0, 5, &u, &v) == -1,
	    "point on the horizon maps to infinity: refused");
}

/* Read the 9 numbers of the <data> element of an OpenCV matrix file. */
static int
read_cv_matrix(const char *path, double h[9])
{
	char buf[4096], *p, *end;
	size_t n;
	FILE *f = fopen(path, "r");
	int i;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strstr(buf, "<data>")) == NULL)
		return -1;
	p += 6;
	for (i = 0; i < 9; i++) {
		h[i] = strtod(p, &end);
		if (end == p)
			return -1;
		p = end;
	}
	return 0;
}

static void
test_graffiti(void)
{
	const char *d = t_shared();
	double h[9], fit[9], src[2 * 64], dst[2 * 64], u, v;
	char path[512], err[128];
	int i, j, n = 0;

	if (d == NULL) {
		t_skip("graffiti homography", "../shared/datasets not found");
		return;
	}
	snprintf(path, sizeof path, "%s/screens/opencv/H1to3p.xml", d);
	if (!t_ok(read_cv_matrix(path, h) == 0, "read H1to3p.xml"))
		return;
	/* graf1 is 800x640: an 8x8 grid of it, mapped into graf3 */
	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++) {
			src[2 * n] = 50 + 100 * j;
			src[2 * n + 1] = 40 + 80 * i;
			hmg_apply(h, src[2 * n], src[2 * n + 1], &dst[2 * n],
			    &dst[2 * n + 1]);
			n++;
		}
	t_ok(hmg_fit(src, dst, (size_t)n, fit, err, sizeof err) == 0,
	    "graffiti: fit accepted");
	t_near(hdiff(fit, h), 0, 1e-8, "graffiti: true H recovered");
	hmg_apply(fit, 400, 320, &u, &v);
	hmg_apply(h, 400, 320, &src[0], &src[1]);
	t_near(hypot(u - src[0], v - src[1]), 0, 1e-8,
	    "graffiti: centre maps where the truth says");
	/* its four corners alone give the same map */
	{
		double c[8] = {0, 0, 799, 0, 799, 639, 0, 639}, cd[8];

		for (i = 0; i < 4; i++)
			hmg_apply(h, c[2 * i], c[2 * i + 1], &cd[2 * i],
			    &cd[2 * i + 1]);
		t_ok(hmg_fit(c, cd, 4, fit, err, sizeof err) == 0 &&
		    hdiff(fit, h) < 1e-8, "graffiti: four corners exact");
	}
}

int
main(void)
{
	test_exact();
	test_normalisation();
	test_degenerate();
	test_algebra();
	test_graffiti();
	return t_done();
}
