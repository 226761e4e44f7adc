/*
 * featvec: the per-image feature vector a record carries for svm-accept,
 * the object "features" of name -> finite number that mask-boxes writes,
 * e.g. {"count":2,"largest_area":41,"score":0.73,"dct_0":0.12}.
 */
#ifndef LK_FEATVEC_H
#define LK_FEATVEC_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * The names of rec's features, sorted bytewise (strcmp), into *names
 * (*n strings; free with featvec_names_free).  0; -1 with err filled when
 * rec has no "features" object or an empty one; -2 when memory is short.
 */
int featvec_names(const cJSON *rec, char ***names, size_t *n, char *err,
    size_t errlen);

void featvec_names_free(char **names, size_t n);

/*
 * Read the features names[0..n) of rec into out[0..n).  With exact set,
 * rec's "features" may hold no others.  0, or -1 with err filled, one of:
 * record has no "features" object, feature 'x' is missing, feature 'x' is
 * not a finite number, feature 'x' appears twice, unexpected feature 'x'.
 */
int featvec_get(const cJSON *rec, char *const *names, size_t n, int exact,
    double *out, char *err, size_t errlen);

/*
 * How many of names[0..n) rec's "features" object lacks, with the first
 * of them in *first; 0 when rec has no "features" object at all.
 */
size_t featvec_missing(const cJSON *rec, char *const *names, size_t n,
    const char **first);

#endif
