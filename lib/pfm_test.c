/*
 * pfm_test: the fixtures of scripts/mk-img-fixtures.py in both byte orders,
 * write/read round trips (grey, RGB, odd and wide sizes), the row reader
 * in any order, refusal of non-finite values on writing, and the bad-input
 * corpus testdata/bad/pfm (every file refused with a message).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pfm.h"
#include "test.h"

static char tmpdir[] = "/tmp/pfm_test.XXXXXX";

static const char *
tmppath(const char *name)
{
	static char buf[300];

	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return buf;
}

/* As in scripts/mk-img-fixtures.py: exact in float. */
static float
value(int x, int y, int ch)
{
	return (x - 3) * 0.25f + y * 1.5f + ch * 100.0f;
}

static void
test_fixtures(void)
{
	static const char *const name[] = {
		"grey-le.pfm", "grey-be.pfm", "rgb-le.pfm", "rgb-be.pfm"
	};
	char path[128], err[IMG_ERRLEN], what[512];
	struct img im;
	int i, x, y, k, ok;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "testdata/pfm/%s", name[i]);
		if (pfm_read(path, &im, err, sizeof err) == -1) {
			snprintf(what, sizeof what, "read %s: %s", name[i],
			    err);
			t_ok(0, what);
			continue;
		}
		ok = im.w == 5 && im.h == 3 && im.c == (i < 2 ? 1 : 3);
		for (k = 0; ok && k < im.c; k++)
			for (y = 0; y < 3; y++)
				for (x = 0; x < 5; x++)
					ok &= im.data[(k * 3 + y) * 5 + x] ==
					    value(x, y, k);
		snprintf(what, sizeof what, "%s: top row first, CHW, exact",
		    name[i]);
		t_ok(ok, what);
		img_free(&im);
	}
}

/* Fill w x h x c with values that tell every position apart. */
static int
make(struct img *im, int w, int h, int c)
{
	char err[IMG_ERRLEN];
	size_t i, n = (size_t)w * h * c;

	if (img_alloc(im, w, h, c, err, sizeof err) == -1)
		return 0;
	for (i = 0; i < n; i++)
		im->data[i] = (float)i * 0.5f - 1000.0f;
	return 1;
}

static int
same(const struct img *a, const struct img *b)
{
	return a->w == b->w && a->h == b->h && a->c == b->c &&
	    memcmp(a->data, b->data, sizeof(float) * (size_t)a->w * a->h *
	    a->c) == 0;
}

static void
test_roundtrip(void)
{
	static const int size[][3] = {
		{ 1, 1, 1 }, { 5, 3, 3 }, { 1500, 7, 1 }, { 2100, 3, 3 },
		{ 640, 480, 1 }
	};
	char err[IMG_ERRLEN], what[128];
	struct img a, b;
	struct stat st;
	size_t i;
	FILE *f;
	char head[32];

	for (i = 0; i < sizeof size / sizeof size[0]; i++) {
		if (!make(&a, size[i][0], size[i][1], size[i][2]))
			continue;
		snprintf(what, sizeof what, "round trip %dx%dx%d",
		    size[i][0], size[i][1], size[i][2]);
		t_ok(pfm_write(tmppath("a.pfm"), &a, err, sizeof err) == 0 &&
		    pfm_read(tmppath("a.pfm"), &b, err, sizeof err) == 0 &&
		    same(&a, &b), what);
		img_free(&b);
		img_free(&a);
	}
	/* what was written: header, little-endian, bottom row first */
	if (make(&a, 2, 2, 1)) {
		a.data[2] = 1.0f;	/* bottom-left */
		pfm_write(tmppath("b.pfm"), &a, err, sizeof err);
		memset(head, 0, sizeof head);
		if ((f = fopen(tmppath("b.pfm"), "rb")) != NULL) {
			if (fread(head, 1, sizeof head, f) == 0)
				head[0] = '\0';
			fclose(f);
		}
		t_ok(memcmp(head, "Pf\n2 2\n-1.0\n\0\0\x80\x3f", 16) == 0,
		    "header Pf, scale -1, bottom row first, little-endian");
		t_ok(stat(tmppath("b.pfm"), &st) == 0 &&
		    st.st_size == 12 + 16 && (st.st_mode & 0777) == 0644,
		    "size 28 bytes, mode 0644");
		img_free(&a);
	}
}

