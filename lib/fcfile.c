/*
 * fcfile: forecaster <-> model file (see fcfile.h).  The in-memory
 * parameter buffer is contiguous; the file wants each tensor at a
 * multiple of 16 floats, so saving copies into a padded block and loading
 * copies back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcfile.h"
#include "model.h"
#include "util.h"

#define MAXT (4 * LSTM_MAXLAYERS + 8)

/* Percent-encode '%', CR and LF of s into buf (3 strlen(s) + 1 bytes). */
static void
enc(const char *s, char *buf)
{
	for (; *s != '\0'; s++)
		if (*s == '%' || *s == '\n' || *s == '\r') {
			snprintf(buf, 4, "%%%02X", (unsigned char)*s);
			buf += 3;
		} else
			*buf++ = *s;
	*buf = '\0';
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode enc() output in place; -1 on a malformed escape. */
static int
dec(char *s)
{
	char *w = s;
	int a, b;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if ((a = hexval(s[1])) == -1 || (b = hexval(s[2])) == -1)
			return -1;
		*w++ = (char)(a * 16 + b);
		s += 2;
	}
	*w = '\0';
	return 0;
}

int
fcfile_name(const char *series, char *buf, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
	size_t at = 0;
	const char *s;

	for (s = series; *s != '\0'; s++) {
		if (at + 8 > len)
			return -1;
		if (strchr(ok, *s) != NULL && !(s == series && *s == '.'))
			buf[at++] = *s;
		else
			at += (size_t)snprintf(buf + at, len - at, "%%%02X",
			    (unsigned char)*s);
	}
	if (at == 0 || at + 5 > len)
		return -1;
	memcpy(buf + at, ".lkm", 5);
	return 0;
}

/* A tensor table entry for n floats at *off (advanced, 16-aligned). */
static void
tensor(struct model_tensor *t, const char *name, long d0, long d1,
    long *off)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->ndim = d1 > 0 ? 2 : 1;
	t->dim[0] = d0;
	t->dim[1] = d1 > 0 ? d1 : 0;
	t->n = d0 * (d1 > 0 ? d1 : 1);
	t->off = *off;
	*off += (t->n + 15) / 16 * 16;
}

/* The tensor table of m's shape: parameters, moments, season, quantiles. */
static int
table(const struct fc_model *m, struct model_tensor *t, long *ndata)
{
	const struct lstm *n = &m->net;
	long H = n->nhid, off = 0;
	char name[32];
	int l, k = 0;

	for (l = 0; l < n->nlayers; l++) {
		snprintf(name, sizeof name, "lstm.%d.wx", l);
		tensor(&t[k++], name, 4 * H, n->layer[l].nin, &off);
		snprintf(name, sizeof name, "lstm.%d.wh", l);
		tensor(&t[k++], name, 4 * H, H, &off);
		snprintf(name, sizeof name, "lstm.%d.b", l);
		tensor(&t[k++], name, 4 * H, 0, &off);
	}
	tensor(&t[k++], "head.w", n->nout, H + n->nz, &off);
	tensor(&t[k++], "head.b", n->nout, 0, &off);
	tensor(&t[k++], "adam.m", (long)n->nparams, 0, &off);
	tensor(&t[k++], "adam.v", (long)n->nparams, 0, &off);
	if (m->ds.m > 0)
		tensor(&t[k++], "season", m->ds.m, 0, &off);
	if (m->cfg.nq > 0)
		tensor(&t[k++], "resid_q", m->cfg.horizon, m->cfg.nq, &off);
	tensor(&t[k++], "drift", m->cfg.horizon, 0, &off);
	*ndata = off;
	return k;
}

/*
 * Copy between the model's buffers and the padded data block: dir 1
 * model -> data, 0 data -> model.
 */
static void
transfer(struct fc_model *m, const struct model_tensor *t, int nt,
    float *data, int dir)
{
	float *p = m->net.params;
	int i, j;

	for (i = 0; i < nt; i++) {
		float *src;

		if (strcmp(t[i].name, "adam.m") == 0)
			src = m->net.m;
		else if (strcmp(t[i].name, "adam.v") == 0)
			src = m->net.v;
		else if (strcmp(t[i].name, "season") == 0 ||
		    strcmp(t[i].name, "resid_q") == 0 ||
		    strcmp(t[i].name, "drift") == 0) {
			double *to = t[i].name[0] == 's' ? m->ds.idx :
			    t[i].name[0] == 'r' ? m->resq : m->drift;

			for (j = 0; j < t[i].n; j++) {
				double *d = &to[j];

				if (dir)
					data[t[i].off + j] = (float)*d;
				else
					*d = data[t[i].off + j];
			}
			continue;
		} else {
			src = p;	/* parameters, in buffer order */
			p += t[i].n;
		}
		if (dir)
			memcpy(data + t[i].off, src, (size_t)t[i].n *
			    sizeof *data);
		else
			memcpy(src, data + t[i].off, (size_t)t[i].n *
			    sizeof *data);
	}
}

