/*
 * img: image files in and out through Debian's libstb (linked, not
 * compiled in: no STB_IMAGE_IMPLEMENTATION here).
 *
 * Loading is probe, check, decode, convert:
 *  - probe: stbi_info reads the header only; a PNG's IHDR is read here
 *    first, because stb refuses a huge PNG header with a reason that hides
 *    the size.  The size is checked against IMG_MAX_SIDE and IMG_MAX_PIXELS
 *    before stb or we allocate anything.
 *  - check: stb ignores PNG chunk CRCs, so a PNG is walked once to verify
 *    every CRC and that IEND is there; a flipped bit would otherwise decode
 *    into plausible pixels.
 *  - decode: through stb's callback interface, so we see every read.  stb
 *    substitutes zeros for bytes past the end of a file and its PGM loader
 *    ignores a short read, so truncated BMP, PGM or JPEG files decode
 *    "successfully"; a read that comes back short counts as truncation.
 *    Channels are decoded as stored: stb's own conversion garbles 16-bit
 *    PGM data in v2.27 and rounds grey to integers.  stb 2.27 also reads
 *    16-bit PGM/PPM samples in host order, not the big-endian order
 *    netpbm specifies; a one-pixel probe finds out which this stb does.
 *  - convert: one pass from stb's interleaved 8/16-bit samples to float
 *    CHW planes, grey as Rec. 601 luma in float, alpha dropped.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include "crc32.h"
#include "img.h"
#include "safeout.h"
#include "util.h"

/* Rec. 601 luma weights. */
#define KR 0.299f
#define KG 0.587f
#define KB 0.114f

/* The open file as stb's callbacks see it. */
struct src {
	FILE *f;
	const char *fmt;	/* "PNG", "JPEG"... from the magic, or NULL */
	char *refill;	/* where the first read went: stb's own buffer */
	int started;	/* a read has happened since the last rewind */
	int short_read;	/* stb asked for bytes the file does not have */
	int at_end;	/* a read came back short: stb is at the end */
};

/*
 * stb's read callback.  The first read after a rewind is always stb
 * refilling its own buffer, which may come back short at the end of the
 * file without harm; an empty refill, or a short read into any other
 * buffer (stbi__getn copying pixel data), means stb wanted bytes past the
 * end and will go on with zeros or uninitialised memory.
 */
static int
src_read(void *user, char *data, int size)
{
	struct src *s = user;
	size_t n = fread(data, 1, (size_t)size, s->f);

	if (!s->started) {
		s->started = 1;
		s->refill = data;
	}
	if (n == 0 || (n < (size_t)size && data != s->refill))
		s->short_read = 1;
	if (n < (size_t)size)
		s->at_end = 1;
	return (int)n;
}

static void
src_skip(void *user, int n)
{
	struct src *s = user;

	fseek(s->f, n, SEEK_CUR);	/* past the end: the next read tells */
}

/*
 * Not feof(): a skip (fseek) past the end clears the stream's end flag
 * while stb, which read nothing since, stops asking for data and loops
 * until this says the end was reached (a 7-byte JPEG did so forever).
 */
static int
src_eof(void *user)
{
	struct src *s = user;

	return s->at_end;
}

static const stbi_io_callbacks src_io = { src_read, src_skip, src_eof };

