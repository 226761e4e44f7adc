/*
 * fuzz-ndjson: libFuzzer harness for the record reader.  The input is
 * written to a file and read back through ndj_open/ndj_next with plain
 * lines accepted as paths, as ae-score does; every record is printed back.
 * Build and run with scripts/fuzz.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ndjson.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-ndjsonXXXXXX";

static void
remove_input(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char *files[1] = { path };
	struct ndj *in;
	FILE *sink;
	cJSON *rec;

	if (fd == -1) {
		if ((fd = mkstemp(path)) == -1)
			abort();
		atexit(remove_input);
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	sink = fopen("/dev/null", "w");
	progname = "fuzz-ndjson";
	in = ndj_open(1, files);
	ndj_accept_paths(in, "image");
	while (ndj_next(in, &rec) != 0) {
		if (rec != NULL)
			ndj_put(sink, rec, 0);
		cJSON_Delete(rec);
	}
	ndj_close(in);
	fclose(sink);
	return 0;
}