/* The list v[0..n) as "a,b,c" with %.17g into buf. */
static void
list(char *buf, size_t len, const double *v, int n)
{
	size_t at = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%.17g",
		    i ? "," : "", v[i]);
}

int
fcfile_save(const char *path, const struct fc_model *m,
    const struct fcfile_info *info, char *err, size_t errlen)
{
	struct model_tensor t[MAXT];
	char *meta = NULL, e[3 * FC_NAMEMAX + 1], key[32], buf[512];
	const struct fc_cfg *c = &m->cfg;
	long ndata;
	float *data;
	int nt, k, bad = 0, r;

	enc(info->series, e);
	bad |= model_meta_set(&meta, "series", "%s", e);
	bad |= model_meta_set(&meta, "freq", "%s", info->freq);
	bad |= model_meta_set(&meta, "first", "%s", info->first);
	bad |= model_meta_set(&meta, "last", "%s", info->last);
	bad |= model_meta_set(&meta, "t0", "%ld", m->t0);
	bad |= model_meta_set(&meta, "nfit", "%zu", m->nfit);
	bad |= model_meta_set(&meta, "horizon", "%d", c->horizon);
	bad |= model_meta_set(&meta, "hidden", "%d", c->hidden);
	bad |= model_meta_set(&meta, "layers", "%d", c->layers);
	bad |= model_meta_set(&meta, "window", "%d", c->window);
	bad |= model_meta_set(&meta, "max_epochs", "%d", c->epochs);
	bad |= model_meta_set(&meta, "patience", "%d", c->patience);
	bad |= model_meta_set(&meta, "val", "%d", c->val);
	bad |= model_meta_set(&meta, "lr", "%.9g", (double)c->lr);
	bad |= model_meta_set(&meta, "decay", "%.9g", (double)c->wd);
	bad |= model_meta_set(&meta, "seed", "%llu",
	    (unsigned long long)c->seed);
	bad |= model_meta_set(&meta, "season", "%d", c->season);
	bad |= model_meta_set(&meta, "ncov", "%d", m->ncov);
	for (k = 0; k < m->ncov; k++) {
		enc(info->cov[k], e);
		snprintf(key, sizeof key, "cov.%d", k + 1);
		bad |= model_meta_set(&meta, key, "%s", e);
		snprintf(key, sizeof key, "cov.%d.mu", k + 1);
		bad |= model_meta_set(&meta, key, "%.17g", m->cmu[k]);
		snprintf(key, sizeof key, "cov.%d.sd", k + 1);
		bad |= model_meta_set(&meta, key, "%.17g", m->csd[k]);
	}
	bad |= model_meta_set(&meta, "mu", "%.17g", m->mu);
	bad |= model_meta_set(&meta, "sd", "%.17g", m->sd);
	bad |= model_meta_set(&meta, "alpha", "%.17g", m->alpha);
	bad |= model_meta_set(&meta, "season.m", "%d", m->ds.m);
	bad |= model_meta_set(&meta, "season.mult", "%d", m->ds.mult);
	bad |= model_meta_set(&meta, "nq", "%d", c->nq);
	list(buf, sizeof buf, c->q, c->nq);
	bad |= model_meta_set(&meta, "q", "%s", buf);
	bad |= model_meta_set(&meta, "adam_t", "%ld", m->adam_t);
	bad |= model_meta_set(&meta, "epochs", "%d", m->epochs);
	bad |= model_meta_set(&meta, "best_epoch", "%d", m->best_epoch);
	if (isfinite(m->val_loss))
		bad |= model_meta_set(&meta, "val_loss", "%.9g", m->val_loss);
	bad |= model_meta_set(&meta, "tool", "lstm-forecast %s", VERSION);
	bad |= model_meta_set(&meta, "created", "%s", info->created);
	if (bad) {
		free(meta);
		return seterr(err, errlen, "cannot format the metadata (out of "
		    "memory or a name too long)");
	}
	nt = table(m, t, &ndata);
	if ((data = calloc((size_t)ndata + 1, sizeof *data)) == NULL) {
		free(meta);
		return seterr(err, errlen, "out of memory");
	}
	transfer((struct fc_model *)m, t, nt, data, 1);
	r = model_write(path, FC_KIND, meta, t, nt, data, ndata, err, errlen);
	free(data);
	free(meta);
	return r;
}

