/*
 * ae-score: score images with a trained auto-encoder.  Reads image paths
 * or NDJSON records naming an "image" (files or stdin); each image is cut
 * into patch-sized windows at a stride, reconstructed in batches, and the
 * windows' residual maps are averaged into an error map the size of the
 * image.  Each record is written back with its score (maximum and top-k
 * mean of the map), the model's threshold and, on request, the paths of
 * the map (PFM), a heat map and an overlay (PNG).
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "aemap.h"	/* aemap_run(): sliding-window maps, scores */
#include "img.h"	/* img_load(), img_save_png() */
#include "imgsrc.h"	/* image arguments and record streams */
#include "model.h"	/* model_read(), metadata */
#include "ndjson.h"	/* ndj_put(), rec_set*() */
#include "nn/ae.h"	/* the network */
#include "nn/gemm.h"	/* nn_blas_best_kernel() */
#include "pfm.h"	/* pfm_write() */
#include "util.h"	/* progname, die(), parse_long(), RC_* */

static const char usage_line[] =
    "usage: ae-score [-ku] [-a average] [-b batch] [-d map_dir] "
    "[-g sigma]\n"
    "                [-H heat_dir] [-j threads] [-n top_k] "
    "[-M margin]\n"
    "                [-O overlay_dir] [-r residual] [-s stride] [-T map]\n"
    "                -m model [file ...]\n";
static const char help_text[] =
    "  -a, --average=A         rec: average the windows' reconstructions,\n"
    "                          maps: their error maps (default: the "
    "model's)\n"
    "  -b, --batch=N           windows per forward pass (default 64)\n"
    "  -d, --map-dir=DIR       write each error map as DIR/<name>.pfm\n"
    "  -g, --blur=SIGMA        smooth the maps by a Gaussian, 0: not\n"
    "                          (default: the model's)\n"
    "  -H, --heatmap-dir=DIR   write a heat map as DIR/<name>_heat.png\n"
    "  -j, --threads=N         threads (default: online CPUs)\n"
    "  -k, --keep-going        report bad records and continue\n"
    "  -M, --margin=PX         windows reach PX beyond the image's edges,\n"
    "                          mirrored (default: the model's)\n"
    "  -m, --model=FILE        the model written by ae-train (required)\n"
    "  -n, --top-k=K           score: mean of the K largest errors "
    "(default 100)\n"
    "  -O, --overlay-dir=DIR   write the heat map over the image as\n"
    "                          DIR/<name>_overlay.png\n"
    "  -r, --residual=R        ssim, l2 or both (default: the model's "
    "loss)\n"
    "  -s, --stride=S          window stride in pixels (default 32)\n"
    "  -T, --map=M             error; deviation from the validation errors\n"
    "                          either way, or deficit: below them only\n"
    "                          (default: the model's)\n"
    "  -u, --unbuffered        flush after every record (always done)\n"
    "  -h, --help              this text;  -V, --version: print the version\n";