static void
test_write_refusals(void)
{
	char err[IMG_ERRLEN];
	struct img a;
	struct stat st;

	if (!make(&a, 4, 3, 3))
		return;
	a.data[2 * 12 + 1 * 4 + 2] = NAN;	/* channel 2, (2, 1) */
	t_ok(pfm_write(tmppath("nan.pfm"), &a, err, sizeof err) == -1 &&
	    strcmp(err, "non-finite value at (2, 1)") == 0 &&
	    stat(tmppath("nan.pfm"), &st) == -1,
	    "NaN refused, nothing written");
	a.data[2 * 12 + 1 * 4 + 2] = 0;
	a.data[0] = -INFINITY;
	t_ok(pfm_write(tmppath("inf.pfm"), &a, err, sizeof err) == -1 &&
	    strcmp(err, "non-finite value at (0, 0)") == 0,
	    "-Inf refused");
	a.data[0] = 0;
	t_ok(pfm_write(tmppath("none/x.pfm"), &a, err, sizeof err) == -1 &&
	    strstr(err, "No such file or directory") != NULL,
	    "missing directory refused");
	a.c = 2;
	t_ok(pfm_write(tmppath("c2.pfm"), &a, err, sizeof err) == -1,
	    "2 channels refused");
	img_free(&a);
}

static void
test_rows(void)
{
	char err[IMG_ERRLEN];
	struct pfm_reader r;
	struct img a;
	float *row;
	int y, k, x, ok = 1, order[] = { 5, 0, 9, 9, 3, 1 };
	size_t i;

	if (!make(&a, 1300, 10, 3))
		return;
	if (pfm_write(tmppath("rows.pfm"), &a, err, sizeof err) == -1 ||
	    !t_ok(pfm_open(&r, tmppath("rows.pfm"), err, sizeof err) == 0 &&
	    r.w == 1300 && r.h == 10 && r.c == 3 && !r.big_endian,
	    "pfm_open: sizes and byte order")) {
		img_free(&a);
		return;
	}
	row = malloc(sizeof *row * 1300 * 3);
	for (i = 0; row != NULL && i < sizeof order / sizeof order[0]; i++) {
		y = order[i];
		if (pfm_row(&r, y, row, err, sizeof err) == -1) {
			ok = 0;
			break;
		}
		for (k = 0; k < 3; k++)
			for (x = 0; x < 1300; x++)
				ok &= row[k * 1300 + x] ==
				    a.data[((size_t)k * 10 + y) * 1300 + x];
	}
	t_ok(ok && row != NULL, "pfm_row: rows in any order, (c, w) planar");
	t_ok(pfm_row(&r, 10, row, err, sizeof err) == -1 &&
	    strcmp(err, "row 10 out of range (0..9)") == 0 &&
	    pfm_row(&r, -1, row, err, sizeof err) == -1,
	    "pfm_row: out of range");
	pfm_close(&r);
	pfm_close(&r);
	t_ok(r.f == NULL, "pfm_close twice is safe");
	t_ok(pfm_open(&r, "testdata/pfm/rgb-be.pfm", err, sizeof err) == 0 &&
	    r.big_endian && pfm_row(&r, 2, row, err, sizeof err) == 0 &&
	    row[0] == value(0, 2, 0) && row[5 + 4] == value(4, 2, 1),
	    "pfm_row on a big-endian file");
	pfm_close(&r);
	t_ok(pfm_open(&r, "testdata/bad/pfm/nan-value.pfm", err, sizeof err) ==
	    0 && pfm_row(&r, 0, row, err, sizeof err) == 0 &&
	    pfm_row(&r, 1, row, err, sizeof err) == -1 &&
	    strcmp(err, "non-finite value at (2, 1)") == 0,
	    "pfm_row refuses the row with a NaN, not the others");
	pfm_close(&r);
	t_ok(pfm_open(&r, "testdata/bad/pfm/truncated.pfm", err, sizeof err) ==
	    -1 && r.f == NULL, "pfm_open refuses a truncated file");
	free(row);
	img_free(&a);
}

/*
 * pfm_read of file's bytes through a pipe (/dev/fd/N), where there is no
 * size to check up front.  The result of pfm_read.
 */
static int
read_piped(const char *file, struct img *im, char *err, size_t errlen)
{
	char buf[4096], dev[64];
	int fd[2], rc, status;
	size_t n;
	pid_t pid;
	FILE *f;

	if (pipe(fd) == -1)
		return -2;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		if ((f = fopen(file, "rb")) == NULL)
			_exit(1);
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			if (write(fd[1], buf, n) != (ssize_t)n)
				_exit(1);
		_exit(0);
	}
	close(fd[1]);
	snprintf(dev, sizeof dev, "/dev/fd/%d", fd[0]);
	rc = pid == -1 ? -2 : pfm_read(dev, im, err, errlen);
	close(fd[0]);
	if (pid != -1)
		waitpid(pid, &status, 0);
	return rc;
}

