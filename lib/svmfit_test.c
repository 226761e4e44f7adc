/*
 * svmfit_test: grid ranges, class weights, cross-validation figures on a
 * separable and an overlapping synthetic set, the grid search's choice
 * against a point it tried, repeatability under one seed, refusals, and
 * that libsvm prints nothing to stdout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsvm/svm.h>

#include "svmfile.h"
#include "svmfit.h"
#include "test.h"

#define NPASS	40
#define NFAIL	10
#define N	(NPASS + NFAIL)

static unsigned long rng = 12345;

/* Uniform in [-1, 1) from a fixed LCG, so the data never changes. */
static double
uniform(void)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (double)(rng >> 11) / (double)(1ul << 53) * 2 - 1;
}

/*
 * Two features; passes near (-0.5, -0.5), fails near (0.5, 0.5), spread
 * by noise of half-width w (0.4: separable, 1: overlapping).
 */
static void
make_set(double *x, int *y, double w)
{
	int i;

	for (i = 0; i < N; i++) {
		double c = i < NPASS ? -0.5 : 0.5;

		y[i] = i < NPASS ? SVMFILE_PASS : SVMFILE_FAIL;
		x[2 * i] = c + w * uniform();
		x[2 * i + 1] = c + w * uniform();
	}
}

static int reports;

static void
count_report(void *arg, double C, double gamma, const struct svmfit_cv *cv)
{
	(void)arg;
	(void)C;
	(void)gamma;
	(void)cv;
	reports++;
}

static int printed;

static void
count_print(const char *s)
{
	printed += s[0] != '\0';
}

/* p_fail of the point (a, b) under f's model. */
static double
p_fail(const struct svmfit *f, double a, double b)
{
	struct svm_node x[3] = { { 1, a }, { 2, b }, { -1, 0 } };
	double p[2];

	svm_predict_probability(f->model, x, p);
	return f->model->label[0] == SVMFILE_FAIL ? p[0] : p[1];
}

