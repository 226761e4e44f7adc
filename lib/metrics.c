/*
 * metrics: threshold curves (ROC, PR, PRO), box AP and accept confusion.
 * See metrics.h for the definitions and the two pixel modes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define NOCT 512		/* sign + 8 exponent bits of a float32 key */

/* ---- thinned curves ---- */

void
mt_curve_free(struct mt_curve *c)
{
	free(c->pt);
	c->pt = NULL;
	c->n = c->cap = 0;
	c->pending = 0;
}

static int
moved(const struct mt_pt *a, const struct mt_pt *b, double eps)
{
	return fabs(a->fpr - b->fpr) >= eps || fabs(a->tpr - b->tpr) >= eps ||
	    fabs(a->rec - b->rec) >= eps || fabs(a->prec - b->prec) >= eps;
}

/* Store p as the newest point; keep the previous newest if it moved. */
static void
curve_push(struct mt_curve *c, const struct mt_pt *p)
{
	struct mt_pt *np;

	if (c->nomem)
		return;
	if (c->pending && (c->n == 0 ||
	    moved(&c->pt[c->n], &c->pt[c->n - 1], c->eps)))
		c->n++;
	if (c->n + 1 > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;

		if ((np = realloc(c->pt, cap * sizeof *np)) == NULL) {
			c->nomem = 1;
			return;
		}
		c->pt = np;
		c->cap = cap;
	}
	c->pt[c->n] = *p;
	c->pending = 1;
}

/* Keep the newest point: the last point always stays. */
static void
curve_end(struct mt_curve *c)
{
	if (c->pending)
		c->n++;
	c->pending = 0;
}

/* ---- the curve accumulator ---- */

void
mt_acc_begin(struct mt_acc *a, double P, double N, double R, double lim,
    struct mt_curve *curve)
{
	memset(a, 0, sizeof *a);
	a->P = P;
	a->N = N;
	a->R = R;
	a->lim = lim;
	a->f1_thr = NAN;
	a->curve = curve;
}

/* Add the PRO point (x, y) to the integral up to a->lim (MVTec rule). */
static void
pro_point(struct mt_acc *a, double x, double y)
{
	double yi;

	if (a->pro_done)
		return;
	if (x <= a->lim) {
		a->aupro += 0.5 * (a->py + y) * (x - a->px);
		a->px = x;
		a->py = y;
		return;
	}
	if (a->px < a->lim) {	/* the limit is not a curve point */
		yi = a->py + (y - a->py) * (a->lim - a->px) / (x - a->px);
		a->aupro += 0.5 * (yi + a->py) * (a->lim - a->px);
	}
	a->pro_done = 1;
}

void
mt_acc_step(struct mt_acc *a, double thr, double dtp, double dfp,
    double dpro)
{
	double tp0 = a->tp, f;
	struct mt_pt p;

	a->tp += dtp;
	a->fp += dfp;
	a->pro += dpro;
	a->roc += dfp * (tp0 + a->tp);
	a->ties += dtp * dfp;
	if (dtp > 0)
		a->ap += dtp * a->tp / (a->tp + a->fp);
	if (a->P > 0) {
		f = 2 * a->tp / (a->P + a->tp + a->fp);
		if (f > a->f1) {
			a->f1 = f;
			a->f1_thr = thr;
		}
	}
	if (a->R > 0 && a->N > 0)
		pro_point(a, fmin(a->fp / a->N, 1), fmin(a->pro / a->R, 1));
	if (a->curve != NULL) {
		p.thr = thr;
		p.fpr = a->N > 0 ? a->fp / a->N : NAN;
		p.tpr = p.rec = a->P > 0 ? a->tp / a->P : NAN;
		p.prec = a->tp + a->fp > 0 ? a->tp / (a->tp + a->fp) : NAN;
		curve_push(a->curve, &p);
	}
}

