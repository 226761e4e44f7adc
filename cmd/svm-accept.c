/*
 * svm-accept: pass/fail decisions from per-image features with a libsvm
 * SVM.  "svm-accept train" learns a model from records that carry a
 * "features" object and a pass/fail label; "svm-accept -m model" adds
 * "accept", "p_fail" and "decision" to every record, passing the rest
 * through.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libsvm/svm.h>

#include "featvec.h"	/* featvec_get(): the "features" object */
#include "labels.h"	/* labels_load(), labels_word(): pass/fail */
#include "ndjson.h"	/* ndj_open(), ndj_next(), ndj_put(), rec_set() */
#include "scale.h"	/* scale_fit(), scale_apply() */
#include "svmfile.h"	/* svmfile_save(), svmfile_load(), svmfile_predict() */
#include "svmfit.h"	/* svmfit_train(): C-SVC, weights, grid search */
#include "util.h"	/* progname, die(), parse_long(), RC_* */

static const char usage_text[] =
    "usage: svm-accept train [-Gkv] [-c cost] [-F features] [-g gamma] "
    "[-j key]\n"
    "           [-K kernel] [-L labels] [-l field] [-M metric] "
    "[-S scaling]\n"
    "           [-s seed] [-w pass,fail] [-x folds] "
    "[--log2c begin,end,step]\n"
    "           [--log2g begin,end,step] -o model [file ...]\n"
    "       svm-accept [-ek] [-t threshold] -m model [file ...]\n";
static const char help_text[] =
    "train: learn a model from records with \"features\" and a label\n"
    "  -o, --output=FILE      write the model to FILE (required)\n"
    "  -F, --features=LIST    features to use, A,B,... (default: the first "
    "record's)\n"
    "  -l, --label=FIELD      field holding \"pass\" or \"fail\" (default "
    "label)\n"
    "  -L, --labels=FILE      labels from FILE, lines "
    "\"<key><TAB>pass|fail\"\n"
    "  -j, --key=FIELD        field whose value is looked up in -L (default "
    "image)\n"
    "  -S, --scaling=METHOD   minmax (to [-1,1]) or standard (default "
    "minmax)\n"
    "  -K, --kernel=KERNEL    rbf or linear (default rbf)\n"
    "  -c, --cost=C           SVM cost C (default 1)\n"
    "  -g, --gamma=G          RBF gamma (default 1/number of features)\n"
    "  -w, --weights=P,F      weights of pass and fail (default: inverse "
    "frequency)\n"
    "  -x, --folds=K          K-fold cross-validation (default 5 with -G, "
    "else none)\n"
    "  -G, --grid             choose C and gamma by cross-validation\n"
    "      --log2c=B,E,S      grid of log2 C (default -5,15,2)\n"
    "      --log2g=B,E,S      grid of log2 gamma (default 3,-15,-2)\n"
    "  -M, --metric=M         grid criterion: balanced or accuracy "
    "(default balanced)\n"
    "  -s, --seed=N           seed of libsvm's random folds (default 1)\n"
    "  -k, --keep-going       report bad records, train on the rest\n"
    "  -v, --verbose          libsvm's messages and grid progress to "
    "stderr\n"
    "predict: add \"accept\", \"p_fail\" and \"decision\" to each record\n"
    "  -m, --model=FILE       model written by svm-accept train (required)\n"
    "  -t, --threshold=P      accept when p_fail < P (default 0.5)\n"
    "  -e, --exit-status      exit 1 if any record was rejected\n"
    "  -k, --keep-going       report bad records and continue\n"
    "  -h, --help             this text;   -V, --version   print the "
    "version\n";

enum { OPT_LOG2C = 256, OPT_LOG2G };

static const struct option train_longopts[] = {
	{ "cost",	required_argument,	NULL, 'c' },
	{ "features",	required_argument,	NULL, 'F' },
	{ "gamma",	required_argument,	NULL, 'g' },
	{ "grid",	no_argument,		NULL, 'G' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "key",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "kernel",	required_argument,	NULL, 'K' },
	{ "label",	required_argument,	NULL, 'l' },
	{ "labels",	required_argument,	NULL, 'L' },
	{ "log2c",	required_argument,	NULL, OPT_LOG2C },
	{ "log2g",	required_argument,	NULL, OPT_LOG2G },
	{ "metric",	required_argument,	NULL, 'M' },
	{ "output",	required_argument,	NULL, 'o' },
	{ "scaling",	required_argument,	NULL, 'S' },
	{ "seed",	required_argument,	NULL, 's' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "weights",	required_argument,	NULL, 'w' },
	{ "folds",	required_argument,	NULL, 'x' },
	{ NULL, 0, NULL, 0 }
};

