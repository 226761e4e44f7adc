/*
 * warp: perspective resampling.  Rows are processed in blocks of BLK
 * pixels: first the source coordinates of the whole block (affine in x
 * along the row, one reciprocal per pixel; a loop the compiler vectorises),
 * stored as a tap offset and fractional weights, then each channel plane
 * gathers its taps for the block.  Splitting coordinates from gathers keeps
 * the per-channel loops short and the three planes' reads sequential-ish
 * along the mapped row.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "warp.h"

#define BLK 128
#define MAXTHREADS 8

static const char *const interp_names[] = {"bilinear", "bicubic"};

int
warp_interp_parse(const char *name, enum warp_interp *interp)
{
	if (strcmp(name, "bilinear") == 0)
		*interp = WARP_BILINEAR;
	else if (strcmp(name, "bicubic") == 0)
		*interp = WARP_BICUBIC;
	else
		return -1;
	return 0;
}

const char *
warp_interp_name(enum warp_interp interp)
{
	return interp_names[interp == WARP_BICUBIC];
}

struct job {
	const struct img *src;
	struct img *dst;
	const double *m;
	enum warp_interp interp;
	float fill;
	int y0, y1;		/* rows [y0, y1) */
};

typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

/* Lanes of a where mask m is set, else b (m lanes are 0 or -1). */
static inline v4f
sel(v4i m, v4f a, v4f b)
{
	return (v4f)(((v4i)a & m) | ((v4i)b & ~m));
}

static inline v4i
seli(v4i m, v4i a, v4i b)
{
	return (a & m) | (b & ~m);
}

/*
 * Source taps of dst pixels (x0 .. x0 + n - 1, y), four at a time (the
 * arrays hold n rounded up to 4).  The point is clamped into [0, w - 1] x
 * [0, h - 1]; ix, iy are its floor, at most w - far and h - far (far 2
 * keeps a 2x2 neighbourhood inside), fx, fy the remainders (up to 1 at the
 * clamp); ok is -1 where the point lies inside the source's pixel squares
 * and 0 outside or at infinity (those lanes get point (0, 0)).  The row
 * start is computed in double and the offsets along the block in float,
 * which keeps the coordinates exact to about 1e-4 pixel for the sizes img
 * allows.
 */
static void
block_taps(const double *m, int w, int h, int x0, int n, int y, int far,
    v4i *ix, v4i *iy, v4f *fx, v4f *fy, v4i *ok)
{
	const float bx = (float)(m[0] * x0 + m[1] * y + m[2]);
	const float by = (float)(m[3] * x0 + m[4] * y + m[5]);
	const float bw = (float)(m[6] * x0 + m[7] * y + m[8]);
	const float xhi = (float)w - 0.5f, yhi = (float)h - 0.5f;
	const v4f zero = {0, 0, 0, 0}, one = {1, 1, 1, 1};
	const v4f xmax = zero + (float)(w - 1), ymax = zero + (float)(h - 1);
	const v4i xlim = (v4i){0, 0, 0, 0} + (w > far ? w - far : 0);
	const v4i ylim = (v4i){0, 0, 0, 0} + (h > far ? h - far : 0);
	v4f kk = {0, 1, 2, 3}, u, v, iw;
	v4i in, jx, jy;
	int k;

	for (k = 0; k < n; k += 4, kk += 4) {
		iw = one / (bw + (float)m[6] * kk);
		u = (bx + (float)m[0] * kk) * iw;
		v = (by + (float)m[3] * kk) * iw;
		/* NaN and infinities fail the comparisons */
		in = (u >= -0.5f) & (u <= xhi) & (v >= -0.5f) & (v <= yhi);
		u = sel(in & (u > 0), sel(u > xmax, xmax, u), zero);
		v = sel(in & (v > 0), sel(v > ymax, ymax, v), zero);
		jx = __builtin_convertvector(u, v4i);	/* u >= 0: floor */
		jy = __builtin_convertvector(v, v4i);
		jx = seli(jx > xlim, xlim, jx);
		jy = seli(jy > ylim, ylim, jy);
		u -= __builtin_convertvector(jx, v4f);
		v -= __builtin_convertvector(jy, v4f);
		ix[k / 4] = jx;
		iy[k / 4] = jy;
		fx[k / 4] = u;
		fy[k / 4] = v;
		ok[k / 4] = in;
	}
}

