/*
 * quad_bench: time panel detection (quad_find: downscale, edges, Hough,
 * bezel search, full-resolution refinement) plus the homography fit on
 * the 1600x1200 photos of ../shared/datasets/screens/photos, each already
 * decoded, as the median of repeated runs per photo; the workspace is
 * reused as screen-calib reuses it.  Without the shared data, on a
 * rendered 1600x1200 scene.  One thread.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "img.h"
#include "quad.h"
#include "test.h"
#include "bench.h"

#define REPS 7
#define MAXPHOTOS 64

/* A bright quadrilateral in a dark band on grey, 1600 x 1200. */
static void
render(struct img *im)
{
	static const double lid[8] = {300, 200, 1350, 240, 1320, 1000, 280,
	    1050}, pan[8] = {360, 260, 1290, 295, 1262, 945, 342, 990};
	const size_t plane = (size_t)im->w * im->h;
	int x, y, k, c;

	for (y = 0; y < im->h; y++)
		for (x = 0; x < im->w; x++) {
			float v = 0.5f;
			int in_lid = 1, in_pan = 1;

			for (k = 0; k < 4; k++) {
				const double *a = lid + 2 * k;
				const double *b = lid + 2 * ((k + 1) % 4);
				const double *p = pan + 2 * k;
				const double *q = pan + 2 * ((k + 1) % 4);

				in_lid &= (b[0] - a[0]) * (y - a[1]) -
				    (b[1] - a[1]) * (x - a[0]) >= 0;
				in_pan &= (q[0] - p[0]) * (y - p[1]) -
				    (q[1] - p[1]) * (x - p[0]) >= 0;
			}
			if (in_pan)
				v = 0.3f + 0.4f * ((x / 40 + y / 30) % 2);
			else if (in_lid)
				v = 0.1f;
			for (c = 0; c < im->c; c++)
				im->data[c * plane + (size_t)y * im->w + x] = v;
		}
}

int
main(void)
{
	static struct img photo[MAXPHOTOS];
	const char *d = t_shared();
	double per[MAXPHOTOS], cpu[MAXPHOTOS], t[REPS], tc[REPS], hm[9];
	double reproj, t0, c0;
	char dir[512], path[1024], err[256];
	struct quad_ws ws;
	struct quad q;
	struct dirent *de;
	DIR *dp;
	int n = 0, i, r, found = 0;

	openblas_set_num_threads(1);
	memset(&ws, 0, sizeof ws);
	if (d != NULL) {
		snprintf(dir, sizeof dir, "%s/screens/photos", d);
		if ((dp = opendir(dir)) != NULL) {
			while ((de = readdir(dp)) != NULL && n < MAXPHOTOS) {
				size_t l = strlen(de->d_name);

				if (l < 5 || strcmp(de->d_name + l - 4, ".jpg"))
					continue;
				snprintf(path, sizeof path, "%s/%s", dir,
				    de->d_name);
				if (img_load(&photo[n], path, 3, err,
				    sizeof err) == 0)
					n++;
			}
			closedir(dp);
		}
	}
	if (n == 0) {
		if (img_alloc(&photo[0], 1600, 1200, 3, err, sizeof err) == -1) {
			fprintf(stderr, "quad_bench: %s\n", err);
			return 1;
		}
		render(&photo[0]);
		n = 1;
		printf("quad: no shared photos; a rendered 1600x1200 scene\n");
	}
	printf("quad_find + quad_homography, %d photo%s of %dx%d, median of "
	    "%d runs each; 1 thread, openblas %s\n", n, n > 1 ? "s" : "",
	    photo[0].w, photo[0].h, REPS, openblas_get_corename());
	for (i = 0; i < n; i++) {
		for (r = 0; r < REPS; r++) {
			t0 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
			c0 = 1e3 * bench_seconds(CLOCK_THREAD_CPUTIME_ID);
			if (quad_find(&photo[i], &ws, &q, err, sizeof err) == 0 &&
			    quad_homography(&q, 1024, 768, hm, &reproj, err,
			    sizeof err) == 0)
				found += r == 0;
			t[r] = 1e3 * bench_seconds(CLOCK_MONOTONIC) - t0;
			tc[r] = 1e3 * bench_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
		}
		qsort(t, REPS, sizeof *t, bench_cmp_double);
		qsort(tc, REPS, sizeof *tc, bench_cmp_double);
		per[i] = t[REPS / 2];
		cpu[i] = tc[REPS / 2];
	}
	qsort(per, (size_t)n, sizeof *per, bench_cmp_double);
	qsort(cpu, (size_t)n, sizeof *cpu, bench_cmp_double);
	printf("  found %d of %d; ms per photo: median %.1f, fastest %.1f, "
	    "slowest %.1f\n", found, n, per[n / 2], per[0], per[n - 1]);
	printf("  cpu ms per photo (unaffected by other load): median %.1f, "
	    "slowest %.1f\n", cpu[n / 2], cpu[n - 1]);
	for (i = 0; i < n; i++)
		img_free(&photo[i]);
	quad_ws_free(&ws);
	return 0;
}
