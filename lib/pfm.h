/*
 * pfm: float maps in the Portable Float Map format, used for error maps
 * (one float per pixel, same size as the image).  "Pf" is grey, "PF" RGB;
 * the scale line is negative for little-endian, which is what we write;
 * rows are stored bottom to top, as the format specifies.
 * The reader accepts both byte orders and checks the dimensions against the
 * img caps before allocating, and that the file holds every byte it claims.
 */
#ifndef LK_PFM_H
#define LK_PFM_H

#include <stddef.h>
#include <stdio.h>

#include "img.h"

/* Read a whole map into im (planes as in img.h, values not clamped). */
int pfm_read(const char *path, struct img *im, char *err, size_t errlen);

/* Write im atomically (temp file + rename).  Refuses non-finite values. */
int pfm_write(const char *path, const struct img *im, char *err,
    size_t errlen);

/*
 * Row access for maps too large to hold: open, then fetch rows top to
 * bottom (or in any order) into a caller buffer of w * c floats.
 */
struct pfm_reader {
	FILE *f;
	int w, h, c;
	int big_endian;
	long data_offset;	/* byte offset of the first stored row */
};
int pfm_open(struct pfm_reader *r, const char *path, char *err,
    size_t errlen);
int pfm_row(struct pfm_reader *r, int y, float *row, char *err,
    size_t errlen);	/* y counts from the top; row: (c, w) planar */
void pfm_close(struct pfm_reader *r);

#endif
