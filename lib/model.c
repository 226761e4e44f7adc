/*
 * model: read and write linekit model files (see model.h).  The file is
 * small (megabytes), so both directions work on one in-memory image: the
 * reader loads it whole (up to the cap), checks it, then decodes; the
 * writer builds it whole, appends the CRC and hands it to safeout.
 * Integers and floats are converted byte by byte, never read into structs,
 * so the format does not depend on the host's byte order or padding.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "model.h"
#include "safeout.h"

#define MAGIC "\x89LKT\r\n\x1a\n"
#define HSIZE 48		/* header bytes this version writes */
#define TENTRY 80		/* tensor table entry */
#define DTYPE_F32 1
#define MAX_DIM (1L << 40)

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void
wr32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
wr64(unsigned char *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static int
key_ok(const char *k, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' &&
		    k[i] <= '9') || k[i] == '_' || k[i] == '.' || k[i] == '-'))
			return 0;
	return 1;
}

/*
 * Check metadata text of len bytes: complete "key=value\n" lines, no NUL.
 * Returns the number of lines, or -1 with err filled.
 */
static long
meta_lines(const char *s, size_t len, char *err, size_t errlen)
{
	const char *p = s, *end = s + len, *nl, *eq;
	long n = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return fail(err, errlen, "metadata line %ld has no "
			    "newline", n + 1);
		if (nl - p >= MODEL_MAX_LINE)
			return fail(err, errlen, "metadata line %ld is longer "
			    "than %d bytes", n + 1, MODEL_MAX_LINE);
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq == NULL || !key_ok(p, (size_t)(eq - p)))
			return fail(err, errlen, "metadata line %ld is not "
			    "key=value", n + 1);
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
			return fail(err, errlen, "metadata line %ld holds a "
			    "NUL byte", n + 1);
		if (++n > MODEL_MAX_META)
			return fail(err, errlen, "more than %d metadata lines",
			    MODEL_MAX_META);
		p = nl + 1;
	}
	return n;
}

/* Load the whole file, refusing more than MODEL_MAX_BYTES. */
static unsigned char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fail(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap > (size_t)MODEL_MAX_BYTES) {
				fail(err, errlen, "larger than %ld bytes",
				    MODEL_MAX_BYTES);
				goto bad;
			}
			cap = cap ? 2 * cap : 1 << 16;
			if ((nb = realloc(buf, cap)) == NULL) {
				fail(err, errlen, "out of memory");
				goto bad;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fail(err, errlen, "%s", strerror(errno ? errno : EIO));
		goto bad;
	}
	fclose(f);
	*len = n;
	return buf;
bad:
	fclose(f);
	free(buf);
	return NULL;
}

void
model_free(struct model *m)
{
	free(m->meta);
	free(m->t);
	free(m->data);
	memset(m, 0, sizeof *m);
}

/* Decode and check the tensor table at p against a data block of dbytes. */
static int
read_table(struct model *m, const unsigned char *p, uint64_t dbytes,
    char *err, size_t errlen)
{
	struct model_tensor *t;
	uint64_t off, prev = 0, n, d;
	int i, j, k;

	for (i = 0; i < m->ntensors; i++, p += TENTRY) {
		t = &m->t[i];
		if (memchr(p, '\0', MODEL_NAMELEN) == NULL || p[0] == '\0')
			return fail(err, errlen, "tensor %d has a bad name", i);
		memcpy(t->name, p, MODEL_NAMELEN);
		for (k = 0; k < i; k++)
			if (strcmp(m->t[k].name, t->name) == 0)
				return fail(err, errlen, "tensor '%s' appears "
				    "twice", t->name);
		if (rd32(p + 32) != DTYPE_F32)
			return fail(err, errlen, "tensor '%s' has unknown "
			    "type %u", t->name, (unsigned)rd32(p + 32));
		t->ndim = (int)rd32(p + 36);
		if (t->ndim < 1 || t->ndim > MODEL_MAXDIM)
			return fail(err, errlen, "tensor '%s' has %u "
			    "dimensions (1..%d)", t->name,
			    (unsigned)rd32(p + 36), MODEL_MAXDIM);
		n = 1;
		for (j = 0; j < MODEL_MAXDIM; j++) {
			d = rd64(p + 40 + 8 * j);
			if (j >= t->ndim ? d != 0 : d < 1 || d > MAX_DIM ||
			    n > dbytes / 4 / d)
				return fail(err, errlen, "tensor '%s' has bad "
				    "dimensions", t->name);
			if (j < t->ndim)
				n *= d;
			t->dim[j] = (long)d;
		}
		off = rd64(p + 72);
		if (off % 64 != 0 || off < prev || off > dbytes ||
		    n > (dbytes - off) / 4)
			return fail(err, errlen, "tensor '%s' lies outside the "
			    "data block or out of order", t->name);
		t->off = (long)(off / 4);
		t->n = (long)n;
		prev = off + 4 * n;
	}
	return 0;
}

