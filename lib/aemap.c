/*
 * aemap: sliding-window residual maps (see aemap.h).  Windows are cut
 * from the image (mirrored beyond its edges), reconstructed a batch at a
 * time and added into the image with a per-pixel weight; all of it runs
 * on the network's lanes, the windows shared out by count and the image
 * by bands of rows, so nothing but the network waits on one thread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aemap.h"
#include "nn/loss.h"
#include "nn/simd.h"

static float *
falloc(size_t n)
{
	void *p;

	if (n > (size_t)-1 / sizeof(float) || posix_memalign(&p, 64,
	    (n ? n : 1) * sizeof(float)) != 0)
		return NULL;
	return p;
}

int
aemap_init(struct aemap *m, struct ae *a, int stride, int res,
    enum aemap_mode mode, char *err, size_t errlen)
{
	int P = a->cfg.patch, C = a->cfg.channels, i;
	size_t n = (size_t)a->bmax * C * P * P;

	memset(m, 0, sizeof *m);
	m->a = a;
	m->stride = stride;
	m->res = res;
	m->mode = mode;
	if (!(m->taper = falloc(P)))
		goto nomem;
	for (i = 0; i < P; i++)	/* raised cosine, never quite 0 */
		m->taper[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) /
		    P));
	if (!(m->win = falloc(n)) || !(m->rec = falloc(n)) ||
	    !(m->wmap[0] = falloc((size_t)a->bmax * P * P)) ||
	    !(m->wmap[1] = falloc((size_t)a->bmax * P * P)))
		goto nomem;
	for (i = 0; i < a->nthreads; i++)
		if (!(m->lws[i] = falloc(nn_ssim_wsize(P, P))))
			goto nomem;
	return 0;
nomem:
	aemap_free(m);
	snprintf(err, errlen, "out of memory");
	return -1;
}

void
aemap_free(struct aemap *m)
{
	int i;

	free(m->taper);
	free(m->btmp);
	free(m->rimg);
	free(m->iws);
	free(m->win);
	free(m->rec);
	free(m->wmap[0]);
	free(m->wmap[1]);
	for (i = 0; i < AE_MAX_THREADS; i++)
		free(m->lws[i]);
	free(m->cnt);
	memset(m, 0, sizeof *m);
}

int
aemap_positions(int n, int patch, int stride, int *pos, int cap)
{
	int k = 0, x;

	if (n <= patch) {
		if (pos != NULL && cap > 0)
			pos[0] = 0;
		return 1;
	}
	for (x = 0; x + patch < n; x += stride, k++)
		if (pos != NULL && k < cap)
			pos[k] = x;
	if (pos != NULL && k < cap)
		pos[k] = n - patch;
	return k + 1;
}

/* Coordinate x of the image mirrored about its edges (... 1 0 | 0 1 ...
 * n-1 | n-1 n-2 ...), for any x, however far outside a side of n. */
static int
fold(int x, int n)
{
	x %= 2 * n;
	if (x < 0)
		x += 2 * n;
	return x < n ? x : 2 * n - 1 - x;
}

/* Copy the window at (x0, y0) of im, mirrored beyond its edges, to dst. */
static void
cut(const struct img *im, int x0, int y0, int P, float *dst)
{
	long hw = (long)im->w * im->h;
	int c, i, j;
	const float *row;

	for (c = 0; c < im->c; c++)
		for (i = 0; i < P; i++) {
			row = im->data + c * hw + (long)fold(y0 + i, im->h) *
			    im->w;
			if (x0 >= 0 && x0 + P <= im->w) {
				memcpy(dst, row + x0, P * sizeof *dst);
				dst += P;
				continue;
			}
			for (j = 0; j < P; j++)
				*dst++ = row[fold(x0 + j, im->w)];
		}
}

/* The rows (or columns) [*lo, *hi) of a window at x0 that fall inside a
 * side of n. */
static void
inside(int x0, int P, int n, int *lo, int *hi)
{
	*lo = x0 < 0 ? -x0 : 0;
	*hi = x0 + P <= n ? P : n - x0;
}

/* Lane work: the residual maps of this lane's windows. */
static void
lane_maps(void *ctx, int lane, int nlanes)
{
	struct aemap *m = ctx;
	int P = m->a->cfg.patch, C = m->a->cfg.channels, i;
	int lo = (int)((long)m->nwin * lane / nlanes);
	int hi = (int)((long)m->nwin * (lane + 1) / nlanes);
	long wsz = (long)C * P * P, msz = (long)P * P;

	for (i = lo; i < hi; i++) {
		if (m->res & AEMAP_SSIM)
			nn_ssim_map(C, P, P, m->rec + i * wsz, m->win + i * wsz,
			    m->wmap[0] + i * msz, m->lws[lane]);
		if (m->res & AEMAP_L2)
			nn_l2_map(C, P, P, m->rec + i * wsz, m->win + i * wsz,
			    m->wmap[1] + i * msz);
	}
}

