/*
 * lstm-forecast: per-series demand forecasting with an LSTM that reads the
 * history and covariates known in advance (the customer's own forecast),
 * trained one model per series; predict from the saved models; backtest
 * against the customer's forecast, seasonal naive and auto-ARIMA by
 * rolling origin.  Input: long-format CSV or NDJSON (lib/series.h).
 * Series are independent, so -j trains them on that many threads, each
 * with OpenBLAS held to one thread (one level of parallelism).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arima.h"
#include "fcfile.h"
#include "fcmetrics.h"
#include "fcnet.h"
#include "modeldir.h"
#include "nn/gemm.h"
#include "progress.h"
#include "safeout.h"
#include "series.h"
#include "util.h"

static const char usage_lines[] =
    "usage: lstm-forecast train [-kuW] [-d decay] [-e epochs] [-G gaps]\n"
    "           [-H horizon] [-j jobs] [-L layers] [-n hidden] [-P period]\n"
    "           [-p patience] [-q quantiles] [-r rate] [-S seed] [-s column]\n"
    "           [-t column] [-w window] [-x column] [-y column]\n"
    "           [--season mode] [--val n] -m dir [file]\n"
    "       lstm-forecast predict [-ku] [-f format] [-G gaps] [-H horizon]\n"
    "           [-j jobs] [-P period] [-s column] [-t column] [-x column]\n"
    "           [-y column] -m dir [file]\n"
    "       lstm-forecast backtest [-ku] [-d decay] [-e epochs] [-f format]\n"
    "           [-G gaps] [-g column] [-H horizon] [-j jobs] [-L layers]\n"
    "           [-n hidden] [-O origins] [-o file] [-P period] [-p patience]\n"
    "           [-q quantiles] [-R every] [-r rate] [-S seed] [-s column]\n"
    "           [-t column] [-w window] [-x column] [-y column]\n"
    "           [--plot file] [--plot-series list] [--season mode] [--val n]\n"
    "           [file]\n";
static const char help_text[] =
    "  -d, --decay=X         L2 weight decay towards the prior forecast\n"
    "                        (default 0 with covariates, else 0.3)\n"
    "  -e, --epochs=N        training epochs at most (default 100)\n"
    "  -f, --format=F        csv or ndjson output (default ndjson)\n"
    "  -G, --gaps=G          missing periods: fill or error (default fill)\n"
    "  -g, --given=COL       score column COL as the customer's forecast\n"
    "  -H, --horizon=N       periods forecast from each origin (train: 1;\n"
    "                        predict: the model's)\n"
    "  -j, --jobs=N          series trained in parallel (default 1)\n"
    "  -k, --keep-going      report bad rows and series and continue\n"
    "  -L, --layers=N        LSTM layers (default 1)\n"
    "  -m, --model-dir=DIR   the models, one file per series\n"
    "  -n, --hidden=N        LSTM hidden units (default 32)\n"
    "  -O, --origins=N       backtest origins: the last N periods (default "
    "1)\n"
    "  -o, --output=FILE     backtest: write every forecast to FILE\n"
    "  -P, --period=P        daily, weekly, monthly or auto (default auto)\n"
    "  -p, --patience=N      epochs without a better held-out error "
    "(default 10)\n"
    "  -q, --quantiles=LIST  quantile levels (default 0.1,0.9)\n"
    "  -R, --retrain=K       backtest: refit every K origins (default 0: "
    "once)\n"
    "  -r, --rate=X          Adam learning rate (default 0.01)\n"
    "  -S, --seed=N          random seed (default 1)\n"
    "  -s, --series=COL      series key column (default series)\n"
    "  -t, --time=COL        period column (default period)\n"
    "  -u, --unbuffered      flush output after every record\n"
    "  -W, --warm-start      continue from the models in the directory\n"
    "  -w, --window=N        truncated-BPTT window, periods (default 24)\n"
    "  -x, --covariate=COL   a column known in advance (repeatable)\n"
    "  -y, --target=COL      target column (default value)\n"
    "      --plot=FILE       backtest: SVG of actuals and forecasts\n"
    "      --plot-series=L   series to plot, comma-separated (default: "
    "first 4)\n"
    "      --season=MODE     auto or off: seasonal adjustment (default "
    "auto)\n"
    "      --val=N           held-out tail for early stopping (default "
    "auto; 0 none)\n"
    "  -h, --help            this text;   -V, --version   print the "
    "version\n";

enum { O_PLOT = 256, O_PLOTSER, O_SEASON, O_VAL };
enum { TRAIN = 1, PREDICT = 2, BACKTEST = 4 };

static const struct option longopts[] = {
	{ "decay",	required_argument,	NULL, 'd' },
	{ "epochs",	required_argument,	NULL, 'e' },
	{ "format",	required_argument,	NULL, 'f' },
	{ "gaps",	required_argument,	NULL, 'G' },
	{ "given",	required_argument,	NULL, 'g' },
	{ "horizon",	required_argument,	NULL, 'H' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "layers",	required_argument,	NULL, 'L' },
	{ "model-dir",	required_argument,	NULL, 'm' },
	{ "hidden",	required_argument,	NULL, 'n' },
	{ "origins",	required_argument,	NULL, 'O' },
	{ "output",	required_argument,	NULL, 'o' },
	{ "period",	required_argument,	NULL, 'P' },
	{ "patience",	required_argument,	NULL, 'p' },
	{ "quantiles",	required_argument,	NULL, 'q' },
	{ "retrain",	required_argument,	NULL, 'R' },
	{ "rate",	required_argument,	NULL, 'r' },
	{ "seed",	required_argument,	NULL, 'S' },
	{ "series",	required_argument,	NULL, 's' },
	{ "time",	required_argument,	NULL, 't' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "warm-start",	no_argument,		NULL, 'W' },
	{ "window",	required_argument,	NULL, 'w' },
	{ "covariate",	required_argument,	NULL, 'x' },
	{ "target",	required_argument,	NULL, 'y' },
	{ "plot",	required_argument,	NULL, O_PLOT },
	{ "plot-series", required_argument,	NULL, O_PLOTSER },
	{ "season",	required_argument,	NULL, O_SEASON },
	{ "val",	required_argument,	NULL, O_VAL },
	{ NULL, 0, NULL, 0 }
};

/* Options and the subcommands that take them. */
static const struct {
	int opt, cmds;
} optcmds[] = {
	{ 'd', TRAIN | BACKTEST }, { 'e', TRAIN | BACKTEST },
	{ 'f', PREDICT | BACKTEST },
	{ 'g', BACKTEST }, { 'L', TRAIN | BACKTEST },
	{ 'm', TRAIN | PREDICT }, { 'n', TRAIN | BACKTEST },
	{ 'O', BACKTEST }, { 'o', BACKTEST }, { 'p', TRAIN | BACKTEST },
	{ 'q', TRAIN | BACKTEST }, { 'R', BACKTEST }, { 'r', TRAIN | BACKTEST },
	{ 'S', TRAIN | BACKTEST }, { 'W', TRAIN }, { 'w', TRAIN | BACKTEST },
	{ O_PLOT, BACKTEST }, { O_PLOTSER, BACKTEST },
	{ O_SEASON, TRAIN | BACKTEST }, { O_VAL, TRAIN | BACKTEST }
};