static const struct option predict_longopts[] = {
	{ "exit-status", no_argument,		NULL, 'e' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "model",	required_argument,	NULL, 'm' },
	{ "threshold",	required_argument,	NULL, 't' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct train_opts {
	const char *output, *features, *label, *labels, *key;
	enum scale_kind scaling;
	struct svmfit_opts fit;
	int kflag, verbose, folds_set;
};

/* The training set, grown one record at a time. */
struct trainset {
	char **names;		/* the features used, nfeat of them */
	size_t nfeat;
	int exact;		/* names from the first record: all required */
	double *x;		/* n rows of nfeat raw features */
	int *y;			/* n labels */
	size_t n, cap;
};

static void
help(void)
{
	printf("%s%s", usage_text, help_text);
	close_stdout();
	exit(RC_OK);
}

static void
version(void)
{
	puts("svm-accept " VERSION);
	close_stdout();
	exit(RC_OK);
}

static _Noreturn void
usage(void)
{
	fputs(usage_text, stderr);
	exit(RC_USAGE);
}

/* Split "a,b,..." into n numbers; die naming opt unless exactly n. */
static void
parse_list(const char *opt, const char *s, double *v, int n)
{
	char *copy = xstrdup(s), *p = copy, *comma;
	int i;

	for (i = 0; i < n; i++) {
		comma = strchr(p, ',');
		if ((comma == NULL) != (i == n - 1))
			die(RC_USAGE, "%s: '%s' is not %d numbers separated by "
			    "commas", opt, s, n);
		if (comma != NULL)
			*comma = '\0';
		v[i] = parse_double(opt, p, -1e300, 1e300);
		if (comma != NULL)
			p = comma + 1;
	}
	free(copy);
}

/* A number > 0 for opt; dies otherwise. */
static double
parse_positive(const char *opt, const char *s)
{
	double v = parse_double(opt, s, 0, 1e300);

	if (v == 0)
		die(RC_USAGE, "%s: '%s' is not positive", opt, s);
	return v;
}

/* The -F list as names; dies on an empty, bad or repeated name. */
static char **
parse_features(const char *s, size_t *n)
{
	char *copy = xstrdup(s), *p, *comma, **v;
	size_t i, k = 1;

	for (p = copy; *p != '\0'; p++)
		k += *p == ',';
	v = xcalloc(k, sizeof *v);
	for (p = copy, i = 0; i < k; i++) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if (!svmfile_name_ok(p))
			die(RC_USAGE, "-F: '%s' is not a feature name", p);
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j], p) == 0)
				die(RC_USAGE, "-F: feature '%s' is listed "
				    "twice", p);
		v[i] = xstrdup(p);
		if (comma != NULL)
			p = comma + 1;
	}
	free(copy);
	*n = k;
	return v;
}

static void
print_stderr(const char *s)
{
	fputs(s, stderr);
}

static void
report_point(void *arg, double C, double gamma, const struct svmfit_cv *cv)
{
	const struct train_opts *o = arg;

	if (o->fit.kernel == RBF)
		fprintf(stderr, "svm-accept: C %g gamma %g:", C, gamma);
	else
		fprintf(stderr, "svm-accept: C %g:", C);
	fprintf(stderr, " accuracy %.4f, balanced accuracy %.4f\n",
	    cv->accuracy, cv->balanced);
}

