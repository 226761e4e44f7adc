/*
 * ndjson_test: the record reader and writer.  Runs the reader over files
 * written here (long lines, CRLF, blank lines, malformed and non-object
 * lines, a missing file between two good ones) with stderr captured, and
 * checks positions, pass-through and key replacement.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndjson.h"
#include "test.h"
#include "util.h"

static char dir[] = "/tmp/ndjson_testXXXXXX";
static char missing[] = "/nonexistent/b.ndjson";

static char *
write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

/* Read the whole captured stderr file into a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof buf - 1, f);

	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_positions(void)
{
	char *files[3], errpath[256];
	const char *out;
	const char *err;
	struct ndj *in;
	cJSON *rec;
	int r, good = 0, bad = 0;
	long lines[8], nl = 0;

	files[0] = write_file("a.ndjson",
	    "{\"id\":1}\r\n\n   \n{\"id\":2,\n[1,2]\n{\"id\":3}\n");
	files[1] = missing;
	files[2] = write_file("c.ndjson", "{\"id\":4}");	/* no newline */
	snprintf(errpath, sizeof errpath, "%s/err", dir);
	fflush(stderr);
	if (freopen(errpath, "w", stderr) == NULL)
		abort();
	in = ndj_open(3, files);
	while ((r = ndj_next(in, &rec)) != 0) {
		if (r == 1) {
			good++;
			lines[nl++] = ndj_line(in);
		} else {
			bad++;
		}
		cJSON_Delete(rec);
	}
	ndj_close(in);
	fflush(stderr);
	err = slurp(errpath);
	t_ok(good == 3 && bad == 3, "3 records, 3 bad (2 lines, 1 file)");
	t_ok(nl == 3 && lines[0] == 1 && lines[1] == 6 && lines[2] == 1,
	    "line numbers count blank lines");
	out = strstr(err, "a.ndjson:4: malformed JSON");
	t_ok(out != NULL, "malformed line reported with file:line");
	t_ok(strstr(err, "a.ndjson:5: record is not a JSON object") != NULL,
	    "non-object reported");
	t_ok(strstr(err, "/nonexistent/b.ndjson: No such file") != NULL,
	    "missing file reported");
}

static void
test_long_line(void)
{
	size_t n = 3 * 1000 * 1000, i;
	char *text = malloc(n + 64), *files[1];
	const char *s;
	struct ndj *in;
	cJSON *rec;

	strcpy(text, "{\"big\":\"");
	for (i = 8; i < n; i++)
		text[i] = 'x';
	strcpy(text + n, "\"}\n");
	files[0] = write_file("long.ndjson", text);
	free(text);
	in = ndj_open(1, files);
	t_ok(ndj_next(in, &rec) == 1, "3 MB line read");
	s = rec_get_string(rec, "big");
	t_ok(s != NULL && strlen(s) == n - 8, "3 MB value intact");
	cJSON_Delete(rec);
	ndj_close(in);
}

static void
test_paths_and_set(void)
{
	char *files[1], *s;
	struct ndj *in;
	cJSON *rec;
	double v;

	files[0] = write_file("paths", "img/a b.png\n{\"image\":\"c.png\"}\n");
	in = ndj_open(1, files);
	ndj_accept_paths(in, "image");
	t_ok(ndj_next(in, &rec) == 1 &&
	    strcmp(rec_get_string(rec, "image"), "img/a b.png") == 0,
	    "plain line becomes {\"image\": line}");
	cJSON_Delete(rec);
	t_ok(ndj_next(in, &rec) == 1 &&
	    strcmp(rec_get_string(rec, "image"), "c.png") == 0,
	    "JSON line still parsed");
	cJSON_Delete(rec);
	ndj_close(in);

	rec = cJSON_Parse("{\"Score\":1,\"score\":2,\"x\":{\"k\":[1,\"a\"]}}");
	t_ok(rec_get_number(rec, "score", &v) == 0 && v == 2,
	    "lookup is case-sensitive");
	rec_set_number(rec, "score", 0.5);
	rec_set_string(rec, "new", "v");
	s = cJSON_PrintUnformatted(rec);
	t_ok(strcmp(s, "{\"Score\":1,\"score\":0.5,\"x\":{\"k\":[1,\"a\"]},"
	    "\"new\":\"v\"}") == 0, "replaced in place, unknown kept, added");
	free(s);
	t_ok(rec_set_number(rec, "nan", 0.0 / 0.0) == -1 &&
	    cJSON_GetObjectItemCaseSensitive(rec, "nan") == NULL,
	    "NaN refused, never printed as null");
	t_ok(rec_get_number(rec, "new", &v) == -1, "string is not a number");
	cJSON_Delete(rec);
}

/* Every file of the bad corpus gives bad lines only, and no crash. */
static void
test_bad_corpus(void)
{
	const char *d = "testdata/bad/ndjson";
	char path[512], *files[1] = { path };
	struct dirent *e;
	struct ndj *in;
	cJSON *rec;
	DIR *dir_;
	int r, good, bad, nfiles = 0;

	dir_ = opendir(d);
	if (dir_ == NULL) {
		t_skip("bad NDJSON corpus", "run from the repository root");
		return;
	}
	while ((e = readdir(dir_)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", d, e->d_name);
		good = bad = 0;
		in = ndj_open(1, files);
		while ((r = ndj_next(in, &rec)) != 0) {
			good += r == 1;
			bad += r == -1;
			cJSON_Delete(rec);
		}
		ndj_close(in);
		nfiles++;
		if (!t_ok(good == 0 && bad >= 1, e->d_name))
			printf("# %d good, %d bad\n", good, bad);
	}
	closedir(dir_);
	t_ok(nfiles >= 10, "bad NDJSON corpus has its files");
}

int
main(void)
{
	progname = "ndjson_test";
	if (mkdtemp(dir) == NULL)
		return 1;
	test_long_line();
	test_paths_and_set();
	test_bad_corpus();
	test_positions();	/* last: it redirects stderr */
	return t_done();
}