struct opts {
	int cmd;
	struct ser_opts so;
	const char *cov[FC_MAXCOV + 1];	/* -x, then -g if not among them */
	int nx;				/* model covariates: cov[0..nx) */
	int given;			/* index of -g in cov, or -1 */
	int seasonauto;			/* --season auto */
	int horizon;			/* -H, 0: default */
	struct fc_cfg cfg;
	const char *dir, *input, *output, *plot, *plotser;
	int jobs, kflag, uflag, warm, csv, origins, every;
	int set_s, set_t, set_y;	/* columns given explicitly */
};

/* Method columns of a backtest. */
enum { M_LSTM, M_ONCE, M_GIVEN, M_SNAIVE, M_ARIMA, NMETH };
static const char *const mnames[NMETH] = { "lstm", "lstm-once", "given",
    "snaive", "arima" };

/* One series' outcome. */
struct result {
	int rc;			/* RC_OK or the exit code it asks for */
	char *msg;		/* what to report, or NULL */
	char *note;		/* a remark to print (no error), or NULL */
	double *fc, *q;		/* predict: (h), (h, nq) */
	int h, nq;
	/* backtest */
	int skipped, used[NMETH];
	struct fcm_acc acc[NMETH];
	double *bt;		/* (NMETH, K, H) forecasts; NaN none */
	long t0b;		/* index of the first origin */
};

struct job {
	const struct opts *o;
	struct ser_set *set;
	struct result *res;
	struct mdir md;			/* train: the new generation */
	struct fc_cfg pcfg;		/* predict: quantile levels */
	int havecfg;
	size_t next, done;
	int stop;
	pthread_mutex_t mu;
	struct progress pr;
	void (*fn)(struct job *, size_t, struct fc_work *, double *);
};

