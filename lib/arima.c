/*
 * arima: estimation and forecasting (see arima.h).  Parameters live in an
 * unconstrained vector b = (u_phi (p), u_theta (q), b_mu (cst)): phi are
 * the AR coefficients with partial autocorrelations tanh(u_phi), theta
 * the negated ones of tanh(u_theta) (so 1 + theta_1 z + ... has its roots
 * outside the unit circle), mu = mean(w) + sd(w) b_mu.  CSS is minimised
 * by Levenberg-Marquardt on the residual vector; the exact likelihood is
 * the Kalman filter of Harvey's state-space form (Harvey 1989, sec. 3.3;
 * initial state covariance from the Lyapunov equation solved with
 * LAPACKE) maximised by BFGS with central-difference gradients (Nocedal
 * and Wright, Numerical Optimization, alg. 6.1).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "arima.h"
#include "util.h"

#define MAXR (ARIMA_MAXP > ARIMA_MAXQ + 1 ? ARIMA_MAXP : ARIMA_MAXQ + 1)
#define MAXK (ARIMA_MAXP + ARIMA_MAXQ + 1)
#define KPSS_5PCT 0.463		/* level stationarity, Kwiatkowski 1992 */
#define KAPMAX 0.995		/* partial autocorrelations stay inside */
#define KAPNEAR 0.99		/* the search drops models beyond this */

/* One model's objective: w the differenced series. */
struct obj {
	const double *w;	/* (n) */
	size_t n, ncond;	/* CSS conditions on w[0..ncond) */
	int p, q, cst, k;	/* k = p + q + cst parameters */
	double wm, ws;		/* mean and scale of w, for mu */
	double *e;		/* (n) residual workspace */
};

/* AR coefficients a[0..k) from partial autocorrelations c (Levinson). */
static void
pacf_to_ar(const double *c, int k, double *a)
{
	double prev[MAXR];
	int i, j;

	for (j = 0; j < k; j++) {
		memcpy(prev, a, (size_t)j * sizeof *a);
		a[j] = c[j];
		for (i = 0; i < j; i++)
			a[i] = prev[i] - c[j] * prev[j - 1 - i];
	}
}

/* The inverse; -1 when a is not stationary. */
static int
ar_to_pacf(const double *a0, int k, double *c)
{
	double a[MAXR], prev[MAXR], kap;
	int i, j;

	memcpy(a, a0, (size_t)k * sizeof *a);
	for (j = k - 1; j >= 0; j--) {
		kap = c[j] = a[j];
		if (!(fabs(kap) < 1))
			return -1;
		memcpy(prev, a, (size_t)j * sizeof *a);
		for (i = 0; i < j; i++)
			a[i] = (prev[i] + kap * prev[j - 1 - i]) /
			    (1 - kap * kap);
	}
	return 0;
}

static void
unpack(const struct obj *o, const double *b, double *phi, double *theta,
    double *mu)
{
	double c[MAXR];
	int i;

	for (i = 0; i < o->p; i++)
		c[i] = KAPMAX * tanh(b[i]);
	pacf_to_ar(c, o->p, phi);
	for (i = 0; i < o->q; i++)
		c[i] = KAPMAX * tanh(b[o->p + i]);
	pacf_to_ar(c, o->q, theta);
	for (i = 0; i < o->q; i++)
		theta[i] = -theta[i];
	*mu = o->cst ? o->wm + o->ws * b[o->p + o->q] : 0;
}

/* CSS residuals into r[ncond..n) (0 before); returns their sum of squares. */
static double
css(const struct obj *o, const double *b, double *r)
{
	double phi[MAXR], theta[MAXR], mu, v, s = 0;
	size_t t;
	int i;

	unpack(o, b, phi, theta, &mu);
	for (t = 0; t < o->ncond; t++)
		r[t] = 0;
	for (t = o->ncond; t < o->n; t++) {
		v = o->w[t] - mu;
		for (i = 0; i < o->p; i++)
			v -= phi[i] * (o->w[t - 1 - (size_t)i] - mu);
		for (i = 0; i < o->q && (size_t)i < t; i++)
			v -= theta[i] * r[t - 1 - (size_t)i];
		r[t] = v;
		s += v * v;
	}
	return s;
}

