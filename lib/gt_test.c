/*
 * gt_test: region labelling against lib/cc and against scipy's labels in
 * the AU-PRO fixtures, ellipse rasterisation by hand, every reader on small
 * datasets made here (and testdata/demo), their error messages, and the
 * MVTec and DAGM readers on ../shared/datasets when it is there.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cc.h"
#include "gt.h"
#include "img.h"
#include "test.h"

static char tmp[] = "/tmp/gt_test.XXXXXX";
static char buf[4096], spec[4096], err[GT_ERRLEN];

static const char *
at(const char *rel)
{
	snprintf(buf, sizeof buf, "%s/%s", tmp, rel);
	return buf;
}

static void
put(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");

	fputs(text, f);
	fclose(f);
}

/* A w x h grey PNG, value v everywhere except a v2 square at (x, y). */
static void
png(const char *rel, int w, int h, float v, int x, int y, int side, float v2)
{
	char e[IMG_ERRLEN];
	struct img im;
	int i, j;

	img_alloc(&im, w, h, 1, e, sizeof e);
	for (i = 0; i < w * h; i++)
		im.data[i] = v;
	for (j = y; j < y + side && j < h; j++)
		for (i = x; i < x + side && i < w; i++)
			im.data[j * w + i] = v2;
	img_save_png(at(rel), &im, e, sizeof e);
	img_free(&im);
}

static uint64_t rs = 88172645463325252u;

static uint32_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 32);
}

/* gt_label against cc_label (8-connected) on random masks. */
static void
label_vs_cc(void)
{
	int t, w, h, bad = 0;
	long n, k;

	for (t = 0; t < 200; t++) {
		unsigned char *m;
		int32_t *lab;
		struct gt_region *r;
		struct cc c = CC_INIT;
		int i, dens = (int)(rnd() % 70) + 1;

		w = (int)(rnd() % 60) + 1;
		h = (int)(rnd() % 60) + 1;
		m = malloc((size_t)(w * h));
		lab = malloc((size_t)(w * h) * sizeof *lab);
		for (i = 0; i < w * h; i++)
			m[i] = (int)(rnd() % 100) < dens;
		n = gt_label(m, w, h, lab, &r);
		if (cc_label(&c, m, (size_t)w, NULL, 0, w, h, 8, 1) == -1 ||
		    n != (long)c.nreg)
			bad++;
		for (k = 0; k < n && k < (long)c.nreg; k++)
			if (r[k].area != c.reg[k].area ||
			    r[k].x != c.reg[k].x || r[k].y != c.reg[k].y ||
			    r[k].w != c.reg[k].w || r[k].h != c.reg[k].h)
				bad++;
		for (i = 0; i < w * h; i++)
			if ((lab[i] != 0) != (m[i] != 0) || lab[i] > n)
				bad++;
		cc_free(&c);
		free(r);
		free(m);
		free(lab);
	}
	t_ok(bad == 0, "gt_label: same regions and boxes as cc_label "
	    "on 200 random masks");
}

/* gt_label against scipy.ndimage.label in the AU-PRO fixtures. */
static void
label_vs_scipy(void)
{
	FILE *f = fopen("testdata/det-eval/fixtures/pro.ndjson", "r");
	char *line = NULL;
	size_t cap = 0;
	int bad = 0, ncase = 0;

	if (!t_ok(f != NULL, "pro fixtures open"))
		return;
	while (getline(&line, &cap, f) > 0) {
		cJSON *o = cJSON_Parse(line), *mk, *lb;
		int w = cJSON_GetObjectItem(o, "w")->valueint;
		int h = cJSON_GetObjectItem(o, "h")->valueint, i, j;
		unsigned char *m = malloc((size_t)(w * h));
		int32_t *lab = malloc((size_t)(w * h) * sizeof *lab);
		struct gt_region *r;

		mk = cJSON_GetObjectItem(o, "masks");
		lb = cJSON_GetObjectItem(o, "labels");
		for (i = 0; i < cJSON_GetArraySize(mk); i++) {
			for (j = 0; j < w * h; j++)
				m[j] = (unsigned char)cJSON_GetArrayItem(
				    cJSON_GetArrayItem(mk, i), j)->valueint;
			gt_label(m, w, h, lab, &r);
			for (j = 0; j < w * h; j++)
				bad += lab[j] != cJSON_GetArrayItem(
				    cJSON_GetArrayItem(lb, i), j)->valueint;
			free(r);
		}
		ncase++;
		free(m);
		free(lab);
		cJSON_Delete(o);
	}
	free(line);
	fclose(f);
	t_ok(ncase > 0 && bad == 0, "gt_label: identical to scipy's labels");
}

