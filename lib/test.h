/*
 * test: a TAP-printing helper for lib/<module>_test.c (like redis'
 * testhelp.h).  Each check prints "ok N - what" or "not ok N - what";
 * t_done() prints the plan and returns the exit status for main().
 * A test that needs ../shared data and cannot find it calls t_skip().
 */
#ifndef LK_TEST_H
#define LK_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int t__n, t__failed;

/* Record one check; returns cond so callers can stop on a failure. */
static inline int
t_ok(int cond, const char *what)
{
	t__n++;
	if (!cond)
		t__failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", t__n, what);
	fflush(stdout);
	return cond;
}

/* Like t_ok, printing both values when they differ by more than tol. */
static inline int
t_near(double got, double want, double tol, const char *what)
{
	int cond = fabs(got - want) <= tol || (isnan(got) && isnan(want));

	if (!cond)
		printf("# %s: got %.9g, want %.9g (tol %g)\n", what, got, want,
		    tol);
	return t_ok(cond, what);
}

/* A check that could not run here, with the reason. */
static inline void
t_skip(const char *what, const char *why)
{
	t__n++;
	printf("ok %d - %s # SKIP %s\n", t__n, what, why);
}

static inline int
t_done(void)
{
	printf("1..%d\n", t__n);
	return t__failed ? 1 : 0;
}

/* Directory of the shared real data, or NULL (then skip). */
static inline const char *
t_shared(void)
{
	const char *d = getenv("LK_SHARED");

	if (d == NULL)
		d = "../shared/datasets";
	return access(d, R_OK | X_OK) == 0 ? d : NULL;
}

#endif
