/*
 * fcmetrics: forecast accuracy measures, accumulated point by point so one
 * accumulator can hold a series, a method or a whole run.  Definitions
 * (e = forecast - actual, y = actual, f = forecast):
 *
 *   MAE    mean |e|
 *   RMSE   sqrt(mean e^2)
 *   MAPE   100 mean |e| / |y|, over the points with y != 0 only
 *   sMAPE  200 mean |e| / (|y| + |f|), a point with y = f = 0 counting 0
 *          (the M3-competition definition; range 0..200)
 *   MASE   mean |e| / s, s the series' in-sample mean absolute error of the
 *          seasonal naive forecast (Hyndman and Koehler 2006); points of a
 *          series with s = 0 are left out
 *   bias   mean e (positive: the forecast is too high)
 *
 * Aggregates pool points: a run's MASE is the mean of |e| / s over all
 * points, which equals the mean of the series' MASEs when every series has
 * the same number of points (the M3 and M4 convention).
 */
#ifndef LK_FCMETRICS_H
#define LK_FCMETRICS_H

#include <stddef.h>

struct fcm_acc {
	double n;		/* points */
	double sae, sse, sbias;	/* sums of |e|, e^2, e */
	double n_ape, sape;	/* points with y != 0; sum of |e| / |y| */
	double ssmape;		/* sum of |e| / (|y| + |f|) */
	double n_ase, sase;	/* points with s > 0; sum of |e| / s */
};

struct fcm {
	double mae, rmse, mape, smape, mase, bias;	/* NaN: undefined */
	long n, n_mape, n_mase;		/* points behind each figure */
};

/* Empty accumulator. */
void fcm_init(struct fcm_acc *a);

/*
 * Add one point: actual y, forecast f, MASE scale s of its series (s <= 0
 * or not finite: the point counts for every measure but MASE).  y and f
 * must be finite.
 */
void fcm_add(struct fcm_acc *a, double y, double f, double s);

/* dst += src. */
void fcm_merge(struct fcm_acc *dst, const struct fcm_acc *src);

/*
 * The measures; a measure with no point behind it (no points at all, only
 * zero actuals for MAPE, only s = 0 for MASE) is NaN.
 */
void fcm_result(const struct fcm_acc *a, struct fcm *m);

/*
 * The MASE scale of a series y[0..n): mean |y[t] - y[t-m]| for t >= m.
 * When n <= m the lag falls back to 1.  Returns 0 for a constant series
 * and for n < 2 (no scale: MASE undefined for it).
 */
double fcm_mase_scale(const double *y, size_t n, size_t m);

#endif
