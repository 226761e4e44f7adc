/*
 * direct: convolution layers without im2col, for AVX-512 (see direct.h).
 *
 * A stride-1 convolution of a zero-padded input is, at every position n of
 * its "grid" (the padded frames of all samples laid end to end, one row
 * per channel), a sum over taps k of a weight times the input row shifted
 * by the tap's offset:  out[m][n] = sum_k W[m][k] in[c(k)][n + off(k)].
 * Every tap is then a plain load of 16 consecutive floats, so no im2col
 * matrix is built: a register tile of 8 output channels x 3 vectors of 16
 * positions accumulates over the taps (kfwd), reading the input where it
 * lies.  Where a frame's rows hold 8 outputs, or a multiple of 16, the
 * vectors cover just the outputs (two rows of 8 a vector: two 8-float
 * loads); else every grid position is computed, the borders' thrown away.
 * On the auto-encoder's 8x8 layers, the borders were 21% of the positions
 * (81 for 64 outputs), and skipping them made scoring 7% faster.
 *
 * The four layer shapes of the auto-encoder map onto it:
 *   3x3/1 conv             taps (c, ky, kx) of the input padded by 1;
 *   4x4/2 conv             space-to-depth of the padded input (4 phase
 *                          channels per channel, frames of h/2 + 1), then a
 *                          2x2 stride-1 conv;
 *   3x3/1 transposed conv  a 3x3/1 conv with flipped, transposed weights;
 *   4x4/2 transposed conv  each output phase (row and column parity) is a
 *                          2x2 stride-1 conv of the padded input with 4 of
 *                          the 16 taps; the phases are interleaved.  Under
 *                          8 output channels (the last layer) a kernel of
 *                          its own (kt4one) computes the 4 phases at once.
 * and the input gradient of each is the other kind with the same weights.
 *
 * Winograd's F(2x2, 3x3) was tried twice for the 3x3 layers, on a grid of
 * 4 phases.  With the transforms as passes over memory, the products took
 * 0.92 ms for the 32-channel 32x32 layer but the transforms as long again
 * (2.2 ms in all, 1.8 here).  With the input transform made in registers
 * inside the product kernel, each transformed vector costs 4 loads, and
 * the kernel is load-bound at 1.4 times this one's speed per output at
 * best; with its output transform it was 30% slower.
 *
 * The weight gradient G[k][m] = sum_n dy[m][n] in[c(k)][n + off(k)] has a
 * second kernel (kdw): dy is laid out transposed, (n, m), so a register
 * tile of 16, 32 or 64 output channels by 24, 12 or 6 taps accumulates
 * over n from vector loads of dy and broadcasts of single input values.
 *
 * For inference, a layer can also take its input as the previous layer's
 * output grid, and give its output as the next one's: the kernel's
 * positions are then the next layer's padded frames shifted by one row
 * and one column, so it stores straight into them, and only the borders
 * it wrote are zeroed afterwards (struct act, clear_pad).  Copying
 * activations out of the grids and back into the next layer's took 9% of
 * the scoring time.  Weights can be packed once (nn__direct_pack) instead
 * of in every pass.
 *
 * Everything else (bias, activation, the other layer shapes, CPUs without
 * AVX-512) stays with conv.c's im2col + sgemm path, which the tests
 * compare this one against.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "nn/act.h"
#include "nn/direct.h"
#include "nn/simd.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX512 1
#define TGT __attribute__((target("avx512f")))
/* register tiles need their loops unrolled (-O2 does not by itself) */
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 32")
#endif
#else
#define HAVE_AVX512 0
#define TGT
#endif

enum kind { K_NONE, K_C3, K_C4, K_T3, K_T4 };

/* How a (M x K) conv-form weight matrix is read from a layer's weights
 * A (D0, D1, k, k). */
enum wmode {
	WM_DIRECT3,	/* W[m][(d1,ky,kx)] = A[m][d1][ky][kx] */
	WM_FLIPT3,	/* W[m][(d0,ky,kx)] = A[d0][m][2-ky][2-kx] */
	WM_S2D,		/* W[m][((d1,py,px),a,c)] = A[m][d1][2a+py][2c+px] */
	WM_PHASE	/* W[m][(d0,a,c)] = A[d0][m][ky(ry,a)][kx(rx,c)] */
};

struct grid {
	int C, B, Hp, Wp;
	long L;		/* B * Hp * Wp positions */
	long cs;	/* channel stride: L, the reach of a tile and of the
			 * taps beyond it, rounded to 16 */
	float *p;	/* (C, cs) */
};

/*
 * An activation (C channels, B samples of h x w) as a layer reads or
 * writes it: dense (C, B, h, w), or the interior of a padded grid (see
 * grid_pad), which the next layer's kernel reads where it lies.
 */
struct act {
	float *p;	/* pixel (0, 0) of channel 0, sample 0 */
	long cs;	/* channel stride */
	long fs;	/* sample stride */
	int rs;		/* row stride */
	int grid;	/* a grid: p - rs - 1 is its start */
};

/*
 * The output positions a kernel computes, in vectors of 16: on a grid
 * whose rows are 8 or a multiple of 16 outputs wide, only the outputs
 * (half: a vector is two rows of 8); else every position of the grid, the
 * borders included.  Vector q reads its taps at in[q] on the grid and is
 * stored at out[q] of the output.
 */
struct vecs {
	int n;
	int *in, *out;
	int half;
	long in_rs, out_rs;	/* with half: rows apart */
};

static int enabled;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
decide(void)
{
#if HAVE_AVX512
	__builtin_cpu_init();
	enabled = __builtin_cpu_supports("avx512f") != 0;
#endif
}

int
nn__direct_enable(int on)
{
	pthread_once(&once, decide);
#if HAVE_AVX512
	enabled = on && __builtin_cpu_supports("avx512f");
#else
	(void)on;
#endif
	return enabled;
}

static int
kind_of(const struct nn_conv *c, int h, int w)
{
	pthread_once(&once, decide);
	if (!enabled)
		return K_NONE;
	if (c->k == 3 && c->s == 1 && c->p == 1)
		return c->transposed ? K_T3 : K_C3;
	if (c->k == 4 && c->s == 2 && c->p == 1) {
		if (c->transposed)
			return K_T4;
		if (h % 2 == 0 && w % 2 == 0)
			return K_C4;
	}
	return K_NONE;
}

/*
 * The register tile holds 8 output channels: with fewer (the one-channel
 * last layer), im2col and sgemm do better.  One input channel (the first
 * layer) is fine: its 16 taps of the space-to-depth grid run at 80 GFLOP/s
 * here, against 45 through im2col.
 */
int
nn__direct_ok(const struct nn_conv *c, int h, int w)
{
	int k = kind_of(c, h, w);

	return k != K_NONE && (c->oc >= 8 || k == K_T4);
}

int
nn__direct_dx_ok(const struct nn_conv *c, int h, int w)
{
	/* the input gradient's channels are the layer's input channels */
	return c->ic >= 8 && kind_of(c, h, w) != K_NONE;
}

int
nn__direct_dw_ok(const struct nn_conv *c, int h, int w)
{
	return c->ic >= 8 && c->oc % 16 == 0 && kind_of(c, h, w) != K_NONE;
}

static long
cs_of(int B, int Hp, int Wp)
{
	return ((long)B * Hp * Wp + 3L * Wp + 64 + 15) & ~15L;
}

