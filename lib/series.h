/*
 * series: read many time series in long format (one observation per row:
 * series key, period, target value, covariates) from CSV with a header
 * line or from NDJSON, and turn them into regular per-series arrays.
 *
 * Periods are "YYYY-MM-DD" or "YYYY-MM"; the frequency is daily, weekly
 * or monthly, given or detected over the whole input: "YYYY-MM" is
 * monthly; dates all on the first of a month are monthly, dates all on one
 * weekday weekly, other dates daily.
 *
 * Checks, each a per-row error with the row's line: a missing or
 * malformed key or period, a target or covariate that is not a finite
 * number, a negative target, a period given twice for one series, a row
 * without a target before the series' first value.  Empty fields and "NA"
 * (CSV) or null and absent keys (NDJSON) are missing values.
 *
 * Missing periods (no row, or a row whose target or a covariate is
 * missing) between a series' first and last target are repaired or
 * refused, never skipped over (which would shift the history):
 * SER_GAPS_FILL interpolates linearly between the neighbouring values and
 * flags the filled targets (the caller keeps them out of losses and
 * scores); SER_GAPS_ERROR reports the series, which is then dropped.
 * Rows after the last target that carry covariates only are the future:
 * covariate values known in advance (the customer's forecast), kept as
 * given; unknown ones are NaN.
 */
#ifndef LK_SERIES_H
#define LK_SERIES_H

#include <stddef.h>

enum ser_freq { SER_AUTO, SER_DAILY, SER_WEEKLY, SER_MONTHLY };
enum ser_gaps { SER_GAPS_FILL, SER_GAPS_ERROR };

struct ser_opts {
	const char *key;	/* series key column ("series") */
	const char *time;	/* period column ("period") */
	const char *target;	/* target column ("value") */
	const char *const *cov;	/* covariate columns, ncov of them */
	size_t ncov;
	enum ser_freq freq;	/* SER_AUTO: detect */
	enum ser_gaps gaps;
};

struct series {
	char *name;
	long t0;		/* period number of index 0 */
	size_t n;		/* history: targets y[0..n) */
	size_t len;		/* n + future periods */
	double *y;		/* (n) target, gaps filled */
	double *x;		/* (len, ncov) covariates; NaN: unknown */
	unsigned char *filled;	/* (n) 1 where y[t] was filled */
	size_t nfilled;		/* periods with y or a covariate filled */
	long lastline;		/* input line of the last target */
};

struct ser_set {
	enum ser_freq freq;	/* detected or given; never SER_AUTO */
	int daystyle;		/* monthly periods written "YYYY-MM-01" */
	long wphase;		/* weekly: day number mod 7 of every date */
	size_t ncov;
	struct series *s;	/* ns series, in order of first appearance */
	size_t ns;
};

/*
 * Called for each bad row or refused series, with the input's name, the
 * line (of the row, or of the row before a gap) and a message without
 * position ("negative value -3 in 'sales'").  Return 0 to drop the row or
 * series and go on, -1 to stop reading.
 */
typedef int ser_report_fn(void *ctx, const char *file, long line,
    const char *msg);

/* Defaults: key "series", time "period", target "value", auto, fill. */
void ser_opts_init(struct ser_opts *o);

/*
 * Read path ("-": standard input, named "<stdin>") into set; the format
 * is NDJSON when the first non-blank byte is '{', else CSV.  Bad rows go
 * to report.  0: read (report may have been called); -1: stopped, by
 * report (err is then "") or with err filled (unreadable input, a header
 * without a needed column, monthly periods with another frequency asked
 * for, out of memory); set is then empty.  Free with ser_free().
 */
int ser_read(struct ser_set *set, const char *path, const struct ser_opts *o,
    ser_report_fn *report, void *ctx, char *err, size_t errlen);

void ser_free(struct ser_set *set);

/* Season length of the frequency: 7, 52 or 12. */
int ser_season(enum ser_freq f);

/* "daily", "weekly", "monthly"; ser_freq_parse() is the inverse (0/-1). */
const char *ser_freq_name(enum ser_freq f);
int ser_freq_parse(const char *s, enum ser_freq *f);

#define SER_PERLEN 40	/* buffer size for a period's text */

/* Write period number p as text into buf (SER_PERLEN bytes). */
void ser_period_text(const struct ser_set *set, long p, char *buf);

#endif