/* The window rows [*r0, *r1) at y0 that fall inside the image rows [lo,
 * hi) of h. */
static void
rows_in(int y0, int P, int h, int lo, int hi, int *r0, int *r1)
{
	inside(y0, P, h, r0, r1);
	*r0 = *r0 > lo - y0 ? *r0 : lo - y0;
	*r1 = *r1 < hi - y0 ? *r1 : hi - y0;
}

/* Add window i's maps at (x0, y0) into the image maps, in the image rows
 * [lo, hi). */
static void
add_window(struct aemap *m, int i, int x0, int y0, int w, int h, int lo,
    int hi, float *const out[2])
{
	int P = m->a->cfg.patch, r, k, j, r0, r1, j0, j1;
	const float *src;
	float *dst;

	inside(x0, P, w, &j0, &j1);
	rows_in(y0, P, h, lo, hi, &r0, &r1);
	for (k = 0; k < 2; k++) {
		if (out[k] == NULL)
			continue;
		for (r = r0; r < r1; r++) {
			src = m->wmap[k] + (long)i * P * P + (long)r * P;
			dst = out[k] + (long)(y0 + r) * w + x0;
			for (j = j0; j < j1; j++)
				dst[j] += src[j];
		}
	}
	for (r = r0; r < r1; r++) {
		dst = m->cnt + (long)(y0 + r) * w + x0;
		for (j = j0; j < j1; j++)
			dst[j] += 1;
	}
}

/* Add window i's reconstruction at (x0, y0), weighted by the taper, into
 * the stitched image's rows [lo, hi); the weights go to m->cnt. */
NN_VEC static void
add_rec(struct aemap *m, int i, int x0, int y0, int w, int h, int lo, int hi)
{
	int P = m->a->cfg.patch, C = m->a->cfg.channels, r, c, j;
	int r0, r1, j0, j1;
	long hw = (long)w * h;
	const float *src;
	float *dst, *cw, t;

	inside(x0, P, w, &j0, &j1);
	rows_in(y0, P, h, lo, hi, &r0, &r1);
	for (r = r0; r < r1; r++) {
		t = m->taper[r];
		for (c = 0; c < C; c++) {
			src = m->rec + (((long)i * C + c) * P + r) * P;
			dst = m->rimg + c * hw + (long)(y0 + r) * w + x0;
			for (j = j0; j < j1; j++)
				dst[j] += t * m->taper[j] * src[j];
		}
		cw = m->cnt + (long)(y0 + r) * w + x0;
		for (j = j0; j < j1; j++)
			cw[j] += t * m->taper[j];
	}
}

/* One pass of a 1-D Gaussian along rows (dx 1) or columns: dst from src,
 * n lines of len values, weights g[-r..r], renormalised at the ends. */
NN_VEC static void
gpass(const float *src, float *dst, int len, int n, long step, long lstep,
    const float *g, int r)
{
	int i, t, l;
	float s, ws;

	for (l = 0; l < n; l++)
		for (i = 0; i < len; i++) {
			s = ws = 0;
			for (t = -r; t <= r; t++)
				if (i + t >= 0 && i + t < len) {
					s += g[t + r] * src[l * lstep + (long)(i +
					    t) * step];
					ws += g[t + r];
				}
			dst[l * lstep + (long)i * step] = s / ws;
		}
}

/* Blur map (w x h) in place by a Gaussian of sigma; tmp holds w * h. */
static void
blur(float *map, int w, int h, float sigma, float *tmp)
{
	int r = (int)ceilf(3 * sigma), t;
	float g[2 * 64 + 1];

	if (r > 64)
		r = 64;
	for (t = -r; t <= r; t++)
		g[t + r] = expf(-(float)(t * t) / (2 * sigma * sigma));
	gpass(map, tmp, w, h, 1, w, g, r);	/* along rows */
	gpass(tmp, map, h, w, w, 1, g, r);	/* along columns */
}

/* SSIM workspace floats for one lane's band of im, nlanes sharing it. */
static size_t
ssim_wsize(const struct img *im, int nlanes)
{
	return nn_ssim_rows_wsize((im->h + nlanes - 1) / nlanes, im->w);
}

/* One image's pass, for the lane work below, which shares it out among
 * the network's lanes: windows by count, the image by bands of rows. */