static void
grid_set(struct grid *g, int C, int B, int Hp, int Wp, float *p)
{
	g->C = C;
	g->B = B;
	g->Hp = Hp;
	g->Wp = Wp;
	g->L = (long)B * Hp * Wp;
	g->cs = cs_of(B, Hp, Wp);
	g->p = p;
}

/* The activation (C, B, h, w) at x: dense, or (grid) as a padded grid. */
static struct act
act_of(const float *x, int B, int h, int w, int grid)
{
	struct act a;

	a.grid = grid;
	a.rs = grid ? w + 1 : w;
	a.fs = grid ? (long)(h + 1) * (w + 1) : (long)h * w;
	a.cs = grid ? cs_of(B, h + 1, w + 1) : B * a.fs;
	a.p = (float *)x + (grid ? a.rs + 1 : 0);
	return a;
}

/* dst[j] = src[j] for j < n: a row of a layer is 8 to 128 floats, where
 * a call of memcpy costs more than the copy. */
#if HAVE_AVX512
TGT static inline void
copy_row(float *dst, const float *src, int n)
{
	int j;

	for (j = 0; j + 16 <= n; j += 16)
		_mm512_storeu_ps(dst + j, _mm512_loadu_ps(src + j));
	if (j < n)
		_mm512_mask_storeu_ps(dst + j, (__mmask16)((1u << (n - j)) - 1),
		    _mm512_maskz_loadu_ps((__mmask16)((1u << (n - j)) - 1),
		    src + j));
}
#else
static void
copy_row(float *dst, const float *src, int n)
{
	memcpy(dst, src, n * sizeof(float));
}
#endif

/* Zero the padding of a grid: each frame's top row and left column,
 * and the tail after the last frame. */
static void
clear_pad(float *p, int C, int B, int Hp, int Wp, long cs)
{
	long fr = (long)Hp * Wp, L = B * fr;
	float *f;
	int c, b, i;

	for (c = 0; c < C; c++) {
		for (b = 0; b < B; b++) {
			f = p + c * cs + b * fr;
			memset(f, 0, Wp * sizeof(float));
			for (i = 1; i < Hp; i++)
				f[(long)i * Wp] = 0;
		}
		memset(p + c * cs + L, 0, (cs - L) * sizeof(float));
	}
}

/*
 * g = samples b0 .. b0 + B - 1 of x (C channels of H x W) padded by 1, the
 * padding shared by neighbours: frames (H + 1) x (W + 1), a zero row on
 * top and a zero column on the left of each, so a row's right border is
 * the next row's left one, and a frame's bottom border the next frame's
 * top (after the last, the zeroed tail).  At the (H + 2) x (W + 2) a frame
 * of its own would need, the positions computed and thrown away at the
 * borders of an 8 x 8 layer would be 36% of the work instead of 21%.
 * When x is such a grid already, g is those frames of it, where they
 * lie; else they are copied to g->p.
 */
/* (TGT here and below: only the AVX-512 path calls them, and so they
 * take copy_row and deinterleave inline.) */
TGT static void
grid_pad(const struct act *x, int C, int b0, int B, int H, int W,
    struct grid *g)
{
	long fr = (long)(H + 1) * (W + 1), rs = x->rs;
	const float *src;
	float *f;
	int c, b, i;

	if (x->grid) {
		grid_set(g, C, B, H + 1, W + 1, x->p - x->rs - 1 + b0 * fr);
		g->cs = x->cs;
		return;
	}
	grid_set(g, C, B, H + 1, W + 1, g->p);
	clear_pad(g->p, C, B, g->Hp, g->Wp, g->cs);
	for (c = 0; c < C; c++)
		for (b = 0; b < B; b++) {
			f = g->p + c * g->cs + b * fr + W + 2;
			src = x->p + c * x->cs + (b0 + b) * x->fs;
			for (i = 0; i < H; i++)
				copy_row(f + i * (W + 1L), src + i * rs, W);
		}
}

/* ev[j] = src[2j], od[j] = src[2j + 1] for j < n/2 (n even). */
#if HAVE_AVX512
/* a, b = the n (at most 32) floats from src, zero beyond. */
TGT static inline void
load32(const float *src, int n, __m512 *a, __m512 *b)
{
	*a = _mm512_maskz_loadu_ps((__mmask16)(n >= 16 ? 0xffff :
	    (1u << n) - 1), src);
	*b = _mm512_maskz_loadu_ps((__mmask16)(n > 16 ? (1u << (n - 16)) - 1 :
	    0), src + 16);
}

