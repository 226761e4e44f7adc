/*
 * scale: per-feature linear scaling fitted on training data and replayed at
 * prediction time, so an SVM sees features of comparable range.  Two
 * methods: min-max to [-1, 1] (as libsvm's svm-scale -l -1 -u 1) and
 * standardisation to zero mean and unit variance.  A feature that is
 * constant in the training data scales to 0 (it carries no information).
 */
#ifndef LK_SCALE_H
#define LK_SCALE_H

#include <stddef.h>

enum scale_kind {
	SCALE_MINMAX,	/* a = min, b = max: -1 + 2 (x - a) / (b - a) */
	SCALE_STANDARD	/* a = mean, b = sd (population): (x - a) / b */
};

struct scale {
	enum scale_kind kind;
	size_t n;	/* number of features */
	double *a;	/* n parameters: min or mean */
	double *b;	/* n parameters: max or standard deviation */
};

/*
 * The kind named name ("minmax" or "standard"): 0 and *kind set, else -1.
 * scale_kind_name() is the inverse.
 */
int scale_kind_parse(const char *name, enum scale_kind *kind);
const char *scale_kind_name(enum scale_kind kind);

/*
 * Allocate s for n features (n >= 1), parameters zero.  0, or -1 when
 * memory is short.  Free with scale_free().
 */
int scale_init(struct scale *s, enum scale_kind kind, size_t n);

/*
 * Fit s (already initialised for n features) on rows x rows of n finite
 * values each, row-major (rows >= 1).  0, or -1 with err filled when the
 * parameters overflow (a feature's range or spread is not finite).
 */
int scale_fit(struct scale *s, const double *x, size_t rows, char *err,
    size_t errlen);

/*
 * Check fitted or loaded parameters: finite, max >= min for min-max,
 * sd >= 0 for standardisation.  0, or -1 with err naming the feature
 * index.
 */
int scale_check(const struct scale *s, char *err, size_t errlen);

/* Feature i's value x, scaled (infinite if it overflows). */
double scale_value(const struct scale *s, size_t i, double x);

/* Scale one row: out[i] = f_i(in[i]) for the s->n features (may alias). */
void scale_apply(const struct scale *s, const double *in, double *out);

void scale_free(struct scale *s);

#endif
