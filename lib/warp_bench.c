/*
 * warp_bench: time warp_perspective for a 1920x1080 RGB destination from a
 * 1600x1200 photo-sized source through a screen-rectification homography,
 * bilinear and bicubic, one and two threads.  Buffers are allocated and
 * touched once; each figure is the median of repeated runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "homography.h"
#include "warp.h"
#include "bench.h"

#define REPS 21

static int
alloc_img(struct img *im, int w, int h, int c)
{
	im->w = w;
	im->h = h;
	im->c = c;
	im->data = calloc((size_t)w * h * c, sizeof *im->data);
	return im->data == NULL ? -1 : 0;
}

int
main(void)
{
	/* screen corners in the photo, as in the screens/photos set */
	static const double photo[8] = {84.89, 191.8, 1391.12, 51.88,
	    1422.61, 1033.34, 236.48, 1064.16};
	static const double screen[8] = {0, 0, 1920, 0, 1920, 1080, 0, 1080};
	double h[9], m[9], t[9] = {1, 0, 0.5, 0, 1, 0.5, 0, 0, 1};
	double times[REPS], t0;
	struct img src, dst;
	char err[128];
	size_t i, n;
	int interp, th, r;

	if (alloc_img(&src, 1600, 1200, 3) == -1 ||
	    alloc_img(&dst, 1920, 1080, 3) == -1) {
		fprintf(stderr, "warp_bench: out of memory\n");
		return 1;
	}
	n = (size_t)src.w * src.h * 3;
	for (i = 0; i < n; i++)
		src.data[i] = (float)((i * 2654435761u) >> 24) / 255.0f;
	memset(dst.data, 0, (size_t)dst.w * dst.h * 3 * sizeof *dst.data);
	/* one level of parallelism: OpenBLAS (inside the fit) stays serial */
	openblas_set_num_threads(1);
	/* m: destination pixel centre (x + 0.5, y + 0.5) on the screen */
	if (hmg_fit(screen, photo, 4, h, err, sizeof err) == -1 ||
	    hmg_compose(h, t, m) == -1) {
		fprintf(stderr, "warp_bench: %s\n", err);
		return 1;
	}
	printf("warp 1600x1200 -> 1920x1080 RGB float, median of %d; "
	    "openblas %s, 1 thread\n", REPS, openblas_get_corename());
	for (interp = 0; interp < 2; interp++)
		for (th = 1; th <= 2; th++) {
			for (r = 0; r < REPS; r++) {
				t0 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
				if (warp_perspective(&src, &dst, m, interp, 0,
				    th, err, sizeof err) == -1) {
					fprintf(stderr, "warp_bench: %s\n",
					    err);
					return 1;
				}
				times[r] = 1e3 * bench_seconds(CLOCK_MONOTONIC) - t0;
			}
			qsort(times, REPS, sizeof *times, bench_cmp_double);
			printf("  %-8s %d thread%s  %6.2f ms  (min %.2f)\n",
			    warp_interp_name(interp), th, th > 1 ? "s" : " ",
			    times[REPS / 2], times[0]);
		}
	free(src.data);
	free(dst.data);
	return 0;
}
