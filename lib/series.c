/*
 * series: the long-format reader.  Rows are collected whole (key id,
 * period, values, line), the frequency is decided once every period has
 * been seen, then rows are sorted by (series, period) and each series is
 * laid out on a regular grid where duplicates and gaps show up as
 * collisions and holes.  Dates are numbered with the days-from-civil
 * algorithm of H. Hinnant ("chrono-compatible low-level date algorithms").
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "series.h"

#define MAXSPAN 1000000L	/* periods per series, history and future */

struct row {
	size_t sid;		/* series id, order of first appearance */
	long per;		/* day or month number until the grid is built */
	double y;		/* NaN: missing */
	long line;
	size_t slot;		/* its covariates: cov + slot * ncov */
};

struct reader {
	const struct ser_opts *o;
	ser_report_fn *report;
	void *ctx;
	const char *file;
	char *err;
	size_t errlen;

	struct row *rows;	/* nrows, capacity caprows */
	double *cov;		/* (caprows, ncov) */
	size_t nrows, caprows;
	int style;		/* 0 unknown, 'D' dates, 'M' months */
	long styleline;

	char **names;		/* nnames series keys by id */
	size_t nnames, capnames;
	size_t *hash;		/* id + 1, 0 empty; hashcap slots */
	size_t hashcap;

	int col_key, col_time, col_y, *col_cov;	/* CSV column indices */
	char **field;		/* CSV split buffer */
	size_t capfield;
};

static const char *const wdnames[] = { "Thursday", "Friday", "Saturday",
    "Sunday", "Monday", "Tuesday", "Wednesday" };	/* 1970-01-01 .. */

