/*
 * model_test: the model file.  Round trip of metadata, tensor table and
 * data; every damage the reader must refuse (truncation at several
 * lengths, a flipped bit, bad magic, a newer version, a foreign kind,
 * table entries outside the data with a valid CRC, a missing file), each
 * with its message; the metadata helpers; and the committed fixtures in
 * testdata/bad/model-*.bin, which `model_test --fixtures` regenerates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32.h"
#include "model.h"
#include "test.h"

static char dir[] = "/tmp/model_testXXXXXX";

static const struct model_tensor tens[] = {
	{ "enc1.w", 4, { 2, 1, 2, 2 }, 0, 8 },
	{ "enc1.b", 1, { 5, 0, 0, 0 }, 16, 5 },
	{ "dec1.w", 2, { 3, 3, 0, 0 }, 32, 9 },
};
static float data[48];

static char *
tmp(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static unsigned char *
load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(1 << 20);

	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void
save(const char *path, const unsigned char *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(b, 1, n, f);
	fclose(f);
}

/* Recompute the trailing CRC after an edit. */
static void
fix_crc(unsigned char *b, size_t n)
{
	uint32_t c = crc32_update(0, b, n - 4);

	b[n - 4] = (unsigned char)c;
	b[n - 3] = (unsigned char)(c >> 8);
	b[n - 2] = (unsigned char)(c >> 16);
	b[n - 1] = (unsigned char)(c >> 24);
}

static int
write_good(const char *path, const char *kind)
{
	char err[MODEL_ERRLEN], *meta = NULL;
	int r;

	model_meta_set(&meta, "patch", "%d", 128);
	model_meta_set(&meta, "loss", "ssim");
	model_meta_set(&meta, "threshold", "%.9g", 0.0123);
	r = model_write(path, kind, meta, tens, 3, data, 48, err, sizeof err);
	if (r == -1)
		printf("# %s\n", err);
	free(meta);
	return r;
}

/* Expect path refused with a message containing want. */
static void
refused(const char *path, const char *kind, const char *want,
    const char *what)
{
	char err[MODEL_ERRLEN];
	struct model m;
	int r = model_read(&m, path, kind, err, sizeof err);

	if (r == 0 || strstr(err, want) == NULL)
		printf("# got r=%d err '%s', want '%s'\n", r,
		    r ? err : "", want);
	t_ok(r == -1 && strstr(err, want) != NULL && m.data == NULL, what);
	if (r == 0)
		model_free(&m);
}

/* The damaged variants of the good file at src, written into d. */
static void
make_bad(const char *src, const char *d)
{
	char p[512];
	unsigned char *b;
	size_t n;

	b = load(src, &n);
	snprintf(p, sizeof p, "%s/model-truncated.bin", d);
	save(p, b, n / 2);
	b[n - 20] ^= 0x10;
	snprintf(p, sizeof p, "%s/model-crc.bin", d);
	save(p, b, n);
	b[n - 20] ^= 0x10;
	b[1] = 'X';
	snprintf(p, sizeof p, "%s/model-magic.bin", d);
	save(p, b, n);
	b[1] = 'L';
	b[8] = 2;
	fix_crc(b, n);
	snprintf(p, sizeof p, "%s/model-v2.bin", d);
	save(p, b, n);
	b[8] = 1;
	memset(b + 16, 0, 16);
	memcpy(b + 16, "lstm", 4);
	fix_crc(b, n);
	snprintf(p, sizeof p, "%s/model-kind.bin", d);
	save(p, b, n);
	free(b);
}

static void
check_fixtures(void)
{
	static const char *const fx[][2] = {
		{ "testdata/bad/model-truncated.bin", "truncated" },
		{ "testdata/bad/model-crc.bin", "checksum mismatch" },
		{ "testdata/bad/model-magic.bin", "bad magic" },
		{ "testdata/bad/model-v2.bin",
		    "model format v2 is newer than this build (max v1)" },
		{ "testdata/bad/model-kind.bin",
		    "model is of kind 'lstm', not 'ae'" },
	};
	char what[160];
	size_t i;

	for (i = 0; i < sizeof fx / sizeof fx[0]; i++) {
		snprintf(what, sizeof what, "fixture %s refused", fx[i][0]);
		if (access("testdata/bad", X_OK) != 0)
			t_skip(what, "not run from the repository root");
		else
			refused(fx[i][0], "ae", fx[i][1], what);
	}
}