static const struct option longopts[] = {
	{ "average",	required_argument,	NULL, 'a' },
	{ "batch",	required_argument,	NULL, 'b' },
	{ "map-dir",	required_argument,	NULL, 'd' },
	{ "blur",	required_argument,	NULL, 'g' },
	{ "heatmap-dir", required_argument,	NULL, 'H' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "margin",	required_argument,	NULL, 'M' },
	{ "model",	required_argument,	NULL, 'm' },
	{ "top-k",	required_argument,	NULL, 'n' },
	{ "overlay-dir", required_argument,	NULL, 'O' },
	{ "residual",	required_argument,	NULL, 'r' },
	{ "stride",	required_argument,	NULL, 's' },
	{ "map",	required_argument,	NULL, 'T' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *model, *map_dir, *heat_dir, *overlay_dir;
	int batch, threads, stride, res;	/* res: AEMAP_*, 0 default */
	long topk;
	int average;		/* AEMAP_STITCH, AEMAP_WINDOWS; -1 default */
	double blur;		/* sigma; -1 default */
	int kind;		/* enum aemap_kind; -1 default */
	int margin;		/* -1 default */
};

/* Per-run state: the network, the map machinery and reused buffers. */
struct work {
	struct ae a;
	struct aemap m;
	int primary;		/* AEMAP_SSIM or AEMAP_L2 */
	double thr[2];		/* the model's thresholds; NAN if absent */
	enum aemap_kind kind;	/* not error: aemap_deviation() of range */
	struct aemap_range range[2];
	float *map[2];		/* (cap) SSIM and L2 maps */
	float *scratch;		/* (cap) for the top-k */
	float *rgb;		/* (3 cap) heat map and overlay */
	size_t cap;
};

static void
check_dir(const char *opt, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		die(RC_USAGE, "%s: '%s' is not a directory", opt, dir);
}

/*
 * The validation errors' range of residual res ("ssim", "l2") and the
 * threshold of its maps of kind k.  Dies with RC_MODEL when the model has
 * none (trained without validation images, or by an older ae-train).
 */
static void
range_of(const struct model *m, const char *path, const char *res,
    enum aemap_kind k, struct aemap_range *r, double *thr)
{
	static const char *const pct[] = { "p001", "p50", "p999" };
	double v[3];
	char key[40], err[MODEL_ERRLEN];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "val.%s.%s", res, pct[i]);
		if (model_meta_double(m->meta, key, &v[i], err, sizeof err) ==
		    -1)
			die(RC_MODEL, "%s: no validation error range for "
			    "%s maps (trained with -v 0, or by an older "
			    "ae-train)", path, aemap_kind_name(k));
	}
	snprintf(key, sizeof key, "threshold.%s.%s", aemap_kind_name(k),
	    res);
	if (model_meta_double(m->meta, key, thr, err, sizeof err) == -1)
		*thr = NAN;
	*r = (struct aemap_range){ (float)v[0], (float)v[1], (float)v[2] };
}

/* Load the model and build the network.  Dies with RC_MODEL. */
static void
setup(struct work *w, const struct opts *o)
{
	char err[MODEL_ERRLEN], buf[16];
	enum aemap_mode mode;
	double blur;
	long margin;
	struct ae_config cfg;
	struct model m;
	int k;

	if (model_read(&m, o->model, "ae", err, sizeof err) == -1)
		die(RC_MODEL, "%s: %s", o->model, err);
	if (ae_config_from_meta(m.meta, &cfg, err, sizeof err) == -1 ||
	    ae_init(&w->a, &cfg, o->batch, o->threads, err, sizeof err) == -1 ||
	    ae_load_params(&w->a, &m, err, sizeof err) == -1)
		die(RC_MODEL, "%s: %s", o->model, err);
	w->primary = AEMAP_SSIM;
	if (model_meta_get(m.meta, "residual", buf, sizeof buf) == 0 &&
	    strcmp(buf, "l2") == 0)
		w->primary = AEMAP_L2;
	if (o->res == AEMAP_L2 || o->res == AEMAP_SSIM)
		w->primary = o->res;
	w->kind = AEMAP_ERROR;
	if (model_meta_get(m.meta, "score.map", buf, sizeof buf) == 0 &&
	    aemap_kind_of(buf) > 0)
		w->kind = (enum aemap_kind)aemap_kind_of(buf);
	if (o->kind >= 0)
		w->kind = (enum aemap_kind)o->kind;
	for (k = 0; k < 2; k++)
		if (w->kind != AEMAP_ERROR)
			range_of(&m, o->model, k ? "l2" : "ssim", w->kind,
			    &w->range[k], &w->thr[k]);
		else if (model_meta_double(m.meta, k ? "threshold.l2" :
		    "threshold.ssim", &w->thr[k], err, sizeof err) == -1)
			w->thr[k] = NAN;
	if (model_meta_double(m.meta, "score.blur", &blur, err, sizeof err) ==
	    -1 || !(blur >= 0 && blur <= 20))
		blur = 0;
	mode = AEMAP_STITCH;
	if (model_meta_get(m.meta, "score.average", buf, sizeof buf) == 0 &&
	    strcmp(buf, "maps") == 0)
		mode = AEMAP_WINDOWS;
	if (o->average >= 0)
		mode = (enum aemap_mode)o->average;
	/* models from before margins were scored without */
	if (model_meta_long(m.meta, "score.margin", 0, cfg.patch / 2,
	    &margin, err, sizeof err) == -1)
		margin = 0;
	model_free(&m);
	if (aemap_init(&w->m, &w->a, o->stride, o->res ? o->res : w->primary,
	    mode, err, sizeof err) == -1)
		die(RC_SYS, "%s", err);
	w->m.blur = (float)(o->blur >= 0 ? o->blur : blur);
	w->m.margin = o->margin >= 0 ? o->margin : (int)margin;
}

