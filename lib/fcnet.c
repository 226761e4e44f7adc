/*
 * fcnet: the per-series LSTM forecaster (see fcnet.h).  All per-step
 * arrays of a series live in a struct fc_work that one thread reuses from
 * series to series, so training allocates only the network itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcnet.h"
#include "nn/adam.h"
#include "util.h"

#define CLIPX 10.0	/* input clip, standard deviations */
#define CLIPG 5.0f	/* gradient norm clip */

enum { M_NONE, M_TRAIN, M_VAL };	/* roles of an (origin, step) target */

void
fc_cfg_init(struct fc_cfg *c)
{
	memset(c, 0, sizeof *c);
	c->horizon = 1;
	c->hidden = 32;
	c->layers = 1;
	c->window = 24;
	c->epochs = 100;
	c->patience = 10;
	c->lr = 0.01f;
	c->wd = -1;
	c->seed = 1;
	c->nq = 2;
	c->q[0] = 0.1;
	c->q[1] = 0.9;
}

/* Position of the period t0 + t in the season (0 when there is none). */
static size_t
spos(const struct fc_model *m, long t0, size_t t)
{
	long s = m->ds.m;

	return s > 0 ? (size_t)((((t0 + (long)t) % s) + s) % s) : 0;
}

static double
clip(double v)
{
	return v > CLIPX ? CLIPX : v < -CLIPX ? -CLIPX : v;
}

static double
scaled(const struct fc_model *m, long t0, size_t t, double y)
{
	return clip((ds_adjust(&m->ds, spos(m, t0, t), y) - m->mu) / m->sd);
}

static double
unscaled(const struct fc_model *m, long t0, size_t t, double v)
{
	return ds_restore(&m->ds, spos(m, t0, t), m->mu + m->sd * v);
}

/* Grow w for n steps of a net with nin inputs, nz head inputs, H outs. */
static int
work_grow(struct fc_work *w, size_t n, size_t nin, size_t nz, size_t H,
    size_t np)
{
	size_t per = nin + nz + 4 * H;
	double *l;
	float *p;

	if (n > w->cap || per > w->capper || H > w->capH) {
		free(w->x);
		free(w->lev);
		w->x = NULL;
		w->lev = NULL;
		w->cap = 0;
		if ((p = malloc(n * per * sizeof *p)) == NULL ||
		    (l = malloc(n * (H + 1) * sizeof *l)) == NULL) {
			free(p);
			return -1;
		}
		w->x = p;
		w->lev = l;
		w->cap = n;
		w->capH = H;
		w->capper = per;
	}
	/* the same buffers in this net's layout */
	w->z = w->x + n * nin;
	w->tgt = w->z + n * nz;
	w->msk = w->tgt + n * H;
	w->out = w->msk + n * H;
	w->dout = w->out + n * H;
	w->base = w->lev + n;
	if (np > w->capbest) {
		free(w->best);
		w->capbest = 0;
		if ((w->best = malloc(np * sizeof *w->best)) == NULL)
			return -1;
		w->capbest = np;
	}
	return 0;
}

/*
 * Fill w->x, z, tgt, msk for origins 0..n-1: targets before nfit are
 * training targets, later ones held out.  filled may be NULL.
 */
static void
features(const struct fc_model *m, const double *y,
    const unsigned char *filled, size_t n, size_t nfit, const double *cov,
    size_t len, long t0, struct fc_work *w)
{
	int H = m->cfg.horizon, nc = m->ncov, nin = FC_NIN(nc), nz = H * nc;
	double ys, prev = 0, cs, lev = 0;
	int h, k;
	size_t t, u;
	int complete;

	for (t = 0; t < n; t++) {
		float *x = w->x + t * (size_t)nin, *z = w->z + t * (size_t)nz;
		float *tg = w->tgt + t * (size_t)H, *mk = w->msk + t * (size_t)H;

		ys = scaled(m, t0, t, y[t]);
		lev = t > 0 ? m->alpha * ys + (1 - m->alpha) * lev : ys;
		w->lev[t] = lev;
		x[0] = (float)(t > 0 ? clip(ys - prev) : 0);
		x[1] = (float)ys;
		x[2] = (float)clip(ys - lev);
		prev = ys;
		for (k = 0; k < nc; k++) {
			cs = clip((cov[t * (size_t)nc + (size_t)k] -
			    m->cmu[k]) / m->csd[k]);
			x[3 + k] = (float)clip(cs - ys);
		}
		complete = 1;
		for (h = 1; h <= H; h++) {
			double *b = &w->base[t * (size_t)H + (size_t)h - 1];

			*b = nc > 0 ? 0 : lev + m->drift[h - 1];
			for (k = 0; k < nc; k++) {
				u = t + (size_t)h;
				cs = u < len ? cov[u * (size_t)nc + (size_t)k] :
				    NAN;
				complete &= !isnan(cs);
				cs = isnan(cs) ? lev : clip((cs - m->cmu[k]) /
				    m->csd[k]);
				z[(h - 1) * nc + k] = (float)clip(cs - lev);
				*b += cs / nc;
			}
		}
		for (h = 1; h <= H; h++) {
			u = t + (size_t)h;
			tg[h - 1] = 0;
			mk[h - 1] = M_NONE;
			if (u >= n || !complete || (filled != NULL &&
			    filled[u]))
				continue;
			tg[h - 1] = (float)clip(scaled(m, t0, u, y[u]) -
			    w->base[t * (size_t)H + (size_t)h - 1]);
			mk[h - 1] = u < nfit ? M_TRAIN : M_VAL;
		}
	}
}