/* Lane j = lane 2j + odd of the 32 lanes of a then b. */
TGT static inline __m512
every2(__m512 a, __m512 b, int odd)
{
	return _mm512_permutex2var_ps(a, _mm512_add_epi32(_mm512_setr_epi32(0,
	    2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
	    _mm512_set1_epi32(odd)), b);
}

TGT static void
deinterleave(const float *src, int n, float *ev, float *od)
{
	__m512 a, b;
	__mmask16 mh;
	int j, k;

	for (j = 0; j < n; j += 32) {
		k = n - j < 32 ? n - j : 32;
		mh = (__mmask16)(k == 32 ? 0xffff : (1u << k / 2) - 1);
		load32(src + j, k, &a, &b);
		_mm512_mask_storeu_ps(ev + j / 2, mh, every2(a, b, 0));
		_mm512_mask_storeu_ps(od + j / 2, mh, every2(a, b, 1));
	}
}
#else
static void
deinterleave(const float *src, int n, float *ev, float *od)
{
	int j;

	for (j = 0; j < n / 2; j++) {
		ev[j] = src[2 * j];
		od[j] = src[2 * j + 1];
	}
}
#endif

/*
 * g = space-to-depth of samples b0 .. b0 + B - 1 of x (C channels of H x
 * W) padded by 1: channel c*4 + py*2 + px holds padded pixel (2i + py,
 * 2j + px) at (i, j); frames (H/2 + 1) x (W/2 + 1).  One pass over each
 * row of x splits it into its two column phases.  Every float of g's rows
 * is written.
 */
TGT static void
grid_s2d(const struct act *x, int C, int b0, int B, int H, int W,
    struct grid *g)
{
	long fr, at, Wp = W / 2 + 1, rs = x->rs;
	int c, b, r, k, py;
	float *ph[4], *d0, *d1;
	const float *src;

	grid_set(g, 4 * C, B, H / 2 + 1, W / 2 + 1, g->p);
	fr = (long)g->Hp * Wp;
	for (c = 0; c < C; c++) {
		for (k = 0; k < 4; k++)
			ph[k] = g->p + (long)(c * 4 + k) * g->cs;
		for (b = 0; b < B; b++) {
			/* padded rows 0 (py 0, i 0) and H + 1 (py 1, i H/2) */
			at = b * fr + (long)(H / 2) * Wp;
			memset(ph[0] + b * fr, 0, Wp * sizeof(float));
			memset(ph[1] + b * fr, 0, Wp * sizeof(float));
			memset(ph[2] + at, 0, Wp * sizeof(float));
			memset(ph[3] + at, 0, Wp * sizeof(float));
			src = x->p + c * x->cs + (b0 + b) * x->fs;
			for (r = 0; r < H; r++) {
				/* padded row r + 1; padded column x + 1 */
				py = (r + 1) % 2;
				at = b * fr + (long)((r + 1) / 2) * Wp;
				d0 = ph[py * 2] + at;
				d1 = ph[py * 2 + 1] + at;
				d0[0] = 0;
				d1[W / 2] = 0;
				deinterleave(src + r * rs, W, d1, d0 + 1);
			}
		}
		for (k = 0; k < 4; k++)
			memset(ph[k] + g->L, 0, (g->cs - g->L) * sizeof(float));
	}
}

#if HAVE_AVX512
/* r[i][j] = r[j][i]: 16 rows of 16 floats, transposed in registers. */
TGT static inline void
transpose16(__m512 *r)
{
	__m512 t[16], v0, v1, w0, w1;
	int k, q;

	for (k = 0; k < 8; k++) {
		t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
		t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
	}
	/* then r[4k + q], 128-bit lane l: rows 4k .. 4k+3 of column 4l + q */
	for (k = 0; k < 4; k++) {
		__m512d a = _mm512_castps_pd(t[4 * k]);
		__m512d b = _mm512_castps_pd(t[4 * k + 1]);
		__m512d c = _mm512_castps_pd(t[4 * k + 2]);
		__m512d d = _mm512_castps_pd(t[4 * k + 3]);

		r[4 * k] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
		r[4 * k + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
		r[4 * k + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
		r[4 * k + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
	}
	/* column 4l + q gathers lane l of r[q], r[4 + q], r[8 + q], r[12 + q] */
	for (q = 0; q < 4; q++) {
		v0 = _mm512_shuffle_f32x4(r[q], r[4 + q], 0x44);
		v1 = _mm512_shuffle_f32x4(r[q], r[4 + q], 0xee);
		w0 = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0x44);
		w1 = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0xee);
		t[q] = _mm512_shuffle_f32x4(v0, w0, 0x88);
		t[4 + q] = _mm512_shuffle_f32x4(v0, w0, 0xdd);
		t[8 + q] = _mm512_shuffle_f32x4(v1, w1, 0x88);
		t[12 + q] = _mm512_shuffle_f32x4(v1, w1, 0xdd);
	}
	for (k = 0; k < 16; k++)
		r[k] = t[k];
}

/* o[j*M + m] = s[m*plane + sy*j] for 16 channels m and j < nj. */
TGT static void
place16(const float *s, long plane, int sy, int nj, float *o, int M)
{
	__m512 r[16], a, b;
	int j0, n, m, j;

	for (j0 = 0; j0 < nj; j0 += 16) {
		n = nj - j0 < 16 ? nj - j0 : 16;
		for (m = 0; m < 16; m++) {
			const float *p = s + m * plane + (long)sy * j0;

			/* sy 2: the 2n - 1 floats from p hold the n wanted */
			load32(p, sy == 1 ? n : 2 * n - 1, &a, &b);
			r[m] = sy == 1 ? a : every2(a, b, 0);
		}
		transpose16(r);
		for (j = 0; j < n; j++)
			_mm512_storeu_ps(o + (long)(j0 + j) * M, r[j]);
	}
}
#endif

/*
 * dT (L x M), the gradient on grid g transposed: row n = b*Hp*Wp + i*Wp
 * + j holds d[.][b][sy*i + ry][sy*j + rx] for i < ni, j < nj (the rest,
 * the frames' borders, kdw does not read); d is (M, B, Hd, Wd) with
 * channel stride plane.  Sixteen channels at a time go through a
 * transpose in registers.
 */
static void
place_t(const float *d, int M, int B, int Hd, int Wd, long plane, int sy,
    int ry, int rx, int ni, int nj, const struct grid *g, float *dT)
{
	const float *s;
	float *o;
	int b, i, j, m;

	for (b = 0; b < B; b++)
		for (i = 0; i < ni; i++) {
			o = dT + ((long)b * g->Hp + i) * g->Wp * M;
			s = d + ((long)b * Hd + sy * i + ry) * Wd + rx;
			m = 0;
#if HAVE_AVX512
			for (; m + 16 <= M; m += 16)
				place16(s + m * plane, plane, sy, nj, o + m, M);
#endif
			for (; m < M; m++)
				for (j = 0; j < nj; j++)
					o[(long)j * M + m] = s[m * plane + sy *
					    j];
		}
}

/* Samples b0 .. b0 + B - 1 of dense y (M channels of ni x nj) = grid
 * rows yg (stride cs) at b*Hp*Wp + i*Wp + j, for i < ni, j < nj. */
TGT static void
extract(const float *yg, long cs, int M, int b0, int B, int Hp, int Wp,
    int ni, int nj, const struct act *y)
{
	int m, b, i;

	long rs = y->rs;
	const float *src;
	float *dst;

	/* the strides in locals: copy_row's stores could be to *y */
	for (m = 0; m < M; m++)
		for (b = 0; b < B; b++) {
			dst = y->p + m * y->cs + (b0 + b) * y->fs;
			src = yg + m * cs + (long)b * Hp * Wp;
			for (i = 0; i < ni; i++)
				copy_row(dst + i * rs, src + (long)i * Wp, nj);
		}
}

/* Index into A (D0, D1, k, k) of conv-form weight (m, k): linear in m,
 * widx(mode, D1, 0, k, ry, rx) + m * wstep(mode, D1). */
static long
widx(enum wmode mode, int D1, int m, int k, int ry, int rx)
{
	int d, r, ky, kx, a, c, ph;

	switch (mode) {
	case WM_DIRECT3:
		return (long)m * D1 * 9 + k;
	case WM_FLIPT3:
		d = k / 9;
		r = k % 9;
		return (((long)d * D1 + m) * 3 + 2 - r / 3) * 3 + 2 - r % 3;
	case WM_S2D:
		d = k / 16;
		r = k % 16;
		ph = r / 4;
		a = (r % 4) / 2;
		c = r % 2;
		return (((long)m * D1 + d) * 4 + 2 * a + ph / 2) * 4 + 2 * c +
		    ph % 2;
	case WM_PHASE:
	default:
		d = k / 4;
		a = (k % 4) / 2;
		c = k % 2;
		ky = ry ? 2 - 2 * a : 3 - 2 * a;
		kx = rx ? 2 - 2 * c : 3 - 2 * c;
		return (((long)d * D1 + m) * 4 + ky) * 4 + kx;
	}
}

static long
wstep(enum wmode mode, int D1)
{
	switch (mode) {
	case WM_DIRECT3:
		return (long)D1 * 9;
	case WM_FLIPT3:
		return 9;
	case WM_S2D:
		return (long)D1 * 16;
	case WM_PHASE:
	default:
		return 16;
	}
}

/* Source row of tap k on grid g. */
static const float *
tap(enum wmode mode, const struct grid *g, int k, int ry, int rx)
{
	int c, r;

	switch (mode) {
	case WM_DIRECT3:
	case WM_FLIPT3:
		c = k / 9;
		r = k % 9;
		return g->p + c * g->cs + (r / 3) * g->Wp + r % 3;
	case WM_S2D:
		c = k / 4;
		r = k % 4;
		return g->p + c * g->cs + (r / 2) * g->Wp + r % 2;
	case WM_PHASE:
	default:
		c = k / 4;
		r = k % 4;
		return g->p + c * g->cs + (ry + r / 2) * g->Wp + rx + r % 2;
	}
}

#if HAVE_AVX512
/*
 * Y[m][n] = sum_k W[k][m] src[k][n] for m < M and n < N rounded up to 48;
 * wp holds the weights in blocks of 8 rows, (K, 8) each, then the M % 8
 * remaining rows one by one, (K) each.  With bias, the bias of row m is
 * added and, with lrelu, LeakyReLU applied before the store (the layer's
 * epilogue, saving passes over the output).
 */
TGT static inline __m512
epi(__m512 v, const float *bias, int m, int lrelu)
{
	if (bias != NULL)
		v = _mm512_add_ps(v, _mm512_set1_ps(bias[m]));
	if (lrelu)
		v = _mm512_max_ps(v, _mm512_mul_ps(v,
		    _mm512_set1_ps(NN_LRELU_SLOPE)));
	return v;
}

/* 16 floats at p, or (half) 8 at p and 8 at p + rs. */
TGT static inline __m512
vload(const float *p, int half, long rs)
{
	if (!half)
		return _mm512_loadu_ps(p);
	return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(
	    _mm512_castps256_ps512(_mm256_loadu_ps(p))), _mm256_castps_pd(
	    _mm256_loadu_ps(p + rs)), 1));
}

