/*
 * svmfile: the svm-accept model file.  It wraps libsvm's own text model
 * (kept as libsvm writes it, so libsvm's tools can read that part) in a
 * versioned header naming the features and their scaling, and ends with a
 * CRC-32 over everything before it, so a model trained on other features,
 * a damaged file or one from a newer linekit is refused rather than
 * misread.  The layout, one item per line, numbers in the C locale:
 *
 *	linekit-svm 1
 *	libsvm 324			libsvm_version of the writer
 *	scaling minmax			or "standard"
 *	feature <name> <a> <b>		one line per feature, in model order
 *	model
 *	<libsvm's text model: svm_type c_svc ... SV ...>
 *	crc32 <8 lower-case hex digits>	of all bytes before this line
 *
 * The model is a two-class C-SVC with probability outputs, libsvm labels
 * SVMFILE_FAIL and SVMFILE_PASS, linear or RBF kernel.  Feature names are
 * non-empty and free of spaces and control characters.
 */
#ifndef LK_SVMFILE_H
#define LK_SVMFILE_H

#include <stddef.h>

#include <libsvm/svm.h>

#include "scale.h"

#define SVMFILE_VERSION	1	/* the newest layout this code reads */
#define SVMFILE_FAIL	1	/* libsvm label of a failed part */
#define SVMFILE_PASS	(-1)	/* libsvm label of a good part */

struct svmfile {
	size_t nfeat;		/* number of features, >= 1 */
	char **names;		/* nfeat feature names, model order */
	struct scale scale;	/* nfeat scaling parameters */
	struct svm_model *model;	/* libsvm's model */
	int libsvm_version;	/* of the libsvm that wrote the file */
	struct svm_node *x;	/* prediction workspace, nfeat + 1 nodes */
};

/* 1 if name may be a feature name (see above), else 0. */
int svmfile_name_ok(const char *name);

/*
 * Write m (names, scale and a two-class probability model; the workspace
 * is not needed) to path atomically: a temporary file renamed over path
 * once complete.  libsvm writes its part through a temporary file in
 * $TMPDIR (default /tmp).  0, or -1 with err filled.
 */
int svmfile_save(const struct svmfile *m, const char *path, char *err,
    size_t errlen);

/*
 * Read the model file path into m, ready for svmfile_predict().  0; -1
 * with err filled ("model 'path': ...") when the file is missing or
 * unreadable, not a linekit SVM model, of a newer version, truncated,
 * damaged (CRC mismatch) or inconsistent; -2 with err filled when memory
 * is short or the temporary file for libsvm fails.  On -1 and -2 m holds
 * nothing to free.
 */
int svmfile_load(struct svmfile *m, const char *path, char *err,
    size_t errlen);

/*
 * As svmfile_load, from the len bytes at buf (buf[len] must be '\0'; the
 * bytes are not changed); name is used in messages.  For tests, fuzzing
 * and svmfile_save's check of what it writes.
 */
int svmfile_parse(struct svmfile *m, const char *name, const char *buf,
    size_t len, char *err, size_t errlen);

/*
 * Classify one part from its nfeat raw (unscaled) features, in model order.
 * Sets *p_fail, libsvm's probability estimate that the part fails, and
 * *decision, the SVM decision value (> 0 leans to fail).  0, or -1 with
 * err filled when a scaled feature overflows.
 */
int svmfile_predict(struct svmfile *m, const double *feat, double *p_fail,
    double *decision, char *err, size_t errlen);

/* Free a model from svmfile_load or svmfile_parse (NULL fields are fine). */
void svmfile_free(struct svmfile *m);

#endif
