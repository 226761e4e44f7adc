/*
 * cc_test: the streaming labeller against a plain flood fill on random
 * masks of many sizes and densities, both connectivities, and on the shapes
 * that break run-based labellers: empty, full, single pixels, diagonal
 * chains, spirals, U shapes merging late, one-pixel-wide images.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "test.h"

/* Reference statistics of one region, straight from the definition. */
struct ref {
	long area;
	int x0, y0, x1, y1, fx, fy;
	double se, sx, sy, sxx, syy, sxy;
	float me;
};

static uint64_t rng = 88172645463325252u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Flood fill in raster order; returns the number of regions in *out. */
static size_t
flood(const unsigned char *m, const float *v, int w, int h, int conn,
    struct ref **out)
{
	int *lab = calloc((size_t)w * h, sizeof *lab);
	int *stack = malloc((size_t)w * h * sizeof *stack);
	struct ref *r = NULL;
	size_t n = 0;
	int i, x, y;

	for (i = 0; i < w * h; i++) {
		int sp = 0;
		struct ref *g;

		if (m[i] == 0 || lab[i] != 0)
			continue;
		r = realloc(r, (n + 1) * sizeof *r);
		g = &r[n++];
		memset(g, 0, sizeof *g);
		g->x0 = g->x1 = g->fx = i % w;
		g->y0 = g->y1 = g->fy = i / w;
		g->me = v ? v[i] : 0;
		lab[i] = (int)n;
		stack[sp++] = i;
		while (sp > 0) {
			int p = stack[--sp], dx, dy;

			x = p % w;
			y = p / w;
			g->area++;
			g->sx += x;
			g->sy += y;
			g->sxx += (double)x * x;
			g->syy += (double)y * y;
			g->sxy += (double)x * y;
			if (v != NULL) {
				g->se += v[p];
				if (v[p] > g->me)
					g->me = v[p];
			}
			g->x0 = x < g->x0 ? x : g->x0;
			g->x1 = x > g->x1 ? x : g->x1;
			g->y1 = y > g->y1 ? y : g->y1;
			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++) {
					int q, nx = x + dx, ny = y + dy;

					if ((dx == 0 && dy == 0) ||
					    (conn == 4 && dx != 0 && dy != 0))
						continue;
					if (nx < 0 || ny < 0 || nx >= w ||
					    ny >= h)
						continue;
					q = ny * w + nx;
					if (m[q] != 0 && lab[q] == 0) {
						lab[q] = (int)n;
						stack[sp++] = q;
					}
				}
		}
	}
	free(lab);
	free(stack);
	*out = r;
	return n;
}

/* Label m both ways and compare every statistic; 1 if all agree. */
static int
agree(struct cc *c, const unsigned char *m, const float *v, int w, int h,
    int conn, long min_area)
{
	struct ref *r;
	size_t n = flood(m, v, w, h, conn, &r), i, k = 0;
	long maxa = 0;
	int ok;

	ok = cc_label(c, m, (size_t)w, v, (size_t)w, w, h, conn, min_area) == 0;
	for (i = 0; ok && i < n; i++) {
		const struct ref *g = &r[i];
		const struct cc_region *q;
		double a = (double)g->area, cx = g->sx / a, cy = g->sy / a;

		maxa = g->area > maxa ? g->area : maxa;
		if (g->area < min_area)
			continue;
		if (k >= c->nreg) {
			ok = 0;
			break;
		}
		q = &c->reg[k++];
		ok = q->area == g->area && q->x == g->x0 && q->y == g->y0 &&
		    q->w == g->x1 - g->x0 + 1 && q->h == g->y1 - g->y0 + 1 &&
		    q->fx == g->fx && q->fy == g->fy && q->max_err == g->me &&
		    fabs(q->sum_err - g->se) <= 1e-9 * (1 + fabs(g->se)) &&
		    fabs(q->cx - cx) < 1e-9 && fabs(q->cy - cy) < 1e-9 &&
		    fabs(q->mu20 - (g->sxx / a - cx * cx)) < 1e-7 &&
		    fabs(q->mu02 - (g->syy / a - cy * cy)) < 1e-7 &&
		    fabs(q->mu11 - (g->sxy / a - cx * cy)) < 1e-7 &&
		    fabs(q->fill - a / ((double)q->w * q->h)) < 1e-12;
		if (!ok)
			printf("# region %zu differs: area %ld/%ld at %d,%d\n",
			    i, q->area, g->area, q->x, q->y);
	}
	ok = ok && k == c->nreg && c->nall == (long)n && c->max_area == maxa;
	free(r);
	return ok;
}

static void
random_masks(struct cc *c, int conn)
{
	static unsigned char m[80 * 80];
	static float v[80 * 80];
	int t, i, bad = 0;
	char what[80];

	for (t = 0; t < 400; t++) {
		int w = 1 + (int)(rnd() % 80), h = 1 + (int)(rnd() % 80);
		unsigned dens = rnd() % 100;

		for (i = 0; i < w * h; i++) {
			m[i] = rnd() % 100 < dens ? (unsigned char)(1 +
			    rnd() % 255) : 0;
			v[i] = (float)(rnd() % 100000) / 1000;
		}
		if (!agree(c, m, t % 3 ? v : NULL, w, h, conn,
		    t % 4 == 0 ? 1 + (long)(rnd() % 6) : 1))
			bad++;
	}
	snprintf(what, sizeof what, "400 random masks, %d-connected", conn);
	t_ok(bad == 0, what);
}