/*
 * Levenberg-Marquardt on the CSS residuals from b; b updated in place.
 * J is an (n, k) workspace, r2 an (n) one.  Returns the final SSE.
 */
static double
css_fit(const struct obj *o, double *b, double *J, double *r2)
{
	double A[MAXK * MAXK], g[MAXK], bt[MAXK], sse, snew, h, lam = 1e-3;
	size_t t, N = o->n - o->ncond;
	int i, j, it, k = o->k, tries;

	sse = css(o, b, o->e);
	if (k == 0)
		return sse;
	for (it = 0; it < 100; it++) {
		for (j = 0; j < k; j++) {
			memcpy(bt, b, (size_t)k * sizeof *b);
			h = 1e-6 * (fabs(b[j]) + 1);
			bt[j] += h;
			css(o, bt, r2);
			for (t = 0; t < N; t++)
				J[t * (size_t)k + (size_t)j] = (r2[o->ncond + t] -
				    o->e[o->ncond + t]) / h;
		}
		for (i = 0; i < k; i++) {
			g[i] = 0;
			for (t = 0; t < N; t++)
				g[i] += J[t * (size_t)k + (size_t)i] *
				    o->e[o->ncond + t];
			for (j = 0; j <= i; j++) {
				double s = 0;

				for (t = 0; t < N; t++)
					s += J[t * (size_t)k + (size_t)i] *
					    J[t * (size_t)k + (size_t)j];
				A[i * k + j] = A[j * k + i] = s;
			}
		}
		for (tries = 0; tries < 12; tries++) {
			double M[MAXK * MAXK];

			memcpy(M, A, sizeof M);
			for (i = 0; i < k; i++) {
				M[i * k + i] += lam * A[i * k + i] + 1e-12;
				bt[i] = -g[i];
			}
			if (LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', k, 1, M, k,
			    bt, 1) != 0) {
				lam *= 10;
				continue;
			}
			for (i = 0; i < k; i++)
				bt[i] += b[i];
			snew = css(o, bt, r2);
			if (isfinite(snew) && snew <= sse)
				break;
			lam *= 10;
		}
		if (tries == 12)
			break;
		memcpy(b, bt, (size_t)k * sizeof *b);
		memcpy(o->e, r2, o->n * sizeof *r2);
		lam = lam / 10 > 1e-9 ? lam / 10 : 1e-9;
		if (sse - snew <= 1e-10 * sse) {
			sse = snew;
			break;
		}
		sse = snew;
	}
	return sse;
}

/*
 * Kalman filter of the ARMA model over w[0..n): sum of v^2/F into *ssq,
 * sum of log F into *slog, and the one-step predicted state after the
 * last value into a (r).  -1 if the initial covariance cannot be solved.
 */
