/*
 * draw: lines as runs of dots half a pixel apart, so any slope is covered
 * without gaps; coordinates are pixel centres at integers.
 */
#include <math.h>
#include <stddef.h>

#include "draw.h"

void
draw_dot(struct img *im, double x, double y, int r, const float rgb[3])
{
	const size_t plane = (size_t)im->w * im->h;
	long cx, cy, i, j;
	int c;

	if (!(fabs(x) < 1e9 && fabs(y) < 1e9))
		return;
	cx = lround(x);
	cy = lround(y);
	for (j = cy - r; j <= cy + r; j++)
		for (i = cx - r; i <= cx + r; i++) {
			if (i < 0 || j < 0 || i >= im->w || j >= im->h)
				continue;
			for (c = 0; c < im->c && c < 3; c++)
				im->data[c * plane + (size_t)j * im->w +
				    (size_t)i] = rgb[c];
		}
}

void
draw_line(struct img *im, double x0, double y0, double x1, double y1,
    double width, const float rgb[3])
{
	double len = hypot(x1 - x0, y1 - y0), t;
	int r = width > 1 ? (int)(width / 2) : 0;
	long k, n;

	if (!(len < 1e6))
		return;
	n = (long)(2 * len) + 1;
	for (k = 0; k <= n; k++) {
		t = (double)k / n;
		draw_dot(im, x0 + t * (x1 - x0), y0 + t * (y1 - y0), r, rgb);
	}
}

void
draw_dim(struct img *im, float k)
{
	size_t i, n = (size_t)im->w * im->h * im->c;

	for (i = 0; i < n; i++)
		im->data[i] *= k;
}