int
model_read(struct model *m, const char *path, const char *kind, char *err,
    size_t errlen)
{
	unsigned char *buf;
	uint64_t hsize, payload, want, pos, end, dbytes, i;
	size_t n;
	long nl;
	void *al;

	memset(m, 0, sizeof *m);
	if ((buf = slurp(path, &n, err, errlen)) == NULL)
		return -1;
	if (n < 8 && memcmp(buf, MAGIC, n) == 0 && n > 0) {
		fail(err, errlen, "truncated: %zu bytes", n);
		goto bad;
	}
	if (n < 8 || memcmp(buf, MAGIC, 8) != 0) {
		fail(err, errlen, "not a linekit model (bad magic)");
		goto bad;
	}
	if (n < HSIZE) {
		fail(err, errlen, "truncated: %zu bytes", n);
		goto bad;
	}
	m->version = rd32(buf + 8);
	if (m->version > MODEL_VERSION) {
		fail(err, errlen, "model format v%u is newer than this build "
		    "(max v%d)", m->version, MODEL_VERSION);
		goto bad;
	}
	if (m->version == 0) {
		fail(err, errlen, "bad model format version 0");
		goto bad;
	}
	hsize = rd32(buf + 12);
	payload = rd64(buf + 40);
	if (hsize < HSIZE || hsize > (uint64_t)MODEL_MAX_BYTES ||
	    payload > (uint64_t)MODEL_MAX_BYTES) {
		fail(err, errlen, "bad header (header size %llu, payload "
		    "%llu bytes)", (unsigned long long)hsize,
		    (unsigned long long)payload);
		goto bad;
	}
	want = hsize + payload + 4;
	if (n < want) {
		fail(err, errlen, "truncated: %zu bytes, the header says %llu",
		    n, (unsigned long long)want);
		goto bad;
	}
	if (n > want) {
		fail(err, errlen, "%llu stray bytes after the checksum",
		    (unsigned long long)(n - want));
		goto bad;
	}
	if (crc32_update(0, buf, n - 4) != rd32(buf + n - 4)) {
		fail(err, errlen, "checksum mismatch: the file is damaged");
		goto bad;
	}
	if (memchr(buf + 16, '\0', MODEL_KINDLEN) == NULL) {
		fail(err, errlen, "bad model kind");
		goto bad;
	}
	memcpy(m->kind, buf + 16, MODEL_KINDLEN);
	for (i = 0; m->kind[i] != '\0'; i++)
		if (m->kind[i] < 0x21 || m->kind[i] > 0x7e) {
			fail(err, errlen, "bad model kind");
			goto bad;
		}
	if (kind != NULL && strcmp(m->kind, kind) != 0) {
		fail(err, errlen, "model is of kind '%s', not '%s'", m->kind,
		    kind);
		goto bad;
	}
	m->nmeta = (int)(rd32(buf + 32) <= MODEL_MAX_META ? rd32(buf + 32) :
	    MODEL_MAX_META + 1);
	m->ntensors = (int)(rd32(buf + 36) <= MODEL_MAX_TENSORS ?
	    rd32(buf + 36) : MODEL_MAX_TENSORS + 1);
	if (m->nmeta > MODEL_MAX_META || m->ntensors > MODEL_MAX_TENSORS) {
		fail(err, errlen, "too many metadata lines or tensors");
		goto bad;
	}
	/* metadata: exactly nmeta lines */
	end = n - 4;
	pos = hsize;
	for (i = 0; i < (uint64_t)m->nmeta; i++) {
		unsigned char *nlp = memchr(buf + pos, '\n', end - pos);

		if (nlp == NULL) {
			fail(err, errlen, "metadata ends early");
			goto bad;
		}
		pos = (uint64_t)(nlp - buf) + 1;
	}
	if ((m->meta = malloc(pos - hsize + 1)) == NULL) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	memcpy(m->meta, buf + hsize, pos - hsize);
	m->meta[pos - hsize] = '\0';
	nl = meta_lines(m->meta, pos - hsize, err, errlen);
	if (nl == -1)
		goto bad;
	/* tensor table, padding, data */
	if ((uint64_t)m->ntensors * TENTRY > end - pos) {
		fail(err, errlen, "tensor table ends early");
		goto bad;
	}
	if ((m->t = calloc(m->ntensors ? m->ntensors : 1, sizeof *m->t)) ==
	    NULL) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	i = pos + (uint64_t)m->ntensors * TENTRY;
	pos = (i + 63) & ~(uint64_t)63;
	if (pos > end || (end - pos) % 4 != 0) {
		fail(err, errlen, "bad data block");
		goto bad;
	}
	dbytes = end - pos;
	if (read_table(m, buf + i - (uint64_t)m->ntensors * TENTRY, dbytes,
	    err, errlen) == -1)
		goto bad;
	m->ndata = (long)(dbytes / 4);
	if (posix_memalign(&al, 64, dbytes ? dbytes : 64) != 0) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	m->data = al;
	for (i = 0; i < dbytes / 4; i++) {
		uint32_t u = rd32(buf + pos + 4 * i);

		memcpy(&m->data[i], &u, 4);
	}
	free(buf);
	return 0;
bad:
	free(buf);
	model_free(m);
	return -1;
}