static int
set_result(struct result *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_result(struct result *r, int rc, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(r->msg);
	r->msg = xstrdup(buf);
	r->rc = rc;
	return -1;
}

/* The covariates a model sees, stride nx, from the set's rows. */
static const double *
model_cov(const struct job *j, const struct series *s, double *buf)
{
	size_t t, nall = j->set->ncov, nx = (size_t)j->o->nx;
	size_t k;

	if (nx == nall || nx == 0)
		return s->x;
	for (t = 0; t < s->len; t++)
		for (k = 0; k < nx; k++)
			buf[t * nx + k] = s->x[t * nall + k];
	return buf;
}

static void
now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* info for a model file of series s trained on n periods. */
static void
make_info(const struct job *j, const struct series *s, size_t n,
    struct fcfile_info *info)
{
	int k;

	memset(info, 0, sizeof info[0]);
	snprintf(info->series, sizeof info->series, "%s", s->name);
	snprintf(info->freq, sizeof info->freq, "%s",
	    ser_freq_name(j->set->freq));
	ser_period_text(j->set, s->t0, info->first);
	ser_period_text(j->set, s->t0 + (long)n - 1, info->last);
	info->ncov = j->o->nx;
	for (k = 0; k < j->o->nx; k++)
		snprintf(info->cov[k], sizeof info->cov[k], "%s",
		    j->o->cov[k]);
	now_iso(info->created, sizeof info->created);
}

/* Does a saved model fit the options and data?  NULL, or why not. */
static const char *
mismatch(const struct job *j, const struct fc_model *m,
    const struct fcfile_info *info)
{
	const struct fc_cfg *c = &j->o->cfg;
	int k;

	if (strcmp(info->freq, ser_freq_name(j->set->freq)) != 0)
		return "frequency";
	if (m->cfg.horizon != c->horizon)
		return "horizon";
	if (m->cfg.hidden != c->hidden || m->cfg.layers != c->layers ||
	    m->cfg.window != c->window)
		return "network size";
	if (m->ncov != j->o->nx)
		return "covariates";
	for (k = 0; k < m->ncov; k++)
		if (strcmp(info->cov[k], j->o->cov[k]) != 0)
			return "covariates";
	return NULL;
}

static void
train_one(struct job *j, size_t i, struct fc_work *w, double *cbuf)
{
	const struct series *s = &j->set->s[i];
	struct result *r = &j->res[i];
	char name[3 * FC_NAMEMAX + 8], path[4096], err[512];
	struct fcfile_info info;
	struct fc_model m;
	const char *why;
	int warm = 0;

	if (fcfile_name(s->name, name, sizeof name) == -1) {
		set_result(r, RC_DATA, "series '%s': name too long", s->name);
		return;
	}
	if (j->o->warm) {
		snprintf(path, sizeof path, "%s/%s", j->o->dir, name);
		if (fcfile_load(path, &m, &info, err, sizeof err) == 0) {
			if ((why = mismatch(j, &m, &info)) == NULL)
				warm = 1;
			else {
				snprintf(err, sizeof err, "series '%s': the "
				    "saved model's %s differs; trained afresh",
				    s->name, why);
				r->note = xstrdup(err);
				fc_free(&m);
			}
		} else if (access(path, F_OK) == 0) {
			set_result(r, RC_MODEL, "series '%s': %s: %s", s->name,
			    path, err);
			return;
		}
	}
	if (fc_train(&m, &j->o->cfg, s->y, s->filled, s->n, model_cov(j, s,
	    cbuf), s->len, j->o->nx, s->t0, warm, w, err, sizeof err) == -1) {
		set_result(r, strstr(err, "memory") ? RC_SYS : RC_DATA,
		    "series '%s': %s", s->name, err);
		if (warm)
			fc_free(&m);
		return;
	}
	make_info(j, s, s->n, &info);
	if (mdir_file(&j->md, name, path, sizeof path) == -1 ||
	    fcfile_save(path, &m, &info, err, sizeof err) == -1)
		set_result(r, RC_SYS, "series '%s': %s", s->name, err);
	fc_free(&m);
}

/*
 * Check that series s has its covariates for the H periods after its
 * first n, of which len are known.  0, or -1 with r set.
 */
static int
check_future(struct job *j, const struct series *s, size_t n, size_t len,
    int H, struct result *r)
{
	size_t u, nall = j->set->ncov;
	char per[SER_PERLEN];
	int h, k;

	for (h = 0; h < H; h++)
		for (k = 0; k < j->o->nx; k++) {
			u = n + (size_t)h;
			if (u < len && !isnan(s->x[u * nall + (size_t)k]))
				continue;
			ser_period_text(j->set, s->t0 + (long)u, per);
			return set_result(r, RC_DATA, "series '%s': no '%s' "
			    "for period '%s' (the model looks %d period%s "
			    "ahead)", s->name, j->o->cov[k], per, H, H > 1 ?
			    "s" : "");
		}
	return 0;
}

static void
predict_one(struct job *j, size_t i, struct fc_work *w, double *cbuf)
{
	const struct series *s = &j->set->s[i];
	struct result *r = &j->res[i];
	char name[3 * FC_NAMEMAX + 8], path[4096], err[512];
	struct fcfile_info info;
	struct fc_model m;
	int h, k;

	if (fcfile_name(s->name, name, sizeof name) == -1) {
		set_result(r, RC_DATA, "series '%s': name too long", s->name);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", j->o->dir, name);
	if (fcfile_load(path, &m, &info, err, sizeof err) == -1) {
		set_result(r, strstr(err, "memory") ? RC_SYS : RC_MODEL,
		    "series '%s': %s: %s", s->name, path, err);
		return;
	}
	h = j->o->horizon > 0 ? j->o->horizon : m.cfg.horizon;
	if (strcmp(info.freq, ser_freq_name(j->set->freq)) != 0) {
		set_result(r, RC_DATA, "series '%s': the data are %s, the "
		    "model %s", s->name, ser_freq_name(j->set->freq),
		    info.freq);
		goto out;
	}
	if (m.ncov != j->o->nx) {
		set_result(r, RC_DATA, "series '%s': the model has %d "
		    "covariates, the input %d", s->name, m.ncov, j->o->nx);
		goto out;
	}
	for (k = 0; k < m.ncov; k++)
		if (strcmp(info.cov[k], j->o->cov[k]) != 0) {
			set_result(r, RC_DATA, "series '%s': the model's "
			    "covariate %d is '%s', not '%s'", s->name, k + 1,
			    info.cov[k], j->o->cov[k]);
			goto out;
		}
	if (h > m.cfg.horizon) {
		set_result(r, RC_USAGE, "series '%s': horizon %d is beyond "
		    "the model's %d", s->name, h, m.cfg.horizon);
		goto out;
	}
	if (check_future(j, s, s->n, s->len, m.cfg.horizon, r) == -1)
		goto out;
	r->h = h;
	r->nq = m.cfg.nq;
	r->fc = xcalloc((size_t)h, sizeof *r->fc);
	r->q = xcalloc((size_t)h * (size_t)(m.cfg.nq + 1), sizeof *r->q);
	if (fc_predict(&m, s->y, s->n, model_cov(j, s, cbuf), s->len, s->t0,
	    h, r->fc, r->q, w, err, sizeof err) == -1)
		set_result(r, RC_DATA, "series '%s': %s", s->name, err);
	else {
		/* the first model's quantile levels name the columns */
		pthread_mutex_lock(&j->mu);
		if (!j->havecfg) {
			j->pcfg = m.cfg;
			j->havecfg = 1;
		} else if (m.cfg.nq != j->pcfg.nq || memcmp(m.cfg.q,
		    j->pcfg.q, sizeof m.cfg.q) != 0)
			set_result(r, RC_MODEL, "series '%s': quantile levels "
			    "differ from the other models'", s->name);
		pthread_mutex_unlock(&j->mu);
	}
out:
	fc_free(&m);
}

/* Seasonal naive forecast of y[T + h] from y[0..T). */
static double
snaive(const double *y, size_t T, int h, int m)
{
	size_t back;

	if (m < 1 || T < (size_t)m)
		return y[T - 1];
	back = (size_t)m * ((size_t)h / (size_t)m + 1);
	return y[T + (size_t)h - back];
}

static void
backtest_one(struct job *j, size_t i, struct fc_work *w, double *cbuf)
{
	const struct opts *o = j->o;
	const struct series *s = &j->set->s[i];
	struct result *r = &j->res[i];
	int H = o->cfg.horizon, K = o->origins, m = ser_season(j->set->freq);
	int k, h, meth, refit;
	struct fc_model lm, once;
	struct arima ar;
	double f, scale, *fc = xcalloc((size_t)H, sizeof *fc);
	const double *cov = model_cov(j, s, cbuf);
	size_t T, T0, u, len;
	char err[512];
	int have = 0, haveonce = 0;

	memset(&lm, 0, sizeof lm);
	memset(&once, 0, sizeof once);
	r->bt = xmalloc((size_t)NMETH * (size_t)K * (size_t)H *
	    sizeof *r->bt);
	for (k = 0; k < NMETH * K * H; k++)
		r->bt[k] = NAN;
	if (s->n < (size_t)(H + K - 1) + 5) {
		r->skipped = 1;
		free(fc);
		return;
	}
	T0 = s->n - (size_t)H - (size_t)(K - 1);
	r->t0b = (long)T0;
	scale = fcm_mase_scale(s->y, T0, (size_t)m);
	for (meth = 0; meth < NMETH; meth++)
		fcm_init(&r->acc[meth]);
	r->used[M_LSTM] = r->used[M_SNAIVE] = r->used[M_ARIMA] = 1;
	r->used[M_ONCE] = o->every > 0;
	r->used[M_GIVEN] = o->given >= 0;
	for (k = 0; k < K; k++) {
		T = T0 + (size_t)k;
		len = T + (size_t)H < s->len ? T + (size_t)H : s->len;
		refit = k == 0 || (o->every > 0 && k % o->every == 0);
		if (refit) {
			if (fc_train(&lm, &o->cfg, s->y, s->filled, T, cov, len,
			    o->nx, s->t0, have, w, err, sizeof err) == -1) {
				if (have)
					fc_free(&lm);
				have = 0;
				r->skipped = 1;
				snprintf(err + strlen(err), sizeof err -
				    strlen(err), " (origin %d)", k + 1);
				r->note = xstrdup(err);
				break;
			}
			have = 1;
			if (k == 0 && o->every > 0) {
				if (fc_copy(&once, &lm, err, sizeof err) == -1)
					die(RC_SYS, "%s", err);
				haveonce = 1;
			}
			if (arima_auto(&ar, s->y, T, m, err, sizeof err) == -1)
				die(RC_SYS, "%s", err);
		}
		for (meth = 0; meth < NMETH; meth++) {
			if (!r->used[meth])
				continue;
			if ((meth == M_LSTM || meth == M_ONCE) &&
			    check_future(j, s, T, len, H, r) == -1)
				goto out;
			if ((meth == M_LSTM || meth == M_ONCE) && fc_predict(
			    meth == M_LSTM ? &lm : &once, s->y, T, cov, len,
			    s->t0, H, fc, NULL, w, err, sizeof err) == -1) {
				set_result(r, RC_DATA, "series '%s': %s",
				    s->name, err);
				goto out;
			}
			if (meth == M_ARIMA && arima_forecast(&ar, s->y, T,
			    (size_t)H, fc, err, sizeof err) == -1)
				die(RC_SYS, "series '%s': %s", s->name, err);
			for (h = 0; h < H; h++) {
				u = T + (size_t)h;
				if (meth == M_GIVEN)
					f = s->x[u * j->set->ncov +
					    (size_t)o->given];
				else if (meth == M_SNAIVE)
					f = snaive(s->y, T, h, m);
				else
					f = fc[h];
				if (meth == M_ARIMA && f < 0)
					f = 0;	/* demand is not negative */
				r->bt[((size_t)meth * (size_t)K + (size_t)k) *
				    (size_t)H + (size_t)h] = f;
				if (!s->filled[u] && !isnan(f))
					fcm_add(&r->acc[meth], s->y[u], f,
					    scale);
			}
		}
	}
out:
	if (have)
		fc_free(&lm);
	if (haveonce)
		fc_free(&once);
	free(fc);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct fc_work w = { 0 };
	double *cbuf = NULL;
	size_t i, cap = 0, need;

	for (;;) {
		pthread_mutex_lock(&j->mu);
		if (j->stop || j->next == j->set->ns) {
			pthread_mutex_unlock(&j->mu);
			break;
		}
		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		need = j->set->s[i].len * (size_t)(j->o->nx + 1);
		if (need > cap) {
			free(cbuf);
			cbuf = xmalloc(need * sizeof *cbuf);
			cap = need;
		}
		j->fn(j, i, &w, cbuf);
		pthread_mutex_lock(&j->mu);
		j->done++;
		progress_update(&j->pr, (double)j->done, NULL);
		if (j->res[i].rc != RC_OK && !j->o->kflag)
			j->stop = 1;
		pthread_mutex_unlock(&j->mu);
	}
	free(cbuf);
	fc_work_free(&w);
	return NULL;
}

/* Run fn over every series on o->jobs threads; the worst exit code. */
static int
run_all(struct job *j, const char *label)
{
	pthread_t th[64];
	int t, n = j->o->jobs, rc = RC_OK, e;
	size_t i;

	nn_blas_set_threads(1);
	pthread_mutex_init(&j->mu, NULL);
	j->res = xcalloc(j->set->ns + 1, sizeof *j->res);
	progress_start(&j->pr, label, (double)j->set->ns, 0);
	if (n == 1)
		worker(j);
	else {
		for (t = 0; t < n; t++)
			if ((e = pthread_create(&th[t], NULL, worker, j)) != 0)
				die(RC_SYS, "cannot start a thread: %s",
				    strerror(e));
		for (t = 0; t < n; t++)
			pthread_join(th[t], NULL);
	}
	progress_end(&j->pr);
	pthread_mutex_destroy(&j->mu);
	for (i = 0; i < j->set->ns; i++) {
		if (j->res[i].note != NULL)
			warnx("%s", j->res[i].note);
		if (j->res[i].msg != NULL)
			warnx("%s", j->res[i].msg);
		if (j->res[i].rc > rc)
			rc = j->res[i].rc;
	}
	return rc;
}

static void
free_results(struct job *j)
{
	size_t i;

	for (i = 0; i < j->set->ns; i++) {
		free(j->res[i].msg);
		free(j->res[i].note);
		free(j->res[i].fc);
		free(j->res[i].q);
		free(j->res[i].bt);
	}
	free(j->res);
}

/* ---- input ---- */

static int
report_row(void *ctx, const char *file, long line, const char *msg)
{
	const struct opts *o = ctx;

	warnx("%s:%ld: %s", file, line, msg);
	return o->kflag ? 0 : -1;
}

static long nbadrows;

static int
count_row(void *ctx, const char *file, long line, const char *msg)
{
	nbadrows++;
	return report_row(ctx, file, line, msg);
}

static void
read_input(const struct opts *o, struct ser_set *set)
{
	char err[512];
	size_t i, nf = 0, ns = 0;

	if (ser_read(set, o->input, &o->so, count_row, (void *)o, err,
	    sizeof err) == -1) {
		if (err[0] != '\0')
			die(strstr(err, "memory") ? RC_SYS : RC_DATA, "%s", err);
		exit(RC_DATA);
	}
	for (i = 0; i < set->ns; i++)
		if (set->s[i].nfilled > 0) {
			nf += set->s[i].nfilled;
			ns++;
		}
	if (nf > 0)
		warnx("%zu missing or incomplete periods in %zu series filled "
		    "by interpolation (not learned from, not scored)", nf, ns);
	if (set->ns == 0 && nbadrows == 0)
		die(RC_DATA, "%s: no series", strcmp(o->input, "-") == 0 ?
		    "<stdin>" : o->input);
}

/* ---- model directory manifest ---- */

/* Percent-encode '%', ',', CR and LF. */
static void
menc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '%' || *s == ',' || *s == '\n' || *s == '\r')
			fprintf(f, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, f);
}