struct pass {
	struct aemap *m;
	const struct img *im;
	const int *px, *py;	/* window positions */
	int nx;
	int k, b;		/* this batch: windows k .. k + b - 1 */
	float *out[2];		/* SSIM, L2 maps, or NULL */
};

/* Rows [*lo, *hi) of h that lane takes of nlanes. */
static void
band(int h, int lane, int nlanes, int *lo, int *hi)
{
	*lo = (int)((long)h * lane / nlanes);
	*hi = (int)((long)h * (lane + 1) / nlanes);
}

/* Lane work: cut the lane's share of the batch's windows. */
static void
cut_share(void *ctx, int lane, int nlanes)
{
	const struct pass *s = ctx;
	int P = s->m->a->cfg.patch, i, lo, hi;
	long wsz = (long)s->im->c * P * P;

	band(s->b, lane, nlanes, &lo, &hi);
	for (i = lo; i < hi; i++)
		cut(s->im, s->px[(s->k + i) % s->nx], s->py[(s->k + i) / s->nx],
		    P, s->m->win + i * wsz);
}

/* Lane work: every window of the batch, added into the lane's band. */
static void
add_share(void *ctx, int lane, int nlanes)
{
	const struct pass *s = ctx;
	int w = s->im->w, h = s->im->h, i, x0, y0, lo, hi;

	band(h, lane, nlanes, &lo, &hi);
	for (i = 0; i < s->b; i++) {
		x0 = s->px[(s->k + i) % s->nx];
		y0 = s->py[(s->k + i) / s->nx];
		if (s->m->mode == AEMAP_WINDOWS)
			add_window(s->m, i, x0, y0, w, h, lo, hi, s->out);
		else
			add_rec(s->m, i, x0, y0, w, h, lo, hi);
	}
}

/* Lane work: the band's averages over the windows, and its L2 map. */
static void
average_share(void *ctx, int lane, int nlanes)
{
	const struct pass *s = ctx;
	struct aemap *m = s->m;
	const struct img *im = s->im;
	size_t n = (size_t)im->w * im->h, q, q0, q1;
	int lo, hi, k;

	band(im->h, lane, nlanes, &lo, &hi);
	q0 = (size_t)lo * im->w;
	q1 = (size_t)hi * im->w;
	if (m->mode == AEMAP_WINDOWS) {
		for (k = 0; k < 2; k++)
			if (s->out[k] != NULL)
				for (q = q0; q < q1; q++)
					s->out[k][q] /= m->cnt[q];
		return;
	}
	for (k = 0; k < im->c; k++)
		for (q = q0; q < q1; q++)
			m->rimg[k * n + q] /= m->cnt[q];
	if (s->out[1] != NULL)
		nn_l2_map_rows(im->c, im->h, im->w, lo, hi, m->rimg, im->data,
		    s->out[1]);
}

/* Lane work: the band's SSIM map, once every band is averaged. */
static void
ssim_share(void *ctx, int lane, int nlanes)
{
	const struct pass *s = ctx;
	const struct img *im = s->im;
	int lo, hi;

	band(im->h, lane, nlanes, &lo, &hi);
	nn_ssim_map_rows(im->c, im->h, im->w, lo, hi, s->m->rimg, im->data,
	    s->out[0], s->m->iws + lane * ssim_wsize(im, nlanes));
}