int
model_write(const char *path, const char *kind, const char *meta,
    const struct model_tensor *t, int ntensors, const float *data,
    long ndata, char *err, size_t errlen)
{
	size_t mlen = meta ? strlen(meta) : 0, tot, pos, dpos, i;
	long nmeta, prev = 0, n;
	struct safeout so;
	unsigned char *buf, *p;
	int j, k;

	if (strlen(kind) == 0 || strlen(kind) >= MODEL_KINDLEN)
		return fail(err, errlen, "bad model kind '%s'", kind);
	if ((nmeta = meta_lines(meta ? meta : "", mlen, err, errlen)) == -1)
		return -1;
	if (ntensors < 0 || ntensors > MODEL_MAX_TENSORS || ndata < 0)
		return fail(err, errlen, "bad tensor count");
	for (j = 0; j < ntensors; j++) {
		if (t[j].name[0] == '\0' || memchr(t[j].name, '\0',
		    MODEL_NAMELEN) == NULL || t[j].ndim < 1 ||
		    t[j].ndim > MODEL_MAXDIM || t[j].off % 16 != 0 ||
		    t[j].off < prev || t[j].n > ndata - t[j].off)
			return fail(err, errlen, "bad tensor %d", j);
		for (k = 0, n = 1; k < t[j].ndim; k++)
			n *= t[j].dim[k];
		if (n != t[j].n)
			return fail(err, errlen, "tensor '%s': dimensions do "
			    "not multiply to %ld", t[j].name, t[j].n);
		prev = t[j].off + t[j].n;
	}
	dpos = (HSIZE + mlen + (size_t)ntensors * TENTRY + 63) & ~(size_t)63;
	tot = dpos + (size_t)ndata * 4 + 4;
	if (tot > (size_t)MODEL_MAX_BYTES)
		return fail(err, errlen, "model larger than %ld bytes",
		    MODEL_MAX_BYTES);
	if ((buf = calloc(1, tot)) == NULL)
		return fail(err, errlen, "out of memory");
	memcpy(buf, MAGIC, 8);
	wr32(buf + 8, MODEL_VERSION);
	wr32(buf + 12, HSIZE);
	memcpy(buf + 16, kind, strlen(kind));
	wr32(buf + 32, (uint32_t)nmeta);
	wr32(buf + 36, (uint32_t)ntensors);
	wr64(buf + 40, tot - HSIZE - 4);
	memcpy(buf + HSIZE, meta ? meta : "", mlen);
	pos = HSIZE + mlen;
	for (j = 0; j < ntensors; j++, pos += TENTRY) {
		p = buf + pos;
		memcpy(p, t[j].name, strlen(t[j].name));
		wr32(p + 32, DTYPE_F32);
		wr32(p + 36, (uint32_t)t[j].ndim);
		for (k = 0; k < t[j].ndim; k++)
			wr64(p + 40 + 8 * k, (uint64_t)t[j].dim[k]);
		wr64(p + 72, (uint64_t)t[j].off * 4);
	}
	for (i = 0; i < (size_t)ndata; i++) {
		uint32_t u;

		memcpy(&u, &data[i], 4);
		wr32(buf + dpos + 4 * i, u);
	}
	wr32(buf + tot - 4, crc32_update(0, buf, tot - 4));
	if (safeout_open(&so, path, 1, err, errlen) == -1) {
		free(buf);
		return -1;
	}
	/* a short write sets the stream's error flag; the commit reports it */
	fwrite(buf, 1, tot, so.f);
	free(buf);
	return safeout_commit(&so, err, errlen);
}

