/*
 * ae_bench: speed of the auto-encoder (run by `make bench`; prints
 * figures, asserts nothing).  Runs itself twice: once with the kernel
 * OpenBLAS detects (a forced OPENBLAS_CORETYPE is dropped, as the tools do)
 * and once with LK_OPENBLAS_CORETYPE=Haswell, the kernel this environment
 * forces.  Each run prints the kernel, the sgemm rate, per-layer forward
 * and backward times, training patches/s with L2 and SSIM (2 threads,
 * batch 32) and the time to score a 512x512 grey image at stride 64 (49
 * windows of 128x128 in one batch, plus the 1-SSIM maps; 64 windows with
 * a margin of 32), all medians of
 * repeats, with the CPU time beside the wall time: the host is shared, and
 * CPU time above threads x wall time means we were not alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aemap.h"
#include "nn/ae.h"
#include "nn/direct.h"
#include "nn/gemm.h"
#include "bench.h"

#define PEAK 425.0	/* GFLOP/s, FP32, 2 cores (AVX-512), measured */
#define THREADS 2
#define REPS 7

static double
median(double *v, int n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return v[n / 2];
}

static void
gemm_rate(void)
{
	int n = 1024, r, t;
	float *a = malloc(sizeof(float) * n * n), *b, *c;
	double v[REPS], t0;

	b = malloc(sizeof(float) * n * n);
	c = malloc(sizeof(float) * n * n);
	for (r = 0; r < n * n; r++)
		a[r] = b[r] = c[r] = (r % 7) * 0.1f;
	for (t = 1; t <= THREADS; t++) {
		nn_blas_set_threads(t);
		nn_gemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
		for (r = 0; r < REPS; r++) {
			t0 = bench_seconds(CLOCK_MONOTONIC);
			nn_gemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
			v[r] = bench_seconds(CLOCK_MONOTONIC) - t0;
		}
		printf("sgemm 1024^3, %d thread%s: %.0f GFLOP/s\n", t,
		    t > 1 ? "s" : "", 2.0 * n * n * n / median(v, REPS) * 1e-9);
	}
	nn_blas_set_threads(1);
	free(a);
	free(b);
	free(c);
}

/* Forward and backward of every layer on one lane, batch 16, in thread
 * CPU time. */
static void
layers(void)
{
	struct ae_config cfg;
	struct ae a;
	struct ae_lane *ln;
	char err[256];
	double vf[REPS], vb[REPS], tf = 0, tb = 0, fl, t0;
	int B = 16, l, r;
	long i, n;

	ae_config_default(&cfg, 128);
	if (ae_init(&a, &cfg, B, 1, err, sizeof err) == -1) {
		printf("%s\n", err);
		return;
	}
	ae_init_params(&a, 1);
	ln = &a.lane[0];
	for (i = 0; i < (long)B * 128 * 128; i++)
		ln->act[0][i] = (i * 7 % 13) / 13.0f;
	printf("per layer, one thread, batch %d, thread CPU time (median of "
	    "%d):\n", B, REPS);
	for (l = 0; l < a.nl; l++) {
		struct ae_layer *L = &a.L[l];

		fl = 2.0 * nn_conv_nweights(&L->c) * B * (L->c.transposed ?
		    (double)L->h * L->w : (double)L->oh * L->ow);
		n = (long)L->c.oc * B * L->oh * L->ow;
		for (r = -1; r < REPS; r++) {
			t0 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
			nn_conv_forward(&L->c, B, L->h, L->w, ln->act[l],
			    a.params + L->woff, NULL, a.params + L->boff,
			    ln->act[l + 1], 0, ln->ws, ln->wsn);
			if (r >= 0)
				vf[r] = bench_seconds(CLOCK_THREAD_CPUTIME_ID) -
				    t0;
			for (i = 0; i < n; i++)
				ln->d0[i] = 1e-3f;
			t0 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
			nn_conv_backward(&L->c, B, L->h, L->w, ln->act[l],
			    a.params + L->woff, ln->act[l + 1], ln->d0,
			    l ? ln->d1 : NULL, a.grad + L->woff,
			    a.grad + L->boff, ln->ws, ln->wsn);
			if (r >= 0)
				vb[r] = bench_seconds(CLOCK_THREAD_CPUTIME_ID) -
				    t0;
		}
		vf[0] = median(vf, REPS);
		vb[0] = median(vb, REPS);
		tf += vf[0];
		tb += vb[0];
		printf("  %-5s %s %dx%d/%d %3d->%3d %3dx%-3d %-6s fwd %6.2f ms "
		    "%4.0f GFLOP/s  bwd %6.2f ms %4.0f GFLOP/s\n", L->name,
		    L->c.transposed ? "tconv" : "conv ", L->c.k, L->c.k,
		    L->c.s, L->c.ic, L->c.oc, L->oh, L->ow,
		    nn__direct_ok(&L->c, L->h, L->w) ? "avx512" : "im2col",
		    vf[0] * 1e3, fl / vf[0] * 1e-9, vb[0] * 1e3, 2 * fl /
		    vb[0] * 1e-9);
	}
	printf("  all   fwd %.1f ms, bwd %.1f ms: %.0f GFLOP/s, %.0f "
	    "patches/s on one thread\n", tf * 1e3, tb * 1e3, 3 * ae_flops(&a)
	    * B / (tf + tb) * 1e-9, B / (tf + tb));
	ae_free(&a);
}

