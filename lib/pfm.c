/*
 * pfm: float maps in the Portable Float Map format (Paul Debevec's, as
 * netpbm documents it): "PF" (RGB) or "Pf" (grey), whitespace, width,
 * whitespace, height, whitespace, scale, exactly one whitespace byte, then
 * w * h * c IEEE floats, pixels interleaved, rows bottom to top; a negative
 * scale means little-endian.  We write little-endian with scale -1.
 *
 * Reading is strict: no comments, decimal sizes only, a finite non-zero
 * scale, every value finite, and the file exactly as long as the header
 * says (checked from its size before allocating, when it is a regular
 * file).  Rows move through a small stack buffer and are converted from
 * their byte order while being spread into CHW planes, so the whole-map
 * and the row reader share one path and neither allocates a row buffer.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "pfm.h"
#include "safeout.h"
#include "util.h"

#define PFM_MAX_HEADER 256	/* bytes of whitespace and tokens */
#define CHUNK 1024		/* pixels per read or write */

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A token of one to nine decimal digits as a number, else -1. */
static long
parse_side(const char *s)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * Parse the header of f, leaving f at the first data byte: sizes, channels,
 * byte order and data offset into r (r->f untouched).  Sizes are within
 * the img caps.  0, or -1 with err filled.
 */
static int
header(FILE *f, struct pfm_reader *r, char *err, size_t errlen)
{
	static const char *const what[3] = { "width", "height", "scale" };
	char tok[3][24], *end;
	int ch, i, k;
	long side[2], used = 3;	/* bytes read: the offset of the data */
	double scale;

	if (getc(f) != 'P' || ((ch = getc(f)) != 'F' && ch != 'f') ||
	    !is_space(getc(f)))
		return seterr(err, errlen, "not a PFM file");
	r->c = ch == 'F' ? 3 : 1;
	for (i = 0; i < 3; i++) {
		do {
			ch = getc(f);
			used++;
		} while (is_space(ch) && used < PFM_MAX_HEADER);
		for (k = 0; ch != EOF && !is_space(ch); k++) {
			if (k == (int)sizeof tok[i] - 1)
				return seterr(err, errlen, "bad PFM %s (too "
				    "long)", what[i]);
			if (ch < 0x21 || ch > 0x7e)
				return seterr(err, errlen, "bad PFM %s (not "
				    "text)", what[i]);
			tok[i][k] = (char)ch;
			ch = getc(f);
			used++;
		}
		tok[i][k] = '\0';
		if (ch == EOF)
			return seterr(err, errlen, "truncated PFM header");
		if (used >= PFM_MAX_HEADER)
			return seterr(err, errlen, "bad PFM header (too long)");
	}
	/* ch, the one whitespace byte after the scale, is consumed */
	for (i = 0; i < 2; i++)
		if ((side[i] = parse_side(tok[i])) == -1)
			return seterr(err, errlen, "bad PFM %s '%s'", what[i],
			    tok[i]);
	errno = 0;
	scale = strtod(tok[2], &end);
	if (*end != '\0' || errno != 0 || !isfinite(scale) || scale == 0.0)
		return seterr(err, errlen, "bad PFM scale '%s'", tok[2]);
	if (side[0] == 0 || side[1] == 0)
		return seterr(err, errlen, "bad map size %ldx%ld", side[0],
		    side[1]);
	if (side[0] > IMG_MAX_SIDE || side[1] > IMG_MAX_SIDE)
		return seterr(err, errlen, "map is %ldx%ld (max side %d)",
		    side[0], side[1], IMG_MAX_SIDE);
	if (side[0] * side[1] > IMG_MAX_PIXELS)
		return seterr(err, errlen, "map is %ldx%ld (max %ld pixels)",
		    side[0], side[1], (long)IMG_MAX_PIXELS);
	r->w = (int)side[0];
	r->h = (int)side[1];
	r->big_endian = scale > 0;
	r->data_offset = used;
	return 0;
}

/* Bytes of pixel data the header promises. */
static off_t
data_bytes(const struct pfm_reader *r)
{
	return (off_t)r->w * r->h * r->c * (off_t)sizeof(float);
}

/*
 * Open path and read its header into r.  For a regular file, check now
 * that it holds exactly the data the header promises.  0, or -1 with err
 * filled and r->f NULL.
 */
static int
open_map(struct pfm_reader *r, const char *path, char *err, size_t errlen)
{
	struct stat st;
	off_t have, want;

	memset(r, 0, sizeof *r);
	if ((r->f = img__open_input(path, &st, err, errlen)) == NULL)
		return -1;
	if (header(r->f, r, err, errlen) == -1)
		goto bad;
	if (S_ISREG(st.st_mode)) {
		have = st.st_size - (off_t)r->data_offset;
		want = data_bytes(r);
		if (have < want) {
			seterr(err, errlen, "truncated PFM file (%lld of %lld "
			    "data bytes)", (long long)have, (long long)want);
			goto bad;
		}
		if (have > want) {
			seterr(err, errlen, "%lld bytes after the PFM data",
			    (long long)(have - want));
			goto bad;
		}
	}
	return 0;
bad:
	fclose(r->f);
	r->f = NULL;
	return -1;
}

