/*
 * svmfit: training the pass/fail SVM.  A two-class libsvm C-SVC (RBF or
 * linear kernel) with class weights for the usual imbalance (few fails),
 * probability outputs (Platt scaling), and an optional grid search of C and
 * gamma by stratified k-fold cross-validation in the manner of libsvm's
 * grid.py.  libsvm draws its folds with rand(); svmfit calls srand(seed)
 * before every cross-validation and before the final training, so a run
 * is repeatable.  libsvm's messages go to the opts' print function only.
 */
#ifndef LK_SVMFIT_H
#define LK_SVMFIT_H

#include <stddef.h>

#include <libsvm/svm.h>

enum svmfit_metric {
	SVMFIT_BALANCED,	/* mean of the pass and fail recall */
	SVMFIT_ACCURACY		/* fraction classified right */
};

/* Cross-validated figures; a "positive" is a failed part. */
struct svmfit_cv {
	double accuracy;	/* right / all */
	double balanced;	/* (pass recall + fail recall) / 2 */
	double false_accept;	/* fails classified pass / fails */
	double false_reject;	/* passes classified fail / passes */
};

struct svmfit_opts {
	int kernel;		/* libsvm's LINEAR or RBF */
	double C;		/* cost, > 0 (grid: ignored) */
	double gamma;		/* RBF width > 0; 0: 1 / nfeat; grid: unused */
	double wpass, wfail;	/* class weights, both > 0; 0 0: balanced */
	int folds;		/* k of k-fold cross-validation, 0: none */
	int grid;		/* search C (and for RBF gamma); needs folds */
	double log2c[3];	/* grid of log2 C: begin, end, step */
	double log2g[3];	/* grid of log2 gamma: begin, end, step */
	enum svmfit_metric metric;	/* what the grid maximises */
	unsigned seed;		/* for srand() */
	void (*print)(const char *);	/* libsvm's messages; NULL: silent */
	/* called after each grid point, if set (progress reports) */
	void (*report)(void *arg, double C, double gamma,
	    const struct svmfit_cv *cv);
	void *arg;
};

struct svmfit {
	struct svm_model *model;	/* the trained model */
	double C, gamma;	/* the parameters it was trained with */
	double wpass, wfail;	/* the class weights used */
	size_t npass, nfail;	/* training records per class */
	int have_cv;		/* cross-validation ran: cv is set */
	struct svmfit_cv cv;	/* of C and gamma */
	int grid_points;	/* parameter pairs tried, 0 without grid */
	/* libsvm's model points into these; private */
	struct svm_problem prob;
	struct svm_node *space;
};

/*
 * Defaults: RBF, C 1, gamma 1 / nfeat, balanced weights, no
 * cross-validation, grid log2 C -5..15 step 2 and log2 gamma 3..-15
 * step -2 (grid.py's), balanced accuracy, seed 1, silent.
 */
void svmfit_defaults(struct svmfit_opts *o);

/*
 * Number of points of the range r (begin, end, step): begin, begin + step,
 * ... up to end inclusive; 0 if step is 0, points away from end, or more
 * than 10000 points are asked for.
 */
int svmfit_range_len(const double r[3]);

/*
 * Train on n rows x[n][nfeat] (scaled features, row-major) with labels
 * y[n] (SVMFILE_FAIL or SVMFILE_PASS).  Fills f; free with svmfit_free()
 * (also after -1).  -1 with err filled when a class is empty, the options
 * are out of range (folds > n, an empty grid) or memory is short.
 */
int svmfit_train(struct svmfit *f, const double *x, const int *y, size_t n,
    size_t nfeat, const struct svmfit_opts *o, char *err, size_t errlen);

void svmfit_free(struct svmfit *f);

#endif
