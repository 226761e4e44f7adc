/*
 * cc: run-based connected-component labelling in one streaming pass.
 *
 * Each row is cut into runs of foreground.  A run is connected to the runs
 * of the row above that overlap it (4-connectivity) or overlap or touch it
 * diagonally (8-connectivity); two sorted run lists are merged with two
 * pointers.  A run takes the label of the first such run (its root in the
 * union-find) and unites the others with it, merging their accumulators.
 * After the row, live roots are renumbered 0..n-1 (so the union-find never
 * holds more than two rows' labels) and every label of the row above that
 * is still a root but has no run in this row is a finished region.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"

/* Grow the per-row buffers to hold a row of width w. */
static int
grow(struct cc *c, int w)
{
	size_t n = (size_t)w + 2;
	void *p[6];
	int i;

	if (c->cap >= w + 2)
		return 0;
	p[0] = realloc(c->prev, n * sizeof *c->prev);
	if (p[0] != NULL)
		c->prev = p[0];
	p[1] = realloc(c->cur, n * sizeof *c->cur);
	if (p[1] != NULL)
		c->cur = p[1];
	p[2] = realloc(c->par, n * sizeof *c->par);
	if (p[2] != NULL)
		c->par = p[2];
	p[3] = realloc(c->newid, n * sizeof *c->newid);
	if (p[3] != NULL)
		c->newid = p[3];
	p[4] = realloc(c->acc, n * sizeof *c->acc);
	if (p[4] != NULL)
		c->acc = p[4];
	p[5] = realloc(c->acc2, n * sizeof *c->acc2);
	if (p[5] != NULL)
		c->acc2 = p[5];
	for (i = 0; i < 6; i++)
		if (p[i] == NULL) {
			errno = ENOMEM;
			return -1;
		}
	c->cap = w + 2;
	return 0;
}

int
cc_begin(struct cc *c, int w, int conn, long min_area)
{
	if (w < 1 || (conn != 4 && conn != 8) || w > INT32_MAX - 2) {
		errno = EINVAL;
		return -1;
	}
	if (grow(c, w) == -1)
		return -1;
	c->w = w;
	c->conn = conn;
	c->min_area = min_area < 1 ? 1 : min_area;
	c->y = 0;
	c->nprev = 0;
	c->nlab = 0;
	c->nreg = 0;
	c->nall = 0;
	c->max_area = 0;
	return 0;
}

/*
 * Cut row m into runs; returns their number.  Whole 8-byte words of
 * background, and words with no zero byte inside a run, are skipped at
 * once.
 */
static int
find_runs(const unsigned char *m, int w, struct cc_run *run)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	int x = 0, s, n = 0;
	uint64_t v;

	while (x < w) {
		for (; x + 8 <= w; x += 8) {
			memcpy(&v, m + x, 8);
			if (v != 0)
				break;
		}
		while (x < w && m[x] == 0)
			x++;
		if (x >= w)
			break;
		s = x;
		for (; x + 8 <= w; x += 8) {
			memcpy(&v, m + x, 8);
			if (((v - ones) & ~v & highs) != 0)	/* zero byte */
				break;
		}
		while (x < w && m[x] != 0)
			x++;
		run[n].s = s;
		run[n].e = x - 1;
		n++;
	}
	return n;
}

/* Sum and maximum of v[0..n-1], four independent chains for speed. */
static void
sum_max(const float *v, int n, double *sum, float *max)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	float m0 = v[0], m1 = v[0], m2 = v[0], m3 = v[0];
	int i;

	for (i = 0; i + 4 <= n; i += 4) {
		s0 += v[i];
		s1 += v[i + 1];
		s2 += v[i + 2];
		s3 += v[i + 3];
		m0 = v[i] > m0 ? v[i] : m0;
		m1 = v[i + 1] > m1 ? v[i + 1] : m1;
		m2 = v[i + 2] > m2 ? v[i + 2] : m2;
		m3 = v[i + 3] > m3 ? v[i + 3] : m3;
	}
	for (; i < n; i++) {
		s0 += v[i];
		m0 = v[i] > m0 ? v[i] : m0;
	}
	m0 = m1 > m0 ? m1 : m0;
	m2 = m3 > m2 ? m3 : m2;
	*sum = (s0 + s1) + (s2 + s3);
	*max = m2 > m0 ? m2 : m0;
}