/*
 * The name files for path get: the path without its extension, leading
 * "./", "../" and "/" dropped, each "/" turned into "_", so images in
 * different directories (test/crack/000.png, test/good/000.png) do not
 * collide.
 */
static char *
out_path(const char *dir, const char *path, const char *suffix)
{
	const char *p = path, *dot, *slash;
	size_t n, i, len;
	char *s;

	for (;;) {
		if (strncmp(p, "./", 2) == 0)
			p += 2;
		else if (strncmp(p, "../", 3) == 0)
			p += 3;
		else if (*p == '/')
			p++;
		else
			break;
	}
	dot = strrchr(p, '.');
	slash = strrchr(p, '/');
	n = dot != NULL && dot > p && (slash == NULL || dot > slash + 1) ?
	    (size_t)(dot - p) : strlen(p);
	len = strlen(dir) + n + strlen(suffix) + 2;
	s = xmalloc(len);
	snprintf(s, len, "%s/%.*s%s", dir, (int)n, p, suffix);
	for (i = strlen(dir) + 1; i < strlen(dir) + 1 + n; i++)
		if (s[i] == '/')
			s[i] = '_';
	return s;
}

/* A blue-cyan-green-yellow-red colour for t in [0, 1]. */
static void
colour(float t, float *r, float *g, float *b)
{
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	*r = t < 0.5f ? 0 : t < 0.75f ? (t - 0.5f) * 4 : 1;
	*g = t < 0.25f ? t * 4 : t < 0.75f ? 1 : (1 - t) * 4;
	*b = t < 0.25f ? 1 : t < 0.5f ? (0.5f - t) * 4 : 0;
}

/*
 * Heat map of map (w x h), 0 at 0 and full red at twice the threshold (or
 * at the map's maximum without one); with im, blended half and half over
 * the image's grey.
 */
static int
save_heat(struct work *w, const char *path, const float *map,
    const struct img *im, double thr, double mx, char *err, size_t errlen)
{
	long n = (long)im->w * im->h, i;
	struct img out = { im->w, im->h, 3, w->rgb };
	float scale, r, g, b, v;
	int overlay = strstr(path, "_overlay.png") != NULL, c;

	scale = (float)(isfinite(thr) && thr > 0 ? 1 / (2 * thr) :
	    mx > 0 ? 1 / mx : 1);
	for (i = 0; i < n; i++) {
		colour(map[i] * scale, &r, &g, &b);
		if (overlay) {
			for (c = 0, v = 0; c < im->c; c++)
				v += im->data[c * n + i] / im->c;
			r = 0.5f * (r + v);
			g = 0.5f * (g + v);
			b = 0.5f * (b + v);
		}
		w->rgb[i] = r;
		w->rgb[n + i] = g;
		w->rgb[2 * n + i] = b;
	}
	return img_save_png(path, &out, err, errlen);
}

/* Grow the per-image buffers to n pixels. */
static void
reserve(struct work *w, size_t n)
{
	if (n <= w->cap)
		return;
	free(w->map[0]);
	free(w->map[1]);
	free(w->scratch);
	free(w->rgb);
	w->map[0] = xmalloc(n * sizeof(float));
	w->map[1] = xmalloc(n * sizeof(float));
	w->scratch = xmalloc(n * sizeof(float));
	w->rgb = xmalloc(3 * n * sizeof(float));
	w->cap = n;
}

