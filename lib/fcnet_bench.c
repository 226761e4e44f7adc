/*
 * fcnet_bench: time to train and predict one series with the issue's
 * workload: LSTM hidden 32, one layer, 120 monthly points, window 24,
 * 100 epochs (no early stopping), 18-step head; on the last 120 training
 * months of the M3 series that have them (../shared/datasets/demand),
 * one thread, median of 3 passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fcnet.h"
#include "nn/gemm.h"
#include "series.h"
#include "test.h"
#include "bench.h"

#define NPTS 120
#define NSER 40

static int
stop(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
	return -1;
}

int
main(void)
{
	const char *dir = t_shared();
	char path[512], err[256];
	double fc[18], t[3], c[3], sum = 0;
	const double *use[NSER];
	struct ser_opts o;
	struct ser_set set;
	struct fc_work w = { 0 };
	struct fc_model m;
	struct fc_cfg cfg;
	size_t i, j, k, nuse = 0;
	int r;

	if (dir == NULL) {
		printf("fcnet_bench: SKIP: no shared datasets\n");
		return 0;
	}
	snprintf(path, sizeof path, "%s/demand/m3-monthly.csv", dir);
	ser_opts_init(&o);
	o.target = "sales";
	o.time = "month";
	if (ser_read(&set, path, &o, stop, NULL, err, sizeof err) == -1) {
		fprintf(stderr, "fcnet_bench: %s\n", err);
		return 1;
	}
	/* the training part ends at the gap before the misdated test part */
	for (i = 0; i < set.ns && nuse < NSER; i++) {
		for (k = 0; k < set.s[i].n && !set.s[i].filled[k]; k++)
			;
		if (k >= NPTS)
			use[nuse++] = set.s[i].y + k - NPTS;
	}
	nn_blas_set_threads(1);
	fc_cfg_init(&cfg);
	cfg.horizon = 18;
	cfg.val = -1;		/* all 100 epochs */
	for (r = 0; r < 3; r++) {
		t[r] = bench_seconds(CLOCK_MONOTONIC);
		c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
		for (j = 0; j < nuse; j++) {
			if (fc_train(&m, &cfg, use[j], NULL, NPTS, NULL, NPTS,
			    0, 0, 0, &w, err, sizeof err) == -1 ||
			    fc_predict(&m, use[j], NPTS, NULL, NPTS, 0, 18, fc,
			    NULL, &w, err, sizeof err) == -1) {
				fprintf(stderr, "fcnet_bench: %s\n", err);
				return 1;
			}
			sum += fc[17];
			fc_free(&m);
		}
		t[r] = bench_seconds(CLOCK_MONOTONIC) - t[r];
		c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c[r];
	}
	qsort(t, 3, sizeof t[0], bench_cmp_double);
	qsort(c, 3, sizeof c[0], bench_cmp_double);
	printf("fcnet_bench: LSTM hidden %d, %d layer, %d points, window %d, "
	    "%d epochs, %d-step head: train + predict\n", cfg.hidden,
	    cfg.layers, NPTS, cfg.window, cfg.epochs, cfg.horizon);
	printf("  %zu M3 monthly series; OpenBLAS %s, 1 thread\n", nuse,
	    nn_blas_corename());
	printf("  %.2f ms per series wall, %.2f ms CPU (medians of 3; "
	    "target <= 20 ms)  [checksum %.6g]\n", 1e3 * t[1] / (double)nuse,
	    1e3 * c[1] / (double)nuse, sum);
	fc_work_free(&w);
	ser_free(&set);
	return 0;
}
