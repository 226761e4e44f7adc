/*
 * img_test: decoding of every format against the formulas that
 * scripts/mk-img-fixtures.py drew the fixtures with, grey and colour
 * conversion, 16-bit precision, the size caps, PNG writing, the bad-input
 * corpus testdata/bad/img (every file refused with a message), and the
 * real images under ../shared/datasets.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stb/stb_image_write.h>

#include "img.h"
#include "test.h"

#define W 7
#define H 5

/* The fixture formulas, as in scripts/mk-img-fixtures.py. */
static int
grey8(int x, int y)
{
	return (x * 37 + y * 53 + 5) % 256;
}

static int
rgb8(int x, int y, int k)
{
	return k == 0 ? (x * 40 + y * 3) % 256 : k == 1 ?
	    (y * 50 + x * 7 + 100) % 256 : (x * y * 7 + 13) % 256;
}

static int
grey16(int x, int y)
{
	return (x * 9001 + y * 4099 + 7) % 65536;
}

static int
rgb16(int x, int y, int k)
{
	return k == 0 ? grey16(x, y) : k == 1 ?
	    (x * 3001 + y * 12007 + 1) % 65536 : (x * y * 2999 + 300) % 65536;
}

static char tmpdir[] = "/tmp/img_test.XXXXXX";

static const char *
tmppath(const char *name)
{
	static char buf[300];

	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return buf;
}

/* Load or report; data NULL on failure. */
static int
load(struct img *im, const char *path, int c)
{
	char err[IMG_ERRLEN], what[512];

	if (img_load(im, path, c, err, sizeof err) == 0)
		return 1;
	snprintf(what, sizeof what, "load %s as %d channel(s): %s", path, c,
	    err);
	t_ok(0, what);
	return 0;
}

/* Largest difference between two images of one size, or 1e9 if sizes differ. */
static double
maxdiff(const struct img *a, const struct img *b)
{
	size_t i, n = (size_t)a->w * a->h * a->c;
	double d = 0;

	if (a->w != b->w || a->h != b->h || a->c != b->c)
		return 1e9;
	for (i = 0; i < n; i++)
		if (fabs(a->data[i] - b->data[i]) > d)
			d = fabs(a->data[i] - b->data[i]);
	return d;
}

/* The netpbm fixtures against the formulas, exactly. */
static void
test_formulas(void)
{
	struct img im;
	int x, y, k, bad;

	if (load(&im, "testdata/img/grey8.pgm", 1)) {
		bad = im.w != W || im.h != H || im.c != 1;
		for (y = 0; !bad && y < H; y++)
			for (x = 0; x < W; x++)
				bad |= im.data[y * W + x] !=
				    grey8(x, y) / 255.0f;
		t_ok(!bad, "8-bit PGM decodes to v / 255");
		img_free(&im);
	}
	if (load(&im, "testdata/img/rgb8.ppm", 3)) {
		bad = im.w != W || im.h != H || im.c != 3;
		for (k = 0; !bad && k < 3; k++)
			for (y = 0; y < H; y++)
				for (x = 0; x < W; x++)
					bad |= im.data[(k * H + y) * W + x] !=
					    rgb8(x, y, k) / 255.0f;
		t_ok(!bad, "8-bit PPM decodes to CHW planes of v / 255");
		img_free(&im);
	}
	if (load(&im, "testdata/img/grey16.pgm", 1)) {
		bad = im.w != W || im.h != H;
		for (y = 0; !bad && y < H; y++)
			for (x = 0; x < W; x++)
				bad |= im.data[y * W + x] !=
				    grey16(x, y) / 65535.0f;
		t_ok(!bad, "16-bit PGM keeps 16 bits (v / 65535)");
		img_free(&im);
	}
	if (load(&im, "testdata/img/rgb16.ppm", 3)) {
		bad = im.w != W || im.h != H;
		for (k = 0; !bad && k < 3; k++)
			for (y = 0; y < H; y++)
				for (x = 0; x < W; x++)
					bad |= im.data[(k * H + y) * W + x] !=
					    rgb16(x, y, k) / 65535.0f;
		t_ok(!bad, "16-bit PPM keeps 16 bits per channel");
		img_free(&im);
	}
	if (load(&im, "testdata/img/grey16.png", 1)) {
		/* (0,0) = 7 and (0,1) = 4106 would both be 0 or 16 in 8 bits */
		t_ok(im.data[0] == 7 / 65535.0f &&
		    im.data[W] == 4106 / 65535.0f,
		    "16-bit PNG: neighbouring 16-bit levels stay distinct");
		img_free(&im);
	}
}

