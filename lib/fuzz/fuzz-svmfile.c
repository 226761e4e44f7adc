/*
 * fuzz-svmfile: libFuzzer harness for the svm-accept model reader.  Each
 * input is parsed twice: as it is, and "resealed" with a correct CRC-32
 * line in place of its last line, so that mutations get past the checksum
 * into the header parser and the libsvm validator, which must stop every
 * inconsistent model before libsvm's trusting reader sees it.  A model
 * that loads is used for one prediction.  Build and run with
 * scripts/fuzz.sh svmfile; good seeds are the models in testdata/svm-accept
 * (copy them into build/fuzz/corpus/svmfile/ once).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "svmfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
try(const char *buf, size_t len)
{
	struct svmfile m;
	char err[256];
	double *feat, p, d;

	if (svmfile_parse(&m, "fuzz", buf, len, err, sizeof err) == -1)
		return;
	if ((feat = calloc(m.nfeat, sizeof *feat)) == NULL)
		abort();
	if (svmfile_predict(&m, feat, &p, &d, err, sizeof err) == 0 &&
	    !(p > 0 && p < 1))
		abort();	/* libsvm clamps p to [1e-7, 1 - 1e-7] */
	free(feat);
	svmfile_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 16);
	size_t t;

	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	try(buf, size);

	/* drop the last line, whatever it is, and append a correct CRC */
	t = size;
	if (t > 0 && buf[t - 1] == '\n')
		t--;
	while (t > 0 && buf[t - 1] != '\n')
		t--;
	snprintf(buf + t, 16, "crc32 %08lx\n",
	    (unsigned long)crc32_update(0, buf, t));
	try(buf, t + 15);
	free(buf);
	return 0;
}
