/*
 * ae-train: train the convolutional auto-encoder (Bergmann et al.) on
 * images of defect-free parts.  Reads image paths or NDJSON records naming
 * an "image" (files or stdin), holds out a share of them for validation,
 * trains on random patches (rotated and flipped unless -A) with Adam,
 * stops early when the validation loss no longer improves, then scores the
 * held-out images as ae-score would and records the distribution of their
 * errors, so the model carries a default threshold without any defect
 * sample.  Writes the model (see linekit-model(5)) and a summary record.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "aemap.h"	/* validation maps, as ae-score computes them */
#include "img.h"	/* img_load() */
#include "imgsrc.h"	/* image arguments and record streams */
#include "model.h"	/* model_write(), model_read(), metadata */
#include "ndjson.h"	/* ndj_put(), rec_set*() */
#include "nn/ae.h"	/* the network, Adam */
#include "nn/gemm.h"	/* nn_blas_best_kernel() */
#include "progress.h"	/* the status line */
#include "util.h"	/* progname, die(), parse_long(), RC_* */

static const char usage_line[] =
    "usage: ae-train [-AkW] [-a average] [-b batch] [-C checkpoint] "
    "[-c channels]\n"
    "                [-d decay] [-e epochs] [-g sigma] [-j threads] "
    "[-L log]\n"
    "                [-l loss] [-M margin] [-n patches] [-P patience] "
    "[-p patch]\n"
    "                [-R resume] [-r rate] [-S seconds] [-s seed] [-T map]\n"
    "                [-t stride] [-v share] [-w width] [-z latent] "
    "-o model\n"
    "                [file ...]\n";
static const char help_text[] =
    "  -A, --no-augment        no random rotations and flips of patches\n"
    "  -a, --average=A         how ae-score combines windows: rec or maps\n"
    "                          (default rec; see ae-score)\n"
    "  -b, --batch=N           patches per step (default 32)\n"
    "  -C, --checkpoint=FILE   save the training state there every epoch\n"
    "  -c, --channels=C        1 grey, 3 RGB (default 1)\n"
    "  -d, --decay=WD          weight decay (default 1e-5)\n"
    "  -e, --epochs=N          at most N epochs (default 100)\n"
    "  -g, --blur=SIGMA        how ae-score smooths maps (default 0: not)\n"
    "  -j, --threads=N         threads (default: online CPUs)\n"
    "  -k, --keep-going        report unreadable images and continue\n"
    "  -L, --log=FILE          append one NDJSON record per epoch\n"
    "  -l, --loss=LOSS         ssim, l2, or W: W*L2 + (1-W)*SSIM "
    "(default ssim)\n"
    "  -M, --margin=PX         how far ae-score's windows reach beyond the\n"
    "                          image's edges (default 0)\n"
    "  -n, --patches=N         patches per image and epoch (default 8)\n"
    "  -o, --output=MODEL      write the model here (required)\n"
    "  -P, --patience=N        stop after N epochs without a better\n"
    "                          validation loss, 0: never (default 10)\n"
    "  -p, --patch=N           patch side, a multiple of 16 (default 128)\n"
    "  -R, --resume=FILE       continue from a checkpoint\n"
    "  -r, --rate=LR           Adam learning rate (default 2e-4)\n"
    "  -S, --seconds=T         stop training after T seconds, 0: never\n"
    "  -s, --seed=N            random seed (default 1)\n"
    "  -T, --map=M             ae-score's default map: error, deviation\n"
    "                          or deficit (default error; see ae-score)\n"
    "  -t, --stride=S          stride for scoring the validation images\n"
    "                          (default 32)\n"
    "  -v, --val=SHARE         share of images held out (default 0.1)\n"
    "  -W, --adamw             decoupled weight decay (AdamW)\n"
    "  -w, --width=N           first-layer width (default 32)\n"
    "  -z, --latent=N          latent size (default 100; 500 from "
    "patch 256)\n"
    "  -h, --help              this text;  -V, --version: print the version\n";

static const struct option longopts[] = {
	{ "no-augment",	no_argument,		NULL, 'A' },
	{ "average",	required_argument,	NULL, 'a' },
	{ "batch",	required_argument,	NULL, 'b' },
	{ "checkpoint",	required_argument,	NULL, 'C' },
	{ "channels",	required_argument,	NULL, 'c' },
	{ "decay",	required_argument,	NULL, 'd' },
	{ "epochs",	required_argument,	NULL, 'e' },
	{ "blur",	required_argument,	NULL, 'g' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "log",	required_argument,	NULL, 'L' },
	{ "loss",	required_argument,	NULL, 'l' },
	{ "margin",	required_argument,	NULL, 'M' },
	{ "patches",	required_argument,	NULL, 'n' },
	{ "output",	required_argument,	NULL, 'o' },
	{ "patience",	required_argument,	NULL, 'P' },
	{ "patch",	required_argument,	NULL, 'p' },
	{ "resume",	required_argument,	NULL, 'R' },
	{ "rate",	required_argument,	NULL, 'r' },
	{ "seconds",	required_argument,	NULL, 'S' },
	{ "seed",	required_argument,	NULL, 's' },
	{ "map",	required_argument,	NULL, 'T' },
	{ "stride",	required_argument,	NULL, 't' },
	{ "val",	required_argument,	NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "adamw",	no_argument,		NULL, 'W' },
	{ "width",	required_argument,	NULL, 'w' },
	{ "latent",	required_argument,	NULL, 'z' },
	{ NULL, 0, NULL, 0 }
};