int
aemap_run(struct aemap *m, const struct img *im, float *ssim, float *l2,
    char *err, size_t errlen)
{
	int P = m->a->cfg.patch, M = m->margin, nx, ny, k, i;
	int *px, *py;
	size_t n = (size_t)im->w * im->h;
	float *out[2], *nc;
	struct pass s;

	out[0] = m->res & AEMAP_SSIM ? ssim : NULL;
	out[1] = m->res & AEMAP_L2 ? l2 : NULL;
	if (n > m->cap) {
		free(m->rimg);
		free(m->btmp);
		m->rimg = m->btmp = NULL;
		if ((nc = falloc(n)) == NULL || (m->mode == AEMAP_STITCH &&
		    (m->rimg = falloc(n * im->c)) == NULL) || (m->blur > 0 &&
		    (m->btmp = falloc(n)) == NULL)) {
			free(nc);
			m->cap = 0;
			snprintf(err, errlen, "out of memory for a %dx%d map",
			    im->w, im->h);
			return -1;
		}
		free(m->cnt);
		m->cnt = nc;
		m->cap = n;
	}
	if (m->blur > 0 && m->btmp == NULL && (m->btmp = falloc(m->cap)) ==
	    NULL) {
		snprintf(err, errlen, "out of memory for a %dx%d map", im->w,
		    im->h);
		return -1;
	}
	if (m->mode == AEMAP_STITCH && (m->res & AEMAP_SSIM) &&
	    ssim_wsize(im, m->a->nthreads) * m->a->nthreads > m->iwscap) {
		free(m->iws);
		m->iwscap = ssim_wsize(im, m->a->nthreads) * m->a->nthreads;
		if ((m->iws = falloc(m->iwscap)) == NULL) {
			m->iwscap = 0;
			snprintf(err, errlen, "out of memory for a %dx%d map",
			    im->w, im->h);
			return -1;
		}
	}
	/* the windows tile the image widened by the margin on each side */
	nx = aemap_positions(im->w + 2 * M, P, m->stride, NULL, 0);
	ny = aemap_positions(im->h + 2 * M, P, m->stride, NULL, 0);
	px = malloc((size_t)(nx + ny) * sizeof *px);
	if (px == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	py = px + nx;
	aemap_positions(im->w + 2 * M, P, m->stride, px, nx);
	aemap_positions(im->h + 2 * M, P, m->stride, py, ny);
	for (i = 0; i < nx; i++)
		px[i] -= M;
	for (i = 0; i < ny; i++)
		py[i] -= M;
	for (k = 0; k < 2; k++)
		if (out[k] != NULL)
			memset(out[k], 0, n * sizeof(float));
	memset(m->cnt, 0, n * sizeof(float));
	if (m->mode == AEMAP_STITCH)
		memset(m->rimg, 0, n * im->c * sizeof(float));
	s = (struct pass){ m, im, px, py, nx, 0, 0, { out[0], out[1] } };
	for (s.k = 0; s.k < nx * ny; s.k += s.b) {
		s.b = nx * ny - s.k < m->a->bmax ? nx * ny - s.k : m->a->bmax;
		ae_parallel(m->a, cut_share, &s);
		ae_forward(m->a, s.b, m->win, m->rec);
		m->nwin = s.b;
		if (m->mode == AEMAP_WINDOWS)
			ae_parallel(m->a, lane_maps, m);
		ae_parallel(m->a, add_share, &s);
	}
	ae_parallel(m->a, average_share, &s);
	if (m->mode == AEMAP_STITCH && out[0] != NULL)
		ae_parallel(m->a, ssim_share, &s);
	if (m->blur > 0)
		for (k = 0; k < 2; k++)
			if (out[k] != NULL)
				blur(out[k], im->w, im->h, m->blur, m->btmp);
	free(px);
	return 0;
}

/* Put v at node i of the min-heap h (k values) and sift it down. */
static void
sift(float *h, long k, long i, float v)
{
	long c;

	while ((c = 2 * i + 1) < k) {
		if (c + 1 < k && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
}

static const char *const kind_names[] = { "error", "deficit", "",
	"deviation" };

int
aemap_kind_of(const char *name)
{
	int k;

	for (k = 0; k < 4; k++)
		if (*kind_names[k] != '\0' && strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *
aemap_kind_name(enum aemap_kind k)
{
	return kind_names[k];
}

void
aemap_deviation(float *map, long n, const struct aemap_range *r, int sides)
{
	/* a degenerate range (every validation error equal) still gives
	 * finite, ordered values */
	float below = sides & AEMAP_BELOW ? 1 / fmaxf(r->mid - r->lo,
	    1e-12f) : 0;
	float above = sides & AEMAP_ABOVE ? 1 / fmaxf(r->hi - r->mid,
	    1e-12f) : 0;
	long i;

	for (i = 0; i < n; i++)
		map[i] = map[i] < r->mid ? (r->mid - map[i]) * below :
		    (map[i] - r->mid) * above;
}

void
aemap_score(const float *map, long n, long k, float *scratch, double *max,
    double *topk)
{
	double s = 0;
	float mx = map[0];
	long i;

	if (k > n)
		k = n;
	if (k < 1)
		k = 1;
	for (i = 1; i < n; i++)
		mx = map[i] > mx ? map[i] : mx;
	/*
	 * The k largest in a min-heap: past the first few thousand values,
	 * hardly any beats its smallest, so this is one comparison a value
	 * (0.3 ms for 512 x 512, where selecting in a copy took 3 ms).
	 */
	for (i = 0; i < k; i++)
		scratch[i] = map[i];
	for (i = k / 2 - 1; i >= 0; i--)
		sift(scratch, k, i, scratch[i]);
	for (i = k; i < n; i++)
		if (map[i] > scratch[0])
			sift(scratch, k, 0, map[i]);
	for (i = 0; i < k; i++)
		s += scratch[i];
	*max = mx;
	*topk = s / k;
}
