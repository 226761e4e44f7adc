/*
 * svmfile: writing and reading the svm-accept model file.  libsvm's model
 * I/O takes file names only, so its part goes through a temporary file
 * both ways.  Before libsvm sees a file, the part is validated here line by
 * line (libsvm's reader trusts its input: a wrong count there overruns its
 * buffers), and the file as a whole is checked against its CRC-32.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsvm/svm.h>

#include "crc32.h"
#include "safeout.h"
#include "scale.h"
#include "svmfile.h"

#define MAGIC		"linekit-svm "
#define MAX_FILE	((size_t)1 << 30)	/* models are KB to MB */

int
svmfile_name_ok(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Numbers are read and written in the C locale whatever the process's is:
 * a model written in a locale with a decimal comma must still read back.
 */
static locale_t
c_locale_enter(locale_t *old)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

	*old = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
	return c;
}

static void
c_locale_leave(locale_t c, locale_t old)
{
	if (c != (locale_t)0) {
		uselocale(old);
		freelocale(c);
	}
}

/* Create an empty temporary file; its name into path.  0, or -1. */
static int
tmp_create(char *path, size_t len, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	int fd, n;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	n = snprintf(path, len, "%s/linekit-svm.XXXXXX", dir);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "temporary directory name is too long");
		return -1;
	}
	if ((fd = mkstemp(path)) == -1) {
		snprintf(err, errlen, "cannot create a temporary file in '%s': "
		    "%s", dir, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Read all of path into *buf (NUL-terminated, *len bytes).  0; -1 when it
 * cannot be read; -2 when memory is short.
 */
static int
read_all(const char *path, const char *what, char **buf, size_t *len,
    char *err, size_t errlen)
{
	size_t cap = 4096, n = 0, got;
	char *b = NULL, *nb;
	int rc = -1;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s '%s': %s", what, path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if ((nb = realloc(b, cap + 1)) == NULL) {
			snprintf(err, errlen, "%s '%s': out of memory", what,
			    path);
			rc = -2;
			goto fail;
		}
		b = nb;
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap >= MAX_FILE) {
			snprintf(err, errlen, "%s '%s': larger than %zu MiB",
			    what, path, MAX_FILE >> 20);
			goto fail;
		}
		cap *= 2;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s '%s': read error", what, path);
		goto fail;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(b);
	return rc;
}

/* Parsing: a cursor over [p, end), which ends just after a newline. */
struct cur {
	const char *p, *end;
	long line;
};

static void
blanks(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/* The next word (bytes up to a space or newline); its length, maybe 0. */
static size_t
word(struct cur *c, const char **w)
{
	blanks(c);
	*w = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\n')
		c->p++;
	return (size_t)(c->p - *w);
}

/* 1 if the word w (n bytes) is s. */
static int
is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(w, s, n) == 0;
}

static int
word_is(struct cur *c, const char *s)
{
	const char *w;
	size_t n = word(c, &w);

	return is(w, n, s);
}

/* Only blanks left on the line: step over its newline.  1, or 0. */
static int
eol(struct cur *c)
{
	blanks(c);
	if (c->p >= c->end || *c->p != '\n')
		return 0;
	c->p++;
	c->line++;
	return 1;
}

/* A finite number ending at a space or newline.  1, or 0. */
static int
number(struct cur *c, double *v)
{
	char *e;

	blanks(c);
	if (c->p >= c->end || isspace((unsigned char)*c->p))
		return 0;
	*v = strtod(c->p, &e);
	if (e == c->p || e >= c->end || (*e != ' ' && *e != '\n') ||
	    !isfinite(*v))
		return 0;
	c->p = e;
	return 1;
}

/*
 * An integer in [min, max] ending at a space, a newline or stop (0: no
 * other).  1, or 0.
 */
