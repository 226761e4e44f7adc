/*
 * fcnet: the per-series LSTM forecaster of lstm-forecast: features,
 * scaling, a prior forecast the network corrects, training with early
 * stopping, multi-step prediction and quantiles from held-out residuals.
 *
 * Scaling.  The target is seasonally adjusted first when it has no
 * covariates and passes the season test (deseason.h; with covariates the
 * season is expected to come from them), then standardised with the mean
 * and standard deviation of its training part; each covariate is
 * standardised with its own.  Standardising a covariate separately makes
 * a forecast that is off by a constant factor or offset line up with the
 * target, so a biased customer forecast is corrected from the start.
 *
 * Prior.  With covariates, the average of the scaled covariates of the
 * step forecast; without, the Theta method: a level L smoothed
 * exponentially (alpha fitted on the training part) plus half its linear
 * trend.  The network's head starts at zero, so an untrained model gives
 * the prior; L2 weight decay (cfg.wd; by default 0 with covariates, 0.3
 * without, where the series are short and noisy) pulls it back there.
 *
 * Features at step t (ys the scaled target, cs a scaled covariate):
 *   LSTM input   ys_t - ys_{t-1},  ys_t,  ys_t - L_t,  cs_{k,t} - ys_t
 *   head input   cs_{k,t+h} - L_t  for h = 1..H
 *   outputs      ys_{t+h} - prior_{t,h}  for h = 1..H
 * so every origin t is a training example for all H steps (direct
 * multi-step forecasting).  Inputs and targets are clipped to +-10
 * standard deviations.
 *
 * Training.  Adam on the mean squared error of the outputs whose target is
 * known and not a filled gap, by truncated BPTT over windows of `window`
 * steps, one update per window, gradient norm clipped to 5.  The last
 * `val` periods (auto: max(H, n/10), at most n/3) are held out: their
 * error is measured before training and after each epoch, training stops
 * after `patience` epochs without a better one, and the best parameters
 * are kept (possibly the untrained prior).  A warm start keeps the
 * scaling, prior, parameters and Adam moments of a trained model and
 * continues on the new history the same way.
 *
 * Quantiles.  For each step h the residuals y - forecast of the origins
 * whose target falls in the held-out tail (the training part when there
 * is none) give empirical quantiles (linear interpolation), which are
 * added to the forecast.  Forecasts and quantiles are clipped at zero
 * (targets are non-negative).
 */
#ifndef LK_FCNET_H
#define LK_FCNET_H

#include <stddef.h>
#include <stdint.h>

#include "deseason.h"
#include "nn/lstm.h"

#define FC_MAXQ 9	/* quantile levels */
#define FC_MAXCOV 16	/* covariates */
#define FC_NIN(ncov) (3 + (ncov))	/* LSTM inputs per step */

struct fc_cfg {
	int horizon;		/* H, outputs per origin */
	int hidden, layers;	/* LSTM size */
	int window;		/* BPTT window, steps */
	int epochs, patience;
	int val;		/* held-out tail; 0: auto; -1: none */
	float lr;		/* Adam learning rate */
	float wd;		/* L2 weight decay (towards the prior); < 0:
				   auto, 0 with covariates, else 0.3 */
	uint64_t seed;
	int season;		/* season length for the adjustment; 0: none */
	int nq;			/* quantile levels q[0..nq), in (0, 1) */
	double q[FC_MAXQ];
};

struct fc_model {
	struct fc_cfg cfg;
	int ncov;
	long t0;		/* period number of the first value trained on */
	double mu, sd;		/* target scaling (after adjustment) */
	double alpha;		/* level smoothing constant */
	double cmu[FC_MAXCOV], csd[FC_MAXCOV];
	struct deseason ds;	/* indexed by period number mod m */
	struct lstm net;
	long adam_t;		/* Adam steps taken */
	int epochs, best_epoch;	/* of the last training */
	double val_loss;	/* best held-out MSE (scaled); NaN: none */
	double *resq;		/* (H, nq) residual quantiles, target units */
	double *drift;		/* (H) Theta drift of the prior (scaled), in
				   the allocation of resq */
	size_t nfit;		/* history length of the last training */
};

/* Buffers one thread reuses across series (grown as needed). */
struct fc_work {
	float *x, *z, *tgt, *msk, *out, *dout, *best;
	double *lev;		/* (cap) level of each origin, then */
	double *base;		/* (cap, H) the prior forecasts, scaled */
	size_t cap, capper, capH, capbest;
};

/*
 * The defaults: H 1, hidden 32, 1 layer, window 24, 100 epochs, patience
 * 10, val auto, lr 0.01, decay auto, seed 1, no season, quantiles .1 .9.
 */
void fc_cfg_init(struct fc_cfg *c);

/*
 * Train m on a series: y (n) targets, filled (n) flags of filled gaps
 * (their targets get no loss), cov (len, ncov) covariates with len >= n
 * (NaN: unknown), t0 the period number of y[0].  warm = 0: a new model
 * from cfg; warm = 1: continue m (trained before on the same kind of
 * series: cfg's epochs, patience and val apply; the rest stays).  0, or
 * -1 with err filled: series too short (n < 4, or with a held-out tail
 * too short to learn from), bad configuration, out of memory.  m is
 * unchanged on failure of a warm start, empty on failure of a new one.
 */
int fc_train(struct fc_model *m, const struct fc_cfg *cfg, const double *y,
    const unsigned char *filled, size_t n, const double *cov, size_t len,
    int ncov, long t0, int warm, struct fc_work *w, char *err,
    size_t errlen);

/*
 * Forecast h <= H steps after y[0..n) (same layout as for training; the
 * series may be longer than the one trained on, and t0 may differ):
 * out (h) and, when q is not NULL, q (h, nq) quantiles.  Covariates must
 * be known for periods n .. n + H - 1 (every step of the model's
 * horizon).  0, or -1 with err filled.
 */
int fc_predict(struct fc_model *m, const double *y, size_t n,
    const double *cov, size_t len, long t0, int h, double *out, double *q,
    struct fc_work *w, char *err, size_t errlen);

/*
 * Make dst an independent copy of the trained src (network, moments,
 * scaling, quantiles).  0, or -1 with err filled (out of memory).
 */
int fc_copy(struct fc_model *dst, const struct fc_model *src, char *err,
    size_t errlen);

void fc_free(struct fc_model *m);
void fc_work_free(struct fc_work *w);

#endif
