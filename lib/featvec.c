/*
 * featvec: reading feature vectors out of records.  One pass over the
 * object's members, matching each against the wanted names, finds missing,
 * doubled and unexpected features alike; NaN marks a slot not yet seen
 * (a feature value never is NaN).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "featvec.h"

/* The "features" object of rec, or NULL. */
static const cJSON *
features_of(const cJSON *rec)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(rec, "features");

	return cJSON_IsObject(f) ? f : NULL;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
featvec_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
featvec_names(const cJSON *rec, char ***names, size_t *n, char *err,
    size_t errlen)
{
	const cJSON *f = features_of(rec), *it;
	size_t k = 0, count = 0;
	char **v;

	*names = NULL;
	*n = 0;
	if (f == NULL) {
		snprintf(err, errlen, "record has no \"features\" object");
		return -1;
	}
	cJSON_ArrayForEach(it, f)
		count++;
	if (count == 0) {
		snprintf(err, errlen, "record has no features");
		return -1;
	}
	if ((v = calloc(count, sizeof *v)) == NULL)
		return -2;
	cJSON_ArrayForEach(it, f)
		if ((v[k++] = strdup(it->string)) == NULL) {
			featvec_names_free(v, count);
			return -2;
		}
	qsort(v, count, sizeof *v, cmp_names);
	*names = v;
	*n = count;
	return 0;
}

/* Index of s in names[0..n), or n. */
static size_t
find(char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			break;
	return i;
}

int
featvec_get(const cJSON *rec, char *const *names, size_t n, int exact,
    double *out, char *err, size_t errlen)
{
	const cJSON *f = features_of(rec), *it;
	size_t i;

	if (f == NULL) {
		snprintf(err, errlen, "record has no \"features\" object");
		return -1;
	}
	for (i = 0; i < n; i++)
		out[i] = NAN;
	cJSON_ArrayForEach(it, f) {
		i = find(names, n, it->string);
		if (i == n) {
			if (!exact)
				continue;
			snprintf(err, errlen, "unexpected feature '%s'",
			    it->string);
			return -1;
		}
		if (!isnan(out[i])) {
			snprintf(err, errlen, "feature '%s' appears twice",
			    names[i]);
			return -1;
		}
		if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble)) {
			snprintf(err, errlen, "feature '%s' is not a finite "
			    "number", names[i]);
			return -1;
		}
		out[i] = it->valuedouble;
	}
	for (i = 0; i < n; i++)
		if (isnan(out[i])) {
			snprintf(err, errlen, "feature '%s' is missing",
			    names[i]);
			return -1;
		}
	return 0;
}

size_t
featvec_missing(const cJSON *rec, char *const *names, size_t n,
    const char **first)
{
	const cJSON *f = features_of(rec);
	size_t i, count = 0;

	*first = NULL;
	if (f == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (cJSON_GetObjectItemCaseSensitive(f, names[i]) == NULL &&
		    count++ == 0)
			*first = names[i];
	return count;
}
