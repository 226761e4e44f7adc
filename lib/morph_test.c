/*
 * morph_test: separable erosion and dilation against the definition (every
 * or any pixel of the clipped square window) on random masks, and the
 * properties opening and closing must have.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "morph.h"
#include "test.h"

static uint64_t rng = 0x2545f4914f6cdd1du;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 33);
}

/* The definition, O(w h r^2). */
static void
naive(unsigned char *dst, const unsigned char *src, int w, int h, int r,
    int erode)
{
	int x, y, dx, dy;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			int all = 1, any = 0;

			for (dy = -r; dy <= r; dy++)
				for (dx = -r; dx <= r; dx++) {
					int u = x + dx, v = y + dy;

					if (u < 0 || v < 0 || u >= w || v >= h)
						continue;
					if (src[v * w + u])
						any = 1;
					else
						all = 0;
				}
			dst[y * w + x] = (unsigned char)(erode ? all : any);
		}
}

int
main(void)
{
	static unsigned char m[60 * 60], a[60 * 60], b[60 * 60], c[60 * 60];
	struct morph ws = MORPH_INIT;
	int t, i, bad = 0, x, y, ok;

	for (t = 0; t < 300; t++) {
		int w = 1 + (int)(rnd() % 60), h = 1 + (int)(rnd() % 60);
		int r = (int)(rnd() % 5), dens = (int)(rnd() % 100);
		int n = w * h;

		for (i = 0; i < n; i++)
			m[i] = (unsigned char)((int)(rnd() % 100) < dens ?
			    1 + rnd() % 255 : 0);
		naive(a, m, w, h, r, 1);
		if (morph_erode(&ws, b, m, w, h, r) != 0 || memcmp(a, b, n))
			bad++;
		naive(a, m, w, h, r, 0);
		if (morph_dilate(&ws, b, m, w, h, r) != 0 || memcmp(a, b, n))
			bad++;
		naive(a, m, w, h, r, 1);	/* opening = dilate(erode) */
		naive(c, a, w, h, r, 0);
		memcpy(b, m, n);
		if (morph_open(&ws, b, w, h, r) != 0 || memcmp(b, c, n))
			bad++;
		naive(a, m, w, h, r, 0);	/* closing = erode(dilate) */
		naive(c, a, w, h, r, 1);
		memcpy(b, m, n);
		if (morph_close(&ws, b, w, h, r) != 0 || memcmp(b, c, n))
			bad++;
	}
	t_ok(bad == 0, "300 random masks: erode, dilate, open, close agree "
	    "with the definition");

	memset(m, 1, sizeof m);
	morph_erode(&ws, b, m, 60, 60, 3);
	t_ok(memchr(b, 0, sizeof b) == NULL,
	    "full mask: erosion does not eat in from the border");

	memset(m, 0, sizeof m);
	m[30 * 60 + 30] = 1;
	for (y = 5; y < 10; y++)
		for (x = 5; x < 10; x++)
			m[y * 60 + x] = 1;
	morph_open(&ws, m, 60, 60, 1);
	ok = m[30 * 60 + 30] == 0;
	for (y = 5; y < 10; y++)
		for (x = 5; x < 10; x++)
			ok &= m[y * 60 + x] == 1;
	t_ok(ok, "opening r=1 removes a speck, keeps a 5x5 square");
	memcpy(a, m, sizeof m);
	morph_open(&ws, m, 60, 60, 1);
	t_ok(memcmp(a, m, sizeof m) == 0, "opening is idempotent");

	m[7 * 60 + 7] = 0;	/* a hole in the square */
	morph_close(&ws, m, 60, 60, 1);
	t_ok(memcmp(a, m, sizeof m) == 0, "closing r=1 fills a one-pixel hole");

	for (i = 0; i < 60 * 60; i++)
		m[i] = (unsigned char)(rnd() % 3 == 0);
	memcpy(a, m, sizeof m);
	morph_dilate(&ws, a, a, 60, 60, 0);
	t_ok(memcmp(a, m, sizeof m) == 0, "radius 0 leaves the mask alone");
	morph_free(&ws);
	return t_done();
}
