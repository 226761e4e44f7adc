/*
 * modeldir: whole-directory replacement (see modeldir.h).  Files inside a
 * generation are written by model_write() (temp file, fsync, rename), so
 * a commit only has to make the directory entries durable: fsync of the
 * new directory before the swap and of the parent after it.
 */
#define _GNU_SOURCE	/* renameat2, RENAME_EXCHANGE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modeldir.h"
#include "util.h"

#define NEWTAG ".new-"

/* The directory holding path, malloc'd. */
static char *
parent_of(const char *path)
{
	char *c = strdup(path), *p;

	if (c == NULL)
		return NULL;
	p = strdup(dirname(c));
	free(c);
	return p;
}

/* Delete dir and what it holds (depth-limited); 0 or -1 (errno set). */
static int
rm_tree(int at, const char *dir, int depth)
{
	struct dirent *e;
	int fd, r = 0, sv;
	DIR *d;

	if (depth > 8) {
		errno = ENOTEMPTY;
		return -1;
	}
	if ((fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		if ((errno == EISDIR || errno == EPERM) &&
		    rm_tree(fd, e->d_name, depth + 1) == 0)
			continue;
		r = -1;
	}
	sv = errno;
	closedir(d);
	if (r == 0 && unlinkat(at, dir, AT_REMOVEDIR) == -1)
		return -1;
	errno = sv;
	return r;
}

int
mdir_begin(struct mdir *d, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path);
	mode_t um;

	memset(d, 0, sizeof *d);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0)
		return seterr(err, errlen, "empty model directory name");
	d->path = strndup(path, n);
	d->tmp = malloc(n + sizeof NEWTAG + 6);
	if (d->path == NULL || d->tmp == NULL) {
		mdir_abort(d);
		return seterr(err, errlen, "out of memory");
	}
	snprintf(d->tmp, n + sizeof NEWTAG + 6, "%s" NEWTAG "XXXXXX", d->path);
	if (mkdtemp(d->tmp) == NULL) {
		seterr(err, errlen, "cannot create '%s" NEWTAG "XXXXXX': %s",
		    d->path, strerror(errno));
		free(d->tmp);
		d->tmp = NULL;
		mdir_abort(d);
		return -1;
	}
	um = umask(0);		/* before any threads: no race */
	umask(um);
	chmod(d->tmp, 0777 & ~um);
	return 0;
}

int
mdir_file(const struct mdir *d, const char *name, char *buf, size_t len)
{
	int r = snprintf(buf, len, "%s/%s", d->tmp, name);

	return r < 0 || (size_t)r >= len ? -1 : 0;
}

/* Copy file name from directory fd from to fd to; 0 or -1. */
static int
copy_file(int from, int to, const char *name)
{
	char buf[65536];
	int in, out, r = 0;
	ssize_t k, w, off;

	if ((in = openat(from, name, O_RDONLY)) == -1)
		return -1;
	if ((out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL, 0666)) ==
	    -1) {
		close(in);
		return -1;
	}
	while (r == 0 && (k = read(in, buf, sizeof buf)) != 0) {
		if (k == -1) {
			r = errno == EINTR ? 0 : -1;
			continue;
		}
		for (off = 0; off < k; off += w)
			if ((w = write(out, buf + off, (size_t)(k - off))) ==
			    -1) {
				r = -1;
				break;
			}
	}
	if (r == 0 && fsync(out) == -1)
		r = -1;
	if (close(out) == -1)
		r = -1;
	close(in);
	if (r == -1)
		unlinkat(to, name, 0);
	return r;
}

