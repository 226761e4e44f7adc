/*
 * simd: NN_VEC marks a hot loop function of the NN core to be compiled
 * with the loop vectoriser on, in AVX-512, AVX2 and baseline x86-64
 * versions chosen when the program loads (GCC/Clang target_clones, which
 * dispatch through an ifunc).  The build's -O2 does not vectorise loops
 * of unknown length, and its baseline ISA is SSE2; this gives the element
 * loops (activations, im2col, SSIM) the machine's vector width without
 * changing the build flags.  Elsewhere NN_VEC is empty.  Use it on static
 * functions only: Clang names the clones of an external function so that
 * other files cannot call it by its plain name.
 */
#ifndef LK_NN_SIMD_H
#define LK_NN_SIMD_H

#if defined(__x86_64__) && defined(__clang__) && __clang_major__ >= 14
#define NN_VEC __attribute__((target_clones("avx512f", "avx2", "default")))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    __GNUC__ >= 12
#define NN_VEC __attribute__((optimize("O3"), target_clones( \
    "arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NN_VEC
#endif

#endif