int
main(void)
{
	const double r1[3] = { -5, 15, 2 }, r2[3] = { 3, -15, -2 };
	const double r3[3] = { 0, 0, 1 }, r4[3] = { 0, 1, -1 };
	const double r5[3] = { 0, 1, 0 }, r6[3] = { 0, 1e6, 1e-3 };
	struct svmfit_cv point;
	double x[2 * N];
	struct svmfit_opts o;
	struct svmfit f, g;
	char err[256];
	int y[N], y1[N], i;

	t_ok(svmfit_range_len(r1) == 11, "log2 C -5..15 step 2: 11 points");
	t_ok(svmfit_range_len(r2) == 10, "log2 gamma 3..-15 step -2: 10");
	t_ok(svmfit_range_len(r3) == 1, "a single point");
	t_ok(svmfit_range_len(r4) == 0, "step away from the end");
	t_ok(svmfit_range_len(r5) == 0, "step 0");
	t_ok(svmfit_range_len(r6) == 0, "too many points");

	svmfit_defaults(&o);
	t_ok(o.kernel == RBF && o.C == 1 && o.gamma == 0 && o.seed == 1 &&
	    o.metric == SVMFIT_BALANCED && !o.grid, "defaults");

	/* separable: perfect cross-validation */
	make_set(x, y, 0.4);
	o.folds = 5;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0,
	    "train on a separable set");
	t_ok(f.npass == NPASS && f.nfail == NFAIL, "class counts");
	t_near(f.wpass, N / (2.0 * NPASS), 1e-15, "balanced pass weight");
	t_near(f.wfail, N / (2.0 * NFAIL), 1e-15, "balanced fail weight");
	t_near(f.gamma, 0.5, 0, "gamma defaults to 1 / features");
	t_ok(f.have_cv && f.cv.accuracy == 1 && f.cv.balanced == 1 &&
	    f.cv.false_accept == 0 && f.cv.false_reject == 0,
	    "cross-validation: all right");
	t_ok(p_fail(&f, 0.6, 0.6) > 0.9, "a clear fail has high p_fail");
	t_ok(p_fail(&f, -0.6, -0.6) < 0.1, "a clear pass has low p_fail");
	svmfit_free(&f);

	/* the same seed gives the same model */
	make_set(x, y, 1);
	o.folds = 0;
	o.wpass = 1;
	o.wfail = 3;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0 &&
	    svmfit_train(&g, x, y, N, 2, &o, err, sizeof err) == 0,
	    "train twice on an overlapping set");
	t_ok(f.wpass == 1 && f.wfail == 3 && !f.have_cv, "weights as given");
	t_ok(p_fail(&f, 0.1, 0.2) == p_fail(&g, 0.1, 0.2) &&
	    f.model->probA[0] == g.model->probA[0] &&
	    f.model->l == g.model->l, "repeatable under one seed");
	svmfit_free(&f);
	svmfit_free(&g);

	/* the grid's choice is at least as good as a point it tried */
	o.wpass = o.wfail = 0;
	o.folds = 5;
	o.C = 2;
	o.gamma = 0.5;
	t_ok(svmfit_train(&g, x, y, N, 2, &o, err, sizeof err) == 0,
	    "cross-validate C 2, gamma 0.5");
	o.grid = 1;
	o.report = count_report;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0,
	    "grid search");
	t_ok(f.grid_points == 110 && reports == 110, "110 grid points");
	point = g.cv;
	t_ok(f.cv.balanced >= point.balanced, "grid best >= a grid point");
	t_ok(f.cv.balanced < 1 && f.cv.balanced > 0.5,
	    "overlapping set: imperfect but useful");
	t_ok(fabs(log2(f.C) - round(log2(f.C))) < 1e-12 &&
	    fabs(log2(f.gamma) - round(log2(f.gamma))) < 1e-12,
	    "C and gamma are powers of two from the grid");
	svmfit_free(&f);
	svmfit_free(&g);

	o.kernel = LINEAR;
	reports = 0;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0 &&
	    f.grid_points == 11 && reports == 11,
	    "linear kernel: grid over C only");
	svmfit_free(&f);
	o.kernel = RBF;
	o.report = NULL;

	/* the accuracy metric can choose differently, never worse by it */
	o.metric = SVMFIT_ACCURACY;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0 &&
	    f.cv.accuracy >= point.accuracy, "grid by accuracy");
	svmfit_free(&f);
	o.metric = SVMFIT_BALANCED;
	o.grid = 0;

	/* refusals */
	for (i = 0; i < N; i++)
		y1[i] = SVMFILE_PASS;
	t_ok(svmfit_train(&f, x, y1, N, 2, &o, err, sizeof err) == -1 &&
	    strcmp(err, "training needs both classes: 50 pass, 0 fail") == 0,
	    "one class only");
	svmfit_free(&f);
	o.folds = N + 1;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == -1,
	    "more folds than records");
	svmfit_free(&f);
	o.folds = 0;
	o.grid = 1;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == -1,
	    "grid without folds");
	svmfit_free(&f);
	o.grid = 0;
	o.C = -1;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == -1 &&
	    strcmp(err, "libsvm: C <= 0") == 0, "libsvm's parameter check");
	svmfit_free(&f);
	o.C = 1;

	/* libsvm's chatter never reaches stdout */
	{
		FILE *cap = tmpfile();
		int saved = dup(1);
		long size;

		fflush(stdout);
		dup2(fileno(cap), 1);
		o.folds = 5;
		i = svmfit_train(&f, x, y, N, 2, &o, err, sizeof err);
		svmfit_free(&f);
		fflush(stdout);
		dup2(saved, 1);
		close(saved);
		fseek(cap, 0, SEEK_END);
		size = ftell(cap);
		fclose(cap);
		t_ok(i == 0 && size == 0, "silent by default");
	}
	o.print = count_print;
	t_ok(svmfit_train(&f, x, y, N, 2, &o, err, sizeof err) == 0 &&
	    printed > 0, "libsvm's messages go to the print function");
	svmfit_free(&f);
	return t_done();
}
