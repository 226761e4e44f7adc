/*
 * gemm: the one matrix product the NN core is built on, C = alpha op(A)
 * op(B) + beta C, row-major, with the cblas_sgemm signature.  nn_gemm calls
 * OpenBLAS; nn_gemm_ref is a naive triple loop with a double accumulator
 * behind the same signature, the reference the tests compare against
 * (darknet keeps both side by side the same way).
 *
 * Also the OpenBLAS controls a tool needs: thread count, the kernel name
 * for benchmark and log output, and nn_blas_best_kernel(), which undoes an
 * OPENBLAS_CORETYPE forced by the environment (see there).
 */
#ifndef LK_NN_GEMM_H
#define LK_NN_GEMM_H

/*
 * C (M, N) = alpha * op(A) (M, K) * op(B) (K, N) + beta * C.  ta/tb non-zero
 * mean op = transpose, so A is stored (K, M) with leading dimension lda
 * >= M (else (M, K), lda >= K); likewise B.  With beta == 0, C is not read
 * (NaN in C does not propagate).  M, N or K of 0 is allowed (K == 0 scales
 * C by beta).
 */
void nn_gemm(int ta, int tb, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta,
    float *C, int ldc);
void nn_gemm_ref(int ta, int tb, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta,
    float *C, int ldc);

/* Threads OpenBLAS may use inside one nn_gemm call (>= 1). */
void nn_blas_set_threads(int n);

/* The kernel OpenBLAS picked, e.g. "Cooperlake" or "Haswell". */
const char *nn_blas_corename(void);

/*
 * OpenBLAS chooses its kernel once, when the library is loaded, unless
 * OPENBLAS_CORETYPE names one; nothing can change it later in the process.
 * When OPENBLAS_CORETYPE is set and LK_OPENBLAS_CORETYPE is not, this
 * removes the variable and re-executes the running program (/proc/self/exe)
 * with the same argv, so OpenBLAS detects the CPU itself; with
 * LK_OPENBLAS_CORETYPE set, its value is copied into OPENBLAS_CORETYPE
 * instead (an empty value also means "detect").  Call first thing in
 * main(), before any output.  Returns only when nothing needed doing or
 * the exec failed (then the program simply runs with the forced kernel).
 */
void nn_blas_best_kernel(char *argv[]);

#endif