TGT static inline void
vstore(float *p, __m512 v, int half, long rs)
{
	if (!half) {
		_mm512_storeu_ps(p, v);
		return;
	}
	_mm256_storeu_ps(p, _mm512_castps512_ps256(v));
	_mm256_storeu_ps(p + rs, _mm256_castpd_ps(_mm512_extractf64x4_pd(
	    _mm512_castps_pd(v), 1)));
}

/*
 * Y[m] at the vectors of v: vector q of 16 outputs takes tap k from
 * src[k] + v->in[q] and goes to y + m*ldy + v->out[q] (with half, lanes
 * 8-15 from in + in_rs to out + out_rs), 3 vectors at a time.  wp holds
 * the weights in blocks of 8 rows, (K, 8) each, then the M % 8 remaining
 * rows one by one, (K) each.  With bias, the bias of row m is added and,
 * with lrelu, LeakyReLU applied before the store (the layer's epilogue,
 * saving passes over the output).  Inlined twice, half constant in each.
 */
TGT static inline __attribute__((always_inline)) void
kvec(int M, const struct vecs *v, int K, const float *wp,
    const float *const *src, float *y, long ldy, const float *bias,
    int lrelu, int half)
{
	long ir = v->in_rs, or = v->out_rs;
	int q, t, mb, k, r, io[3], oo[3];

	for (q = 0; q < v->n; q += 3) {
		/* past the end, the last vector again: same values, same place */
		for (t = 0; t < 3; t++) {
			io[t] = v->in[q + t < v->n ? q + t : v->n - 1];
			oo[t] = v->out[q + t < v->n ? q + t : v->n - 1];
		}
		for (mb = 0; mb + 8 <= M; mb += 8) {
			const float *w = wp + (long)mb * K;
			__m512 c[8][3], b0, b1, b2, a;

			UNROLL
			for (r = 0; r < 8; r++)
				c[r][0] = c[r][1] = c[r][2] =
				    _mm512_setzero_ps();
			for (k = 0; k < K; k++, w += 8) {
				b0 = vload(src[k] + io[0], half, ir);
				b1 = vload(src[k] + io[1], half, ir);
				b2 = vload(src[k] + io[2], half, ir);
				UNROLL
				for (r = 0; r < 8; r++) {
					a = _mm512_set1_ps(w[r]);
					c[r][0] = _mm512_fmadd_ps(a, b0,
					    c[r][0]);
					c[r][1] = _mm512_fmadd_ps(a, b1,
					    c[r][1]);
					c[r][2] = _mm512_fmadd_ps(a, b2,
					    c[r][2]);
				}
			}
			UNROLL
			for (r = 0; r < 8; r++) {
				float *o = y + (long)(mb + r) * ldy;

				UNROLL
				for (t = 0; t < 3; t++)
					vstore(o + oo[t], epi(c[r][t], bias,
					    mb + r, lrelu), half, or);
			}
		}
		for (; mb < M; mb++) {
			const float *w = wp + (long)mb * K;
			__m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, a;
			float *o = y + (long)mb * ldy;

			for (k = 0; k < K; k++) {
				a = _mm512_set1_ps(w[k]);
				c0 = _mm512_fmadd_ps(a, vload(src[k] + io[0],
				    half, ir), c0);
				c1 = _mm512_fmadd_ps(a, vload(src[k] + io[1],
				    half, ir), c1);
				c2 = _mm512_fmadd_ps(a, vload(src[k] + io[2],
				    half, ir), c2);
			}
			vstore(o + oo[0], epi(c0, bias, mb, lrelu), half, or);
			vstore(o + oo[1], epi(c1, bias, mb, lrelu), half, or);
			vstore(o + oo[2], epi(c2, bias, mb, lrelu), half, or);
		}
	}
}

TGT static void
kfwd(int M, const struct vecs *v, int K, const float *wp,
    const float *const *src, float *y, long ldy, const float *bias,
    int lrelu)
{
	if (v->half)
		kvec(M, v, K, wp, src, y, ldy, bias, lrelu, 1);
	else
		kvec(M, v, K, wp, src, y, ldy, bias, lrelu, 0);
}

/*
 * Under 8 output channels (the last layer) kfwd's register tile would
 * be mostly empty.  There, one output channel m of a transposed 4x4/2
 * conv at a time: its four phases together read a 3x3 neighbourhood of
 * the padded input, so 4 phases x 3 vectors accumulate and each shifted
 * load serves every phase whose 2x2 taps reach it.  wq holds each input
 * channel's 16 weights (ry, rx, a, b); phase ry*2 + rx at grid position n
 * goes to o + ry*2 + rx rows of stride ldo.
 */
TGT static void
kt4one(long N, int K, const float *wq, const struct grid *g, float *o,
    long ldo, const float *bias, int m, int lrelu)
{
	__m512 acc[4][3], v[3], a;
	long n;
	int c, dy, dx, ry, rx, t;

	for (n = 0; n < N; n += 48) {
		UNROLL
		for (t = 0; t < 12; t++)
			acc[t / 3][t % 3] = _mm512_setzero_ps();
		for (c = 0; c < K; c++) {
			const float *s = g->p + c * g->cs + n, *w = wq + c * 16;

			UNROLL
			for (dy = 0; dy < 3; dy++) {
				UNROLL
				for (dx = 0; dx < 3; dx++) {
					const float *q = s + dy * g->Wp + dx;

					UNROLL
					for (t = 0; t < 3; t++)
						v[t] = _mm512_loadu_ps(q + 16 * t);
					UNROLL
					for (ry = 0; ry < 2; ry++) {
						UNROLL
						for (rx = 0; rx < 2; rx++) {
							if (dy - ry < 0 || dy - ry > 1 ||
							    dx - rx < 0 || dx - rx > 1)
								continue;
							a = _mm512_set1_ps(w[((ry * 2 +
							    rx) * 2 + dy - ry) * 2 +
							    dx - rx]);
							UNROLL
							for (t = 0; t < 3; t++)
								acc[ry * 2 + rx][t] =
								    _mm512_fmadd_ps(a,
								    v[t], acc[ry * 2 +
								    rx][t]);
						}
					}
				}
			}
		}
		UNROLL
		for (t = 0; t < 12; t++)
			_mm512_storeu_ps(o + t / 3 * ldo + n + 16 * (t % 3),
			    epi(acc[t / 3][t % 3], bias, m, lrelu));
	}
}