/* Sum of k^2 for k = 0..n (n >= -1). */
static int64_t
sq_sum(int64_t n)
{
	return n * (n + 1) * (2 * n + 1) / 6;
}

/* Accumulator of run [s, e] on row y, with values val (may be NULL). */
static void
acc_run(struct cc_acc *a, int s, int e, int y, const float *val)
{
	int64_t n = e - s + 1, sx = ((int64_t)s + e) * n / 2;

	a->area = n;
	a->sx = sx;
	a->sy = (int64_t)y * n;
	a->sxx = sq_sum(e) - sq_sum(s - 1);
	a->syy = (int64_t)y * y * n;
	a->sxy = (int64_t)y * sx;
	if (val != NULL)
		sum_max(val + s, (int)n, &a->se, &a->me);
	else {
		a->se = 0;
		a->me = 0;
	}
	a->x0 = s;
	a->x1 = e;
	a->y0 = y;
	a->y1 = y;
	a->fx = s;
}

/* a += run [s, e] on row y, which lies below a's first row. */
static void
acc_add_run(struct cc_acc *a, int s, int e, int y, const float *val)
{
	int64_t n = e - s + 1, sx = ((int64_t)s + e) * n / 2;
	double se;
	float me;

	a->area += n;
	a->sx += sx;
	a->sy += (int64_t)y * n;
	a->sxx += sq_sum(e) - sq_sum(s - 1);
	a->syy += (int64_t)y * y * n;
	a->sxy += (int64_t)y * sx;
	if (val != NULL) {
		sum_max(val + s, (int)n, &se, &me);
		a->se += se;
		if (me > a->me)
			a->me = me;
	}
	if (s < a->x0)
		a->x0 = s;
	if (e > a->x1)
		a->x1 = e;
	a->y1 = y;
}

/* a += b. */
static void
acc_merge(struct cc_acc *a, const struct cc_acc *b)
{
	a->area += b->area;
	a->sx += b->sx;
	a->sy += b->sy;
	a->sxx += b->sxx;
	a->syy += b->syy;
	a->sxy += b->sxy;
	a->se += b->se;
	if (b->me > a->me)
		a->me = b->me;
	if (b->x0 < a->x0)
		a->x0 = b->x0;
	if (b->x1 > a->x1)
		a->x1 = b->x1;
	if (b->y0 < a->y0 || (b->y0 == a->y0 && b->fx < a->fx)) {
		a->y0 = b->y0;
		a->fx = b->fx;
	}
	if (b->y1 > a->y1)
		a->y1 = b->y1;
}

static int
find(int *par, int l)
{
	while (par[l] != l) {
		par[l] = par[par[l]];	/* path halving */
		l = par[l];
	}
	return l;
}

/* Finish region a: count it and keep it if large enough. */
static int
emit(struct cc *c, const struct cc_acc *a)
{
	struct cc_region *r;
	double n = (double)a->area, vx, vy, d, h, l1, l2;

	c->nall++;
	if (a->area > c->max_area)
		c->max_area = (long)a->area;
	if (a->area < c->min_area)
		return 0;
	if (c->nreg == c->capreg) {
		size_t cap = c->capreg ? 2 * c->capreg : 64;

		r = realloc(c->reg, cap * sizeof *r);
		if (r == NULL) {
			errno = ENOMEM;
			return -1;
		}
		c->reg = r;
		c->capreg = cap;
	}
	r = &c->reg[c->nreg++];
	r->x = a->x0;
	r->y = a->y0;
	r->w = a->x1 - a->x0 + 1;
	r->h = a->y1 - a->y0 + 1;
	r->fx = a->fx;
	r->fy = a->y0;
	r->area = (long)a->area;
	r->sum_err = a->se;
	r->max_err = a->me;
	r->mean_err = a->se / n;
	r->fill = n / ((double)r->w * r->h);
	r->cx = (double)a->sx / n;
	r->cy = (double)a->sy / n;
	r->mu20 = ((double)a->sxx - (double)a->sx * r->cx) / n;
	r->mu02 = ((double)a->syy - (double)a->sy * r->cy) / n;
	r->mu11 = ((double)a->sxy - (double)a->sx * r->cy) / n;
	if (r->mu20 < 0)	/* rounding on a one-pixel-wide region */
		r->mu20 = 0;
	if (r->mu02 < 0)
		r->mu02 = 0;
	vx = r->mu20 + 1.0 / 12;
	vy = r->mu02 + 1.0 / 12;
	d = (vx - vy) / 2;
	h = sqrt(d * d + r->mu11 * r->mu11);
	l1 = (vx + vy) / 2 + h;
	l2 = (vx + vy) / 2 - h;
	r->elongation = sqrt(l1 / l2);	/* l2 >= 1/12: unit squares */
	r->orientation = 0.5 * atan2(2 * r->mu11, r->mu20 - r->mu02) *
	    (180 / M_PI);
	if (r->orientation <= -90)
		r->orientation += 180;
	return 0;
}

