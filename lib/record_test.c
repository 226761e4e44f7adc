/*
 * record_test: "boxes" written and read back, the rounding, replacing an
 * existing array, and every malformed box the reader must refuse.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "test.h"

/* Read the boxes of JSON text s; returns rec_get_boxes' result. */
static int
get(const char *s, struct rec_box **b, size_t *n, char *err, size_t len)
{
	cJSON *rec = cJSON_Parse(s);
	int r = rec_get_boxes(rec, b, n, err, len);

	cJSON_Delete(rec);
	return r;
}

int
main(void)
{
	struct rec_box in[2] = {
		{ 3, 4, 5, 6, 22, 0.123456789, 0.9, 22.0 / 30, 1.25, -45 },
		{ 0, 0, 1, 1, 1, 0, 0, 1, 1, 0 }
	}, *out;
	cJSON *rec = cJSON_Parse("{\"id\":\"p1\",\"boxes\":[1,2]}");
	char err[128], *s;
	size_t n;

	t_near(rec_round(0.123456789, 6), 0.123457, 0, "round to 6 digits");
	t_near(rec_round(-45, 6), -45, 0, "round keeps integers");
	t_ok(rec_set_boxes(rec, in, 2) == 0, "set boxes");
	s = cJSON_PrintUnformatted(rec);
	t_ok(strcmp(s, "{\"id\":\"p1\",\"boxes\":[{\"x\":3,\"y\":4,\"w\":5,"
	    "\"h\":6,\"area\":22,\"mean_err\":0.123457,\"max_err\":0.9,"
	    "\"fill\":0.733333,\"elongation\":1.25,\"orientation\":-45},"
	    "{\"x\":0,\"y\":0,\"w\":1,\"h\":1,\"area\":1,\"mean_err\":0,"
	    "\"max_err\":0,\"fill\":1,\"elongation\":1,\"orientation\":0}]}")
	    == 0, "existing boxes replaced in place, compact schema");
	free(s);
	t_ok(rec_get_boxes(rec, &out, &n, err, sizeof err) == 0 && n == 2 &&
	    out[0].x == 3 && out[0].h == 6 && out[0].area == 22 &&
	    out[0].mean_err == 0.123457 && out[1].w == 1,
	    "boxes read back");
	free(out);
	in[0].fill = NAN;
	t_ok(rec_set_boxes(rec, in, 1) == -1, "non-finite value refused");
	cJSON_Delete(rec);

	t_ok(get("{\"boxes\":[{\"x\":1,\"y\":2,\"w\":3,\"h\":4}]}", &out, &n,
	    err, sizeof err) == 0 && n == 1 && out[0].area == 0,
	    "optional members default to 0");
	free(out);
	t_ok(get("{\"boxes\":[]}", &out, &n, err, sizeof err) == 0 &&
	    n == 0 && out == NULL, "empty array");
	t_ok(get("{\"id\":1}", &out, &n, err, sizeof err) == -1 &&
	    strcmp(err, "record has no \"boxes\" array") == 0, "no boxes");
	t_ok(get("{\"boxes\":[{\"x\":1,\"y\":2,\"w\":0,\"h\":4}]}", &out, &n,
	    err, sizeof err) == -1 &&
	    strcmp(err, "box 0: \"w\" is not an integer >= 1") == 0,
	    "zero width refused");
	t_ok(get("{\"boxes\":[{\"x\":1,\"y\":2,\"w\":1,\"h\":1},{\"x\":1.5,"
	    "\"y\":2,\"w\":1,\"h\":1}]}", &out, &n, err, sizeof err) == -1 &&
	    strcmp(err, "box 1: \"x\" is not an integer >= 0") == 0,
	    "fractional x refused");
	t_ok(get("{\"boxes\":[{\"x\":1,\"y\":2,\"w\":1,\"h\":1,\"fill\":\"a\"}"
	    "]}", &out, &n, err, sizeof err) == -1 &&
	    strcmp(err, "box 0: \"fill\" is not a finite number") == 0,
	    "non-numeric member refused");
	t_ok(get("{\"boxes\":[7]}", &out, &n, err, sizeof err) == -1 &&
	    strcmp(err, "box 0 is not an object") == 0, "non-object refused");
	return t_done();
}