/*
 * GT[k][m] += sum_n dT[n][m] src[k][n] over the positions n of nr rows
 * of len from row[0], row[1], ..., for a tile of 16 NV channels from m0
 * and NK taps from k0: one instance per shape.
 */
#define KDW(NV, NK)							\
TGT static void								\
kdw_##NV##x##NK(const int *row, int nr, int len, int M, int m0,		\
    const float *dT, const float *const *src, float *GT)		\
{									\
	__m512 c[NK][NV], d[NV];					\
	const float *s[NK];						\
	long n;								\
	int j, v, q;							\
									\
	UNROLL								\
	for (j = 0; j < NK; j++) {					\
		s[j] = src[j];						\
		UNROLL							\
		for (v = 0; v < NV; v++)				\
			c[j][v] = _mm512_loadu_ps(GT + (long)j * M +	\
			    m0 + 16 * v);				\
	}								\
	for (q = 0; q < nr; q++)					\
		for (n = row[q]; n < row[q] + len; n++) {		\
			UNROLL						\
			for (v = 0; v < NV; v++)			\
				d[v] = _mm512_loadu_ps(dT + n * M + m0 + \
				    16 * v);				\
			UNROLL						\
			for (j = 0; j < NK; j++) {			\
				__m512 a = _mm512_set1_ps(s[j][n]);	\
									\
				UNROLL					\
				for (v = 0; v < NV; v++)		\
					c[j][v] = _mm512_fmadd_ps(a,	\
					    d[v], c[j][v]);		\
			}						\
		}							\
	UNROLL								\
	for (j = 0; j < NK; j++)					\
		UNROLL							\
		for (v = 0; v < NV; v++)				\
			_mm512_storeu_ps(GT + (long)j * M + m0 + 16 * v,\
			    c[j][v]);					\
}
KDW(1, 24)
KDW(2, 12)
KDW(4, 6)
KDW(1, 1)
KDW(2, 1)
KDW(4, 1)

/* GT (K, M) += sum_n dT[n][m] src[k][n] over the positions n of the nr
 * rows of len at row[]; M a multiple of 16. */
static void
kdw(int M, const int *row, int nr, int len, int K, const float *dT,
    const float *const *src, float *GT)
{
	/* a dT block of about 512 positions x M stays in L2 */
	int per = 512 / len > 1 ? 512 / len : 1, q0, n;
	int nv = M % 64 == 0 ? 4 : M % 32 == 0 ? 2 : 1, nk = 24 / nv;
	int m0, k0;

	for (q0 = 0; q0 < nr; q0 += n) {
		n = nr - q0 < per ? nr - q0 : per;
		for (m0 = 0; m0 < M; m0 += 16 * nv) {
			for (k0 = 0; k0 + nk <= K; k0 += nk) {
				float *g = GT + (long)k0 * M;

				if (nv == 4)
					kdw_4x6(row + q0, n, len, M, m0, dT,
					    src + k0, g);
				else if (nv == 2)
					kdw_2x12(row + q0, n, len, M, m0, dT,
					    src + k0, g);
				else
					kdw_1x24(row + q0, n, len, M, m0, dT,
					    src + k0, g);
			}
			for (; k0 < K; k0++) {
				float *g = GT + (long)k0 * M;

				if (nv == 4)
					kdw_4x1(row + q0, n, len, M, m0, dT,
					    src + k0, g);
				else if (nv == 2)
					kdw_2x1(row + q0, n, len, M, m0, dT,
					    src + k0, g);
				else
					kdw_1x1(row + q0, n, len, M, m0, dT,
					    src + k0, g);
			}
		}
	}
}
#endif

/* Workspace carving. */
struct wsp {
	float *in;		/* input grid */
	float *out;		/* output grid(s) */
	float *wp;		/* packed weights or GT, up to 4 sets */
	const float **src;	/* tap rows */
	float *dT;		/* transposed gradient */
	int *vo;		/* vector offsets (struct vecs) */
	int nb;			/* samples per chunk */
};

/* Floats of each part for one chunk. */
struct need {
	size_t in, out, w, src, dT, vo;
};

static void
need_max(struct need *a, size_t in, size_t out, size_t w, size_t src,
    size_t dT)
{
	a->in = in > a->in ? in : a->in;
	a->out = out > a->out ? out : a->out;
	a->w = w > a->w ? w : a->w;
	a->src = src > a->src ? src : a->src;
	a->dT = dT > a->dT ? dT : a->dT;
}

/*
 * Samples per chunk: each operation builds its input grid for a chunk of
 * samples at a time, about 1 MiB of it, so the grid, the taps the kernel
 * reads and the output stay in the caches instead of streaming a whole
 * batch through memory.
 */
static int
chunk_of(const struct nn_conv *c, int B, int h, int w)
{
	long a, b, per;
	int n;

	switch (kind_of(c, h, w)) {
	case K_C3:
	case K_T3:
		per = (long)(c->ic > c->oc ? c->ic : c->oc) * (h + 1) * (w + 1);
		break;
	case K_C4:
		a = 4L * c->ic * (h / 2 + 1) * (w / 2 + 1);
		b = (long)c->oc * (h / 2 + 2) * (w / 2 + 2);
		per = a > b ? a : b;
		break;
	case K_T4:
		a = (long)c->ic * (h + 1) * (w + 1);
		b = 4L * c->oc * (h + 1) * (w + 1);
		per = a > b ? a : b;
		break;
	default:
		return 1;
	}
	n = (int)((1L << 18) / per);
	return n < 1 ? 1 : n > B ? B : n;
}

/* What layer c needs for chunks of nb samples of h x w, over all three
 * operations. */
static void
needs(const struct nn_conv *c, int nb, int h, int w, struct need *n)
{
	int IC = c->ic, OC = c->oc, oh = h / 2, ow = w / 2;
	size_t Lp, Ls, csp, css, mk = 4 * (size_t)IC * OC * 16 + 64;
	size_t taps = 16 * (size_t)(IC > OC ? IC : OC) * 2;

	memset(n, 0, sizeof *n);
	switch (kind_of(c, h, w)) {
	case K_C3:
	case K_T3:
		csp = cs_of(nb, h + 1, w + 1);
		Lp = (size_t)nb * (h + 1) * (w + 1);
		need_max(n, IC * csp, OC * csp, mk, taps, Lp * OC);
		need_max(n, OC * csp, IC * csp, 0, 0, 0);
		break;
	case K_C4:
		css = cs_of(nb, oh + 1, ow + 1);
		Ls = (size_t)nb * (oh + 1) * (ow + 1);
		csp = cs_of(nb, oh + 1, ow + 1);
		need_max(n, 4 * IC * css, OC * css, mk, taps, Ls * OC);
		need_max(n, OC * csp, 2 * IC * csp, 0, 0, 0);
		break;
	case K_T4:
		csp = cs_of(nb, h + 1, w + 1);
		Lp = (size_t)nb * (h + 1) * (w + 1);
		css = cs_of(nb, h + 1, w + 1);
		need_max(n, IC * csp, 2 * (OC > 2 ? OC : 2) * csp, mk, taps,
		    Lp * OC);
		need_max(n, 4 * OC * css, IC * css, 0, 0, 0);
		break;
	default:
		break;
	}
	/* two offsets a vector of 16 positions, or one a row, on the
	 * largest grid */
	n->vo = 2 * ((size_t)nb * (2 * h + 2) * (2 * w + 2) / 16 + 2) +
	    (size_t)nb * (2 * h + 2);
}

