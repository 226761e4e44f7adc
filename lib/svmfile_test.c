/*
 * svmfile_test: a model trained here is saved, read back and predicts as
 * the trained one did; the file's header says what it should; and every
 * kind of bad model file is refused with its message: missing, foreign,
 * newer, truncated, damaged, and (with a valid checksum, as a buggy or
 * hostile writer could make) inconsistent.  Also the fixtures in
 * testdata/svm-accept/bad/, which the golden cases use too.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsvm/svm.h>

#include "crc32.h"
#include "scale.h"
#include "svmfile.h"
#include "svmfit.h"
#include "test.h"

#define N	60
#define NF	3

static unsigned long rng = 99;

static double
uniform(void)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (double)(rng >> 11) / (double)(1ul << 53);
}

/* Raw features of part i: count, area, score; every fourth part fails. */
static void
make_set(double *raw, int *y)
{
	int i;

	for (i = 0; i < N; i++) {
		int fail = i % 4 == 3;

		y[i] = fail ? SVMFILE_FAIL : SVMFILE_PASS;
		raw[NF * i] = fail ? 1 + (i % 3) : (i % 5 == 0);
		raw[NF * i + 1] = fail ? 200 + 300 * uniform() : 40 * uniform();
		raw[NF * i + 2] = fail ? 0.5 + 0.4 * uniform() :
		    0.6 * uniform();
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 64);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

/*
 * Replace the first occurrence of from by to in the model text m (room
 * for 64 more bytes), then, if reseal, give it a valid checksum again.
 * 0, or -1 if from is not there.
 */
static int
edit(char *m, size_t *len, const char *from, const char *to, int reseal)
{
	char *p = strstr(m, from), *t;
	size_t lf = strlen(from), lt = strlen(to);

	if (p == NULL)
		return -1;
	memmove(p + lt, p + lf, *len - (size_t)(p - m) - lf + 1);
	memcpy(p, to, lt);
	*len = *len - lf + lt;
	if (reseal) {
		t = strstr(m, "\ncrc32 ") + 1;
		sprintf(t, "crc32 %08lx\n",
		    (unsigned long)crc32_update(0, m, (size_t)(t - m)));
		*len = strlen(m);
	}
	return 0;
}

/* Parse a copy of good edited by (from -> to); compare the message. */
static void
refuse(const char *good, size_t glen, const char *from, const char *to,
    int reseal, const char *want, const char *what)
{
	char *m = malloc(glen + 64), err[256];
	struct svmfile s;
	size_t len = glen;
	int r;

	memcpy(m, good, glen + 1);
	if (edit(m, &len, from, to, reseal) == -1) {
		t_ok(0, what);
		printf("# '%s' not in the model\n", from);
		free(m);
		return;
	}
	r = svmfile_parse(&s, "m.svm", m, len, err, sizeof err);
	if (r == 0)
		svmfile_free(&s);
	if (r != -1 || strcmp(err, want) != 0)
		printf("# got '%s'\n", r == -1 ? err : "(accepted)");
	t_ok(r == -1 && strcmp(err, want) == 0, what);
	free(m);
}

/* Every file in testdata/svm-accept/bad/ must be refused. */
static void
bad_fixtures(void)
{
	const char *dir = "testdata/svm-accept/bad";
	struct dirent *e;
	struct svmfile s;
	char path[512], err[256], what[600];
	int n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		t_skip("bad model fixtures", "run from the repository root");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(what, sizeof what, "refuses %s", path);
		if (svmfile_load(&s, path, err, sizeof err) == 0) {
			svmfile_free(&s);
			t_ok(0, what);
		} else {
			t_ok(strncmp(err, "model '", 7) == 0, what);
		}
		n++;
	}
	closedir(d);
	t_ok(n >= 5, "at least five bad model fixtures");
}