static void
parse_train(int argc, char *argv[], struct train_opts *o)
{
	const char *kernel = "rbf";
	int c;

	memset(o, 0, sizeof *o);
	svmfit_defaults(&o->fit);
	o->scaling = SCALE_MINMAX;
	o->label = "label";
	while ((c = getopt_long(argc, argv, "c:F:g:Ghj:kK:l:L:M:o:S:s:vVw:x:",
	    train_longopts, NULL)) != -1)
		switch (c) {
		case 'c': o->fit.C = parse_positive("-c", optarg); break;
		case 'F': o->features = optarg; break;
		case 'g': o->fit.gamma = parse_positive("-g", optarg); break;
		case 'G': o->fit.grid = 1; break;
		case 'j': o->key = optarg; break;
		case 'k': o->kflag = 1; break;
		case 'K': kernel = optarg; break;
		case 'l': o->label = optarg; break;
		case 'L': o->labels = optarg; break;
		case 'M':
			if (strcmp(optarg, "balanced") == 0)
				o->fit.metric = SVMFIT_BALANCED;
			else if (strcmp(optarg, "accuracy") == 0)
				o->fit.metric = SVMFIT_ACCURACY;
			else
				die(RC_USAGE, "-M: '%s' is not balanced or "
				    "accuracy", optarg);
			break;
		case 'o': o->output = optarg; break;
		case 'S':
			if (scale_kind_parse(optarg, &o->scaling) == -1)
				die(RC_USAGE, "-S: '%s' is not minmax or "
				    "standard", optarg);
			break;
		case 's': o->fit.seed = (unsigned)parse_long("-s", optarg, 0,
			    UINT_MAX);
			break;
		case 'v': o->verbose = 1; break;
		case 'w': {
			double w[2];

			parse_list("-w", optarg, w, 2);
			if (!(w[0] > 0 && w[1] > 0))
				die(RC_USAGE, "-w: '%s': weights must be "
				    "positive", optarg);
			o->fit.wpass = w[0];
			o->fit.wfail = w[1];
			break;
		}
		case 'x': o->fit.folds = (int)parse_long("-x", optarg, 2,
			    1000000);
			o->folds_set = 1;
			break;
		case OPT_LOG2C: case OPT_LOG2G: {
			const char *name = c == OPT_LOG2C ? "--log2c" :
			    "--log2g";
			double *r = c == OPT_LOG2C ? o->fit.log2c :
			    o->fit.log2g;

			parse_list(name, optarg, r, 3);
			if (svmfit_range_len(r) == 0 || fabs(r[0]) > 100 ||
			    fabs(r[1]) > 100)
				die(RC_USAGE, "%s: '%s' is not a range "
				    "begin,end,step within -100..100", name,
				    optarg);
			o->fit.grid = 1;
			break;
		}
		case 'h': help(); break;
		case 'V': version(); break;
		default: usage();
		}
	if (strcmp(kernel, "rbf") == 0)
		o->fit.kernel = RBF;
	else if (strcmp(kernel, "linear") == 0)
		o->fit.kernel = LINEAR;
	else
		die(RC_USAGE, "-K: '%s' is not rbf or linear", kernel);
	if (o->output == NULL)
		die(RC_USAGE, "train: -o model is required");
	if (o->key != NULL && o->labels == NULL)
		die(RC_USAGE, "train: -j needs -L");
	if (o->key == NULL)
		o->key = "image";
	if (o->fit.grid && !o->folds_set)
		o->fit.folds = 5;
	if (o->verbose) {
		o->fit.print = print_stderr;
		o->fit.report = report_point;
		o->fit.arg = o;
	}
}

/* The label of rec, from the labels file or its field; 0 if reported. */
static int
get_label(const struct ndj *in, const cJSON *rec, const struct train_opts *o,
    const struct labels *lab)
{
	const char *field = lab != NULL ? o->key : o->label, *s;
	int y = 0;

	if ((s = rec_get_string(rec, field)) == NULL)
		warnrec(in, "record has no \"%s\" string", field);
	else if (lab != NULL && (y = labels_get(lab, s)) == 0)
		warnrec(in, "'%s' has no label in '%s'", s, o->labels);
	else if (lab == NULL && (y = labels_word(s)) == 0)
		warnrec(in, "label '%s' is not \"pass\" or \"fail\"", s);
	else
		return y;
	return 0;
}

/* Add rec to t.  0, or -1 once reported. */
static int
add_record(const struct ndj *in, const cJSON *rec, struct trainset *t,
    const struct train_opts *o, const struct labels *lab)
{
	char err[256];
	size_t i;
	int r, y;

	if ((y = get_label(in, rec, o, lab)) == 0)
		return -1;
	if (t->names == NULL) {		/* the first good record decides */
		if ((r = featvec_names(rec, &t->names, &t->nfeat, err,
		    sizeof err)) == -2)
			die(RC_SYS, "out of memory");
		if (r == -1)
			return warnrec(in, "%s", err);
		for (i = 0; i < t->nfeat; i++)
			if (!svmfile_name_ok(t->names[i])) {
				warnrec(in, "feature name '%s' has spaces or "
				    "control characters", t->names[i]);
				featvec_names_free(t->names, t->nfeat);
				t->names = NULL;
				return -1;
			}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->x = xrealloc(t->x, t->cap * t->nfeat * sizeof *t->x);
		t->y = xrealloc(t->y, t->cap * sizeof *t->y);
	}
	if (featvec_get(rec, t->names, t->nfeat, t->exact, t->x + t->n *
	    t->nfeat, err, sizeof err) == -1) {
		if (t->n == 0 && t->exact) {	/* not decided after all */
			featvec_names_free(t->names, t->nfeat);
			t->names = NULL;
		}
		return warnrec(in, "%s", err);
	}
	t->y[t->n++] = y;
	return 0;
}

