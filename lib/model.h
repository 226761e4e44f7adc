/*
 * model: linekit's binary model file (CONVENTIONS section 9), shared by
 * every tool that saves learned state.  All integers little-endian:
 *
 *   0   8  magic "\x89LKT\r\n\x1a\n"
 *   8   4  version (1)
 *   12  4  header_size (48; a reader skips header bytes it does not know)
 *   16  16 kind, NUL-padded ("ae", "lstm", ...)
 *   32  4  n_meta: lines of metadata
 *   36  4  n_tensors
 *   40  8  payload_bytes: everything between the header and the CRC
 *   --  payload --
 *       metadata: n_meta lines "key=value\n", UTF-8, keys [a-z0-9_.-]
 *       tensor table: n_tensors entries of 80 bytes: name[32] NUL-padded,
 *         dtype u32 (1 = float32), ndim u32 (1..4), dims u64[4] (unused 0),
 *         offset u64 (bytes from the data block, a multiple of 64)
 *       zero padding to a file offset that is a multiple of 64
 *       data block: float32 tensors in table order, each 64-aligned
 *   end 4  CRC-32 (zlib's) of every byte before it
 *
 * The reader checks, in this order, the magic, the version, the size the
 * header promises, the CRC, the kind, then every table entry against the
 * caps and the data block, before anything is handed out.  Files are
 * written whole or not at all (temp file, fsync, rename).
 */
#ifndef LK_MODEL_H
#define LK_MODEL_H

#include <stddef.h>

#define MODEL_VERSION 1		/* the newest this build reads and writes */
#define MODEL_KINDLEN 16
#define MODEL_NAMELEN 32
#define MODEL_MAXDIM 4
#define MODEL_MAX_TENSORS 4096
#define MODEL_MAX_META 4096	/* metadata lines */
#define MODEL_MAX_LINE 4096	/* bytes in one metadata line */
#define MODEL_MAX_BYTES (1L << 31)	/* whole file: 2 GiB */
#define MODEL_ERRLEN 256

struct model_tensor {
	char name[MODEL_NAMELEN];	/* NUL-terminated, unique */
	int ndim;			/* 1..MODEL_MAXDIM */
	long dim[MODEL_MAXDIM];		/* each >= 1; unused 0 */
	long off;			/* first float, from data; % 16 == 0 */
	long n;				/* floats, the product of dims */
};

struct model {
	char kind[MODEL_KINDLEN + 1];	/* NUL-terminated */
	unsigned version;
	char *meta;		/* "key=value\n" lines, NUL-terminated */
	int nmeta;		/* lines in meta */
	int ntensors;
	struct model_tensor *t;	/* (ntensors) */
	float *data;		/* (ndata), 64-byte aligned */
	long ndata;
};

/*
 * Read path into m, refusing anything but a complete, undamaged model of
 * the given kind (NULL: any kind) and version <= MODEL_VERSION.  0, or -1
 * with err filled with a reason meant to follow "path: ", e.g. "model
 * format v3 is newer than this build (max v1)"; on error m is empty.
 */
int model_read(struct model *m, const char *path, const char *kind,
    char *err, size_t errlen);

/* Release what model_read() allocated; safe on an empty model. */
void model_free(struct model *m);

/*
 * Write a model atomically: kind, the metadata text meta (lines
 * "key=value\n", checked), ntensors entries of t whose off/n index data
 * (ndata floats; offsets multiples of 16, increasing, not overlapping).
 * Every dims product must equal n.  0, or -1 with err filled.
 */
int model_write(const char *path, const char *kind, const char *meta,
    const struct model_tensor *t, int ntensors, const float *data,
    long ndata, char *err, size_t errlen);

/*
 * Append "key=value\n" to the NUL-terminated, malloc'd *meta (NULL to
 * start), replacing an earlier line with the same key.  The value is
 * printf-formatted and may not contain a newline.  0, or -1 when out of
 * memory or key/value are malformed (*meta unchanged).
 */
int model_meta_set(char **meta, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Copy the value of key into buf (size len).  0, or -1 when the key is
 * missing or the value does not fit.
 */
int model_meta_get(const char *meta, const char *key, char *buf, size_t len);

/*
 * The value of key as a whole number in [min, max] or a finite double.
 * 0, or -1 with err filled ("metadata 'patch' is missing", "... is not a
 * number in 16..1024").
 */
int model_meta_long(const char *meta, const char *key, long min, long max,
    long *v, char *err, size_t errlen);
int model_meta_double(const char *meta, const char *key, double *v,
    char *err, size_t errlen);

/* The tensor called name, or NULL. */
const struct model_tensor *model_tensor(const struct model *m,
    const char *name);

#endif
