/*
 * modeldir: a directory of model files replaced as a whole or not at all.
 * A run fills a new directory "<dir>.new-XXXXXX" beside the live one and
 * commits by swapping the two with one renameat2(RENAME_EXCHANGE) (Linux
 * 3.15 and later), or by a plain rename(2) when there is no live
 * directory yet; only then is the old generation deleted.  A run that
 * fails or is killed before the swap leaves the live directory as it was
 * (and possibly its unfinished ".new-" directory, which the next commit
 * removes).  Where the exchange is not supported the live directory is
 * first renamed aside, a short window in which it is missing.
 *
 * Readers should open the live directory once and read everything
 * through that descriptor or expect a swap between two files.
 */
#ifndef LK_MODELDIR_H
#define LK_MODELDIR_H

#include <stddef.h>

struct mdir {
	char *path;	/* the live directory */
	char *tmp;	/* the new generation being filled */
	char *old;	/* after commit: an old generation left behind */
};

/*
 * Start a new generation for path (made with the mode a mkdir(2) would
 * give).  0, or -1 with err filled.
 */
int mdir_begin(struct mdir *d, const char *path, char *err, size_t errlen);

/* buf = "<tmp>/<name>"; 0, or -1 if it does not fit in len. */
int mdir_file(const struct mdir *d, const char *name, char *buf,
    size_t len);

/*
 * Hard-link (copying where links fail) into the new generation every
 * regular file of the live directory whose name ends in suffix and that
 * the new generation does not have yet.  Returns how many, or -1 with err
 * filled.  A missing live directory carries nothing.
 */
long mdir_carry(struct mdir *d, const char *suffix, char *err,
    size_t errlen);

/*
 * Make the new generation durable (fsync of its files and itself) and
 * live, then delete the old generation and leftover ".new-" directories
 * of killed runs.  0 once the new generation is live (d->old is then
 * set if the old one could not be deleted; free it with mdir_free()),
 * or -1 with err filled and the live directory untouched (then call
 * mdir_abort()).
 */
int mdir_commit(struct mdir *d, char *err, size_t errlen);

/* Give up: delete the new generation.  Frees d. */
void mdir_abort(struct mdir *d);

/* Free what mdir_commit() left (d->old). */
void mdir_free(struct mdir *d);

#endif