static void
rows_bilinear(const struct job *j)
{
	const struct img *s = j->src;
	struct img *d = j->dst;
	const size_t splane = (size_t)s->w * (size_t)s->h;
	const size_t dplane = (size_t)d->w * (size_t)d->h;
	const int dx = s->w > 1, stride = s->h > 1 ? s->w : 0, sw = s->w;
	v4i ix[BLK / 4], iy[BLK / 4], ok[BLK / 4], off[BLK / 4];
	v4f fx[BLK / 4], fy[BLK / 4];
	int y, xb, n, k, c;

	for (y = j->y0; y < j->y1; y++)
		for (xb = 0; xb < d->w; xb += n) {
			n = d->w - xb < BLK ? d->w - xb : BLK;
			block_taps(j->m, s->w, s->h, xb, n, y, 2, ix, iy, fx,
			    fy, ok);
			for (k = 0; k < (n + 3) / 4; k++)
				off[k] = iy[k] * sw + ix[k];
			for (c = 0; c < s->c; c++) {
				const float *p = s->data + c * splane;
				float *o = d->data + c * dplane +
				    (size_t)y * (size_t)d->w + (size_t)xb;
				const v4f fill = (v4f){0, 0, 0, 0} + j->fill;

				for (k = 0; k < n; k += 4) {
					const int *ko = (const int *)&off[k / 4];
					const float *q0 = p + ko[0];
					const float *q1 = p + ko[1];
					const float *q2 = p + ko[2];
					const float *q3 = p + ko[3];
					v4f a = {q0[0], q1[0], q2[0], q3[0]};
					v4f b = {q0[dx], q1[dx], q2[dx], q3[dx]};
					v4f e = {q0[stride], q1[stride],
					    q2[stride], q3[stride]};
					v4f f = {q0[stride + dx], q1[stride + dx],
					    q2[stride + dx], q3[stride + dx]};
					v4f r;

					a += fx[k / 4] * (b - a);
					e += fx[k / 4] * (f - e);
					r = sel(ok[k / 4], a + fy[k / 4] *
					    (e - a), fill);
					if (n - k >= 4)
						memcpy(o + k, &r, sizeof r);
					else
						memcpy(o + k, &r, (size_t)(n - k) *
						    sizeof *o);
				}
			}
		}
}

/* Keys' cubic convolution weights (a = -0.5) for fraction t in [0, 1). */
static inline v4f
cubic_weights(float t)
{
	float t2 = t * t, t3 = t2 * t;

	return (v4f){-0.5f * t3 + t2 - 0.5f * t, 1.5f * t3 - 2.5f * t2 + 1,
	    -1.5f * t3 + 2 * t2 + 0.5f * t, 0.5f * t3 - 0.5f * t2};
}

static inline int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline v4f
load4(const float *p)
{
	v4f r;

	memcpy(&r, p, sizeof r);
	return r;
}

/* The 4x4 taps from top-left (x, y) with edge clamping, weighted. */
static float
cubic_clamped(const float *p, int w, int h, int x, int y, v4f wx, v4f wy)
{
	float v = 0, r;
	int a, b;

	for (b = 0; b < 4; b++) {
		const float *q = p + (size_t)clampi(y + b, 0, h - 1) * (size_t)w;

		for (r = 0, a = 0; a < 4; a++)
			r += wx[a] * q[clampi(x + a, 0, w - 1)];
		v += wy[b] * r;
	}
	return v;
}

