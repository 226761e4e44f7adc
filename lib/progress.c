/*
 * progress: one status line on stderr, redrawn in place ("\r", then the
 * text, then "ESC [ K" to clear what a longer earlier line left), at most
 * four times a second, cut to the terminal's width so it never wraps.
 * Rate and ETA come from the average since the start, which is steadier
 * than the last interval for work whose units cost about the same.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define REDRAW 0.25	/* seconds between redraws */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Columns the line may use: the terminal's width less one, or 79. */
static size_t
columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col - 1;
	return 79;
}

void
progress_start(struct progress *p, const char *label, double total,
    int force)
{
	p->label = label;
	p->total = total > 0 ? total : 0;
	p->t0 = now();
	p->last = 0;	/* never drawn */
	p->on = force || isatty(STDERR_FILENO);
}

void
progress_fmt_eta(char *buf, unsigned long len, double seconds)
{
	long s;

	if (!(seconds >= 0) || seconds > 1e9) {	/* NaN, Inf, absurd */
		snprintf(buf, len, "--");
		return;
	}
	s = (long)(seconds + 0.5);
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s % 3600 / 60);
}

void
progress_update(struct progress *p, double done, const char *extra)
{
	char line[512], eta[32], rate[32];
	double t, elapsed, r;
	size_t n, max;
	int finished;

	if (!p->on)
		return;
	t = now();
	finished = p->total > 0 && done >= p->total;
	if (p->last != 0 && t - p->last < REDRAW && !finished)
		return;
	p->last = t;
	elapsed = t - p->t0;
	r = elapsed > 0 ? done / elapsed : 0;
	if (r <= 0)
		snprintf(rate, sizeof rate, "--/s");
	else
		snprintf(rate, sizeof rate, r >= 100 ? "%.0f/s" : r >= 10 ?
		    "%.1f/s" : "%.2f/s", r);
	if (p->total > 0) {
		progress_fmt_eta(eta, sizeof eta, r > 0 ?
		    (p->total - done) / r : NAN);
		snprintf(line, sizeof line,
		    "%s %.0f/%.0f %3.0f%% %s ETA %s%s%s", p->label, done,
		    p->total, 100 * done / p->total, rate, eta,
		    extra != NULL ? " " : "", extra != NULL ? extra : "");
	} else
		snprintf(line, sizeof line, "%s %.0f %s%s%s", p->label, done,
		    rate, extra != NULL ? " " : "", extra != NULL ? extra : "");
	n = strlen(line);
	max = columns();
	if (n > max)
		n = max;
	fprintf(stderr, "\r%.*s\033[K", (int)n, line);
	fflush(stderr);
}

void
progress_end(struct progress *p)
{
	if (p->on && p->last != 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->last = 0;
}
