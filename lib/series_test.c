/*
 * series_test: the long-format reader on small inputs: frequency
 * detection, gap filling and flags, the future part, CSV quoting, NDJSON,
 * and every per-row error with its line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "series.h"
#include "test.h"

static char msgs[4096];	/* "line: message\n" per report */
static int stop_after;	/* reports to accept before stopping, -1 never */

static int
collect(void *ctx, const char *file, long line, const char *msg)
{
	size_t at = strlen(msgs);

	(void)ctx;
	(void)file;
	snprintf(msgs + at, sizeof msgs - at, "%ld: %s\n", line, msg);
	return stop_after-- == 0 ? -1 : 0;
}

/* Write text to a temporary file and read it with o. */
static int
readtext(struct ser_set *set, const char *text, const struct ser_opts *o,
    char *err, size_t errlen)
{
	char path[] = "/tmp/series_testXXXXXX";
	int fd = mkstemp(path), rc;

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -2;
	close(fd);
	msgs[0] = '\0';
	rc = ser_read(set, path, o, collect, NULL, err, errlen);
	unlink(path);
	return rc;
}

int
main(void)
{
	static const char *const fc[] = { "fc" };
	struct ser_opts o;
	struct ser_set set;
	char err[256], per[SER_PERLEN];
	const struct series *s;
	int rc;

	ser_opts_init(&o);
	o.key = "ba";
	o.time = "week";
	o.target = "actual";
	o.cov = fc;
	o.ncov = 1;
	stop_after = -1;

	/* weekly, one missing week, a future row, rows out of order */
	rc = readtext(&set, "ba,week,actual,fc\n"
	    "A,2020-01-13,30,31\n"
	    "A,2020-01-06,10,11\n"
	    "\"B,x\",2020-01-06,5,\"6\"\n"
	    "A,2020-01-27,50,51\n"
	    "A,2020-02-03,,61\n", &o, err, sizeof err);
	t_ok(rc == 0 && msgs[0] == '\0', "weekly input reads cleanly");
	t_ok(set.freq == SER_WEEKLY && set.ns == 2, "weekly, two series");
	s = &set.s[0];
	t_ok(strcmp(s->name, "A") == 0 && s->n == 4 && s->len == 5,
	    "history 4 weeks (one filled), future 1");
	t_near(s->y[2], 40, 1e-12, "gap target interpolated");
	t_near(s->x[2], 41, 1e-12, "gap covariate interpolated");
	t_ok(s->filled[2] == 1 && s->filled[1] == 0 && s->nfilled == 1,
	    "filled period flagged");
	t_near(s->x[4], 61, 0, "future covariate kept");
	ser_period_text(&set, s->t0 + 4, per);
	t_ok(strcmp(per, "2020-02-03") == 0, "period text round trip");
	t_ok(strcmp(set.s[1].name, "B,x") == 0 && set.s[1].x[0] == 6,
	    "quoted key with a comma, quoted number");
	ser_free(&set);

	o.gaps = SER_GAPS_ERROR;
	rc = readtext(&set, "ba,week,actual,fc\nA,2020-01-06,1,1\n"
	    "A,2020-01-20,3,3\nB,2020-01-06,1,1\n", &o, err, sizeof err);
	t_ok(rc == 0 && set.ns == 1 && strcmp(set.s[0].name, "B") == 0 &&
	    strcmp(msgs, "2: series 'A': period '2020-01-13' is missing or "
	    "incomplete (1 period in all; see --gaps)\n") == 0,
	    "--gaps=error refuses the series at the row before the gap");
	ser_free(&set);
	o.gaps = SER_GAPS_FILL;

	/* per-row errors, each with its line; reading goes on */
	o.freq = SER_WEEKLY;
	rc = readtext(&set, "ba,week,actual,fc\n"
	    "A,2020-01-06,1,1\n"
	    "A,2020-01-13,-2,1\n"
	    "A,2020-01-13,x2,1\n"
	    "A,2020-01-06,3,1\n"
	    "A,2020-1-20,3,1\n"
	    "A,2020-02,3,1\n"
	    "A,2020-01-20\n"
	    "\"A,2020-01-20,4,4\n"
	    ",2020-01-20,4,4\n"
	    "A,2020-01-20,4,nan\n"
	    "A,2020-01-21,4,4\n"
	    "A,2020-01-27,5,5\n", &o, err, sizeof err);
	t_ok(rc == 0 && strcmp(msgs,
	    "3: negative value -2 in 'actual'\n"
	    "4: 'x2' in 'actual' is not a number\n"
	    "6: bad period '2020-1-20' (want YYYY-MM-DD or YYYY-MM)\n"
	    "7: period '2020-02' is not in the format of line 2 "
	    "(YYYY-MM-DD)\n"
	    "8: 2 fields, the header needs 4\n"
	    "9: unterminated quoted field\n"
	    "10: no series key in 'ba'\n"
	    "11: 'nan' in 'fc' is not a number\n"
	    "12: date '2020-01-21' is not a Monday like the other weekly "
	    "dates\n"
	    "5: period '2020-01-06' of series 'A' given twice (first at "
	    "line 2)\n") == 0, "bad rows reported with their lines");
	t_ok(set.ns == 1 && set.s[0].n == 4 && set.s[0].nfilled == 2,
	    "bad rows dropped, their periods filled");
	ser_free(&set);
	o.freq = SER_AUTO;

	stop_after = 0;
	rc = readtext(&set, "ba,week,actual,fc\nA,2020-01-06,-1,1\n"
	    "A,2020-01-13,1,1\n", &o, err, sizeof err);
	t_ok(rc == -1 && err[0] == '\0' && set.ns == 0,
	    "the report callback can stop the read");
	stop_after = -1;

	rc = readtext(&set, "ba,date,actual\nA,2020-01-06,1\n", &o, err,
	    sizeof err);
	t_ok(rc == -1 && strstr(err, "no column 'week' (the header has: ba, "
	    "date, actual)") != NULL, "missing column named with the header");

	/* monthly: YYYY-MM, and dates on the first */
	ser_opts_init(&o);
	rc = readtext(&set, "series,period,value\nm,2019-11,1\nm,2019-12,2\n"
	    "m,2020-01,3\n", &o, err, sizeof err);
	ser_period_text(&set, set.s[0].t0 + 2, per);
	t_ok(rc == 0 && set.freq == SER_MONTHLY && set.s[0].n == 3 &&
	    strcmp(per, "2020-01") == 0, "YYYY-MM is monthly");
	ser_free(&set);
	rc = readtext(&set, "series,period,value\nm,2019-12-01,1\n"
	    "m,2020-02-01,3\n", &o, err, sizeof err);
	ser_period_text(&set, set.s[0].t0 + 1, per);
	t_ok(rc == 0 && set.freq == SER_MONTHLY && set.s[0].n == 3 &&
	    strcmp(per, "2020-01-01") == 0 && set.s[0].filled[1],
	    "dates on the first are monthly; text keeps the day");
	ser_free(&set);
	rc = readtext(&set, "series,period,value\nd,2020-02-28,1\n"
	    "d,2020-03-01,3\n", &o, err, sizeof err);
	t_ok(rc == 0 && set.freq == SER_DAILY && set.s[0].n == 3,
	    "other dates are daily (leap day filled)");
	ser_free(&set);
	o.freq = SER_WEEKLY;
	rc = readtext(&set, "series,period,value\nm,2019-11,1\n", &o, err,
	    sizeof err);
	t_ok(rc == -1 && strstr(err, "are monthly, not weekly") != NULL,
	    "a forced frequency the periods cannot have");
	o.freq = SER_AUTO;

	/* NDJSON */
	rc = readtext(&set, "{\"series\":\"n\",\"period\":\"2020-01\","
	    "\"value\":1}\n{\"series\":7,\"period\":\"2020-01\",\"value\":2}\n"
	    "{\"series\":\"n\",\"period\":\"2020-02\",\"value\":\"3\"}\n"
	    "[1]\n{\"series\":\"n\",\"period\":\"2020-03\",\"value\":null}\n"
	    "{\"series\":\"n\",\"period\":\"2020-02\",\"value\":4}\n",
	    &o, err, sizeof err);
	t_ok(rc == 0 && set.ns == 2 && strcmp(set.s[1].name, "7") == 0 &&
	    set.s[0].n == 2 && set.s[0].len == 3 && set.s[0].y[1] == 4,
	    "NDJSON: numeric key, null target is the future");
	t_ok(strcmp(msgs, "3: 'value' is a string, not a number\n"
	    "4: not a JSON object\n") == 0, "NDJSON row errors");
	ser_free(&set);

	rc = readtext(&set, "series,period,value\nz,2020-01,\nz,2020-02,1\n",
	    &o, err, sizeof err);
	t_ok(rc == 0 && set.ns == 1 && strcmp(msgs, "2: no 'value' before "
	    "the first value of series 'z'\n") == 0,
	    "a row without target before the first value");
	ser_free(&set);
	rc = readtext(&set, "series,period,value\nz,2020-01,NA\n", &o, err,
	    sizeof err);
	t_ok(rc == 0 && set.ns == 0 && strcmp(msgs, "2: series 'z' has no "
	    "value in 'value'\n") == 0, "a series without any value");
	ser_free(&set);
	rc = readtext(&set, "", &o, err, sizeof err);
	t_ok(rc == 0 && set.ns == 0, "empty input: no series");
	t_ok(ser_read(&set, "/nonexistent/x", &o, collect, NULL, err,
	    sizeof err) == -1 && strstr(err, "No such file") != NULL,
	    "unreadable input");
	return t_done();
}