void
mt_acc_end(struct mt_acc *a, struct mt_result *r)
{
	int both = a->P > 0 && a->N > 0;

	memset(r, 0, sizeof *r);
	r->pos = a->P;
	r->neg = a->N;
	r->nreg = a->R;
	r->auroc = both ? a->roc / (2 * a->P * a->N) : NAN;
	r->ap = a->P > 0 ? a->ap / a->P : NAN;
	r->f1 = a->P > 0 ? a->f1 : NAN;
	r->f1_thr = a->P > 0 ? a->f1_thr : NAN;
	r->tie_bound = both ? a->ties / (2 * a->P * a->N) : NAN;
	if (a->R > 0 && a->N > 0) {
		pro_point(a, 1, 1);	/* the curve ends at (1, 1) */
		r->aupro = a->aupro / a->lim;
	} else
		r->aupro = NAN;
	if (a->curve != NULL)
		curve_end(a->curve);
}

/* ---- exact curve of doubles ---- */

struct sy {
	double s;
	unsigned char y;
};

static int
cmp_sy_desc(const void *pa, const void *pb)
{
	const struct sy *a = pa, *b = pb;

	return (a->s < b->s) - (a->s > b->s);
}

int
mt_scores(const double *s, const unsigned char *y, size_t n,
    struct mt_result *r, struct mt_curve *curve)
{
	struct sy *v;
	struct mt_acc a;
	double P = 0, tp, fp;
	size_t i, j;