static int
kalman(const double *phi, int p, const double *theta, int q, double mu,
    const double *w, size_t n, double *ssq, double *slog, double *a,
    int *rout)
{
	double T[MAXR], R[MAXR], P[MAXR * MAXR], B[MAXR * MAXR];
	double M[MAXR * MAXR * MAXR * MAXR], Q[MAXR * MAXR], v, F, K[MAXR];
	double P0[MAXR];
	lapack_int piv[MAXR * MAXR];
	int r = p > q + 1 ? p : q + 1, r2, i, j, k, l;
	size_t t;

	*rout = r;
	r2 = r * r;
	for (i = 0; i < r; i++) {
		T[i] = i < p ? phi[i] : 0;
		R[i] = i == 0 ? 1 : i - 1 < q ? theta[i - 1] : 0;
		a[i] = 0;
	}
	/* P = T P T' + R R': (I - T (x) T) vec P = vec R R' */
	for (i = 0; i < r; i++)
		for (j = 0; j < r; j++) {
			Q[i * r + j] = R[i] * R[j];
			for (k = 0; k < r; k++)
				for (l = 0; l < r; l++) {
					/* T[i][k]: phi in column 0, 1 above */
					double tik = k == 0 ? T[i] :
					    k == i + 1 ? 1 : 0;
					double tjl = l == 0 ? T[j] :
					    l == j + 1 ? 1 : 0;

					M[(i * r + j) * r2 + k * r + l] =
					    (i == k && j == l) - tik * tjl;
				}
		}
	if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, r2, 1, M, r2, piv, Q, 1) != 0)
		return -1;
	memcpy(P, Q, (size_t)r2 * sizeof *P);
	*ssq = *slog = 0;
	for (t = 0; t < n; t++) {
		F = P[0];
		if (!(F > 0))
			return -1;
		v = w[t] - mu - a[0];
		*ssq += v * v / F;
		*slog += log(F);
		for (i = 0; i < r; i++) {
			K[i] = P[i * r] / F;
			P0[i] = P[i];
		}
		for (i = 0; i < r; i++) {
			a[i] += K[i] * v;
			for (j = 0; j < r; j++)
				P[i * r + j] -= K[i] * P0[j];
		}
		/* a = T a; P = T P T' + R R' */
		v = a[0];
		for (i = 0; i < r; i++)
			a[i] = T[i] * v + (i + 1 < r ? a[i + 1] : 0);
		for (i = 0; i < r; i++)
			for (j = 0; j < r; j++)
				B[i * r + j] = T[i] * P[j] + (i + 1 < r ?
				    P[(i + 1) * r + j] : 0);
		for (i = 0; i < r; i++)
			for (j = 0; j < r; j++)
				P[i * r + j] = B[i * r] * T[j] + (j + 1 < r ?
				    B[i * r + j + 1] : 0) + R[i] * R[j];
	}
	return 0;
}

/* Negative concentrated log-likelihood (constants dropped). */
static double
nll(const struct obj *o, const double *b)
{
	double phi[MAXR], theta[MAXR], mu, ssq, slog, a[MAXR];
	int r;

	unpack(o, b, phi, theta, &mu);
	if (kalman(phi, o->p, theta, o->q, mu, o->w, o->n, &ssq, &slog, a,
	    &r) == -1 || !(ssq > 0))
		return HUGE_VAL;
	return 0.5 * ((double)o->n * log(ssq / (double)o->n) + slog);
}

static void
grad(const struct obj *o, const double *b, double *g)
{
	double bt[MAXK], h = 1e-5;
	int j;

	memcpy(bt, b, (size_t)o->k * sizeof *b);
	for (j = 0; j < o->k; j++) {
		bt[j] = b[j] + h;
		g[j] = nll(o, bt);
		bt[j] = b[j] - h;
		g[j] = (g[j] - nll(o, bt)) / (2 * h);
		bt[j] = b[j];
	}
}

