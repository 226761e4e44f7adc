/*
 * fcmetrics_test: the measures on hand-computed points, the zero-actual
 * and zero-scale exclusions, merging, and the MASE scale.
 */
#include <math.h>

#include "fcmetrics.h"
#include "test.h"

int
main(void)
{
	static const double y[] = { 100, 0, 50 }, f[] = { 110, 0, 40 };
	static const double z[] = { 1, 3, 2, 5 }, c[] = { 4, 4, 4 };
	struct fcm_acc a, b;
	struct fcm m;
	int i;

	fcm_init(&a);
	for (i = 0; i < 3; i++)
		fcm_add(&a, y[i], f[i], 10);
	fcm_result(&a, &m);
	t_ok(m.n == 3 && m.n_mape == 2 && m.n_mase == 3, "point counts");
	t_near(m.mae, 20.0 / 3, 1e-12, "mae");
	t_near(m.rmse, sqrt(200.0 / 3), 1e-12, "rmse");
	t_near(m.mape, 15, 1e-12, "mape skips the zero actual");
	t_near(m.smape, 200 * (10.0 / 210 + 10.0 / 90) / 3, 1e-12,
	    "smape counts 0/0 as 0");
	t_near(m.mase, 2.0 / 3, 1e-12, "mase");
	t_near(m.bias, 0, 1e-12, "bias");

	fcm_init(&b);
	fcm_add(&b, 0, 5, 0);		/* zero scale: no MASE, no MAPE */
	fcm_result(&b, &m);
	t_ok(isnan(m.mape) && isnan(m.mase) && m.smape == 200,
	    "zero actual and zero scale: mape, mase undefined; smape 200");
	t_near(m.bias, 5, 1e-12, "bias sign: forecast minus actual");
	fcm_merge(&a, &b);
	fcm_result(&a, &m);
	t_ok(m.n == 4 && m.n_mase == 3, "merge pools the points");
	t_near(m.mae, 25.0 / 4, 1e-12, "merged mae");

	fcm_init(&b);
	fcm_result(&b, &m);
	t_ok(isnan(m.mae) && isnan(m.rmse) && m.n == 0, "empty: undefined");

	t_near(fcm_mase_scale(z, 4, 1), 2, 1e-12, "scale, lag 1");
	t_near(fcm_mase_scale(z, 4, 2), 1.5, 1e-12, "scale, lag 2");
	t_near(fcm_mase_scale(z, 4, 12), 2, 1e-12, "short series: lag 1");
	t_near(fcm_mase_scale(c, 3, 1), 0, 0, "constant series: 0");
	t_near(fcm_mase_scale(z, 1, 1), 0, 0, "one point: 0");
	return t_done();
}
