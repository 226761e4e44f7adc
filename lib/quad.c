/*
 * quad: panel detection (see quad.h for the model).  Three stages:
 *
 * 1. Lines on a copy downscaled to about LR_SIDE pixels (edges.h, lines.h).
 * 2. For every line, a profile table: colours sampled across the line at
 *    integer offsets -R..R, summed in chunks of CH samples along it, as
 *    prefix sums, so the mean profile and its along-line roughness over any
 *    stretch of the line cost O(R).  Every plausible quadrilateral of two
 *    roughly horizontal and two roughly vertical lines is scored side by
 *    side: next to the line, on one side, a bezel band must be flat along
 *    and across, colourless, at least WMIN wide and end at another edge or
 *    at the photo's border; the four bands must agree in colour.
 * 3. Full-resolution refinement of the winner's panel lines (see
 *    refine_side()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quad.h"

#define LR_SIDE 400	/* longer side of the detection copy */
#define LR_SIGMA 1.0f	/* smoothing before gradients, copy pixels */
#define NTH 360		/* Hough angle steps over 180 degrees */
#define NLINES 36	/* Hough lines used for quadrilaterals */
#define R 32		/* profile half-width, copy pixels */
#define NOFF (2 * R + 1)
#define CH 4		/* pixels per chunk along a line */
#define TSTEP 2		/* sample spacing along a line */
#define NV 7		/* per chunk and offset: 3 colour sums, count,
			   roughness sum, roughness count, edge hits */
#define WMIN 4		/* narrowest bezel band, copy pixels */
#define PSTART 2	/* the band is tested from this offset out */

#define RS 20		/* full-resolution search half-width, pass 1 */
#define RS2 12		/* later passes */
#define RSTEP 0.5	/* profile step, pixels */
#define BINLEN 24	/* pixels along a side per edge point */
#define NPASS 2
#define WIN0 3.0	/* colour windows beside an edge: from WIN0 */
#define WIN1 8.0	/* to WIN1 pixels away */
#define FLAT_TOL 0.05	/* the bezel window's largest deviation */
#define BEZ_TOL 0.1	/* its distance from the band's colour */
#define STEP_MIN 0.006	/* colour step across the panel edge */
#define GSPAN 1		/* gradient half-span, profile samples */
#define GNOISE 3.0	/* an edge's gradient over the bezel's, at least */
#define OUT_REL 0.15	/* the outermost edge vs the strongest, at least */

struct prof {
	double m[NOFF][3];	/* mean colour at each offset */
	double q[NOFF];		/* mean roughness along the line */
	double v[NOFF];		/* fraction of samples inside the photo */
	double e[NOFF];		/* fraction of samples on a parallel edge */
};

struct sidefit {
	int ok, dir, w, border;	/* dir +1: band outside the line */
	int nocol;		/* the band is out of the photo: no colour */
	double col[3];		/* band colour */
	double rough;		/* band roughness */
	double eline, efar;	/* colour steps at the line and band end */
	double cline, cfar;	/* edge-pixel cover of the line and band end */
};

struct params {
	double qmax;		/* band roughness limit */
	double cmax;		/* band colour drift limit */
	double satmax;		/* band colour: max - min channel */
	double consmax;		/* band colours: spread between sides */
	double covmin;		/* edge pixels along each side, fraction */
	double cornmax;		/* ring corner colour vs its bands */
};

#define QJUMP 2.5	/* roughness rise that ends a band */
#define SPREAD_W 3	/* score lost per unit of band colour spread */
#define CORNER_W 2	/* score lost per unit of ring corner deviation */
#define AREA_W 0.5	/* score per unit of area (fraction of the photo) */

static const struct params defparams = {0.035, 0.018, 0.08, 0.16, 0.3,
    0.08};

static double
cdist(const double *a, const double *b, int c)
{
	double s = 0;
	int k;

	for (k = 0; k < c; k++)
		s += (a[k] - b[k]) * (a[k] - b[k]);
	return sqrt(s);
}

/* Bilinear colour at (x, y); 0 outside [0, w-1] x [0, h-1]. */
static int
sample(const struct img *im, double x, double y, float *out)
{
	const size_t plane = (size_t)im->w * im->h;
	double fx, fy;
	size_t o;
	int ix, iy, c, dx, dy;

	if (!(x >= 0 && y >= 0 && x <= im->w - 1 && y <= im->h - 1))
		return 0;
	ix = (int)x;
	iy = (int)y;
	dx = ix + 1 < im->w;
	dy = iy + 1 < im->h ? im->w : 0;
	fx = x - ix;
	fy = y - iy;
	o = (size_t)iy * im->w + ix;
	for (c = 0; c < im->c; c++) {
		const float *p = im->data + c * plane + o;

		out[c] = (float)((1 - fy) * ((1 - fx) * p[0] + fx * p[dx]) +
		    fy * ((1 - fx) * p[dy] + fx * p[dy + dx]));
	}
	return 1;
}

static int
ensure_img(struct img *im, int w, int h, int c, char *err, size_t errlen)
{
	if (im->data != NULL && im->w == w && im->h == h && im->c == c)
		return 0;
	img_free(im);
	return img_alloc(im, w, h, c, err, errlen);
}

/* The part of line l inside [0, w-1] x [0, h-1]: [*t0, *t1]; -1 if none. */
static int
clip_line(const struct line *l, int w, int h, double *t0, double *t1)
{
	double fx = l->rho * l->nx, fy = l->rho * l->ny;
	double dx = -l->ny, dy = l->nx, a = -INFINITY, b = INFINITY;
	double p[4] = {-dx, dx, -dy, dy};
	double q[4] = {fx, w - 1 - fx, fy, h - 1 - fy};
	int k;

	for (k = 0; k < 4; k++) {
		if (fabs(p[k]) < 1e-12) {
			if (q[k] < 0)
				return -1;
			continue;
		}
		if (p[k] < 0)
			a = fmax(a, q[k] / p[k]);
		else
			b = fmin(b, q[k] / p[k]);
	}
	if (!(a < b))
		return -1;
	*t0 = a;
	*t1 = b;
	return 0;
}

