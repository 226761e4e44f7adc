/*
 * fcmetrics: forecast accuracy sums and the measures derived from them
 * (definitions in fcmetrics.h).
 */
#include <math.h>
#include <string.h>

#include "fcmetrics.h"

void
fcm_init(struct fcm_acc *a)
{
	memset(a, 0, sizeof *a);
}

void
fcm_add(struct fcm_acc *a, double y, double f, double s)
{
	double e = f - y, ae = fabs(e), den = fabs(y) + fabs(f);

	a->n += 1;
	a->sae += ae;
	a->sse += e * e;
	a->sbias += e;
	if (y != 0) {
		a->n_ape += 1;
		a->sape += ae / fabs(y);
	}
	if (den > 0)
		a->ssmape += ae / den;
	if (s > 0 && isfinite(s)) {
		a->n_ase += 1;
		a->sase += ae / s;
	}
}

void
fcm_merge(struct fcm_acc *dst, const struct fcm_acc *src)
{
	dst->n += src->n;
	dst->sae += src->sae;
	dst->sse += src->sse;
	dst->sbias += src->sbias;
	dst->n_ape += src->n_ape;
	dst->sape += src->sape;
	dst->ssmape += src->ssmape;
	dst->n_ase += src->n_ase;
	dst->sase += src->sase;
}

void
fcm_result(const struct fcm_acc *a, struct fcm *m)
{
	m->n = (long)a->n;
	m->n_mape = (long)a->n_ape;
	m->n_mase = (long)a->n_ase;
	if (a->n > 0) {
		m->mae = a->sae / a->n;
		m->rmse = sqrt(a->sse / a->n);
		m->smape = 200 * a->ssmape / a->n;
		m->bias = a->sbias / a->n;
	} else
		m->mae = m->rmse = m->smape = m->bias = NAN;
	m->mape = a->n_ape > 0 ? 100 * a->sape / a->n_ape : NAN;
	m->mase = a->n_ase > 0 ? a->sase / a->n_ase : NAN;
}

double
fcm_mase_scale(const double *y, size_t n, size_t m)
{
	double s = 0;
	size_t t;

	if (n < 2)
		return 0;
	if (m < 1 || n <= m)
		m = 1;
	for (t = m; t < n; t++)
		s += fabs(y[t] - y[t - m]);
	return s / (double)(n - m);
}