long
mdir_carry(struct mdir *d, const char *suffix, char *err, size_t errlen)
{
	size_t sl = strlen(suffix), nl;
	int from, to;
	struct dirent *e;
	struct stat st;
	long n = 0;
	DIR *dd;

	if ((from = open(d->path, O_RDONLY | O_DIRECTORY)) == -1)
		return errno == ENOENT ? 0 : seterr(err, errlen, "%s: %s",
		    d->path, strerror(errno));
	if ((to = open(d->tmp, O_RDONLY | O_DIRECTORY)) == -1) {
		close(from);
		return seterr(err, errlen, "%s: %s", d->tmp, strerror(errno));
	}
	if ((dd = fdopendir(from)) == NULL) {
		close(from);
		close(to);
		return seterr(err, errlen, "%s: %s", d->path, strerror(errno));
	}
	while ((e = readdir(dd)) != NULL) {
		nl = strlen(e->d_name);
		if (nl <= sl || strcmp(e->d_name + nl - sl, suffix) != 0 ||
		    fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || faccessat(to, e->d_name, F_OK,
		    AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (linkat(from, e->d_name, to, e->d_name, 0) == -1 &&
		    copy_file(from, to, e->d_name) == -1) {
			seterr(err, errlen, "carrying '%s' over: %s", e->d_name,
			    strerror(errno));
			n = -1;
			break;
		}
		n++;
	}
	closedir(dd);
	close(to);
	return n;
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY), r;

	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Remove "<base>.new-XXXXXX" directories of killed runs in parent. */
static void
sweep(const char *parent, const char *base)
{
	size_t bl = strlen(base);
	struct dirent *e;
	int fd;
	DIR *dd;

	if ((fd = open(parent, O_RDONLY | O_DIRECTORY)) == -1)
		return;
	if ((dd = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(dd)) != NULL)
		if (strncmp(e->d_name, base, bl) == 0 && strncmp(e->d_name +
		    bl, NEWTAG, sizeof NEWTAG - 1) == 0 &&
		    strlen(e->d_name) == bl + sizeof NEWTAG - 1 + 6)
			rm_tree(fd, e->d_name, 0);
	closedir(dd);
}

int
mdir_commit(struct mdir *d, char *err, size_t errlen)
{
	char *parent = parent_of(d->path), *base, *cp, *aside = NULL;
	int swapped = 0, r;

	if (parent == NULL || (cp = strdup(d->path)) == NULL) {
		free(parent);
		return seterr(err, errlen, "out of memory");
	}
	base = basename(cp);
	if (fsync_dir(d->tmp) == -1) {
		seterr(err, errlen, "%s: %s", d->tmp, strerror(errno));
		goto bad;
	}
#ifdef RENAME_EXCHANGE
	r = renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->path, RENAME_EXCHANGE);
	if (r == 0)
		swapped = 1;
	else if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) {
		seterr(err, errlen, "%s: %s", d->path, strerror(errno));
		goto bad;
	}
#endif
	if (!swapped && access(d->path, F_OK) == 0) {
		/* no exchange here: move the live directory aside first */
		size_t n = strlen(d->path) + 16;

		if ((aside = malloc(n)) == NULL) {
			seterr(err, errlen, "out of memory");
			goto bad;
		}
		snprintf(aside, n, "%s.old-XXXXXX", d->path);
		if (mkdtemp(aside) == NULL || rename(d->path, aside) == -1) {
			seterr(err, errlen, "%s: %s", d->path, strerror(errno));
			rmdir(aside);
			goto bad;
		}
	}
	if (!swapped && rename(d->tmp, d->path) == -1) {
		seterr(err, errlen, "%s: %s", d->path, strerror(errno));
		if (aside != NULL)
			rename(aside, d->path);	/* put it back */
		goto bad;
	}
	fsync_dir(parent);
	/* the old generation is now at tmp (swapped) or aside */
	if (swapped && rm_tree(AT_FDCWD, d->tmp, 0) == -1)
		d->old = d->tmp, d->tmp = NULL;
	if (aside != NULL && rm_tree(AT_FDCWD, aside, 0) == -1)
		d->old = aside, aside = NULL;
	sweep(parent, base);
	free(aside);
	free(cp);
	free(parent);
	free(d->tmp);
	free(d->path);
	d->tmp = d->path = NULL;
	return 0;
bad:
	free(aside);
	free(cp);
	free(parent);
	return -1;
}

void
mdir_abort(struct mdir *d)
{
	if (d->tmp != NULL)
		rm_tree(AT_FDCWD, d->tmp, 0);
	free(d->tmp);
	free(d->path);
	free(d->old);
	memset(d, 0, sizeof *d);
}

void
mdir_free(struct mdir *d)
{
	free(d->old);
	d->old = NULL;
}
