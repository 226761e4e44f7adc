/*
 * ocr-region: read text in regions of screen images with Tesseract's LSTM
 * engine.  Reads records (files or stdin) naming a screen image; the
 * regions are absolute boxes, boxes relative to a GUI element located by
 * gui-locate (the records it writes), the "ocr" areas of openQA needles,
 * or the record's own "boxes".  Each region is cleaned and scaled for the
 * engine (lib/ocrprep.c) and read; one record is written per region with
 * the text, its confidence and the word boxes in screen coordinates.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <tesseract/capi.h>

#include "img.h"	/* img_load() */
#include "ndjson.h"	/* ndj_*, warnrec(), rec_set*() */
#include "needle.h"	/* needle_load(): openQA needles */
#include "ocrprep.h"	/* ocrprep_region(): clean and scale a region */
#include "record.h"	/* rec_get_boxes(): the shared "boxes" schema */
#include "region.h"	/* region_parse(), region_place() */
#include "util.h"	/* progname, die(), parse_*(), RC_* */

static const char usage_line[] =
    "usage: ocr-region [-Bbku] [-f field] [-l lang] [-N needle] [-p psm] "
    "[-r region]\n"
    "                  [-S screen] [-w chars] [-x xheight] [file ...]\n";
static const char help_text[] =
    "  -B, --boxes             read the record's \"boxes\" too\n"
    "  -b, --binarise          black and white to the engine (default: "
    "grey)\n"
    "  -f, --field=NAME        record field naming the screen image\n"
    "                          (default \"image\")\n"
    "  -k, --keep-going        report bad records and continue\n"
    "  -l, --lang=LANG         Tesseract language(s), as eng+deu "
    "(default eng)\n"
    "  -N, --needle=FILE       read the \"ocr\" areas of this openQA "
    "needle\n"
    "  -p, --psm=N             page segmentation mode of the regions that\n"
    "                          follow (default 7: one line of text)\n"
    "  -r, --region=SPEC       a region: [NAME=]x,y,w,h, or relative to a\n"
    "                          located element: [NAME=]ELEMENT:SIDE:dx,dy,"
    "w,h\n"
    "                          with SIDE right, left, below, above or over\n"
    "                          and numbers in pixels, or with a suffix a in\n"
    "                          the element's widths and heights\n"
    "  -S, --screen=FILE       read this image instead of records\n"
    "  -u, --unbuffered        flush after every record (always done)\n"
    "  -w, --whitelist=CHARS   characters allowed in the regions that "
    "follow\n"
    "                          (\"\": any, the default)\n"
    "  -x, --xheight=PX        scale text to this x-height (default 24)\n"
    "  -h, --help              this text;  -V, --version: print the version\n";

static const struct option longopts[] = {
	{ "boxes",	no_argument,		NULL, 'B' },
	{ "binarise",	no_argument,		NULL, 'b' },
	{ "field",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "keep-going",	no_argument,		NULL, 'k' },
	{ "lang",	required_argument,	NULL, 'l' },
	{ "needle",	required_argument,	NULL, 'N' },
	{ "psm",	required_argument,	NULL, 'p' },
	{ "region",	required_argument,	NULL, 'r' },
	{ "screen",	required_argument,	NULL, 'S' },
	{ "unbuffered",	no_argument,		NULL, 'u' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "whitelist",	required_argument,	NULL, 'w' },
	{ "xheight",	required_argument,	NULL, 'x' },
	{ NULL, 0, NULL, 0 }
};

/* Where a region comes from. */
enum source { SRC_SPEC, SRC_NEEDLE, SRC_BOXES, SRC_DEFAULT };

/* A region as configured: its spec and how to read it. */
struct conf {
	enum source src;
	struct region_spec spec;	/* SRC_SPEC */
	int needle, area;		/* SRC_NEEDLE: which needle and area */
	int psm;
	const char *white;		/* NULL: any character */
};

struct setup {
	struct conf *c;
	int n;
	struct needle *nd;
	int nnd;
	char **ndname;			/* element name of each needle */
	const char *field;
	int psm;			/* for what follows */
	int psmset;
	const char *white;
	struct ocrprep_opts prep;
};