/* What decides the result; saved in checkpoints and the model. */
struct settings {
	struct ae_config cfg;
	double wl2;		/* loss weight of L2 */
	double lr, wd;
	int adamw, batch, npatch, augment, stride;
	unsigned long seed;
	double val_share;
	int average;		/* AEMAP_STITCH or AEMAP_WINDOWS */
	double blur;		/* map smoothing sigma, 0 none */
	int kind;		/* ae-score's default map, enum aemap_kind */
	int margin;		/* ae-score's window margin, pixels */
};

/* Where training stands; saved in checkpoints. */
struct state {
	int epoch;		/* epochs completed */
	long step;
	uint64_t rng;
	double best_val;	/* INFINITY before the first */
	int best_epoch, bad;
	double seconds;		/* training time so far */
	double loss;		/* mean training loss of the last epoch */
};

/* Run-only options. */
struct opts {
	const char *out, *ckpt, *log, *resume;
	int epochs, patience, threads;
	double seconds;
};

struct timg {
	int w, h;
	uint16_t *px;		/* (C, h, w), value * 65535 */
};

struct data {
	struct timg *im;
	char **path;
	int n, cap;
	uint64_t hash;		/* FNV-1a of paths, sizes and pixels */
	int *train, ntrain;	/* indices into im */
	int *val, nval;
};

struct vpatch {
	int img, x, y;
};