/*
 * Is the pixel nearest (x, y) on an edge of em whose gradient is within 15
 * degrees of l's normal?
 */
static int
edge_hit(const struct edgemap *em, const struct line *l, double x, double y)
{
	const double cosmax = 0.9659;	/* cos 15 degrees */
	long ix, iy;
	size_t k;

	if (!(x > -0.5 && y > -0.5))
		return 0;
	ix = (long)(x + 0.5);
	iy = (long)(y + 0.5);
	if (ix >= em->w || iy >= em->h)
		return 0;
	k = (size_t)iy * em->w + (size_t)ix;
	return em->edge[k] && fabs(em->gx[k] * l->nx + em->gy[k] * l->ny) >=
	    cosmax * em->mag[k];
}

/* Profile tables for the first n lines of ws->seg over ws->small. */
static int
build_tables(struct quad_ws *ws, int n, char *err, size_t errlen)
{
	const struct img *im = &ws->small;
	size_t need = 0;
	int i, j, s, ri, k;

	for (i = 0; i < n; i++) {
		double t0, t1;

		ws->lt[i].nch = 0;
		ws->lt[i].off = need;
		if (clip_line(&ws->seg[i].l, im->w, im->h, &t0, &t1) == -1)
			continue;
		ws->lt[i].t0 = t0;
		ws->lt[i].nch = (int)((t1 - t0 + 1) / CH);
		need += (size_t)(ws->lt[i].nch + 1) * NOFF * NV;
	}
	if (need > ws->tabcap) {
		free(ws->tab);
		ws->tab = malloc(need * sizeof *ws->tab);
		if (ws->tab == NULL) {
			ws->tabcap = 0;
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ws->tabcap = need;
	}
	for (i = 0; i < n; i++) {
		const struct line *l = &ws->seg[i].l;
		float *tb = ws->tab + ws->lt[i].off, prev[NOFF][3];
		unsigned char pv[NOFF];

		if (ws->lt[i].nch == 0)
			continue;
		memset(tb, 0, NOFF * NV * sizeof *tb);
		memset(pv, 0, sizeof pv);
		for (j = 0; j < ws->lt[i].nch; j++) {
			float *row = tb + (size_t)(j + 1) * NOFF * NV;

			memcpy(row, row - NOFF * NV, NOFF * NV * sizeof *row);
			for (s = 0; s < CH; s += TSTEP) {
				double t = ws->lt[i].t0 + j * CH + s;
				double bx = l->rho * l->nx - t * l->ny;
				double by = l->rho * l->ny + t * l->nx;

				for (ri = 0; ri < NOFF; ri++) {
					float col[3] = {0, 0, 0}, *v = row +
					    ri * NV;
					double x = bx + (ri - R) * l->nx;
					double y = by + (ri - R) * l->ny;
					int ok = sample(im, x, y, col);

					v[6] += edge_hit(&ws->em, l, x, y);

					if (ok) {
						for (k = 0; k < im->c; k++)
							v[k] += col[k];
						v[3] += 1;
					}
					if (ok && pv[ri]) {
						float d = 0;

						for (k = 0; k < im->c; k++)
							d += (col[k] -
							    prev[ri][k]) *
							    (col[k] -
							    prev[ri][k]);
						v[4] += sqrtf(d);
						v[5] += 1;
					}
					pv[ri] = (unsigned char)ok;
					memcpy(prev[ri], col, sizeof col);
				}
			}
		}
	}
	return 0;
}

/*
 * Mean profile of line i over t in [ta, tb]; -1 if that covers fewer than
 * 3 chunks.
 */
static int
side_profile(const struct quad_ws *ws, int i, double ta, double tb,
    struct prof *p)
{
	const struct quad_ltab *lt = &ws->lt[i];
	const float *a, *b;
	int ja, jb, ri, k;
	double span;

	ja = (int)ceil((ta - lt->t0) / CH);
	jb = (int)floor((tb - lt->t0) / CH);
	ja = ja < 0 ? 0 : ja;
	jb = jb > lt->nch ? lt->nch : jb;
	if (jb - ja < 3)
		return -1;
	span = (double)(jb - ja) * CH / TSTEP;
	a = ws->tab + lt->off + (size_t)ja * NOFF * NV;
	b = ws->tab + lt->off + (size_t)jb * NOFF * NV;
	for (ri = 0; ri < NOFF; ri++) {
		const float *x = a + ri * NV, *y = b + ri * NV;
		double cnt = y[3] - x[3], rc = y[5] - x[5];

		for (k = 0; k < 3; k++)
			p->m[ri][k] = cnt > 0 ? (y[k] - x[k]) / cnt : 0;
		p->q[ri] = rc > 0 ? (y[4] - x[4]) / rc : INFINITY;
		p->v[ri] = cnt / span;
		p->e[ri] = (y[6] - x[6]) / span;
	}
	return 0;
}

static double
sat(const double *col, int c)
{
	double lo = col[0], hi = col[0];
	int k;

	for (k = 1; k < c; k++) {
		lo = fmin(lo, col[k]);
		hi = fmax(hi, col[k]);
	}
	return hi - lo;
}

/*
 * The bezel test on one side: sign +1 if the line's normal points out of
 * the quadrilateral.  opt[0] is the band outside the line (the line is the
 * panel's edge), opt[1] the band inside (the line is the lid's edge).
 */
static void
analyse_side(const struct prof *p, int sign, int c, const struct params *pr,
    struct sidefit opt[2])
{
	int dir, k, j, n, q;

	for (dir = 1; dir >= -1; dir -= 2) {
		const int sd = sign * dir;
		struct sidefit *f = &opt[dir < 0];
		double mean[3];

		memset(f, 0, sizeof *f);
		j = R + sd * PSTART;
		if (dir > 0 && p->v[j] < 0.6 && p->v[R - sd * 2] >= 0.6 &&
		    p->v[R - sd * PSTART * 2] >= 0.6) {
			/* the panel's edge with the bezel out of the photo */
			f->ok = f->nocol = f->border = 1;
			f->dir = 1;
			f->cline = fmax(p->e[R], fmax(p->e[R + 1], p->e[R - 1]));
			f->ok = f->cline >= pr->covmin;
			continue;
		}
		if (p->v[j] < 0.6 || p->q[j] > pr->qmax)
			continue;
		memcpy(mean, p->m[j], sizeof mean);
		f->rough = p->q[j];
		n = 1;
		for (k = PSTART; k < R; k++) {
			j = R + sd * (k + 1);
			if (p->v[j] < 0.6) {
				f->border = 1;
				break;
			}
			/* the band ends where it turns rough or changes colour */
			if (p->q[j] > pr->qmax || p->q[j] > fmax(QJUMP *
			    f->rough / n, f->rough / n + 0.004) ||
			    cdist(p->m[j], mean, c) > pr->cmax)
				break;
			for (q = 0; q < 3; q++)
				mean[q] += (p->m[j][q] - mean[q]) / (n + 1);
			f->rough += p->q[j];
			n++;
		}
		if (k >= R - 1 || k < WMIN)
			continue;	/* too wide (not a band) or too thin */
		f->w = k;
		f->dir = dir;
		f->rough /= n;
		memcpy(f->col, mean, sizeof mean);
		if (p->v[R - sd * 2] >= 0.6)
			f->eline = cdist(p->m[R + sd * 2], p->m[R - sd * 2], c);
		/* a band running out of the photo has no far edge to show */
		f->efar = f->border ? 0 : cdist(p->m[R + sd * (k + 2)], mean,
		    c);
		f->cline = fmax(p->e[R], fmax(p->e[R + 1], p->e[R - 1]));
		f->cfar = 0;
		if (!f->border)
			for (j = k; j <= k + 2 && j <= R; j++)
				f->cfar = fmax(f->cfar, p->e[R + sd * j]);
		f->ok = sat(f->col, c) <= pr->satmax && f->cline >= pr->covmin;
	}
}

/* Position along l of the point (x, y). */
static double
along(const struct line *l, double x, double y)
{
	return -l->ny * x + l->nx * y;
}

/* 2 x signed area of the polygon c (4 corners). */
static double
area4(const double *c)
{
	double a = 0;
	int k;

	for (k = 0; k < 4; k++)
		a += c[2 * k] * c[2 * ((k + 1) % 4) + 1] -
		    c[2 * ((k + 1) % 4)] * c[2 * k + 1];
	return a;
}

/* Convex, clockwise in image coordinates (y down), angles 35..145 deg. */
static int
plausible_shape(const double *c, int w, int h)
{
	double minside = 0.12 * (w < h ? w : h);
	int k;

	for (k = 0; k < 4; k++) {
		const double *a = c + 2 * ((k + 3) % 4), *b = c + 2 * k;
		const double *d = c + 2 * ((k + 1) % 4);
		double ux = a[0] - b[0], uy = a[1] - b[1];
		double vx = d[0] - b[0], vy = d[1] - b[1];
		double lu = hypot(ux, uy), lv = hypot(vx, vy), cs;

		if (lv < minside || lu < minside)
			return 0;
		if (ux * vy - uy * vx >= 0)	/* not a right turn */
			return 0;
		cs = (ux * vx + uy * vy) / (lu * lv);
		if (fabs(cs) > cos(35 * M_PI / 180))
			return 0;
		if (b[0] < -0.3 * w || b[0] > 1.3 * w || b[1] < -0.3 * h ||
		    b[1] > 1.3 * h)
			return 0;
	}
	return 1;
}

struct cand {
	int li[4];		/* line per side: top, right, bottom, left */
	double c[8];
	struct sidefit sf[4];
	double score;
};

/* Corners of lines top, right, bottom, left. */
static int
corners(const struct seg *s, const int li[4], double *c)
{
	int k;

	for (k = 0; k < 4; k++)
		if (line_intersect(&s[li[k]].l, &s[li[(k + 3) % 4]].l,
		    &c[2 * k], &c[2 * k + 1]) == -1)
			return -1;
	return 0;
}

/*
 * Quality of one side's option: straight steps at both ends of a flat
 * band.
 */
static double
side_quality(const struct sidefit *f)
{
	if (f->nocol)
		return 0.5 * f->cline;
	return f->cline * sqrt(fmin(f->eline, 1)) + f->cfar *
	    sqrt(fmin(f->efar, 1)) - 2 * f->rough;
}

/* Mean colour of ws->small over n points from (x, y) in steps (dx, dy). */
static int
mean_along(const struct quad_ws *ws, double x, double y, double dx,
    double dy, int n, double *m)
{
	float col[3];
	int k, q, got = 0;

	m[0] = m[1] = m[2] = 0;
	for (k = 0; k < n; k++)
		if (sample(&ws->small, x + k * dx, y + k * dy, col)) {
			for (q = 0; q < ws->small.c; q++)
				m[q] += col[q];
			got++;
		}
	if (got < n)
		return -1;
	for (q = 0; q < 3; q++)
		m[q] /= got;
	return 0;
}

/*
 * The bezel is a ring: just outside each corner of the panel, diagonally,
 * it shows the same colour as both bands next to that corner.  The
 * panel's sides are the lines, moved in by the band's width where the
 * band is inside.  Returns the largest colour distance at a corner (0 for
 * corners too near the photo's border to test), or INFINITY if the sides
 * do not meet.
 */
static double
ring_corners(const struct quad_ws *ws, const struct cand *cd,
    const struct sidefit *f[4])
{
	const int c = ws->small.c;
	struct line pl[4];
	double cx = 0, cy = 0, dev = 0, pc[8];
	int k;

	for (k = 0; k < 4; k++) {
		cx += cd->c[2 * k] / 4;
		cy += cd->c[2 * k + 1] / 4;
	}
	for (k = 0; k < 4; k++) {
		pl[k] = ws->seg[cd->li[k]].l;
		if (line_dist(&pl[k], cx, cy) > 0) {	/* normal outward */
			pl[k].nx = -pl[k].nx;
			pl[k].ny = -pl[k].ny;
			pl[k].rho = -pl[k].rho;
		}
		if (f[k]->dir < 0)
			pl[k].rho -= f[k]->w + 0.5;
	}
	for (k = 0; k < 4; k++)
		if (line_intersect(&pl[(k + 3) % 4], &pl[k], &pc[2 * k],
		    &pc[2 * k + 1]) == -1)
			return INFINITY;
	for (k = 0; k < 4; k++) {
		const int ia = (k + 3) % 4, ib = k;
		const struct line *a = &pl[ia], *b = &pl[ib];
		const double wa = f[ia]->w, wb = f[ib]->w;
		const double *p = pc + 2 * k;
		const double *pa = pc + 2 * ia, *pb = pc + 2 * ((k + 1) % 4);
		double ua[2], ub[2], la, lb, mc[3], ma[3], mb[3];

		if (f[ia]->nocol || f[ib]->nocol)
			continue;

		/* along side a (towards its other corner) and side b */
		la = hypot(pa[0] - p[0], pa[1] - p[1]);
		lb = hypot(pb[0] - p[0], pb[1] - p[1]);
		ua[0] = (pa[0] - p[0]) / la;
		ua[1] = (pa[1] - p[1]) / la;
		ub[0] = (pb[0] - p[0]) / lb;
		ub[1] = (pb[1] - p[1]) / lb;
		if (mean_along(ws, p[0] + (a->nx * wa + b->nx * wb) / 2 - 1,
		    p[1] + (a->ny * wa + b->ny * wb) / 2, 1, 0, 3, mc) == -1 ||
		    mean_along(ws, p[0] + a->nx * wa / 2 + ua[0] * (wb + 2),
		    p[1] + a->ny * wa / 2 + ua[1] * (wb + 2), ua[0], ua[1], 10,
		    ma) == -1 ||
		    mean_along(ws, p[0] + b->nx * wb / 2 + ub[0] * (wa + 2),
		    p[1] + b->ny * wb / 2 + ub[1] * (wa + 2), ub[0], ub[1], 10,
		    mb) == -1)
			continue;
		dev = fmax(dev, fmax(cdist(mc, ma, c), cdist(mc, mb, c)));
	}
	return dev;
}

/*
 * Score one candidate: per side the band outside or inside, choosing the
 * combination whose four band colours agree best.  0 if it fails.
 */
static double
score_cand(const struct quad_ws *ws, struct cand *cd, const struct params *pr)
{
	const int c = ws->small.c;
	struct sidefit opt[4][2];
	double cx = 0, cy = 0, best = 0;
	int k, q, m;

	for (k = 0; k < 4; k++) {
		cx += cd->c[2 * k] / 4;
		cy += cd->c[2 * k + 1] / 4;
	}
	for (k = 0; k < 4; k++) {
		const struct line *l = &ws->seg[cd->li[k]].l;
		const double *a = cd->c + 2 * k, *b = cd->c + 2 * ((k + 1) % 4);
		double ta = along(l, a[0], a[1]), tb = along(l, b[0], b[1]);
		double lo = fmin(ta, tb), hi = fmax(ta, tb), trim;
		struct prof p;
		int sign = line_dist(l, cx, cy) < 0 ? 1 : -1;

		trim = 0.12 * (hi - lo);
		if (side_profile(ws, cd->li[k], lo + trim, hi - trim, &p) == -1)
			return 0;
		analyse_side(&p, sign, c, pr, opt[k]);
		if (!opt[k][0].ok && !opt[k][1].ok)
			return 0;
	}
	for (m = 0; m < 16; m++) {
		const struct sidefit *f[4];
		double mean[3] = {0, 0, 0}, spread = 0, s = 0, cdev;
		int ncol = 0;

		for (k = 0; k < 4; k++) {
			f[k] = &opt[k][(m >> k) & 1];
			if (!f[k]->ok)
				break;
			if (f[k]->nocol)
				continue;
			for (q = 0; q < 3; q++)
				mean[q] += f[k]->col[q];
			ncol++;
		}
		if (k < 4 || ncol < 2)
			continue;
		for (q = 0; q < 3; q++)
			mean[q] /= ncol;
		for (k = 0; k < 4; k++) {
			if (!f[k]->nocol)
				spread = fmax(spread, cdist(f[k]->col, mean, c));
			s += side_quality(f[k]);
		}
		if (spread > pr->consmax)
			continue;
		cdev = ring_corners(ws, cd, f);
		if (cdev > pr->cornmax)
			continue;
		s += -SPREAD_W * spread - CORNER_W * cdev + AREA_W *
		    fabs(area4(cd->c)) / ((double)ws->small.w * ws->small.h);
		if (s > best) {
			best = s;
			for (k = 0; k < 4; k++)
				cd->sf[k] = *f[k];
		}
	}
	return best;
}

static int
cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->votes < y->votes) - (x->votes > y->votes);
}