static int
integer(struct cur *c, long min, long max, char stop, long *v)
{
	char *e;

	blanks(c);
	if (c->p >= c->end || !(isdigit((unsigned char)*c->p) ||
	    *c->p == '-'))
		return 0;
	errno = 0;
	*v = strtol(c->p, &e, 10);
	if (e == c->p || e >= c->end || errno != 0 || *v < min || *v > max ||
	    (*e != ' ' && *e != '\n' && (stop == 0 || *e != stop)))
		return 0;
	c->p = e;
	return 1;
}

static int
bad_line(const struct cur *c, const char *name, const char *what, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "model '%s': line %ld: %s", name, c->line, what);
	return -1;
}

/* Qsort comparison of two name pointers. */
static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Find a name that occurs twice in names[0..n) into *dup (NULL if none).
 * 0, or -1 when memory is short.
 */
static int
duplicate_name(char *const *names, size_t n, const char **dup)
{
	char **s;
	size_t i;

	*dup = NULL;
	if ((s = malloc(n * sizeof *s)) == NULL)
		return -1;
	memcpy(s, names, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_names);
	for (i = 1; i < n && *dup == NULL; i++)
		if (strcmp(s[i - 1], s[i]) == 0)
			*dup = s[i];
	free(s);
	return 0;
}

/*
 * The header lines after the first, up to and including "model".  0; -1
 * for a bad header; -2 when memory is short.
 */
static int
parse_header(struct svmfile *m, struct cur *c, const char *name, char *err,
    size_t errlen)
{
	double *a = NULL, *b = NULL, *na, *nb;
	size_t n = 0, cap = 0, len;
	enum scale_kind kind;
	char kname[16], why[128], **nn;
	const char *w, *dup;
	int rc = -1;
	long v;

	if (!word_is(c, "libsvm") || !integer(c, 1, INT_MAX, 0, &v) ||
	    !eol(c))
		return bad_line(c, name, "expected 'libsvm <version>'", err,
		    errlen);
	m->libsvm_version = (int)v;
	if (!word_is(c, "scaling"))
		return bad_line(c, name, "expected 'scaling <method>'", err,
		    errlen);
	len = word(c, &w);
	if (len >= sizeof kname)
		len = sizeof kname - 1;
	memcpy(kname, w, len);
	kname[len] = '\0';
	if (scale_kind_parse(kname, &kind) == -1 || !eol(c))
		return bad_line(c, name, "unknown scaling method", err, errlen);
	for (;;) {
		len = word(c, &w);
		if (is(w, len, "model") && eol(c))
			break;
		if (!is(w, len, "feature")) {
			bad_line(c, name, "expected 'feature' or 'model'", err,
			    errlen);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			na = realloc(a, cap * sizeof *a);
			if (na != NULL)
				a = na;
			nb = realloc(b, cap * sizeof *b);
			if (nb != NULL)
				b = nb;
			nn = realloc(m->names, cap * sizeof *nn);
			if (nn != NULL)
				m->names = nn;
			if (na == NULL || nb == NULL || nn == NULL)
				goto oom;
		}
		len = word(c, &w);
		if (len > 0 && (m->names[n] = strndup(w, len)) == NULL)
			goto oom;
		if (len > 0)
			m->nfeat = ++n;		/* m owns the name now */
		if (len == 0 || memchr(w, '\0', len) != NULL ||
		    !svmfile_name_ok(m->names[n - 1])) {
			bad_line(c, name, "bad feature name", err, errlen);
			goto fail;
		}
		if (!number(c, &a[n - 1]) || !number(c, &b[n - 1]) || !eol(c)) {
			bad_line(c, name, "expected 'feature <name> <number> "
			    "<number>'", err, errlen);
			goto fail;
		}
	}
	if (n == 0 || n > INT_MAX - 1) {
		bad_line(c, name, "no features", err, errlen);
		goto fail;
	}
	if (duplicate_name(m->names, n, &dup) == -1)
		goto oom;
	if (dup != NULL) {
		snprintf(err, errlen, "model '%s': feature '%s' appears twice",
		    name, dup);
		goto fail;
	}
	if (scale_init(&m->scale, kind, n) == -1)
		goto oom;
	memcpy(m->scale.a, a, n * sizeof *a);
	memcpy(m->scale.b, b, n * sizeof *b);
	free(a);
	free(b);
	if (scale_check(&m->scale, why, sizeof why) == -1) {
		snprintf(err, errlen, "model '%s': %s", name, why);
		return -1;
	}
	return 0;
oom:
	snprintf(err, errlen, "model '%s': out of memory", name);
	rc = -2;
fail:
	free(a);
	free(b);
	return rc;
}

