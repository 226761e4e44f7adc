/*
 * svmfit: the training side of svm-accept: a libsvm problem built from a
 * dense feature matrix, class weights, cross-validation figures and the
 * grid search.  Grid points are tried one after another: libsvm's folds
 * come from the process-wide rand(), which threads would make
 * unrepeatable.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "svmfile.h"
#include "svmfit.h"

#define MAX_RANGE	10000

static void
print_nothing(const char *s)
{
	(void)s;
}

void
svmfit_defaults(struct svmfit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->kernel = RBF;
	o->C = 1;
	o->log2c[0] = -5;
	o->log2c[1] = 15;
	o->log2c[2] = 2;
	o->log2g[0] = 3;
	o->log2g[1] = -15;
	o->log2g[2] = -2;
	o->metric = SVMFIT_BALANCED;
	o->seed = 1;
}

int
svmfit_range_len(const double r[3])
{
	double k;

	if (r[2] == 0 || !isfinite(r[0]) || !isfinite(r[1]) ||
	    !isfinite(r[2]))
		return 0;
	k = (r[1] - r[0]) / r[2];
	if (k < 0 || k >= MAX_RANGE)
		return 0;
	return (int)floor(k + 1e-9) + 1;
}

/* Score CV predictions target[] against y[]. */
static void
score(const double *target, const int *y, size_t n, struct svmfit_cv *cv)
{
	size_t i, tp = 0, tn = 0, fail = 0, pass = 0;

	for (i = 0; i < n; i++) {
		if (y[i] == SVMFILE_FAIL) {
			fail++;
			tp += target[i] == SVMFILE_FAIL;
		} else {
			pass++;
			tn += target[i] == SVMFILE_PASS;
		}
	}
	cv->accuracy = (double)(tp + tn) / (double)n;
	cv->false_accept = (double)(fail - tp) / (double)fail;
	cv->false_reject = (double)(pass - tn) / (double)pass;
	cv->balanced = ((double)tp / (double)fail +
	    (double)tn / (double)pass) / 2;
}

