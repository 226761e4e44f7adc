/*
 * progress: a one-line progress report for long work, on stderr and only
 * when stderr is a terminal (cron logs and pipelines stay clean).  Redraws
 * at most a few times a second; shows done/total, rate and ETA.
 */
#ifndef LK_PROGRESS_H
#define LK_PROGRESS_H

struct progress {
	const char *label;	/* e.g. "training" */
	double total;		/* units of work, 0 if unknown */
	double t0, last;	/* start and last redraw, seconds */
	int on;			/* stderr is a terminal (or forced) */
};

/* Start; force=1 draws even when stderr is not a terminal (tests). */
void progress_start(struct progress *p, const char *label, double total,
    int force);

/* Report done units; extra (may be NULL) is appended, e.g. "loss 0.012". */
void progress_update(struct progress *p, double done, const char *extra);

/* Clear the line. */
void progress_end(struct progress *p);

/*
 * Format seconds as "1h02m", "3m05s" or "42s" into buf; also used by the
 * tests and by tools that log ETA in NDJSON.
 */
void progress_fmt_eta(char *buf, unsigned long len, double seconds);

#endif