int
model_meta_set(char **meta, const char *key, const char *fmt, ...)
{
	size_t klen = strlen(key), old = *meta ? strlen(*meta) : 0, vlen;
	char *val, *nm, *p, *line, *nl;
	va_list ap;
	int r;

	if (!key_ok(key, klen))
		return -1;
	va_start(ap, fmt);
	r = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (r < 0 || r >= MODEL_MAX_LINE || (val = malloc((size_t)r + 1)) ==
	    NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(val, (size_t)r + 1, fmt, ap);
	va_end(ap);
	vlen = (size_t)r;
	if (memchr(val, '\n', vlen) != NULL ||
	    (nm = malloc(old + klen + vlen + 3)) == NULL) {
		free(val);
		return -1;
	}
	/* copy the old lines except key's */
	p = nm;
	for (line = *meta; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		if (!(strncmp(line, key, klen) == 0 && line[klen] == '=')) {
			memcpy(p, line, (size_t)(nl - line) + 1);
			p += nl - line + 1;
		}
	}
	snprintf(p, klen + vlen + 3, "%s=%s\n", key, val);
	free(val);
	free(*meta);
	*meta = nm;
	return 0;
}

int
model_meta_get(const char *meta, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), vlen;
	const char *line, *nl;

	for (line = meta; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			return -1;
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		vlen = (size_t)(nl - line) - klen - 1;
		if (vlen >= len)
			return -1;
		memcpy(buf, line + klen + 1, vlen);
		buf[vlen] = '\0';
		return 0;
	}
	return -1;
}

int
model_meta_long(const char *meta, const char *key, long min, long max,
    long *v, char *err, size_t errlen)
{
	char buf[64], *end;

	if (model_meta_get(meta, key, buf, sizeof buf) == -1)
		return fail(err, errlen, "metadata '%s' is missing", key);
	errno = 0;
	*v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0' || *v < min || *v > max)
		return fail(err, errlen, "metadata '%s' is not a number in "
		    "%ld..%ld", key, min, max);
	return 0;
}

int
model_meta_double(const char *meta, const char *key, double *v, char *err,
    size_t errlen)
{
	char buf[64], *end;

	if (model_meta_get(meta, key, buf, sizeof buf) == -1)
		return fail(err, errlen, "metadata '%s' is missing", key);
	errno = 0;
	*v = strtod(buf, &end);
	if (errno != 0 || end == buf || *end != '\0' || !(*v - *v == 0))
		return fail(err, errlen, "metadata '%s' is not a finite "
		    "number", key);
	return 0;
}

const struct model_tensor *
model_tensor(const struct model *m, const char *name)
{
	int i;

	for (i = 0; i < m->ntensors; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	return NULL;
}
