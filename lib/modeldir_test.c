/*
 * modeldir_test: a first commit, a replacing commit that removes the old
 * generation, carrying files over, an aborted run, and a run killed with
 * SIGKILL before its commit: the live directory must be untouched by the
 * last two, and the killed run's leftover swept by the next commit.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modeldir.h"
#include "test.h"

static char base[64];

static int
put(const struct mdir *d, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	if (mdir_file(d, name, path, sizeof path) == -1 ||
	    (f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Contents of <live>/name into buf ("" if missing). */
static const char *
get(const char *live, const char *name)
{
	static char buf[64];
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", live, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

/* Entries in the test's base directory. */
static int
entries(void)
{
	struct dirent *e;
	DIR *d = opendir(base);
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

int
main(void)
{
	char err[256], live[128];
	struct mdir d;
	struct stat st;
	int status;
	pid_t pid;

	snprintf(base, sizeof base, "/tmp/modeldir_testXXXXXX");
	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(live, sizeof live, "%s/models", base);

	t_ok(mdir_begin(&d, live, err, sizeof err) == 0 &&
	    put(&d, "a.lkm", "A1") == 0 && put(&d, "b.lkm", "B1") == 0 &&
	    mdir_commit(&d, err, sizeof err) == 0 && d.old == NULL,
	    "first generation committed");
	t_ok(strcmp(get(live, "a.lkm"), "A1") == 0 && entries() == 1,
	    "live directory holds it, nothing left beside it");
	t_ok(stat(live, &st) == 0 && (st.st_mode & 0777) != 0700,
	    "mode of a normal directory, not mkdtemp's 0700");

	/* replace: a.lkm new, b.lkm carried over, c.lkm new */
	t_ok(mdir_begin(&d, live, err, sizeof err) == 0 &&
	    put(&d, "a.lkm", "A2") == 0 && put(&d, "c.lkm", "C2") == 0,
	    "second generation started");
	t_ok(mdir_carry(&d, ".lkm", err, sizeof err) == 1, "one file carried "
	    "over, the rewritten one not");
	t_ok(strcmp(get(live, "a.lkm"), "A1") == 0,
	    "live directory unchanged before the commit");
	t_ok(mdir_commit(&d, err, sizeof err) == 0, "second commit");
	t_ok(strcmp(get(live, "a.lkm"), "A2") == 0 &&
	    strcmp(get(live, "b.lkm"), "B1") == 0 &&
	    strcmp(get(live, "c.lkm"), "C2") == 0 && entries() == 1,
	    "new generation live, old one deleted");

	/* an aborted run leaves the live directory alone */
	t_ok(mdir_begin(&d, live, err, sizeof err) == 0 &&
	    put(&d, "a.lkm", "A3") == 0, "third generation started");
	mdir_abort(&d);
	t_ok(strcmp(get(live, "a.lkm"), "A2") == 0 && entries() == 1,
	    "abort: live unchanged, temporary removed");

	/* a killed run likewise; its leftover goes at the next commit */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (mdir_begin(&d, live, err, sizeof err) == 0 &&
		    put(&d, "a.lkm", "A4") == 0)
			raise(SIGKILL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	t_ok(WIFSIGNALED(status) && strcmp(get(live, "a.lkm"), "A2") == 0 &&
	    entries() == 2, "killed run: live unchanged, leftover beside it");
	t_ok(mdir_begin(&d, live, err, sizeof err) == 0 &&
	    put(&d, "a.lkm", "A5") == 0 &&
	    mdir_commit(&d, err, sizeof err) == 0 &&
	    strcmp(get(live, "a.lkm"), "A5") == 0 && entries() == 1,
	    "next commit sweeps the leftover");
	t_ok(mdir_begin(&d, "", err, sizeof err) == -1 &&
	    strstr(err, "empty") != NULL, "empty name refused");
	snprintf(err, sizeof err, "rm -rf '%s'", base);
	if (system(err) != 0)
		return 1;
	return t_done();
}
