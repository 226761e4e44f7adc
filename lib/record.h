/*
 * record: the "boxes" array of a record, written by mask-boxes and read by
 * the tools that work on regions (ocr-region, det-eval).  Each box is
 *   {"x":12,"y":40,"w":9,"h":5,"area":31,"mean_err":0.21,"max_err":0.57,
 *    "fill":0.689,"elongation":2.1,"orientation":-12.5}
 * x, y: top-left pixel; w, h: size in pixels; area: pixels of the region;
 * mean_err, max_err: error over the region's pixels; fill: area / (w * h);
 * elongation, orientation: see cc.h.  Fractions are written with six
 * significant digits.  See linekit-records(5).
 */
#ifndef LK_RECORD_H
#define LK_RECORD_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct rec_box {
	int x, y, w, h;
	long area;
	double mean_err, max_err, fill, elongation, orientation;
};

/* v rounded to digits significant decimal digits (finite v). */
double rec_round(double v, int digits);

/*
 * Set rec["boxes"] to the n boxes b (replacing any).  0, or -1 when memory
 * is short or a value is not finite.
 */
int rec_set_boxes(cJSON *rec, const struct rec_box *b, size_t n);

/*
 * Read rec["boxes"] into *b (*n boxes, caller frees *b; NULL when n is 0).
 * x, y must be integers >= 0 and w, h integers >= 1; the other members are
 * optional (0 when absent) but must be finite numbers when present.
 * 0, or -1 with err filled: record has no "boxes" array, box 3: "w" is
 * not an integer >= 1, out of memory.
 */
int rec_get_boxes(const cJSON *rec, struct rec_box **b, size_t *n,
    char *err, size_t errlen);

#endif
