/*
 * deseason: seasonal adjustment by classical decomposition, the
 * preprocessing of the M4-competition statistical benchmarks (Makridakis,
 * Spiliotis and Assimakopoulos 2018).  A series is taken as seasonal when
 * its autocorrelation at the season lag m passes the 90% test
 *
 *   |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n),   n >= 3m,
 *
 * and its seasonal indices are then the per-position means of the series
 * over its centred moving average (2 x m average for even m): ratios when
 * every value is positive (multiplicative), differences otherwise
 * (additive), normalised to mean 1 or 0.
 */
#ifndef LK_DESEASON_H
#define LK_DESEASON_H

#include <stddef.h>

#define DS_MAXM 64	/* longest season handled */

struct deseason {
	int m;			/* season length; 0: not seasonal */
	int mult;		/* multiplicative indices */
	double idx[DS_MAXM];	/* (m) index of positions t mod m */
};

/*
 * Decide and fit: d->m = m with indices when y[0..n) is seasonal by the
 * test above (m in 2..DS_MAXM), else d->m = 0 (identity adjustment).
 */
void ds_fit(struct deseason *d, const double *y, size_t n, int m);

/* The series' seasonal component removed from / put back on v at t. */
double ds_adjust(const struct deseason *d, size_t t, double v);
double ds_restore(const struct deseason *d, size_t t, double v);

#endif
