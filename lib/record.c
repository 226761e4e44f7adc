/*
 * record: "boxes" <-> struct rec_box.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ndjson.h"
#include "record.h"

double
rec_round(double v, int digits)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.*g", digits, v);
	return strtod(buf, NULL);
}

static int
box_json(cJSON *o, const struct rec_box *b)
{
	return rec_set_number(o, "x", b->x) | rec_set_number(o, "y", b->y) |
	    rec_set_number(o, "w", b->w) | rec_set_number(o, "h", b->h) |
	    rec_set_number(o, "area", (double)b->area) |
	    rec_set_number(o, "mean_err", rec_round(b->mean_err, 6)) |
	    rec_set_number(o, "max_err", rec_round(b->max_err, 6)) |
	    rec_set_number(o, "fill", rec_round(b->fill, 6)) |
	    rec_set_number(o, "elongation", rec_round(b->elongation, 6)) |
	    rec_set_number(o, "orientation", rec_round(b->orientation, 6));
}

int
rec_set_boxes(cJSON *rec, const struct rec_box *b, size_t n)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	if (a == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(a, o) ||
		    box_json(o, &b[i]) != 0) {
			cJSON_Delete(a);
			return -1;
		}
	}
	return rec_set(rec, "boxes", a);
}

/* o[key] as a number: 0 absent (v = 0), 1 finite number, -1 otherwise. */
static int
member(const cJSON *o, const char *key, double *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	*v = 0;
	if (it == NULL)
		return 0;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return -1;
	*v = it->valuedouble;
	return 1;
}

/* o[key] as an integer in [min, 2^31): 0, or -1 with err filled. */
static int
int_member(const cJSON *o, const char *key, int min, size_t i, int *v,
    char *err, size_t errlen)
{
	double d;

	if (member(o, key, &d) != 1 || d != floor(d) || d < min ||
	    d > 2147483647.0) {
		snprintf(err, errlen, "box %zu: \"%s\" is not an integer >= %d",
		    i, key, min);
		return -1;
	}
	*v = (int)d;
	return 0;
}

int
rec_get_boxes(const cJSON *rec, struct rec_box **b, size_t *n, char *err,
    size_t errlen)
{
	static const char *const opt[] = { "area", "mean_err", "max_err",
	    "fill", "elongation", "orientation" };
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(rec, "boxes"), *o;
	struct rec_box *out = NULL;
	size_t i = 0, k;

	*b = NULL;
	*n = 0;
	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, "record has no \"boxes\" array");
		return -1;
	}
	k = (size_t)cJSON_GetArraySize(a);
	if (k > 0 && (out = calloc(k, sizeof *out)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(o, a) {
		struct rec_box *x = &out[i];
		double v[6];
		size_t j;

		if (!cJSON_IsObject(o)) {
			snprintf(err, errlen, "box %zu is not an object", i);
			goto fail;
		}
		if (int_member(o, "x", 0, i, &x->x, err, errlen) == -1 ||
		    int_member(o, "y", 0, i, &x->y, err, errlen) == -1 ||
		    int_member(o, "w", 1, i, &x->w, err, errlen) == -1 ||
		    int_member(o, "h", 1, i, &x->h, err, errlen) == -1)
			goto fail;
		for (j = 0; j < 6; j++)
			if (member(o, opt[j], &v[j]) == -1) {
				snprintf(err, errlen, "box %zu: \"%s\" is not "
				    "a finite number", i, opt[j]);
				goto fail;
			}
		x->area = (long)v[0];
		x->mean_err = v[1];
		x->max_err = v[2];
		x->fill = v[3];
		x->elongation = v[4];
		x->orientation = v[5];
		i++;
	}
	*b = out;
	*n = k;
	return 0;
fail:
	free(out);
	return -1;
}
