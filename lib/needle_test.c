/*
 * needle_test: reading openQA needles (areas, types, tags, the PNG path,
 * numeric strings), exclusions clipped into match areas, malformed
 * needles refused with the reason, and the shared real needles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "needle.h"
#include "test.h"

static char dir[] = "/tmp/needle_testXXXXXX";

/* Write text to dir/name; the path in a static buffer. */
static const char *
put(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return path;
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_good(void)
{
	struct needle nd;
	struct needle_area ex[4];
	char err[256], want[300];
	const char *p = put("login.json", "{\"area\":["
	    "{\"xpos\":10,\"ypos\":20,\"width\":100,\"height\":50,"
	    "\"type\":\"match\",\"match\":\"95\",\"margin\":300},"
	    "{\"xpos\":0,\"ypos\":30,\"width\":30,\"height\":5,"
	    "\"type\":\"exclude\"},"
	    "{\"xpos\":500,\"ypos\":30,\"width\":30,\"height\":5,"
	    "\"type\":\"exclude\"},"
	    "{\"xpos\":10,\"ypos\":90,\"width\":80,\"height\":20,"
	    "\"type\":\"ocr\",\"click_point\":{\"xpos\":1,\"ypos\":2}}],"
	    "\"tags\":[\"login\",\"ENV-x\"],\"properties\":[]}");
	int n;

	if (!t_ok(needle_load(&nd, p, err, sizeof err) == 0, "needle read"))
		return;
	snprintf(want, sizeof want, "%s/login.png", dir);
	t_ok(strcmp(nd.name, "login") == 0 && strcmp(nd.png, want) == 0,
	    "name and PNG path");
	t_ok(nd.narea == 4 && nd.area[0].type == NEEDLE_MATCH &&
	    nd.area[1].type == NEEDLE_EXCLUDE && nd.area[3].type == NEEDLE_OCR,
	    "area types");
	t_ok(nd.area[0].x == 10 && nd.area[0].y == 20 &&
	    nd.area[0].w == 100 && nd.area[0].h == 50, "area geometry");
	t_ok(nd.area[0].match == 95 && nd.area[0].margin == 300 &&
	    nd.area[3].match == -1 && nd.area[3].margin == -1,
	    "match as a numeric string, margin, absent ones");
	t_ok(nd.ntags == 2 && strcmp(nd.tags[1], "ENV-x") == 0, "tags");
	n = needle_exclusions(&nd, 0, ex, 4);
	t_ok(n == 1 && ex[0].x == 0 && ex[0].y == 10 && ex[0].w == 20 &&
	    ex[0].h == 5, "exclusion clipped into the match area");
	t_ok(needle_exclusions(&nd, 0, ex, 0) == -1, "exclusions overflow");
	needle_free(&nd);
}

static void
test_bad(void)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "[1,2]", "no \"area\" array" },
		{ "{\"area\":3}", "no \"area\" array" },
		{ "{\"area\":[", "not valid JSON" },
		{ "{\"area\":[{\"xpos\":1,\"ypos\":2,\"height\":3,"
		    "\"type\":\"match\"}]}", "area 1: no \"width\" integer" },
		{ "{\"area\":[{\"xpos\":1,\"ypos\":2,\"width\":0,\"height\":3,"
		    "\"type\":\"match\"}]}", "area 1: no \"width\" integer" },
		{ "{\"area\":[{\"xpos\":-1,\"ypos\":2,\"width\":1,\"height\":3,"
		    "\"type\":\"match\"}]}", "area 1: no \"xpos\" integer" },
		{ "{\"area\":[{\"xpos\":1.5,\"ypos\":2,\"width\":1,"
		    "\"height\":3,\"type\":\"match\"}]}", "no \"xpos\"" },
		{ "{\"area\":[{\"xpos\":1,\"ypos\":2,\"width\":1,\"height\":3,"
		    "\"type\":\"click\"}]}", "area 1: \"type\" is not" },
		{ "{\"area\":[],\"tags\":[1]}", "tag 1: not a string" },
	};
	struct needle nd;
	char err[256], what[300];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *p = put("bad.json", bad[i].json);
		int r = needle_load(&nd, p, err, sizeof err);

		snprintf(what, sizeof what, "refused: %s (got '%s')",
		    bad[i].msg, r == -1 ? err : "accepted");
		t_ok(r == -1 && strstr(err, bad[i].msg) != NULL &&
		    nd.area == NULL, what);
	}
	t_ok(needle_load(&nd, "/nonexistent/x.json", err, sizeof err) == -1 &&
	    strstr(err, "No such file") != NULL, "missing file: strerror");
}

static void
test_shared(void)
{
	const char *d = t_shared();
	char path[512], err[256];
	struct needle nd;
	struct needle_area ex[8];

	if (d == NULL) {
		t_skip("real needles", "no ../shared/datasets");
		return;
	}
	snprintf(path, sizeof path, "%s/screens/needles/bootmenu.ref.json", d);
	if (needle_load(&nd, path, err, sizeof err)) {
		t_skip("real needles", err);
		return;
	}
	t_ok(nd.narea == 3 && needle_exclusions(&nd, 0, ex, 8) == 2 &&
	    ex[0].x == 100 && ex[0].y == 60 && ex[1].w == 100,
	    "bootmenu.ref: one match area with two exclusions");
	needle_free(&nd);
}

int
main(void)
{
	char path[300];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_good();
	test_bad();
	test_shared();
	snprintf(path, sizeof path, "%s/login.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/bad.json", dir);
	unlink(path);
	rmdir(dir);
	return t_done();
}
