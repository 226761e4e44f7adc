/*
 * arima: ARIMA(p,d,q) models with an optional constant (the mean of the
 * d-times differenced series: a level for d = 0, a drift for d = 1),
 * fitted by conditional sum of squares (CSS, Levenberg-Marquardt) and by
 * exact Gaussian maximum likelihood (Kalman filter, BFGS), with an
 * automatic order search in the manner of Hyndman and Khandakar's
 * auto.arima (2008): seasonal adjustment by classical decomposition when
 * the season test passes (deseason.h), d by repeated KPSS tests at 5%,
 * then p, q in 0..2 with and without the constant (18 models; 9 when
 * d = 2) ranked by AICc of their CSS fits on a common conditioning
 * sample, and the winner refitted by maximum likelihood ("CSS-ML").
 *
 * Conventions: (1 - phi_1 B - ... - phi_p B^p)(w_t - mu) =
 * (1 + theta_1 B + ... + theta_q B^q) e_t, w the differenced series.
 * Estimates are kept stationary and invertible by optimising over
 * partial autocorrelations mapped through 0.995 tanh (Jones 1980; the R
 * arima() transform); the search drops models whose partial
 * autocorrelations end beyond 0.99 in magnitude (roots near the unit
 * circle).
 */
#ifndef LK_ARIMA_H
#define LK_ARIMA_H

#include <stddef.h>

#include "deseason.h"

#define ARIMA_MAXP 4
#define ARIMA_MAXQ 4
#define ARIMA_MAXD 2

struct arima {
	int p, d, q;		/* orders */
	int cst;		/* with the constant mu */
	double phi[ARIMA_MAXP], theta[ARIMA_MAXQ], mu;
	double sigma2;		/* innovation variance (ML) */
	double loglik;		/* exact log-likelihood of the differenced
				   series at the estimates */
	double aicc;		/* of the model's CSS fit in the search */
	struct deseason ds;	/* applied before everything; m 0: none */
};

/*
 * Fit the order set in a->p, d, q, cst (p <= ARIMA_MAXP, q <=
 * ARIMA_MAXQ, d <= ARIMA_MAXD) to y[0..n) without seasonal adjustment:
 * CSS conditioning on the first p values, then exact ML from there.
 * 0, or -1 with err filled (too few values for the order, out of memory).
 */
int arima_fit(struct arima *a, const double *y, size_t n, char *err,
    size_t errlen);

/*
 * The automatic model for y[0..n) with season length m (1 or 0: no
 * seasonal adjustment).  Never fails on data: a constant or very short
 * series gets ARIMA(0,0,0) with its mean or ARIMA(0,1,0) (the naive
 * forecast).  0, or -1 with err filled when memory is short.
 */
int arima_auto(struct arima *a, const double *y, size_t n, int m,
    char *err, size_t errlen);

/*
 * Forecast h steps after y[0..n) with a's parameters, filtering y (which
 * may extend the series a was fitted on) through the model first.
 * out[0..h).  0, or -1 with err filled (n too short for d, memory).
 */
int arima_forecast(const struct arima *a, const double *y, size_t n,
    size_t h, double *out, char *err, size_t errlen);

/*
 * The exact Gaussian log-likelihood of w[0..n) (already differenced)
 * under a's phi, theta, mu and sigma2 (sigma2 <= 0: concentrated out,
 * its ML value).  For tests and diagnostics; NaN if the model is not
 * stationary.
 */
double arima_loglik(const struct arima *a, const double *w, size_t n);

/* The KPSS level-stationarity statistic of y[0..n) (lags 4 (n/100)^.25). */
double arima_kpss(const double *y, size_t n);

#endif