/* BFGS on nll from b (updated in place); returns the minimum. */
static double
ml_fit(const struct obj *o, double *b)
{
	double H[MAXK * MAXK], g[MAXK], gn[MAXK], d[MAXK], bn[MAXK];
	double s[MAXK], y[MAXK], Hy[MAXK], f, fn, step, sy, yHy, gd;
	int i, j, it, k = o->k;

	f = nll(o, b);
	if (k == 0 || !isfinite(f))
		return f;
	grad(o, b, g);
	for (i = 0; i < k * k; i++)
		H[i] = i % (k + 1) == 0;
	for (it = 0; it < 100; it++) {
		gd = 0;
		for (i = 0; i < k; i++) {
			d[i] = 0;
			for (j = 0; j < k; j++)
				d[i] -= H[i * k + j] * g[j];
			gd += d[i] * g[i];
		}
		if (gd >= 0) {		/* not a descent direction: reset */
			for (i = 0; i < k * k; i++)
				H[i] = i % (k + 1) == 0;
			for (i = 0; i < k; i++)
				d[i] = -g[i];
			gd = 0;
			for (i = 0; i < k; i++)
				gd -= g[i] * g[i];
		}
		for (step = 1; step > 1e-10; step /= 2) {
			for (i = 0; i < k; i++)
				bn[i] = b[i] + step * d[i];
			fn = nll(o, bn);
			if (fn <= f + 1e-4 * step * gd)
				break;
		}
		if (step <= 1e-10)
			break;
		grad(o, bn, gn);
		sy = 0;
		for (i = 0; i < k; i++) {
			s[i] = bn[i] - b[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
		}
		memcpy(b, bn, (size_t)k * sizeof *b);
		memcpy(g, gn, (size_t)k * sizeof *g);
		if (f - fn < 1e-10 * (fabs(f) + 1)) {
			f = fn;
			break;
		}
		f = fn;
		if (sy <= 1e-12)
			continue;
		/* H += (1 + y'Hy/s'y) ss'/s'y - (Hy s' + s y'H)/s'y */
		yHy = 0;
		for (i = 0; i < k; i++) {
			Hy[i] = 0;
			for (j = 0; j < k; j++)
				Hy[i] += H[i * k + j] * y[j];
			yHy += y[i] * Hy[i];
		}
		for (i = 0; i < k; i++)
			for (j = 0; j < k; j++)
				H[i * k + j] += (1 + yHy / sy) * s[i] * s[j] /
				    sy - (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
	}
	return f;
}

/*
 * Is a partial autocorrelation of the AR or MA part near +-1 (a root
 * near the unit circle)?  auto.arima drops such models the same way: a
 * unit AR root asks for differencing, a unit MA root for less.
 */
static int
near_boundary(const double *b, int k)
{
	int i;

	for (i = 0; i < k; i++)
		if (fabs(KAPMAX * tanh(b[i])) > KAPNEAR)
			return 1;
	return 0;
}

/* w = d-times differenced x; returns its length. */
static size_t
difference(const double *x, size_t n, int d, double *w)
{
	size_t t, m = n;
	int j;

	memcpy(w, x, n * sizeof *w);
	for (j = 0; j < d && m > 0; j++) {
		for (t = 0; t + 1 < m; t++)
			w[t] = w[t + 1] - w[t];
		m--;
	}
	return m;
}

static void
mean_sd(const double *w, size_t n, double *m, double *s)
{
	double a = 0, v = 0;
	size_t t;

	for (t = 0; t < n; t++)
		a += w[t];
	a = n ? a / (double)n : 0;
	for (t = 0; t < n; t++)
		v += (w[t] - a) * (w[t] - a);
	*m = a;
	*s = n > 1 ? sqrt(v / (double)(n - 1)) : 0;
}

static void
obj_init(struct obj *o, const double *w, size_t n, int p, int q, int cst,
    size_t ncond, double *e)
{
	o->w = w;
	o->n = n;
	o->p = p;
	o->q = q;
	o->cst = cst;
	o->k = p + q + cst;
	o->ncond = ncond;
	o->e = e;
	mean_sd(w, n, &o->wm, &o->ws);
	if (!(o->ws > 0))
		o->ws = 1;
}

/* Store b's coefficients and the ML figures in a. */
static void
store(struct arima *a, const struct obj *o, const double *b, double f)
{
	double ssq, slog, st[MAXR];
	int r;

	unpack(o, b, a->phi, a->theta, &a->mu);
	if (kalman(a->phi, o->p, a->theta, o->q, a->mu, o->w, o->n, &ssq,
	    &slog, st, &r) == 0 && o->n > 0) {
		a->sigma2 = ssq / (double)o->n;
		a->loglik = -(f + 0.5 * (double)o->n * (log(2 * M_PI) + 1));
	} else {
		a->sigma2 = 0;
		a->loglik = NAN;
	}
}

int
arima_fit(struct arima *a, const double *y, size_t n, char *err,
    size_t errlen)
{
	double b[MAXK] = { 0 }, *w, *e, *J, *r2, f;
	size_t nw;
	struct obj o;
	int k = a->p + a->q + a->cst;

	if (a->p < 0 || a->p > ARIMA_MAXP || a->q < 0 || a->q > ARIMA_MAXQ ||
	    a->d < 0 || a->d > ARIMA_MAXD) {
		seterr(err, errlen, "order (%d,%d,%d) out of range", a->p, a->d,
		    a->q);
		return -1;
	}
	if (n < (size_t)(a->d + a->p + k + 2)) {
		seterr(err, errlen, "%zu values are too few for ARIMA(%d,%d,%d)",
		    n, a->p, a->d, a->q);
		return -1;
	}
	if ((w = malloc(n * (4 + (size_t)k) * sizeof *w)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	e = w + n;
	r2 = e + n;
	J = r2 + n;
	memset(&a->ds, 0, sizeof a->ds);
	nw = difference(y, n, a->d, w);
	obj_init(&o, w, nw, a->p, a->q, a->cst, (size_t)a->p, e);
	css_fit(&o, b, J, r2);
	f = ml_fit(&o, b);
	store(a, &o, b, f);
	a->aicc = NAN;
	free(w);
	return 0;
}

double
arima_loglik(const struct arima *a, const double *w, size_t n)
{
	double ssq, slog, st[MAXR], s2, c[MAXR];
	int r;

	if (ar_to_pacf(a->phi, a->p, c) == -1 ||
	    kalman(a->phi, a->p, a->theta, a->q, a->cst ? a->mu : 0, w, n,
	    &ssq, &slog, st, &r) == -1 || n == 0)
		return NAN;
	s2 = a->sigma2 > 0 ? a->sigma2 : ssq / (double)n;
	return -0.5 * ((double)n * log(2 * M_PI * s2) + slog + ssq / s2);
}

double
arima_kpss(const double *y, size_t n)
{
	double m, sd, s = 0, num = 0, lrv = 0, c;
	size_t t, j, l;

	if (n < 2)
		return 0;
	mean_sd(y, n, &m, &sd);
	for (t = 0; t < n; t++) {
		s += y[t] - m;
		num += s * s;
		lrv += (y[t] - m) * (y[t] - m);
	}
	l = (size_t)(4 * pow((double)n / 100, 0.25));
	for (j = 1; j <= l && j < n; j++) {
		c = 0;
		for (t = j; t < n; t++)
			c += (y[t] - m) * (y[t - j] - m);
		lrv += 2 * (1 - (double)j / (double)(l + 1)) * c;
	}
	lrv /= (double)n;
	if (!(lrv > 1e-300))
		return 0;
	return num / ((double)n * (double)n) / lrv;
}

int
arima_auto(struct arima *a, const double *y, size_t n, int m, char *err,
    size_t errlen)
{
	double *x, *w, *e, *J, *r2, b[MAXK], best_b[MAXK], sse, aicc, wm, ws;
	double best = HUGE_VAL, f;
	size_t t, nw, N;
	int p, q, c, k, d = 0, bp = 0, bq = 0, bc = 0;
	struct obj o;

	memset(a, 0, sizeof *a);
	a->aicc = NAN;
	if (n == 0) {
		seterr(err, errlen, "empty series");
		return -1;
	}
	if ((x = malloc(n * (4 + MAXK) * sizeof *x)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	w = x + n;
	e = w + n;
	r2 = e + n;
	J = r2 + n;
	if (m > 1)
		ds_fit(&a->ds, y, n, m);
	for (t = 0; t < n; t++)
		x[t] = ds_adjust(&a->ds, t, y[t]);
	nw = n;
	memcpy(w, x, n * sizeof *w);
	while (d < ARIMA_MAXD && nw > 5 && arima_kpss(w, nw) > KPSS_5PCT) {
		d++;
		nw = difference(x, n, d, w);
	}
	a->d = d;
	mean_sd(w, nw, &wm, &ws);
	if (n < 3) {
		/* too short to search: the naive forecast, or the one value */
		a->d = n > 1;
		a->cst = n == 1;
		a->mu = x[0];
		free(x);
		return 0;
	}
	if (!(ws > 1e-9 * (fabs(wm) + 1))) {
		/* constant differenced series: its mean, or its exact trend */
		a->cst = d <= 1 && wm != 0;
		a->mu = a->cst ? wm : 0;
		free(x);
		return 0;
	}
	for (c = 0; c <= (d < 2); c++)
		for (p = 0; p <= 2; p++)
			for (q = 0; q <= 2; q++) {
				k = p + q + c;
				if (nw < 2)
					continue;
				N = nw - 2;	/* common conditioning sample */
				if ((double)N - k - 2 < 1)
					continue;
				obj_init(&o, w, nw, p, q, c, 2, e);
				memset(b, 0, sizeof b);
				sse = css_fit(&o, b, J, r2);
				if (!(sse > 0) || !isfinite(sse) ||
				    near_boundary(b, k - c))
					continue;
				aicc = (double)N * log(sse / (double)N) +
				    2.0 * (k + 1) + 2.0 * (k + 1) * (k + 2) /
				    ((double)N - k - 2);
				if (aicc < best) {
					best = aicc;
					bp = p;
					bq = q;
					bc = c;
					memcpy(best_b, b, sizeof b);
				}
			}
	if (best == HUGE_VAL) {
		a->cst = d <= 1;
		a->mu = d <= 1 ? wm : 0;
		free(x);
		return 0;
	}
	a->p = bp;
	a->q = bq;
	a->cst = bc;
	a->aicc = best;
	obj_init(&o, w, nw, bp, bq, bc, 0, e);
	memcpy(b, best_b, sizeof b);
	f = ml_fit(&o, b);
	if (!isfinite(f)) {
		memcpy(b, best_b, sizeof b);
		f = nll(&o, b);
	}
	store(a, &o, b, f);
	free(x);
	return 0;
}

int
arima_forecast(const struct arima *a, const double *y, size_t n, size_t h,
    double *out, char *err, size_t errlen)
{
	double *x, *w, st[MAXR], ssq, slog, last[ARIMA_MAXD + 1], v, nv;
	double T[MAXR];
	size_t t, nw, i;
	int r, j, d = a->d;

	if (n < (size_t)d + 1) {
		seterr(err, errlen, "%zu values are too few to forecast with "
		    "d = %d", n, d);
		return -1;
	}
	if ((x = malloc(2 * n * sizeof *x)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	w = x + n;
	for (t = 0; t < n; t++)
		x[t] = ds_adjust(&a->ds, t, y[t]);
	/* last value of each differencing level: last[j] of level j */
	for (j = 0; j <= d; j++) {
		nw = difference(x, n, j, w);
		last[j] = w[nw - 1];
	}
	nw = difference(x, n, d, w);
	memset(st, 0, sizeof st);
	r = 1;
	if ((a->p > 0 || a->q > 0) && nw > 0 && kalman(a->phi, a->p, a->theta,
	    a->q, a->cst ? a->mu : 0, w, nw, &ssq, &slog, st, &r) == -1) {
		free(x);
		seterr(err, errlen, "model not stationary");
		return -1;
	}
	for (i = 0; i < (size_t)r; i++)
		T[i] = (int)i < a->p ? a->phi[i] : 0;
	for (i = 0; i < h; i++) {
		/* next differenced value, then integrate level by level */
		nv = st[0] + (a->cst ? a->mu : 0);
		v = st[0];
		for (j = 0; j < r; j++)
			st[j] = T[j] * v + (j + 1 < r ? st[j + 1] : 0);
		last[d] = nv;
		for (j = d - 1; j >= 0; j--) {
			last[j] += last[j + 1];
		}
		out[i] = ds_restore(&a->ds, n + i, last[0]);
	}
	free(x);
	return 0;
}
