/*
 * draw_test: a diagonal line covers every pixel it crosses without gaps,
 * dots and lines are clipped at the border, grey images take the first
 * colour component, dimming scales every value.
 */
#include <stdlib.h>

#include "draw.h"
#include "test.h"

int
main(void)
{
	static const float red[3] = {1, 0, 0};
	struct img im = {20, 10, 3, NULL}, g = {5, 5, 1, NULL};
	int x, y, gaps = 0, stray = 0;

	im.data = calloc(20 * 10 * 3, sizeof *im.data);
	g.data = calloc(25, sizeof *g.data);
	if (im.data == NULL || g.data == NULL)
		abort();
	draw_line(&im, 0, 0, 19, 9, 1, red);
	for (x = 0; x < 20; x++) {
		int hit = 0;

		for (y = 0; y < 10; y++) {
			float v = im.data[y * 20 + x];

			hit += v == 1;
			/* far from the line: untouched */
			stray += v != 0 && abs(2 * y - x) > 2;
		}
		gaps += hit == 0;
	}
	t_ok(gaps == 0, "a line marks a pixel in every column it spans");
	t_ok(stray == 0, "and nothing away from it");
	t_ok(im.data[200 + 0] == 0 && im.data[400 + 0] == 0,
	    "other channels take the colour's components");
	draw_dot(&im, 19, 9, 3, red);
	draw_line(&im, -100, -100, 500, 300, 3, red);
	t_ok(im.data[9 * 20 + 19] == 1, "clipped dot at the corner drawn");
	draw_dot(&g, 2, 2, 0, red);
	t_ok(g.data[12] == 1 && g.data[11] == 0, "grey: first component");
	draw_dim(&g, 0.5f);
	t_ok(g.data[12] == 0.5f, "dim scales values");
	free(im.data);
	free(g.data);
	return t_done();
}
