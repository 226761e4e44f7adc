/*
 * needle: openQA needles, the GUI test references testers already have.
 * A needle is NAME.json beside NAME.png (the reference screen):
 *   {"area": [{"xpos": 10, "ypos": 20, "width": 40, "height": 12,
 *              "type": "match"}, ...], "tags": ["login"], ...}
 * Area types: "match" (an element to find: crop it from the PNG),
 * "ocr" (a region to read) and "exclude" (pixels to ignore inside match
 * areas).  Other members ("match" percentage, "margin", "click_point",
 * "properties") are read where useful and otherwise ignored.
 */
#ifndef LK_NEEDLE_H
#define LK_NEEDLE_H

#include <stddef.h>

enum needle_type {
	NEEDLE_MATCH,
	NEEDLE_OCR,
	NEEDLE_EXCLUDE
};

struct needle_area {
	int x, y, w, h;		/* in reference-screen pixels */
	enum needle_type type;
	double match;		/* required similarity in percent, or -1 */
	int margin;		/* search margin in pixels, or -1 */
};

struct needle {
	char *name;		/* file name without directory and ".json" */
	char *png;		/* the reference screen beside the JSON */
	struct needle_area *area;
	int narea;
	char **tags;
	int ntags;
};

#define NEEDLE_MAX_BYTES (1L << 20)	/* JSON file size, at most */

/*
 * Read the needle JSON at path.  0, or -1 with err filled ("area 2: no
 * \"width\" integer >= 1", "not a needle: no \"area\" array", a system
 * error); *nd is then empty and needs no freeing.  The PNG is not opened.
 */
int needle_load(struct needle *nd, const char *path, char *err,
    size_t errlen);

void needle_free(struct needle *nd);

/*
 * The exclude areas overlapping match area k, clipped to it and in its
 * coordinates (origin at its top-left), into out (room for max).  Their
 * number, or -1 when more than max.
 */
int needle_exclusions(const struct needle *nd, int k,
    struct needle_area *out, int max);

/* Name of an area type: "match", "ocr", "exclude". */
const char *needle_type_name(enum needle_type t);

#endif