static void
seterr(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
seterr(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

/* Report a row problem; the callback's verdict (0 go on, -1 stop). */
static int
rowerr(struct reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rowerr(struct reader *r, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->report(r->ctx, r->file, line, msg) == 0)
		return 0;
	if (r->errlen > 0)
		r->err[0] = '\0';	/* reported already */
	return -1;
}

void
ser_opts_init(struct ser_opts *o)
{
	memset(o, 0, sizeof *o);
	o->key = "series";
	o->time = "period";
	o->target = "value";
	o->freq = SER_AUTO;
	o->gaps = SER_GAPS_FILL;
}

int
ser_season(enum ser_freq f)
{
	return f == SER_DAILY ? 7 : f == SER_WEEKLY ? 52 : 12;
}

const char *
ser_freq_name(enum ser_freq f)
{
	return f == SER_DAILY ? "daily" : f == SER_WEEKLY ? "weekly" :
	    f == SER_MONTHLY ? "monthly" : "auto";
}

int
ser_freq_parse(const char *s, enum ser_freq *f)
{
	static const enum ser_freq all[] = { SER_AUTO, SER_DAILY, SER_WEEKLY,
	    SER_MONTHLY };
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, ser_freq_name(all[i])) == 0) {
			*f = all[i];
			return 0;
		}
	return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, long *m, long *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
mdays(long y, long m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return n[m - 1];
}

/* Read exactly n digits. */
static int
digits(const char *s, int n, long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * "YYYY-MM-DD" -> 'D' and the day number; "YYYY-MM" -> 'M' and the month
 * number; *day1 says whether a date is the first of its month.  0 on
 * failure.
 */
static int
parse_period(const char *s, long *v, int *day1)
{
	long y, m, d;

	if (digits(s, 4, &y) == -1 || s[4] != '-' || digits(s + 5, 2, &m) ==
	    -1 || y < 1 || m < 1 || m > 12)
		return 0;
	if (s[7] == '\0') {
		*v = y * 12 + m - 1;
		*day1 = 1;
		return 'M';
	}
	if (s[7] != '-' || digits(s + 8, 2, &d) == -1 || s[10] != '\0' ||
	    d < 1 || d > mdays(y, m))
		return 0;
	*v = days_from_civil(y, m, d);
	*day1 = d == 1;
	return 'D';
}

void
ser_period_text(const struct ser_set *set, long p, char *buf)
{
	long y, m, d;

	if (set->freq == SER_MONTHLY) {
		y = p / 12;
		m = p % 12 + 1;
		if (set->daystyle)
			snprintf(buf, SER_PERLEN, "%04d-%02d-01", (int)y,
			    (int)m);
		else
			snprintf(buf, SER_PERLEN, "%04d-%02d", (int)y, (int)m);
		return;
	}
	if (set->freq == SER_WEEKLY)
		p = p * 7 + set->wphase;
	civil_from_days(p, &y, &m, &d);
	snprintf(buf, SER_PERLEN, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

static size_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The id of series key name, adding it if new; -1 when memory is short. */
static long
series_id(struct reader *r, const char *name)
{
	size_t i, j, id, ncap;
	size_t *nh;
	char **nn;

	if (r->nnames * 2 >= r->hashcap) {
		ncap = r->hashcap ? r->hashcap * 2 : 256;
		if ((nh = calloc(ncap, sizeof *nh)) == NULL)
			return -1;
		for (i = 0; i < r->hashcap; i++)
			if (r->hash[i] != 0) {
				j = fnv(r->names[r->hash[i] - 1]) & (ncap - 1);
				while (nh[j] != 0)
					j = (j + 1) & (ncap - 1);
				nh[j] = r->hash[i];
			}
		free(r->hash);
		r->hash = nh;
		r->hashcap = ncap;
	}
	for (i = fnv(name) & (r->hashcap - 1); r->hash[i] != 0;
	    i = (i + 1) & (r->hashcap - 1))
		if (strcmp(r->names[r->hash[i] - 1], name) == 0)
			return (long)(r->hash[i] - 1);
	if (r->nnames == r->capnames) {
		ncap = r->capnames ? r->capnames * 2 : 64;
		if ((nn = realloc(r->names, ncap * sizeof *nn)) == NULL)
			return -1;
		r->names = nn;
		r->capnames = ncap;
	}
	id = r->nnames;
	if ((r->names[id] = strdup(name)) == NULL)
		return -1;
	r->nnames++;
	r->hash[i] = id + 1;
	return (long)id;
}

/*
 * Text value: 1 and *v for a finite number, 0 for missing ("" or "NA",
 * blanks around allowed), -1 for anything else.
 */
static int
text_value(const char *s, double *v)
{
	const char *e;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e == s || (e - s == 2 && strncmp(s, "NA", 2) == 0))
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	if (end != e || errno == ERANGE || !isfinite(*v))
		return -1;
	return 1;
}

/* Append one row; 0, or -1 (memory short, err set). */
static int
push_row(struct reader *r, long line, const char *key, long per, double y,
    const double *cov)
{
	size_t ncov = r->o->ncov, ncap;
	struct row *nr;
	double *nc;
	long id;

	if (r->nrows == r->caprows) {
		ncap = r->caprows ? r->caprows * 2 : 1024;
		if ((nr = realloc(r->rows, ncap * sizeof *nr)) == NULL)
			goto nomem;
		r->rows = nr;
		if (ncov > 0) {
			nc = realloc(r->cov, ncap * ncov * sizeof *nc);
			if (nc == NULL)
				goto nomem;
			r->cov = nc;
		}
		r->caprows = ncap;
	}
	if ((id = series_id(r, key)) == -1)
		goto nomem;
	nr = &r->rows[r->nrows];
	nr->sid = (size_t)id;
	nr->per = per;
	nr->y = y;
	nr->line = line;
	nr->slot = r->nrows;
	if (ncov > 0)
		memcpy(r->cov + r->nrows * ncov, cov, ncov * sizeof *cov);
	r->nrows++;
	return 0;
nomem:
	seterr(r, "out of memory reading '%s'", r->file);
	return -1;
}

/*
 * Check a row's period; 1 and *per when good, 0 when reported and
 * dropped, -1 to stop.
 */
static int
check_period(struct reader *r, long line, const char *s, long *per)
{
	int style, day1;
	char shown[40];

	if ((style = parse_period(s, per, &day1)) == 0) {
		snprintf(shown, sizeof shown, "%s", s);
		return rowerr(r, line, "bad period '%s' (want YYYY-MM-DD or "
		    "YYYY-MM)", shown) == 0 ? 0 : -1;
	}
	if (r->style == 0) {
		r->style = style;
		r->styleline = line;
	} else if (style != r->style)
		return rowerr(r, line, "period '%s' is not in the format of "
		    "line %ld (%s)", s, r->styleline, r->style == 'D' ?
		    "YYYY-MM-DD" : "YYYY-MM") == 0 ? 0 : -1;
	return 1;
}

/*
 * One row from its fields (values as text, NULL for missing): checks,
 * then push.  0 (pushed or reported and dropped) or -1 to stop.
 */
static int
add_text_row(struct reader *r, long line, const char *key, const char *tm,
    const char *ys, const char *const *cs)
{
	const struct ser_opts *o = r->o;
	double y = NAN, cov[64], v;
	long per;
	size_t i;
	int k;

	if (key == NULL || *key == '\0')
		return rowerr(r, line, "no series key in '%s'", o->key);
	if (tm == NULL || *tm == '\0')
		return rowerr(r, line, "no period in '%s'", o->time);
	if ((k = check_period(r, line, tm, &per)) != 1)
		return k;
	if (ys != NULL && (k = text_value(ys, &v)) != 0) {
		if (k == -1)
			return rowerr(r, line, "'%s' in '%s' is not a number",
			    ys, o->target);
		if (v < 0)
			return rowerr(r, line, "negative value %s in '%s'",
			    ys, o->target);
		y = v;
	}
	for (i = 0; i < o->ncov; i++) {
		cov[i] = NAN;
		if (cs[i] != NULL && (k = text_value(cs[i], &v)) != 0) {
			if (k == -1)
				return rowerr(r, line, "'%s' in '%s' is not "
				    "a number", cs[i], o->cov[i]);
			cov[i] = v;
		}
	}
	return push_row(r, line, key, per, y, cov);
}

/*
 * Split a CSV line in place (RFC 4180 quoting; no newline inside quotes).
 * Returns the field count, or -1 for an unterminated quote; -2 when
 * memory is short.
 */
static long
csv_split(struct reader *r, char *s)
{
	size_t n = 0, ncap;
	char *w, **nf;

	for (;;) {
		if (n == r->capfield) {
			ncap = r->capfield ? r->capfield * 2 : 16;
			if ((nf = realloc(r->field, ncap * sizeof *nf)) == NULL)
				return -2;
			r->field = nf;
			r->capfield = ncap;
		}
		r->field[n++] = w = s;
		if (*s == '"') {
			for (s++;; s++) {
				if (*s == '\0')
					return -1;
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				*w++ = *s;
			}
			s++;
			if (*s != ',' && *s != '\0')
				return -1;
		} else
			while (*s != ',' && *s != '\0')
				*w++ = *s++;
		if (*s == '\0') {
			*w = '\0';
			return (long)n;
		}
		*w = '\0';
		s++;
	}
}

/* Find the needed columns in the header; 0 or -1 with err set. */
static int
csv_header(struct reader *r, char *line)
{
	const struct ser_opts *o = r->o;
	const char *want[67];
	int *slot[67], i, j, need;
	long nf;
	char cols[200];
	size_t k, at;

	if ((nf = csv_split(r, line)) < 0) {
		seterr(r, "%s:1: %s", r->file, nf == -2 ? "out of memory" :
		    "bad header line");
		return -1;
	}
	want[0] = o->key;
	want[1] = o->time;
	want[2] = o->target;
	slot[0] = &r->col_key;
	slot[1] = &r->col_time;
	slot[2] = &r->col_y;
	for (k = 0; k < o->ncov; k++) {
		want[k + 3] = o->cov[k];
		slot[k + 3] = &r->col_cov[k];
	}
	need = 3 + (int)o->ncov;
	for (i = 0; i < need; i++) {
		*slot[i] = -1;
		for (j = 0; j < nf; j++)
			if (strcmp(r->field[j], want[i]) == 0) {
				if (*slot[i] != -1) {
					seterr(r, "%s:1: column '%s' appears "
					    "twice", r->file, want[i]);
					return -1;
				}
				*slot[i] = j;
			}
		if (*slot[i] == -1) {
			at = 0;
			cols[0] = '\0';
			for (j = 0; j < nf && at < sizeof cols; j++)
				at += (size_t)snprintf(cols + at,
				    sizeof cols - at, "%s%s", j ? ", " : "",
				    r->field[j]);
			seterr(r, "%s:1: no column '%s' (the header has: %s)",
			    r->file, want[i], cols);
			return -1;
		}
	}
	return 0;
}

static int
csv_row(struct reader *r, long line, char *s)
{
	const char *cs[64];
	long nf;
	size_t i;
	int maxcol = r->col_key;

	if ((nf = csv_split(r, s)) == -2) {
		seterr(r, "out of memory reading '%s'", r->file);
		return -1;
	}
	if (nf == -1)
		return rowerr(r, line, "unterminated quoted field");
	if (r->col_time > maxcol)
		maxcol = r->col_time;
	if (r->col_y > maxcol)
		maxcol = r->col_y;
	for (i = 0; i < r->o->ncov; i++)
		if (r->col_cov[i] > maxcol)
			maxcol = r->col_cov[i];
	if (nf <= maxcol)
		return rowerr(r, line, "%ld fields, the header needs %d", nf,
		    maxcol + 1);
	for (i = 0; i < r->o->ncov; i++)
		cs[i] = r->field[r->col_cov[i]];
	return add_text_row(r, line, r->field[r->col_key],
	    r->field[r->col_time], r->field[r->col_y], cs);
}

/*
 * A JSON value as text for add_text_row: strings as they are, numbers
 * formatted, null or absent NULL; other types are reported (*bad = 1).
 */
static const char *
json_text(const cJSON *j, char *buf, size_t len, int *bad)
{
	if (j == NULL || cJSON_IsNull(j))
		return NULL;
	if (cJSON_IsString(j))
		return j->valuestring;
	if (cJSON_IsNumber(j)) {
		snprintf(buf, len, "%.17g", j->valuedouble);
		return buf;
	}
	*bad = 1;
	return NULL;
}

/* One NDJSON line; len counts the terminating NUL (cJSON wants it). */
static int
ndjson_row(struct reader *r, long line, const char *s, size_t len)
{
	const struct ser_opts *o = r->o;
	const char *key, *tm, *ys, *cs[64], *end;
	char kb[32], yb[32], cb[64][32];
	const cJSON *it;
	cJSON *rec;
	int bad = 0, k;
	size_t i;

	rec = cJSON_ParseWithLengthOpts(s, len, &end, 1);
	if (rec == NULL || !cJSON_IsObject(rec)) {
		cJSON_Delete(rec);
		return rowerr(r, line, "not a JSON object");
	}
	key = json_text(cJSON_GetObjectItemCaseSensitive(rec, o->key), kb,
	    sizeof kb, &bad);
	it = cJSON_GetObjectItemCaseSensitive(rec, o->time);
	tm = cJSON_IsString(it) ? it->valuestring : NULL;
	it = cJSON_GetObjectItemCaseSensitive(rec, o->target);
	if (cJSON_IsString(it)) {
		k = rowerr(r, line, "'%s' is a string, not a number",
		    o->target);
		cJSON_Delete(rec);
		return k;
	}
	ys = json_text(it, yb, sizeof yb, &bad);
	for (i = 0; i < o->ncov; i++) {
		it = cJSON_GetObjectItemCaseSensitive(rec, o->cov[i]);
		if (cJSON_IsString(it))
			bad = 1;
		cs[i] = json_text(it, cb[i], sizeof cb[i], &bad);
	}
	if (bad)
		k = rowerr(r, line, "a field of the wrong JSON type");
	else
		k = add_text_row(r, line, key, tm, ys, cs);
	cJSON_Delete(rec);
	return k;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *p = a, *q = b;

	if (p->sid != q->sid)
		return p->sid < q->sid ? -1 : 1;
	if (p->per != q->per)
		return p->per < q->per ? -1 : 1;
	return (p->line > q->line) - (p->line < q->line);
}

/* Decide the frequency and renumber periods; 0 or -1. */
static int
set_freq(struct reader *r, struct ser_set *set)
{
	enum ser_freq f = r->o->freq;
	long y, m, d, ph = 0, p;
	size_t i, k;
	int all1 = 1, onewd = 1;

	if (r->style == 'M') {
		if (f != SER_AUTO && f != SER_MONTHLY) {
			seterr(r, "%s: periods 'YYYY-MM' are monthly, not %s",
			    r->file, ser_freq_name(f));
			return -1;
		}
		set->freq = SER_MONTHLY;
		return 0;
	}
	for (i = 0; i < r->nrows; i++) {
		civil_from_days(r->rows[i].per, &y, &m, &d);
		all1 &= d == 1;
		p = ((r->rows[i].per % 7) + 7) % 7;
		if (i == 0)
			ph = p;
		onewd &= p == ph;
	}
	if (f == SER_AUTO)
		f = all1 && r->nrows > 1 ? SER_MONTHLY : onewd && r->nrows > 1 ?
		    SER_WEEKLY : SER_DAILY;
	set->freq = f;
	set->wphase = ph;
	set->daystyle = f == SER_MONTHLY && all1;
	for (i = k = 0; i < r->nrows; i++) {
		struct row *w = &r->rows[i];

		if (f == SER_MONTHLY) {
			civil_from_days(w->per, &y, &m, &d);
			w->per = y * 12 + m - 1;
		} else if (f == SER_WEEKLY) {
			if (((w->per % 7) + 7) % 7 != ph) {
				civil_from_days(w->per, &y, &m, &d);
				if (rowerr(r, w->line, "date '%04ld-%02ld-"
				    "%02ld' is not a %s like the other weekly "
				    "dates", y, m, d, wdnames[ph]) == -1)
					return -1;
				continue;
			}
			w->per = (w->per - ph) / 7;
		}
		r->rows[k++] = *w;
	}
	r->nrows = k;
	return 0;
}

/*
 * Fill the NaNs of v[0..n) (stride st) by linear interpolation between
 * known neighbours, and with the nearest known value beyond the ends.
 * Marks filled indices in mark (may be NULL).  Returns the number filled,
 * or -1 when no value is known.
 */
static long
fill_gaps(double *v, size_t n, size_t st, unsigned char *mark)
{
	size_t t, a, b;
	long nf = 0;
	int have = 0;

	for (t = 0; t < n; t++)
		if (!isnan(v[t * st])) {
			have = 1;
			a = t;
			break;
		}
	if (!have)
		return -1;
	for (t = 0; t < a; t++, nf++)
		v[t * st] = v[a * st];
	for (t = a + 1; t < n; t++) {
		if (!isnan(v[t * st])) {
			a = t;
			continue;
		}
		for (b = t; b < n && isnan(v[b * st]); b++)
			;
		for (; t < b; t++, nf++) {
			v[t * st] = b < n ? v[a * st] + (v[b * st] - v[a * st]) *
			    (double)(t - a) / (double)(b - a) : v[a * st];
			if (mark != NULL)
				mark[t] = 1;
		}
		t--;
	}
	return nf;
}

/*
 * Lay out the rows rows[0..nr) of one series (sorted by period).  0 (built
 * into s, or reported and dropped: s->name NULL) or -1 to stop.
 */
static int
build_series(struct reader *r, struct ser_set *set, struct row *rows,
    size_t nr, struct series *s)
{
	const struct ser_opts *o = r->o;
	size_t ncov = o->ncov, i, k, first, last, n, len, t;
	long *lines = NULL, gapline = 0, nmiss = 0, nf;
	const char *name = r->names[rows[0].sid];
	char buf[SER_PERLEN];
	long gapper = 0;

	memset(s, 0, sizeof *s);
	/* duplicates: keep the first row of each period */
	for (i = 1, k = 1; i < nr; i++) {
		if (rows[i].per == rows[k - 1].per) {
			ser_period_text(set, rows[i].per, buf);
			if (rowerr(r, rows[i].line, "period '%s' of series "
			    "'%s' given twice (first at line %ld)", buf, name,
			    rows[k - 1].line) == -1)
				return -1;
			continue;
		}
		rows[k++] = rows[i];
	}
	nr = k;
	for (first = 0; first < nr && isnan(rows[first].y); first++)
		;
	if (first == nr)
		return rowerr(r, rows[0].line, "series '%s' has no value in "
		    "'%s'", name, o->target);
	for (i = 0; i < first; i++)
		if (rowerr(r, rows[i].line, "no '%s' before the first value "
		    "of series '%s'", o->target, name) == -1)
			return -1;
	for (last = nr - 1; isnan(rows[last].y); last--)
		;
	n = (size_t)(rows[last].per - rows[first].per) + 1;
	len = (size_t)(rows[nr - 1].per - rows[first].per) + 1;
	if (len > (size_t)MAXSPAN)
		return rowerr(r, rows[first].line, "series '%s' spans %zu "
		    "periods (at most %ld)", name, len, MAXSPAN);
	s->t0 = rows[first].per;
	s->n = n;
	s->len = len;
	s->lastline = rows[last].line;
	s->y = malloc(n * sizeof *s->y);
	s->x = malloc((len * ncov + 1) * sizeof *s->x);
	s->filled = calloc(n, 1);
	lines = calloc(len, sizeof *lines);
	if (s->y == NULL || s->x == NULL || s->filled == NULL ||
	    lines == NULL)
		goto nomem;
	for (t = 0; t < n; t++)
		s->y[t] = NAN;
	for (t = 0; t < len * ncov; t++)
		s->x[t] = NAN;
	for (i = first; i < nr; i++) {
		t = (size_t)(rows[i].per - s->t0);
		lines[t] = rows[i].line;
		if (t < n)
			s->y[t] = rows[i].y;
		if (ncov > 0)
			memcpy(s->x + t * ncov, r->cov + rows[i].slot * ncov,
			    ncov * sizeof *s->x);
	}
	/* a gap: a history period missing its row, target or a covariate */
	for (t = 0; t < n; t++) {
		int miss = isnan(s->y[t]);

		for (k = 0; k < ncov; k++)
			miss |= isnan(s->x[t * ncov + k]);
		if (!miss)
			continue;
		if (nmiss++ == 0) {
			for (i = t; i > 0 && lines[i] == 0; i--)
				;
			gapline = lines[i];
			gapper = s->t0 + (long)t;
		}
	}
	if (nmiss > 0 && o->gaps == SER_GAPS_ERROR) {
		ser_period_text(set, gapper, buf);
		free(lines);
		free(s->y);
		free(s->x);
		free(s->filled);
		memset(s, 0, sizeof *s);
		return rowerr(r, gapline, "series '%s': period '%s' is missing "
		    "or incomplete (%ld period%s in all; see --gaps)", name,
		    buf, nmiss, nmiss > 1 ? "s" : "");
	}
	s->nfilled = (size_t)nmiss;
	fill_gaps(s->y, n, 1, s->filled);
	for (k = 0; k < ncov; k++) {
		nf = fill_gaps(s->x + k, n, ncov, NULL);
		if (nf == -1) {
			free(lines);
			free(s->y);
			free(s->x);
			free(s->filled);
			memset(s, 0, sizeof *s);
			return rowerr(r, rows[first].line, "series '%s' has no "
			    "value in '%s' before its last target", name,
			    o->cov[k]);
		}
	}
	free(lines);
	if ((s->name = strdup(name)) == NULL)
		goto nomem;
	return 0;
nomem:
	free(lines);
	seterr(r, "out of memory reading '%s'", r->file);
	return -1;
}

static int
build_all(struct reader *r, struct ser_set *set)
{
	struct row *rows = r->rows;
	size_t i, j;

	if (set_freq(r, set) == -1)
		return -1;
	qsort(rows, r->nrows, sizeof *rows, cmp_row);
	set->ncov = r->o->ncov;
	if ((set->s = calloc(r->nnames + 1, sizeof *set->s)) == NULL) {
		seterr(r, "out of memory reading '%s'", r->file);
		return -1;
	}
	for (i = 0; i < r->nrows; i = j) {
		for (j = i + 1; j < r->nrows && rows[j].sid == rows[i].sid; j++)
			;
		if (build_series(r, set, rows + i, j - i,
		    &set->s[set->ns]) == -1)
			return -1;
		if (set->s[set->ns].name != NULL)
			set->ns++;
	}
	return 0;
}

int
ser_read(struct ser_set *set, const char *path, const struct ser_opts *o,
    ser_report_fn *report, void *ctx, char *err, size_t errlen)
{
	struct reader r;
	char *line = NULL, *s;
	size_t cap = 0, i;
	ssize_t len;
	long lineno = 0;
	int rc = -1, fmt = 0, eno;
	int colcov[64];
	FILE *f;

	memset(set, 0, sizeof *set);
	memset(&r, 0, sizeof r);
	r.o = o;
	r.report = report;
	r.ctx = ctx;
	r.err = err;
	r.errlen = errlen;
	r.col_cov = colcov;
	r.file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (o->ncov > 64) {
		seterr(&r, "more than 64 covariates");
		return -1;
	}
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		seterr(&r, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		s = line;
		if (lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		if (strspn(s, " \t") == strlen(s))
			continue;
		if (fmt == 0) {
			fmt = s[strspn(s, " \t")] == '{' ? 'J' : 'C';
			if (fmt == 'C') {
				if (csv_header(&r, s) == -1)
					goto out;
				continue;
			}
		}
		if ((fmt == 'C' ? csv_row(&r, lineno, s) :
		    ndjson_row(&r, lineno, s, strlen(s) + 1)) == -1)
			goto out;
	}
	if (ferror(f)) {
		eno = errno;
		seterr(&r, "%s: %s", r.file, strerror(eno));
		goto out;
	}
	if (r.nrows > 0 && build_all(&r, set) == -1)
		goto out;
	rc = 0;
out:
	free(line);
	if (f != stdin)
		fclose(f);
	for (i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	free(r.hash);
	free(r.rows);
	free(r.cov);
	free(r.field);
	if (rc == -1)
		ser_free(set);
	return rc;
}

void
ser_free(struct ser_set *set)
{
	size_t i;

	for (i = 0; i < set->ns; i++) {
		free(set->s[i].name);
		free(set->s[i].y);
		free(set->s[i].x);
		free(set->s[i].filled);
	}
	free(set->s);
	memset(set, 0, sizeof *set);
}
