/*
 * featvec_test: feature names of a record, reading a vector in a given
 * order, and each way a record can be bad.
 */
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "featvec.h"
#include "test.h"

/* Run featvec_get on the JSON text; err gets the message. */
static int
get(const char *json, char *const *names, size_t n, int exact, double *out,
    char *err, size_t errlen)
{
	cJSON *rec = cJSON_Parse(json);
	int r;

	err[0] = '\0';
	r = featvec_get(rec, names, n, exact, out, err, errlen);
	cJSON_Delete(rec);
	return r;
}

int
main(void)
{
	char count[] = "count", score[] = "score", area[] = "area";
	char *want[] = { count, score, area }, **names, err[128];
	const char *first;
	double v[3];
	cJSON *rec;
	size_t n;

	rec = cJSON_Parse("{\"id\":1,\"features\":{\"score\":0.5,\"count\":2,"
	    "\"area\":40,\"Area\":1}}");
	t_ok(featvec_names(rec, &names, &n, err, sizeof err) == 0 && n == 4,
	    "four names");
	t_ok(n == 4 && strcmp(names[0], "Area") == 0 &&
	    strcmp(names[1], "area") == 0 && strcmp(names[2], "count") == 0 &&
	    strcmp(names[3], "score") == 0, "sorted bytewise");
	featvec_names_free(names, n);
	t_ok(featvec_missing(rec, want, 3, &first) == 0 && first == NULL,
	    "nothing missing");
	cJSON_Delete(rec);

	t_ok(get("{\"features\":{\"score\":0.5,\"count\":2,\"area\":40,"
	    "\"extra\":1}}", want, 3, 0, v, err, sizeof err) == 0,
	    "read with an extra feature, not exact");
	t_ok(v[0] == 2 && v[1] == 0.5 && v[2] == 40, "values in name order");
	t_ok(get("{\"features\":{\"score\":0.5,\"count\":2,\"area\":40,"
	    "\"extra\":1}}", want, 3, 1, v, err, sizeof err) == -1 &&
	    strcmp(err, "unexpected feature 'extra'") == 0,
	    "exact: an extra feature is an error");
	t_ok(get("{\"features\":{\"score\":0.5,\"count\":2}}", want, 3, 0, v,
	    err, sizeof err) == -1 &&
	    strcmp(err, "feature 'area' is missing") == 0, "missing feature");
	t_ok(get("{\"features\":{\"score\":null,\"count\":2,\"area\":1}}",
	    want, 3, 0, v, err, sizeof err) == -1 &&
	    strcmp(err, "feature 'score' is not a finite number") == 0,
	    "null (a NaN written by cJSON) refused");
	t_ok(get("{\"features\":{\"score\":1e999,\"count\":2,\"area\":1}}",
	    want, 3, 0, v, err, sizeof err) == -1 &&
	    strcmp(err, "feature 'score' is not a finite number") == 0,
	    "infinity refused");
	t_ok(get("{\"features\":{\"score\":\"1\",\"count\":2,\"area\":1}}",
	    want, 3, 0, v, err, sizeof err) == -1, "string refused");
	t_ok(get("{\"features\":{\"count\":1,\"score\":1,\"count\":2,"
	    "\"area\":1}}", want, 3, 0, v, err, sizeof err) == -1 &&
	    strcmp(err, "feature 'count' appears twice") == 0,
	    "duplicate key refused");
	t_ok(get("{\"features\":[1,2,3]}", want, 3, 0, v, err, sizeof err) ==
	    -1 && strcmp(err, "record has no \"features\" object") == 0,
	    "array instead of object");
	t_ok(get("{\"id\":3}", want, 3, 0, v, err, sizeof err) == -1,
	    "no features at all");
	t_ok(get("{\"Features\":{\"count\":1,\"score\":1,\"area\":1}}", want,
	    3, 0, v, err, sizeof err) == -1, "key lookup is case-sensitive");

	rec = cJSON_Parse("{\"features\":{}}");
	t_ok(featvec_names(rec, &names, &n, err, sizeof err) == -1 &&
	    strcmp(err, "record has no features") == 0, "empty object");
	cJSON_Delete(rec);
	rec = cJSON_Parse("{\"features\":{\"x\":1,\"score\":2}}");
	t_ok(featvec_missing(rec, want, 3, &first) == 2 &&
	    strcmp(first, "count") == 0, "two missing, first named");
	cJSON_Delete(rec);
	return t_done();
}