/*
 * Check libsvm's part: exactly what svm_save_model writes for a two-class
 * C-SVC with probability outputs and a linear or RBF kernel, with support
 * vector indices in 1..nfeat.  Only then may libsvm's reader see it.
 */
static int
check_libsvm(struct cur *c, size_t nfeat, const char *name, char *err,
    size_t errlen)
{
	long l1, l2, nsv, i, idx, last;
	const char *w;
	size_t len;
	double v;
	int rbf;

	/* a line's number, even when cond has stepped past its end */
#define EXPECT(cond, what) do { \
	long at_ = c->line; \
	if (!(cond)) { \
		c->line = at_; \
		return bad_line(c, name, (what), err, errlen); \
	} \
} while (0)
	EXPECT(word_is(c, "svm_type") && word_is(c, "c_svc") && eol(c),
	    "expected 'svm_type c_svc'");
	EXPECT(word_is(c, "kernel_type"), "expected 'kernel_type'");
	len = word(c, &w);
	rbf = is(w, len, "rbf");
	EXPECT((rbf || is(w, len, "linear")) && eol(c),
	    "kernel is neither linear nor rbf");
	if (rbf)
		EXPECT(word_is(c, "gamma") && number(c, &v) && v > 0 && eol(c),
		    "expected 'gamma <positive number>'");
	EXPECT(word_is(c, "nr_class") && integer(c, 2, 2, 0, &l1) && eol(c),
	    "expected 'nr_class 2'");
	EXPECT(word_is(c, "total_sv") && integer(c, 1, INT_MAX, 0, &nsv) &&
	    eol(c), "expected 'total_sv <count>'");
	EXPECT(word_is(c, "rho") && number(c, &v) && eol(c),
	    "expected 'rho <number>'");
	EXPECT(word_is(c, "label") && integer(c, -1, 1, 0, &l1) &&
	    integer(c, -1, 1, 0, &l2) && eol(c) && l1 * l2 == -1,
	    "expected 'label 1 -1' or 'label -1 1'");
	EXPECT(word_is(c, "probA") && number(c, &v) && eol(c),
	    "expected 'probA <number>' (a model without probabilities)");
	EXPECT(word_is(c, "probB") && number(c, &v) && eol(c),
	    "expected 'probB <number>'");
	EXPECT(word_is(c, "nr_sv") && integer(c, 0, nsv, 0, &l1) &&
	    integer(c, 0, nsv, 0, &l2) && eol(c) && l1 + l2 == nsv,
	    "expected 'nr_sv <count> <count>' adding up to total_sv");
	EXPECT(word_is(c, "SV") && eol(c), "expected 'SV'");
	for (i = 0; i < nsv; i++) {
		EXPECT(c->p < c->end, "fewer support vectors than total_sv");
		EXPECT(number(c, &v), "bad support vector coefficient");
		for (last = 0; !eol(c); last = idx) {
			EXPECT(integer(c, last + 1, (long)nfeat, ':', &idx) &&
			    *c->p == ':', "bad support vector index");
			c->p++;
			EXPECT(c->p < c->end && *c->p != ' ' && number(c, &v),
			    "bad support vector value");
		}
	}
	EXPECT(c->p == c->end, "more support vectors than total_sv");
#undef EXPECT
	return 0;
}

/*
 * Hand libsvm its part through a temporary file.  0 and *model set; -1
 * when libsvm refuses the part; -2 when the temporary file fails.
 */