/* Parse "a,b,c" into v[0..n); -1 unless exactly n finite numbers. */
static int
parse_list(const char *s, double *v, int n)
{
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		v[i] = strtod(s, &end);
		if (end == s || !isfinite(v[i]))
			return -1;
		s = end;
		if (*s == ',' && i + 1 < n)
			s++;
	}
	return *s == '\0' ? 0 : -1;
}

/* Read the metadata into m's configuration and info; 0 or -1. */
static int
read_meta(const char *meta, struct fc_model *m, struct fcfile_info *info,
    char *err, size_t errlen)
{
	struct fc_cfg *c = &m->cfg;
	long v[12], t0, at, ep, be, sm, mult, nfit;
	char key[32], buf[3 * FC_NAMEMAX + 1];
	static const char *const keys[] = { "horizon", "hidden", "layers",
	    "window", "max_epochs", "patience", "val", "season", "ncov",
	    "nq", "seed" };
	static const long lo[] = { 1, 1, 1, 1, 1, 1, -1, 0, 0, 0, 0 };
	static const long hi[] = { 4096, 4096, LSTM_MAXLAYERS, 1000000,
	    1000000, 1000000, 1000000, DS_MAXM, FC_MAXCOV, FC_MAXQ,
	    0x7fffffffL };
	double lr, wd;
	int k;

	for (k = 0; k < 11; k++)
		if (model_meta_long(meta, keys[k], lo[k], hi[k], &v[k], err,
		    errlen) == -1)
			return -1;
	if (model_meta_long(meta, "t0", -100000000L, 100000000L, &t0, err,
	    errlen) == -1 || model_meta_long(meta, "adam_t", 0, 0x7fffffffL,
	    &at, err, errlen) == -1 || model_meta_long(meta, "epochs", 0,
	    1000000, &ep, err, errlen) == -1 || model_meta_long(meta,
	    "best_epoch", 0, 1000000, &be, err, errlen) == -1 ||
	    model_meta_long(meta, "season.m", 0, DS_MAXM, &sm, err, errlen) ==
	    -1 || model_meta_long(meta, "season.mult", 0, 1, &mult, err,
	    errlen) == -1 || model_meta_long(meta, "nfit", 0, 100000000L,
	    &nfit, err, errlen) == -1 || model_meta_double(meta, "lr", &lr,
	    err, errlen) == -1 || model_meta_double(meta, "decay", &wd, err,
	    errlen) == -1 || model_meta_double(meta, "mu", &m->mu, err,
	    errlen) == -1 || model_meta_double(meta, "sd", &m->sd, err,
	    errlen) == -1 || model_meta_double(meta, "alpha", &m->alpha, err,
	    errlen) == -1)
		return -1;
	if (!(m->alpha > 0 && m->alpha <= 1))
		return seterr(err, errlen, "metadata 'alpha' is not in (0, 1]");
	if (!(m->sd > 0))
		return seterr(err, errlen, "metadata 'sd' is not positive");
	c->horizon = (int)v[0];
	c->hidden = (int)v[1];
	c->layers = (int)v[2];
	c->window = (int)v[3];
	c->epochs = (int)v[4];
	c->patience = (int)v[5];
	c->val = (int)v[6];
	c->season = (int)v[7];
	m->ncov = info->ncov = (int)v[8];
	c->nq = (int)v[9];
	c->seed = (uint64_t)v[10];
	c->lr = (float)lr;
	c->wd = (float)wd;
	m->t0 = t0;
	m->adam_t = at;
	m->epochs = (int)ep;
	m->best_epoch = (int)be;
	m->nfit = (size_t)nfit;
	m->ds.m = (int)sm;
	m->ds.mult = (int)mult;
	if (model_meta_double(meta, "val_loss", &m->val_loss, err, errlen) ==
	    -1)
		m->val_loss = NAN;
	if (model_meta_get(meta, "q", buf, sizeof buf) == -1 ||
	    parse_list(buf, c->q, c->nq) == -1)
		return seterr(err, errlen, "metadata 'q' is not %d numbers",
		    c->nq);
	for (k = 0; k < c->nq; k++)
		if (!(c->q[k] > 0 && c->q[k] < 1))
			return seterr(err, errlen, "metadata 'q': level %g is "
			    "outside (0, 1)", c->q[k]);
	for (k = 0; k < m->ncov; k++) {
		snprintf(key, sizeof key, "cov.%d", k + 1);
		if (model_meta_get(meta, key, buf, sizeof buf) == -1 ||
		    dec(buf) == -1 || strlen(buf) >= FC_NAMEMAX)
			return seterr(err, errlen, "metadata '%s' is missing or "
			    "malformed", key);
		strcpy(info->cov[k], buf);
		snprintf(key, sizeof key, "cov.%d.mu", k + 1);
		if (model_meta_double(meta, key, &m->cmu[k], err, errlen) ==
		    -1)
			return -1;
		snprintf(key, sizeof key, "cov.%d.sd", k + 1);
		if (model_meta_double(meta, key, &m->csd[k], err, errlen) ==
		    -1)
			return -1;
		if (!(m->csd[k] > 0))
			return seterr(err, errlen, "metadata '%s' is not "
			    "positive", key);
	}
	if (model_meta_get(meta, "series", buf, sizeof buf) == -1 ||
	    dec(buf) == -1 || strlen(buf) >= FC_NAMEMAX)
		return seterr(err, errlen, "metadata 'series' is missing or "
		    "malformed");
	strcpy(info->series, buf);
	if (model_meta_get(meta, "freq", info->freq, sizeof info->freq) ==
	    -1 || model_meta_get(meta, "first", info->first,
	    sizeof info->first) == -1 || model_meta_get(meta, "last",
	    info->last, sizeof info->last) == -1)
		return seterr(err, errlen, "metadata 'freq', 'first' or 'last' "
		    "is missing");
	if (model_meta_get(meta, "created", info->created,
	    sizeof info->created) == -1)
		info->created[0] = '\0';
	return 0;
}