size_t
nn__direct_wsize(const struct nn_conv *c, int B, int h, int w)
{
	struct need n;

	if (!nn__direct_ok(c, h, w) && !nn__direct_dx_ok(c, h, w))
		return 0;
	needs(c, chunk_of(c, B, h, w), h, w, &n);
	return n.in + n.out + n.w + n.src + n.dT + n.vo + 6 * 16;
}

static void
carve(const struct nn_conv *c, int B, int h, int w, float *ws,
    struct wsp *p)
{
	struct need n;
	uintptr_t a;

	p->nb = chunk_of(c, B, h, w);
	needs(c, p->nb, h, w, &n);
	p->in = ws;
	p->out = p->in + ((n.in + 15) & ~(size_t)15);
	p->wp = p->out + ((n.out + 15) & ~(size_t)15);
	a = (uintptr_t)(p->wp + ((n.w + 15) & ~(size_t)15));
	p->src = (const float **)a;
	p->dT = (float *)(a + ((n.src + 15) & ~(size_t)15) * sizeof(float));
	p->vo = (int *)(p->dT + ((n.dT + 15) & ~(size_t)15));
}

/* Pack W (M x K), read from A by mode, for kfwd: blocks of 8 rows (K, 8),
 * then the remaining rows (K) each. */
static void
pack(enum wmode mode, const float *A, int D1, int ry, int rx, int M, int K,
    float *w)
{
	long step = wstep(mode, D1), at;
	int mb, k, r;

	/* 8 rows of A at a time: the lines they read stay cached over k */
	for (mb = 0; mb + 8 <= M; mb += 8)
		for (k = 0; k < K; k++) {
			at = widx(mode, D1, mb, k, ry, rx);
			for (r = 0; r < 8; r++)
				*w++ = A[at + r * step];
		}
	for (; mb < M; mb++)
		for (k = 0; k < K; k++)
			*w++ = A[widx(mode, D1, mb, k, ry, rx)];
}

/*
 * dA += GT (K x M) through the index map of mode.  dA is in memory (the
 * lane's gradient, zeroed a layer's work ago), so it is walked in order,
 * a row of A at a time, where the rows lie apart.
 */
static void
unpack_add(enum wmode mode, const float *GT, int D1, int ry, int rx, int M,
    int K, float *dA)
{
	long step = wstep(mode, D1), at;
	int k, m;

	if (step > 16)
		for (m = 0; m < M; m++)
			for (k = 0; k < K; k++)
				dA[widx(mode, D1, m, k, ry, rx)] +=
				    GT[(long)k * M + m];
	else
		for (k = 0; k < K; k++) {
			at = widx(mode, D1, 0, k, ry, rx);
			for (m = 0; m < M; m++)
				dA[at + m * step] += GT[(long)k * M + m];
		}
}

/* Whether the kernel can compute just the outputs of grid g (h x w of
 * each (h + 1) x (w + 1) frame): rows of 8 (in pairs) or of 16s. */
static int
outputs_only(const struct grid *g)
{
	int h = g->Hp - 1, w = g->Wp - 1;

	return w % 16 == 0 || (w == 8 && h % 2 == 0);
}

/*
 * v = the vectors of a kernel run on grid g, into an output where output
 * (b, i, j) of g's frame b lies at b*ofs + i*ors + j: outputs_only(g), or
 * else every position of g, the output then laid out like g (ofs = Hp*Wp,
 * ors = Wp).  buf holds 2 * (g->L / 16 + 2) ints.
 */
static void
vec_list(const struct grid *g, long ofs, long ors, int *buf, struct vecs *v)
{
	int h = g->Hp - 1, w = g->Wp - 1, b, i, j, n = 0, step;
	long fr = (long)g->Hp * g->Wp;

	v->in = buf;
	v->in_rs = g->Wp;
	v->out_rs = ors;
	if (!outputs_only(g)) {
		v->half = 0;
		v->out = buf;
		for (n = 0; 16L * n < g->L; n++)
			buf[n] = 16 * n;
		v->n = n;
		return;
	}
	v->half = w == 8;
	v->out = buf + (long)g->B * h * w / 16;
	step = v->half ? 2 : 1;
	for (b = 0; b < g->B; b++)
		for (i = 0; i < h; i += step)
			for (j = 0; j < w; j += 16 / step, n++) {
				v->in[n] = (int)(b * fr + (long)i * g->Wp + j);
				v->out[n] = (int)(b * ofs + i * ors + j);
			}
	v->n = n;
}

/* out (M rows of stride ldo, positions as v says) = packed W * the taps of
 * g; with the epilogue. */
static void
run_fwd(enum wmode mode, const float *wp, int ry, int rx,
    const struct grid *g, const struct vecs *v, int M, int K, float *out,
    long ldo, struct wsp *p, const float *bias, int lrelu)
{
#if HAVE_AVX512
	int k;

	for (k = 0; k < K; k++)
		p->src[k] = tap(mode, g, k, ry, rx);
	kfwd(M, v, K, wp, p->src, out, ldo, bias, lrelu);
#else
	(void)mode; (void)wp; (void)ry; (void)rx; (void)g; (void)v; (void)M;
	(void)K; (void)out; (void)ldo; (void)p; (void)bias; (void)lrelu;
#endif
}

/* GT (K x M) += the weight gradient for the taps of g and p->dT. */
static void
run_dw(enum wmode mode, float *GT, int ry, int rx, const struct grid *g,
    int M, int K, struct wsp *p)
{
#if HAVE_AVX512
	int k;

	long fr = (long)g->Hp * g->Wp;
	int b, i, nr = 0;

	for (k = 0; k < K; k++)
		p->src[k] = tap(mode, g, k, ry, rx);
	/* the outputs' rows only: dT is 0 on the frames' borders */
	for (b = 0; b < g->B; b++)
		for (i = 0; i < g->Hp - 1; i++)
			p->vo[nr++] = (int)(b * fr + (long)i * g->Wp);
	kdw(M, p->vo, nr, g->Wp - 1, K, p->dT, p->src, GT);
#else
	(void)mode; (void)GT; (void)ry; (void)rx; (void)g; (void)M; (void)K;
	(void)p;
#endif
}

/* dst[2j] = a[j], dst[2j + 1] = b[j] for j < n. */
NN_VEC static void
interleave(float *dst, const float *a, const float *b, int n)
{
	int j;

	for (j = 0; j < n; j++) {
		dst[2 * j] = a[j];
		dst[2 * j + 1] = b[j];
	}
}

/*
 * Rows 2i + ry (i < h) of samples b0 .. b0 + nb - 1 of y (M channels of 2h
 * x 2w) from the phase outputs ph0 (columns 2j) and ph1 (columns 2j + 1),
 * M rows of stride cs on the frames of g.
 */
