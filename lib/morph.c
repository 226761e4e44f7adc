/*
 * morph: separable binary erosion and dilation by a square.  A row pass
 * slides a window count along each row into tmp; a column pass keeps one
 * count per column over the window of rows, adding the row entering and
 * subtracting the row leaving, so each pixel costs a few additions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "morph.h"

static int
reserve(struct morph *ws, int w, int h)
{
	size_t n = (size_t)w * (size_t)h;

	if (ws->ntmp < n) {
		unsigned char *p = realloc(ws->tmp, n);

		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		ws->tmp = p;
		ws->ntmp = n;
	}
	if (ws->ncnt < (size_t)w) {
		int *p = realloc(ws->cnt, (size_t)w * sizeof *p);

		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		ws->cnt = p;
		ws->ncnt = (size_t)w;
	}
	return 0;
}

/*
 * dst row = window test over src row: erode (all set) or dilate (any set)
 * over [x - r, x + r] clipped to [0, w).
 */
static void
row_pass(unsigned char *dst, const unsigned char *src, int w, int r, int erode)
{
	int x, c = 0, lo, hi;

	for (x = 0; x < r && x < w; x++)
		c += src[x] != 0;
	for (x = 0; x < w; x++) {
		if (x + r < w)
			c += src[x + r] != 0;
		if (x - r - 1 >= 0)
			c -= src[x - r - 1] != 0;
		lo = x - r < 0 ? 0 : x - r;
		hi = x + r >= w ? w - 1 : x + r;
		dst[x] = (unsigned char)(erode ? c == hi - lo + 1 : c > 0);
	}
}

static int
pass(struct morph *ws, unsigned char *dst, const unsigned char *src, int w,
    int h, int r, int erode)
{
	unsigned char *t;
	int *cnt, x, y, lo, hi, need;
	size_t W = (size_t)w;

	if (reserve(ws, w, h) == -1)
		return -1;
	t = ws->tmp;
	cnt = ws->cnt;
	for (y = 0; y < h; y++)
		row_pass(t + y * W, src + y * W, w, r, erode);
	memset(cnt, 0, W * sizeof *cnt);
	for (y = 0; y < r && y < h; y++)
		for (x = 0; x < w; x++)
			cnt[x] += t[y * W + x];
	for (y = 0; y < h; y++) {
		unsigned char *o = dst + y * W;

		if (y + r < h) {
			const unsigned char *a = t + (size_t)(y + r) * W;

			for (x = 0; x < w; x++)
				cnt[x] += a[x];
		}
		if (y - r - 1 >= 0) {
			const unsigned char *b = t + (size_t)(y - r - 1) * W;

			for (x = 0; x < w; x++)
				cnt[x] -= b[x];
		}
		lo = y - r < 0 ? 0 : y - r;
		hi = y + r >= h ? h - 1 : y + r;
		need = erode ? hi - lo + 1 : 1;
		for (x = 0; x < w; x++)
			o[x] = (unsigned char)(cnt[x] >= need);
	}
	return 0;
}

int
morph_erode(struct morph *ws, unsigned char *dst, const unsigned char *src,
    int w, int h, int r)
{
	return pass(ws, dst, src, w, h, r, 1);
}

int
morph_dilate(struct morph *ws, unsigned char *dst, const unsigned char *src,
    int w, int h, int r)
{
	return pass(ws, dst, src, w, h, r, 0);
}

int
morph_open(struct morph *ws, unsigned char *m, int w, int h, int r)
{
	if (pass(ws, m, m, w, h, r, 1) == -1)
		return -1;
	return pass(ws, m, m, w, h, r, 0);
}

int
morph_close(struct morph *ws, unsigned char *m, int w, int h, int r)
{
	if (pass(ws, m, m, w, h, r, 0) == -1)
		return -1;
	return pass(ws, m, m, w, h, r, 1);
}

void
morph_free(struct morph *ws)
{
	free(ws->tmp);
	free(ws->cnt);
	ws->tmp = NULL;
	ws->cnt = NULL;
	ws->ntmp = 0;
	ws->ncnt = 0;
}
