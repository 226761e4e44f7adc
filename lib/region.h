/*
 * region: boxes to read on a screen, given absolutely or relative to a
 * located GUI element (an anchor, as gui-locate(1) reports it).  Specs:
 *
 *   [name=]x,y,w,h                  absolute, in screen pixels
 *   [name=]anchor:side:dx,dy,w,h    relative to the element named anchor
 *
 * side is where the box lies: "right" (its left edge dx right of the
 * anchor's right edge, top dy below the anchor's top), "left" (its right
 * edge dx left of the anchor's left edge), "below" (top dy below the
 * anchor's bottom, left edge dx right of the anchor's left), "above"
 * (bottom dy above the anchor's top) or "over" (top-left at dx, dy from
 * the anchor's top-left).  Each number is in screen pixels, or with the
 * suffix "a" in anchor units: dx and w in anchor widths, dy and h in
 * anchor heights ("0,0,4a,1a": four times as wide as the anchor, as
 * high).  Numbers may be negative and fractional; boxes are rounded to
 * whole pixels at the end.
 */
#ifndef LK_REGION_H
#define LK_REGION_H

#include <stddef.h>

#define REGION_NAMELEN 64

enum region_side {
	REGION_ABSOLUTE,
	REGION_RIGHT,
	REGION_LEFT,
	REGION_BELOW,
	REGION_ABOVE,
	REGION_OVER
};

struct region_spec {
	char name[REGION_NAMELEN];	/* "" when not given */
	char anchor[REGION_NAMELEN];	/* "" for absolute boxes */
	enum region_side side;
	double v[4];			/* dx (or x), dy (or y), w, h */
	int unit[4];			/* 1: in anchor units */
};

/*
 * Parse spec into r.  0, or -1 with err filled ("'3,4,5': expected
 * x,y,w,h", "unknown side 'behind'", "width must be positive").
 */
int region_parse(struct region_spec *r, const char *spec, char *err,
    size_t errlen);

/*
 * Place r for an anchor box a = {x, y, w, h} (ignored for absolute
 * boxes): out = {x, y, w, h} rounded to whole pixels (edges to the
 * nearest pixel).  0, or -1 when the box has no area.
 */
int region_place(const struct region_spec *r, const double a[4], int out[4]);

#endif