static void
write_manifest(const struct job *j, size_t ntrained)
{
	const struct opts *o = j->o;
	char path[4096], err[512], when[32];
	struct safeout so;
	int k;

	now_iso(when, sizeof when);
	if (mdir_file(&j->md, "MANIFEST", path, sizeof path) == -1 ||
	    safeout_open(&so, path, 1, err, sizeof err) == -1)
		die(RC_SYS, "%s", mdir_file(&j->md, "MANIFEST", path,
		    sizeof path) == -1 ? "model directory name too long" : err);
	fprintf(so.f, "lstm-forecast %s\ncreated=%s\nfreq=%s\nseries=%zu\n",
	    VERSION, when, ser_freq_name(j->set->freq), ntrained);
	fputs("series_col=", so.f);
	menc(so.f, o->so.key);
	fputs("\ntime_col=", so.f);
	menc(so.f, o->so.time);
	fputs("\ntarget_col=", so.f);
	menc(so.f, o->so.target);
	fputs("\ncovariates=", so.f);
	for (k = 0; k < o->nx; k++) {
		if (k > 0)
			fputc(',', so.f);
		menc(so.f, o->cov[k]);
	}
	fputc('\n', so.f);
	if (safeout_commit(&so, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
}

static int
hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : -1;
}

/* Decode menc() text in place. */
static void
mdec(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++)
		if (*s == '%' && hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
			*w++ = (char)(hexv(s[1]) * 16 + hexv(s[2]));
			s += 2;
		} else
			*w++ = *s;
	*w = '\0';
}