int
fcfile_load(const char *path, struct fc_model *m, struct fcfile_info *info,
    char *err, size_t errlen)
{
	struct model_tensor t[MAXT];
	const struct model_tensor *f;
	struct model mf;
	long ndata, i;
	int nt, k, j;

	memset(m, 0, sizeof *m);
	memset(info, 0, sizeof *info);
	if (model_read(&mf, path, FC_KIND, err, errlen) == -1)
		return -1;
	if (read_meta(mf.meta, m, info, err, errlen) == -1)
		goto bad;
	if (lstm_init(&m->net, FC_NIN(m->ncov), m->cfg.hidden, m->cfg.layers,
	    m->cfg.horizon * m->ncov, m->cfg.horizon, m->cfg.window, 0, err,
	    errlen) == -1)
		goto bad;
	if ((m->resq = calloc((size_t)m->cfg.horizon *
	    (size_t)(m->cfg.nq + 2), sizeof *m->resq)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto bad;
	}
	m->drift = m->resq + (size_t)m->cfg.horizon * (size_t)(m->cfg.nq + 1);
	nt = table(m, t, &ndata);
	if (mf.ntensors != nt) {
		seterr(err, errlen, "%d tensors, the metadata asks for %d",
		    mf.ntensors, nt);
		goto bad;
	}
	for (k = 0; k < nt; k++) {
		if ((f = model_tensor(&mf, t[k].name)) == NULL) {
			seterr(err, errlen, "tensor '%s' is missing", t[k].name);
			goto bad;
		}
		for (j = 0; j < MODEL_MAXDIM; j++)
			if (f->dim[j] != t[k].dim[j] || f->ndim != t[k].ndim) {
				seterr(err, errlen, "tensor '%s' has the wrong "
				    "shape", t[k].name);
				goto bad;
			}
		for (i = 0; i < f->n; i++)
			if (!isfinite(mf.data[f->off + i])) {
				seterr(err, errlen, "tensor '%s' holds a "
				    "non-finite value", t[k].name);
				goto bad;
			}
		t[k].off = f->off;	/* read from where the file has it */
	}
	transfer(m, t, nt, mf.data, 0);
	for (j = 0; j < m->ds.m; j++)
		if (!(m->ds.idx[j] > 0) && m->ds.mult) {
			seterr(err, errlen, "a multiplicative seasonal index is "
			    "not positive");
			goto bad;
		}
	model_free(&mf);
	return 0;
bad:
	model_free(&mf);
	fc_free(m);
	memset(info, 0, sizeof *info);
	return -1;
}