static void
training(void)
{
	static const double wl2[] = { 1, 0 };
	struct ae_config cfg;
	struct ae a;
	char err[256];
	double v[REPS], c[REPS], t0, c0, t;
	int B = 32, k, r;
	float *x;
	long i;

	ae_config_default(&cfg, 128);
	if (ae_init(&a, &cfg, B, THREADS, err, sizeof err) == -1) {
		printf("%s\n", err);
		return;
	}
	ae_init_params(&a, 1);
	x = malloc(sizeof(float) * B * 128 * 128);
	for (i = 0; i < (long)B * 128 * 128; i++)
		x[i] = 0.5f + 0.3f * (float)((i * 7919 % 1000) / 1000.0 - 0.5);
	for (k = 0; k < 2; k++) {
		ae_train_step(&a, B, x, wl2[k]);	/* warm up */
		for (r = 0; r < REPS; r++) {
			t0 = bench_seconds(CLOCK_MONOTONIC);
			c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
			ae_train_step(&a, B, x, wl2[k]);
			v[r] = bench_seconds(CLOCK_MONOTONIC) - t0;
			c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
		t = median(v, REPS);
		printf("train %-4s %d threads, batch %d: %6.1f ms/step "
		    "(cpu %5.1f ms), %4.0f patches/s, %4.0f GFLOP/s = %2.0f%% "
		    "of peak\n", k ? "SSIM" : "L2", THREADS, B, t * 1e3,
		    median(c, REPS) * 1e3, B / t, 3 * ae_flops(&a) * B / t *
		    1e-9, 3 * ae_flops(&a) * B / t * 1e-9 / PEAK * 100);
	}
	free(x);
	ae_free(&a);
}

static void
scoring(void)
{
	struct ae_config cfg;
	struct img im = { 512, 512, 1, NULL };
	struct aemap m;
	struct ae a;
	char err[256];
	double v[REPS], c[REPS], t0, c0, t;
	float *map = malloc(sizeof(float) * 512 * 512);
	int r, k, nwin, res[] = { AEMAP_SSIM, AEMAP_L2, AEMAP_L2 };
	long i;

	ae_config_default(&cfg, 128);
	if (ae_init(&a, &cfg, 64, THREADS, err, sizeof err) == -1) {
		printf("%s\n", err);
		return;
	}
	ae_init_params(&a, 1);
	im.data = malloc(sizeof(float) * 512 * 512);
	for (i = 0; i < 512 * 512; i++)
		im.data[i] = 0.5f + 0.3f * (float)((i * 7919 % 1000) / 1000.0 -
		    0.5);
	/* without a margin (the default), as the peers score; then with a
	 * quarter of the patch */
	for (k = 0; k < 3; k++) {
		if (aemap_init(&m, &a, 64, res[k], AEMAP_STITCH, err,
		    sizeof err) == -1)
			break;
		m.margin = k < 2 ? 0 : cfg.patch / 4;
		nwin = aemap_positions(512 + 2 * m.margin, cfg.patch, 64, NULL,
		    0);
		nwin *= nwin;
		aemap_run(&m, &im, map, map, err, sizeof err);
		for (r = 0; r < REPS; r++) {
			t0 = bench_seconds(CLOCK_MONOTONIC);
			c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
			aemap_run(&m, &im, map, map, err, sizeof err);
			v[r] = bench_seconds(CLOCK_MONOTONIC) - t0;
			c[r] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
		t = median(v, REPS);
		printf("score 512x512 grey, stride 64, margin %d (%d windows, "
		    "stitched), %s map, %d threads: %.1f ms (cpu %.1f ms), "
		    "%.0f GFLOP/s\n", m.margin, nwin, k ? "L2" : "1-SSIM",
		    THREADS, t * 1e3, median(c, REPS) * 1e3, nwin *
		    ae_flops(&a) / t * 1e-9);
		aemap_free(&m);
	}
	free(im.data);
	free(map);
	ae_free(&a);
}

int
main(int argc, char *argv[])
{
	const char *e;
	char cmd[4096];
	int direct;

	if (argc == 2 && strcmp(argv[1], "--run") == 0) {
		nn_blas_best_kernel(argv);
		e = getenv("LK_NN_DIRECT");
		direct = nn__direct_enable(e == NULL || *e != '0');
		e = getenv("OPENBLAS_CORETYPE");
		printf("-- OpenBLAS kernel %s (OPENBLAS_CORETYPE=%s), AVX-512 "
		    "convolutions %s, peak %.0f GFLOP/s on %d cores\n",
		    nn_blas_corename(), e ? e : "unset", direct ? "on" : "off",
		    PEAK, THREADS);
		fflush(stdout);
		gemm_rate();
		layers();
		training();
		scoring();
		return 0;
	}
	snprintf(cmd, sizeof cmd, "env -u LK_OPENBLAS_CORETYPE '%s' --run && "
	    "env LK_OPENBLAS_CORETYPE=Haswell '%s' --run", argv[0], argv[0]);
	fflush(stdout);
	return system(cmd) == 0 ? 0 : 1;
}