static void
rows_bicubic(const struct job *j)
{
	const struct img *s = j->src;
	struct img *d = j->dst;
	const size_t splane = (size_t)s->w * (size_t)s->h;
	const size_t dplane = (size_t)d->w * (size_t)d->h;
	const size_t sw = (size_t)s->w;
	v4i ix[BLK / 4], iy[BLK / 4], ok[BLK / 4];
	v4f fx[BLK / 4], fy[BLK / 4], wx[BLK], wy[BLK];
	int x0[BLK], y0[BLK];
	unsigned char inner[BLK], valid[BLK];
	int y, xb, n, k, c;

	for (y = j->y0; y < j->y1; y++)
		for (xb = 0; xb < d->w; xb += n) {
			n = d->w - xb < BLK ? d->w - xb : BLK;
			block_taps(j->m, s->w, s->h, xb, n, y, 1, ix, iy, fx,
			    fy, ok);
			for (k = 0; k < n; k++) {
				x0[k] = ix[k / 4][k % 4] - 1;	/* first tap */
				y0[k] = iy[k / 4][k % 4] - 1;
				wx[k] = cubic_weights(fx[k / 4][k % 4]);
				wy[k] = cubic_weights(fy[k / 4][k % 4]);
				valid[k] = ok[k / 4][k % 4] != 0;
				inner[k] = x0[k] >= 0 && x0[k] + 3 < s->w &&
				    y0[k] >= 0 && y0[k] + 3 < s->h;
			}
			for (c = 0; c < s->c; c++) {
				const float *p = s->data + c * splane;
				float *o = d->data + c * dplane +
				    (size_t)y * (size_t)d->w + (size_t)xb;

				for (k = 0; k < n; k++) {
					const float *q;
					float v;
					v4f acc;

					if (!valid[k]) {
						o[k] = j->fill;
						continue;
					}
					if (!inner[k]) {
						v = cubic_clamped(p, s->w, s->h,
						    x0[k], y0[k], wx[k], wy[k]);
						o[k] = v < 0 ? 0 : v > 1 ? 1 : v;
						continue;
					}
					q = p + (size_t)y0[k] * sw + (size_t)x0[k];
					acc = load4(q) * wy[k][0] +
					    load4(q + sw) * wy[k][1] +
					    load4(q + 2 * sw) * wy[k][2] +
					    load4(q + 3 * sw) * wy[k][3];
					acc *= wx[k];
					v = (acc[0] + acc[1]) + (acc[2] + acc[3]);
					o[k] = v < 0 ? 0 : v > 1 ? 1 : v;
				}
			}
		}
}

static void *
run(void *arg)
{
	const struct job *j = arg;

	if (j->interp == WARP_BICUBIC)
		rows_bicubic(j);
	else
		rows_bilinear(j);
	return NULL;
}

int
warp_perspective(const struct img *src, struct img *dst, const double m[9],
    enum warp_interp interp, float fill, int nthreads, char *err,
    size_t errlen)
{
	struct job jobs[MAXTHREADS];
	pthread_t tid[MAXTHREADS];
	int i, started = 0, rc = 0, e;

	if (src->c != dst->c) {
		snprintf(err, errlen, "source has %d channels, destination %d",
		    src->c, dst->c);
		return -1;
	}
	if (src->w < 1 || src->h < 1 || dst->w < 1 || dst->h < 1 ||
	    src->data == NULL || dst->data == NULL) {
		snprintf(err, errlen, "empty image");
		return -1;
	}
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAXTHREADS)
		nthreads = MAXTHREADS;
	if (nthreads > dst->h)
		nthreads = dst->h;
	for (i = 0; i < nthreads; i++) {
		jobs[i].src = src;
		jobs[i].dst = dst;
		jobs[i].m = m;
		jobs[i].interp = interp;
		jobs[i].fill = fill;
		jobs[i].y0 = (int)((long)dst->h * i / nthreads);
		jobs[i].y1 = (int)((long)dst->h * (i + 1) / nthreads);
	}
	for (i = 1; i < nthreads; i++) {
		if ((e = pthread_create(&tid[i], NULL, run, &jobs[i])) != 0) {
			snprintf(err, errlen, "cannot start a thread: %s",
			    strerror(e));
			rc = -1;
			break;
		}
		started = i;
	}
	if (rc == 0)
		run(&jobs[0]);
	for (i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	return rc;
}