/* Best candidate over the first n lines; 0 if none passes. */
static int
search(struct quad_ws *ws, int n, const struct params *pr, struct cand *best)
{
	int hz[NLINES], vt[NLINES], nh = 0, nv = 0, a, b, c, d, k;
	const int w = ws->small.w, h = ws->small.h;

	for (k = 0; k < n; k++) {
		if (fabs(ws->seg[k].l.ny) >= fabs(ws->seg[k].l.nx))
			hz[nh++] = k;
		else
			vt[nv++] = k;
	}
	best->score = 0;
	for (a = 0; a < nh; a++)
		for (b = a + 1; b < nh; b++)
			for (c = 0; c < nv; c++)
				for (d = c + 1; d < nv; d++) {
					const struct line *la, *lb, *lc, *ld;
					struct cand cd;
					double ya, yb, xc, xd;

					la = &ws->seg[hz[a]].l;
					lb = &ws->seg[hz[b]].l;
					lc = &ws->seg[vt[c]].l;
					ld = &ws->seg[vt[d]].l;
					ya = (la->rho - la->nx * w / 2) / la->ny;
					yb = (lb->rho - lb->nx * w / 2) / lb->ny;
					xc = (lc->rho - lc->ny * h / 2) / lc->nx;
					xd = (ld->rho - ld->ny * h / 2) / ld->nx;
					cd.li[0] = ya < yb ? hz[a] : hz[b];
					cd.li[2] = ya < yb ? hz[b] : hz[a];
					cd.li[3] = xc < xd ? vt[c] : vt[d];
					cd.li[1] = xc < xd ? vt[d] : vt[c];
					if (corners(ws->seg, cd.li, cd.c) == -1 ||
					    !plausible_shape(cd.c, w, h))
						continue;
					cd.score = score_cand(ws, &cd, pr);
					if (cd.score > best->score)
						*best = cd;
				}
	return best->score > 0;
}