/* Forward over all n origins from a fresh state, outputs into w->out. */
static void
run(struct fc_model *m, size_t n, struct fc_work *w)
{
	size_t s, W = (size_t)m->net.maxT, nin = (size_t)m->net.nin;
	size_t nz = (size_t)m->net.nz, H = (size_t)m->cfg.horizon, T;

	lstm_reset(&m->net);
	for (s = 0; s < n; s += T) {
		T = n - s < W ? n - s : W;
		lstm_forward(&m->net, w->x + s * nin, nz ? w->z + s * nz : NULL,
		    (int)T, w->out + s * H);
	}
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sample quantile of sorted r[0..k) at level q (linear interpolation). */
static double
quantile(const double *r, size_t k, double q)
{
	double pos = q * (double)(k - 1), f = floor(pos);
	size_t i = (size_t)f;

	if (i + 1 >= k)
		return r[k - 1];
	return r[i] + (pos - f) * (r[i + 1] - r[i]);
}

/* Residual quantiles from the outputs of run(); role: M_VAL or M_TRAIN. */
static int
residual_quantiles(struct fc_model *m, const double *y, size_t n, long t0,
    struct fc_work *w, int role)
{
	int H = m->cfg.horizon, h, j;
	double *r, f;
	size_t t, k;

	if ((r = malloc((n + 1) * sizeof *r)) == NULL)
		return -1;
	for (h = 0; h < H; h++) {
		for (t = k = 0; t < n; t++) {
			if (w->msk[t * (size_t)H + (size_t)h] != role)
				continue;
			f = unscaled(m, t0, t + (size_t)h + 1,
			    w->base[t * (size_t)H + (size_t)h] +
			    w->out[t * (size_t)H + (size_t)h]);
			r[k++] = y[t + (size_t)h + 1] - f;
		}
		qsort(r, k, sizeof *r, cmpd);
		for (j = 0; j < m->cfg.nq; j++)
			m->resq[h * m->cfg.nq + j] = k > 0 ? quantile(r, k,
			    m->cfg.q[j]) : 0;
	}
	free(r);
	return 0;
}

/*
 * The smoothing constant of the level the forecasts start from: simple
 * exponential smoothing of the scaled training part, alpha on a grid of
 * 0.05 .. 1 minimising the one-step squared error (alpha 1: the last
 * value, the naive forecast).
 */
static double
fit_alpha(const struct fc_model *m, const double *y, size_t nfit, long t0)
{
	double best = HUGE_VAL, ba = 1, a, l, e, sse, v;
	size_t t;
	int g;

	for (g = 1; g <= 20; g++) {
		a = 0.05 * g;
		l = scaled(m, t0, 0, y[0]);
		sse = 0;
		for (t = 1; t < nfit; t++) {
			v = scaled(m, t0, t, y[t]);
			e = v - l;
			sse += e * e;
			l += a * e;
		}
		if (sse < best - 1e-12) {
			best = sse;
			ba = a;
		}
	}
	return ba;
}

/* Scaling and seasonal adjustment from the first nfit values. */
static void
fit_scaling(struct fc_model *m, const double *y, const unsigned char *filled,
    size_t nfit, const double *cov, int nc, long t0)
{
	double s, s2, v, cnt, tmp[DS_MAXM];
	size_t t;
	int k, j;

	memset(&m->ds, 0, sizeof m->ds);
	if (nc == 0 && m->cfg.season > 1) {
		ds_fit(&m->ds, y, nfit, m->cfg.season);
		/* re-index by period number: position of t is (t0 + t) mod m */
		for (j = 0; j < m->ds.m; j++)
			tmp[spos(m, t0, (size_t)j)] = m->ds.idx[j];
		memcpy(m->ds.idx, tmp, (size_t)m->ds.m * sizeof *tmp);
	}
	s = s2 = cnt = 0;
	for (t = 0; t < nfit; t++) {
		if (filled != NULL && filled[t])
			continue;
		v = ds_adjust(&m->ds, spos(m, t0, t), y[t]);
		s += v;
		s2 += v * v;
		cnt++;
	}
	m->mu = cnt > 0 ? s / cnt : 0;
	v = cnt > 1 ? (s2 - s * s / cnt) / (cnt - 1) : 0;
	m->sd = v > 0 ? sqrt(v) : 0;
	if (!(m->sd > 1e-9 * (fabs(m->mu) + 1)))
		m->sd = fabs(m->mu) > 0 ? fabs(m->mu) : 1;
	m->alpha = fit_alpha(m, y, nfit, t0);
	for (k = 0; k < nc; k++) {
		s = s2 = 0;
		for (t = 0; t < nfit; t++) {
			v = cov[t * (size_t)nc + (size_t)k];
			s += v;
			s2 += v * v;
		}
		m->cmu[k] = s / (double)nfit;
		v = nfit > 1 ? (s2 - s * s / (double)nfit) /
		    (double)(nfit - 1) : 0;
		m->csd[k] = v > 0 ? sqrt(v) : 0;
		if (!(m->csd[k] > 1e-9 * (fabs(m->cmu[k]) + 1)))
			m->csd[k] = fabs(m->cmu[k]) > 0 ? fabs(m->cmu[k]) : 1;
	}
}

/*
 * The prior forecast the network corrects (its head starts at zero, so
 * the untrained model is exactly this forecast).  With covariates: their
 * average (in their own scaling) for the step.  Without: the Theta method
 * (Assimakopoulos and Nikolopoulos 2000, in the form of Hyndman and Billah
 * 2003): the smoothed level plus half the training part's linear trend b,
 * step h adding b/2 (h - 1 + 1/alpha - (1 - alpha)^n / alpha).
 */
static void
prior(struct fc_model *m, const double *y, size_t nfit, long t0)
{
	int H = m->cfg.horizon, h;
	double st = 0, sy = 0, stt = 0, sty = 0, v, b, a = m->alpha, tt;
	size_t t;

	memset(m->net.wo, 0, (size_t)H * (size_t)(m->net.nhid + m->net.nz) *
	    sizeof *m->net.wo);
	memset(m->net.bo, 0, (size_t)H * sizeof *m->net.bo);
	for (h = 0; h < H; h++)
		m->drift[h] = 0;
	if (m->ncov > 0 || nfit < 3)
		return;
	for (t = 0; t < nfit; t++) {
		v = scaled(m, t0, t, y[t]);
		tt = (double)t;
		st += tt;
		sy += v;
		stt += tt * tt;
		sty += tt * v;
	}
	b = (sty - st * sy / (double)nfit) / (stt - st * st / (double)nfit);
	for (h = 0; h < H; h++)
		m->drift[h] = b / 2 * (h + 1.0 / a - pow(1 - a,
		    (double)nfit) / a);
}

static size_t
val_len(const struct fc_cfg *c, size_t n)
{
	size_t v;

	if (c->val < 0)
		return 0;
	if (c->val > 0)
		return (size_t)c->val;
	v = n / 10 > (size_t)c->horizon ? n / 10 : (size_t)c->horizon;
	return v <= n / 3 ? v : n / 3;
}

/*
 * Scale the gradient down to norm CLIPG if it is longer.  The sum of
 * squares runs in 8 independent lanes, which the compiler can vectorise
 * without reassociating a single sum.
 */
static void
clip_grads(struct lstm *net)
{
	const float *g = net->grads;
	float acc[8] = { 0 }, f;
	size_t i, n = net->nparams;
	double s = 0;
	int k;

	for (i = 0; i + 8 <= n; i += 8)
		for (k = 0; k < 8; k++)
			acc[k] += g[i + k] * g[i + k];
	for (; i < n; i++)
		acc[0] += g[i] * g[i];
	for (k = 0; k < 8; k++)
		s += acc[k];
	if (s <= (double)CLIPG * CLIPG)
		return;
	f = CLIPG / (float)sqrt(s);
	for (i = 0; i < net->nparams; i++)
		net->grads[i] *= f;
}

/* The epochs: TBPTT over [0, nfit), held-out error after each epoch. */
static void
train_epochs(struct fc_model *m, size_t n, size_t nfit, struct fc_work *w)
{
	struct lstm *net = &m->net;
	size_t H = (size_t)m->cfg.horizon, W = (size_t)net->maxT, s, T, i;
	size_t nin = (size_t)net->nin, nz = (size_t)net->nz, nv;
	double vl, best = HUGE_VAL, e;
	int ep, bad = 0, haveval = nfit < n, saved = 0;
	struct nn_adam opt;
	float cnt;

	nn_adam_init(&opt);
	opt.lr = m->cfg.lr;
	opt.wd = m->cfg.wd >= 0 ? m->cfg.wd : m->ncov > 0 ? 0 : 0.3f;
	m->epochs = m->best_epoch = 0;
	m->val_loss = NAN;
	/* epoch 0 only measures the starting model: it may stay the best */
	for (ep = haveval ? 0 : 1; ep <= m->cfg.epochs; ep++) {
		lstm_reset(net);
		for (s = 0; s < (haveval ? n : nfit); s += T) {
			T = n - s < W ? n - s : W;
			lstm_forward(net, w->x + s * nin, nz ? w->z + s * nz :
			    NULL, (int)T, w->out + s * H);
			if (s >= nfit || ep == 0)
				continue;
			cnt = 0;
			for (i = s * H; i < (s + T) * H; i++)
				cnt += w->msk[i] == M_TRAIN;
			if (cnt == 0)
				continue;
			for (i = s * H; i < (s + T) * H; i++)
				w->dout[i - s * H] = w->msk[i] == M_TRAIN ?
				    2 * (w->out[i] - w->tgt[i]) / cnt : 0;
			lstm_zero_grad(net);
			lstm_backward(net, w->dout);
			clip_grads(net);
			nn_adam_update(&opt, ++m->adam_t, (long)net->nparams,
			    net->params, net->grads, net->m, net->v);
		}
		m->epochs = ep;
		if (!haveval)
			continue;
		vl = 0;
		nv = 0;
		for (i = 0; i < n * H; i++)
			if (w->msk[i] == M_VAL) {
				e = w->out[i] - w->tgt[i];
				vl += e * e;
				nv++;
			}
		if (nv == 0)
			continue;
		vl /= (double)nv;
		if (vl < best) {
			best = vl;
			bad = 0;
			saved = 1;
			m->best_epoch = ep;
			m->val_loss = vl;
			memcpy(w->best, net->params, net->nparams *
			    sizeof *w->best);
		} else if (++bad >= m->cfg.patience)
			break;
	}
	if (saved)
		memcpy(net->params, w->best, net->nparams * sizeof *w->best);
}

int
fc_train(struct fc_model *m, const struct fc_cfg *cfg, const double *y,
    const unsigned char *filled, size_t n, const double *cov, size_t len,
    int ncov, long t0, int warm, struct fc_work *w, char *err,
    size_t errlen)
{
	size_t nval, nfit;
	int H;

	if (ncov < 0 || ncov > FC_MAXCOV || cfg->horizon < 1 ||
	    cfg->nq < 0 || cfg->nq > FC_MAXQ || cfg->epochs < 1 ||
	    cfg->patience < 1 || len < n) {
		seterr(err, errlen, "bad forecaster configuration");
		return -1;
	}
	if (warm) {
		if (m->ncov != ncov) {
			seterr(err, errlen, "the model has %d covariates, the "
			    "data %d", m->ncov, ncov);
			return -1;
		}
		m->cfg.epochs = cfg->epochs;
		m->cfg.patience = cfg->patience;
		m->cfg.val = cfg->val;
		m->cfg.lr = cfg->lr;
		m->cfg.wd = cfg->wd;
	}
	H = warm ? m->cfg.horizon : cfg->horizon;
	nval = val_len(warm ? &m->cfg : cfg, n);
	if (n < 4 || n < nval + 3) {
		seterr(err, errlen, "%zu periods are too few to train on "
		    "(held out %zu)", n, nval);
		return -1;
	}
	nfit = n - nval;
	if (!warm) {
		memset(m, 0, sizeof *m);
		m->cfg = *cfg;
		m->ncov = ncov;
		m->t0 = t0;
		fit_scaling(m, y, filled, nfit, cov, ncov, t0);
		if (lstm_init(&m->net, FC_NIN(ncov), cfg->hidden, cfg->layers,
		    H * ncov, H, cfg->window, cfg->seed, err, errlen) == -1)
			return -1;
		m->resq = calloc((size_t)H * (size_t)(cfg->nq + 2),
		    sizeof *m->resq);
		if (m->resq == NULL) {
			fc_free(m);
			seterr(err, errlen, "out of memory");
			return -1;
		}
		m->drift = m->resq + (size_t)H * (size_t)(cfg->nq + 1);
		prior(m, y, nfit, t0);
	}
	if (work_grow(w, n, (size_t)FC_NIN(ncov), (size_t)(H * ncov), (size_t)H,
	    m->net.nparams) == -1) {
		if (!warm)
			fc_free(m);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	features(m, y, filled, n, nfit, cov, len, t0, w);
	train_epochs(m, n, nfit, w);
	m->nfit = nfit;
	run(m, n, w);
	if (residual_quantiles(m, y, n, t0, w, nval > 0 ? M_VAL :
	    M_TRAIN) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
fc_predict(struct fc_model *m, const double *y, size_t n,
    const double *cov, size_t len, long t0, int h, double *out, double *q,
    struct fc_work *w, char *err, size_t errlen)
{
	int H = m->cfg.horizon, nc = m->ncov, i, j;
	size_t u, last;
	double f, v, lo;

	if (h < 1 || h > H) {
		seterr(err, errlen, "horizon %d beyond the model's %d", h, H);
		return -1;
	}
	if (n < 1) {
		seterr(err, errlen, "no history");
		return -1;
	}
	for (i = 1; i <= H; i++)
		for (j = 0; j < nc; j++) {
			u = n - 1 + (size_t)i;
			if (u >= len || isnan(cov[u * (size_t)nc + (size_t)j])) {
				seterr(err, errlen, "covariate %d unknown %d "
				    "period%s ahead", j + 1, i, i > 1 ? "s" :
				    "");
				return -1;
			}
		}
	if (work_grow(w, n, (size_t)FC_NIN(nc), (size_t)(H * nc), (size_t)H,
	    m->net.nparams) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	features(m, y, NULL, n, n, cov, len, t0, w);
	run(m, n, w);
	last = n - 1;
	for (i = 0; i < h; i++) {
		f = unscaled(m, t0, last + (size_t)i + 1,
		    w->base[last * (size_t)H + (size_t)i] +
		    w->out[last * (size_t)H + (size_t)i]);
		out[i] = f > 0 ? f : 0;
		if (q == NULL)
			continue;
		for (j = 0, lo = 0; j < m->cfg.nq; j++) {
			v = f + m->resq[i * m->cfg.nq + j];
			v = v > lo ? v : lo;	/* monotone, non-negative */
			q[i * m->cfg.nq + j] = lo = v;
		}
	}
	return 0;
}

int
fc_copy(struct fc_model *dst, const struct fc_model *src, char *err,
    size_t errlen)
{
	const struct lstm *a = &src->net;
	size_t nr = (size_t)src->cfg.horizon * (size_t)(src->cfg.nq + 2);

	*dst = *src;
	memset(&dst->net, 0, sizeof dst->net);
	dst->resq = malloc(nr * sizeof *dst->resq);
	if (dst->resq == NULL || lstm_init(&dst->net, a->nin, a->nhid,
	    a->nlayers, a->nz, a->nout, a->maxT, 0, err, errlen) == -1) {
		free(dst->resq);
		memset(dst, 0, sizeof *dst);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	memcpy(dst->resq, src->resq, nr * sizeof *dst->resq);
	dst->drift = dst->resq + (src->drift - src->resq);
	memcpy(dst->net.params, a->params, 4 * a->nparams * sizeof *a->params);
	return 0;
}

void
fc_free(struct fc_model *m)
{
	lstm_free(&m->net);
	free(m->resq);
	memset(m, 0, sizeof *m);
}

void
fc_work_free(struct fc_work *w)
{
	free(w->x);
	free(w->lev);
	free(w->best);
	memset(w, 0, sizeof *w);
}
