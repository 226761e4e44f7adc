/*
 * fcfile: one trained forecaster (fcnet.h) as a linekit model file
 * (model.h) of kind "lstm".  Metadata: the series name and the column
 * names (percent-encoded: '%', CR and LF), the frequency and the periods
 * trained on, the configuration, the scaling, the seasonal adjustment and
 * the training record (Adam steps, epochs, held-out loss); tensors: per
 * layer lstm.<l>.wx, lstm.<l>.wh, lstm.<l>.b, then head.w, head.b (the
 * parameter buffer in its order), adam.m and adam.v (the moments, for
 * warm starts), season (m seasonal indices, when adjusted) and resid_q
 * (horizon, nq) residual quantiles.
 */
#ifndef LK_FCFILE_H
#define LK_FCFILE_H

#include <stddef.h>

#include "fcnet.h"

#define FC_KIND "lstm"
#define FC_NAMEMAX 1024		/* bytes in a series or column name */

/* What the file records beyond the model itself. */
struct fcfile_info {
	char series[FC_NAMEMAX];
	char freq[16];			/* "daily", "weekly", "monthly" */
	char first[40], last[40];	/* periods trained on, as text */
	int ncov;
	char cov[FC_MAXCOV][FC_NAMEMAX];	/* covariate columns */
	char created[32];		/* UTC, ISO 8601 */
};

/* Write m with info to path (atomically).  0, or -1 with err filled. */
int fcfile_save(const char *path, const struct fc_model *m,
    const struct fcfile_info *info, char *err, size_t errlen);

/*
 * Load path into m (a complete, ready net) and info.  0, or -1 with err
 * filled (the reasons of model_read(), metadata missing or out of range,
 * tensors of the wrong shape, non-finite parameters); m is then empty.
 */
int fcfile_load(const char *path, struct fc_model *m,
    struct fcfile_info *info, char *err, size_t errlen);

/*
 * The file name of a series' model: the name with bytes outside
 * [A-Za-z0-9._-] (and a leading '.') written %XX, plus ".lkm".  0, or -1
 * when it would not fit in len bytes.
 */
int fcfile_name(const char *series, char *buf, size_t len);

#endif