/* A side whose band is out of the photo takes the others' mean colour. */
static void
band_colours(const struct sidefit *sf, double bez[4][3])
{
	double m[3] = {0, 0, 0};
	int k, q, n = 0;

	for (k = 0; k < 4; k++)
		if (!sf[k].nocol) {
			for (q = 0; q < 3; q++)
				m[q] += sf[k].col[q];
			n++;
		}
	for (k = 0; k < 4; k++)
		if (sf[k].nocol)
			for (q = 0; q < 3; q++)
				bez[k][q] = m[q] / n;
}

/* Refinement lengths are for 1600-pixel photos; larger ones scale them. */
static double
refine_scale(const struct img *photo)
{
	return fmax(1, (photo->w > photo->h ? photo->w : photo->h) / 1600.0);
}

/* Full-resolution profile buffer: bins x offsets x channels. */
static int
ensure_prof(struct quad_ws *ws, size_t n, char *err, size_t errlen)
{
	if (n <= ws->profcap)
		return 0;
	free(ws->prof);
	ws->prof = malloc(n * sizeof *ws->prof);
	if (ws->prof == NULL) {
		ws->profcap = 0;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ws->profcap = n;
	return 0;
}

/*
 * Robust line through n points: the pair of points with the most inliers
 * within tol (every pair, or a fixed sample of pairs when there are many),
 * then least squares on the inliers, repeated with the inliers of the fit.
 * Inliers are moved to the front of pts; returns their number (0 if no
 * line).
 */
static int
robust_line(double *pts, int n, double tol, struct line *l, double *rms)
{
	int i, j, k, bi = -1, bj = -1, best = 0, cnt, step, it;
	struct line t;

	if (n < 2)
		return 0;
	step = n > 80 ? n / 80 : 1;
	for (i = 0; i < n; i += step)
		for (j = i + 1; j < n; j += step) {
			double dx = pts[2 * j] - pts[2 * i];
			double dy = pts[2 * j + 1] - pts[2 * i + 1], d;

			d = hypot(dx, dy);
			if (d < 1e-9)
				continue;
			t.nx = -dy / d;
			t.ny = dx / d;
			t.rho = t.nx * pts[2 * i] + t.ny * pts[2 * i + 1];
			for (cnt = 0, k = 0; k < n; k++)
				cnt += fabs(line_dist(&t, pts[2 * k],
				    pts[2 * k + 1])) <= tol;
			if (cnt > best) {
				best = cnt;
				bi = i;
				bj = j;
			}
		}
	if (bi < 0)
		return 0;
	{
		double dx = pts[2 * bj] - pts[2 * bi];
		double dy = pts[2 * bj + 1] - pts[2 * bi + 1], d = hypot(dx, dy);

		t.nx = -dy / d;
		t.ny = dx / d;
		t.rho = t.nx * pts[2 * bi] + t.ny * pts[2 * bi + 1];
	}
	for (it = 0; it < 3; it++) {
		for (cnt = 0, k = 0; k < n; k++)
			if (fabs(line_dist(&t, pts[2 * k], pts[2 * k + 1])) <=
			    tol) {
				double x = pts[2 * k], y = pts[2 * k + 1];

				pts[2 * k] = pts[2 * cnt];
				pts[2 * k + 1] = pts[2 * cnt + 1];
				pts[2 * cnt] = x;
				pts[2 * cnt + 1] = y;
				cnt++;
			}
		if (cnt < 2 || line_fit(pts, NULL, (size_t)cnt, &t, rms) == -1)
			return 0;
	}
	*l = t;
	return cnt;
}

/*
 * Mean colour of profile samples [a, b] into m; returns the largest
 * distance of a sample from it (NAN if any sample is missing).
 */
static double
window(const float *pr, int a, int b, int c, double *m)
{
	double d = 0, v[3];
	int k, q;

	for (q = 0; q < 3; q++)
		m[q] = 0;
	for (k = a; k <= b; k++)
		for (q = 0; q < c; q++)
			m[q] += pr[k * 3 + q] / (b - a + 1);
	for (k = a; k <= b; k++) {
		for (q = 0; q < c; q++)
			v[q] = pr[k * 3 + q];
		d = fmax(d, cdist(v, m, c));
	}
	for (q = 0; q < c; q++)
		if (isnan(m[q]))
			return NAN;
	return d;
}

/*
 * One side at full resolution.  The side runs from a to b, the quad's
 * centre is (cx, cy); bez is the bezel colour or NULL to estimate it from
 * the profile beyond the line.  Bins of BINLEN pixels along the side each
 * average their profiles (offsets -hw..hw, step RSTEP) and give the edge
 * point where the profile, walking in from the bezel, first changes (see
 * the candidates below).  Lengths are in pixels of a 1600-pixel photo,
 * scaled by ws->sc for larger ones.
 */
static int
refine_side(struct quad_ws *ws, const struct img *im, const double *a,
    const double *b, double cx, double cy, const double *bez, double hw,
    int side, struct quad *q, char *err, size_t errlen)
{
	const double sc = ws->sc, rstep = RSTEP * sc, binlen = BINLEN * sc;
	const int c = im->c, no = (int)(2 * hw / rstep) + 1;
	double len = hypot(b[0] - a[0], b[1] - a[1]), dx, dy, nx, ny;
	double trim, bcol[3] = {0, 0, 0}, lo, hi, rms;
	double pts[2 * QUAD_MAXPTS];
	int nb, i, k, s, ns, np = 0, kk;
	struct line l;

	if (len < 4 * binlen)
		return 0;
	dx = (b[0] - a[0]) / len;
	dy = (b[1] - a[1]) / len;
	nx = dy;
	ny = -dx;
	if (nx * (cx - a[0]) + ny * (cy - a[1]) > 0) {
		nx = -nx;
		ny = -ny;
	}
	trim = fmax(hw + 6 * sc, 0.04 * len);
	lo = trim;
	hi = len - trim;
	nb = (int)((hi - lo) / binlen);
	if (nb < 3)
		return 0;
	if (nb > QUAD_MAXPTS)
		nb = QUAD_MAXPTS;
	if (ensure_prof(ws, (size_t)nb * no * 3, err, errlen) == -1)
		return -1;
	memset(ws->prof, 0, (size_t)nb * no * 3 * sizeof *ws->prof);
	ns = BINLEN / 2;
	for (i = 0; i < nb; i++) {
		float *pr = ws->prof + (size_t)i * no * 3;
		int cntv[256];

		memset(cntv, 0, sizeof cntv);
		for (s = 0; s < ns; s++) {
			double t = lo + i * binlen + (s + 0.5) * 2 * sc;
			double px = a[0] + t * dx, py = a[1] + t * dy;

			for (k = 0; k < no && k < 256; k++) {
				double r = -hw + k * rstep;
				float col[3];

				if (!sample(im, px + r * nx, py + r * ny, col))
					continue;
				for (kk = 0; kk < c; kk++)
					pr[k * 3 + kk] += col[kk];
				cntv[k]++;
			}
		}
		for (k = 0; k < no && k < 256; k++)
			for (kk = 0; kk < 3; kk++)
				pr[k * 3 + kk] = cntv[k] == ns ?
				    pr[k * 3 + kk] / ns : NAN;
	}
	/* the bezel colour, if not given: median over bins, far outside */
	if (bez != NULL)
		memcpy(bcol, bez, sizeof bcol);
	else {
		double vals[QUAD_MAXPTS];
		int kb = (int)((hw * 0.7) / rstep) + no / 2, m;

		for (kk = 0; kk < c; kk++) {
			for (m = 0, i = 0; i < nb; i++) {
				float v = ws->prof[((size_t)i * no + kb) * 3 +
				    kk];

				if (!isnan(v))
					vals[m++] = v;
			}
			if (m == 0)
				return 0;
			for (i = 0; i < m; i++)	/* insertion sort, m small */
				for (k = i; k > 0 && vals[k] < vals[k - 1]; k--) {
					double t = vals[k];

					vals[k] = vals[k - 1];
					vals[k - 1] = t;
				}
			bcol[kk] = vals[m / 2];
		}
	}
	for (i = 0; i < nb; i++) {
		const float *pr = ws->prof + (size_t)i * no * 3;
		const int w0 = (int)(WIN0 / RSTEP), w1 = (int)(WIN1 / RSTEP);
		double g[256], bestg = 0, off;
		unsigned char cand[256];
		int bk = -1;

		/* colour gradient over +-GSPAN samples: less noise */
		for (k = 0; k < no; k++) {
			double d = 0;

			g[k] = 0;
			if (k < GSPAN || k + GSPAN >= no)
				continue;
			for (kk = 0; kk < c; kk++) {
				double e = pr[(k + GSPAN) * 3 + kk] -
				    pr[(k - GSPAN) * 3 + kk];

				d += e * e;
			}
			g[k] = isnan(d) ? 0 : sqrt(d) / (2 * GSPAN * rstep);
		}
		/*
		 * Candidates: gradient peaks with the bezel outside (flat,
		 * near its colour, nearer than the inside) and a different
		 * colour inside.  Text or a window frame just inside the
		 * panel can pass too, so the edge is the outermost candidate
		 * that is clearly above the bezel's own gradient noise and
		 * not much weaker than the strongest.
		 */
		for (k = w1; k + w1 < no; k++) {
			double mo[3], mi[3], fo, dout, din, gn = 0;
			int j;

			cand[k] = 0;
			if (!(g[k] > g[k - 1] && g[k] >= g[k + 1]))
				continue;
			fo = window(pr, k + w0, k + w1, c, mo);
			window(pr, k - w1, k - w0, c, mi);
			dout = cdist(mo, bcol, c);
			din = cdist(mi, bcol, c);
			if (!(fo <= FLAT_TOL) || dout > BEZ_TOL || din <= dout ||
			    cdist(mo, mi, c) < STEP_MIN)
				continue;
			for (j = k + w0; j <= k + w1; j++)
				gn += g[j] / (w1 - w0 + 1);
			if (g[k] < GNOISE * gn)
				continue;
			cand[k] = 1;
			bestg = fmax(bestg, g[k]);
		}
		for (k = no - w1 - 1; k >= w1; k--)
			if (cand[k] && g[k] >= OUT_REL * bestg) {
				bk = k;
				break;
			}
		if (bk < 0)
			continue;
		off = 0;
		{
			double den = g[bk - 1] - 2 * g[bk] + g[bk + 1];

			if (den < 0)
				off = 0.5 * (g[bk - 1] - g[bk + 1]) / den;
		}
		{
			double t = lo + (i + 0.5) * binlen;
			double r = -hw + (bk + off) * rstep;

			pts[2 * np] = a[0] + t * dx + r * nx;
			pts[2 * np + 1] = a[1] + t * dy + r * ny;
			np++;
		}
	}
	q->ntotal[side] = nb;
	k = robust_line(pts, np, 1.5, &l, &rms);
	if (k < 3)
		return 0;
	if (l.nx * nx + l.ny * ny < 0) {
		l.nx = -l.nx;
		l.ny = -l.ny;
		l.rho = -l.rho;
	}
	q->side[side] = l;
	q->rms[side] = rms;
	q->n[side] = k;
	memcpy(q->pts[side], pts, (size_t)k * 2 * sizeof *pts);
	return 1;
}

/* Refine corners c (in place) with bezel colours bez[side] or NULL. */
static int
refine(struct quad_ws *ws, const struct img *im, double *c,
    const double (*bez)[3], double hw0, struct quad *q, char *err,
    size_t errlen)
{
	int pass, k, r;

	for (pass = 0; pass < NPASS; pass++) {
		double cx = 0, cy = 0, nc[8];

		for (k = 0; k < 4; k++) {
			cx += c[2 * k] / 4;
			cy += c[2 * k + 1] / 4;
		}
		for (k = 0; k < 4; k++) {
			const double hw = pass == 0 ? hw0 : RS2 * ws->sc;
			const double *bk = bez != NULL ? bez[k] : NULL;

			r = refine_side(ws, im, c + 2 * k, c + 2 * ((k + 1) % 4),
			    cx, cy, bk, hw, k, q, err, errlen);
			if (r != 1) {
				if (r == 0)
					snprintf(err, errlen, "no edge found "
					    "along the %s side", (const char *[])
					    {"top", "right", "bottom", "left"}
					    [k]);
				return r == 0 ? 1 : -1;
			}
		}
		for (k = 0; k < 4; k++)
			if (line_intersect(&q->side[(k + 3) % 4], &q->side[k],
			    &nc[2 * k], &nc[2 * k + 1]) == -1) {
				snprintf(err, errlen, "adjacent sides are "
				    "parallel");
				return 1;
			}
		if (!plausible_shape(nc, im->w, im->h)) {
			snprintf(err, errlen, "refined sides do not form a "
			    "plausible quadrilateral");
			return 1;
		}
		memcpy(c, nc, sizeof nc);
	}
	memcpy(q->c, c, sizeof q->c);
	return 0;
}

/*
 * Confidence: for the weakest side, the fraction of its stretches that
 * gave an inlier edge point, times exp(-rms / 1.5) of its fit.
 */
static void
finish(struct quad *q)
{
	double conf = 1;
	int k;

	for (k = 0; k < 4; k++) {
		double frac = q->ntotal[k] > 0 ? (double)q->n[k] /
		    q->ntotal[k] : 0;

		conf = fmin(conf, frac * exp(-q->rms[k] / 1.5));
	}
	q->confidence = conf;
}

int
quad_find(const struct img *photo, struct quad_ws *ws, struct quad *q,
    char *err, size_t errlen)
{
	const struct params *pr = &defparams;
	int f, w, h, n, k, c;
	double cr[8], bez[4][3];
	struct cand best;

	f = (int)lround((photo->w > photo->h ? photo->w : photo->h) /
	    (double)LR_SIDE);
	f = f < 1 ? 1 : f;
	w = photo->w / f;
	h = photo->h / f;
	if (w < 32 || h < 32) {
		snprintf(err, errlen, "photo too small (%dx%d)", photo->w,
		    photo->h);
		return 1;
	}
	ws->f = f;
	ws->sc = refine_scale(photo);
	if (ensure_img(&ws->small, w, h, photo->c, err, errlen) == -1 ||
	    ensure_img(&ws->blur, w, h, photo->c, err, errlen) == -1)
		return -1;
	edges_downscale(photo, f, &ws->small);
	memcpy(ws->blur.data, ws->small.data,
	    (size_t)w * h * photo->c * sizeof *ws->blur.data);
	if (ensure_prof(ws, (size_t)w * h, err, errlen) == -1)
		return -1;
	for (c = 0; c < photo->c; c++)
		edges_blur(ws->blur.data + (size_t)c * w * h, w, h, LR_SIGMA,
		    ws->prof);
	if (edges_detect(&ws->blur, 0, 0, &ws->em, err, errlen) == -1)
		return -1;
	n = hough_lines(&ws->em, &ws->hw, NTH, fmax(12, 0.04 * (w < h ? w :
	    h)), ws->seg, QUAD_MAXLINES, err, errlen);
	if (n == -1)
		return -1;
	qsort(ws->seg, (size_t)n, sizeof *ws->seg, cmp_seg);
	n = n > NLINES ? NLINES : n;
	ws->nseg = n;
	if (build_tables(ws, n, err, errlen) == -1)
		return -1;
	if (!search(ws, n, pr, &best)) {
		snprintf(err, errlen, "no quadrilateral with a bezel on every "
		    "side");
		return 1;
	}
	/* move each side onto the band's inner edge, to full resolution */
	{
		struct line pl[4];

		for (k = 0; k < 4; k++) {
			const struct sidefit *sf = &best.sf[k];
			struct line l = ws->seg[best.li[k]].l;
			double cx = 0, cy = 0, sh;
			int i;

			for (i = 0; i < 4; i++) {
				cx += best.c[2 * i] / 4;
				cy += best.c[2 * i + 1] / 4;
			}
			/* shift towards the inside by the band's width */
			sh = sf->dir < 0 ? sf->w + 0.5 : 0;
			if (line_dist(&l, cx, cy) < 0)
				l.rho -= sh;
			else
				l.rho += sh;
			/* to full-resolution coordinates */
			l.rho = l.rho * f + (f - 1) / 2.0 * (l.nx + l.ny);
			pl[k] = l;
			memcpy(bez[k], sf->col, sizeof bez[k]);
		}
		band_colours(best.sf, bez);
		for (k = 0; k < 4; k++)
			if (line_intersect(&pl[(k + 3) % 4], &pl[k], &cr[2 * k],
			    &cr[2 * k + 1]) == -1) {
				snprintf(err, errlen, "adjacent sides are "
				    "parallel");
				return 1;
			}
	}
	memset(q, 0, sizeof *q);
	k = refine(ws, photo, cr, (const double (*)[3])bez, RS * ws->sc, q,
	    err, errlen);
	if (k != 0)
		return k;
	finish(q);
	return 0;
}

int
quad_refine(const struct img *photo, const double init[8],
    struct quad_ws *ws, struct quad *q, char *err, size_t errlen)
{
	double c[8];
	int k;

	memcpy(c, init, sizeof c);
	if (!plausible_shape(c, photo->w, photo->h)) {
		snprintf(err, errlen, "the corners do not form a plausible "
		    "quadrilateral (clockwise from top-left, convex)");
		return 1;
	}
	memset(q, 0, sizeof *q);
	ws->sc = refine_scale(photo);
	k = refine(ws, photo, c, NULL, RS * ws->sc, q, err, errlen);
	if (k != 0)
		return k;
	finish(q);
	return 0;
}

int
quad_homography(const struct quad *q, int w, int h, double hm[9],
    double *reproj, char *err, size_t errlen)
{
	const double scr[8] = {0, 0, w, 0, w, h, 0, h};
	double *src, *dst, inv[9], u, v;
	size_t n = 4, cap = 4;
	int k, i, it, rc = -1;

	for (k = 0; k < 4; k++)
		cap += (size_t)q->n[k];
	src = malloc(2 * cap * sizeof *src);
	dst = malloc(2 * cap * sizeof *dst);
	if (src == NULL || dst == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(src, q->c, sizeof q->c);
	memcpy(dst, scr, sizeof scr);
	if (hmg_fit(src, dst, 4, hm, err, errlen) == -1)
		goto out;
	for (it = 0; it < 2; it++) {
		n = 4;
		for (k = 0; k < 4; k++)
			for (i = 0; i < q->n[k]; i++) {
				const double *p = q->pts[k] + 2 * i;

				if (hmg_apply(hm, p[0], p[1], &u, &v) == -1)
					continue;
				/* onto the border: top, right, bottom, left */
				u = fmin(fmax(u, 0), w);
				v = fmin(fmax(v, 0), h);
				if (k == 0)
					v = 0;
				else if (k == 1)
					u = w;
				else if (k == 2)
					v = h;
				else
					u = 0;
				src[2 * n] = p[0];
				src[2 * n + 1] = p[1];
				dst[2 * n] = u;
				dst[2 * n + 1] = v;
				n++;
			}
		if (hmg_fit(src, dst, n, hm, err, errlen) == -1)
			goto out;
	}
	if (hmg_invert(hm, inv) == -1) {
		snprintf(err, errlen, "the fitted homography is singular");
		goto out;
	}
	*reproj = hmg_reproj_error(inv, dst, src, n, NULL);
	rc = isfinite(*reproj) ? 0 : -1;
	if (rc == -1)
		snprintf(err, errlen, "a point maps to infinity");
out:
	free(src);
	free(dst);
	return rc;
}

static void
cross3(const double *a, const double *b, double *c)
{
	c[0] = a[1] * b[2] - a[2] * b[1];
	c[1] = a[2] * b[0] - a[0] * b[2];
	c[2] = a[0] * b[1] - a[1] * b[0];
}

static double
dot3(const double *a, const double *b)
{
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

double
quad_aspect(const double c[8], int pw, int ph)
{
	static const double std[] = {4.0 / 3, 5.0 / 4, 3.0 / 2, 16.0 / 10,
	    16.0 / 9};
	const double u0 = (pw - 1) / 2.0, v0 = (ph - 1) / 2.0;
	/* Zhang's order: m1 (0,0), m2 (w,0), m3 (0,h), m4 (w,h) */
	double m1[3] = {c[0] - u0, c[1] - v0, 1}, m2[3] = {c[2] - u0,
	    c[3] - v0, 1}, m4[3] = {c[4] - u0, c[5] - v0, 1}, m3[3] = {c[6] -
	    u0, c[7] - v0, 1};
	double x14[3], x24[3], x34[3], k2, k3, n2[3], n3[3], f2, a2, r;
	double top, bot, lft, rgt;
	size_t i;

	top = hypot(c[2] - c[0], c[3] - c[1]);
	bot = hypot(c[4] - c[6], c[5] - c[7]);
	lft = hypot(c[6] - c[0], c[7] - c[1]);
	rgt = hypot(c[4] - c[2], c[5] - c[3]);
	r = (top + bot) / (lft + rgt);
	cross3(m1, m4, x14);
	cross3(m2, m4, x24);
	cross3(m3, m4, x34);
	k2 = dot3(x14, m3) / dot3(x24, m3);
	k3 = dot3(x14, m2) / dot3(x34, m2);
	for (i = 0; i < 3; i++) {
		n2[i] = k2 * m2[i] - m1[i];
		n3[i] = k3 * m3[i] - m1[i];
	}
	/* a focal length needs both vanishing points finite enough */
	if (fabs(n2[2] * n3[2]) > 1e-8) {
		f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2]);
		if (f2 > 0.04 * pw * pw && f2 < 400.0 * pw * pw) {
			a2 = ((n2[0] * n2[0] + n2[1] * n2[1]) / f2 +
			    n2[2] * n2[2]) / ((n3[0] * n3[0] + n3[1] * n3[1]) /
			    f2 + n3[2] * n3[2]);
			if (a2 > 0 && isfinite(a2))
				r = sqrt(a2);
		}
	}
	for (i = 0; i < sizeof std / sizeof *std; i++)
		if (fabs(r / std[i] - 1) < 0.02)
			return std[i];
	return r;
}

void
quad_ws_free(struct quad_ws *ws)
{
	img_free(&ws->small);
	img_free(&ws->blur);
	edges_free(&ws->em);
	hough_free(&ws->hw);
	free(ws->tab);
	free(ws->prof);
	ws->tab = NULL;
	ws->prof = NULL;
	ws->tabcap = ws->profcap = 0;
}