/* Every other fixture against its netpbm twin, as grey and as colour. */
static void
test_formats(void)
{
	static const struct {
		const char *file, *ref;
		double tol;	/* JPEG: rounding in stb's IDCT and YCbCr */
		int w, h;
	} pair[] = {
		{ "grey8.png", "grey8.pgm", 0, W, H },
		{ "greya8.png", "grey8.pgm", 0, W, H },
		{ "rgb8.png", "rgb8.ppm", 0, W, H },
		{ "rgba8.png", "rgb8.ppm", 0, W, H },
		{ "pal8.png", "rgb8.ppm", 0, W, H },
		{ "grey16.png", "grey16.pgm", 0, W, H },
		{ "rgb16.png", "rgb16.ppm", 0, W, H },
		{ "rgba16.png", "rgb16.ppm", 0, W, H },
		{ "rgb24.bmp", "rgb8.ppm", 0, W, H },
		{ "rgb24-topdown.bmp", "rgb8.ppm", 0, W, H },
		{ "pal8.bmp", "rgb8.ppm", 0, W, H },
		{ "pal4.bmp", "pal4.ppm", 0, W, H },
		{ "grey.jpg", "grey-jpg.pgm", 1.01 / 255, 24, 16 },
		{ "rgb.jpg", "rgb-jpg.ppm", 3.01 / 255, 16, 16 },
	};
	char a[128], b[128], what[256], err[IMG_ERRLEN];
	struct img im, ref;
	size_t i;
	int c, w, h;

	for (i = 0; i < sizeof pair / sizeof pair[0]; i++) {
		snprintf(a, sizeof a, "testdata/img/%s", pair[i].file);
		snprintf(b, sizeof b, "testdata/img/%s", pair[i].ref);
		for (c = 1; c <= 3; c += 2) {
			if (!load(&im, a, c))
				continue;
			if (load(&ref, b, c)) {
				snprintf(what, sizeof what, "%s as %s",
				    pair[i].file, c == 1 ? "grey" : "RGB");
				t_near(maxdiff(&im, &ref), 0, pair[i].tol,
				    what);
				img_free(&ref);
			}
			img_free(&im);
		}
		snprintf(what, sizeof what, "img_info %s", pair[i].file);
		t_ok(img_info(a, &w, &h, err, sizeof err) == 0 &&
		    w == pair[i].w && h == pair[i].h, what);
	}
}

/* Grey from colour is Rec. 601 luma; colour from grey is replicated. */
static void
test_conversion(void)
{
	struct img im;
	double want, d = 0;
	int x, y, k, bad = 0;

	if (load(&im, "testdata/img/rgb8.ppm", 1)) {
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++) {
				want = (0.299 * rgb8(x, y, 0) +
				    0.587 * rgb8(x, y, 1) +
				    0.114 * rgb8(x, y, 2)) / 255;
				if (fabs(im.data[y * W + x] - want) > d)
					d = fabs(im.data[y * W + x] - want);
			}
		t_near(d, 0, 1e-6, "grey from RGB is 0.299 R + 0.587 G + "
		    "0.114 B");
		img_free(&im);
	}
	if (load(&im, "testdata/img/grey8.pgm", 3)) {
		for (k = 0; k < 3; k++)
			for (y = 0; y < H; y++)
				for (x = 0; x < W; x++)
					bad |= im.data[(k * H + y) * W + x] !=
					    grey8(x, y) / 255.0f;
		t_ok(!bad && im.c == 3, "grey loaded as RGB is replicated");
		img_free(&im);
	}
	if (load(&im, "testdata/img/rgb-jpg.ppm", 1)) {
		/* the block of (128, 128, 128) at the bottom right */
		t_ok(im.data[15 * 16 + 15] == 128 / 255.0f,
		    "grey from equal RGB is exact");
		img_free(&im);
	}
}