static void
trainset_free(struct trainset *t)
{
	featvec_names_free(t->names, t->nfeat);
	free(t->x);
	free(t->y);
	memset(t, 0, sizeof *t);
}

/* The summary record of a training run, on stdout. */
static void
put_summary(const struct train_opts *o, const struct trainset *t,
    const struct svmfit *f)
{
	cJSON *s = cJSON_CreateObject(), *names;
	int ok;

	names = cJSON_CreateStringArray((const char *const *)t->names,
	    (int)t->nfeat);
	ok = rec_set_string(s, "model", o->output) == 0 &&
	    rec_set_number(s, "records", (double)t->n) == 0 &&
	    rec_set_number(s, "pass", (double)f->npass) == 0 &&
	    rec_set_number(s, "fail", (double)f->nfail) == 0 &&
	    rec_set(s, "features", names) == 0 &&
	    rec_set_string(s, "scaling", scale_kind_name(o->scaling)) == 0 &&
	    rec_set_string(s, "kernel", o->fit.kernel == RBF ? "rbf" :
	    "linear") == 0 &&
	    rec_set_number(s, "C", f->C) == 0 &&
	    (o->fit.kernel != RBF ||
	    rec_set_number(s, "gamma", f->gamma) == 0) &&
	    rec_set_number(s, "weight_pass", f->wpass) == 0 &&
	    rec_set_number(s, "weight_fail", f->wfail) == 0 &&
	    rec_set_number(s, "support_vectors", f->model->l) == 0;
	if (ok && f->grid_points > 0)
		ok = rec_set_number(s, "grid_points", f->grid_points) == 0;
	if (ok && f->have_cv)
		ok = rec_set_number(s, "cv_folds", o->fit.folds) == 0 &&
		    rec_set_number(s, "cv_accuracy", f->cv.accuracy) == 0 &&
		    rec_set_number(s, "cv_balanced_accuracy",
		    f->cv.balanced) == 0 &&
		    rec_set_number(s, "cv_false_accept",
		    f->cv.false_accept) == 0 &&
		    rec_set_number(s, "cv_false_reject",
		    f->cv.false_reject) == 0;
	if (!ok)
		die(RC_SYS, "out of memory");
	ndj_put(stdout, s, 1);
	cJSON_Delete(s);
}

