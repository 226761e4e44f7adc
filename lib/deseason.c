/*
 * deseason: the seasonality test and classical decomposition indices
 * (see deseason.h).
 */
#include <math.h>
#include <string.h>

#include "deseason.h"

/* Is y seasonal with period m by the 90% autocorrelation test? */
static int
seasonal(const double *y, size_t n, int m)
{
	double mean = 0, c0 = 0, ck, r, sum = 1, lim;
	size_t t;
	int k;

	if (m < 2 || m > DS_MAXM || n < 3 * (size_t)m)
		return 0;
	for (t = 0; t < n; t++)
		mean += y[t];
	mean /= (double)n;
	for (t = 0; t < n; t++)
		c0 += (y[t] - mean) * (y[t] - mean);
	if (!(c0 > 0))
		return 0;
	for (k = 1; k <= m; k++) {
		ck = 0;
		for (t = (size_t)k; t < n; t++)
			ck += (y[t] - mean) * (y[t - (size_t)k] - mean);
		r = ck / c0;
		if (k == m) {
			lim = 1.645 * sqrt(sum / (double)n);
			return fabs(r) > lim;
		}
		sum += 2 * r * r;
	}
	return 0;
}

void
ds_fit(struct deseason *d, const double *y, size_t n, int m)
{
	double cnt[DS_MAXM], tr, s, w;
	size_t t, h = (size_t)m / 2, k;
	int j, mult = 1;

	memset(d, 0, sizeof *d);
	if (!seasonal(y, n, m))
		return;
	for (t = 0; t < n; t++)
		mult &= y[t] > 0;
	memset(cnt, 0, sizeof cnt);
	for (t = h; t + h < n; t++) {
		/* centred moving average; even m: half weight at both ends */
		tr = 0;
		for (k = t - h; k <= t + h; k++) {
			w = (m % 2 == 0 && (k == t - h || k == t + h)) ? 0.5 : 1;
			tr += w * y[k];
		}
		tr /= m;
		j = (int)(t % (size_t)m);
		if (mult && !(tr > 0))
			return;		/* cannot happen for positive y */
		d->idx[j] += mult ? y[t] / tr : y[t] - tr;
		cnt[j]++;
	}
	s = 0;
	for (j = 0; j < m; j++) {
		if (cnt[j] == 0)
			return;
		d->idx[j] /= cnt[j];
		s += d->idx[j];
	}
	s /= m;
	for (j = 0; j < m; j++)
		d->idx[j] = mult ? d->idx[j] / s : d->idx[j] - s;
	d->m = m;
	d->mult = mult;
}

double
ds_adjust(const struct deseason *d, size_t t, double v)
{
	if (d->m == 0)
		return v;
	return d->mult ? v / d->idx[t % (size_t)d->m] :
	    v - d->idx[t % (size_t)d->m];
}

double
ds_restore(const struct deseason *d, size_t t, double v)
{
	if (d->m == 0)
		return v;
	return d->mult ? v * d->idx[t % (size_t)d->m] :
	    v + d->idx[t % (size_t)d->m];
}