/* Blobs on a wide image: long rows with many runs, word-skipping paths. */
static void
wide_masks(struct cc *c)
{
	int w = 3001, h = 40, i, ok = 1, conn;
	unsigned char *m = calloc((size_t)w * h, 1);
	float *v = malloc((size_t)w * h * sizeof *v);

	for (i = 0; i < w * h; i++)
		v[i] = (float)(i % 977) * 0.5f;
	for (i = 0; i < 300; i++) {
		int x0 = (int)(rnd() % (unsigned)w), y0 = (int)(rnd() % 40);
		int bw = 1 + (int)(rnd() % 40), bh = 1 + (int)(rnd() % 8);
		int x, y;

		for (y = y0; y < y0 + bh && y < h; y++)
			for (x = x0; x < x0 + bw && x < w; x++)
				m[y * w + x] = 255;
	}
	for (conn = 4; conn <= 8; conn += 4)
		ok &= agree(c, m, v, w, h, conn, 1);
	t_ok(ok, "3001x40 with 300 rectangles, both connectivities");
	free(m);
	free(v);
}

static void
shapes(struct cc *c)
{
	unsigned char m[64 * 64];
	float v[64 * 64];
	int i, x, y, ok;

	for (i = 0; i < 64 * 64; i++)
		v[i] = (float)((i * 37) % 101);

	memset(m, 0, sizeof m);
	ok = cc_label(c, m, 64, v, 64, 64, 64, 8, 1) == 0 && c->nreg == 0 &&
	    c->nall == 0 && c->max_area == 0;
	t_ok(ok, "empty mask: no region");

	memset(m, 1, sizeof m);
	ok = cc_label(c, m, 64, v, 64, 64, 64, 4, 1) == 0 && c->nreg == 1 &&
	    c->reg[0].area == 4096 && c->reg[0].w == 64 &&
	    c->reg[0].h == 64 && c->reg[0].fill == 1;
	t_ok(ok, "full mask: one region covering it");
	t_near(c->reg[0].elongation, 1, 1e-12, "full square: elongation 1");

	memset(m, 0, sizeof m);
	m[5 * 64 + 7] = 1;
	ok = cc_label(c, m, 64, v, 64, 64, 64, 8, 1) == 0 && c->nreg == 1 &&
	    c->reg[0].x == 7 && c->reg[0].y == 5 && c->reg[0].area == 1 &&
	    c->reg[0].max_err == v[5 * 64 + 7] &&
	    c->reg[0].mean_err == v[5 * 64 + 7];
	t_ok(ok, "single pixel: its box and value");
	t_near(c->reg[0].elongation, 1, 1e-12, "single pixel: elongation 1");

	/* diagonal chain: one region 8-connected, 20 regions 4-connected */
	memset(m, 0, sizeof m);
	for (i = 0; i < 20; i++)
		m[i * 64 + i] = 1;
	ok = cc_label(c, m, 64, NULL, 0, 64, 64, 8, 1) == 0 && c->nreg == 1 &&
	    c->reg[0].area == 20 && c->reg[0].w == 20;
	t_ok(ok, "diagonal chain, 8-connected: one region");
	t_near(c->reg[0].orientation, 45, 1e-9, "diagonal chain: 45 degrees");
	ok = cc_label(c, m, 64, NULL, 0, 64, 64, 4, 1) == 0 && c->nreg == 20;
	t_ok(ok, "diagonal chain, 4-connected: 20 regions");
	t_ok(agree(c, m, v, 64, 64, 8, 1) && agree(c, m, v, 64, 64, 4, 1),
	    "diagonal chain: statistics agree with flood fill");

	/* anti-diagonal: joins only through the (x+1, y-1) neighbour */
	memset(m, 0, sizeof m);
	for (i = 0; i < 30; i++)
		m[i * 64 + 40 - i] = 1;
	ok = cc_label(c, m, 64, NULL, 0, 64, 64, 8, 1) == 0 && c->nreg == 1;
	t_ok(ok, "anti-diagonal chain, 8-connected: one region");
	t_near(c->reg[0].orientation, -45, 1e-9,
	    "anti-diagonal chain: -45 degrees");

	/* square spiral: one long region that folds back on itself */
	memset(m, 0, sizeof m);
	{
		int x0 = 0, y0 = 0, x1 = 63, y1 = 63;

		while (x0 <= x1 && y0 <= y1) {
			for (x = x0; x <= x1; x++)
				m[y0 * 64 + x] = 1;
			for (y = y0; y <= y1; y++)
				m[y * 64 + x1] = 1;
			for (x = x0; x <= x1; x++)
				m[y1 * 64 + x] = 1;
			for (y = y0 + 2; y <= y1; y++)
				m[y * 64 + x0] = 1;
			if (x0 + 2 <= x1)
				m[(y0 + 2) * 64 + x0 + 1] = 1;
			x0 += 2;
			y0 += 2;
			x1 -= 2;
			y1 -= 2;
		}
	}
	ok = agree(c, m, v, 64, 64, 8, 1) && agree(c, m, v, 64, 64, 4, 1);
	t_ok(ok, "spiral: agrees with flood fill, both connectivities");

	/* many U shapes whose arms merge only at the bottom row */
	memset(m, 0, sizeof m);
	for (x = 0; x < 64; x += 2)
		for (y = 0; y < 63; y++)
			m[y * 64 + x] = 1;
	for (x = 0; x < 64; x++)
		m[63 * 64 + x] = 1;
	ok = cc_label(c, m, 64, v, 64, 64, 64, 4, 1) == 0 && c->nreg == 1 &&
	    c->reg[0].area == 32 * 63 + 64 && agree(c, m, v, 64, 64, 4, 1);
	t_ok(ok, "comb merging on its last row: one region");

	/* 1-pixel-wide and 1-pixel-tall images */
	for (i = 0; i < 64; i++)
		m[i] = (unsigned char)(i % 5 != 0);
	ok = agree(c, m, v, 1, 64, 8, 1) && agree(c, m, v, 64, 1, 8, 1) &&
	    agree(c, m, v, 1, 64, 4, 1) && agree(c, m, v, 64, 1, 4, 1);
	t_ok(ok, "one-pixel-wide and one-pixel-tall images");
	ok = cc_label(c, m, 1, NULL, 0, 1, 1, 8, 1) == 0 && c->nreg == 0 &&
	    cc_label(c, m + 1, 1, NULL, 0, 1, 1, 8, 1) == 0 && c->nreg == 1;
	t_ok(ok, "1x1 images, background and foreground");

	/* rectangle: elongation W/H, orientation 0 or 90 */
	memset(m, 0, sizeof m);
	for (y = 10; y < 13; y++)
		for (x = 5; x < 29; x++)
			m[y * 64 + x] = 1;
	cc_label(c, m, 64, NULL, 0, 64, 64, 8, 1);
	t_near(c->reg[0].elongation, 8, 1e-9, "24x3 rectangle: elongation 8");
	t_near(c->reg[0].orientation, 0, 1e-12, "24x3 rectangle: 0 degrees");
	memset(m, 0, sizeof m);
	for (y = 10; y < 40; y++)
		m[y * 64 + 3] = 1;
	cc_label(c, m, 64, NULL, 0, 64, 64, 8, 1);
	t_near(c->reg[0].elongation, 30, 1e-9, "1x30 line: elongation 30");
	t_near(c->reg[0].orientation, 90, 1e-12, "1x30 line: 90 degrees");

	/* min_area drops small regions but they still count as found */
	memset(m, 0, sizeof m);
	m[0] = m[10] = m[11] = m[12] = 1;
	ok = cc_label(c, m, 64, NULL, 0, 64, 64, 8, 3) == 0 && c->nreg == 1 &&
	    c->reg[0].area == 3 && c->nall == 2 && c->max_area == 3;
	t_ok(ok, "min_area keeps 3-pixel region, drops 1-pixel one");

	t_ok(cc_begin(c, 0, 8, 1) == -1 && cc_begin(c, 10, 6, 1) == -1,
	    "bad width or connectivity refused");
}

