/*
 * regfeat: region statistics pooled into one feature vector per image.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dct.h"
#include "regfeat.h"

const char *const regfeat_names[REGFEAT_N] = {
	"count", "total_area", "largest_area", "largest_mean_err",
	"largest_max_err", "largest_fill", "largest_elongation", "max_err",
	"mean_err",
	"dct_0", "dct_1", "dct_2", "dct_3", "dct_4", "dct_5",
	"dct_mean_0", "dct_mean_1", "dct_mean_2", "dct_mean_3", "dct_mean_4",
	"dct_mean_5"
};

/* The zigzag-first REGFEAT_DCT coefficients of region r's patch. */
static void
region_dct(const struct dct_plan *p, const int *zz, const struct cc_region *r,
    const float *map, size_t stride, double *out)
{
	float patch[REGFEAT_SIDE * REGFEAT_SIDE];
	double coef[3 * 3];	/* zigzag's first 6 lie in the 3 x 3 corner */
	int i;

	dct_resample(map, stride, r->x, r->y, r->w, r->h, REGFEAT_SIDE, patch);
	dct_2d(p, patch, 3, coef);
	for (i = 0; i < REGFEAT_DCT; i++) {
		out[i] = coef[zz[2 * i] * 3 + zz[2 * i + 1]];
		if (fabs(out[i]) <= 1e-9 * fabs(coef[0]))
			out[i] = 0;	/* rounding noise of a zero term */
	}
}

void
regfeat_compute(const struct cc_region *r, size_t n, const float *map,
    size_t stride, double *out)
{
	struct dct_plan p;
	int zz[2 * REGFEAT_DCT], j;
	double d[REGFEAT_DCT], sum_err = 0;
	size_t i, big = 0;

	memset(out, 0, REGFEAT_N * sizeof *out);
	if (n == 0)
		return;
	dct_plan_init(&p, REGFEAT_SIDE);
	dct_zigzag(REGFEAT_SIDE, REGFEAT_DCT, zz);
	for (i = 0; i < n; i++) {
		if (r[i].area > r[big].area || (r[i].area == r[big].area &&
		    (r[i].fy < r[big].fy || (r[i].fy == r[big].fy &&
		    r[i].fx < r[big].fx))))
			big = i;
		out[1] += (double)r[i].area;
		if (r[i].max_err > out[7] || i == 0)
			out[7] = r[i].max_err;
		sum_err += r[i].sum_err;
		region_dct(&p, zz, &r[i], map, stride, d);
		for (j = 0; j < REGFEAT_DCT; j++)
			out[9 + REGFEAT_DCT + j] += d[j] / (double)n;
	}
	out[0] = (double)n;
	out[2] = (double)r[big].area;
	out[3] = r[big].mean_err;
	out[4] = r[big].max_err;
	out[5] = r[big].fill;
	out[6] = r[big].elongation;
	out[8] = sum_err / out[1];
	region_dct(&p, zz, &r[big], map, stride, out + 9);
}

static int
area_cmp(const void *a, const void *b)
{
	const struct cc_region *p = a, *q = b;

	if (p->area != q->area)
		return p->area > q->area ? -1 : 1;
	if (p->fy != q->fy)
		return p->fy < q->fy ? -1 : 1;
	return (p->fx > q->fx) - (p->fx < q->fx);
}

void
regfeat_sort(struct cc_region *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof *r, area_cmp);
}
