/*
 * img_bench: milliseconds per image for img_load against the floor of
 * stb decoding the same bytes from memory (so the cost of our checks --
 * the PNG CRC walk, three header passes, the float conversion -- shows as
 * the difference), and for img_save_png, pfm_write and pfm_read.  Medians
 * of repeated runs; real images from ../shared/datasets when present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stb/stb_image.h>

#include "img.h"
#include "pfm.h"
#include "bench.h"

#define REPS 15

static double
median(double *t)
{
	qsort(t, REPS, sizeof *t, bench_cmp_double);
	return t[REPS / 2];
}

/* The whole file, or NULL. */
static unsigned char *
slurp(const char *path, long *len)
{
	unsigned char *buf;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len > 0 ? (size_t)*len : 1);
	if (buf != NULL && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void
bench_load(const char *label, const char *path, int c)
{
	double t[REPS], s[REPS], t0;
	char err[IMG_ERRLEN];
	unsigned char *bytes, *px;
	struct img im;
	long len;
	int i, w, h, n;

	if ((bytes = slurp(path, &len)) == NULL) {
		printf("%-34s skipped: %s absent\n", label, path);
		return;
	}
	for (i = 0; i < REPS; i++) {
		t0 = bench_seconds(CLOCK_MONOTONIC);
		if (img_load(&im, path, c, err, sizeof err) == -1) {
			printf("%-34s %s\n", label, err);
			free(bytes);
			return;
		}
		t[i] = bench_seconds(CLOCK_MONOTONIC) - t0;
		img_free(&im);
		t0 = bench_seconds(CLOCK_MONOTONIC);
		px = stbi_load_from_memory(bytes, (int)len, &w, &h, &n, 0);
		s[i] = bench_seconds(CLOCK_MONOTONIC) - t0;
		stbi_image_free(px);
	}
	printf("%-34s %4dx%-4d img_load %6.2f ms, stb from memory %6.2f ms\n",
	    label, w, h, 1e3 * median(t), 1e3 * median(s));
	free(bytes);
}

int
main(void)
{
	const char *shared = getenv("LK_SHARED");
	char path[512], err[IMG_ERRLEN], tmp[] = "/tmp/img_bench.XXXXXX";
	char png[600], map[600];
	double t[REPS], r[REPS], t0;
	struct img im, back;
	size_t i, n;
	int k;

	if (shared == NULL)
		shared = "../shared/datasets";
	printf("img_bench: medians of %d runs, one thread\n", REPS);
	snprintf(path, sizeof path, "%s/dagm-class1/Test/0001.PNG", shared);
	bench_load("dagm PNG, grey", path, 1);
	snprintf(path, sizeof path,
	    "%s/magnetic-tile/test/good/exp1_num_106729.jpg", shared);
	bench_load("magnetic-tile JPEG, grey", path, 1);
	bench_load("magnetic-tile JPEG, as RGB", path, 3);

	if (mkdtemp(tmp) == NULL || img_alloc(&im, 1024, 1024, 3, err,
	    sizeof err) == -1)
		return 1;
	n = (size_t)1024 * 1024 * 3;
	for (i = 0; i < n; i++)	/* smooth: compresses like a photo */
		im.data[i] = (float)((i % 1024 + i / 1024 % 1024) % 512) / 511;
	snprintf(png, sizeof png, "%s/x.png", tmp);
	snprintf(map, sizeof map, "%s/x.pfm", tmp);
	for (k = 0; k < REPS; k++) {
		t0 = bench_seconds(CLOCK_MONOTONIC);
		if (img_save_png(png, &im, err, sizeof err) == -1) {
			printf("img_save_png: %s\n", err);
			return 1;
		}
		t[k] = bench_seconds(CLOCK_MONOTONIC) - t0;
	}
	printf("%-34s %4dx%-4d img_save_png %6.2f ms\n", "synthetic RGB PNG",
	    im.w, im.h, 1e3 * median(t));
	bench_load("synthetic RGB PNG, as RGB", png, 3);
	for (k = 0; k < REPS; k++) {
		t0 = bench_seconds(CLOCK_MONOTONIC);
		if (pfm_write(map, &im, err, sizeof err) == -1) {
			printf("pfm_write: %s\n", err);
			return 1;
		}
		t[k] = bench_seconds(CLOCK_MONOTONIC) - t0;
		t0 = bench_seconds(CLOCK_MONOTONIC);
		if (pfm_read(map, &back, err, sizeof err) == -1) {
			printf("pfm_read: %s\n", err);
			return 1;
		}
		r[k] = bench_seconds(CLOCK_MONOTONIC) - t0;
		img_free(&back);
	}
	printf("%-34s %4dx%-4d pfm_write %6.2f ms, pfm_read %6.2f ms\n",
	    "RGB float map", im.w, im.h, 1e3 * median(t), 1e3 * median(r));
	img_free(&im);
	unlink(png);
	unlink(map);
	rmdir(tmp);
	return 0;
}