/* CPU time of the process (all threads), seconds. */
static double
cputime(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_utime.tv_sec + r.ru_utime.tv_usec * 1e-6 +
	    r.ru_stime.tv_sec + r.ru_stime.tv_usec * 1e-6;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* splitmix64 (Steele et al. 2014). */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int
below(uint64_t *s, int n)
{
	return (int)((rnd(s) >> 11) * 0x1p-53 * n);
}

static void
shuffle(int *v, int n, uint64_t *s)
{
	int i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = below(s, i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001B3ULL;
	return h;
}

/* Read every record's image into d.  Returns the bad records. */
static long
load_images(struct data *d, int argc, char **argv, int C, int kflag)
{
	char err[IMG_ERRLEN];
	const char *path;
	struct timg *t;
	struct img im;
	long nbad = 0, i, n;
	struct imgsrc *in;
	cJSON *rec;
	int r;

	d->hash = 0xCBF29CE484222325ULL;
	in = imgsrc_open(argc, argv);
	while ((r = imgsrc_next(in, &rec)) != 0) {
		path = r == 1 ? rec_get_string(rec, "image") : NULL;
		if (r == 1 && path == NULL)
			imgsrc_warn(in, "record has no \"image\" string");
		else if (r == 1 && img_load(&im, path, C, err, sizeof err) ==
		    -1)
			imgsrc_warn(in, "cannot load image '%s': %s", path,
			    err);
		else if (r == 1) {
			if (d->n == d->cap) {
				d->cap = d->cap ? 2 * d->cap : 64;
				d->im = xrealloc(d->im, d->cap * sizeof *d->im);
				d->path = xrealloc(d->path, d->cap *
				    sizeof *d->path);
			}
			t = &d->im[d->n];
			d->path[d->n++] = xstrdup(path);
			t->w = im.w;
			t->h = im.h;
			n = (long)C * im.w * im.h;
			t->px = xmalloc(n * sizeof *t->px);
			for (i = 0; i < n; i++)
				t->px[i] = (uint16_t)lrintf(im.data[i] *
				    65535);
			d->hash = fnv(d->hash, path, strlen(path) + 1);
			d->hash = fnv(d->hash, &im.w, sizeof im.w);
			d->hash = fnv(d->hash, &im.h, sizeof im.h);
			d->hash = fnv(d->hash, t->px, n * sizeof *t->px);
			img_free(&im);
			cJSON_Delete(rec);
			continue;
		}
		cJSON_Delete(rec);
		nbad++;
		if (!kflag)
			break;
	}
	imgsrc_close(in);
	return nbad;
}

/* Hold out the validation share, chosen by the seed. */
static void
split(struct data *d, const struct settings *st)
{
	uint64_t s = st->seed ^ 0x5EEDULL;
	int *all = xmalloc((d->n + 1) * sizeof *all), i;

	for (i = 0; i < d->n; i++)
		all[i] = i;
	shuffle(all, d->n, &s);
	d->nval = (int)floor(st->val_share * d->n + 0.5);
	if (st->val_share > 0 && d->nval < 1 && d->n >= 2)
		d->nval = 1;
	if (d->nval > d->n - 1)
		d->nval = d->n - 1;
	d->val = all;
	d->train = all + d->nval;
	d->ntrain = d->n - d->nval;
}

/*
 * Patch at (x0, y0) of t, transformed by aug (bit 2: mirror, bits 0-1:
 * quarter turns), coordinates clamped at the border (edge padding).
 */
static void
cut_patch(const struct timg *t, int C, int P, int x0, int y0, int aug,
    float *dst)
{
	int c, i, j, si, sj, a, b, x, y;

	for (c = 0; c < C; c++)
		for (i = 0; i < P; i++)
			for (j = 0; j < P; j++) {
				a = i;
				b = aug & 4 ? P - 1 - j : j;
				switch (aug & 3) {
				case 0: si = a; sj = b; break;
				case 1: si = b; sj = P - 1 - a; break;
				case 2: si = P - 1 - a; sj = P - 1 - b; break;
				default: si = P - 1 - b; sj = a; break;
				}
				y = y0 + si < t->h ? y0 + si : t->h - 1;
				x = x0 + sj < t->w ? x0 + sj : t->w - 1;
				*dst++ = t->px[((long)c * t->h + y) * t->w + x]
				    * (1.0f / 65535);
			}
}

/* Non-overlapping patches of the validation images, at most cap. */
static struct vpatch *
val_patches(const struct data *d, int P, int cap, int *np)
{
	struct vpatch *v = NULL, *out;
	int n = 0, k, i, j, nx, ny, px[AE_MAX_PATCH], py[AE_MAX_PATCH];
	const struct timg *t;
	double step;

	for (k = 0; k < d->nval; k++) {
		t = &d->im[d->val[k]];
		nx = aemap_positions(t->w, P, P, px, AE_MAX_PATCH);
		ny = aemap_positions(t->h, P, P, py, AE_MAX_PATCH);
		nx = nx < AE_MAX_PATCH ? nx : AE_MAX_PATCH;
		ny = ny < AE_MAX_PATCH ? ny : AE_MAX_PATCH;
		v = xrealloc(v, (n + nx * ny + 1) * sizeof *v);
		for (j = 0; j < ny; j++)
			for (i = 0; i < nx; i++)
				v[n++] = (struct vpatch){ d->val[k], px[i],
				    py[j] };
	}
	if (n <= cap) {
		*np = n;
		return v;
	}
	out = xmalloc(cap * sizeof *out);
	step = (double)n / cap;
	for (k = 0; k < cap; k++)
		out[k] = v[(int)(k * step)];
	free(v);
	*np = cap;
	return out;
}

static double
val_loss(struct ae *a, const struct data *d, const struct settings *st,
    const struct vpatch *v, int nv, float *x)
{
	int P = st->cfg.patch, C = st->cfg.channels, k, i, b;
	long psz = (long)C * P * P;
	double s = 0;

	for (k = 0; k < nv; k += b) {
		b = nv - k < st->batch ? nv - k : st->batch;
		for (i = 0; i < b; i++)
			cut_patch(&d->im[v[k + i].img], C, P, v[k + i].x,
			    v[k + i].y, 0, x + i * psz);
		s += ae_loss(a, b, x, st->wl2) * b;
	}
	return nv > 0 ? s / nv : NAN;
}

/* Settings as metadata. */
static void
put_settings(char **meta, const struct settings *st, const struct data *d)
{
	if (ae_meta_arch(&st->cfg, meta) == -1 ||
	    model_meta_set(meta, "train.loss", "%s", st->wl2 == 1 ? "l2" :
	    st->wl2 == 0 ? "ssim" : "mix") == -1 ||
	    model_meta_set(meta, "train.l2_weight", "%.17g", st->wl2) == -1 ||
	    model_meta_set(meta, "train.rate", "%.17g", st->lr) == -1 ||
	    model_meta_set(meta, "train.decay", "%.17g", st->wd) == -1 ||
	    model_meta_set(meta, "train.adamw", "%d", st->adamw) == -1 ||
	    model_meta_set(meta, "train.batch", "%d", st->batch) == -1 ||
	    model_meta_set(meta, "train.patches", "%d", st->npatch) == -1 ||
	    model_meta_set(meta, "train.augment", "%d", st->augment) == -1 ||
	    model_meta_set(meta, "train.seed", "%lu", st->seed) == -1 ||
	    model_meta_set(meta, "train.val_share", "%.17g", st->val_share) ==
	    -1 ||
	    model_meta_set(meta, "train.images", "%d", d->ntrain) == -1 ||
	    model_meta_set(meta, "val.images", "%d", d->nval) == -1 ||
	    model_meta_set(meta, "train.hash", "%016llx",
	    (unsigned long long)d->hash) == -1 ||
	    model_meta_set(meta, "score.stride", "%d", st->stride) == -1 ||
	    model_meta_set(meta, "score.average", "%s", st->average ==
	    AEMAP_WINDOWS ? "maps" : "rec") == -1 ||
	    model_meta_set(meta, "score.blur", "%.17g", st->blur) == -1 ||
	    model_meta_set(meta, "score.map", "%s",
	    aemap_kind_name((enum aemap_kind)st->kind)) == -1 ||
	    model_meta_set(meta, "score.margin", "%d", st->margin) == -1 ||
	    model_meta_set(meta, "residual", "%s", st->wl2 == 1 ? "l2" :
	    "ssim") == -1 ||
	    model_meta_set(meta, "tool", "ae-train %s", VERSION) == -1)
		die(RC_SYS, "out of memory");
}

/* Settings back from a checkpoint's metadata.  Dies with RC_MODEL. */
static void
get_settings(const char *path, const char *meta, struct settings *st,
    struct state *s)
{
	char err[MODEL_ERRLEN], buf[32];
	long v[8], margin;

	if (ae_config_from_meta(meta, &st->cfg, err, sizeof err) == -1 ||
	    model_meta_double(meta, "train.l2_weight", &st->wl2, err,
	    sizeof err) == -1 ||
	    model_meta_double(meta, "train.rate", &st->lr, err, sizeof err) ==
	    -1 ||
	    model_meta_double(meta, "train.decay", &st->wd, err, sizeof err) ==
	    -1 ||
	    model_meta_double(meta, "train.val_share", &st->val_share, err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "train.adamw", 0, 1, &v[0], err, sizeof err)
	    == -1 ||
	    model_meta_long(meta, "train.batch", 1, 65536, &v[1], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "train.patches", 1, 1000000, &v[2], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "train.augment", 0, 1, &v[3], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "score.stride", 1, AE_MAX_PATCH, &v[4], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "state.epoch", 0, INT_MAX, &v[5], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "state.step", 0, LONG_MAX, &s->step, err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "state.best_epoch", 0, INT_MAX, &v[6], err,
	    sizeof err) == -1 ||
	    model_meta_long(meta, "state.bad", 0, INT_MAX, &v[7], err,
	    sizeof err) == -1 ||
	    model_meta_double(meta, "state.best_val", &s->best_val, err,
	    sizeof err) == -1 ||
	    model_meta_double(meta, "state.seconds", &s->seconds, err,
	    sizeof err) == -1 ||
	    model_meta_double(meta, "state.loss", &s->loss, err, sizeof err) ==
	    -1)
		die(RC_MODEL, "%s: %s", path, err);
	if (model_meta_get(meta, "state.rng", buf, sizeof buf) == -1 ||
	    sscanf(buf, "%llx", (unsigned long long *)&s->rng) != 1 ||
	    model_meta_get(meta, "train.seed", buf, sizeof buf) == -1 ||
	    sscanf(buf, "%lu", &st->seed) != 1)
		die(RC_MODEL, "%s: bad checkpoint state", path);
	st->average = model_meta_get(meta, "score.average", buf, sizeof buf) ==
	    0 && strcmp(buf, "maps") == 0 ? AEMAP_WINDOWS : AEMAP_STITCH;
	if (model_meta_double(meta, "score.blur", &st->blur, err, sizeof err)
	    == -1 || !(st->blur >= 0 && st->blur <= 20))
		die(RC_MODEL, "%s: %s", path, err);
	st->kind = model_meta_get(meta, "score.map", buf, sizeof buf) == 0 &&
	    aemap_kind_of(buf) > 0 ? aemap_kind_of(buf) : AEMAP_ERROR;
	/* checkpoints from before margins scored without */
	margin = 0;
	if (model_meta_get(meta, "score.margin", buf, sizeof buf) == 0 &&
	    model_meta_long(meta, "score.margin", 0, st->cfg.patch / 2,
	    &margin, err, sizeof err) == -1)
		die(RC_MODEL, "%s: %s", path, err);
	st->margin = (int)margin;
	st->adamw = (int)v[0];
	st->batch = (int)v[1];
	st->npatch = (int)v[2];
	st->augment = (int)v[3];
	st->stride = (int)v[4];
	s->epoch = (int)v[5];
	s->best_epoch = (int)v[6];
	s->bad = (int)v[7];
}

/*
 * The checkpoint: the network's tensors, then the Adam moments and the
 * best parameters so far, each one more flat tensor.
 */
static void
save_checkpoint(const char *path, struct ae *a, const float *best,
    const struct settings *st, const struct state *s, const struct data *d)
{
	struct model_tensor t[2 * AE_MAXL + 3];
	static const char *const extra[] = { "adam.m", "adam.v", "best" };
	char err[MODEL_ERRLEN], *meta = NULL;
	long np = a->nparams;
	float *buf = xmalloc(4 * np * sizeof *buf);
	int n = ae_tensors(a, t), k;

	put_settings(&meta, st, d);
	if (model_meta_set(&meta, "state.epoch", "%d", s->epoch) == -1 ||
	    model_meta_set(&meta, "state.step", "%ld", s->step) == -1 ||
	    model_meta_set(&meta, "state.rng", "%016llx",
	    (unsigned long long)s->rng) == -1 ||
	    model_meta_set(&meta, "state.best_val", "%.17g",
	    isfinite(s->best_val) ? s->best_val : 1e300) == -1 ||
	    model_meta_set(&meta, "state.best_epoch", "%d", s->best_epoch) ==
	    -1 ||
	    model_meta_set(&meta, "state.bad", "%d", s->bad) == -1 ||
	    model_meta_set(&meta, "state.seconds", "%.17g", s->seconds) == -1 ||
	    model_meta_set(&meta, "state.loss", "%.17g", s->loss) == -1)
		die(RC_SYS, "out of memory");
	memcpy(buf, a->params, np * sizeof *buf);
	memcpy(buf + np, a->m, np * sizeof *buf);
	memcpy(buf + 2 * np, a->v, np * sizeof *buf);
	memcpy(buf + 3 * np, best, np * sizeof *buf);
	for (k = 0; k < 3; k++) {
		memset(&t[n + k], 0, sizeof t[n + k]);
		snprintf(t[n + k].name, sizeof t[n + k].name, "%s", extra[k]);
		t[n + k].ndim = 1;
		t[n + k].dim[0] = np;
		t[n + k].off = (k + 1) * np;
		t[n + k].n = np;
	}
	if (model_write(path, "ae-ckpt", meta, t, n + 3, buf, 4 * np, err,
	    sizeof err) == -1)
		die(RC_SYS, "%s", err);
	free(meta);
	free(buf);
}

static void
load_checkpoint(const char *path, struct ae *a, float *best)
{
	static const char *const extra[] = { "adam.m", "adam.v", "best" };
	float *dst[3] = { a->m, a->v, best };
	const struct model_tensor *t;
	char err[MODEL_ERRLEN];
	struct model m;
	int k;

	if (model_read(&m, path, "ae-ckpt", err, sizeof err) == -1 ||
	    ae_load_params(a, &m, err, sizeof err) == -1)
		die(RC_MODEL, "%s: %s", path, err);
	for (k = 0; k < 3; k++) {
		t = model_tensor(&m, extra[k]);
		if (t == NULL || t->n != a->nparams)
			die(RC_MODEL, "%s: tensor '%s' is missing or the wrong "
			    "size", path, extra[k]);
		memcpy(dst[k], m.data + t->off, t->n * sizeof(float));
	}
	model_free(&m);
}

static int
cmpf(const void *p, const void *q)
{
	float a = *(const float *)p, b = *(const float *)q;

	return a < b ? -1 : a > b;
}

/* The statistic v of residual res as metadata, under the key pre res
 * post.  Dies when out of memory. */
static void
put_stat(char **meta, const char *pre, const char *res, const char *post,
    double v)
{
	char key[40];

	snprintf(key, sizeof key, "%s%s%s", pre, res, post);
	if (model_meta_set(meta, key, "%.9g", v) == -1)
		die(RC_SYS, "out of memory");
}

/*
 * Score the validation images as ae-score does and record, per residual:
 * the largest error seen (the default threshold), the 0.1th, 50th, 99th
 * and 99.9th percentiles of the pixel errors, the mean and spread of the
 * image maxima, and the largest deviation (aemap_deviation()) seen, the
 * default threshold of deviation maps.
 */
static void
val_stats(struct ae *a, const struct data *d, const struct settings *st,
    char **meta, double *thr)
{
	static const char *const name[] = { "ssim", "l2" };
	int C = st->cfg.channels, k, r;
	struct aemap m;
	struct aemap_range rg;
	struct img im;
	char err[256];
	long npx = 0, cap = 0, n, i, step;
	float *map[2], *px[2], *lo[2], *hi[2];
	double s1[2] = { 0, 0 }, s2[2] = { 0, 0 }, top[2] = { 0, 0 };
	double dev, deficit;

	thr[0] = thr[1] = NAN;
	if (d->nval == 0)
		return;
	if (aemap_init(&m, a, st->stride, AEMAP_SSIM | AEMAP_L2,
	    (enum aemap_mode)st->average, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	m.blur = (float)st->blur;
	m.margin = st->margin;
	for (k = 0; k < d->nval; k++)
		cap += (long)d->im[d->val[k]].w * d->im[d->val[k]].h;
	step = cap > (1L << 24) ? cap / (1L << 24) + 1 : 1;
	for (r = 0; r < 2; r++) {
		px[r] = xmalloc((cap / step + d->nval) * sizeof(float));
		lo[r] = xmalloc(d->nval * sizeof(float));
		hi[r] = xmalloc(d->nval * sizeof(float));
	}
	for (k = 0; k < d->nval; k++) {
		const struct timg *t = &d->im[d->val[k]];

		n = (long)t->w * t->h;
		im = (struct img){ t->w, t->h, C, xmalloc(C * n *
		    sizeof(float)) };
		for (i = 0; i < C * n; i++)
			im.data[i] = t->px[i] * (1.0f / 65535);
		map[0] = xmalloc(n * sizeof(float));
		map[1] = xmalloc(n * sizeof(float));
		if (aemap_run(&m, &im, map[0], map[1], err, sizeof err) == -1)
			die(RC_SYS, "%s", err);
		for (r = 0; r < 2; r++) {
			lo[r][k] = hi[r][k] = map[r][0];
			for (i = 0; i < n; i++) {
				lo[r][k] = fminf(lo[r][k], map[r][i]);
				hi[r][k] = fmaxf(hi[r][k], map[r][i]);
			}
			s1[r] += hi[r][k];
			s2[r] += (double)hi[r][k] * hi[r][k];
			top[r] = k == 0 || hi[r][k] > top[r] ? hi[r][k] :
			    top[r];
			for (i = 0; i < n; i += step)
				px[r][npx + i / step] = map[r][i];
		}
		npx += (n + step - 1) / step;
		free(map[0]);
		free(map[1]);
		free(im.data);
	}
	for (r = 0; r < 2; r++) {
		qsort(px[r], npx, sizeof(float), cmpf);
		rg = (struct aemap_range){ px[r][(long)(0.001 * (npx - 1))],
		    px[r][(npx - 1) / 2], px[r][(long)(0.999 * (npx - 1))] };
		/* an image's largest deviation is at its least or its
		 * largest error */
		for (k = 0, dev = deficit = 0; k < d->nval; k++) {
			float ext[2] = { lo[r][k], hi[r][k] };

			aemap_deviation(ext, 2, &rg, AEMAP_DEVIATION);
			dev = fmax(dev, fmax(ext[0], ext[1]));
			deficit = fmax(deficit, lo[r][k] < rg.mid ? ext[0] : 0);
		}
		thr[r] = top[r];
		put_stat(meta, "threshold.", name[r], "", top[r]);
		put_stat(meta, "threshold.deviation.", name[r], "", dev);
		put_stat(meta, "threshold.deficit.", name[r], "", deficit);
		put_stat(meta, "val.", name[r], ".p001", rg.lo);
		put_stat(meta, "val.", name[r], ".p50", rg.mid);
		put_stat(meta, "val.", name[r], ".p99",
		    px[r][(long)(0.99 * (npx - 1))]);
		put_stat(meta, "val.", name[r], ".p999", rg.hi);
		put_stat(meta, "val.", name[r], ".max_mean", s1[r] / d->nval);
		put_stat(meta, "val.", name[r], ".max_std", sqrt(fmax(0, s2[r] /
		    d->nval - (s1[r] / d->nval) * (s1[r] / d->nval))));
		free(px[r]);
		free(lo[r]);
		free(hi[r]);
	}
	aemap_free(&m);
}

/* One NDJSON record on the log. */
static void
log_epoch(FILE *f, const struct state *s, double val, double rate,
    double cpu, int best)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL || rec_set_number(r, "epoch", s->epoch) == -1 ||
	    rec_set_number(r, "step", (double)s->step) == -1 ||
	    rec_set_number(r, "loss", s->loss) == -1 ||
	    (isfinite(val) && rec_set_number(r, "val_loss", val) == -1) ||
	    rec_set_number(r, "patches_per_s", rate) == -1 ||
	    rec_set_number(r, "seconds", s->seconds) == -1 ||
	    rec_set_number(r, "cpu_seconds", cpu) == -1 ||
	    rec_set(r, "best", cJSON_CreateBool(best)) == -1)
		die(RC_SYS, "out of memory");
	ndj_put(f, r, 1);
	cJSON_Delete(r);
}

/*
 * The training loop.  Returns the measured patches per second; *cpu gets
 * the CPU time this run took (all threads, validation included).
 */
static double
train(struct ae *a, const struct data *d, const struct settings *st,
    struct state *s, const struct opts *o, float *best, double *cpu)
{
	int P = st->cfg.patch, C = st->cfg.channels, B = st->batch;
	long psz = (long)C * P * P, nlist, k, steps, step0 = s->step;
	float *x = xmalloc(B * psz * sizeof *x);
	int *list, i, nv, img, isbest;
	struct vpatch *vp = val_patches(d, P, 512, &nv);
	struct progress pr;
	double t0, t1, val, sum, rate = 0, done_pat = 0, spent = 0;
	double c0 = cputime();
	char extra[96];
	FILE *log = NULL;
	const struct timg *t;

	nlist = (long)d->ntrain * st->npatch;
	steps = nlist / B > 0 ? nlist / B : 1;
	list = xmalloc(steps * B * sizeof *list);
	if (o->log != NULL && (log = fopen(o->log, "a")) == NULL)
		die(RC_SYS, "%s: %s", o->log, strerror(errno));
	progress_start(&pr, "training", (double)(o->epochs - s->epoch) *
	    steps, 0);
	while (s->epoch < o->epochs) {
		for (k = 0; k < steps * B; k++)
			list[k] = d->train[(k / st->npatch) % d->ntrain];
		shuffle(list, (int)(steps * B), &s->rng);
		t0 = now();
		sum = 0;
		for (k = 0; k < steps; k++) {
			for (i = 0; i < B; i++) {
				img = list[k * B + i];
				t = &d->im[img];
				cut_patch(t, C, P, t->w > P ?
				    below(&s->rng, t->w - P + 1) : 0,
				    t->h > P ? below(&s->rng, t->h - P + 1) : 0,
				    st->augment ? below(&s->rng, 8) : 0,
				    x + i * psz);
			}
			sum += ae_train_step(a, B, x, st->wl2);
			s->step++;
			done_pat += B;
			t1 = now();
			snprintf(extra, sizeof extra, "epoch %d loss %.5f",
			    s->epoch + 1, sum / (k + 1));
			progress_update(&pr, (double)(s->step - step0), extra);
			if (o->seconds > 0 && s->seconds + (t1 - t0) >=
			    o->seconds) {
				k++;
				break;
			}
		}
		t1 = now();
		spent += t1 - t0;
		s->seconds += t1 - t0;
		s->loss = sum / k;
		rate = done_pat / spent;
		s->epoch++;
		val = val_loss(a, d, st, vp, nv, x);
		isbest = !isfinite(val) || val < s->best_val;
		if (isbest) {
			s->best_val = isfinite(val) ? val : s->best_val;
			s->best_epoch = s->epoch;
			s->bad = 0;
			memcpy(best, a->params, a->nparams * sizeof *best);
		} else
			s->bad++;
		if (log != NULL)
			log_epoch(log, s, val, rate, cputime() - c0, isbest);
		if (o->ckpt != NULL)
			save_checkpoint(o->ckpt, a, best, st, s, d);
		if ((o->patience > 0 && s->bad >= o->patience) ||
		    (o->seconds > 0 && s->seconds >= o->seconds))
			break;
	}
	progress_end(&pr);
	*cpu = cputime() - c0;
	if (log != NULL && (ferror(log) | fclose(log)) != 0)
		die(RC_SYS, "%s: write error", o->log);
	free(x);
	free(list);
	free(vp);
	return rate;
}

int
main(int argc, char *argv[])
{
	struct settings st = { { 128, 1, 32, 0, 0 }, 0, 2e-4, 1e-5, 0, 32, 8,
	    1, 32, 1, 0.1, AEMAP_STITCH, 0, 0, 0 };
	struct state s = { 0, 0, 0, INFINITY, 0, 0, 0, NAN };
	struct opts o = { NULL, NULL, NULL, NULL, 100, 10, 1, 0 };
	struct model_tensor t[2 * AE_MAXL];
	char err[MODEL_ERRLEN], *meta = NULL, date[32], hash[32];
	struct data d;
	struct model ck;
	struct ae a;
	int c, latent = 0, kflag = 0, n, kind = -1, margin = -1;
	double blur = -1;
	long nbad, ncpu;
	double rate, thr[2], cpu;
	float *best;
	time_t now_t;
	struct tm tm;
	cJSON *sum;

	progname = "ae-train";	/* fixed: stable stderr goldens */
	nn_blas_best_kernel(argv);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu < 1 ? 1 : ncpu > AE_MAX_THREADS ? AE_MAX_THREADS :
	    (int)ncpu;
	memset(&d, 0, sizeof d);
	while ((c = getopt_long(argc, argv,
	    "Aa:b:C:c:d:e:g:hj:kL:l:M:n:o:P:p:R:r:S:s:T:t:Vv:Ww:z:", longopts,
	    NULL)) != -1)
		switch (c) {
		case 'A': st.augment = 0; break;
		case 'a':
			if (strcmp(optarg, "rec") == 0)
				st.average = AEMAP_STITCH;
			else if (strcmp(optarg, "maps") == 0)
				st.average = AEMAP_WINDOWS;
			else
				die(RC_USAGE, "-a: '%s' is not rec or maps",
				    optarg);
			break;
		case 'b': st.batch = (int)parse_long("-b", optarg, 1, 4096);
			break;
		case 'C': o.ckpt = optarg; break;
		case 'c': st.cfg.channels = (int)parse_long("-c", optarg, 1, 3);
			if (st.cfg.channels == 2)
				die(RC_USAGE, "-c: channels must be 1 or 3");
			break;
		case 'd': st.wd = parse_double("-d", optarg, 0, 1); break;
		case 'e': o.epochs = (int)parse_long("-e", optarg, 1, 1000000);
			break;
		case 'g': blur = parse_double("-g", optarg, 0, 20); break;
		case 'j': o.threads = (int)parse_long("-j", optarg, 1,
			    AE_MAX_THREADS);
			break;
		case 'k': kflag = 1; break;
		case 'L': o.log = optarg; break;
		case 'l':
			if (strcmp(optarg, "ssim") == 0)
				st.wl2 = 0;
			else if (strcmp(optarg, "l2") == 0)
				st.wl2 = 1;
			else
				st.wl2 = parse_double("-l", optarg, 0, 1);
			break;
		case 'M': margin = (int)parse_long("-M", optarg, 0,
			    AE_MAX_PATCH / 2);
			break;
		case 'n': st.npatch = (int)parse_long("-n", optarg, 1, 1000000);
			break;
		case 'o': o.out = optarg; break;
		case 'P': o.patience = (int)parse_long("-P", optarg, 0,
			    1000000);
			break;
		case 'p': st.cfg.patch = (int)parse_long("-p", optarg, 16,
			    AE_MAX_PATCH);
			break;
		case 'R': o.resume = optarg; break;
		case 'r': st.lr = parse_double("-r", optarg, 1e-9, 1); break;
		case 'S': o.seconds = parse_double("-S", optarg, 0, 1e9); break;
		case 's': st.seed = (unsigned long)parse_long("-s", optarg, 0,
			    LONG_MAX);
			break;
		case 'T':
			if ((kind = aemap_kind_of(optarg)) == -1)
				die(RC_USAGE, "-T: '%s' is not error, deviation "
				    "or deficit", optarg);
			break;
		case 't': st.stride = (int)parse_long("-t", optarg, 1,
			    AE_MAX_PATCH);
			break;
		case 'v': st.val_share = parse_double("-v", optarg, 0, 0.9);
			break;
		case 'W': st.adamw = 1; break;
		case 'w': st.cfg.width = (int)parse_long("-w", optarg, 1,
			    AE_MAX_WIDTH);
			break;
		case 'z': latent = (int)parse_long("-z", optarg, 1,
			    AE_MAX_LATENT);
			break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("ae-train " VERSION);
			close_stdout();
			return RC_OK;
		default:
			fputs(usage_line, stderr);
			return RC_USAGE;
		}
	if (o.out == NULL)
		die(RC_USAGE, "no output: use -o model");
	if (o.resume != NULL) {
		if (model_read(&ck, o.resume, "ae-ckpt", err, sizeof err) == -1)
			die(RC_MODEL, "%s: %s", o.resume, err);
		get_settings(o.resume, ck.meta, &st, &s);
		if (model_meta_get(ck.meta, "train.hash", hash, sizeof hash) ==
		    -1)
			die(RC_MODEL, "%s: bad checkpoint state", o.resume);
		model_free(&ck);
	} else {
		c = st.cfg.channels;
		n = st.cfg.width;
		ae_config_default(&st.cfg, st.cfg.patch);
		st.cfg.channels = c;
		st.cfg.width = n;
		if (latent > 0)
			st.cfg.latent = latent;
		if (ae_config_check(&st.cfg, err, sizeof err) == -1)
			die(RC_USAGE, "%s", err);
		s.rng = st.seed * 0x9E3779B97F4A7C15ULL + 0x7A11ULL;
	}
	/* how ae-score reads the maps leaves training untouched, so a
	 * resumed run may change it */
	if (blur >= 0)
		st.blur = blur;
	if (kind >= 0)
		st.kind = kind;
	if (margin >= 0)
		st.margin = margin;
	if (st.margin > st.cfg.patch / 2)
		die(RC_USAGE, "-M: margin %d is more than half the patch (%d)",
		    st.margin, st.cfg.patch);
	if (st.stride > st.cfg.patch)
		die(RC_USAGE, "-t: stride %d is larger than the patch (%d)",
		    st.stride, st.cfg.patch);

	nbad = load_images(&d, argc - optind, argv + optind, st.cfg.channels,
	    kflag);
	if (nbad > 0 && !kflag)
		return RC_DATA;
	if (d.n == 0)
		die(RC_DATA, "no training images");
	split(&d, &st);
	if (o.resume != NULL) {
		char mine[32];

		snprintf(mine, sizeof mine, "%016llx",
		    (unsigned long long)d.hash);
		if (strcmp(mine, hash) != 0)
			die(RC_MODEL, "%s: the checkpoint was trained on other "
			    "images", o.resume);
	}
	if (ae_init(&a, &st.cfg, st.batch, o.threads, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	a.opt.lr = (float)st.lr;
	a.opt.wd = (float)st.wd;
	a.opt.decoupled = st.adamw;
	best = xmalloc(a.nparams * sizeof *best);
	if (o.resume != NULL) {
		load_checkpoint(o.resume, &a, best);
		a.step = s.step;
		if (s.best_val >= 1e300)
			s.best_val = INFINITY;
	} else {
		ae_init_params(&a, st.seed);
		memcpy(best, a.params, a.nparams * sizeof *best);
	}

	rate = train(&a, &d, &st, &s, &o, best, &cpu);

	memcpy(a.params, best, a.nparams * sizeof *best);
	ae_params_changed(&a);
	put_settings(&meta, &st, &d);
	now_t = time(NULL);
	gmtime_r(&now_t, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (model_meta_set(&meta, "train.epochs", "%d", s.epoch) == -1 ||
	    model_meta_set(&meta, "train.best_epoch", "%d", s.best_epoch) ==
	    -1 ||
	    model_meta_set(&meta, "train.loss", "%.9g", s.loss) == -1 ||
	    model_meta_set(&meta, "train.seconds", "%.3f", s.seconds) == -1 ||
	    (isfinite(s.best_val) && model_meta_set(&meta, "val.loss",
	    "%.9g", s.best_val) == -1) ||
	    model_meta_set(&meta, "created", "%s", date) == -1)
		die(RC_SYS, "out of memory");
	val_stats(&a, &d, &st, &meta, thr);
	n = ae_tensors(&a, t);
	if (model_write(o.out, "ae", meta, t, n, a.params, a.nparams, err,
	    sizeof err) == -1)
		die(RC_SYS, "%s", err);

	if ((sum = cJSON_CreateObject()) == NULL ||
	    rec_set_string(sum, "model", o.out) == -1 ||
	    rec_set_number(sum, "epochs", s.epoch) == -1 ||
	    rec_set_number(sum, "best_epoch", s.best_epoch) == -1 ||
	    rec_set_number(sum, "loss", s.loss) == -1 ||
	    (isfinite(s.best_val) && rec_set_number(sum, "val_loss",
	    s.best_val) == -1) ||
	    (isfinite(thr[st.wl2 == 1]) && rec_set_number(sum, "threshold",
	    thr[st.wl2 == 1]) == -1) ||
	    rec_set_number(sum, "train_images", d.ntrain) == -1 ||
	    rec_set_number(sum, "val_images", d.nval) == -1 ||
	    rec_set_number(sum, "seconds", s.seconds) == -1 ||
	    rec_set_number(sum, "cpu_seconds", cpu) == -1 ||
	    (isfinite(rate) && rec_set_number(sum, "patches_per_s", rate) ==
	    -1))
		die(RC_SYS, "out of memory");
	ndj_put(stdout, sum, 1);
	cJSON_Delete(sum);
	close_stdout();
	for (c = 0; c < d.n; c++) {
		free(d.im[c].px);
		free(d.path[c]);
	}
	free(d.im);
	free(d.path);
	free(d.val);
	free(best);
	free(meta);
	ae_free(&a);
	return nbad > 0 ? RC_DATA : RC_OK;
}
