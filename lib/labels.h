/*
 * labels: pass/fail labels for svm-accept train, as words in records or
 * in a labels file joined to the records by a key.  A labels file is text,
 * one "<key><TAB><label>" per line, label "pass" or "fail"; blank lines
 * and lines starting with '#' are skipped, a trailing CR is ignored, and
 * the key (any bytes but TAB and newline) must be unique.  For example:
 *
 *	# image	label
 *	test/good/017.png	pass
 *	test/crack/003.png	fail
 */
#ifndef LK_LABELS_H
#define LK_LABELS_H

#include <stddef.h>

struct labels;

/* SVMFILE_FAIL for "fail", SVMFILE_PASS for "pass", else 0. */
int labels_word(const char *s);

/*
 * Read the labels file path into *lp (free with labels_free).  0, or -1
 * with err filled as "path:line: message" (or "path: strerror").
 */
int labels_load(struct labels **lp, const char *path, char *err,
    size_t errlen);

/* The label of key (SVMFILE_FAIL or SVMFILE_PASS), or 0 if absent. */
int labels_get(const struct labels *l, const char *key);

/* Number of labels held. */
size_t labels_count(const struct labels *l);

void labels_free(struct labels *l);

#endif
