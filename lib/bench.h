/*
 * bench: the timing helpers the lib/<module>_bench.c programs share.
 * Benchmarks print figures and assert nothing; they report medians of
 * repeated runs because the host is shared.
 */
#ifndef LK_BENCH_H
#define LK_BENCH_H

#include <time.h>

/* Seconds on the given clock: CLOCK_MONOTONIC for wall time, or a CPU
 * clock (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID). */
static inline double
bench_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort comparator for doubles, ascending; for medians. */
static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