/* Cross-validate param on f's problem into cv.  0, or -1. */
static int
cross_validate(struct svmfit *f, struct svm_parameter *param, const int *y,
    const struct svmfit_opts *o, struct svmfit_cv *cv, char *err,
    size_t errlen)
{
	double *target = malloc((size_t)f->prob.l * sizeof *target);
	const char *why;

	if (target == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	param->probability = 0;
	if ((why = svm_check_parameter(&f->prob, param)) != NULL) {
		snprintf(err, errlen, "libsvm: %s", why);
		free(target);
		return -1;
	}
	srand(o->seed);
	svm_cross_validation(&f->prob, param, o->folds, target);
	score(target, y, (size_t)f->prob.l, cv);
	free(target);
	return 0;
}

/* 1 if a beats b by the metric (ties go to b, the earlier point). */
static int
better(const struct svmfit_cv *a, const struct svmfit_cv *b,
    enum svmfit_metric metric)
{
	if (metric == SVMFIT_ACCURACY)
		return a->accuracy > b->accuracy;
	return a->balanced > b->balanced;
}

/* The grid search: sets f->C, f->gamma, f->cv.  0, or -1. */
static int
grid(struct svmfit *f, struct svm_parameter *param, const int *y,
    const struct svmfit_opts *o, char *err, size_t errlen)
{
	int i, j, nc = svmfit_range_len(o->log2c);
	int ng = o->kernel == RBF ? svmfit_range_len(o->log2g) : 1;
	struct svmfit_cv cv;

	if (nc == 0 || ng == 0) {
		snprintf(err, errlen, "empty or oversized grid range");
		return -1;
	}
	for (i = 0; i < nc; i++)
		for (j = 0; j < ng; j++) {
			param->C = exp2(o->log2c[0] + i * o->log2c[2]);
			if (o->kernel == RBF)
				param->gamma = exp2(o->log2g[0] +
				    j * o->log2g[2]);
			if (cross_validate(f, param, y, o, &cv, err,
			    errlen) == -1)
				return -1;
			if (o->report != NULL)
				o->report(o->arg, param->C, param->gamma, &cv);
			if (f->grid_points++ == 0 ||
			    better(&cv, &f->cv, o->metric)) {
				f->cv = cv;
				f->C = param->C;
				f->gamma = param->gamma;
			}
		}
	f->have_cv = 1;
	return 0;
}

int
svmfit_train(struct svmfit *f, const double *x, const int *y, size_t n,
    size_t nfeat, const struct svmfit_opts *o, char *err, size_t errlen)
{
	int weight_label[2] = { SVMFILE_PASS, SVMFILE_FAIL };
	struct svm_parameter param;
	double weight[2];
	const char *why;
	size_t i, k;

	memset(f, 0, sizeof *f);
	for (i = 0; i < n; i++)
		f->nfail += y[i] == SVMFILE_FAIL;
	f->npass = n - f->nfail;
	if (f->npass == 0 || f->nfail == 0) {
		snprintf(err, errlen, "training needs both classes: %zu pass, "
		    "%zu fail", f->npass, f->nfail);
		return -1;
	}
	if (n > INT_MAX || nfeat >= INT_MAX ||
	    (nfeat + 1) > SIZE_MAX / sizeof *f->space / n) {
		snprintf(err, errlen, "too many records or features");
		return -1;
	}
	if (o->folds < 0 || o->folds == 1 || (size_t)o->folds > n ||
	    (o->grid && o->folds == 0)) {
		snprintf(err, errlen, "%d-fold cross-validation needs 2 to %zu "
		    "folds (one per record at most)", o->folds, n);
		return -1;
	}

	f->prob.l = (int)n;
	f->prob.y = malloc(n * sizeof *f->prob.y);
	f->prob.x = malloc(n * sizeof *f->prob.x);
	f->space = malloc(n * (nfeat + 1) * sizeof *f->space);
	if (f->prob.y == NULL || f->prob.x == NULL || f->space == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct svm_node *row = f->space + i * (nfeat + 1);

		for (k = 0; k < nfeat; k++) {
			row[k].index = (int)k + 1;
			row[k].value = x[i * nfeat + k];
		}
		row[nfeat].index = -1;
		f->prob.x[i] = row;
		f->prob.y[i] = y[i];
	}

	/* inverse class frequency: each class weighs n / 2 in all */
	f->wpass = o->wpass > 0 ? o->wpass : (double)n / (2.0 * f->npass);
	f->wfail = o->wfail > 0 ? o->wfail : (double)n / (2.0 * f->nfail);
	weight[0] = f->wpass;
	weight[1] = f->wfail;

	memset(&param, 0, sizeof param);
	param.svm_type = C_SVC;
	param.kernel_type = o->kernel;
	param.C = o->C;
	param.gamma = o->gamma > 0 ? o->gamma : 1.0 / (double)nfeat;
	param.cache_size = 100;
	param.eps = 1e-3;
	param.shrinking = 1;
	param.nr_weight = 2;
	param.weight_label = weight_label;
	param.weight = weight;
	svm_set_print_string_function(o->print != NULL ? o->print :
	    print_nothing);

	f->C = param.C;
	f->gamma = param.gamma;
	if (o->grid) {
		if (grid(f, &param, y, o, err, errlen) == -1)
			return -1;
		param.C = f->C;
		param.gamma = f->gamma;
	} else if (o->folds > 0) {
		if (cross_validate(f, &param, y, o, &f->cv, err, errlen) == -1)
			return -1;
		f->have_cv = 1;
	}

	param.probability = 1;
	if ((why = svm_check_parameter(&f->prob, &param)) != NULL) {
		snprintf(err, errlen, "libsvm: %s", why);
		return -1;
	}
	srand(o->seed);
	if ((f->model = svm_train(&f->prob, &param)) == NULL) {
		snprintf(err, errlen, "libsvm could not train a model");
		return -1;
	}
	/* the model keeps a copy of param: drop the pointers to our stack */
	f->model->param.nr_weight = 0;
	f->model->param.weight_label = NULL;
	f->model->param.weight = NULL;
	return 0;
}

void
svmfit_free(struct svmfit *f)
{
	if (f->model != NULL)
		svm_free_and_destroy_model(&f->model);
	free(f->prob.x);
	free(f->prob.y);
	free(f->space);
	memset(f, 0, sizeof *f);
}
