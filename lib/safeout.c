/*
 * safeout: output files that appear whole or not at all.
 *
 * The temporary file is made by mkstemp(3) beside the target, so rename(2)
 * replaces the target atomically; mkstemp's mode 0600 is widened to 0666
 * minus the umask, the mode open(2) would have given.  The umask is read
 * from /proc/self/status, because setting it to read it back races with
 * other threads creating files; umask(2) is the fallback.
 *
 * so->f is a fopencookie(3) stream over the descriptor, so that the errno
 * of the first failed write is kept: a plain stdio stream forgets it (a
 * later fflush returns 0 with only the error flag set), and "writing
 * 'model.bin': No space left on device" beats "Input/output error".
 */
#define _GNU_SOURCE	/* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "safeout.h"
#include "util.h"

struct safeout_sink {
	int fd;		/* the temporary file; -1 once closed */
	int err;	/* errno of the first failed write or close, or 0 */
};

/* fopencookie write: all of buf, or 0 with the errno kept. */
static ssize_t
sink_write(void *cookie, const char *buf, size_t n)
{
	struct safeout_sink *s = cookie;
	size_t done = 0;
	ssize_t k;

	while (done < n) {
		k = write(s->fd, buf + done, n - done);
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1) {
			if (s->err == 0)
				s->err = errno;
			return 0;
		}
		done += (size_t)k;
	}
	return (ssize_t)n;
}

static int
sink_seek(void *cookie, off64_t *off, int whence)
{
	struct safeout_sink *s = cookie;
	off_t r = lseek(s->fd, (off_t)*off, whence);

	if (r == -1)
		return -1;
	*off = r;
	return 0;
}

static int
sink_close(void *cookie)
{
	struct safeout_sink *s = cookie;
	int rc = close(s->fd);

	if (rc == -1 && s->err == 0)
		s->err = errno;
	s->fd = -1;
	return rc;
}

static const cookie_io_functions_t sink_io = {
	.write = sink_write, .seek = sink_seek, .close = sink_close
};

/* The process umask, without changing it where /proc tells. */
static mode_t
get_umask(void)
{
	char line[128];
	unsigned int m;
	mode_t old;
	FILE *f;

	if ((f = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "Umask: %o", &m) == 1) {
				fclose(f);
				return (mode_t)m;
			}
		fclose(f);
	}
	old = umask(022);
	umask(old);
	return old;
}

/* Free everything but the temporary file itself; f is closed already. */
static void
clear(struct safeout *so)
{
	free(so->path);
	free(so->tmp);
	free(so->sink);
	so->f = NULL;
	so->path = so->tmp = NULL;
	so->sink = NULL;
}

int
safeout_open(struct safeout *so, const char *path, int sync, char *err,
    size_t errlen)
{
	size_t n = strlen(path);
	int e;

	so->f = NULL;
	so->sync = sync;
	so->path = malloc(n + 1);
	so->tmp = malloc(n + sizeof ".tmpXXXXXX");
	so->sink = malloc(sizeof *so->sink);
	if (so->path == NULL || so->tmp == NULL || so->sink == NULL) {
		clear(so);
		return seterr(err, errlen, "writing '%s': %s", path,
		    strerror(ENOMEM));
	}
	if (n == 0 || path[n - 1] == '/') {
		clear(so);
		return seterr(err, errlen, "writing '%s': %s", path,
		    strerror(n == 0 ? ENOENT : EISDIR));
	}
	memcpy(so->path, path, n + 1);
	memcpy(so->tmp, path, n);
	memcpy(so->tmp + n, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
	so->sink->err = 0;
	if ((so->sink->fd = mkstemp(so->tmp)) == -1) {
		e = errno;
		clear(so);
		return seterr(err, errlen, "writing '%s': %s", path,
		    strerror(e));
	}
	if (fchmod(so->sink->fd, 0666 & ~get_umask()) == -1 ||
	    (so->f = fopencookie(so->sink, "w", sink_io)) == NULL) {
		e = errno;
		close(so->sink->fd);
		unlink(so->tmp);
		clear(so);
		return seterr(err, errlen, "writing '%s': %s", path,
		    strerror(e));
	}
	return 0;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
safeout_commit(struct safeout *so, char *err, size_t errlen)
{
	struct safeout_sink *s = so->sink;
	int e = 0, renamed = 0;

	if (fflush(so->f) != 0 || ferror(so->f))
		e = s->err != 0 ? s->err : EIO;
	else if (so->sync && fsync(s->fd) == -1)
		e = errno;
	if (fclose(so->f) != 0 && e == 0)
		e = s->err != 0 ? s->err : EIO;
	if (e == 0) {
		if (rename(so->tmp, so->path) == -1)
			e = errno;
		else
			renamed = 1;
	}
	/* EINVAL: the file system cannot sync a directory; nothing lost */
	if (renamed && so->sync && sync_dir(so->path) == -1 &&
	    errno != EINVAL)
		e = errno;
	if (e != 0) {
		if (!renamed)
			unlink(so->tmp);
		seterr(err, errlen, "writing '%s': %s", so->path, strerror(e));
	}
	clear(so);
	return e == 0 ? 0 : -1;
}

void
safeout_abort(struct safeout *so)
{
	if (so->f == NULL)
		return;
	fclose(so->f);
	unlink(so->tmp);
	clear(so);
}