/*
 * Ellipses by hand: a circle of radius 2 holds the 13 lattice points with
 * x^2 + y^2 <= 4; a = 3, b = 1 along +x holds 7 + 1 + 1 = 9 points (the
 * row y = 0 from -3 to 3, and (0, +-1)); turned by pi/2 it stands upright.
 */
static void
ellipses(void)
{
	unsigned char m[20 * 20];
	struct gt_ellipse c = { 2, 2, 0, 10, 10 }, e = { 3, 1, 0, 10, 10 };
	int32_t lab[20 * 20];
	struct gt_region *r;
	long n;

	memset(m, 0, sizeof m);
	gt_ellipse_fill(&c, 20, 20, m);
	n = gt_label(m, 20, 20, lab, &r);
	t_ok(n == 1 && r[0].area == 13 && r[0].w == 5 && r[0].h == 5,
	    "circle of radius 2: 13 pixels, 5 x 5");
	free(r);
	memset(m, 0, sizeof m);
	gt_ellipse_fill(&e, 20, 20, m);
	n = gt_label(m, 20, 20, lab, &r);
	t_ok(n == 1 && r[0].area == 9 && r[0].w == 7 && r[0].h == 3 &&
	    r[0].x == 7, "ellipse 3 x 1 along x: 9 pixels, 7 wide");
	free(r);
	memset(m, 0, sizeof m);
	e.rot = M_PI / 2;
	gt_ellipse_fill(&e, 20, 20, m);
	n = gt_label(m, 20, 20, lab, &r);
	t_ok(n == 1 && r[0].area == 9 && r[0].w == 3 && r[0].h == 7 &&
	    r[0].y == 7, "turned by pi/2: 7 high");
	free(r);
	memset(m, 0, sizeof m);
	e.cx = 0;
	e.rot = 0;
	gt_ellipse_fill(&e, 20, 20, m);
	n = gt_label(m, 20, 20, lab, &r);
	t_ok(n == 1 && r[0].area == 6 && r[0].x == 0,
	    "ellipse cut by the image edge");
	free(r);
}

static void
mvtec_demo(void)
{
	unsigned char *m;
	const struct gt_item *it;
	struct gt g;
	int i, fg = 0;

	if (!t_ok(gt_load(&g, "mvtec:testdata/demo", err, sizeof err) == 0,
	    "mvtec: testdata/demo loads")) {
		printf("# %s\n", err);
		return;
	}
	t_ok(g.n == 36 && g.ncls == 1 && strcmp(g.cls[0], "defect") == 0,
	    "mvtec: 12 test and 24 training images, one class 'defect'");
	it = gt_find(&g, "testdata/demo/train/good/005.png");
	t_ok(it != NULL && !gt_defective(it), "mvtec: training normals listed "
	    "as defect-free");
	it = gt_find(&g, "./testdata//demo/test/defect/003.png");
	t_ok(it != NULL && strcmp(it->key, "test/defect/003.png") == 0 &&
	    gt_defective(it) && it->mask != NULL && strcmp(it->mask,
	    "testdata/demo/ground_truth/defect/003_mask.png") == 0,
	    "mvtec: path found by key, mask named");
	it = gt_find(&g, "/elsewhere/test/good/001.png");
	t_ok(it != NULL && !gt_defective(it) && it->mask == NULL,
	    "mvtec: good image found under another root");
	t_ok(gt_find(&g, "test/good/999.png") == NULL &&
	    gt_find(&g, "xtest/good/001.png") == NULL,
	    "mvtec: unknown paths and partial components do not match");
	it = gt_find(&g, "test/defect/000.png");
	m = malloc(128 * 128);
	if (t_ok(it && gt_mask(it, 128, 128, m, err, sizeof err) == 0,
	    "mvtec: mask loads")) {
		for (i = 0; i < 128 * 128; i++)
			fg += m[i];
		t_ok(fg > 0 && fg < 128 * 128, "mvtec: mask has defect pixels");
	}
	t_ok(gt_mask(it, 64, 128, m, err, sizeof err) == -1 &&
	    strstr(err, "is 128x128, the map 64x128") != NULL,
	    "mvtec: mask of another size refused");
	free(m);
	gt_free(&g);
}

