/*
 * cc_bench: labelling with statistics on a 2048 x 2048 mask holding a few
 * thousand elliptic blobs (the target: >= 300 Mpixel/s on one
 * thread, 8-connected; OpenCV connectedComponentsWithStats: 144 here),
 * plus the worst case of random noise.  Median of repeats; buffers are
 * allocated and touched once, before timing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc.h"
#include "bench.h"

#define W 2048
#define H 2048
#define REPS 21

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Median seconds of REPS labellings. */
static double
run(struct cc *c, const unsigned char *m, const float *v, int conn)
{
	double t[REPS], t0;
	int i;

	for (i = 0; i < REPS; i++) {
		t0 = bench_seconds(CLOCK_MONOTONIC);
		if (cc_label(c, m, W, v, W, W, H, conn, 1) == -1) {
			fprintf(stderr, "cc_bench: out of memory\n");
			exit(1);
		}
		t[i] = bench_seconds(CLOCK_MONOTONIC) - t0;
	}
	qsort(t, REPS, sizeof *t, bench_cmp_double);
	return t[REPS / 2];
}

static void
report(const char *what, struct cc *c, const unsigned char *m,
    const float *v, int conn)
{
	double s = run(c, m, v, conn);

	printf("%-34s %d-conn  %7.2f ms  %6.0f Mpixel/s  %zu regions\n",
	    what, conn, s * 1e3, (double)W * H / s / 1e6, c->nreg);
}

int
main(void)
{
	unsigned char *m = malloc((size_t)W * H);
	float *v = malloc((size_t)W * H * sizeof *v);
	struct cc c = CC_INIT;
	long fg = 0;
	int i, x, y;

	if (m == NULL || v == NULL)
		return 1;
	memset(m, 0, (size_t)W * H);
	for (i = 0; i < W * H; i++)
		v[i] = (float)(rnd() % 1000) * 1e-3f;
	for (i = 0; i < 3000; i++) {	/* ellipses, radii 2..13 */
		int cx = (int)(rnd() % W), cy = (int)(rnd() % H);
		int rx = 2 + (int)(rnd() % 12), ry = 2 + (int)(rnd() % 12);

		for (y = cy - ry; y <= cy + ry; y++)
			for (x = cx - rx; x <= cx + rx; x++) {
				double dx = (double)(x - cx) / rx;
				double dy = (double)(y - cy) / ry;

				if (x >= 0 && y >= 0 && x < W && y < H &&
				    dx * dx + dy * dy <= 1)
					m[(size_t)y * W + x] = 255;
			}
	}
	for (i = 0; i < W * H; i++)
		fg += m[i] != 0;
	printf("cc: %dx%d, one thread, median of %d; blobs cover %.1f%%\n",
	    W, H, REPS, 100.0 * fg / ((double)W * H));
	report("blobs, stats + error values", &c, m, v, 8);
	report("blobs, stats + error values", &c, m, v, 4);
	report("blobs, stats, no values", &c, m, NULL, 8);

	for (i = 0; i < W * H; i++)	/* worst case: 50% noise */
		m[i] = (unsigned char)(rnd() & 1);
	report("random noise 50%, + values", &c, m, v, 8);
	report("random noise 50%, + values", &c, m, v, 4);
	cc_free(&c);
	free(m);
	free(v);
	return 0;
}