static void
interleave_phases(const float *ph0, const float *ph1, long cs,
    const struct grid *g, int M, int b0, int nb, int h, int w, int ry,
    const struct act *y)
{
	long q, rs = y->rs, Wp = g->Wp;
	float *dst;
	int m, b, i;

	for (m = 0; m < M; m++)
		for (b = 0; b < nb; b++) {
			dst = y->p + m * y->cs + (b0 + b) * y->fs + ry * rs;
			q = m * cs + (long)b * g->Hp * Wp;
			for (i = 0; i < h; i++)
				interleave(dst + 2 * i * rs, ph0 + q + i * Wp,
				    ph1 + q + i * Wp, w);
		}
}

/*
 * Pack A (D0, M, 4, 4) for tconv4 into wp: under 8 output channels,
 * kt4one's layout (per channel m and input channel, 16 weights as (ry,
 * rx, a, c)); else kfwd's, one block of M x 4*D0 per phase.
 */
static void
pack_t4(const float *A, int D0, int M, float *wp)
{
	long mk = (long)M * 4 * D0;
	int m, c, k, ph;

	if (M >= 8) {
		for (ph = 0; ph < 4; ph++)
			pack(WM_PHASE, A, M, ph / 2, ph % 2, M, 4 * D0,
			    wp + ph * mk);
		return;
	}
	for (m = 0; m < M; m++)
		for (c = 0; c < D0; c++)
			for (ph = 0; ph < 4; ph++)
				for (k = 0; k < 4; k++)
					*wp++ = A[widx(WM_PHASE, M, m, c * 4 +
					    k, ph / 2, ph % 2)];
}

/* tconv4 with fewer than 8 output channels, one at a time (kt4one). */
static void
tconv4_narrow(const struct act *x, const float *wp, int D0, int M, int B,
    int h, int w, const struct act *y, struct wsp *p, const float *bias,
    int lrelu)
{
#if HAVE_AVX512
	struct grid g;
	float *o = p->out;
	long ocs;
	int m, ry, b0, nb;

	for (b0 = 0; b0 < B; b0 += nb) {
		nb = B - b0 < p->nb ? B - b0 : p->nb;
		g.p = p->in;
		grid_pad(x, D0, b0, nb, h, w, &g);
		ocs = cs_of(nb, g.Hp, g.Wp);
		for (m = 0; m < M; m++) {
			struct act ym = *y;

			ym.p += m * y->cs;
			kt4one(g.L, D0, wp + (long)m * D0 * 16, &g, o, ocs,
			    bias, m, lrelu);
			for (ry = 0; ry < 2; ry++)
				interleave_phases(o + ry * 2 * ocs, o + (ry *
				    2 + 1) * ocs, ocs, &g, 1, b0, nb, h, w, ry,
				    &ym);
		}
	}
#else
	(void)x; (void)wp; (void)D0; (void)M; (void)B; (void)h; (void)w;
	(void)y; (void)p; (void)bias; (void)lrelu;
#endif
}

/*
 * A transposed 4x4/2 conv of x (D0 channels, B samples of h x w) with
 * weights packed by pack_t4 into y (M, B, 2h, 2w): per chunk, the four
 * phases, a row parity at a time into two grids whose rows are then
 * interleaved.
 */
static void
tconv4(const struct act *x, const float *wp, int D0, int M, int B, int h,
    int w, const struct act *y, struct wsp *p, const float *bias, int lrelu)
{
	long mk = (long)M * 4 * D0;
	struct grid g, o[2];
	struct vecs v;
	int ry, rx, b0, nb;

	if (M < 8) {
		tconv4_narrow(x, wp, D0, M, B, h, w, y, p, bias, lrelu);
		return;
	}
	for (b0 = 0; b0 < B; b0 += nb) {
		nb = B - b0 < p->nb ? B - b0 : p->nb;
		g.p = p->in;
		grid_pad(x, D0, b0, nb, h, w, &g);
		grid_set(&o[0], M, nb, g.Hp, g.Wp, p->out);
		grid_set(&o[1], M, nb, g.Hp, g.Wp, p->out + M * o[0].cs);
		vec_list(&g, (long)g.Hp * g.Wp, g.Wp, p->vo, &v);
		for (ry = 0; ry < 2; ry++) {
			for (rx = 0; rx < 2; rx++)
				run_fwd(WM_PHASE, wp + (ry * 2 + rx) * mk,
				    ry, rx, &g, &v, M, 4 * D0, o[rx].p,
				    o[rx].cs, p, bias, lrelu);
			interleave_phases(o[0].p, o[1].p, o[0].cs, &g, M, b0,
			    nb, h, w, ry, y);
		}
	}
}

/*
 * Run the kernel on chunk b0 of grid g into y (M channels): straight into
 * y, when it computes just the outputs or y is a grid like g; else into
 * p->out, from where the outputs are copied to y.
 */
static void
run_into(enum wmode mode, const float *wp, const struct grid *g, int M,
    int K, int b0, const struct act *y, struct wsp *p, const float *bias,
    int lrelu)
{
	long ldo = cs_of(g->B, g->Hp, g->Wp);
	struct vecs v;

	if (y->grid || outputs_only(g)) {
		vec_list(g, y->fs, y->rs, p->vo, &v);
		run_fwd(mode, wp, 0, 0, g, &v, M, K, y->p + b0 * y->fs, y->cs,
		    p, bias, lrelu);
		return;
	}
	vec_list(g, (long)g->Hp * g->Wp, g->Wp, p->vo, &v);
	run_fwd(mode, wp, 0, 0, g, &v, M, K, p->out, ldo, p, bias, lrelu);
	extract(p->out, ldo, M, b0, g->B, g->Hp, g->Wp, g->Hp - 1, g->Wp - 1,
	    y);
}

/* A 4x4/2 conv of x (D1 channels, B samples of h x w) with weights A (M,
 * D1, 4, 4), packed as WM_S2D in wp, into y (M, B, h/2, w/2). */
static void
conv4(const struct act *x, const float *wp, int D1, int M, int B, int h,
    int w, const struct act *y, struct wsp *p, const float *bias, int lrelu)
{
	struct grid g;
	int b0, nb;

	for (b0 = 0; b0 < B; b0 += nb) {
		nb = B - b0 < p->nb ? B - b0 : p->nb;
		g.p = p->in;
		grid_s2d(x, D1, b0, nb, h, w, &g);
		run_into(WM_S2D, wp, &g, M, 16 * D1, b0, y, p, bias, lrelu);
	}
}

/* A 3x3/1 conv of x (D channels, B samples) into y (M, ...), with the
 * weights packed by mode in wp. */
static void
conv3(enum wmode mode, const struct act *x, const float *wp, int D, int M,
    int B, int h, int w, const struct act *y, struct wsp *p,
    const float *bias, int lrelu)
{
	struct grid g;
	int b0, nb;

	for (b0 = 0; b0 < B; b0 += nb) {
		nb = B - b0 < p->nb ? B - b0 : p->nb;
		g.p = p->in;
		grid_pad(x, D, b0, nb, h, w, &g);
		run_into(mode, wp, &g, M, 9 * D, b0, y, p, bias, lrelu);
	}
}

void
nn__direct_pack(const struct nn_conv *c, int h, int w, const float *wt,
    float *packed)
{
	switch (kind_of(c, h, w)) {
	case K_C3:	/* wt (OC, IC, 3, 3) */
		pack(WM_DIRECT3, wt, c->ic, 0, 0, c->oc, 9 * c->ic, packed);
		break;
	case K_T3:	/* wt (IC, OC, 3, 3): flipped, transposed */
		pack(WM_FLIPT3, wt, c->oc, 0, 0, c->oc, 9 * c->ic, packed);
		break;
	case K_C4:
		pack(WM_S2D, wt, c->ic, 0, 0, c->oc, 16 * c->ic, packed);
		break;
	case K_T4:	/* wt (IC, OC, 4, 4) */
		pack_t4(wt, c->ic, c->oc, packed);
		break;
	default:
		break;
	}
}

