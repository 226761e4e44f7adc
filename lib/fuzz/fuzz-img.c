/*
 * fuzz-img: libFuzzer harness for the image loader.  The input is written
 * to a file (img_load reads paths) and loaded as grey or RGB, chosen by the
 * input's length; img_info runs first, as tools call it.  Beyond the
 * sanitizers, it aborts when a contract breaks: an accepted image outside
 * the caps or with values outside [0, 1], a refusal without a message or
 * with pixels left allocated.  Build and run with scripts/fuzz.sh.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "img.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-imgXXXXXX";

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
	struct img im;
	size_t i, n;
	int w, h, c = size % 2 ? 3 : 1;

	if (fd == -1) {
		if ((fd = mkstemp(path)) == -1)
			abort();
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	err[0] = '\0';
	if (img_info(path, &w, &h, err, sizeof err) == 0) {
		if (w < 1 || h < 1 || w > IMG_MAX_SIDE || h > IMG_MAX_SIDE)
			abort();
	} else if (err[0] == '\0')
		abort();
	err[0] = '\0';
	if (img_load(&im, path, c, err, sizeof err) == -1) {
		if (err[0] == '\0' || im.data != NULL)
			abort();
		return 0;
	}
	if (im.c != c || im.w < 1 || im.h < 1 || (long)im.w * im.h >
	    IMG_MAX_PIXELS)
		abort();
	n = (size_t)im.w * im.h * im.c;
	for (i = 0; i < n; i++)
		if (!(im.data[i] >= 0.0f && im.data[i] <= 1.0f))
			abort();
	img_free(&im);
	return 0;
}