/* A JPEG with AC coefficients, written by stb_image_write. */
static void
test_jpeg_roundtrip(void)
{
	unsigned char px[64 * 48 * 3];
	struct img im;
	double d = 0, sum = 0;
	int x, y, k;

	for (y = 0; y < 48; y++)
		for (x = 0; x < 64; x++)
			for (k = 0; k < 3; k++)
				px[(y * 64 + x) * 3 + k] = (unsigned char)
				    (k == 0 ? x * 4 : k == 1 ? y * 5 : 128 +
				    60 * sin(x * 0.2 + y * 0.1));
	if (!t_ok(stbi_write_jpg(tmppath("smooth.jpg"), 64, 48, 3, px, 95),
	    "stb_image_write made a JPEG"))
		return;
	if (!load(&im, tmppath("smooth.jpg"), 3))
		return;
	for (k = 0; k < 3; k++)
		for (y = 0; y < 48; y++)
			for (x = 0; x < 64; x++) {
				double e = fabs(im.data[(k * 48 + y) * 64 + x] *
				    255 - px[(y * 64 + x) * 3 + k]);
				sum += e;
				d = e > d ? e : d;
			}
	t_ok(im.w == 64 && im.h == 48 && sum / (64 * 48 * 3) < 1.5 && d < 12,
	    "JPEG quality 95: mean error < 1.5, max < 12 levels");
	img_free(&im);
}

static void
test_errors(void)
{
	char err[IMG_ERRLEN];
	struct img im;
	int w, h;

	im.data = (float *)&w;	/* must be reset even on failure */
	t_ok(img_load(&im, "testdata/img/no-such.png", 1, err, sizeof err) ==
	    -1 && strcmp(err, "No such file or directory") == 0 &&
	    im.data == NULL, "missing file: strerror, image left empty");
	t_ok(img_load(&im, "testdata/img", 3, err, sizeof err) == -1 &&
	    strcmp(err, "Is a directory") == 0, "directory refused");
	t_ok(img_info("testdata/img/no-such.png", &w, &h, err, sizeof err) ==
	    -1 && strcmp(err, "No such file or directory") == 0,
	    "img_info on a missing file");
	t_ok(img_load(&im, "testdata/img/grey8.png", 2, err, sizeof err) ==
	    -1 && strstr(err, "channel") != NULL, "2 channels refused");
	t_ok(img_load(&im, "testdata/img/grey8.png", 1, NULL, 0) == 0,
	    "err may be NULL");
	img_free(&im);
	img_free(&im);
	t_ok(im.data == NULL, "img_free twice is safe");
}

static void
test_alloc(void)
{
	char err[IMG_ERRLEN];
	struct img im;
	size_t i;
	int zero = 1;

	if (t_ok(img_alloc(&im, 300, 200, 3, err, sizeof err) == 0 &&
	    im.w == 300 && im.h == 200 && im.c == 3, "img_alloc 300x200x3")) {
		for (i = 0; i < 300 * 200 * 3; i++)
			zero &= im.data[i] == 0;
		t_ok(zero, "img_alloc zeroes");
		img_free(&im);
	}
	t_ok(img_alloc(&im, 70000, 1, 1, err, sizeof err) == -1 &&
	    strcmp(err, "image is 70000x1 (max side 65535)") == 0 &&
	    im.data == NULL, "img_alloc: side cap");
	t_ok(img_alloc(&im, 20000, 20000, 1, err, sizeof err) == -1 &&
	    strcmp(err, "image is 20000x20000 (max 268435456 pixels)") == 0,
	    "img_alloc: pixel cap");
	t_ok(img_alloc(&im, 0, 5, 1, err, sizeof err) == -1 &&
	    img_alloc(&im, 5, -1, 1, err, sizeof err) == -1 &&
	    img_alloc(&im, 5, 5, 4, err, sizeof err) == -1,
	    "img_alloc: zero, negative size, 4 channels");
}

/* Count directory entries whose name contains s. */
static int
count_names(const char *dir, const char *s)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, s) != NULL;
	closedir(d);
	return n;
}