int
nn__direct_grid_ok(const struct nn_conv *c, int h, int w, int out)
{
	int k = kind_of(c, h, w);

	if (!nn__direct_ok(c, h, w))
		return 0;
	if (!out)
		return 1;
	return c->act != NN_ACT_SIGMOID && (k != K_T4 || c->oc >= 8);
}

size_t
nn__direct_grid_size(int C, int B, int h, int w)
{
	return (size_t)C * cs_of(B, h + 1, w + 1);
}

int
nn__direct_forward(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *wt, const float *packed, const float *bias,
    float *y, int grid, float *ws)
{
	int lrelu = c->act == NN_ACT_LRELU, fused = c->act != NN_ACT_SIGMOID;
	int kind = kind_of(c, h, w), oh, ow;
	const float *b = fused ? bias : NULL;
	struct act xa, ya;
	struct wsp p;

	carve(c, B, h, w, ws, &p);
	lrelu &= fused;
	if (packed == NULL) {
		nn__direct_pack(c, h, w, wt, p.wp);
		packed = p.wp;
	}
	oh = kind == K_C4 ? h / 2 : kind == K_T4 ? 2 * h : h;
	ow = kind == K_C4 ? w / 2 : kind == K_T4 ? 2 * w : w;
	xa = act_of(x, B, h, w, (grid & NN_GRID_IN) != 0);
	ya = act_of(y, B, oh, ow, (grid & NN_GRID_OUT) != 0);
	switch (kind) {
	case K_C3:
	case K_T3:
		conv3(c->transposed ? WM_FLIPT3 : WM_DIRECT3, &xa, packed,
		    c->ic, c->oc, B, h, w, &ya, &p, b, lrelu);
		break;
	case K_C4:
		conv4(&xa, packed, c->ic, c->oc, B, h, w, &ya, &p, b, lrelu);
		break;
	case K_T4:
		tconv4(&xa, packed, c->ic, c->oc, B, h, w, &ya, &p, b, lrelu);
		break;
	default:
		break;
	}
	/* the kernels wrote the grid's borders too, with what is thrown
	 * away; the next layer reads them as the zero padding */
	if (ya.grid)
		clear_pad(y, c->oc, B, oh + 1, ow + 1, ya.cs);
	return fused;
}

void
nn__direct_dx(const struct nn_conv *c, int B, int h, int w,
    const float *dy, const float *wt, float *dx, float *ws)
{
	int kind = kind_of(c, h, w);
	int yh = kind == K_C4 ? h / 2 : kind == K_T4 ? 2 * h : h;
	int yw = kind == K_C4 ? w / 2 : kind == K_T4 ? 2 * w : w;
	struct act da = act_of(dy, B, yh, yw, 0), xa = act_of(dx, B, h, w, 0);
	struct wsp p;

	carve(c, B, h, w, ws, &p);
	switch (kind) {
	case K_C3:	/* the transposed conv of dy: flipped, transposed */
		pack(WM_FLIPT3, wt, c->ic, 0, 0, c->ic, 9 * c->oc, p.wp);
		conv3(WM_FLIPT3, &da, p.wp, c->oc, c->ic, B, h, w, &xa, &p,
		    NULL, 0);
		break;
	case K_T3:	/* a conv of dy with wt (IC, OC, 3, 3) as (out, in) */
		pack(WM_DIRECT3, wt, c->oc, 0, 0, c->ic, 9 * c->oc, p.wp);
		conv3(WM_DIRECT3, &da, p.wp, c->oc, c->ic, B, h, w, &xa, &p,
		    NULL, 0);
		break;
	case K_C4:	/* the transposed conv of dy (OC, h/2, w/2) */
		pack_t4(wt, c->oc, c->ic, p.wp);
		tconv4(&da, p.wp, c->oc, c->ic, B, yh, yw, &xa, &p, NULL, 0);
		break;
	case K_T4:	/* a 4x4/2 conv of dy (OC, 2h, 2w) */
		pack(WM_S2D, wt, c->oc, 0, 0, c->ic, 16 * c->oc, p.wp);
		conv4(&da, p.wp, c->oc, c->ic, B, yh, yw, &xa, &p, NULL, 0);
		break;
	default:
		break;
	}
}

void
nn__direct_dw(const struct nn_conv *c, int B, int h, int w,
    const float *x, const float *dy, float *dw, float *ws)
{
	long hw = (long)h * w, mk = (long)c->oc * 16 * c->ic;
	int ry, rx, b0, nb, kind = kind_of(c, h, w), M = c->oc;
	struct act xa = act_of(x, B, h, w, 0);
	enum wmode mode;
	struct wsp p;
	struct grid g;

	carve(c, B, h, w, ws, &p);
	memset(p.wp, 0, 4 * mk * sizeof(float));
	for (b0 = 0; b0 < B; b0 += nb) {
		nb = B - b0 < p.nb ? B - b0 : p.nb;
		g.p = p.in;
		switch (kind) {
		case K_C3:
		case K_T3:
			grid_pad(&xa, c->ic, b0, nb, h, w, &g);
			place_t(dy + b0 * hw, M, nb, h, w, B * hw, 1, 0, 0, h,
			    w, &g, p.dT);
			run_dw(WM_DIRECT3, p.wp, 0, 0, &g, M, 9 * c->ic, &p);
			break;
		case K_C4:
			grid_s2d(&xa, c->ic, b0, nb, h, w, &g);
			place_t(dy + b0 * hw / 4, M, nb, h / 2, w / 2, B * hw /
			    4, 1, 0, 0, h / 2, w / 2, &g, p.dT);
			run_dw(WM_S2D, p.wp, 0, 0, &g, M, 16 * c->ic, &p);
			break;
		case K_T4:
			grid_pad(&xa, c->ic, b0, nb, h, w, &g);
			for (ry = 0; ry < 2; ry++)
				for (rx = 0; rx < 2; rx++) {
					place_t(dy + b0 * 4 * hw, M, nb, 2 * h,
					    2 * w, B * 4 * hw, 2, ry, rx, h, w,
					    &g, p.dT);
					run_dw(WM_PHASE, p.wp + (ry * 2 + rx) *
					    mk, ry, rx, &g, M, 4 * c->ic, &p);
				}
			break;
		default:
			return;
		}
	}
	switch (kind) {
	case K_C3:
	case K_T3:
		mode = c->transposed ? WM_FLIPT3 : WM_DIRECT3;
		unpack_add(mode, p.wp, c->transposed ? c->oc : c->ic, 0, 0, M,
		    9 * c->ic, dw);
		break;
	case K_C4:
		unpack_add(WM_S2D, p.wp, c->ic, 0, 0, M, 16 * c->ic, dw);
		break;
	default:
		for (ry = 0; ry < 2; ry++)
			for (rx = 0; rx < 2; rx++)
				unpack_add(WM_PHASE, p.wp + (ry * 2 + rx) * mk,
				    c->oc, ry, rx, M, 4 * c->ic, dw);
		break;
	}
}