static void
test_pipe(void)
{
	char err[IMG_ERRLEN];
	struct img a, b;

	if (access("/dev/fd/0", F_OK) != 0) {
		t_skip("reading through a pipe", "no /dev/fd");
		return;
	}
	if (pfm_read("testdata/pfm/rgb-le.pfm", &a, err, sizeof err) == 0) {
		t_ok(read_piped("testdata/pfm/rgb-le.pfm", &b, err,
		    sizeof err) == 0 && same(&a, &b), "read through a pipe");
		img_free(&b);
		img_free(&a);
	}
	t_ok(read_piped("testdata/bad/pfm/truncated.pfm", &b, err,
	    sizeof err) == -1 && strcmp(err, "truncated PFM file") == 0 &&
	    b.data == NULL, "truncated, through a pipe");
	t_ok(read_piped("testdata/bad/pfm/trailing-bytes.pfm", &b, err,
	    sizeof err) == -1 && strcmp(err, "bytes after the PFM data") == 0,
	    "trailing bytes, through a pipe");
}

static void
test_bad_corpus(void)
{
	static const struct {
		const char *file, *msg;
	} want[] = {
		{ "empty.pfm", "empty file" },
		{ "truncated.pfm", "truncated PFM file (55 of 60 data bytes)" },
		{ "header-only.pfm",
		    "truncated PFM file (0 of 60 data bytes)" },
		{ "trailing-bytes.pfm", "4 bytes after the PFM data" },
		{ "bad-magic.pfm", "not a PFM file" },
		{ "negative-width.pfm", "bad PFM width '-5'" },
		{ "zero-height.pfm", "bad map size 5x0" },
		{ "zero-scale.pfm", "bad PFM scale '0.0'" },
		{ "nan-scale.pfm", "bad PFM scale 'nan'" },
		{ "comment.pfm", "bad PFM width '#'" },
		{ "missing-scale.pfm", "bad PFM scale (not text)" },
		{ "overflow-width.pfm",
		    "bad PFM width '99999999999999999999'" },
		{ "huge-side.pfm", "map is 70000x70000 (max side 65535)" },
		{ "huge-pixels.pfm",
		    "map is 20000x20000 (max 268435456 pixels)" },
		{ "big-claim-small-file.pfm",
		    "truncated PFM file (64 of 48000000 data bytes)" },
		{ "nan-value.pfm", "non-finite value at (2, 1)" },
		{ "inf-value.pfm", "non-finite value at (2, 0)" },
	};
	char path[512], err[IMG_ERRLEN], what[1024];
	struct dirent **ent;
	struct img im;
	size_t k;
	int i, n, rc, ok, nfile = 0;
	const char *dot;

	if ((n = scandir("testdata/bad/pfm", &ent, NULL, alphasort)) == -1) {
		t_ok(0, "testdata/bad/pfm is readable");
		return;
	}
	for (i = 0; i < n; i++) {
		dot = strrchr(ent[i]->d_name, '.');
		if (dot != NULL && strcmp(dot, ".pfm") == 0) {
			nfile++;
			snprintf(path, sizeof path, "testdata/bad/pfm/%s",
			    ent[i]->d_name);
			err[0] = '\0';
			im.data = (float *)&rc;
			rc = pfm_read(path, &im, err, sizeof err);
			ok = rc == -1 && err[0] != '\0' && im.data == NULL;
			for (k = 0; ok && k < sizeof want / sizeof want[0];
			    k++)
				if (strcmp(ent[i]->d_name, want[k].file) == 0)
					ok = strcmp(err, want[k].msg) == 0;
			snprintf(what, sizeof what, "bad/pfm/%s: %s",
			    ent[i]->d_name, rc == 0 ? "accepted!" : err);
			t_ok(ok, what);
			if (rc == 0)
				img_free(&im);
		}
		free(ent[i]);
	}
	free(ent);
	t_ok(nfile >= 15, "bad PFM corpus has at least 15 files");
}

static void
cleanup(void)
{
	struct dirent *e;
	DIR *d = opendir(tmpdir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlink(tmppath(e->d_name));
	closedir(d);
	rmdir(tmpdir);
}

int
main(void)
{
	umask(022);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_fixtures();
	test_roundtrip();
	test_write_refusals();
	test_rows();
	test_pipe();
	test_bad_corpus();
	cleanup();
	return t_done();
}