int
main(void)
{
	char count[] = "count", area[] = "area", score[] = "score";
	char *names[NF] = { count, area, score };
	double raw[NF * N], x[NF * N], pf, dec, p[2];
	char dir[] = "/tmp/svmfile_test.XXXXXX", path[64], err[256];
	struct svmfile m, l, l2;
	struct svmfit_opts o;
	struct svm_node node[NF + 1];
	size_t i, k, len;
	struct svmfit f;
	int y[N], same, ok, right;
	double maxdiff = 0;
	char *text;

	t_ok(svmfile_name_ok("dct_0") && svmfile_name_ok("größe"),
	    "names: plain and UTF-8");
	t_ok(!svmfile_name_ok("") && !svmfile_name_ok("a b") &&
	    !svmfile_name_ok("a\tb") && !svmfile_name_ok("a\x7f"),
	    "names: empty, space, tab, DEL refused");

	make_set(raw, y);
	memset(&m, 0, sizeof m);
	scale_init(&m.scale, SCALE_MINMAX, NF);
	t_ok(scale_fit(&m.scale, raw, N, err, sizeof err) == 0, "fit scale");
	for (i = 0; i < N; i++)
		scale_apply(&m.scale, raw + NF * i, x + NF * i);
	svmfit_defaults(&o);
	t_ok(svmfit_train(&f, x, y, N, NF, &o, err, sizeof err) == 0,
	    "train");
	m.nfeat = NF;
	m.names = names;
	m.model = f.model;

	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof path, "%s/m.svm", dir);
	ok = svmfile_save(&m, path, err, sizeof err) == 0;
	if (!ok)
		printf("# %s\n", err);
	t_ok(ok, "save");
	text = slurp(path, &len);
	t_ok(text != NULL && strncmp(text, "linekit-svm 1\nlibsvm ", 21) == 0,
	    "magic and version line");
	t_ok(text != NULL && strstr(text, "\nscaling minmax\nfeature count 0 "
	    "3\nfeature area ") != NULL, "scaling and feature lines");
	t_ok(text != NULL && strstr(text, "\nmodel\nsvm_type c_svc\n"
	    "kernel_type rbf\n") != NULL, "libsvm's model follows");
	t_ok(text != NULL && len > 16 &&
	    strncmp(text + len - 15, "crc32 ", 6) == 0,
	    "ends with the checksum");

	t_ok(svmfile_load(&l, path, err, sizeof err) == 0, "load");
	t_ok(l.nfeat == NF && strcmp(l.names[0], "count") == 0 &&
	    strcmp(l.names[2], "score") == 0, "names round trip");
	same = l.scale.kind == SCALE_MINMAX;
	for (k = 0; k < NF; k++)
		same = same && l.scale.a[k] == m.scale.a[k] &&
		    l.scale.b[k] == m.scale.b[k];
	t_ok(same, "scaling round trips exactly");

	/* the loaded model predicts as the trained one did */
	right = 0;
	for (i = 0; i < N; i++) {
		for (k = 0; k < NF; k++) {
			node[k].index = (int)k + 1;
			node[k].value = x[NF * i + k];
		}
		node[NF].index = -1;
		svm_predict_probability(f.model, node, p);
		if (svmfile_predict(&l, raw + NF * i, &pf, &dec, err,
		    sizeof err) == -1)
			break;
		p[0] = f.model->label[0] == SVMFILE_FAIL ? p[0] : p[1];
		if (fabs(pf - p[0]) > maxdiff)
			maxdiff = fabs(pf - p[0]);
		right += (pf >= 0.5) == (y[i] == SVMFILE_FAIL) &&
		    (dec > 0) == (y[i] == SVMFILE_FAIL);
	}
	t_ok(i == N, "predict every part");
	t_near(maxdiff, 0, 1e-6, "p_fail as trained (libsvm keeps 8 digits)");
	t_ok(right >= N - 2, "p_fail and decision agree with the labels");
	raw[0] = 1e300;
	t_ok(svmfile_predict(&l, raw, &pf, &dec, err, sizeof err) == 0,
	    "a huge but finite feature still predicts");
	raw[0] = 1e308;
	t_ok(svmfile_predict(&l, raw, &pf, &dec, err, sizeof err) == -1 &&
	    strcmp(err, "feature 'count' is out of range") == 0,
	    "a feature that overflows when scaled is refused");
	t_ok(svmfile_load(&l2, path, err, sizeof err) == 0 &&
	    svmfile_predict(&l2, raw + NF, &pf, &dec, err, sizeof err) == 0 &&
	    svmfile_predict(&l, raw + NF, p, p + 1, err, sizeof err) == 0 &&
	    pf == p[0] && dec == p[1], "two loads predict identically");
	svmfile_free(&l2);
	svmfile_free(&l);

	/* standardised scaling and a linear kernel round trip too */
	scale_free(&m.scale);
	svmfit_free(&f);
	scale_init(&m.scale, SCALE_STANDARD, NF);
	scale_fit(&m.scale, raw + NF, N - 1, err, sizeof err);
	o.kernel = LINEAR;
	t_ok(svmfit_train(&f, x, y, N, NF, &o, err, sizeof err) == 0 &&
	    (m.model = f.model, svmfile_save(&m, path, err, sizeof err)) == 0,
	    "save a linear, standardised model over the first");
	t_ok(svmfile_load(&l, path, err, sizeof err) == 0 &&
	    l.scale.kind == SCALE_STANDARD &&
	    l.model->param.kernel_type == LINEAR, "load it");
	svmfile_free(&l);

	/* a bad name is refused before anything is written */
	names[1][0] = ' ';
	t_ok(svmfile_save(&m, path, err, sizeof err) == -1 &&
	    strcmp(err, "feature name ' rea' has spaces or control "
	    "characters") == 0, "refuse to write a bad feature name");
	names[1][0] = 'a';
	snprintf(err, sizeof err, "%s/no/such/dir/m.svm", dir);
	t_ok(svmfile_save(&m, err, err, sizeof err) == -1,
	    "unwritable path");

	/* refusals */
	free(text);
	svmfile_save(&m, path, err, sizeof err);
	text = slurp(path, &len);
	setenv("TMPDIR", "/nonexistent", 1);
	t_ok(svmfile_load(&l, path, err, sizeof err) == -2 &&
	    strcmp(err, "cannot create a temporary file in '/nonexistent': "
	    "No such file or directory") == 0,
	    "no temporary directory: a system failure, not a bad model");
	unsetenv("TMPDIR");
	t_ok(svmfile_load(&l, "/nonexistent/m.svm", err, sizeof err) == -1 &&
	    strcmp(err, "model '/nonexistent/m.svm': No such file or "
	    "directory") == 0, "missing file");
	t_ok(svmfile_parse(&l, "m.svm", "", 0, err, sizeof err) == -1 &&
	    strcmp(err, "model 'm.svm': not a linekit SVM model") == 0,
	    "empty file");
	refuse(text, len, "linekit-svm 1", "svm_type c_svc", 0,
	    "model 'm.svm': not a linekit SVM model", "foreign file");
	refuse(text, len, "linekit-svm 1", "linekit-svm 2", 0,
	    "model 'm.svm': version 2 is newer than this program reads (1)",
	    "newer version");
	refuse(text, len, "linekit-svm 1", "linekit-svm 0", 0,
	    "model 'm.svm': bad version line", "version 0");
	refuse(text, len, "\ncrc32 ", "\n", 0,
	    "model 'm.svm': truncated (no checksum at the end)", "truncated");
	refuse(text, len, "\nrho ", "\nrho 1", 0,
	    "model 'm.svm': damaged (checksum mismatch)", "damaged");
	refuse(text, len, "feature area", "feature count", 1,
	    "model 'm.svm': feature 'count' appears twice", "duplicate name");
	refuse(text, len, "scaling standard", "scaling robust", 1,
	    "model 'm.svm': line 3: unknown scaling method", "unknown scaling");
	refuse(text, len, "\nmodel\n", "\nmodels\n", 1,
	    "model 'm.svm': line 7: expected 'feature' or 'model'",
	    "no model line");
	refuse(text, len, "feature count ", "feature count 1e999 ", 1,
	    "model 'm.svm': line 4: expected 'feature <name> <number> "
	    "<number>'", "infinite scaling parameter");
	refuse(text, len, "kernel_type linear", "kernel_type polynomial", 1,
	    "model 'm.svm': line 9: kernel is neither linear nor rbf",
	    "polynomial kernel");
	refuse(text, len, "nr_class 2", "nr_class 3", 1,
	    "model 'm.svm': line 10: expected 'nr_class 2'", "three classes");
	refuse(text, len, "total_sv ", "total_sv 9", 1,
	    "model 'm.svm': line 16: expected 'nr_sv <count> <count>' adding "
	    "up to total_sv", "total_sv disagrees with nr_sv");
	refuse(text, len, "\nprobA", "\nprobX", 1,
	    "model 'm.svm': line 14: expected 'probA <number>' (a model "
	    "without probabilities)", "no probability model");
	refuse(text, len, " 3:", " 4:", 1,
	    "model 'm.svm': line 18: bad support vector index",
	    "index beyond the features");
	refuse(text, len, " 2:", " 2: ", 1,
	    "model 'm.svm': line 18: bad support vector value",
	    "blank after the colon");
	free(text);

	bad_fixtures();
	unlink(path);
	rmdir(dir);
	scale_free(&m.scale);
	svmfit_free(&f);
	return t_done();
}
