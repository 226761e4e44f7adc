/*
 * lines: total-least-squares fits, intersections and the oriented Hough
 * transform.  Angles are quantised to nth steps over [0, pi); a pixel with
 * gradient angle a votes for the angle bins within VOTE_DEG of a only (the
 * Sobel angle of an anti-aliased, textured edge is a few degrees off), so
 * noise and texture spread thin while straight edges pile up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

#define MAXTH 1440
#define NCAND 256
#define VOTE_DEG 3.0	/* a pixel votes within this of its gradient */

int
line_fit(const double *pts, const double *w, size_t n, struct line *l,
    double *rms)
{
	double sw = 0, cx = 0, cy = 0, sxx = 0, syy = 0, sxy = 0;
	double a, tr, det, lmin, nx, ny, nn, r2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		a = w != NULL ? w[i] : 1;
		sw += a;
		cx += a * pts[2 * i];
		cy += a * pts[2 * i + 1];
	}
	if (n < 2 || !(sw > 0))
		return -1;
	cx /= sw;
	cy /= sw;
	for (i = 0; i < n; i++) {
		double dx = pts[2 * i] - cx, dy = pts[2 * i + 1] - cy;

		a = w != NULL ? w[i] : 1;
		sxx += a * dx * dx;
		syy += a * dy * dy;
		sxy += a * dx * dy;
	}
	if (!(sxx + syy > 0))
		return -1;
	/* normal = eigenvector of the smaller eigenvalue */
	tr = sxx + syy;
	det = sxx * syy - sxy * sxy;
	lmin = tr / 2 - sqrt(fmax(tr * tr / 4 - det, 0));
	if (fabs(sxx - lmin) >= fabs(syy - lmin)) {
		nx = -sxy;
		ny = sxx - lmin;
	} else {
		nx = syy - lmin;
		ny = -sxy;
	}
	nn = hypot(nx, ny);
	if (!(nn > 0))
		return -1;
	l->nx = nx / nn;
	l->ny = ny / nn;
	l->rho = l->nx * cx + l->ny * cy;
	if (rms != NULL) {
		for (i = 0; i < n; i++) {
			double d = line_dist(l, pts[2 * i], pts[2 * i + 1]);

			r2 += (w != NULL ? w[i] : 1) * d * d;
		}
		*rms = sqrt(r2 / sw);
	}
	return 0;
}

double
line_dist(const struct line *l, double x, double y)
{
	return l->nx * x + l->ny * y - l->rho;
}

int
line_intersect(const struct line *a, const struct line *b, double *x,
    double *y)
{
	double det = a->nx * b->ny - a->ny * b->nx;

	if (fabs(det) < 1e-9)
		return -1;
	*x = (a->rho * b->ny - a->ny * b->rho) / det;
	*y = (a->nx * b->rho - a->rho * b->nx) / det;
	return 0;
}

static int
grow(struct hough *hw, size_t cells, size_t npx, char *err, size_t errlen)
{
	if (cells > hw->cap) {
		free(hw->acc);
		hw->acc = malloc(cells * sizeof *hw->acc);
		hw->cap = hw->acc != NULL ? cells : 0;
	}
	if (npx > hw->pcap) {
		free(hw->px);
		free(hw->fit);
		hw->px = malloc(npx * 4 * sizeof *hw->px);
		hw->fit = malloc(npx * 2 * sizeof *hw->fit);
		hw->pcap = hw->px != NULL && hw->fit != NULL ? npx : 0;
	}
	if (hw->acc == NULL || hw->px == NULL || hw->fit == NULL) {
		hough_free(hw);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

struct cand {
	int t, r, v;
};

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->v != y->v)
		return y->v - x->v;
	return x->t != y->t ? x->t - y->t : x->r - y->r;
}

/* acc[t][r] with angle wrap-around (angle + pi is rho -> -rho). */
static int
cell(const int *acc, int nth, int nr, int t, int r)
{
	if (t < 0) {
		t += nth;
		r = nr - 1 - r;
	} else if (t >= nth) {
		t -= nth;
		r = nr - 1 - r;
	}
	return r < 0 || r >= nr ? 0 : acc[(size_t)t * nr + r];
}

/*
 * Votes of three neighbouring rho cells: a line between two angle steps
 * spreads its votes over adjacent rho cells, so a slanted line would
 * otherwise rank below a vertical one of the same length.
 */
static int
cell3(const int *acc, int nth, int nr, int t, int r)
{
	return cell(acc, nth, nr, t, r - 1) + cell(acc, nth, nr, t, r) +
	    cell(acc, nth, nr, t, r + 1);
}

static int
is_peak(const int *acc, int nth, int nr, int t, int r, int v)
{
	int dt, dr, u;

	for (dt = -4; dt <= 4; dt++)
		for (dr = -4; dr <= 4; dr++) {
			if (dt == 0 && dr == 0)
				continue;
			u = cell3(acc, nth, nr, t + dt, r + dr);
			/* ties: the first in scan order wins */
			if (u > v || (u == v && (dt < 0 || (dt == 0 && dr < 0))))
				return 0;
		}
	return 1;
}

/*
 * Refit l to the edge pixels within 1.5 px whose angle is within 10
 * degrees; twice.  Fills s; -1 if too few inliers.
 */
