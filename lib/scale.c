/*
 * scale: fitting and applying per-feature linear scaling.  Fitting is
 * two passes over the rows (mean first, then squared deviations), which is
 * accurate enough for features of any offset, unlike the one-pass sum of
 * squares.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scale.h"

static const char *const kind_names[] = { "minmax", "standard" };

int
scale_kind_parse(const char *name, enum scale_kind *kind)
{
	if (strcmp(name, kind_names[SCALE_MINMAX]) == 0)
		*kind = SCALE_MINMAX;
	else if (strcmp(name, kind_names[SCALE_STANDARD]) == 0)
		*kind = SCALE_STANDARD;
	else
		return -1;
	return 0;
}

const char *
scale_kind_name(enum scale_kind kind)
{
	return kind_names[kind == SCALE_STANDARD];
}

int
scale_init(struct scale *s, enum scale_kind kind, size_t n)
{
	s->kind = kind;
	s->n = n;
	s->a = calloc(n ? n : 1, sizeof *s->a);
	s->b = calloc(n ? n : 1, sizeof *s->b);
	if (s->a == NULL || s->b == NULL) {
		scale_free(s);
		return -1;
	}
	return 0;
}

int
scale_fit(struct scale *s, const double *x, size_t rows, char *err,
    size_t errlen)
{
	size_t i, r, n = s->n;
	double d;

	for (i = 0; i < n; i++) {
		if (s->kind == SCALE_MINMAX) {
			s->a[i] = s->b[i] = x[i];
			for (r = 1; r < rows; r++) {
				d = x[r * n + i];
				if (d < s->a[i])
					s->a[i] = d;
				if (d > s->b[i])
					s->b[i] = d;
			}
			continue;
		}
		s->a[i] = 0;
		for (r = 0; r < rows; r++)
			s->a[i] += x[r * n + i];
		s->a[i] /= (double)rows;
		s->b[i] = 0;
		for (r = 0; r < rows; r++) {
			d = x[r * n + i] - s->a[i];
			s->b[i] += d * d;
		}
		s->b[i] = sqrt(s->b[i] / (double)rows);
	}
	return scale_check(s, err, errlen);
}

int
scale_check(const struct scale *s, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!isfinite(s->a[i]) || !isfinite(s->b[i]) ||
		    (s->kind == SCALE_MINMAX && !isfinite(s->b[i] - s->a[i]))) {
			snprintf(err, errlen, "feature %zu: scaling parameters "
			    "are not finite", i + 1);
			return -1;
		}
		if (s->kind == SCALE_MINMAX ? s->b[i] < s->a[i] : s->b[i] < 0) {
			snprintf(err, errlen, "feature %zu: %s", i + 1,
			    s->kind == SCALE_MINMAX ? "maximum below minimum" :
			    "negative standard deviation");
			return -1;
		}
	}
	return 0;
}

double
scale_value(const struct scale *s, size_t i, double x)
{
	if (s->kind == SCALE_MINMAX)
		return s->b[i] > s->a[i] ?
		    -1 + 2 * (x - s->a[i]) / (s->b[i] - s->a[i]) : 0;
	return s->b[i] > 0 ? (x - s->a[i]) / s->b[i] : 0;
}

void
scale_apply(const struct scale *s, const double *in, double *out)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		out[i] = scale_value(s, i, in[i]);
}

void
scale_free(struct scale *s)
{
	free(s->a);
	free(s->b);
	s->a = s->b = NULL;
	s->n = 0;
}