static int
libsvm_load(const char *text, size_t len, const char *name,
    struct svm_model **model, char *err, size_t errlen)
{
	char tmp[4096];
	int ok, rc = -2;
	FILE *f;

	if (tmp_create(tmp, sizeof tmp, err, errlen) == -1)
		return -2;
	ok = (f = fopen(tmp, "wb")) != NULL;
	if (ok) {
		ok = fwrite(text, 1, len, f) == len;
		ok = fclose(f) == 0 && ok;
	}
	if (!ok)
		snprintf(err, errlen, "writing temporary file '%s': %s", tmp,
		    strerror(errno));
	else if ((*model = svm_load_model(tmp)) == NULL) {
		snprintf(err, errlen, "model '%s': libsvm cannot read its "
		    "part", name);
		rc = -1;
	} else
		rc = 0;
	unlink(tmp);
	return rc;
}

int
svmfile_parse(struct svmfile *m, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	unsigned long want;
	locale_t loc, old;
	struct cur c;
	size_t t, n;
	char *e;
	long v;
	int rc;

	memset(m, 0, sizeof *m);
	n = strlen(MAGIC);
	if (len < n || memcmp(buf, MAGIC, n) != 0) {
		snprintf(err, errlen, "model '%s': not a linekit SVM model",
		    name);
		return -1;
	}
	c.p = buf + n;
	c.end = buf + len;
	c.line = 1;
	if (!integer(&c, 0, LONG_MAX, 0, &v) || !eol(&c) || v < 1) {
		snprintf(err, errlen, "model '%s': bad version line", name);
		return -1;
	}
	if (v > SVMFILE_VERSION) {
		snprintf(err, errlen, "model '%s': version %ld is newer than "
		    "this program reads (%d)", name, v, SVMFILE_VERSION);
		return -1;
	}

	/* the trailer: the last line, "crc32 <hex>", over all before it */
	for (t = len - 1; t > 0 && buf[t - 1] != '\n'; t--)
		;
	if (buf[len - 1] != '\n' || len - t != 15 ||
	    memcmp(buf + t, "crc32 ", 6) != 0) {
		snprintf(err, errlen, "model '%s': truncated (no checksum at "
		    "the end)", name);
		return -1;
	}
	errno = 0;
	want = strtoul(buf + t + 6, &e, 16);
	if (e != buf + len - 1 || errno != 0 || !isxdigit((unsigned char)
	    buf[t + 6])) {
		snprintf(err, errlen, "model '%s': bad checksum line", name);
		return -1;
	}
	if (crc32_update(0, buf, t) != want) {
		snprintf(err, errlen, "model '%s': damaged (checksum mismatch)",
		    name);
		return -1;
	}

	c.end = buf + t;
	loc = c_locale_enter(&old);
	if ((rc = parse_header(m, &c, name, err, errlen)) == 0) {
		const char *part = c.p;

		if ((rc = check_libsvm(&c, m->nfeat, name, err, errlen)) == 0)
			rc = libsvm_load(part, (size_t)(c.end - part), name,
			    &m->model, err, errlen);
	}
	c_locale_leave(loc, old);
	if (rc == 0 && (m->x = malloc((m->nfeat + 1) * sizeof *m->x)) ==
	    NULL) {
		snprintf(err, errlen, "model '%s': out of memory", name);
		rc = -2;
	}
	if (rc != 0)
		svmfile_free(m);
	return rc;
}