/* Back to the start of the file for the next stb call.  0 or -1. */
static int
src_rewind(struct src *s, char *err, size_t errlen)
{
	s->started = 0;
	s->short_read = 0;
	s->at_end = 0;
	if (fseek(s->f, 0, SEEK_SET) == -1)
		return seterr(err, errlen, "cannot seek: %s", strerror(errno));
	return 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The format named by the file's first bytes, for messages; NULL if none. */
static const char *
sniff(const unsigned char *b, size_t n)
{
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "PNG";
	if (n >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
		return "JPEG";
	if (n >= 2 && memcmp(b, "BM", 2) == 0)
		return "BMP";
	if (n >= 4 && memcmp(b, "GIF8", 4) == 0)
		return "GIF";
	if (n >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6'))
		return b[1] == '5' ? "PGM" : "PPM";
	if (n >= 4 && memcmp(b, "8BPS", 4) == 0)
		return "PSD";
	if (n >= 2 && memcmp(b, "#?", 2) == 0)
		return "HDR";
	return NULL;
}

/* Check w x h against the caps.  0, or -1 with the size in err. */
static int
check_size(long w, long h, char *err, size_t errlen)
{
	if (w <= 0 || h <= 0)
		return seterr(err, errlen, "bad image size %ldx%ld", w, h);
	if (w > IMG_MAX_SIDE || h > IMG_MAX_SIDE)
		return seterr(err, errlen, "image is %ldx%ld (max side %d)", w, h,
		    IMG_MAX_SIDE);
	if (w * h > IMG_MAX_PIXELS)	/* both <= 65535: no overflow */
		return seterr(err, errlen, "image is %ldx%ld (max %ld pixels)",
		    w, h, (long)IMG_MAX_PIXELS);
	return 0;
}

/*
 * Walk a PNG's chunks from just after the signature, checking each CRC.
 * Sets *w, *h from IHDR, which must come first.  Stops after IHDR unless
 * full, else at IEND.  0, or -1 with err filled.
 */
static int
png_walk(FILE *f, int full, long *w, long *h, char *err, size_t errlen)
{
	unsigned char head[8], b[8192];
	uint32_t len, crc;
	size_t k;
	int i, first = 1;

	if (fseek(f, 8, SEEK_SET) == -1)
		return seterr(err, errlen, "cannot seek: %s", strerror(errno));
	do {
		if (fread(head, 1, 8, f) != 8)
			return seterr(err, errlen, "truncated PNG file");
		len = be32(head);
		for (i = 4; i < 8; i++)
			if (!(head[i] >= 'A' && head[i] <= 'Z') &&
			    !(head[i] >= 'a' && head[i] <= 'z'))
				return seterr(err, errlen,
				    "corrupt PNG: bad chunk type");
		if (len > 0x7fffffffu)
			return seterr(err, errlen,
			    "corrupt PNG: bad chunk length");
		if (first && (len != 13 || memcmp(head + 4, "IHDR", 4) != 0))
			return seterr(err, errlen, "corrupt PNG: no IHDR first");
		crc = crc32_update(0, head + 4, 4);
		while (len > 0) {
			k = len < sizeof b ? len : sizeof b;
			if (fread(b, 1, k, f) != k)
				return seterr(err, errlen, "truncated PNG file");
			crc = crc32_update(crc, b, k);
			len -= (uint32_t)k;
		}
		if (first) {
			*w = be32(b);
			*h = be32(b + 4);
			first = 0;
		}
		if (fread(b, 1, 4, f) != 4)
			return seterr(err, errlen, "truncated PNG file");
		if (be32(b) != crc)
			return seterr(err, errlen, "corrupt PNG: bad CRC in %.4s "
			    "chunk", (const char *)head + 4);
	} while (full && memcmp(head + 4, "IEND", 4) != 0);
	return 0;
}

FILE *
img__open_input(const char *path, struct stat *st, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	int e;

	if (f == NULL) {
		seterr(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), st) == -1)
		e = errno;
	else if (S_ISDIR(st->st_mode))
		e = EISDIR;
	else if (S_ISREG(st->st_mode) && st->st_size == 0)
		e = 0;
	else
		return f;
	fclose(f);
	if (e == 0)
		seterr(err, errlen, "empty file");
	else
		seterr(err, errlen, "%s", strerror(e));
	return NULL;
}

/*
 * Open path and read its header: on success s->f is open (the caller
 * closes it) and *w, *h, *n are the size and stored channels, within the
 * caps.  0, or -1 with err filled and nothing open.
 */
static int
probe(struct src *s, const char *path, int *w, int *h, int *n, char *err,
    size_t errlen)
{
	unsigned char magic[8];
	struct stat st;
	const char *what;
	long pw, ph;

	memset(s, 0, sizeof *s);
	if ((s->f = img__open_input(path, &st, err, errlen)) == NULL)
		return -1;
	s->fmt = sniff(magic, fread(magic, 1, sizeof magic, s->f));
	what = s->fmt != NULL ? s->fmt : "image";
	if (s->fmt != NULL && strcmp(s->fmt, "PNG") == 0 &&
	    (png_walk(s->f, 0, &pw, &ph, err, errlen) == -1 ||
	    check_size(pw, ph, err, errlen) == -1))
		goto bad;
	if (src_rewind(s, err, errlen) == -1)
		goto bad;
	if (!stbi_info_from_callbacks(&src_io, s, w, h, n)) {
		if (s->fmt == NULL)
			seterr(err, errlen, "unknown image type");
		else if (s->short_read)
			seterr(err, errlen, "truncated %s file", what);
		else
			seterr(err, errlen, "corrupt or unsupported %s header",
			    what);
		goto bad;
	}
	if (s->short_read) {
		seterr(err, errlen, "truncated %s file", what);
		goto bad;
	}
	if (*h < 0)	/* stb's BMP info: a top-down image's height */
		*h = *h == INT_MIN ? 0 : -*h;
	if (check_size(*w, *h, err, errlen) == -1)
		goto bad;
	return 0;
bad:
	fclose(s->f);
	s->f = NULL;
	return -1;
}

int
img_info(const char *path, int *w, int *h, char *err, size_t errlen)
{
	struct src s;
	int n;

	if (probe(&s, path, w, h, &n, err, errlen) == -1)
		return -1;
	fclose(s.f);
	return 0;
}

/* Does this stb read 16-bit netpbm samples byte-swapped?  (Set once.) */
static int pnm16_swapped;
static pthread_once_t pnm16_once = PTHREAD_ONCE_INIT;

static void
pnm16_probe(void)
{
	static const unsigned char pgm[] = "P5 1 1 65535\n\x01\x02";
	stbi_us *p;
	int w, h, n;

	p = stbi_load_16_from_memory(pgm, (int)sizeof pgm - 1, &w, &h, &n, 0);
	pnm16_swapped = p != NULL && p[0] == 0x0201;
	stbi_image_free(p);
}

/* Put 16-bit netpbm samples into the order netpbm means, if stb did not. */
static void
pnm16_fix(uint16_t *p, size_t n)
{
	size_t i;

	pthread_once(&pnm16_once, pnm16_probe);
	if (pnm16_swapped)
		for (i = 0; i < n; i++)
			p[i] = (uint16_t)(p[i] << 8 | p[i] >> 8);
}

static inline float
sample(const void *px, int deep, size_t i)
{
	return deep ? ((const uint16_t *)px)[i] :
	    ((const unsigned char *)px)[i];
}

/*
 * Convert npix pixels of n interleaved samples (8 or 16 bits deep) into c
 * float planes at out: grey from colour by Rec. 601 luma, grey replicated
 * into colour, alpha (sample 2 of 2, 4 of 4) dropped.  Always inlined, so
 * each call site gets a copy with deep and c constant.
 */
static inline __attribute__((always_inline)) void
convert(float *out, const void *px, size_t npix, int n, int deep, int c)
{
	const float max = deep ? 65535.0f : 255.0f;
	float *r = out, *g = out + npix, *b = out + 2 * npix, v;
	size_t i, k;

	if (c == 1 && n < 3)
		for (i = 0, k = 0; i < npix; i++, k += n)
			r[i] = sample(px, deep, k) / max;
	else if (c == 1)
		for (i = 0, k = 0; i < npix; i++, k += n) {
			v = (KR * sample(px, deep, k) +
			    KG * sample(px, deep, k + 1) +
			    KB * sample(px, deep, k + 2)) / max;
			r[i] = v < 1.0f ? v : 1.0f;
		}
	else if (n < 3)
		for (i = 0, k = 0; i < npix; i++, k += n)
			r[i] = g[i] = b[i] = sample(px, deep, k) / max;
	else
		for (i = 0, k = 0; i < npix; i++, k += n) {
			r[i] = sample(px, deep, k) / max;
			g[i] = sample(px, deep, k + 1) / max;
			b[i] = sample(px, deep, k + 2) / max;
		}
}

/* Allocate im's planes, uninitialised (calloc for img_alloc). */
static int
alloc_planes(struct img *im, int w, int h, int c, int zero, char *err,
    size_t errlen)
{
	size_t n;

	memset(im, 0, sizeof *im);
	if (c != 1 && c != 3)
		return seterr(err, errlen, "bad channel count %d (1 or 3)", c);
	if (check_size(w, h, err, errlen) == -1)
		return -1;
	n = (size_t)w * (size_t)h * (size_t)c;
	im->data = zero ? calloc(n, sizeof *im->data) :
	    malloc(n * sizeof *im->data);
	if (im->data == NULL)
		return seterr(err, errlen, "out of memory");
	im->w = w;
	im->h = h;
	im->c = c;
	return 0;
}

int
img_alloc(struct img *im, int w, int h, int c, char *err, size_t errlen)
{
	return alloc_planes(im, w, h, c, 1, err, errlen);
}

void
img_free(struct img *im)
{
	free(im->data);
	memset(im, 0, sizeof *im);
}

int
img_load(struct img *im, const char *path, int c, char *err, size_t errlen)
{
	const char *why, *what;
	struct src s;
	void *px = NULL;
	int w, h, n, deep, rc = -1;
	long pw, ph;

	memset(im, 0, sizeof *im);
	if (c != 1 && c != 3)
		return seterr(err, errlen, "bad channel count %d (1 or 3)", c);
	if (probe(&s, path, &w, &h, &n, err, errlen) == -1)
		return -1;
	what = s.fmt != NULL ? s.fmt : "image";
	if (s.fmt != NULL && strcmp(s.fmt, "PNG") == 0 &&
	    png_walk(s.f, 1, &pw, &ph, err, errlen) == -1)
		goto out;
	if (src_rewind(&s, err, errlen) == -1)
		goto out;
	deep = stbi_is_16_bit_from_callbacks(&src_io, &s);
	if (src_rewind(&s, err, errlen) == -1)
		goto out;
	if (deep)
		px = stbi_load_16_from_callbacks(&src_io, &s, &w, &h, &n, 0);
	else
		px = stbi_load_from_callbacks(&src_io, &s, &w, &h, &n, 0);
	if (s.short_read) {
		seterr(err, errlen, "truncated %s file", what);
		goto out;
	}
	if (px == NULL) {
		why = stbi_failure_reason();
		if (why != NULL && strcmp(why, "outofmem") == 0)
			seterr(err, errlen, "out of memory");
		else
			seterr(err, errlen, "corrupt or unsupported %s (%s)",
			    what, why != NULL ? why : "no reason given");
		goto out;
	}
	if (n < 1 || n > 4) {
		seterr(err, errlen, "%s has %d channels", what, n);
		goto out;
	}
	/* stb's sizes from the data, checked again before our allocation */
	if (alloc_planes(im, w, h, c, 0, err, errlen) == -1)
		goto out;
	if (deep && s.fmt != NULL && s.fmt[0] == 'P' && s.fmt[2] == 'M')
		pnm16_fix(px, (size_t)w * h * n);
	if (c == 1)
		convert(im->data, px, (size_t)w * h, n, deep, 1);
	else
		convert(im->data, px, (size_t)w * h, n, deep, 3);
	rc = 0;
out:
	stbi_image_free(px);
	fclose(s.f);
	return rc;
}

int
img_load_gray(struct img *im, const char *path, char *err, size_t errlen)
{
	return img_load(im, path, 1, err, errlen);
}

/* stb_image_write's output callback; errors are caught at commit. */
static void
png_out(void *ctx, void *data, int size)
{
	fwrite(data, 1, (size_t)size, ctx);
}

static unsigned char
to8(float v)
{
	if (!(v > 0.0f))	/* NaN too */
		return 0;
	if (v >= 1.0f)
		return 255;
	return (unsigned char)(v * 255.0f + 0.5f);
}

int
img_save_png(const char *path, const struct img *im, char *err,
    size_t errlen)
{
	struct safeout so;
	unsigned char *buf;
	size_t npix, i;
	int ch, ok;

	if (im->data == NULL || (im->c != 1 && im->c != 3))
		return seterr(err, errlen, "no image to save");
	if (check_size(im->w, im->h, err, errlen) == -1)
		return -1;
	npix = (size_t)im->w * im->h;
	if ((buf = malloc(npix * im->c)) == NULL)
		return seterr(err, errlen, "out of memory");
	for (ch = 0; ch < im->c; ch++)
		for (i = 0; i < npix; i++)
			buf[i * im->c + ch] = to8(im->data[ch * npix + i]);
	if (safeout_open(&so, path, 0, err, errlen) == -1) {
		free(buf);
		return -1;
	}
	ok = stbi_write_png_to_func(png_out, so.f, im->w, im->h, im->c, buf,
	    im->w * im->c);
	free(buf);
	if (!ok) {
		safeout_abort(&so);
		return seterr(err, errlen, "out of memory");
	}
	return safeout_commit(&so, err, errlen);
}
