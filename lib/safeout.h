/*
 * safeout: output files that appear whole or not at all.  Writes go to a
 * temporary file in the target's directory (so rename(2) is atomic), which
 * is renamed over the target only once every byte is written and the
 * stream closed without error.  A crash or an error leaves the old file.
 */
#ifndef LK_SAFEOUT_H
#define LK_SAFEOUT_H

#include <stddef.h>
#include <stdio.h>

struct safeout_sink;

struct safeout {
	FILE *f;	/* write here between open and commit */
	char *path;	/* the target */
	char *tmp;	/* the temporary file, "<path>.tmpXXXXXX" */
	int sync;	/* fsync before rename (models; not per-image maps) */
	struct safeout_sink *sink;	/* internal: descriptor, write errno */
};

/* Create the temporary file.  0, or -1 with err filled. */
int safeout_open(struct safeout *so, const char *path, int sync, char *err,
    size_t errlen);

/*
 * Flush, check for write errors, optionally fsync, close and rename over
 * the target.  On any failure the temporary file is removed and -1
 * returned with err filled ("writing 'x.pfm': No space left on device").
 */
int safeout_commit(struct safeout *so, char *err, size_t errlen);

/* Give up: close and remove the temporary file. */
void safeout_abort(struct safeout *so);

#endif