static void
round_trip(void)
{
	char err[MODEL_ERRLEN], v[64];
	struct model m;
	long l;
	double d;
	int ok, i;

	t_ok(write_good(tmp("good.bin"), "ae") == 0, "write a model");
	ok = model_read(&m, tmp("good.bin"), "ae", err, sizeof err) == 0;
	if (!t_ok(ok, "read it back"))
		return;
	t_ok(strcmp(m.kind, "ae") == 0 && m.version == MODEL_VERSION &&
	    m.nmeta == 3 && m.ntensors == 3 && m.ndata == 48,
	    "kind, version, counts survive");
	t_ok(memcmp(m.data, data, sizeof data) == 0 &&
	    ((uintptr_t)m.data & 63) == 0, "data bit-identical, 64-aligned");
	ok = 1;
	for (i = 0; i < 3; i++)
		ok = ok && strcmp(m.t[i].name, tens[i].name) == 0 &&
		    m.t[i].ndim == tens[i].ndim && m.t[i].off == tens[i].off &&
		    m.t[i].n == tens[i].n &&
		    memcmp(m.t[i].dim, tens[i].dim, sizeof tens[i].dim) == 0;
	t_ok(ok, "tensor table survives");
	t_ok(model_tensor(&m, "enc1.b") == &m.t[1] &&
	    model_tensor(&m, "nope") == NULL, "tensor lookup by name");
	t_ok(model_meta_get(m.meta, "loss", v, sizeof v) == 0 &&
	    strcmp(v, "ssim") == 0, "metadata string");
	t_ok(model_meta_long(m.meta, "patch", 16, 1024, &l, err, sizeof err)
	    == 0 && l == 128, "metadata number");
	t_ok(model_meta_double(m.meta, "threshold", &d, err, sizeof err) == 0
	    && d == 0.0123, "metadata double round-trips with %.9g");
	t_ok(model_meta_long(m.meta, "patch", 16, 64, &l, err, sizeof err) ==
	    -1 && strcmp(err, "metadata 'patch' is not a number in 16..64") ==
	    0, "metadata out of range named");
	t_ok(model_meta_long(m.meta, "width", 1, 9, &l, err, sizeof err) ==
	    -1 && strcmp(err, "metadata 'width' is missing") == 0,
	    "missing metadata named");
	model_free(&m);
	refused(tmp("good.bin"), "lstm", "model is of kind 'ae', not 'lstm'",
	    "foreign kind refused");
}

static void
damage(void)
{
	static const size_t cut[] = { 0, 3, 8, 47, 100, 200 };
	unsigned char *b;
	char what[80];
	size_t n, i;

	make_bad(tmp("good.bin"), dir);
	refused(tmp("model-truncated.bin"), "ae", "truncated: ",
	    "half a file refused as truncated");
	refused(tmp("model-crc.bin"), "ae", "checksum mismatch",
	    "one flipped bit refused");
	refused(tmp("model-magic.bin"), "ae", "not a linekit model (bad magic)",
	    "bad magic refused");
	refused(tmp("model-v2.bin"), "ae", "model format v2 is newer than "
	    "this build (max v1)", "newer version refused");
	{
		char err[MODEL_ERRLEN];
		struct model m;

		t_ok(model_read(&m, tmp("model-kind.bin"), NULL, err,
		    sizeof err) == 0 && strcmp(m.kind, "lstm") == 0,
		    "kind NULL accepts any kind and reports it");
		model_free(&m);
	}
	b = load(tmp("good.bin"), &n);
	for (i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		save(tmp("cut.bin"), b, cut[i]);
		snprintf(what, sizeof what, "cut at %zu bytes refused", cut[i]);
		refused(tmp("cut.bin"), "ae", cut[i] == 0 ? "bad magic" :
		    "truncated", what);
	}
	save(tmp("cut.bin"), b, n - 1);
	refused(tmp("cut.bin"), "ae", "truncated", "last byte missing refused");
	/* a tensor offset past the data, with a valid CRC */
	b[48 + strlen("patch=128\nloss=ssim\nthreshold=0.0123\n") + 80 + 72]
	    = 0xff;
	fix_crc(b, n);
	save(tmp("off.bin"), b, n);
	refused(tmp("off.bin"), "ae", "tensor 'enc1.b' lies outside",
	    "tensor outside the data refused");
	free(b);
	refused(tmp("missing.bin"), "ae", "No such file or directory",
	    "missing file refused with strerror");
}

static void
meta_helpers(void)
{
	char *meta = NULL, v[32];

	model_meta_set(&meta, "a", "1");
	model_meta_set(&meta, "b", "two");
	model_meta_set(&meta, "a", "3");
	t_ok(strcmp(meta, "b=two\na=3\n") == 0, "meta_set replaces a key");
	t_ok(model_meta_set(&meta, "Bad Key", "x") == -1 &&
	    model_meta_set(&meta, "k", "two\nlines") == -1 &&
	    strcmp(meta, "b=two\na=3\n") == 0, "bad key or value refused");
	t_ok(model_meta_get(meta, "a", v, sizeof v) == 0 && strcmp(v, "3") ==
	    0 && model_meta_get(meta, "c", v, sizeof v) == -1,
	    "meta_get finds keys, not prefixes");
	free(meta);
}

int
main(int argc, char *argv[])
{
	char cmd[512];
	int i;

	for (i = 0; i < 48; i++)
		data[i] = (float)(i * 0.37 - 5);
	if (mkdtemp(dir) == NULL)
		return 1;
	if (argc == 2 && strcmp(argv[1], "--fixtures") == 0) {
		/* regenerate testdata/bad/model-*.bin (run from the root) */
		if (write_good(tmp("good.bin"), "ae") == -1)
			return 1;
		make_bad(tmp("good.bin"), "testdata/bad");
	} else {
		round_trip();
		damage();
		meta_helpers();
		check_fixtures();
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) != 0 || (argc == 1 ? t_done() : 0);
}