/* Column names from DIR/MANIFEST for those not given on the command line. */
static void
read_manifest(struct opts *o, char **keep)
{
	char path[4096], *line = NULL, *v, *c, *next;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int k = 0;

	snprintf(path, sizeof path, "%s/MANIFEST", o->dir);
	if ((f = fopen(path, "r")) == NULL)
		die(errno == ENOENT ? RC_MODEL : RC_SYS, "%s: %s", path,
		    strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((v = strchr(line, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "covariates") == 0 && o->nx == 0) {
			for (c = v; *c != '\0' && k < FC_MAXCOV; c = next) {
				next = c + strcspn(c, ",");
				if (*next == ',')
					*next++ = '\0';
				mdec(c);
				keep[k] = xstrdup(c);
				o->cov[k] = keep[k];
				k++;
			}
			o->nx = k;
		}
		mdec(v);
		if (strcmp(line, "series_col") == 0 && !o->set_s)
			o->so.key = keep[FC_MAXCOV] = xstrdup(v);
		else if (strcmp(line, "time_col") == 0 && !o->set_t)
			o->so.time = keep[FC_MAXCOV + 1] = xstrdup(v);
		else if (strcmp(line, "target_col") == 0 && !o->set_y)
			o->so.target = keep[FC_MAXCOV + 2] = xstrdup(v);
	}
	free(line);
	if (ferror(f))
		die(RC_SYS, "%s: %s", path, strerror(errno));
	fclose(f);
	o->so.cov = o->cov;
	o->so.ncov = (size_t)o->nx;
}

/* ---- output ---- */

/* A JSON string (RFC 8259 escapes). */
static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A CSV field, quoted when it has to be (RFC 4180). */
static void
csv_str(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* "q10" for level 0.1. */
static void
qname(char *buf, size_t len, double q)
{
	snprintf(buf, len, "q%g", 100 * q);
}

static void
print_predictions(struct job *j)
{
	const struct opts *o = j->o;
	char per[SER_PERLEN], qn[32];
	const struct result *r;
	size_t i;
	int h, k, nq = j->pcfg.nq;

	if (o->csv) {
		fputs("series,period,forecast", stdout);
		for (k = 0; k < nq; k++) {
			qname(qn, sizeof qn, j->pcfg.q[k]);
			printf(",%s", qn);
		}
		putchar('\n');
	}
	for (i = 0; i < j->set->ns; i++) {
		r = &j->res[i];
		if (r->rc != RC_OK) {
			if (!o->kflag)
				break;
			continue;
		}
		for (h = 0; h < r->h; h++) {
			ser_period_text(j->set, j->set->s[i].t0 +
			    (long)j->set->s[i].n + h, per);
			if (o->csv) {
				csv_str(stdout, j->set->s[i].name);
				printf(",%s,%.9g", per, r->fc[h]);
				for (k = 0; k < r->nq && k < nq; k++)
					printf(",%.9g", r->q[h * r->nq + k]);
			} else {
				fputs("{\"series\":", stdout);
				json_str(stdout, j->set->s[i].name);
				printf(",\"period\":\"%s\",\"forecast\":%.9g",
				    per, r->fc[h]);
				for (k = 0; k < r->nq && k < nq; k++) {
					qname(qn, sizeof qn, j->pcfg.q[k]);
					printf(",\"%s\":%.9g", qn,
					    r->q[h * r->nq + k]);
				}
				putchar('}');
			}
			putchar('\n');
			if (o->uflag)
				fflush(stdout);
		}
	}
}

/* A figure for the Markdown tables. */
static const char *
num(char *buf, double v)
{
	if (!isfinite(v))
		return "n/a";
	if (fabs(v) >= 1000)
		snprintf(buf, 32, "%.0f", v);
	else if (fabs(v) >= 10)
		snprintf(buf, 32, "%.1f", v);
	else
		snprintf(buf, 32, "%.3f", v);
	return buf;
}

static void
md_row(const char *series, const char *meth, const struct fcm_acc *a)
{
	char b[6][32];
	struct fcm m;

	fcm_result(a, &m);
	if (series != NULL)
		printf("| %s ", series);
	printf("| %s | %ld | %s | %s | %s | %s | %s | %s |\n", meth, m.n,
	    num(b[0], m.mae), num(b[1], m.rmse), num(b[2], m.mape),
	    num(b[3], m.smape), num(b[4], m.mase), num(b[5], m.bias));
}

/* A method's label in tables. */
static const char *
mlabel(const struct opts *o, int meth, char *buf, size_t len)
{
	if (meth == M_LSTM && o->every > 0)
		snprintf(buf, len, "lstm (refit every %d)", o->every);
	else if (meth == M_LSTM)
		snprintf(buf, len, "lstm (trained once)");
	else if (meth == M_ONCE)
		snprintf(buf, len, "lstm (trained once)");
	else if (meth == M_GIVEN)
		snprintf(buf, len, "given '%s'", o->cov[o->given]);
	else if (meth == M_SNAIVE)
		snprintf(buf, len, "seasonal naive");
	else
		snprintf(buf, len, "auto-ARIMA");
	return buf;
}

static void
print_report(struct job *j, int used[NMETH], size_t nskip)
{
	const struct opts *o = j->o;
	const struct fc_cfg *c = &o->cfg;
	struct fcm_acc tot[NMETH];
	struct fcm fm[NMETH];
	char lab[64];
	size_t i, nused = 0;
	int meth;

	for (meth = 0; meth < NMETH; meth++)
		fcm_init(&tot[meth]);
	for (i = 0; i < j->set->ns; i++)
		if (!j->res[i].skipped && j->res[i].rc == RC_OK) {
			nused++;
			for (meth = 0; meth < NMETH; meth++)
				fcm_merge(&tot[meth], &j->res[i].acc[meth]);
		}
	printf("# lstm-forecast backtest\n\n");
	printf("- input: %s; %zu %s series, %zu used, %zu skipped (too "
	    "short for the origins and horizon)\n",
	    strcmp(o->input, "-") == 0 ? "<stdin>" : o->input, j->set->ns,
	    ser_freq_name(j->set->freq), nused, nskip);
	printf("- rolling origin: the last %d origins of each series, "
	    "horizon %d; ", o->origins, c->horizon);
	if (o->every > 0)
		printf("models refitted every %d origins (LSTM: warm start; "
		    "ARIMA: new search), \"trained once\" keeps the first "
		    "fit\n", o->every);
	else
		printf("models fitted once\n");
	printf("- LSTM: %d x %d hidden, window %d, at most %d epochs, "
	    "patience %d, rate %g, decay ", c->layers, c->hidden, c->window,
	    c->epochs, c->patience, (double)c->lr);
	if (c->wd >= 0)
		printf("%g", (double)c->wd);
	else
		printf("%s", o->nx > 0 ? "0" : "0.3");
	printf(", seed %llu, covariates: ", (unsigned long long)c->seed);
	for (meth = 0; meth < o->nx; meth++)
		printf("%s'%s'", meth ? ", " : "", o->cov[meth]);
	printf("%s\n", o->nx ? "" : "none");
	printf("- seasonal naive and MASE use season %d; sMAPE = "
	    "200 |e| / (|y| + |f|) (M3); MAPE leaves out y = 0; bias = "
	    "mean(forecast - actual); filled periods are not scored\n\n",
	    ser_season(j->set->freq));
	printf("## All series\n\n| method | points | MAE | RMSE | MAPE %% | "
	    "sMAPE %% | MASE | bias |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
	for (meth = 0; meth < NMETH; meth++)
		if (used[meth]) {
			md_row(NULL, mlabel(o, meth, lab, sizeof lab),
			    &tot[meth]);
			fcm_result(&tot[meth], &fm[meth]);
		}
	if (nused > 0) {
		printf("\nMAE of lstm against the others:");
		for (meth = 1; meth < NMETH; meth++)
			if (used[meth] && fm[meth].mae > 0)
				printf(" %s %+.1f%%;", mnames[meth], 100 *
				    (fm[M_LSTM].mae / fm[meth].mae - 1));
		putchar('\n');
	}
	printf("\n## Per series\n\n| series | method | points | MAE | "
	    "RMSE | MAPE %% | sMAPE %% | MASE | bias |\n"
	    "|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
	for (i = 0; i < j->set->ns; i++) {
		if (j->res[i].skipped || j->res[i].rc != RC_OK)
			continue;
		for (meth = 0; meth < NMETH; meth++)
			if (used[meth])
				md_row(j->set->s[i].name, mnames[meth],
				    &j->res[i].acc[meth]);
	}
	if (o->uflag)
		fflush(stdout);
}

/* -o: every forecast point (filled periods left out). */
static void
write_points(struct job *j, int used[NMETH])
{
	const struct opts *o = j->o;
	int H = o->cfg.horizon, K = o->origins, k, h, meth;
	char per[SER_PERLEN], org[SER_PERLEN], err[512];
	const struct series *s;
	struct safeout so;
	const struct result *r;
	size_t i, u;
	double f;

	if (safeout_open(&so, o->output, 0, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	if (o->csv)
		fputs("series,method,origin,period,h,forecast,actual\n", so.f);
	for (i = 0; i < j->set->ns; i++) {
		s = &j->set->s[i];
		r = &j->res[i];
		if (r->skipped || r->rc != RC_OK)
			continue;
		for (meth = 0; meth < NMETH; meth++)
			for (k = 0; used[meth] && k < K; k++)
				for (h = 0; h < H; h++) {
					u = (size_t)r->t0b + (size_t)k +
					    (size_t)h;
					f = r->bt[((size_t)meth * (size_t)K +
					    (size_t)k) * (size_t)H + (size_t)h];
					if (isnan(f) || s->filled[u])
						continue;
					ser_period_text(j->set, s->t0 + (long)u,
					    per);
					ser_period_text(j->set, s->t0 +
					    r->t0b + k - 1, org);
					if (o->csv) {
						csv_str(so.f, s->name);
						fprintf(so.f, ",%s,%s,%s,%d,"
						    "%.9g,%.9g\n", mnames[meth],
						    org, per, h + 1, f, s->y[u]);
						continue;
					}
					fputs("{\"series\":", so.f);
					json_str(so.f, s->name);
					fprintf(so.f, ",\"method\":\"%s\","
					    "\"origin\":\"%s\",\"period\":"
					    "\"%s\",\"h\":%d,\"forecast\":%.9g,"
					    "\"actual\":%.9g}\n", mnames[meth],
					    org, per, h + 1, f, s->y[u]);
				}
	}
	if (safeout_commit(&so, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
}

/* Text for SVG, with the XML specials escaped. */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '\'')
			fputs("&apos;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
}

/* --plot: small multiples, one panel per series; SVG 1.1. */
static void
write_plot(struct job *j, int used[NMETH])
{
	static const char *const col[NMETH] = { "#1f77b4", "#9ecae1",
	    "#ff7f0e", "#7f7f7f", "#2ca02c" };
	const struct opts *o = j->o;
	int H = o->cfg.horizon, K = o->origins, m = ser_season(j->set->freq);
	int np = 0, k, h, meth;
	char err[512], a[SER_PERLEN], b[SER_PERLEN], lab[64], *list, *tok;
	char *save;
	size_t sel[16], i, u, lo, hi, t;
	const struct series *s;
	const struct result *r;
	double ymin, ymax, *best;
	struct safeout so;

	/* which series */
	list = xstrdup(o->plotser != NULL ? o->plotser : "");
	for (tok = strtok_r(list, ",", &save); tok != NULL && np < 16;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; strcmp(j->set->s[i].name, tok) != 0; i++)
			;	/* present: check_plot_series() */
		sel[np++] = i;
	}
	free(list);
	for (i = 0; o->plotser == NULL && i < j->set->ns && np < 4; i++)
		if (!j->res[i].skipped && j->res[i].rc == RC_OK)
			sel[np++] = i;
	if (safeout_open(&so, o->plot, 0, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	fprintf(so.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" "
	    "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    40 + 240 * (np > 0 ? np : 1));
	/* legend */
	fprintf(so.f, "<g><line x1=\"60\" y1=\"20\" x2=\"80\" y2=\"20\" "
	    "stroke=\"black\" stroke-width=\"2\"/><text x=\"84\" y=\"24\">"
	    "actual</text>\n");
	for (meth = 0, k = 1; meth < NMETH; meth++)
		if (used[meth]) {
			fprintf(so.f, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" "
			    "y2=\"20\" stroke=\"%s\" stroke-width=\"2\"/>"
			    "<text x=\"%d\" y=\"24\">", 60 + 150 * k,
			    80 + 150 * k, col[meth], 84 + 150 * k);
			xml_text(so.f, mlabel(o, meth, lab, sizeof lab));
			fputs("</text>\n", so.f);
			k++;
		}
	fputs("</g>\n", so.f);
	best = xmalloc(((size_t)H * (size_t)K + 1) * sizeof *best);
	for (k = 0; k < np; k++) {
		s = &j->set->s[sel[k]];
		r = &j->res[sel[k]];
		if (r->skipped || r->rc != RC_OK)
			continue;
		lo = (size_t)r->t0b > (size_t)(K + H + m) ? (size_t)r->t0b -
		    (size_t)(K + H + m) : 0;
		hi = s->n - 1;
		ymin = HUGE_VAL;
		ymax = -HUGE_VAL;
		for (t = lo; t <= hi; t++) {
			ymin = s->y[t] < ymin ? s->y[t] : ymin;
			ymax = s->y[t] > ymax ? s->y[t] : ymax;
		}
		for (i = 0; i < (size_t)(NMETH * K * H); i++)
			if (used[i / (size_t)(K * H)] && isfinite(r->bt[i])) {
				ymin = r->bt[i] < ymin ? r->bt[i] : ymin;
				ymax = r->bt[i] > ymax ? r->bt[i] : ymax;
			}
		if (!(ymax > ymin))
			ymax = ymin + 1;
#define PX(t) (60 + 780.0 * (double)((t) - lo) / (double)(hi > lo ? \
		hi - lo : 1))
#define PY(v) (40 + 240.0 * k + 200 - 180 * ((v) - ymin) / (ymax - ymin))
		ser_period_text(j->set, s->t0 + (long)lo, a);
		ser_period_text(j->set, s->t0 + (long)hi, b);
		fprintf(so.f, "<g>\n<text x=\"60\" y=\"%.1f\" "
		    "font-weight=\"bold\">", 40 + 240.0 * k + 12);
		xml_text(so.f, s->name);
		fprintf(so.f, "</text>\n<rect x=\"60\" y=\"%.1f\" width=\"780\" "
		    "height=\"180\" fill=\"none\" stroke=\"#ccc\"/>\n"
		    "<text x=\"60\" y=\"%.1f\">%s</text><text x=\"840\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n"
		    "<text x=\"56\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>"
		    "<text x=\"56\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>"
		    "\n", 40 + 240.0 * k + 20, 40 + 240.0 * k + 216, a,
		    40 + 240.0 * k + 216, b, PY(ymax) + 4, ymax, PY(ymin),
		    ymin);
		fputs("<polyline fill=\"none\" stroke=\"black\" "
		    "stroke-width=\"1.5\" points=\"", so.f);
		for (t = lo; t <= hi; t++)
			fprintf(so.f, "%.1f,%.1f ", PX(t), PY(s->y[t]));
		fputs("\"/>\n", so.f);
		for (meth = 0; meth < NMETH; meth++) {
			if (!used[meth])
				continue;
			/* per target, the forecast of the latest origin */
			for (i = 0; i < (size_t)(K + H - 1); i++)
				best[i] = NAN;
			for (h = H - 1; h >= 0; h--)
				for (i = 0; i < (size_t)K; i++)
					if (!isnan(r->bt[((size_t)meth *
					    (size_t)K + i) * (size_t)H +
					    (size_t)h]))
						best[i + (size_t)h] = r->bt[(
						    (size_t)meth * (size_t)K +
						    i) * (size_t)H + (size_t)h];
			fprintf(so.f, "<polyline fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"1.5\" points=\"", col[meth]);
			for (i = 0; i < (size_t)(K + H - 1); i++) {
				u = (size_t)r->t0b + i;
				if (!isnan(best[i]))
					fprintf(so.f, "%.1f,%.1f ", PX(u),
					    PY(best[i]));
			}
			fputs("\"/>\n", so.f);
		}
		fputs("</g>\n", so.f);
#undef PX
#undef PY
	}
	fputs("</svg>\n", so.f);
	free(best);
	if (safeout_commit(&so, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
}

/* ---- subcommands ---- */

static int
cmd_train(struct opts *o)
{
	struct ser_set set;
	struct job j;
	char err[512];
	size_t i, ok = 0;
	long carried;
	int rc;

	read_input(o, &set);
	if (o->cfg.season > 0)
		o->cfg.season = ser_season(set.freq);
	memset(&j, 0, sizeof j);
	j.o = o;
	j.set = &set;
	j.fn = train_one;
	if (mdir_begin(&j.md, o->dir, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	rc = run_all(&j, "training");
	for (i = 0; i < set.ns; i++)
		ok += j.res[i].rc == RC_OK;
	if (rc != RC_OK && !o->kflag) {
		mdir_abort(&j.md);
		warnx("%s: left as it was", o->dir);
	} else {
		/* models of series not trained now stay */
		if ((carried = mdir_carry(&j.md, ".lkm", err, sizeof err)) ==
		    -1)
			die(RC_SYS, "%s", err);
		write_manifest(&j, ok + (size_t)carried);
		if (mdir_commit(&j.md, err, sizeof err) == -1) {
			mdir_abort(&j.md);
			die(RC_SYS, "%s", err);
		}
		if (j.md.old != NULL)
			warnx("%s: could not remove the old models", j.md.old);
		mdir_free(&j.md);
	}
	free_results(&j);
	ser_free(&set);
	if (nbadrows > 0 && rc == RC_OK)
		rc = RC_DATA;
	return rc;
}

static int
cmd_predict(struct opts *o)
{
	struct ser_set set;
	struct job j;
	char *keep[FC_MAXCOV + 3] = { 0 };
	int rc, k;

	read_manifest(o, keep);
	read_input(o, &set);
	memset(&j, 0, sizeof j);
	j.o = o;
	j.set = &set;
	j.fn = predict_one;
	rc = run_all(&j, "predicting");
	print_predictions(&j);
	free_results(&j);
	ser_free(&set);
	for (k = 0; k < FC_MAXCOV + 3; k++)
		free(keep[k]);
	if (nbadrows > 0 && rc == RC_OK)
		rc = RC_DATA;
	return rc;
}

/* Refuse --plot-series names that are not in the input, before work. */
static void
check_plot_series(const struct opts *o, const struct ser_set *set)
{
	char *list, *tok, *save;
	size_t i;
	int n = 0;

	if (o->plotser == NULL)
		return;
	list = xstrdup(o->plotser);
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (++n > 16)
			die(RC_USAGE, "--plot-series: at most 16 series");
		for (i = 0; i < set->ns; i++)
			if (strcmp(set->s[i].name, tok) == 0)
				break;
		if (i == set->ns)
			die(RC_USAGE, "--plot-series: no series '%s'", tok);
	}
	free(list);
}

static int
cmd_backtest(struct opts *o)
{
	struct ser_set set;
	struct job j;
	size_t i, nskip = 0;
	int used[NMETH] = { 0 }, meth, rc;

	read_input(o, &set);
	check_plot_series(o, &set);
	memset(&j, 0, sizeof j);
	j.o = o;
	j.set = &set;
	j.fn = backtest_one;
	if (o->cfg.season > 0)
		o->cfg.season = ser_season(set.freq);
	rc = run_all(&j, "backtest");
	for (i = 0; i < set.ns; i++) {
		nskip += j.res[i].skipped;
		for (meth = 0; meth < NMETH; meth++)
			used[meth] |= j.res[i].used[meth];
	}
	if (rc == RC_OK || o->kflag) {
		print_report(&j, used, nskip);
		if (o->output != NULL)
			write_points(&j, used);
		if (o->plot != NULL)
			write_plot(&j, used);
	}
	free_results(&j);
	ser_free(&set);
	if (nbadrows > 0 && rc == RC_OK)
		rc = RC_DATA;
	return rc;
}

/* Quantile levels "0.1,0.9": increasing, in (0, 1); "" for none. */
static void
parse_quantiles(struct fc_cfg *c, const char *arg)
{
	const char *s = arg;
	char *end;
	double v, prev = 0;

	c->nq = 0;
	while (*s != '\0') {
		errno = 0;
		v = strtod(s, &end);
		if (end == s || errno != 0 || !(v > prev && v < 1) ||
		    c->nq == FC_MAXQ || (*end != ',' && *end != '\0'))
			die(RC_USAGE, "-q: '%s' is not a list of up to %d "
			    "increasing levels in (0, 1)", arg, FC_MAXQ);
		c->q[c->nq++] = prev = v;
		s = *end == ',' ? end + 1 : end;
	}
}

/* "-W" or "--plot" for an option code. */
static const char *
optname(int c)
{
	static char buf[32];
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c && c > 255) {
			snprintf(buf, sizeof buf, "--%s", longopts[i].name);
			return buf;
		}
	snprintf(buf, sizeof buf, "-%c", c);
	return buf;
}

static void
usage(void)
{
	fputs(usage_lines, stderr);
	exit(RC_USAGE);
}

int
main(int argc, char *argv[])
{
	static const char *const cmds[] = { "train", "predict", "backtest" };
	struct opts o;
	int c, i, off = 0, given = 0;
	const char *gcol = NULL;
	unsigned k;

	progname = "lstm-forecast";
	memset(&o, 0, sizeof o);
	ser_opts_init(&o.so);
	fc_cfg_init(&o.cfg);
	o.seasonauto = 1;
	o.jobs = 1;
	o.origins = 1;
	o.given = -1;
	for (i = 0; argc > 1 && i < 3; i++)
		if (strcmp(argv[1], cmds[i]) == 0) {
			o.cmd = 1 << i;
			off = 1;
		}
	opterr = 0;
	while ((c = getopt_long(argc - off, argv + off,
	    "d:e:f:G:g:H:hj:kL:m:n:O:o:P:p:q:R:r:S:s:t:uVWw:x:y:", longopts,
	    NULL)) != -1) {
		for (k = 0; k < sizeof optcmds / sizeof optcmds[0]; k++)
			if (optcmds[k].opt == c && o.cmd != 0 &&
			    !(optcmds[k].cmds & o.cmd))
				die(RC_USAGE, "%s is not an option of %s",
				    optname(c), cmds[o.cmd == TRAIN ? 0 :
				    o.cmd == PREDICT ? 1 : 2]);
		switch (c) {
		case 'd': o.cfg.wd = (float)parse_double("-d", optarg, 0, 10);
		    break;
		case 'e': o.cfg.epochs = (int)parse_long("-e", optarg, 1,
		    1000000); break;
		case 'f':
			if (strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "ndjson") != 0)
				die(RC_USAGE, "-f: '%s' is not csv or ndjson",
				    optarg);
			o.csv = optarg[0] == 'c';
			break;
		case 'G':
			if (strcmp(optarg, "fill") != 0 &&
			    strcmp(optarg, "error") != 0)
				die(RC_USAGE, "-G: '%s' is not fill or error",
				    optarg);
			o.so.gaps = optarg[0] == 'f' ? SER_GAPS_FILL :
			    SER_GAPS_ERROR;
			break;
		case 'g': gcol = optarg; given = 1; break;
		case 'H': o.horizon = (int)parse_long("-H", optarg, 1, 1000);
		    break;
		case 'j': o.jobs = (int)parse_long("-j", optarg, 1, 64); break;
		case 'k': o.kflag = 1; break;
		case 'L': o.cfg.layers = (int)parse_long("-L", optarg, 1,
		    LSTM_MAXLAYERS); break;
		case 'm': o.dir = optarg; break;
		case 'n': o.cfg.hidden = (int)parse_long("-n", optarg, 1,
		    1024); break;
		case 'O': o.origins = (int)parse_long("-O", optarg, 1, 100000);
		    break;
		case 'o': o.output = optarg; break;
		case 'P':
			if (ser_freq_parse(optarg, &o.so.freq) == -1)
				die(RC_USAGE, "-P: '%s' is not daily, weekly, "
				    "monthly or auto", optarg);
			break;
		case 'p': o.cfg.patience = (int)parse_long("-p", optarg, 1,
		    1000000); break;
		case 'q': parse_quantiles(&o.cfg, optarg); break;
		case 'R': o.every = (int)parse_long("-R", optarg, 0, 100000);
		    break;
		case 'r': o.cfg.lr = (float)parse_double("-r", optarg, 1e-7,
		    10); break;
		case 'S': o.cfg.seed = (uint64_t)parse_long("-S", optarg, 0,
		    0x7fffffffL); break;
		case 's': o.so.key = optarg; o.set_s = 1; break;
		case 't': o.so.time = optarg; o.set_t = 1; break;
		case 'u': o.uflag = 1; break;
		case 'W': o.warm = 1; break;
		case 'w': o.cfg.window = (int)parse_long("-w", optarg, 1,
		    100000); break;
		case 'x':
			if (o.nx == FC_MAXCOV)
				die(RC_USAGE, "-x: at most %d covariates",
				    FC_MAXCOV);
			o.cov[o.nx++] = optarg;
			break;
		case 'y': o.so.target = optarg; o.set_y = 1; break;
		case O_PLOT: o.plot = optarg; break;
		case O_PLOTSER: o.plotser = optarg; break;
		case O_SEASON:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "off") != 0)
				die(RC_USAGE, "--season: '%s' is not auto or "
				    "off", optarg);
			o.seasonauto = optarg[0] == 'a';
			break;
		case O_VAL: i = (int)parse_long("--val", optarg, 0, 1000000);
		    o.cfg.val = i == 0 ? -1 : i; break;
		case 'h': printf("%s%s", usage_lines, help_text);
		    close_stdout(); return RC_OK;
		case 'V': puts("lstm-forecast " VERSION); close_stdout();
		    return RC_OK;
		default: usage();
		}
	}
	if (o.cmd == 0 || optind + off < argc - 1)
		usage();
	o.input = optind + off < argc ? argv[optind + off] : "-";
	if (o.dir == NULL && o.cmd != BACKTEST)
		die(RC_USAGE, "-m: a model directory is needed");
	if (o.plotser != NULL && o.plot == NULL)
		die(RC_USAGE, "--plot-series needs --plot");
	if (given) {
		for (i = 0; i < o.nx; i++)
			if (strcmp(o.cov[i], gcol) == 0)
				o.given = i;
		if (o.given < 0) {
			o.given = o.nx;
			o.cov[o.nx] = gcol;
		}
	}
	o.so.cov = o.cov;
	o.so.ncov = (size_t)o.nx + (o.given == o.nx);
	if (o.cmd != PREDICT) {
		o.cfg.horizon = o.horizon > 0 ? o.horizon : 1;
		/* auto: the frequency's season, set once the data are read */
		o.cfg.season = o.seasonauto ? 1 : 0;
	}
	switch (o.cmd) {
	case TRAIN:
		/* the season length follows the data; set after reading */
		c = cmd_train(&o);
		break;
	case PREDICT:
		c = cmd_predict(&o);
		break;
	default:
		c = cmd_backtest(&o);
		break;
	}
	close_stdout();
	return c;
}
