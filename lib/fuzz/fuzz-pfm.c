/*
 * fuzz-pfm: libFuzzer harness for the float map reader.  The input is
 * written to a file and read whole with pfm_read and row by row (bottom
 * to top) with pfm_open/pfm_row; the two must agree exactly (values,
 * and which files fail), and an accepted map must hold only finite
 * values.  Build and run with scripts/fuzz.sh.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-pfmXXXXXX";

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char err[IMG_ERRLEN];
	struct pfm_reader r;
	struct img im;
	float *row;
	size_t i, n;
	int x, y, k, ok, row_failed = 0;

	if (fd == -1) {
		if ((fd = mkstemp(path)) == -1)
			abort();
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	err[0] = '\0';
	ok = pfm_read(path, &im, err, sizeof err) == 0;
	if (!ok && (err[0] == '\0' || im.data != NULL))
		abort();
	n = ok ? (size_t)im.w * im.h * im.c : 0;
	for (i = 0; i < n; i++)
		if (!isfinite(im.data[i]))
			abort();
	if (pfm_open(&r, path, err, sizeof err) == -1) {
		if (ok)		/* the whole file was fine */
			abort();
		return 0;
	}
	if ((row = malloc(sizeof *row * (size_t)r.w * r.c)) == NULL)
		abort();
	for (y = r.h - 1; y >= 0; y--) {
		if (pfm_row(&r, y, row, err, sizeof err) == -1) {
			if (ok)
				abort();
			row_failed = 1;
			break;
		}
		for (k = 0; ok && k < r.c; k++)
			for (x = 0; x < r.w; x++)
				if (row[k * r.w + x] != im.data[((size_t)k *
				    r.h + y) * r.w + x])
					abort();
	}
	if (!ok && !row_failed)	/* pfm_read refused what rows accept */
		abort();
	free(row);
	pfm_close(&r);
	if (ok)
		img_free(&im);
	return 0;
}