/* Rows pushed one at a time from separate buffers (no image in memory). */
static void
streaming(struct cc *c)
{
	int w = 500, h = 300, x, y, ok = 1;
	unsigned char *m = malloc((size_t)w * h), row[500];
	struct cc c2 = CC_INIT;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			m[y * w + x] = (unsigned char)(((x / 7 + y / 5) % 3 ==
			    0) || (rnd() % 10 == 0));
	cc_begin(&c2, w, 8, 2);
	for (y = 0; y < h; y++) {
		memcpy(row, m + y * w, (size_t)w);
		ok &= cc_row(&c2, row, NULL) == 0;
		memset(row, 0xa5, sizeof row);	/* must not be read again */
	}
	ok &= cc_end(&c2) == 0;
	cc_label(c, m, (size_t)w, NULL, 0, w, h, 8, 2);
	ok &= c->nreg == c2.nreg && c->nreg > 0;
	for (x = 0; ok && x < (int)c->nreg; x++) {
		const struct cc_region *p = &c->reg[x], *q = &c2.reg[x];

		ok = p->x == q->x && p->y == q->y && p->w == q->w &&
		    p->h == q->h && p->area == q->area && p->cx == q->cx &&
		    p->cy == q->cy && p->mu11 == q->mu11;
	}
	t_ok(ok, "row-by-row streaming equals whole-mask labelling");
	cc_free(&c2);
	free(m);
}

int
main(void)
{
	struct cc c = CC_INIT;

	shapes(&c);
	random_masks(&c, 8);
	random_masks(&c, 4);
	wide_masks(&c);
	streaming(&c);
	cc_free(&c);
	return t_done();
}
