/*
 * img: image files in and out.  Decoding goes through Debian's libstb
 * (PNG 8/16-bit, JPEG, BMP incl. paletted, PGM/PPM, TGA, GIF first frame);
 * this is the only file that defines STB_IMAGE_IMPLEMENTATION's users.
 * Pixels become float planes in CHW order with values in [0, 1], converted
 * once here (CONVENTIONS section 12).  Dimensions are checked against caps
 * before anything is allocated.
 */
#ifndef LK_IMG_H
#define LK_IMG_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#define IMG_ERRLEN 256
#define IMG_MAX_SIDE 65535		/* pixels, either side */
#define IMG_MAX_PIXELS (1L << 28)	/* w * h: 1 GiB of float grey */

struct img {
	int w, h, c;	/* width, height, channels (1 grey or 3 RGB) */
	float *data;	/* (c, h, w), values in [0, 1]; owned, img_free() */
};

/*
 * Load path as c channels (1: grey by Rec. 601 luma; 3: RGB; grey images
 * are replicated).  16-bit files keep their precision.  0, or -1 with
 * err filled ("unknown image type", "image is 70000x10 (max side 65535)").
 * On error *im is left empty (data NULL) and nothing needs freeing.
 */
int img_load(struct img *im, const char *path, int c, char *err, size_t errlen);
int img_load_gray(struct img *im, const char *path, char *err, size_t errlen);

/* Width and height from the file header only, without decoding pixels. */
int img_info(const char *path, int *w, int *h, char *err, size_t errlen);

/*
 * Allocate a zeroed w x h x c image.  0, or -1 when the size is outside the
 * caps or memory is short (err says which).
 */
int img_alloc(struct img *im, int w, int h, int c, char *err, size_t errlen);

/* Release the pixels; safe on an empty or already freed image. */
void img_free(struct img *im);

/*
 * Write im as an 8-bit PNG (values clamped to [0, 1], rounded), atomically:
 * a temporary file in the same directory renamed over path.  0 or -1.
 */
int img_save_png(const char *path, const struct img *im, char *err,
    size_t errlen);

/*
 * For lib/ readers (img, pfm): open path for binary reading, refusing a
 * directory and an empty regular file, and fill *st.  The stream, or NULL
 * with err filled ("No such file or directory", "empty file").
 */
FILE *img__open_input(const char *path, struct stat *st, char *err,
    size_t errlen);

#endif