static void
test_save(void)
{
	char err[IMG_ERRLEN];
	struct img im, back;
	struct stat st;
	int i, ok;

	if (img_alloc(&im, 256, 3, 1, err, sizeof err) == -1)
		return;
	for (i = 0; i < 256; i++) {
		im.data[i] = i / 255.0f;		/* row 0: every level */
		im.data[256 + i] = (i + 0.49f) / 255;	/* rounds down */
		im.data[512 + i] = (i - 0.49f) / 255;	/* rounds up */
	}
	im.data[512] = -0.5f;
	im.data[513] = NAN;
	im.data[514] = 1.5f;
	ok = img_save_png(tmppath("grey.png"), &im, err, sizeof err) == 0;
	if (!t_ok(ok, "img_save_png grey") || !load(&back, tmppath("grey.png"),
	    1)) {
		img_free(&im);
		return;
	}
	ok = back.w == 256 && back.h == 3;
	for (i = 0; ok && i < 256; i++)
		ok = back.data[i] == i / 255.0f &&
		    back.data[256 + i] == i / 255.0f &&
		    (i < 3 || back.data[512 + i] == i / 255.0f);
	t_ok(ok, "grey PNG round trip: 256 levels, rounded to nearest");
	t_ok(back.data[512] == 0 && back.data[513] == 0 &&
	    back.data[514] == 1, "clamped: -0.5 -> 0, NaN -> 0, 1.5 -> 1");
	t_ok(stat(tmppath("grey.png"), &st) == 0 &&
	    (st.st_mode & 0777) == (0666 & ~022), "saved with mode 0644");
	img_free(&back);
	img_free(&im);

	if (load(&im, "testdata/img/rgb8.ppm", 3)) {
		t_ok(img_save_png(tmppath("rgb.png"), &im, err, sizeof err) ==
		    0 && load(&back, tmppath("rgb.png"), 3) &&
		    maxdiff(&im, &back) == 0, "RGB PNG round trip exact");
		img_free(&back);
		/* over an existing file */
		t_ok(img_save_png(tmppath("grey.png"), &im, err, sizeof err) ==
		    0 && load(&back, tmppath("grey.png"), 3) &&
		    maxdiff(&im, &back) == 0, "saving replaces a file");
		img_free(&back);
		t_ok(img_save_png(tmppath("no/dir/x.png"), &im, err,
		    sizeof err) == -1 && strstr(err, "writing '") == err &&
		    strstr(err, "No such file or directory") != NULL,
		    "save into a missing directory refused");
		img_free(&im);
	}
	im.data = NULL;
	t_ok(img_save_png(tmppath("x.png"), &im, err, sizeof err) == -1,
	    "no image to save");
	t_ok(count_names(tmpdir, ".tmp") == 0, "no temporary files left");
}

