/*
 * arima_test: the Kalman likelihood and the ML fit against an independent
 * numpy/scipy reference (full Toeplitz covariance, Nelder-Mead;
 * testdata/arima/ref.txt from scripts/mk-arima-ref.py), the KPSS
 * statistic, recovery of a simulated AR(2) by the automatic search,
 * closed-form forecasts, and the degenerate series (all zero, constant,
 * one or two values, seasonal).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arima.h"
#include "test.h"

#define MAXN 1000

static uint64_t rng = 88172645463325252ULL;

static double
unif(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double
gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

/* Read "key v1 v2 ..." into v (up to max); returns the count or -1. */
static int
readline_vals(FILE *f, const char *key, double *v, int max)
{
	char k[16];
	int n = 0, c;

	if (fscanf(f, "%15s", k) != 1 || strcmp(k, key) != 0)
		return -1;
	while ((c = fgetc(f)) != '\n' && c != EOF) {
		ungetc(c, f);
		if (n == max || fscanf(f, "%lf", &v[n]) != 1)
			return -1;
		n++;
	}
	return n;
}

static void
reference_cases(void)
{
	double y[MAXN], w[MAXN], tru[16], mle[16];
	char err[128], what[96];
	int p, d, q, c, ny, i, j, ncase = 0;
	struct arima a;
	FILE *f;

	if ((f = fopen("testdata/arima/ref.txt", "r")) == NULL) {
		t_ok(0, "open testdata/arima/ref.txt (run from the repo root)");
		return;
	}
	while (fscanf(f, " model %d %d %d %d", &p, &d, &q, &c) == 4) {
		ncase++;
		fgetc(f);
		ny = readline_vals(f, "y", y, MAXN);
		if (ny < 10 || readline_vals(f, "true", tru, 16) != p + q + 3 ||
		    readline_vals(f, "mle", mle, 16) != p + q + 3 ||
		    readline_vals(f, "kpss", mle + p + q + 3, 1) != 1) {
			t_ok(0, "reference file format");
			break;
		}
		snprintf(what, sizeof what, "ARIMA(%d,%d,%d)%s", p, d, q,
		    c ? "+c" : "");

		/* likelihood at the true values: Kalman vs Toeplitz */
		memset(&a, 0, sizeof a);
		a.p = p;
		a.d = d;
		a.q = q;
		a.cst = c;
		for (i = 0; i < p; i++)
			a.phi[i] = tru[i];
		for (i = 0; i < q; i++)
			a.theta[i] = tru[p + i];
		a.mu = tru[p + q];
		a.sigma2 = tru[p + q + 1];
		for (i = 0; i < ny - d; i++)
			w[i] = d ? y[i + 1] - y[i] : y[i];
		t_near(arima_loglik(&a, w, (size_t)(ny - d)), tru[p + q + 2],
		    1e-6, strcat(strcpy(err, what), ": Kalman loglik"));

		/* the ML fit reaches the reference maximum */
		if (!t_ok(arima_fit(&a, y, (size_t)ny, err, sizeof err) == 0,
		    what))
			continue;
		for (i = 0, j = 1; i < p; i++)
			j &= fabs(a.phi[i] - mle[i]) < 2e-3;
		for (i = 0; i < q; i++)
			j &= fabs(a.theta[i] - mle[p + i]) < 2e-3;
		if (c)
			j &= fabs(a.mu - mle[p + q]) < 2e-3 *
			    (1 + fabs(mle[p + q]));
		if (!j)
			printf("# got phi %g %g theta %g %g mu %g\n", a.phi[0],
			    a.phi[1], a.theta[0], a.theta[1], a.mu);
		t_ok(j, strcat(strcpy(err, what), ": estimates match scipy"));
		t_near(a.loglik, mle[p + q + 2], 1e-4,
		    strcat(strcpy(err, what), ": maximum loglik"));
		t_near(a.sigma2, mle[p + q + 1], 1e-3 * mle[p + q + 1],
		    strcat(strcpy(err, what), ": sigma2"));
		t_near(arima_kpss(y, (size_t)ny), mle[p + q + 3],
		    1e-9 * mle[p + q + 3], strcat(strcpy(err, what), ": KPSS"));
	}
	fclose(f);
	t_ok(ncase == 4, "four reference cases");
}

