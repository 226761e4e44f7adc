/*
 * resample_test: identity at factor 1, exact averages of 2x2 blocks when
 * halving (away from the edges), bilinear values when doubling, constants
 * preserved at any factor, and fractional factors map pixel centres by
 * the factor.
 */
#include <math.h>

#include "resample.h"
#include "test.h"

int
main(void)
{
	enum { W = 12, H = 10 };
	float src[W * H], dst[4 * W * H], tmp[4 * W * H];
	double maxd;
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			src[y * W + x] = (float)((x * 7 + y * 13) % 17) / 16;
	resample(src, W, H, W, dst, W, H, W, 1.0, tmp);
	for (maxd = 0, x = 0; x < W * H; x++)
		maxd = fmax(maxd, fabs(dst[x] - src[x]));
	t_near(maxd, 0, 0, "factor 1 is the identity");
	/* halving: a triangle of half-width 2 centred between two pixels
	   weighs them 3:3 and their outer neighbours 1:1 */
	resample(src, W, H, W, dst, W / 2, H / 2, W / 2, 0.5, tmp);
	for (maxd = 0, y = 1; y < H / 2 - 1; y++)
		for (x = 1; x < W / 2 - 1; x++) {
			double want = 0, wy[4] = { 1, 3, 3, 1 };
			int i, j;

			for (i = 0; i < 4; i++)
				for (j = 0; j < 4; j++)
					want += wy[i] * wy[j] * src[(2 * y - 1 +
					    i) * W + 2 * x - 1 + j] / 64;
			maxd = fmax(maxd, fabs(dst[y * (W / 2) + x] - want));
		}
	t_near(maxd, 0, 1e-6, "halving: the area-like triangle weights");
	resample(src, W, H, W, dst, 2 * W, 2 * H, 2 * W, 2.0, tmp);
	for (maxd = 0, y = 1; y < 2 * H - 2; y++)
		for (x = 1; x < 2 * W - 2; x++) {
			double sx = (x + 0.5) / 2 - 0.5, sy = (y + 0.5) / 2 -
			    0.5;
			int x0 = (int)floor(sx), y0 = (int)floor(sy);
			double fx = sx - x0, fy = sy - y0;
			double want = (1 - fy) * ((1 - fx) * src[y0 * W + x0] +
			    fx * src[y0 * W + x0 + 1]) + fy * ((1 - fx) *
			    src[(y0 + 1) * W + x0] + fx * src[(y0 + 1) * W +
			    x0 + 1]);

			maxd = fmax(maxd, fabs(dst[y * 2 * W + x] - want));
		}
	t_near(maxd, 0, 1e-6, "doubling: bilinear");
	for (x = 0; x < W * H; x++)
		src[x] = 0.375f;
	resample(src, W, H, W, dst, 15, 13, 15, 1.25, tmp);
	for (maxd = 0, x = 0; x < 15 * 13; x++)
		maxd = fmax(maxd, fabs(dst[x] - 0.375));
	t_near(maxd, 0, 1e-6, "a constant stays constant at 1.25");
	/* a ramp in x maps through the exact factor: value at output centre
	   u is the ramp at (u + 0.5) / f - 0.5 */
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			src[y * W + x] = (float)x / W;
	resample(src, W, H, W, dst, 17, 14, 17, 1.4, tmp);
	t_near(dst[3 * 17 + 7], ((7 + 0.5) / 1.4 - 0.5) / W, 1e-6,
	    "pixel centres map by the factor");
	return t_done();
}
