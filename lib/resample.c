/*
 * resample: triangle-filter scaling of float planes.  See resample.h.
 */
#include <math.h>
#include <stddef.h>

#include "resample.h"

static inline int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
resample(const float *src, int sw, int sh, size_t sstride, float *dst,
    int dw, int dh, size_t dstride, double f, float *tmp)
{
	double fx = f, fy = f;
	double supx = fx < 1 ? 1 / fx : 1, supy = fy < 1 ? 1 / fy : 1;
	int x, y, j, lo, hi;

	for (x = 0; x < dw; x++) {
		double c = (x + 0.5) / fx - 0.5, wsum = 0;

		lo = (int)floor(c - supx);
		hi = (int)ceil(c + supx);
		for (j = lo; j <= hi; j++) {
			double wt = 1 - fabs(j - c) / supx;

			if (wt > 0)
				wsum += wt;
		}
		for (y = 0; y < sh; y++) {
			const float *r = src + (size_t)y * sstride;
			double acc = 0;

			for (j = lo; j <= hi; j++) {
				double wt = 1 - fabs(j - c) / supx;

				if (wt > 0)
					acc += wt * r[clampi(j, 0, sw - 1)];
			}
			tmp[(size_t)y * dw + x] = (float)(acc / wsum);
		}
	}
	for (y = 0; y < dh; y++) {
		double c = (y + 0.5) / fy - 0.5, wsum = 0;
		float *o = dst + (size_t)y * dstride;

		lo = (int)floor(c - supy);
		hi = (int)ceil(c + supy);
		for (j = lo; j <= hi; j++) {
			double wt = 1 - fabs(j - c) / supy;

			if (wt > 0)
				wsum += wt;
		}
		for (x = 0; x < dw; x++)
			o[x] = 0;
		for (j = lo; j <= hi; j++) {
			double wt = 1 - fabs(j - c) / supy;
			const float *r;

			if (wt <= 0)
				continue;
			r = tmp + (size_t)clampi(j, 0, sh - 1) * dw;
			for (x = 0; x < dw; x++)
				o[x] += (float)(wt / wsum) * r[x];
		}
	}
}