	if ((v = malloc((n ? n : 1) * sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		v[i].s = s[i];
		v[i].y = y[i] != 0;
		P += v[i].y;
	}
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_sy_desc);
	mt_acc_begin(&a, P, (double)n - P, 0, 1, curve);
	for (i = 0; i < n; i = j) {
		tp = fp = 0;
		for (j = i; j < n && v[j].s == v[i].s; j++) {
			tp += v[j].y;
			fp += !v[j].y;
		}
		mt_acc_step(&a, v[i].s, tp, fp, 0);
	}
	mt_acc_end(&a, r);
	r->tie_bound = 0;
	free(v);
	return 0;
}

/* ---- the pixel store ---- */

struct pixel {
	float s;
	uint32_t r;		/* 0: defect-free, else index into wt */
};

struct bin {
	double neg, pos, pro;
};

struct grp {
	struct pixel *px;	/* exact mode */
	size_t n, cap;
	int sorted;
	double P, N, R;
	struct bin *oct[NOCT];	/* histogram mode, NULL until used */
};

struct mt_pix {
	int ng, bits;
	struct grp *g;
	double *wt;		/* exact: 1 / region size by region index */
	size_t nwt, capwt;
	double *iw;		/* histogram: 1 / size of the current regions */
	int niw, capiw;
	int cur;		/* group of the current image, -1 if none */
	uint32_t base;		/* exact: index of the current region 1 - 1 */
};

struct mt_pix *
mt_pix_new(int ngroups, int bits)
{
	struct mt_pix *p;

	if (ngroups < 1 || bits < 0 || bits > MT_MAX_BITS) {
		errno = EINVAL;
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	if ((p->g = calloc((size_t)ngroups, sizeof *p->g)) == NULL) {
		free(p);
		return NULL;
	}
	p->ng = ngroups;
	p->bits = bits;
	p->cur = -1;
	return p;
}

void
mt_pix_free(struct mt_pix *p)
{
	int i, k;

	if (p == NULL)
		return;
	for (i = 0; i < p->ng; i++) {
		free(p->g[i].px);
		for (k = 0; k < NOCT; k++)
			free(p->g[i].oct[k]);
	}
	free(p->g);
	free(p->wt);
	free(p->iw);
	free(p);
}

int
mt_pix_image(struct mt_pix *p, int g, int nreg, const long *size)
{
	double *w, *dst;
	size_t cap;
	int k;

	if (g < 0 || g >= p->ng || nreg < 0) {
		errno = EINVAL;
		return -1;
	}
	for (k = 0; k < nreg; k++)
		if (size[k] < 1) {
			errno = EINVAL;
			return -1;
		}
	p->cur = -1;
	if (p->bits == 0) {
		if (p->nwt == 0)
			p->nwt = 1;	/* index 0: defect-free */
		if ((size_t)nreg > UINT32_MAX - p->nwt) {
			errno = ENOMEM;
			return -1;
		}
		if (p->nwt + (size_t)nreg > p->capwt) {
			cap = 2 * (p->nwt + (size_t)nreg) + 64;
			if ((w = realloc(p->wt, cap * sizeof *w)) == NULL)
				return -1;
			p->wt = w;
			p->capwt = cap;
		}
		p->wt[0] = 0;
		p->base = (uint32_t)p->nwt - 1;
		dst = p->wt + p->nwt;
		p->nwt += (size_t)nreg;
	} else {
		if (nreg + 1 > p->capiw) {
			if ((w = realloc(p->iw, (size_t)(2 * nreg + 64) *
			    sizeof *w)) == NULL)
				return -1;
			p->iw = w;
			p->capiw = 2 * nreg + 64;
		}
		p->iw[0] = 0;
		p->niw = nreg;
		dst = p->iw + 1;
	}
	for (k = 0; k < nreg; k++)
		dst[k] = 1.0 / (double)size[k];
	p->g[g].R += nreg;
	p->cur = g;
	return 0;
}

/* Order-preserving 32-bit key of a float (0 and -0 alike). */
static uint32_t
fkey(float f)
{
	uint32_t u;

	if (f == 0)
		f = 0;
	memcpy(&u, &f, sizeof u);
	return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

/* The float whose key is k. */
static float
fval(uint32_t k)
{
	uint32_t u = (k & 0x80000000u) ? k & 0x7fffffffu : ~k;
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

static int
add_exact(struct mt_pix *p, struct grp *g, const float *s,
    const int32_t *lab, size_t n)
{
	struct pixel *np;
	size_t i, cap;

	if (g->n + n > g->cap) {
		cap = g->cap ? g->cap : 4096;
		while (cap < g->n + n)
			cap *= 2;
		if ((np = realloc(g->px, cap * sizeof *np)) == NULL)
			return -1;
		g->px = np;
		g->cap = cap;
	}
	np = g->px + g->n;
	for (i = 0; i < n; i++) {
		np[i].s = s[i] == 0 ? 0.0f : s[i];
		np[i].r = lab[i] ? p->base + (uint32_t)lab[i] : 0;
		if (lab[i])
			g->P++;
		else
			g->N++;
	}
	g->n += n;
	g->sorted = 0;
	return 0;
}

static int
add_hist(struct mt_pix *p, struct grp *g, const float *s,
    const int32_t *lab, size_t n)
{
	int sh = 23 - p->bits;
	uint32_t k, o, lasto = NOCT;
	struct bin *b = NULL, *t;
	size_t i;

	for (i = 0; i < n; i++) {
		k = fkey(s[i]);
		o = k >> 23;
		if (o != lasto) {
			if (g->oct[o] == NULL && (g->oct[o] = calloc(
			    (size_t)1 << p->bits, sizeof *b)) == NULL)
				return -1;
			b = g->oct[o];
			lasto = o;
		}
		t = b + ((k & 0x7fffffu) >> sh);
		if (lab[i]) {
			t->pos++;
			t->pro += p->iw[lab[i]];
			g->P++;
		} else {
			t->neg++;
			g->N++;
		}
	}
	return 0;
}

int
mt_pix_add(struct mt_pix *p, const float *s, const int32_t *lab, size_t n)
{
	struct grp *g;
	size_t i;

	if (p->cur < 0) {
		errno = EINVAL;
		return -1;
	}
	g = &p->g[p->cur];
	for (i = 0; i < n; i++)
		if (lab[i] < 0 || (p->bits == 0 ? (uint32_t)lab[i] >
		    p->nwt - 1 - p->base : lab[i] > p->niw)) {
			errno = EINVAL;
			return -1;
		}
	return p->bits == 0 ? add_exact(p, g, s, lab, n) :
	    add_hist(p, g, s, lab, n);
}

double
mt_pix_count(const struct mt_pix *p, int g)
{
	return g < 0 || g >= p->ng ? 0 : p->g[g].P + p->g[g].N;
}

static int
cmp_px_desc(const void *pa, const void *pb)
{
	const struct pixel *a = pa, *b = pb;

	return (a->s < b->s) - (a->s > b->s);
}

/* Exact: merge the sorted groups, one step per distinct score. */
static int
eval_exact(struct mt_pix *p, const int *gs, int ng, struct mt_acc *a)
{
	size_t *pos;
	struct grp *g;
	double tp, fp, pro;
	float top;
	int i, any;

	if ((pos = calloc((size_t)ng, sizeof *pos)) == NULL)
		return -1;
	for (i = 0; i < ng; i++) {
		g = &p->g[gs[i]];
		if (!g->sorted && g->n > 0) {
			qsort(g->px, g->n, sizeof *g->px, cmp_px_desc);
			g->sorted = 1;
		}
	}
	for (;;) {
		any = 0;
		top = 0;
		for (i = 0; i < ng; i++) {
			g = &p->g[gs[i]];
			if (pos[i] < g->n && (!any || g->px[pos[i]].s > top)) {
				top = g->px[pos[i]].s;
				any = 1;
			}
		}
		if (!any)
			break;
		tp = fp = pro = 0;
		for (i = 0; i < ng; i++) {
			g = &p->g[gs[i]];
			for (; pos[i] < g->n && g->px[pos[i]].s == top;
			    pos[i]++)
				if (g->px[pos[i]].r) {
					tp++;
					pro += p->wt[g->px[pos[i]].r];
				} else
					fp++;
		}
		mt_acc_step(a, top, tp, fp, pro);
	}
	free(pos);
	return 0;
}

/* Histogram: bins from the highest down, summed over the groups. */
static void
eval_hist(struct mt_pix *p, const int *gs, int ng, struct mt_acc *a)
{
	int sh = 23 - p->bits, o, i, used;
	uint32_t nb = 1u << p->bits, j;
	double tp, fp, pro;
	struct bin *b;

	for (o = NOCT - 1; o >= 0; o--) {
		for (used = 0, i = 0; i < ng; i++)
			used |= p->g[gs[i]].oct[o] != NULL;
		if (!used)
			continue;
		for (j = nb; j-- > 0;) {
			tp = fp = pro = 0;
			for (i = 0; i < ng; i++)
				if ((b = p->g[gs[i]].oct[o]) != NULL) {
					tp += b[j].pos;
					fp += b[j].neg;
					pro += b[j].pro;
				}
			if (tp + fp > 0)
				mt_acc_step(a, fval((uint32_t)o << 23 |
				    j << sh), tp, fp, pro);
		}
	}
}

int
mt_pix_eval(struct mt_pix *p, const int *groups, int ng, double lim,
    struct mt_result *r, struct mt_curve *curve)
{
	double P = 0, N = 0, R = 0;
	struct mt_acc a;
	int i;

	for (i = 0; i < ng; i++) {
		if (groups[i] < 0 || groups[i] >= p->ng) {
			errno = EINVAL;
			return -1;
		}
		P += p->g[groups[i]].P;
		N += p->g[groups[i]].N;
		R += p->g[groups[i]].R;
	}
	mt_acc_begin(&a, P, N, R, lim, curve);
	if (p->bits == 0) {
		if (eval_exact(p, groups, ng, &a) == -1)
			return -1;
	} else
		eval_hist(p, groups, ng, &a);
	mt_acc_end(&a, r);
	if (p->bits == 0)
		r->tie_bound = 0;
	return 0;
}

/* ---- boxes ---- */

double
mt_iou(const struct mt_box *a, const struct mt_box *b)
{
	double iw, ih, in, un;

	iw = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
	ih = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
	in = iw > 0 && ih > 0 ? iw * ih : 0;
	un = a->w * a->h + b->w * b->h - in;
	return un > 0 ? in / un : 0;
}

struct ord {
	double key;
	long img;
	size_t i;
};

static int
cmp_conf(const void *pa, const void *pb)
{
	const struct ord *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? 1 : -1;
	return (a->i > b->i) - (a->i < b->i);
}

static int
cmp_img(const void *pa, const void *pb)
{
	const struct ord *a = pa, *b = pb;

	if (a->img != b->img)
		return a->img < b->img ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* First position in gi (sorted by img) with img >= im. */
static size_t
first_of(const struct ord *gi, size_t ng, long im)
{
	size_t lo = 0, hi = ng, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (gi[mid].img < im)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
mt_box_ap(const struct mt_box *d, size_t nd, const struct mt_box *g,
    size_t ng, double iou, double *ap, long *ntp, struct mt_curve *curve)
{
	struct ord *di, *gi;
	unsigned char *taken;
	double *rec, *prec, tp = 0, fp = 0, best, o, m;
	size_t i, j, k, jbest;
	struct mt_pt pt;
	int rc = -1;

	di = malloc((nd ? nd : 1) * sizeof *di);
	gi = malloc((ng ? ng : 1) * sizeof *gi);
	taken = calloc(ng ? ng : 1, 1);
	rec = malloc((nd + 2) * sizeof *rec);
	prec = malloc((nd + 2) * sizeof *prec);
	if (di == NULL || gi == NULL || taken == NULL || rec == NULL ||
	    prec == NULL)
		goto out;
	for (i = 0; i < nd; i++) {
		di[i].key = d[i].conf;
		di[i].img = d[i].img;
		di[i].i = i;
	}
	for (i = 0; i < ng; i++) {
		gi[i].img = g[i].img;
		gi[i].i = i;
	}
	if (nd > 0)
		qsort(di, nd, sizeof *di, cmp_conf);
	if (ng > 0)
		qsort(gi, ng, sizeof *gi, cmp_img);
	rec[0] = 0;
	prec[0] = 0;
	for (i = 0; i < nd; i++) {
		best = -1;
		jbest = ng;
		for (j = first_of(gi, ng, di[i].img);
		    j < ng && gi[j].img == di[i].img; j++) {
			o = mt_iou(&d[di[i].i], &g[gi[j].i]);
			if (o > best) {
				best = o;
				jbest = j;
			}
		}
		if (jbest < ng && best >= iou && !taken[jbest]) {
			taken[jbest] = 1;
			tp++;
		} else
			fp++;
		rec[i + 1] = ng ? tp / (double)ng : NAN;
		prec[i + 1] = tp / (tp + fp);
		if (curve != NULL && ng) {
			pt.thr = di[i].key;
			pt.fpr = pt.tpr = NAN;
			pt.rec = rec[i + 1];
			pt.prec = prec[i + 1];
			curve_push(curve, &pt);
		}
	}
	if (curve != NULL)
		curve_end(curve);
	if (ntp != NULL)
		*ntp = (long)tp;
	if (ng == 0) {
		*ap = NAN;
		rc = 0;
		goto out;
	}
	/* mrec = 0, rec..., 1; mpre = 0, prec..., 0; envelope from the right */
	rec[nd + 1] = 1;
	prec[nd + 1] = 0;
	for (k = nd + 1; k > 0; k--)
		if (prec[k] > prec[k - 1])
			prec[k - 1] = prec[k];
	m = 0;
	for (k = 0; k <= nd; k++)
		if (rec[k + 1] != rec[k])
			m += (rec[k + 1] - rec[k]) * prec[k + 1];
	*ap = m;
	rc = 0;
out:
	free(di);
	free(gi);
	free(taken);
	free(rec);
	free(prec);
	return rc;
}

/* ---- accept decisions ---- */

static double
ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

void
mt_confusion_rates(const struct mt_confusion *c, struct mt_rates *r)
{
	double ta = c->ta, fa = c->fa, tr = c->tr, fr = c->fr;

	r->accuracy = ratio(ta + tr, ta + fa + tr + fr);
	r->far = ratio(fa, fa + tr);
	r->frr = ratio(fr, ta + fr);
	r->precision = ratio(tr, tr + fr);
	r->recall = ratio(tr, tr + fa);
}