static void
dagm07(void)
{
	const struct gt_item *it;
	unsigned char m[40 * 30];
	struct gt g;
	int i, fg = 0;

	mkdir(at("Class3_def"), 0755);
	mkdir(at("Class3"), 0755);
	put("Class3_def/labels.txt",
	    "1\t6.5\t2.0\t0.5\t20\t15\n2\t3\t3\t0\t5\t5\n\n");
	png("Class3_def/1.png", 40, 30, 0.5f, 0, 0, 0, 0);
	png("Class3_def/2.png", 40, 30, 0.5f, 0, 0, 0, 0);
	png("Class3/1.png", 40, 30, 0.5f, 0, 0, 0, 0);
	png("Class3/7.png", 40, 30, 0.5f, 0, 0, 0, 0);
	snprintf(spec, sizeof spec, "dagm07:%s/Class3_def", tmp);
	if (!t_ok(gt_load(&g, spec, err, sizeof err) == 0, "dagm07 loads")) {
		printf("# %s\n", err);
		return;
	}
	t_ok(g.n == 4 && g.ncls == 1 && strcmp(g.cls[0], "Class3") == 0,
	    "dagm07: 2 defective + 2 defect-free, class 'Class3'");
	it = gt_find(&g, "data/Class3_def/1.png");
	t_ok(it && it->ell && it->ell->a == 6.5 && it->ell->rot == 0.5 &&
	    it->ell->cx == 20 && it->ell->cy == 15 && gt_defective(it),
	    "dagm07: ellipse read in the order major, minor, angle, x, y");
	if (it && gt_mask(it, 40, 30, m, err, sizeof err) == 0)
		for (i = 0; i < 40 * 30; i++)
			fg += m[i];
	/* area of an ellipse pi a b = 40.8; lattice count close to it */
	t_ok(fg > 34 && fg < 48 && m[15 * 40 + 20] && m[18 * 40 + 25] &&
	    !m[12 * 40 + 25], "dagm07: ellipse rasterised along its angle");
	it = gt_find(&g, "Class3/1.png");
	t_ok(it && !gt_defective(it), "dagm07: sibling images defect-free");
	gt_free(&g);
	put("Class3_def/labels.txt", "1\t6.5\t2.0\t0.5\t20\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "labels.txt:1: expected 6 fields") != NULL, "dagm07: short line");
	put("Class3_def/labels.txt", "1\t6.5\t2.0\t0.5\t20\tx\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "labels.txt:1: 'x' is not a number") != NULL,
	    "dagm07: bad number");
}

static void
dagm_small(void)
{
	const struct gt_item *it;
	struct gt g;

	mkdir(at("d1"), 0755);
	mkdir(at("d1/Test"), 0755);
	mkdir(at("d1/Test/Label"), 0755);
	put("d1/Test/Label/Labels.txt", "1\n0001\t0\t0001.PNG\t0\t0\t\n"
	    "0002\t1\t0002.PNG\t0\t0002_label.PNG\n");
	png("d1/Test/Label/0002_label.PNG", 8, 8, 0, 2, 2, 3, 1);
	snprintf(spec, sizeof spec, "dagm:%s/d1", tmp);
	if (!t_ok(gt_load(&g, spec, err, sizeof err) == 0, "dagm loads")) {
		printf("# %s\n", err);
		return;
	}
	it = gt_find(&g, "x/Test/0002.PNG");
	t_ok(g.n == 2 && g.ncls == 1 && strcmp(g.cls[0], "d1") == 0 &&
	    it && gt_defective(it), "dagm: class from the directory above "
	    "Test, defective image with its label");
	gt_free(&g);
	put("d1/Test/Label/Labels.txt", "1\n0001\t1\t0001.PNG\t0\t0\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "Labels.txt:2: defective image without a label file") != NULL,
	    "dagm: defective without label refused");
	put("d1/Test/Label/Labels.txt", "1\n0001\t2\t0001.PNG\t0\t0\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "Labels.txt:2: defective flag '2' is not 0 or 1") != NULL,
	    "dagm: bad flag refused");
}

static void
masks_and_boxes(void)
{
	const struct gt_item *it;
	unsigned char m[64];
	struct gt g;
	int i, fg = 0;

	mkdir(at("m"), 0755);
	png("m/a_mask.png", 8, 8, 0, 1, 1, 2, 1);
	png("m/b.png", 8, 8, 0, 0, 0, 8, 0.49f);
	snprintf(spec, sizeof spec, "masks:%s/m", tmp);
	if (t_ok(gt_load(&g, spec, err, sizeof err) == 0, "masks loads")) {
		it = gt_find(&g, "any/where/a.jpg");
		if (t_ok(it && gt_defective(it) && gt_mask(it, 8, 8, m, err,
		    sizeof err) == 0, "masks: found by stem, _mask stripped"))
			for (i = 0; i < 64; i++)
				fg += m[i];
		t_ok(fg == 4, "masks: 2 x 2 defect");
		it = gt_find(&g, "b.bmp");
		fg = 0;
		if (it && gt_mask(it, 8, 8, m, err, sizeof err) == 0)
			for (i = 0; i < 64; i++)
				fg += m[i];
		t_ok(it && fg == 0, "masks: values below half are background");
		t_ok(gt_find(&g, "c.png") == NULL, "masks: no mask, no item");
		gt_free(&g);
	}
	put("b.ndjson", "{\"image\":\"p/1.png\",\"boxes\":[{\"x\":1,\"y\":2,"
	    "\"w\":3,\"h\":4},{\"x\":0,\"y\":0,\"w\":1,\"h\":1}],"
	    "\"class\":\"scratch\"}\n\n{\"image\":\"p/2.png\",\"boxes\":[]}\n"
	    "{\"image\":\"p/3.png\",\"boxes\":[{\"x\":5,\"y\":5,\"w\":2,"
	    "\"h\":2}]}\n");
	snprintf(spec, sizeof spec, "boxes:%s/b.ndjson", tmp);
	if (t_ok(gt_load(&g, spec, err, sizeof err) == 0, "boxes loads")) {
		it = gt_find(&g, "/data/p/1.png");
		t_ok(g.ncls == 2 && it && it->nbox == 2 && it->box[0].h == 4 &&
		    strcmp(g.cls[it->cls], "scratch") == 0,
		    "boxes: two classes, boxes read");
		it = gt_find(&g, "p/2.png");
		t_ok(it && !gt_defective(it) && !gt_has_masks(&g),
		    "boxes: empty list is defect-free, no masks");
		gt_free(&g);
	}
	put("b.ndjson", "{\"image\":\"p/1.png\",\"boxes\":[{\"x\":1,\"y\":2,"
	    "\"w\":0,\"h\":4}]}\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "b.ndjson:1: box 1 is empty") != NULL, "boxes: empty box");
	put("b.ndjson", "{\"image\":\"p/1.png\",\"boxes\":[]}\n{\"image\":"
	    "\"p/1.png\",\"boxes\":[]}\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "'p/1.png' is listed twice") != NULL, "boxes: duplicate image");
	put("b.ndjson", "{\"image\":\"p/1.png\",\"boxes\":[{\"x\":1.5,"
	    "\"y\":2,\"w\":1,\"h\":4}]}\n[1]\n");
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strstr(err,
	    "b.ndjson:1: box 1 has no integer \"x\"") != NULL,
	    "boxes: fractional coordinate");
}

static void
errors(void)
{
	struct gt g;

	t_ok(gt_load(&g, "coco:x", err, sizeof err) == -1 && strcmp(err,
	    "unknown ground-truth kind 'coco' (mvtec, dagm, dagm07, masks, "
	    "boxes)") == 0, "unknown kind");
	t_ok(gt_load(&g, "mvtec:", err, sizeof err) == -1 && strcmp(err,
	    "ground truth 'mvtec:' names no path") == 0, "no path");
	t_ok(gt_load(&g, "mvtec:/nonexistent", err, sizeof err) == -1 &&
	    strcmp(err, "/nonexistent/test: No such file or directory") == 0,
	    "missing root");
	mkdir(at("mv"), 0755);
	mkdir(at("mv/test"), 0755);
	mkdir(at("mv/test/crack"), 0755);
	png("mv/test/crack/000.png", 4, 4, 0, 0, 0, 0, 0);
	snprintf(spec, sizeof spec, "mvtec:%s/mv", tmp);
	t_ok(gt_load(&g, spec, err, sizeof err) == -1 && strcmp(err,
	    "no mask 'ground_truth/crack/000_mask.png' for "
	    "'test/crack/000.png'") == 0, "mvtec: missing mask");
}

static void
shared(void)
{
	const char *d = t_shared();
	const struct gt_item *it;
	unsigned char *m;
	struct gt g;
	size_t i, ndef = 0;
	long fg = 0;

	if (d == NULL) {
		t_skip("shared datasets", "../shared/datasets not found");
		return;
	}
	snprintf(spec, sizeof spec, "mvtec:%s/magnetic-tile", d);
	if (t_ok(gt_load(&g, spec, err, sizeof err) == 0,
	    "magnetic-tile loads as MVTec")) {
		for (i = 0; i < g.n; i++)
			ndef += gt_defective(&g.item[i]);
		t_ok(g.n == 582 + 762 && ndef == 392 && g.ncls == 5 &&
		    strcmp(g.cls[0], "blowhole") == 0, "magnetic-tile: 582 "
		    "test and 762 training images, 392 defective, 5 classes");
		gt_free(&g);
	}
	snprintf(spec, sizeof spec, "dagm:%s/dagm-class1", d);
	if (t_ok(gt_load(&g, spec, err, sizeof err) == 0, "dagm-class1 loads")) {
		for (ndef = 0, i = 0; i < g.n; i++)
			ndef += gt_defective(&g.item[i]);
		t_ok(g.n == 400 && ndef == 71 && g.ncls == 1 &&
		    strcmp(g.cls[0], "dagm-class1") == 0,
		    "dagm-class1: 400 images, 71 defective");
		snprintf(buf, sizeof buf, "%s/dagm-class1/Test/0002.PNG", d);
		it = gt_find(&g, buf);
		m = malloc(512 * 512);
		if (t_ok(it && gt_mask(it, 512, 512, m, err, sizeof err) == 0,
		    "dagm-class1: label image of 0002 loads"))
			for (i = 0; i < 512 * 512; i++)
				fg += m[i];
		t_ok(fg == 7111, "dagm-class1: 0002 has 7111 defect pixels");
		free(m);
		gt_free(&g);
	}
}

int
main(void)
{
	if (mkdtemp(tmp) == NULL)
		return 1;
	label_vs_cc();
	label_vs_scipy();
	ellipses();
	mvtec_demo();
	dagm07();
	dagm_small();
	masks_and_boxes();
	errors();
	shared();
	snprintf(buf, sizeof buf, "rm -rf '%s'", tmp);
	if (system(buf) != 0)
		return 1;
	return t_done();
}