int
main(void)
{
	static double y[5000], z[60], fc[24];
	char err[128];
	struct arima a;
	double e1 = 0, e2 = 0, v;
	size_t t, n = 5000;
	int i, ok;

	reference_cases();

	/* simulated AR(2), phi (0.6, -0.3), mean 50: auto recovers it */
	for (t = 0; t < n + 200; t++) {
		double e = gauss();

		v = 0.6 * e1 - 0.3 * e2 + e;
		e2 = e1;
		e1 = v;
		if (t >= 200)
			y[t - 200] = 50 + v;
	}
	t_ok(arima_auto(&a, y, n, 12, err, sizeof err) == 0, "auto on AR(2)");
	t_ok(a.p == 2 && a.d == 0 && a.q == 0 && a.cst == 1 && a.ds.m == 0,
	    "AR(2) order found: (2,0,0) with mean, no season");
	t_near(a.phi[0], 0.6, 0.05, "phi1 recovered");
	t_near(a.phi[1], -0.3, 0.05, "phi2 recovered");
	t_near(a.mu, 50, 0.1, "mean recovered");
	t_near(a.sigma2, 1, 0.06, "sigma2 recovered");

	/* closed-form forecasts */
	memset(&a, 0, sizeof a);
	a.p = 1;
	a.cst = 1;
	a.phi[0] = 0.5;
	a.mu = 10;
	y[0] = 10;
	y[1] = 14;
	arima_forecast(&a, y, 2, 3, fc, err, sizeof err);
	/* the filtered state holds y[1] - mu exactly for a pure AR(1) */
	t_ok(fabs(fc[0] - 12) < 1e-9 && fabs(fc[1] - 11) < 1e-9 &&
	    fabs(fc[2] - 10.5) < 1e-9, "AR(1) forecast mu + phi^h (y - mu)");
	memset(&a, 0, sizeof a);
	a.d = 1;
	a.cst = 1;
	a.mu = 2;
	arima_forecast(&a, y, 2, 3, fc, err, sizeof err);
	t_ok(fc[0] == 16 && fc[1] == 18 && fc[2] == 20,
	    "random walk with drift");

	/* degenerate series never fail and never give NaN */
	memset(z, 0, sizeof z);
	ok = arima_auto(&a, z, 60, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 60, 18, fc, err, sizeof err) == 0;
	for (i = 0; i < 18; i++)
		ok &= fc[i] == 0;
	t_ok(ok, "all-zero series: zero forecast");
	for (i = 0; i < 60; i++)
		z[i] = 7;
	ok = arima_auto(&a, z, 60, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 60, 5, fc, err, sizeof err) == 0;
	t_ok(ok && fc[4] == 7, "constant series: the constant");
	ok = arima_auto(&a, z, 1, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 1, 2, fc, err, sizeof err) == 0;
	t_ok(ok && fc[1] == 7, "one value");
	z[1] = 9;
	ok = arima_auto(&a, z, 2, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 2, 2, fc, err, sizeof err) == 0;
	t_ok(ok && fc[0] == 9 && fc[1] == 9, "two values: naive");
	for (i = 0; i < 60; i++)	/* sparse: intermittent demand */
		z[i] = i % 7 == 3 ? 2 : 0;
	ok = arima_auto(&a, z, 60, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 60, 18, fc, err, sizeof err) == 0;
	for (i = 0; i < 18; i++)
		ok &= isfinite(fc[i]);
	t_ok(ok, "intermittent series: finite forecasts");

	/* a strongly seasonal series is adjusted, and the season comes back */
	for (i = 0; i < 60; i++)
		z[i] = 100 + 0.5 * i + 30 * sin(2 * M_PI * i / 12) +
		    gauss();
	ok = arima_auto(&a, z, 48, 12, err, sizeof err) == 0 &&
	    arima_forecast(&a, z, 48, 12, fc, err, sizeof err) == 0;
	t_ok(ok && a.ds.m == 12, "seasonal series adjusted");
	v = 0;
	for (i = 0; i < 12; i++)
		v += fabs(fc[i] - z[48 + i]);
	t_ok(v / 12 < 4, "seasonal forecast tracks the season");
	if (v / 12 >= 4)
		printf("# mae %g\n", v / 12);
	return t_done();
}
