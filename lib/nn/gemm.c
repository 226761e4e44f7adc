/*
 * gemm: OpenBLAS sgemm wrapper and the naive reference (see gemm.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "nn/gemm.h"

void
nn_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A,
    int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
	if (M <= 0 || N <= 0)
		return;
	cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
	    tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb,
	    beta, C, ldc);
}

void
nn_gemm_ref(int ta, int tb, int M, int N, int K, float alpha, const float *A,
    int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
	int i, j, k;

	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double s = 0;
			float a, b;

			for (k = 0; k < K; k++) {
				a = ta ? A[(long)k * lda + i] : A[(long)i * lda + k];
				b = tb ? B[(long)j * ldb + k] : B[(long)k * ldb + j];
				s += (double)a * b;
			}
			s *= alpha;
			if (beta != 0)
				s += (double)beta * C[(long)i * ldc + j];
			C[(long)i * ldc + j] = (float)s;
		}
}

void
nn_blas_set_threads(int n)
{
	openblas_set_num_threads(n < 1 ? 1 : n);
}

const char *
nn_blas_corename(void)
{
	return openblas_get_corename();
}

void
nn_blas_best_kernel(char *argv[])
{
	const char *want = getenv("LK_OPENBLAS_CORETYPE");
	const char *have = getenv("OPENBLAS_CORETYPE");
	char *saved;

	if (want != NULL && *want == '\0')
		want = NULL;
	if (want == NULL ? have == NULL || *have == '\0' :
	    have != NULL && strcmp(have, want) == 0)
		return;
	if ((saved = have ? strdup(have) : NULL) == NULL && have != NULL)
		return;
	if (want == NULL ? unsetenv("OPENBLAS_CORETYPE") :
	    setenv("OPENBLAS_CORETYPE", want, 1)) {
		free(saved);
		return;
	}
	execv("/proc/self/exe", argv);
	/* exec failed: run on with the kernel already loaded */
	if (saved != NULL)
		setenv("OPENBLAS_CORETYPE", saved, 1);
	else
		unsetenv("OPENBLAS_CORETYPE");
	free(saved);
}