static int
train(int argc, char *argv[])
{
	struct trainset t = { 0 };
	struct labels *lab = NULL;
	struct train_opts o;
	struct svmfile m = { 0 };
	struct svmfit f;
	struct ndj *in;
	size_t i, nbad = 0;
	char err[512];
	double *xs;
	cJSON *rec;
	int r, ok;

	parse_train(argc, argv, &o);
	if (o.features != NULL)
		t.names = parse_features(o.features, &t.nfeat);
	t.exact = o.features == NULL;
	if (o.labels != NULL && labels_load(&lab, o.labels, err,
	    sizeof err) == -1)
		die(RC_DATA, "%s", err);

	in = ndj_open(argc - optind, argv + optind);
	while ((r = ndj_next(in, &rec)) != 0) {
		ok = r == 1 && add_record(in, rec, &t, &o, lab) == 0;
		cJSON_Delete(rec);
		nbad += !ok;
		if (!ok && !o.kflag)
			break;
	}
	ndj_close(in);
	labels_free(lab);
	if (nbad > 0 && !o.kflag) {	/* fail-fast: no model written */
		trainset_free(&t);
		return RC_DATA;
	}
	for (i = 0, r = 0; i < t.n; i++)
		r += t.y[i] == SVMFILE_FAIL;
	if (r == 0 || (size_t)r == t.n)
		die(RC_DATA, "training needs pass and fail records: got %zu "
		    "pass, %d fail", t.n - (size_t)r, r);
	if ((size_t)o.fit.folds > t.n)
		die(RC_DATA, "%d-fold cross-validation needs at least %d "
		    "records, got %zu", o.fit.folds, o.fit.folds, t.n);

	if (scale_init(&m.scale, o.scaling, t.nfeat) == -1)
		die(RC_SYS, "out of memory");
	if (scale_fit(&m.scale, t.x, t.n, err, sizeof err) == -1)
		die(RC_DATA, "cannot scale: %s", err);
	xs = xmalloc(t.n * t.nfeat * sizeof *xs);
	for (i = 0; i < t.n; i++)
		scale_apply(&m.scale, t.x + i * t.nfeat, xs + i * t.nfeat);
	if (svmfit_train(&f, xs, t.y, t.n, t.nfeat, &o.fit, err,
	    sizeof err) == -1)
		die(RC_SYS, "training failed: %s", err);
	m.nfeat = t.nfeat;
	m.names = t.names;
	m.model = f.model;
	if (svmfile_save(&m, o.output, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	put_summary(&o, &t, &f);

	svmfit_free(&f);
	scale_free(&m.scale);
	trainset_free(&t);
	free(xs);
	close_stdout();
	return nbad > 0 ? RC_DATA : RC_OK;
}

/*
 * The first record with features decides whether the model fits the
 * stream: one lacking the model's features means a model trained on other
 * features (or the wrong stream), which no record of it can fix.
 */
static void
check_fit(const struct ndj *in, const cJSON *rec, const struct svmfile *m,
    const char *path)
{
	const char *first;
	size_t k = featvec_missing(rec, m->names, m->nfeat, &first);

	if (k == 1)
		die(RC_MODEL, "%s:%ld: model '%s' was trained on other "
		    "features: the records lack '%s'", ndj_file(in),
		    ndj_line(in), path, first);
	if (k > 1)
		die(RC_MODEL, "%s:%ld: model '%s' was trained on other "
		    "features: the records lack '%s' and %zu more",
		    ndj_file(in), ndj_line(in), path, first, k - 1);
}

/* Add the decision to rec.  1 accepted, 0 rejected, -1 once reported. */
static int
decide(const struct ndj *in, cJSON *rec, struct svmfile *m, double *feat,
    double threshold)
{
	double p_fail, decision;
	char err[256];
	int accept;

	if (featvec_get(rec, m->names, m->nfeat, 0, feat, err,
	    sizeof err) == -1 ||
	    svmfile_predict(m, feat, &p_fail, &decision, err,
	    sizeof err) == -1)
		return warnrec(in, "%s", err);
	accept = p_fail < threshold;
	if (rec_set(rec, "accept", cJSON_CreateBool(accept)) == -1 ||
	    rec_set_number(rec, "p_fail", p_fail) == -1 ||
	    rec_set_number(rec, "decision", decision) == -1)
		die(RC_SYS, "out of memory");
	return accept;
}

static int
predict(int argc, char *argv[])
{
	int c, r, eflag = 0, kflag = 0, checked = 0;
	const char *model = NULL;
	double threshold = 0.5, *feat;
	long nbad = 0, nrejected = 0;
	struct svmfile m;
	struct ndj *in;
	char err[512];
	cJSON *rec;

	while ((c = getopt_long(argc, argv, "ehkm:t:V", predict_longopts,
	    NULL)) != -1)
		switch (c) {
		case 'e': eflag = 1; break;
		case 'k': kflag = 1; break;
		case 'm': model = optarg; break;
		case 't': threshold = parse_double("-t", optarg, 0, 1); break;
		case 'h': help(); break;
		case 'V': version(); break;
		default: usage();
		}
	if (model == NULL)
		die(RC_USAGE, "-m model is required (or train one with "
		    "'svm-accept train')");
	if ((r = svmfile_load(&m, model, err, sizeof err)) != 0)
		die(r == -1 ? RC_MODEL : RC_SYS, "%s", err);
	feat = xmalloc(m.nfeat * sizeof *feat);

	in = ndj_open(argc - optind, argv + optind);
	while ((r = ndj_next(in, &rec)) != 0) {
		if (r == 1 && !checked &&
		    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rec,
		    "features"))) {
			check_fit(in, rec, &m, model);
			checked = 1;
		}
		if (r == 1)
			r = decide(in, rec, &m, feat, threshold);
		if (r >= 0)
			ndj_put(stdout, rec, 1);	/* flush: image rate */
		cJSON_Delete(rec);
		nrejected += r == 0;
		nbad += r == -1;
		if (r == -1 && !kflag)
			break;
	}
	ndj_close(in);
	svmfile_free(&m);
	free(feat);
	close_stdout();
	if (nbad > 0)
		return RC_DATA;
	return eflag && nrejected > 0 ? RC_FALSE : RC_OK;
}

int
main(int argc, char *argv[])
{
	/* getopt's messages start with argv[0]: make it stable too */
	static char name[] = "svm-accept", train_name[] = "svm-accept train";

	progname = name;	/* fixed: stable stderr goldens */
	argv[0] = name;
	if (argc > 1 && strcmp(argv[1], "train") == 0) {
		argv[1] = train_name;
		return train(argc - 1, argv + 1);
	}
	return predict(argc, argv);
}
