/*
 * labels_test: reading a labels file (comments, CRLF, keys with spaces),
 * looking keys up, and the errors: a bad line, a duplicate key, a missing
 * file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labels.h"
#include "svmfile.h"
#include "test.h"

static char path[64];

/* Write text to a fresh temporary file named in path. */
static void
put(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof path, "/tmp/labels_test.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		perror("labels_test");
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	struct labels *l;
	char err[256], want[256];

	t_ok(labels_word("pass") == SVMFILE_PASS, "pass");
	t_ok(labels_word("fail") == SVMFILE_FAIL, "fail");
	t_ok(labels_word("FAIL") == 0 && labels_word("") == 0, "others");

	put("# image\tlabel\n\na.png\tpass\r\nb c.png\tfail\nz.png\tpass\n");
	t_ok(labels_load(&l, path, err, sizeof err) == 0, "load");
	t_ok(labels_count(l) == 3, "three labels");
	t_ok(labels_get(l, "a.png") == SVMFILE_PASS, "a.png passes (CRLF)");
	t_ok(labels_get(l, "b c.png") == SVMFILE_FAIL, "key with a space");
	t_ok(labels_get(l, "z.png") == SVMFILE_PASS, "last key");
	t_ok(labels_get(l, "c.png") == 0, "absent key");
	labels_free(l);
	unlink(path);

	put("a.png\tpass\nb.png fail\n");
	snprintf(want, sizeof want, "%s:2: expected '<key><TAB>pass' or "
	    "'<key><TAB>fail'", path);
	t_ok(labels_load(&l, path, err, sizeof err) == -1 &&
	    strcmp(err, want) == 0 && l == NULL, "space instead of tab");
	unlink(path);

	put("a.png\tok\n");
	t_ok(labels_load(&l, path, err, sizeof err) == -1, "unknown label");
	unlink(path);

	put("\tpass\n");
	t_ok(labels_load(&l, path, err, sizeof err) == -1, "empty key");
	unlink(path);

	put("b.png\tpass\na.png\tfail\nb.png\tfail\n");
	snprintf(want, sizeof want, "%s:3: key 'b.png' is already labelled "
	    "on line 1", path);
	t_ok(labels_load(&l, path, err, sizeof err) == -1 &&
	    strcmp(err, want) == 0, "duplicate key names both lines");
	unlink(path);

	t_ok(labels_load(&l, "/nonexistent/labels.tsv", err, sizeof err) ==
	    -1 && strcmp(err, "/nonexistent/labels.tsv: No such file or "
	    "directory") == 0, "missing file");
	return t_done();
}
