/*
 * arima_bench: time of the automatic ARIMA search, fit and 18-step
 * forecast per series, on the training parts of the 808 M3 monthly
 * series (../shared/datasets/demand), one thread; median of 3 passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arima.h"
#include "nn/gemm.h"
#include "series.h"
#include "test.h"
#include "bench.h"

static int
quiet(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
	return -1;
}

/*
 * The training part: the shared file numbers each test part's months
 * from the wrong start, leaving a gap after the training months, which
 * the reader fills; the training part ends at the first filled month
 * (or 18 before the end where there is no gap).
 */
static size_t
train_len(const struct series *s)
{
	size_t t;

	for (t = 0; t < s->n; t++)
		if (s->filled[t])
			return t;
	return s->n - 18;
}

int
main(void)
{
	const char *dir = t_shared();
	char path[512], err[256];
	double fc[18], t[3], c[3], sum = 0;
	struct ser_opts o;
	struct ser_set set;
	struct arima a;
	size_t i, npts = 0;
	int r;

	if (dir == NULL) {
		printf("arima_bench: SKIP: no shared datasets\n");
		return 0;
	}
	snprintf(path, sizeof path, "%s/demand/m3-monthly.csv", dir);
	ser_opts_init(&o);
	o.target = "sales";
	o.time = "month";
	if (ser_read(&set, path, &o, quiet, NULL, err, sizeof err) == -1) {
		fprintf(stderr, "arima_bench: %s\n", err);
		return 1;
	}
	nn_blas_set_threads(1);
	for (r = 0; r < 3; r++) {
		t[r] = bench_seconds(CLOCK_MONOTONIC);
		c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
		for (i = 0; i < set.ns; i++) {
			size_t n = train_len(&set.s[i]);

			if (arima_auto(&a, set.s[i].y, n, 12, err,
			    sizeof err) == -1 || arima_forecast(&a, set.s[i].y,
			    n, 18, fc, err, sizeof err) == -1) {
				fprintf(stderr, "arima_bench: %s\n", err);
				return 1;
			}
			sum += fc[17];
			npts += r == 0 ? n : 0;
		}
		t[r] = bench_seconds(CLOCK_MONOTONIC) - t[r];
		c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c[r];
	}
	qsort(t, 3, sizeof t[0], bench_cmp_double);
	qsort(c, 3, sizeof c[0], bench_cmp_double);
	printf("arima_bench: auto-ARIMA (seasonal test, KPSS, 18-model CSS "
	    "search, ML refit) + 18-step forecast\n");
	printf("  %zu M3 monthly series, %.0f points each on average; "
	    "OpenBLAS %s, 1 thread\n", set.ns, (double)npts / (double)set.ns,
	    nn_blas_corename());
	printf("  %.2f ms per series wall, %.2f ms CPU (medians of 3; "
	    "target <= 20 ms)  [checksum %.6g]\n", 1e3 * t[1] /
	    (double)set.ns, 1e3 * c[1] / (double)set.ns, sum);
	ser_free(&set);
	return 0;
}
