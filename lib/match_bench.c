/*
 * match_bench: a 48x48 template in a 1920x1080 GUI-like screen over 7
 * scales (0.7..1.3), coarse to fine, on 1 and 2 threads: median time of
 * repeated searches (screen pyramid, template preparation and search
 * included; buffers warm), and whether the best hit equals brute force
 * (the exhaustive full-resolution search, timed once).  Prints figures;
 * asserts nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "match.h"
#include "bench.h"

#define W 1920
#define H 1080
#define TS 48
#define REPEAT 15

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static double
urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* Windows, buttons and "text" strokes on a gradient desktop. */
static void
screen(float *p, int w, int h, int nrect)
{
	int i, x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			p[y * w + x] = (float)(0.3 + 0.2 * x / w + 0.1 * y / h);
	for (i = 0; i < nrect; i++) {
		int rw = 3 + (int)(urand() * urand() * w / 4);
		int rh = 2 + (int)(urand() * urand() * h / 4);
		int rx = (int)(urand() * (w - rw)), ry = (int)(urand() *
		    (h - rh));
		float v = (float)urand();

		for (y = ry; y < ry + rh; y++)
			for (x = rx; x < rx + rw; x++)
				p[y * w + x] = v;
	}
}

int
main(void)
{
	static float img[W * H];
	float tpl[TS * TS];
	struct match_screen *s = match_screen_new();
	struct match_tmpl *t;
	struct match_opts o;
	struct match_hit hp, he;
	double tm[REPEAT], t0, te;
	char err[128];
	int i, j, r, nt, px = 1201, py = 537, n;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	screen(tpl, TS, TS, 25);	/* the element: an icon-like tile */
	screen(img, W, H, 4000);
	for (i = 0; i < (int)lround(TS * 1.1); i++)	/* pasted at 1.1 */
		for (j = 0; j < (int)lround(TS * 1.1); j++)
			img[(py + i) * W + px + j] = tpl[(int)(i / 1.1) * TS +
			    (int)(j / 1.1)];
	for (i = 0; i < W * H; i++)
		img[i] += (float)(0.01 * (urand() - 0.5));
	printf("match: %dx%d template in a %dx%d screen, 7 scales "
	    "0.7..1.3, sub-scale refinement 3 rounds, denoise on\n", TS, TS,
	    W, H);
	printf("conditions: %ld online CPUs, OpenBLAS core %s (not used "
	    "here), direct correlation with runtime AVX2 dispatch, median of "
	    "%d repeats\n", ncpu, openblas_get_corename(), REPEAT);
	match_opts_default(&o);
	for (nt = 1; nt <= 2; nt++) {
		o.nthreads = nt;
		for (r = 0; r < REPEAT; r++) {
			t0 = bench_seconds(CLOCK_MONOTONIC);
			match_screen_set(s, img, W, H, W, err, sizeof err);
			if (match_tmpl_new(&t, tpl, TS, TS, TS, NULL, 0, -1, -1,
			    err, sizeof err) == -1 ||
			    match_find(s, &t, 1, &o, &hp, 1, err, sizeof err)
			    != 1) {
				fprintf(stderr, "match_bench: %s\n", err);
				return 1;
			}
			tm[r] = bench_seconds(CLOCK_MONOTONIC) - t0;
			match_tmpl_free(t);
		}
		qsort(tm, REPEAT, sizeof *tm, bench_cmp_double);
		printf("coarse-to-fine, %d thread%s: median %.1f ms (min %.1f, "
		    "max %.1f); hit %d,%d %dx%d scale %.4f score %.4f\n", nt,
		    nt > 1 ? "s" : "", 1e3 * tm[REPEAT / 2], 1e3 * tm[0],
		    1e3 * tm[REPEAT - 1], hp.x, hp.y, hp.w, hp.h, hp.scale,
		    hp.score);
	}
	/* brute force: every position at full resolution, every scale */
	o.exhaustive = 1;
	o.nthreads = 2;
	match_screen_set(s, img, W, H, W, err, sizeof err);
	match_tmpl_new(&t, tpl, TS, TS, TS, NULL, 0, -1, -1, err, sizeof err);
	t0 = bench_seconds(CLOCK_MONOTONIC);
	n = match_find(s, &t, 1, &o, &he, 1, err, sizeof err);
	te = bench_seconds(CLOCK_MONOTONIC) - t0;
	match_tmpl_free(t);
	printf("brute force, 2 threads: %.0f ms; hit %d,%d %dx%d scale %.4f "
	    "score %.4f\n", 1e3 * te, he.x, he.y, he.w, he.h, he.scale,
	    he.score);
	printf("same best hit as brute force: %s (true place %d,%d scale "
	    "1.1)\n", n == 1 && he.x == hp.x && he.y == hp.y &&
	    he.scale == hp.scale && fabs(he.score - hp.score) < 1e-6 ? "yes" :
	    "NO", px, py);
	match_screen_free(s);
	return 0;
}