static float
get_float(const unsigned char *p, int big)
{
	uint32_t u;
	float v;

	if (big)
		u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	else
		u = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
	memcpy(&v, &u, sizeof v);
	return v;
}

static void
put_float(unsigned char *p, float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof u);
	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

/*
 * Read one stored row from the current position of r->f into dst: channel
 * k of pixel x goes to dst[k * stride + x].  y (from the top) is only for
 * messages.  0, or -1 with err filled.
 */
static int
read_row(struct pfm_reader *r, int y, float *dst, size_t stride, char *err,
    size_t errlen)
{
	unsigned char buf[CHUNK * 3 * sizeof(float)];
	const unsigned char *p;
	size_t n, want;
	int x0, x, k;
	float v;

	for (x0 = 0; x0 < r->w; x0 += CHUNK) {
		n = (size_t)(r->w - x0 < CHUNK ? r->w - x0 : CHUNK);
		want = n * (size_t)r->c * sizeof(float);
		if (fread(buf, 1, want, r->f) != want)
			return ferror(r->f) ? seterr(err, errlen, "%s",
			    strerror(errno)) : seterr(err, errlen,
			    "truncated PFM file");
		for (p = buf, x = x0; x < x0 + (int)n; x++)
			for (k = 0; k < r->c; k++, p += sizeof(float)) {
				v = get_float(p, r->big_endian);
				if (!isfinite(v))
					return seterr(err, errlen, "non-finite "
					    "value at (%d, %d)", x, y);
				dst[k * stride + (size_t)x] = v;
			}
	}
	return 0;
}

int
pfm_read(const char *path, struct img *im, char *err, size_t errlen)
{
	struct pfm_reader r;
	size_t plane;
	int y;

	memset(im, 0, sizeof *im);
	if (open_map(&r, path, err, errlen) == -1)
		return -1;
	if (img_alloc(im, r.w, r.h, r.c, err, errlen) == -1)
		goto bad;
	plane = (size_t)r.w * r.h;
	for (y = r.h - 1; y >= 0; y--)
		if (read_row(&r, y, im->data + (size_t)y * r.w, plane, err,
		    errlen) == -1)
			goto bad;
	if (getc(r.f) != EOF) {	/* not a regular file: checked now */
		seterr(err, errlen, "bytes after the PFM data");
		goto bad;
	}
	pfm_close(&r);
	return 0;
bad:
	img_free(im);
	pfm_close(&r);
	return -1;
}

int
pfm_open(struct pfm_reader *r, const char *path, char *err, size_t errlen)
{
	return open_map(r, path, err, errlen);
}

int
pfm_row(struct pfm_reader *r, int y, float *row, char *err, size_t errlen)
{
	off_t at;

	if (y < 0 || y >= r->h)
		return seterr(err, errlen, "row %d out of range (0..%d)", y,
		    r->h - 1);
	at = (off_t)r->data_offset +
	    (off_t)(r->h - 1 - y) * r->w * r->c * (off_t)sizeof(float);
	if (fseeko(r->f, at, SEEK_SET) == -1)
		return seterr(err, errlen, "cannot seek: %s", strerror(errno));
	return read_row(r, y, row, (size_t)r->w, err, errlen);
}

void
pfm_close(struct pfm_reader *r)
{
	if (r->f != NULL)
		fclose(r->f);
	r->f = NULL;
}

int
pfm_write(const char *path, const struct img *im, char *err, size_t errlen)
{
	unsigned char buf[CHUNK * 3 * sizeof(float)], *p;
	struct safeout so;
	size_t plane, i, n;
	int x0, x, y, k;

	if (im->data == NULL || (im->c != 1 && im->c != 3))
		return seterr(err, errlen, "no map to write");
	if (im->w <= 0 || im->h <= 0 || im->w > IMG_MAX_SIDE ||
	    im->h > IMG_MAX_SIDE || (long)im->w * im->h > IMG_MAX_PIXELS)
		return seterr(err, errlen, "bad map size %dx%d", im->w, im->h);
	plane = (size_t)im->w * im->h;
	for (i = 0; i < plane * im->c; i++)
		if (!isfinite(im->data[i]))
			return seterr(err, errlen, "non-finite value at (%d, %d)",
			    (int)(i % plane % im->w), (int)(i % plane / im->w));
	if (safeout_open(&so, path, 0, err, errlen) == -1)
		return -1;
	fprintf(so.f, "%s\n%d %d\n-1.0\n", im->c == 3 ? "PF" : "Pf", im->w,
	    im->h);
	for (y = im->h - 1; y >= 0; y--)
		for (x0 = 0; x0 < im->w; x0 += CHUNK) {
			n = (size_t)(im->w - x0 < CHUNK ? im->w - x0 : CHUNK);
			for (p = buf, x = x0; x < x0 + (int)n; x++)
				for (k = 0; k < im->c; k++, p += sizeof(float))
					put_float(p, im->data[k * plane +
					    (size_t)y * im->w + x]);
			fwrite(buf, 1, (size_t)(p - buf), so.f);
		}
	return safeout_commit(&so, err, errlen);
}
