/*
 * regfeat_test: features of hand-made maps whose values are known: two
 * uniform rectangles (DC only) and a horizontal ramp (a horizontal DCT
 * term only), plus the sort order and the empty case.
 */
#include <math.h>
#include <string.h>

#include "cc.h"
#include "regfeat.h"
#include "test.h"

#define W 40
#define H 30

int
main(void)
{
	static float map[W * H];
	static unsigned char m[W * H];
	struct cc c = CC_INIT;
	double f[REGFEAT_N];
	int x, y, i;

	/* 6x4 at (2,3) with error 0.5; 10x2 at (20,10) ramp 0.1 .. 1.0 */
	for (y = 3; y < 7; y++)
		for (x = 2; x < 8; x++)
			map[y * W + x] = 0.5f;
	for (y = 10; y < 12; y++)
		for (x = 20; x < 30; x++)
			map[y * W + x] = 0.1f * (float)(x - 19);
	for (i = 0; i < W * H; i++)
		m[i] = map[i] > 0;
	cc_label(&c, m, W, map, W, W, H, 8, 1);
	regfeat_compute(c.reg, c.nreg, map, W, f);

	t_ok(strcmp(regfeat_names[0], "count") == 0 &&
	    strcmp(regfeat_names[REGFEAT_N - 1], "dct_mean_5") == 0,
	    "names: count first, dct_mean_5 last");
	t_near(f[0], 2, 0, "count");
	t_near(f[1], 44, 0, "total_area");
	t_near(f[2], 24, 0, "largest_area is the 6x4 rectangle");
	t_near(f[3], 0.5, 1e-7, "largest_mean_err");
	t_near(f[4], 0.5, 1e-7, "largest_max_err");
	t_near(f[5], 1, 0, "largest_fill");
	t_near(f[6], 1.5, 1e-9, "largest_elongation of 6x4 is 1.5");
	t_near(f[7], 1.0, 1e-6, "max_err over both regions");
	t_near(f[8], (24 * 0.5 + 2 * 5.5) / 44, 1e-6, "mean_err over both");
	t_near(f[9], 8 * 0.5, 1e-6, "dct_0 = 8 x mean of a uniform patch");
	for (i = 10, x = 0; i < 15; i++)
		x += fabs(f[i]) > 1e-6;
	t_ok(x == 0, "dct_1..dct_5 of a uniform patch are 0");
	/* ramp: dct_0 = 8 * 0.55; horizontal term negative, vertical 0 */
	t_near(f[15], (8 * 0.5 + 8 * 0.55) / 2, 1e-5, "dct_mean_0");
	t_ok(f[16] < -0.1, "dct_mean_1: ramp rising in x gives a negative "
	    "horizontal term");
	t_near(f[17], 0, 1e-6, "dct_mean_2: no vertical change");

	regfeat_sort(c.reg, c.nreg);
	t_ok(c.reg[0].area == 24 && c.reg[1].area == 20, "sort: largest first");

	regfeat_compute(c.reg, 0, map, W, f);
	for (i = 0, x = 0; i < REGFEAT_N; i++)
		x += f[i] != 0;
	t_ok(x == 0, "no region: every feature is 0");
	cc_free(&c);
	return t_done();
}