/* Score one record.  0, or -1 once reported with file:line. */
static int
score_record(struct work *w, const struct opts *o, const struct imgsrc *in,
    cJSON *rec)
{
	/* the default residual is "score", "map"; the other is suffixed */
	static const char *const scorekey[] = { "score_ssim", "score_l2" };
	static const char *const mapkey[] = { "map_ssim", "map_l2" };
	static const char *const suffix[] = { "_ssim.pfm", "_l2.pfm" };
	const char *path = rec_get_string(rec, "image");
	char err[IMG_ERRLEN], *out;
	int order[2], k, which, nres, r = -1;
	double mx, topk;
	struct img im;
	cJSON *s;
	long n;

	if (path == NULL)
		return imgsrc_warn(in, "record has no \"image\" string");
	if (img_load(&im, path, w->a.cfg.channels, err, sizeof err) == -1)
		return imgsrc_warn(in, "cannot load image '%s': %s", path,
		    err);
	n = (long)im.w * im.h;
	reserve(w, (size_t)n);
	if (aemap_run(&w->m, &im, w->map[0], w->map[1], err, sizeof err))
		die(RC_SYS, "%s", err);
	for (k = 0; w->kind != AEMAP_ERROR && k < 2; k++)
		if (w->m.res & (k ? AEMAP_L2 : AEMAP_SSIM))
			aemap_deviation(w->map[k], n, &w->range[k],
			    (int)w->kind);
	/* the primary residual first, named "score"/"map" */
	order[0] = w->primary == AEMAP_SSIM ? 0 : 1;
	order[1] = 1 - order[0];
	nres = w->m.res == (AEMAP_SSIM | AEMAP_L2) ? 2 : 1;
	for (k = 0; k < nres; k++) {
		which = order[k];
		aemap_score(w->map[which], n, o->topk, w->scratch, &mx, &topk);
		if (!isfinite(mx) || !isfinite(topk)) {
			imgsrc_warn(in, "the error map of '%s' is not finite",
			    path);
			goto done;
		}
		if ((s = cJSON_CreateObject()) == NULL ||
		    rec_set_number(s, "max", mx) == -1 ||
		    rec_set_number(s, "topk", topk) == -1 ||
		    rec_set(rec, k ? scorekey[which] : "score", s) == -1)
			die(RC_SYS, "out of memory");
		if (k == 0 && isfinite(w->thr[which]) &&
		    rec_set_number(rec, "threshold", w->thr[which]) == -1)
			die(RC_SYS, "out of memory");
		if (o->map_dir != NULL) {
			struct img mi = { im.w, im.h, 1, w->map[which] };

			out = out_path(o->map_dir, path, k ? suffix[which] :
			    ".pfm");
			if (pfm_write(out, &mi, err, sizeof err) == -1)
				die(RC_SYS, "%s", err);
			if (rec_set_string(rec, k ? mapkey[which] : "map",
			    out) == -1)
				die(RC_SYS, "out of memory");
			free(out);
		}
		if (k > 0)
			continue;
		if (o->heat_dir != NULL) {
			out = out_path(o->heat_dir, path, "_heat.png");
			if (save_heat(w, out, w->map[which], &im,
			    w->thr[which], mx, err, sizeof err) == -1)
				die(RC_SYS, "%s", err);
			if (rec_set_string(rec, "heatmap", out) == -1)
				die(RC_SYS, "out of memory");
			free(out);
		}
		if (o->overlay_dir != NULL) {
			out = out_path(o->overlay_dir, path, "_overlay.png");
			if (save_heat(w, out, w->map[which], &im,
			    w->thr[which], mx, err, sizeof err) == -1)
				die(RC_SYS, "%s", err);
			if (rec_set_string(rec, "overlay", out) == -1)
				die(RC_SYS, "out of memory");
			free(out);
		}
	}
	r = 0;
done:
	img_free(&im);
	return r;
}

