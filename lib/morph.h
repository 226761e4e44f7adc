/*
 * morph: binary morphology with a square structuring element of side
 * 2r + 1, separable (a row pass and a column pass with running counts),
 * O(w * h) whatever r.  Windows are clipped at the image border: pixels
 * outside the image are ignored, so a region touching the border is not
 * eroded from the border side and nothing grows in from outside (OpenCV's
 * default border for erode and dilate).  Masks are bytes, non-zero is
 * foreground; results are 0 or 1.
 */
#ifndef LK_MORPH_H
#define LK_MORPH_H

#include <stddef.h>

/* Scratch space, grown as needed and reused across images. */
struct morph {
	unsigned char *tmp;
	size_t ntmp;
	int *cnt;
	size_t ncnt;
};

#define MORPH_INIT { NULL, 0, NULL, 0 }

/*
 * dst = src eroded (every pixel of the window set) or dilated (any pixel
 * set) by the (2r + 1)-square; dst may equal src.  r == 0 copies.  0, or
 * -1 when scratch memory is short (errno ENOMEM).
 */
int morph_erode(struct morph *ws, unsigned char *dst, const unsigned char *src,
    int w, int h, int r);
int morph_dilate(struct morph *ws, unsigned char *dst,
    const unsigned char *src, int w, int h, int r);

/*
 * In place: opening (erode, then dilate) removes specks and thin bridges
 * narrower than 2r + 1; closing (dilate, then erode) fills holes and gaps
 * narrower than 2r + 1.  0 or -1 (ENOMEM).
 */
int morph_open(struct morph *ws, unsigned char *m, int w, int h, int r);
int morph_close(struct morph *ws, unsigned char *m, int w, int h, int r);

/* Release the scratch space; ws becomes MORPH_INIT again. */
void morph_free(struct morph *ws);

#endif