static int
refit(const struct hough *hw, size_t npx, struct line l, struct seg *s)
{
	const double cosmax = cos(10 * M_PI / 180);
	double t0 = INFINITY, t1 = -INFINITY, rms = 0;
	size_t i, n = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		n = 0;
		t0 = INFINITY;
		t1 = -INFINITY;
		for (i = 0; i < npx; i++) {
			const float *p = hw->px + 4 * i;
			double x = p[0], y = p[1], t;

			if (fabs(line_dist(&l, x, y)) > 1.5 ||
			    fabs(p[2] * l.nx + p[3] * l.ny) < cosmax)
				continue;
			hw->fit[2 * n] = x;
			hw->fit[2 * n + 1] = y;
			n++;
			t = -l.ny * x + l.nx * y;
			t0 = fmin(t0, t);
			t1 = fmax(t1, t);
		}
		if (n < 2 || line_fit(hw->fit, NULL, n, &l, &rms) == -1)
			return -1;
	}
	s->l = l;
	s->votes = (double)n;
	s->t0 = t0;
	s->t1 = t1;
	s->rms = rms;
	return 0;
}

static int
cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->votes < y->votes) - (x->votes > y->votes);
}

/* Is s (nearly) the same line as o over s's extent? */
static int
same_line(const struct seg *s, const struct seg *o)
{
	double tm = (s->t0 + s->t1) / 2, x, y;

	if (fabs(s->l.nx * o->l.nx + s->l.ny * o->l.ny) < cos(M_PI / 90))
		return 0;
	x = -s->l.ny * tm + s->l.nx * s->l.rho;
	y = s->l.nx * tm + s->l.ny * s->l.rho;
	return fabs(line_dist(&o->l, x, y)) < 2;
}

int
hough_lines(const struct edgemap *em, struct hough *hw, int nth,
    double minvotes, struct seg *out, int max, char *err, size_t errlen)
{
	double cs[MAXTH], sn[MAXTH];
	const int w = em->w, h = em->h;
	const int diag = (int)ceil(hypot(w, h)) + 1, nr = 2 * diag + 1;
	struct cand cand[NCAND];
	size_t npx = 0, i;
	int t, r, nc = 0, nout = 0, nfit, k, x, y, spread;

	if (nth > MAXTH)
		nth = MAXTH;
	spread = (int)ceil(VOTE_DEG / 180.0 * nth);
	for (i = 0; i < (size_t)w * h; i++)
		npx += em->edge[i];
	if (grow(hw, (size_t)nth * nr, npx > 0 ? npx : 1, err, errlen) == -1)
		return -1;
	for (t = 0; t < nth; t++) {
		cs[t] = cos(M_PI * t / nth);
		sn[t] = sin(M_PI * t / nth);
	}
	memset(hw->acc, 0, (size_t)nth * nr * sizeof *hw->acc);
	npx = 0;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			size_t q = (size_t)y * w + x;
			double a;
			int ti, dt;

			if (!em->edge[q])
				continue;
			a = atan2(em->gy[q], em->gx[q]);
			if (a < 0)
				a += M_PI;
			if (a >= M_PI)
				a -= M_PI;
			hw->px[4 * npx] = (float)x;
			hw->px[4 * npx + 1] = (float)y;
			hw->px[4 * npx + 2] = (float)cos(a);
			hw->px[4 * npx + 3] = (float)sin(a);
			npx++;
			ti = (int)lround(a / M_PI * nth);
			for (dt = -spread; dt <= spread; dt++) {
				int tt = ((ti + dt) % nth + nth) % nth;

				r = (int)lround(x * cs[tt] + y * sn[tt]) + diag;
				hw->acc[(size_t)tt * nr + r]++;
			}
		}
	/* local maxima above minvotes; keep the NCAND strongest */
	for (t = 0; t < nth; t++)
		for (r = 0; r < nr; r++) {
			int v = hw->acc[(size_t)t * nr + r];

			if (3 * v < minvotes)
				continue;
			v = cell3(hw->acc, nth, nr, t, r);
			if (v < minvotes || !is_peak(hw->acc, nth, nr, t, r, v))
				continue;
			if (nc == NCAND) {
				qsort(cand, NCAND, sizeof *cand, cmp_cand);
				if (v <= cand[NCAND - 1].v)
					continue;
				nc--;
			}
			cand[nc].t = t;
			cand[nc].r = r;
			cand[nc++].v = v;
		}
	qsort(cand, (size_t)nc, sizeof *cand, cmp_cand);
	/*
	 * Refit the strongest 2 max + 16 peaks, keep them strongest first
	 * by inliers, each unless it lands on a stronger one.
	 */
	if (nc > 2 * max + 16)
		nc = 2 * max + 16;
	for (k = 0, nfit = 0; k < nc; k++) {
		struct line l = {cs[cand[k].t], sn[cand[k].t],
		    cand[k].r - diag};

		if (refit(hw, npx, l, &hw->segs[nfit]) == 0 &&
		    hw->segs[nfit].votes >= minvotes)
			nfit++;
	}
	qsort(hw->segs, (size_t)nfit, sizeof *hw->segs, cmp_seg);
	for (k = 0; k < nfit && nout < max; k++) {
		int j;

		for (j = 0; j < nout; j++)
			if (same_line(&hw->segs[k], &out[j]))
				break;
		if (j == nout)
			out[nout++] = hw->segs[k];
	}
	return nout;
}

void
hough_free(struct hough *hw)
{
	free(hw->acc);
	free(hw->px);
	free(hw->fit);
	hw->acc = NULL;
	hw->px = NULL;
	hw->fit = NULL;
	hw->cap = hw->pcap = 0;
}