int
cc_row(struct cc *c, const unsigned char *fg, const float *val)
{
	struct cc_run *P = c->prev, *R = c->cur, *t;
	struct cc_acc *acc = c->acc, *ta;
	int *par = c->par, *newid = c->newid;
	int y = c->y++, d = c->conn == 8, np = c->nprev, nold = c->nlab;
	int nlab = nold, nc, i, j, k, l, lab, m;

	nc = find_runs(fg, c->w, R);
	for (i = j = 0; i < nc; i++) {
		int s = R[i].s, e = R[i].e;

		while (j < np && P[j].e < s - d)
			j++;
		lab = -1;
		for (k = j; k < np && P[k].s <= e + d; k++) {
			l = find(par, P[k].lab);
			if (lab < 0)
				lab = l;
			else if (l != lab) {
				par[l] = lab;
				acc_merge(&acc[lab], &acc[l]);
			}
		}
		if (lab < 0) {
			lab = nlab++;
			par[lab] = lab;
			acc_run(&acc[lab], s, e, y, val);
		} else
			acc_add_run(&acc[lab], s, e, y, val);
		R[i].lab = lab;
	}

	/* Renumber the live roots; roots of the row above left are done. */
	for (l = 0; l < nlab; l++)
		newid[l] = -1;
	for (i = m = 0; i < nc; i++) {
		l = find(par, R[i].lab);
		if (newid[l] < 0) {
			newid[l] = m;
			c->acc2[m++] = acc[l];
		}
		R[i].lab = newid[l];
	}
	for (l = 0; l < nold; l++)
		if (par[l] == l && newid[l] < 0 && emit(c, &acc[l]) == -1)
			return -1;
	for (l = 0; l < m; l++)
		par[l] = l;
	ta = c->acc;
	c->acc = c->acc2;
	c->acc2 = ta;
	t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	c->nprev = nc;
	c->nlab = m;
	return 0;
}

static int
raster_cmp(const void *a, const void *b)
{
	const struct cc_region *p = a, *q = b;

	if (p->fy != q->fy)
		return p->fy < q->fy ? -1 : 1;
	return (p->fx > q->fx) - (p->fx < q->fx);
}

int
cc_end(struct cc *c)
{
	int l;

	for (l = 0; l < c->nlab; l++)	/* all live labels are roots */
		if (emit(c, &c->acc[l]) == -1)
			return -1;
	c->nlab = 0;
	c->nprev = 0;
	if (c->nreg > 1)
		qsort(c->reg, c->nreg, sizeof *c->reg, raster_cmp);
	return 0;
}

int
cc_label(struct cc *c, const unsigned char *mask, size_t stride,
    const float *val, size_t vstride, int w, int h, int conn, long min_area)
{
	int y;

	if (cc_begin(c, w, conn, min_area) == -1)
		return -1;
	for (y = 0; y < h; y++)
		if (cc_row(c, mask + (size_t)y * stride,
		    val != NULL ? val + (size_t)y * vstride : NULL) == -1)
			return -1;
	return cc_end(c);
}

void
cc_free(struct cc *c)
{
	free(c->prev);
	free(c->cur);
	free(c->par);
	free(c->newid);
	free(c->acc);
	free(c->acc2);
	free(c->reg);
	memset(c, 0, sizeof *c);
}