/* Every file in testdata/bad/img must fail cleanly as grey and RGB. */
static void
test_bad_corpus(void)
{
	static const struct {
		const char *file, *msg;
	} want[] = {
		{ "empty.png", "empty file" },
		{ "text.png", "unknown image type" },
		{ "huge-side.png", "image is 70000x70000 (max side 65535)" },
		{ "huge-pixels.png",
		    "image is 20000x20000 (max 268435456 pixels)" },
		{ "huge.jpg", "image is 65535x65535 (max 268435456 pixels)" },
		{ "huge.bmp", "image is 70000x70000 (max side 65535)" },
		{ "huge.pgm", "image is 70000x70000 (max side 65535)" },
		{ "bad-crc.png", "corrupt PNG: bad CRC in IDAT chunk" },
		{ "flipped-bit.png", "corrupt PNG: bad CRC in IDAT chunk" },
		{ "truncated-idat.png", "truncated PNG file" },
		{ "no-iend.png", "truncated PNG file" },
		{ "truncated-scan.jpg", "truncated JPEG file" },
		{ "no-eoi.jpg", "truncated JPEG file" },
		{ "truncated-pixels.bmp", "truncated BMP file" },
		{ "truncated.pgm", "truncated PGM file" },
		{ "truncated16.pgm", "truncated PGM file" },
		{ "header-only.pgm", "truncated PGM file" },
		{ "negative-width.pgm", "bad image size 0x0" },
	};
	char path[512], err[IMG_ERRLEN], what[1024];
	struct dirent **ent;
	struct img im;
	size_t k;
	int i, n, c, rc, ok, nfile = 0;
	const char *dot;

	n = scandir("testdata/bad/img", &ent, NULL, alphasort);
	if (n == -1) {
		t_ok(0, "testdata/bad/img is readable");
		return;
	}
	for (i = 0; i < n; i++) {
		dot = strrchr(ent[i]->d_name, '.');
		if (dot == NULL || ent[i]->d_name[0] == '.' ||
		    (strcmp(dot, ".png") && strcmp(dot, ".jpg") &&
		    strcmp(dot, ".bmp") && strcmp(dot, ".pgm"))) {
			free(ent[i]);
			continue;
		}
		nfile++;
		snprintf(path, sizeof path, "testdata/bad/img/%s",
		    ent[i]->d_name);
		for (c = 1; c <= 3; c += 2) {
			err[0] = '\0';
			im.data = (float *)&rc;
			rc = img_load(&im, path, c, err, sizeof err);
			ok = rc == -1 && err[0] != '\0' && im.data == NULL;
			for (k = 0; ok && k < sizeof want / sizeof want[0];
			    k++)
				if (strcmp(ent[i]->d_name, want[k].file) == 0)
					ok = strcmp(err, want[k].msg) == 0;
			snprintf(what, sizeof what, "bad/img/%s as %d: %s",
			    ent[i]->d_name, c, rc == 0 ? "accepted!" : err);
			t_ok(ok, what);
			if (rc == 0)
				img_free(&im);
		}
		free(ent[i]);
	}
	free(ent);
	t_ok(nfile >= 30, "bad image corpus has at least 30 files");
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Load up to max files of dir whose names end in suffix (sorted): each
 * must agree with img_info, stay in [0, 1]; with mask, every pixel must be
 * 0 or 1 save a few (anti-aliased) edges.
 */
static void
real_dir(const char *shared, const char *sub, const char *suffix, int max,
    int mask)
{
	char dir[512], path[1024], err[IMG_ERRLEN], what[1024];
	struct dirent **ent;
	struct img im;
	size_t j, npix, binary;
	double t0, secs = 0, total = 0, nbin = 0;
	int i, n, w, h, done = 0, bad = 0, lsuf = (int)strlen(suffix), len;

	snprintf(dir, sizeof dir, "%s/%s", shared, sub);
	if ((n = scandir(dir, &ent, NULL, alphasort)) == -1) {
		t_skip(sub, "folder absent");
		return;
	}
	for (i = 0; i < n; i++) {
		len = (int)strlen(ent[i]->d_name);
		if (done < max && len > lsuf &&
		    strcmp(ent[i]->d_name + len - lsuf, suffix) == 0) {
			snprintf(path, sizeof path, "%s/%s", dir,
			    ent[i]->d_name);
			done++;
			t0 = seconds();
			if (img_load(&im, path, 1, err, sizeof err) == -1) {
				if (bad++ == 0)
					printf("# %s: %s\n", path, err);
			} else {
				secs += seconds() - t0;
				npix = (size_t)im.w * im.h;
				for (j = binary = 0; j < npix; j++) {
					bad += !(im.data[j] >= 0 &&
					    im.data[j] <= 1);
					binary += im.data[j] == 0 ||
					    im.data[j] == 1;
				}
				total += npix;
				nbin += binary;
				if (img_info(path, &w, &h, err, sizeof err) ==
				    -1 || w != im.w || h != im.h)
					bad++;
				img_free(&im);
			}
		}
		free(ent[i]);
	}
	free(ent);
	if (done == 0) {
		t_skip(sub, "no images");
		return;
	}
	printf("# %s: %d images, %.2f ms each to load, %.4f%% binary\n", sub,
	    done, 1e3 * secs / done, 100 * nbin / total);
	snprintf(what, sizeof what, "%s: %d images load, in [0, 1], sizes "
	    "match img_info%s", sub, done, mask ? ", masks binary" : "");
	t_ok(bad == 0 && (!mask || nbin >= 0.99 * total), what);
}

static void
test_real(void)
{
	static const char *const defect[] = {
		"blowhole", "break", "crack", "fray", "uneven"
	};
	const char *shared = t_shared();
	char sub[128];
	size_t i;

	if (shared == NULL) {
		t_skip("real images", "../shared/datasets absent");
		return;
	}
	real_dir(shared, "magnetic-tile/test/good", ".jpg", 50, 0);
	for (i = 0; i < sizeof defect / sizeof defect[0]; i++) {
		snprintf(sub, sizeof sub, "magnetic-tile/ground_truth/%s",
		    defect[i]);
		real_dir(shared, sub, "_mask.png", 50, 1);
	}
	real_dir(shared, "dagm-class1/Test", ".PNG", 50, 0);
	real_dir(shared, "dagm-class1/Test/Label", "_label.PNG", 50, 1);
}

static void
cleanup(void)
{
	struct dirent *e;
	DIR *d = opendir(tmpdir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlink(tmppath(e->d_name));
	closedir(d);
	rmdir(tmpdir);
}

int
main(void)
{
	umask(022);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_formulas();
	test_formats();
	test_conversion();
	test_jpeg_roundtrip();
	test_errors();
	test_alloc();
	test_save();
	test_bad_corpus();
	test_real();
	cleanup();
	return t_done();
}
