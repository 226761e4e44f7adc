/*
 * gradcheck: helpers shared by the NN unit tests (header only, tests only).
 * A seeded generator, and the comparison of an analytic gradient with a
 * central finite difference: the error of a whole gradient is the
 * normalised distance |a - n| / (|a| + |n|) over all checked entries
 * (the measure of ggml's test-backend-ops), accumulated in double.
 */
#ifndef LK_NN_GRADCHECK_H
#define LK_NN_GRADCHECK_H

#include <math.h>

struct gc_rng {
	unsigned long s;
};

/* Uniform in [lo, hi). */
static inline float
gc_unif(struct gc_rng *r, float lo, float hi)
{
	r->s = r->s * 6364136223846793005UL + 1442695040888963407UL;
	return lo + (hi - lo) * (float)((r->s >> 40) / 16777216.0);
}

static inline void
gc_fill(struct gc_rng *r, float *a, long n, float lo, float hi)
{
	long i;

	for (i = 0; i < n; i++)
		a[i] = gc_unif(r, lo, hi);
}

/* sum a[i] b[i] in double: the test loss L = <y, r> has dL/dy = r. */
static inline double
gc_dot(const float *a, const float *b, long n)
{
	double s = 0;
	long i;

	for (i = 0; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

/* Running sums for the normalised error. */
struct gc_err {
	double d2, a2, n2;	/* |a - n|^2, |a|^2, |n|^2 */
	long n;			/* entries compared */
};

static inline void
gc_add(struct gc_err *e, double analytic, double numeric)
{
	e->d2 += (analytic - numeric) * (analytic - numeric);
	e->a2 += analytic * analytic;
	e->n2 += numeric * numeric;
	e->n++;
}

static inline double
gc_error(const struct gc_err *e)
{
	double den = sqrt(e->a2) + sqrt(e->n2);

	return den > 0 ? sqrt(e->d2) / den : 0;
}

#endif