int
main(int argc, char *argv[])
{
	struct opts o = { NULL, NULL, NULL, NULL, 64, 1, 32, 0, 100, -1, -1,
	    -1, -1 };
	struct work w;
	int c, r, ok, kflag = 0;
	long nbad = 0, ncpu;
	struct imgsrc *in;
	cJSON *rec;

	progname = "ae-score";	/* fixed: stable stderr goldens */
	nn_blas_best_kernel(argv);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu < 1 ? 1 : ncpu > AE_MAX_THREADS ? AE_MAX_THREADS :
	    (int)ncpu;
	memset(&w, 0, sizeof w);
	while ((c = getopt_long(argc, argv, "a:b:d:g:H:hj:kM:m:n:O:r:s:T:uV",
	    longopts, NULL)) != -1)
		switch (c) {
		case 'a':
			if (strcmp(optarg, "rec") == 0)
				o.average = AEMAP_STITCH;
			else if (strcmp(optarg, "maps") == 0)
				o.average = AEMAP_WINDOWS;
			else
				die(RC_USAGE, "-a: '%s' is not rec or maps",
				    optarg);
			break;
		case 'b':
			o.batch = (int)parse_long("-b", optarg, 1, 4096);
			break;
		case 'd':
			o.map_dir = optarg;
			break;
		case 'g':
			o.blur = parse_double("-g", optarg, 0, 20);
			break;
		case 'H':
			o.heat_dir = optarg;
			break;
		case 'j':
			o.threads = (int)parse_long("-j", optarg, 1,
			    AE_MAX_THREADS);
			break;
		case 'k':
			kflag = 1;
			break;
		case 'M':
			o.margin = (int)parse_long("-M", optarg, 0,
			    AE_MAX_PATCH / 2);
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'n':
			o.topk = parse_long("-n", optarg, 1, LONG_MAX);
			break;
		case 'O':
			o.overlay_dir = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "ssim") == 0)
				o.res = AEMAP_SSIM;
			else if (strcmp(optarg, "l2") == 0)
				o.res = AEMAP_L2;
			else if (strcmp(optarg, "both") == 0)
				o.res = AEMAP_SSIM | AEMAP_L2;
			else
				die(RC_USAGE, "-r: '%s' is not ssim, l2 or "
				    "both", optarg);
			break;
		case 'T':
			if ((o.kind = aemap_kind_of(optarg)) == -1)
				die(RC_USAGE, "-T: '%s' is not error, deviation "
				    "or deficit", optarg);
			break;
		case 's':
			o.stride = (int)parse_long("-s", optarg, 1,
			    AE_MAX_PATCH);
			break;
		case 'u':	/* every record is flushed anyway */
			break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("ae-score " VERSION);
			close_stdout();
			return RC_OK;
		default:
			fputs(usage_line, stderr);
			return RC_USAGE;
		}
	if (o.model == NULL)
		die(RC_USAGE, "no model: use -m model");
	if (o.map_dir != NULL)
		check_dir("-d", o.map_dir);
	if (o.heat_dir != NULL)
		check_dir("-H", o.heat_dir);
	if (o.overlay_dir != NULL)
		check_dir("-O", o.overlay_dir);
	setup(&w, &o);
	if (o.stride > w.a.cfg.patch)
		die(RC_USAGE, "-s: stride %d is larger than the patch (%d)",
		    o.stride, w.a.cfg.patch);
	if (o.margin > w.a.cfg.patch / 2)
		die(RC_USAGE, "-M: margin %d is more than half the patch (%d)",
		    o.margin, w.a.cfg.patch);

	in = imgsrc_open(argc - optind, argv + optind);
	while ((r = imgsrc_next(in, &rec)) != 0) {
		ok = r == 1 && score_record(&w, &o, in, rec) == 0;
		if (ok)
			ndj_put(stdout, rec, 1);
		cJSON_Delete(rec);
		nbad += !ok;
		if (!ok && !kflag)
			break;
	}
	imgsrc_close(in);
	close_stdout();
	aemap_free(&w.m);
	ae_free(&w.a);
	free(w.map[0]);
	free(w.map[1]);
	free(w.scratch);
	free(w.rgb);
	return nbad > 0 ? RC_DATA : RC_OK;
}
