/*
 * gemm_test: OpenBLAS sgemm (nn_gemm) against the naive reference on random
 * shapes, every transpose combination, odd sizes, padded leading dimensions
 * and several alpha/beta; and the kernel re-exec of nn_blas_best_kernel().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gemm.h"
#include "test.h"

static unsigned long rng = 12345;

static float
urand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (float)((rng >> 40) / 16777216.0 * 2 - 1);	/* [-1, 1) */
}

/* One random product; returns the error normalised by |alpha| K + |beta|. */
static double
one_case(int ta, int tb, int M, int N, int K, float alpha, float beta)
{
	int lda = (ta ? M : K) + (int)(rng % 3), ldb = (tb ? K : N) + 1;
	int ldc = N + (int)(rng % 2);
	long na = (long)(ta ? K : M) * lda, nb = (long)(tb ? N : K) * ldb;
	long nc = (long)M * ldc, i;
	float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
	float *c = malloc(nc * sizeof *c), *r = malloc(nc * sizeof *r);
	double e = 0;

	for (i = 0; i < na; i++)
		a[i] = urand();
	for (i = 0; i < nb; i++)
		b[i] = urand();
	for (i = 0; i < nc; i++)
		c[i] = r[i] = urand();
	nn_gemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
	nn_gemm_ref(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, r, ldc);
	for (i = 0; i < nc; i++)
		e = fmax(e, fabs((double)c[i] - r[i]));
	free(a);
	free(b);
	free(c);
	free(r);
	return e / (fabs(alpha) * (K > 0 ? K : 1) + fabs(beta));
}

/* The kernel a child reports when run with the given environment. */
static void
child_core(const char *self, const char *env, char *out, size_t len)
{
	char cmd[4096];
	FILE *p;

	*out = '\0';
	snprintf(cmd, sizeof cmd, "env -u LK_OPENBLAS_CORETYPE %s '%s' "
	    "--corename", env, self);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	if (fgets(out, (int)len, p) != NULL)
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

int
main(int argc, char *argv[])
{
	static const float ab[][2] = { { 1, 0 }, { 0.5f, 1 }, { -2, 0.25f } };
	char what[128], core[64];
	double worst = 0, e;
	int t, i, M, N, K, fails = 0;

	if (argc == 2 && strcmp(argv[1], "--corename") == 0) {
		nn_blas_best_kernel(argv);
		puts(nn_blas_corename());
		return 0;
	}
	for (t = 0; t < 4; t++)
		for (i = 0; i < 12; i++) {
			M = 1 + (int)((unsigned)rng % 97);
			N = 1 + (int)((rng >> 20) % 131);
			K = (int)((rng >> 33) % 67);
			if (i == 0)
				M = 1, N = 1, K = 1;
			if (i == 1)
				M = 64, N = 4097, K = 33;	/* conv-like */
			e = one_case(t & 1, t >> 1, M, N, K,
			    ab[i % 3][0], ab[i % 3][1]);
			worst = fmax(worst, e);
			if (e > 1e-6) {
				fails++;
				printf("# ta %d tb %d M %d N %d K %d: err %g\n",
				    t & 1, t >> 1, M, N, K, e);
			}
			urand();
		}
	snprintf(what, sizeof what, "sgemm matches the reference on 48 "
	    "random shapes (worst normalised error %.2g)", worst);
	t_ok(fails == 0, what);

	/* a deliberately wrong transpose must be caught by the measure */
	t_ok(one_case(0, 0, 7, 7, 7, 1, 0) < 1e-6, "square case agrees");
	{
		float a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 0, 0, 1 }, c[4], r[4];

		nn_gemm(1, 0, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
		nn_gemm_ref(0, 0, 2, 2, 2, 1, a, 2, b, 2, 0, r, 2);
		t_ok(c[1] == 3 && r[1] == 2, "transpose flag is honoured");
	}

	child_core(argv[0], "OPENBLAS_CORETYPE=Haswell "
	    "LK_OPENBLAS_CORETYPE=Prescott", core, sizeof core);
	t_ok(strcmp(core, "Prescott") == 0,
	    "LK_OPENBLAS_CORETYPE replaces a forced kernel");
	child_core(argv[0], "OPENBLAS_CORETYPE=Prescott", core, sizeof core);
	t_ok(*core != '\0' && strcmp(core, "Prescott") != 0,
	    "a forced OPENBLAS_CORETYPE is dropped for detection");
	return t_done();
}