int
svmfile_load(struct svmfile *m, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = read_all(path, "model", &buf, &len, err, errlen)) != 0)
		return rc;
	rc = svmfile_parse(m, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

/* The file's text up to its checksum line, into *doc.  0, or -1. */
static int
compose(const struct svmfile *m, const char *svm, size_t svmlen, char **doc,
    size_t *doclen, char *err, size_t errlen)
{
	locale_t loc, old;
	size_t i;
	FILE *f;
	int ok;

	if ((f = open_memstream(doc, doclen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	loc = c_locale_enter(&old);
	fprintf(f, "%s%d\nlibsvm %d\nscaling %s\n", MAGIC, SVMFILE_VERSION,
	    libsvm_version, scale_kind_name(m->scale.kind));
	for (i = 0; i < m->nfeat; i++)
		fprintf(f, "feature %s %.17g %.17g\n", m->names[i],
		    m->scale.a[i], m->scale.b[i]);
	fputs("model\n", f);
	fwrite(svm, 1, svmlen, f);
	c_locale_leave(loc, old);
	ok = !ferror(f);
	if (fclose(f) != 0 || !ok) {
		free(*doc);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
svmfile_save(const struct svmfile *m, const char *path, char *err,
    size_t errlen)
{
	char tmp[4096], *svm = NULL, *doc = NULL, *grown, sum[16];
	size_t i, svmlen, doclen;
	struct svmfile check;
	struct safeout so;
	int got, rc = -1;

	for (i = 0; i < m->nfeat; i++)
		if (!svmfile_name_ok(m->names[i])) {
			snprintf(err, errlen, "feature name '%s' has spaces or "
			    "control characters", m->names[i]);
			return -1;
		}
	if (tmp_create(tmp, sizeof tmp, err, errlen) == -1)
		return -1;
	if (svm_save_model(tmp, m->model) != 0) {
		snprintf(err, errlen, "libsvm cannot write its model to '%s'",
		    tmp);
		unlink(tmp);
		return -1;
	}
	got = read_all(tmp, "temporary file", &svm, &svmlen, err, errlen);
	unlink(tmp);
	if (got != 0)
		return -1;
	if (compose(m, svm, svmlen, &doc, &doclen, err, errlen) == -1)
		goto out;
	snprintf(sum, sizeof sum, "crc32 %08lx\n",
	    (unsigned long)crc32_update(0, doc, doclen));

	/* never write a model this code would refuse to read */
	if ((grown = realloc(doc, doclen + sizeof sum)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	doc = grown;
	memcpy(doc + doclen, sum, strlen(sum) + 1);
	doclen += strlen(sum);
	if (svmfile_parse(&check, path, doc, doclen, err, errlen) != 0)
		goto out;
	svmfile_free(&check);

	if (safeout_open(&so, path, 1, err, errlen) == -1)
		goto out;
	fwrite(doc, 1, doclen, so.f);
	rc = safeout_commit(&so, err, errlen);
out:
	free(svm);
	free(doc);
	return rc;
}

int
svmfile_predict(struct svmfile *m, const double *feat, double *p_fail,
    double *decision, char *err, size_t errlen)
{
	int fail0 = m->model->label[0] == SVMFILE_FAIL;
	double prob[2], dec;
	size_t i;

	for (i = 0; i < m->nfeat; i++) {
		m->x[i].index = (int)i + 1;
		m->x[i].value = scale_value(&m->scale, i, feat[i]);
		if (!isfinite(m->x[i].value)) {
			snprintf(err, errlen, "feature '%s' is out of range",
			    m->names[i]);
			return -1;
		}
	}
	m->x[m->nfeat].index = -1;
	svm_predict_values(m->model, m->x, &dec);
	svm_predict_probability(m->model, m->x, prob);
	if (!isfinite(dec)) {
		snprintf(err, errlen, "decision value overflows");
		return -1;
	}
	*decision = fail0 ? dec : -dec;
	*p_fail = fail0 ? prob[0] : prob[1];
	return 0;
}

void
svmfile_free(struct svmfile *m)
{
	size_t i;

	if (m->names != NULL)
		for (i = 0; i < m->nfeat; i++)
			free(m->names[i]);
	free(m->names);
	scale_free(&m->scale);
	if (m->model != NULL)
		svm_free_and_destroy_model(&m->model);
	free(m->x);
	memset(m, 0, sizeof *m);
}