/* The state kept from record to record. */
struct reader {
	TessBaseAPI *api;
	struct ocrprep prep;
	struct img im;
	char *path;			/* of im */
};

/*
 * Report a bad record: with its position when it came from a stream, as
 * "ocr-region: message" for -S.  Returns -1.
 */
static int badrec(const struct ndj *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
badrec(const struct ndj *in, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (in != NULL)
		return warnrec(in, "%s", msg);
	warnx("%s", msg);
	return -1;
}

static void
add_conf(struct setup *st, const struct conf *c)
{
	st->c = xrealloc(st->c, (size_t)(st->n + 1) * sizeof *st->c);
	st->c[st->n] = *c;
	st->c[st->n].psm = st->psm;
	st->c[st->n].white = st->white;
	st->n++;
}

/* -N: the needle's ocr areas become regions. */
static void
add_needle(struct setup *st, const char *path)
{
	char err[256];
	struct conf c = { .src = SRC_NEEDLE };
	const char *base = strrchr(path, '/');
	int k, any = 0;

	st->nd = xrealloc(st->nd, (size_t)(st->nnd + 1) * sizeof *st->nd);
	st->ndname = xrealloc(st->ndname, (size_t)(st->nnd + 1) *
	    sizeof *st->ndname);
	if (needle_load(&st->nd[st->nnd], path, err, sizeof err) == -1)
		die(RC_MODEL, "cannot load needle '%s': %s", path, err);
	base = base != NULL ? base + 1 : path;
	st->ndname[st->nnd] = xstrdup(base);
	st->ndname[st->nnd][strcspn(base, ".")] = '\0';
	c.needle = st->nnd;
	for (k = 0; k < st->nd[st->nnd].narea; k++)
		if (st->nd[st->nnd].area[k].type == NEEDLE_OCR) {
			c.area = k;
			add_conf(st, &c);
			any = 1;
		}
	if (!any)
		die(RC_MODEL, "needle '%s' has no \"ocr\" area", path);
	st->nnd++;
}

/* The record's located box, if it is a found hit: 0, else -1. */
static int
hit_box(const cJSON *rec, double a[4])
{
	static const char *const k[4] = { "x", "y", "w", "h" };
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(rec, "found");
	int i;

	if (cJSON_IsFalse(f))
		return -1;
	for (i = 0; i < 4; i++)
		if (rec_get_number(rec, k[i], &a[i]) == -1)
			return -1;
	return a[2] > 0 && a[3] > 0 ? 0 : -1;
}

/* rec is a hit of element name (found or not). */
static int
is_hit_of(const cJSON *rec, const char *name)
{
	const char *n = rec_get_string(rec, "name");

	return n != NULL && strcmp(n, name) == 0;
}

/*
 * Where region c lies for rec: 1 and box set; 0 when it does not apply
 * to rec; 2 when it applies but its anchor was not found.
 */
static int
place(const struct setup *st, const struct conf *c, const cJSON *rec,
    int box[4], char *name, size_t namelen)
{
	double a[4] = { 0, 0, 0, 0 }, hs, area;

	if (c->src == SRC_SPEC) {
		if (c->spec.anchor[0] != '\0') {
			if (!is_hit_of(rec, c->spec.anchor))
				return 0;
			if (hit_box(rec, a) == -1)
				return 2;
		}
		return region_place(&c->spec, a, box) == 0 ? 1 : 2;
	}
	if (c->src == SRC_NEEDLE) {
		const struct needle *nd = &st->nd[c->needle];
		const struct needle_area *o = &nd->area[c->area], *m = NULL;
		int k;

		snprintf(name, namelen, "%s.%d", st->ndname[c->needle],
		    c->area);
		for (k = 0; k < nd->narea && m == NULL; k++)
			if (nd->area[k].type == NEEDLE_MATCH)
				m = &nd->area[k];
		if (m == NULL || !is_hit_of(rec, st->ndname[c->needle])) {
			box[0] = o->x;
			box[1] = o->y;
			box[2] = o->w;
			box[3] = o->h;
			return 1;
		}
		/* follow the needle's first match area where it was found */
		if (rec_get_number(rec, "area", &area) == -1 ||
		    area != (double)(m - nd->area))
			return 0;
		if (hit_box(rec, a) == -1)
			return 2;
		if (rec_get_number(rec, "scale", &hs) == -1)
			hs = 1;
		box[0] = (int)lround(a[0] + (o->x - m->x) * hs);
		box[1] = (int)lround(a[1] + (o->y - m->y) * hs);
		box[2] = (int)lround(o->w * hs);
		box[3] = (int)lround(o->h * hs);
		return box[2] > 0 && box[3] > 0 ? 1 : 2;
	}
	return 0;
}

static double
round4(double v)
{
	return round(v * 1e4) / 1e4;
}

static cJSON *
box_json(const int b[4])
{
	return cJSON_CreateIntArray(b, 4);
}

/*
 * Read box of the loaded screen with c's settings and write rec with the
 * result.  0, or -1 once reported (the region lies outside the screen).
 */
static int
read_region(struct reader *rd, const struct setup *st, const struct ndj *in,
    const cJSON *rec, const char *name, const int box[4], int psm,
    const char *white)
{
	struct ocrprep *p = &rd->prep;
	struct ocrprep_opts po = st->prep;
	cJSON *out, *words;
	char err[256], *txt = NULL;
	int b[4], bad = 0;
	size_t len;

	/* line, word and raw line modes: one line, neighbours cleaned off */
	po.line = psm == 7 || psm == 8 || psm == 13;
	if (ocrprep_region(p, &rd->im, box[0], box[1], box[2], box[3], &po,
	    err, sizeof err) == -1) {
		if (strstr(err, "memory") != NULL)
			die(RC_SYS, "%s", err);
		return badrec(in, "region '%s': %s", name, err);
	}
	if ((out = cJSON_Duplicate(rec, 1)) == NULL ||
	    (words = cJSON_CreateArray()) == NULL)
		die(RC_SYS, "out of memory");
	b[0] = p->ox;
	b[1] = p->oy;
	b[2] = p->rw;
	b[3] = p->rh;
	bad |= rec_set_string(out, "region", name);
	bad |= rec_set(out, "box", box_json(b));
	if (!p->blank) {
		TessResultIterator *it;

		TessBaseAPISetPageSegMode(rd->api, (TessPageSegMode)psm);
		TessBaseAPISetVariable(rd->api, "tessedit_char_whitelist",
		    white != NULL ? white : "");
		TessBaseAPISetImage(rd->api, p->pix, p->w, p->h, 1, p->w);
		TessBaseAPISetSourceResolution(rd->api, 300);
		txt = TessBaseAPIGetUTF8Text(rd->api);
		it = TessBaseAPIGetIterator(rd->api);
		if (it != NULL) {
			do {
				char *w = TessResultIteratorGetUTF8Text(it,
				    RIL_WORD);
				int l, t, r, bt, wb[4];
				cJSON *wo;

				if (w == NULL)
					continue;
				TessPageIteratorBoundingBox(
				    TessResultIteratorGetPageIteratorConst(it),
				    RIL_WORD, &l, &t, &r, &bt);
				ocrprep_box(p, l, t, r - l, bt - t, wb);
				wo = cJSON_CreateObject();
				if (wo == NULL)
					die(RC_SYS, "out of memory");
				bad |= rec_set_string(wo, "text", w);
				bad |= rec_set_number(wo, "conf", round4(
				    TessResultIteratorConfidence(it,
				    RIL_WORD) / 100));
				bad |= rec_set(wo, "box", box_json(wb));
				cJSON_AddItemToArray(words, wo);
				TessDeleteText(w);
			} while (TessResultIteratorNext(it, RIL_WORD));
			TessResultIteratorDelete(it);
		}
	}
	len = txt != NULL ? strlen(txt) : 0;
	while (len > 0 && (txt[len - 1] == '\n' || txt[len - 1] == ' '))
		txt[--len] = '\0';
	bad |= rec_set_string(out, "text", txt != NULL ? txt : "");
	bad |= rec_set_number(out, "conf", p->blank || len == 0 ? 0 :
	    round4(TessBaseAPIMeanTextConf(rd->api) / 100.0));
	bad |= rec_set(out, "words", words);
	if (txt != NULL)
		TessDeleteText(txt);
	if (bad)
		die(RC_SYS, "out of memory");
	ndj_put(stdout, out, 1);
	cJSON_Delete(out);
	return 0;
}

/* A copy of rec naming region name, whose anchor was not found. */
static void
put_missing(const cJSON *rec, const char *name)
{
	cJSON *out = cJSON_Duplicate(rec, 1);

	if (out == NULL || rec_set_string(out, "region", name) == -1)
		die(RC_SYS, "out of memory");
	ndj_put(stdout, out, 1);
	cJSON_Delete(out);
}

/* Load rec's screen into rd (kept when it is the same file).  0 or -1. */
static int
load_screen(struct reader *rd, const struct ndj *in, const char *path)
{
	char err[IMG_ERRLEN];

	if (rd->path != NULL && strcmp(rd->path, path) == 0)
		return 0;
	img_free(&rd->im);
	free(rd->path);
	rd->path = NULL;
	if (img_load(&rd->im, path, 3, err, sizeof err) == -1)
		return badrec(in, "cannot load screen '%s': %s", path, err);
	rd->path = xstrdup(path);
	return 0;
}

/* Every region that applies to rec, read; or rec passed through. */
static int
process(struct reader *rd, const struct setup *st, const struct ndj *in,
    const cJSON *rec)
{
	const char *path = rec_get_string(rec, st->field);
	char name[REGION_NAMELEN + 32], err[256];
	struct rec_box *rb = NULL;
	size_t nb = 0, j;
	int i, r, box[4], done = 0;
	double a[4];

	if (path == NULL)
		return badrec(in, "record has no \"%s\" string", st->field);
	if (load_screen(rd, in, path) == -1)
		return -1;
	for (i = 0; i < st->n; i++) {
		const struct conf *c = &st->c[i];

		snprintf(name, sizeof name, "%s", c->spec.name);
		if (c->src == SRC_DEFAULT) {
			/* the located element itself, or the whole screen */
			int whole = hit_box(rec, a) == -1;

			box[0] = whole ? 0 : (int)a[0];
			box[1] = whole ? 0 : (int)a[1];
			box[2] = whole ? rd->im.w : (int)a[2];
			box[3] = whole ? rd->im.h : (int)a[3];
			snprintf(name, sizeof name, whole ? "screen" : "hit");
			if (read_region(rd, st, in, rec, name, box,
			    whole && !st->psmset ? 3 : c->psm, c->white))
				return -1;
			done = 1;
			continue;
		}
		if (c->src == SRC_BOXES) {
			if (rec_get_boxes(rec, &rb, &nb, err, sizeof err) == -1)
				return badrec(in, "%s", err);
			for (j = 0; j < nb; j++) {
				int bb[4] = { rb[j].x, rb[j].y, rb[j].w,
				    rb[j].h };

				snprintf(name, sizeof name, "box%zu", j);
				if (read_region(rd, st, in, rec, name, bb,
				    c->psm, c->white)) {
					free(rb);
					return -1;
				}
			}
			free(rb);
			done |= nb > 0;
			continue;
		}
		r = place(st, c, rec, box, name, sizeof name);
		if (r == 0)
			continue;
		done = 1;
		if (r == 2)
			put_missing(rec, name);
		else if (read_region(rd, st, in, rec, name, box, c->psm,
		    c->white))
			return -1;
	}
	if (!done)
		ndj_put(stdout, rec, 1);	/* nothing to read: passes */
	return 0;
}

static void
start_engine(struct reader *rd, const char *lang)
{
	rd->api = TessBaseAPICreate();
	if (rd->api == NULL)
		die(RC_SYS, "out of memory");
	/* the engine's own diagnostics would break the error format */
	TessBaseAPISetVariable(rd->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit2(rd->api, NULL, lang, OEM_LSTM_ONLY) != 0)
		die(RC_MODEL, "cannot load the Tesseract language '%s' "
		    "(is its traineddata installed?)", lang);
}

int
main(int argc, char *argv[])
{
	struct setup st = { .field = "image", .psm = 7 };
	struct reader rd = { 0 };
	struct conf c;
	const char *lang = "eng", *screen = NULL;
	char err[256];
	long nbad = 0;
	int ch, r, i, ok, kflag = 0, boxes = 0, nr = 0;
	struct ndj *in;
	cJSON *rec;

	progname = "ocr-region";	/* fixed: stable stderr goldens */
	ocrprep_opts_default(&st.prep);
	while ((ch = getopt_long(argc, argv, "Bbf:hkl:N:p:r:S:uVw:x:",
	    longopts, NULL)) != -1)
		switch (ch) {
		case 'B':
			if (!boxes)
				add_conf(&st, &(struct conf){ .src =
				    SRC_BOXES });
			boxes = 1;
			break;
		case 'f': st.field = optarg; break;
		case 'b': st.prep.binarize = 1; break;
		case 'k': kflag = 1; break;
		case 'l': lang = optarg; break;
		case 'N': add_needle(&st, optarg); break;
		case 'p':
			st.psm = (int)parse_long("-p", optarg, 3, 13);
			st.psmset = 1;
			break;
		case 'r':
			memset(&c, 0, sizeof c);
			c.src = SRC_SPEC;
			if (region_parse(&c.spec, optarg, err, sizeof err))
				die(RC_USAGE, "-r: %s", err);
			if (c.spec.name[0] == '\0')	/* r1, r2, ... */
				snprintf(c.spec.name, sizeof c.spec.name,
				    "r%d", ++nr);
			add_conf(&st, &c);
			break;
		case 'S': screen = optarg; break;
		case 'u': break;	/* always flushed */
		case 'w': st.white = optarg[0] != '\0' ? optarg : NULL; break;
		case 'x':
			st.prep.xheight = parse_double("-x", optarg, 6, 200);
			break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			close_stdout();
			return RC_OK;
		case 'V':
			puts("ocr-region " VERSION);
			close_stdout();
			return RC_OK;
		default:
			fputs(usage_line, stderr);
			return RC_USAGE;
		}
	if (screen != NULL && optind < argc) {
		fputs(usage_line, stderr);	/* records or -S, not both */
		return RC_USAGE;
	}
	if (st.n == 0)
		add_conf(&st, &(struct conf){ .src = SRC_DEFAULT });
	start_engine(&rd, lang);
	in = ndj_open(argc - optind, argv + optind);	/* none or "-": stdin */
	ndj_accept_paths(in, st.field);	/* `ls *.png | ocr-region` */
	if (screen != NULL) {		/* one record naming the screen */
		rec = cJSON_CreateObject();
		if (rec == NULL || rec_set_string(rec, st.field, screen) == -1)
			die(RC_SYS, "out of memory");
		nbad = process(&rd, &st, NULL, rec) == -1;
		cJSON_Delete(rec);
	} else {
		while ((r = ndj_next(in, &rec)) != 0) {
			ok = r == 1 && process(&rd, &st, in, rec) == 0;
			cJSON_Delete(rec);
			nbad += !ok;
			if (!ok && !kflag)
				break;
		}
	}
	ndj_close(in);
	TessBaseAPIEnd(rd.api);
	TessBaseAPIDelete(rd.api);
	ocrprep_free(&rd.prep);
	img_free(&rd.im);
	free(rd.path);
	for (i = 0; i < st.nnd; i++) {
		needle_free(&st.nd[i]);
		free(st.ndname[i]);
	}
	free(st.nd);
	free(st.ndname);
	free(st.c);
	close_stdout();
	return nbad > 0 ? RC_DATA : RC_OK;
}
