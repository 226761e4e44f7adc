/*
 * safeout_test: the target appears only at commit, whole, with the mode
 * open(2) would give; abort and every failure (missing directory, target
 * is a directory, a write over RLIMIT_FSIZE) leave the old file and no
 * temporary file, and the message keeps the errno of the failed write.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safeout.h"
#include "test.h"

static char tmpdir[] = "/tmp/safeout_test.XXXXXX";

static const char *
tmppath(const char *name)
{
	static char buf[300];

	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return buf;
}

/* The whole content of path into buf (NUL-terminated), or "" if none. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	size_t n = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* Entries of tmpdir with ".tmp" in their name. */
static int
temps(void)
{
	struct dirent *e;
	DIR *d = opendir(tmpdir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void
test_commit(void)
{
	char err[256], path[300];
	struct safeout so;
	struct stat st;

	snprintf(path, sizeof path, "%s", tmppath("a.txt"));
	put(path, "old\n");
	if (!t_ok(safeout_open(&so, path, 0, err, sizeof err) == 0,
	    "safeout_open"))
		return;
	t_ok(strncmp(so.tmp, path, strlen(path)) == 0 &&
	    strncmp(so.tmp + strlen(path), ".tmp", 4) == 0 &&
	    stat(so.tmp, &st) == 0, "temporary file <path>.tmpXXXXXX exists");
	fputs("new content\n", so.f);
	fflush(so.f);
	t_ok(strcmp(slurp(path), "old\n") == 0, "old file intact until commit");
	t_ok(safeout_commit(&so, err, sizeof err) == 0 &&
	    strcmp(slurp(path), "new content\n") == 0, "commit replaces it");
	t_ok(temps() == 0 && so.f == NULL && so.tmp == NULL,
	    "no temporary file left; struct cleared");
	t_ok(mode_of(path) == 0644, "mode 0666 & ~umask 022 = 0644");

	umask(077);
	if (safeout_open(&so, tmppath("b.txt"), 1, err, sizeof err) == 0) {
		fputs("x", so.f);
		t_ok(safeout_commit(&so, err, sizeof err) == 0 &&
		    mode_of(tmppath("b.txt")) == 0600,
		    "sync=1 commits; umask 077 gives 0600");
	}
	umask(022);

	/* the stream is seekable (a model writer may patch its header) */
	if (safeout_open(&so, tmppath("c.txt"), 0, err, sizeof err) == 0) {
		fputs("hello", so.f);
		fseek(so.f, 0, SEEK_SET);
		fputs("J", so.f);
		t_ok(safeout_commit(&so, err, sizeof err) == 0 &&
		    strcmp(slurp(tmppath("c.txt")), "Jello") == 0,
		    "fseek on the stream");
	}
}

static void
test_relative(void)
{
	char err[256], cwd[4096];
	struct safeout so;

	if (getcwd(cwd, sizeof cwd) == NULL || chdir(tmpdir) == -1) {
		t_ok(0, "chdir to the temporary directory");
		return;
	}
	t_ok(safeout_open(&so, "rel.txt", 1, err, sizeof err) == 0 &&
	    fputs("r", so.f) >= 0 && safeout_commit(&so, err, sizeof err) == 0,
	    "relative name without a directory, with sync");
	if (chdir(cwd) == -1)
		exit(1);
	t_ok(strcmp(slurp(tmppath("rel.txt")), "r") == 0, "relative file");
}

static void
test_abort(void)
{
	char err[256];
	struct safeout so;

	put(tmppath("d.txt"), "keep\n");
	if (safeout_open(&so, tmppath("d.txt"), 0, err, sizeof err) == -1)
		return;
	fputs("discard", so.f);
	safeout_abort(&so);
	t_ok(strcmp(slurp(tmppath("d.txt")), "keep\n") == 0 && temps() == 0,
	    "abort: old file kept, temporary removed");
	safeout_abort(&so);
	t_ok(so.f == NULL, "abort twice is safe");
}

static void
test_failures(void)
{
	char err[256], want[512];
	struct safeout so;
	struct rlimit old, rl;
	char big[8192];
	int i;

	snprintf(want, sizeof want, "writing '%s': No such file or directory",
	    tmppath("none/x.txt"));
	t_ok(safeout_open(&so, tmppath("none/x.txt"), 0, err, sizeof err) ==
	    -1 && strcmp(err, want) == 0 && so.f == NULL,
	    "missing directory: writing 'x': strerror");
	safeout_abort(&so);	/* a no-op after a failed open */
	t_ok(safeout_open(&so, "", 0, err, sizeof err) == -1 &&
	    strcmp(err, "writing '': No such file or directory") == 0,
	    "empty name refused");
	t_ok(safeout_open(&so, "/tmp/", 0, err, sizeof err) == -1 &&
	    strcmp(err, "writing '/tmp/': Is a directory") == 0,
	    "name ending in / refused");

	/* rename over a directory fails at commit */
	if (mkdir(tmppath("dir"), 0755) == 0 &&
	    safeout_open(&so, tmppath("dir"), 0, err, sizeof err) == 0) {
		fputs("x", so.f);
		snprintf(want, sizeof want, "writing '%s': Is a directory",
		    tmppath("dir"));
		t_ok(safeout_commit(&so, err, sizeof err) == -1 &&
		    strcmp(err, want) == 0 && temps() == 0,
		    "rename failure: message, temporary removed");
	}

	/* a write error: the file size limit, with SIGXFSZ ignored */
	put(tmppath("e.txt"), "before\n");
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = 4096;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1 ||
	    safeout_open(&so, tmppath("e.txt"), 0, err, sizeof err) == -1) {
		t_skip("write error", "cannot set RLIMIT_FSIZE");
		return;
	}
	memset(big, 'x', sizeof big);
	for (i = 0; i < 4; i++)
		fwrite(big, 1, sizeof big, so.f);
	snprintf(want, sizeof want, "writing '%s': File too large",
	    tmppath("e.txt"));
	t_ok(safeout_commit(&so, err, sizeof err) == -1 &&
	    strcmp(err, want) == 0, "write error keeps its errno (EFBIG)");
	setrlimit(RLIMIT_FSIZE, &old);
	t_ok(strcmp(slurp(tmppath("e.txt")), "before\n") == 0 && temps() == 0,
	    "write error: old file kept, temporary removed");
}

static void
cleanup(void)
{
	struct dirent *e;
	DIR *d = opendir(tmpdir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			unlink(tmppath(e->d_name));
			rmdir(tmppath(e->d_name));
		}
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
	test_commit();
	test_relative();
	test_abort();
	test_failures();
	cleanup();
	return t_done();
}
