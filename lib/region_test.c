/*
 * region_test: parsing region specs (names, sides, anchor units, errors)
 * and the anchor-relative arithmetic for every side, by hand-worked
 * examples.
 */
#include <string.h>

#include "region.h"
#include "test.h"

/* Place spec for the anchor a and compare with want; the spec as label. */
static void
place(const char *spec, const double a[4], int x, int y, int w, int h)
{
	struct region_spec r;
	char err[128], what[200];
	int out[4] = { 0 }, ok;

	ok = region_parse(&r, spec, err, sizeof err) == 0 &&
	    region_place(&r, a, out) == 0;
	snprintf(what, sizeof what, "%s -> %d,%d %dx%d (want %d,%d %dx%d)",
	    spec, out[0], out[1], out[2], out[3], x, y, w, h);
	t_ok(ok && out[0] == x && out[1] == y && out[2] == w && out[3] == h,
	    what);
}

static void
bad(const char *spec, const char *msg)
{
	struct region_spec r;
	char err[128] = "", what[200];

	snprintf(what, sizeof what, "'%s' refused: %s", spec, msg);
	t_ok(region_parse(&r, spec, err, sizeof err) == -1 &&
	    strstr(err, msg) != NULL, what);
}

int
main(void)
{
	/* an anchor 40x20 at 100,50 */
	static const double a[4] = { 100, 50, 40, 20 };
	struct region_spec r;
	char err[128];

	t_ok(region_parse(&r, "total=ok:right:6,0,4a,1a", err,
	    sizeof err) == 0 && strcmp(r.name, "total") == 0 &&
	    strcmp(r.anchor, "ok") == 0 && r.side == REGION_RIGHT &&
	    r.unit[2] && r.unit[3] && !r.unit[0], "named anchored spec");
	t_ok(region_parse(&r, "10,20,30,40", err, sizeof err) == 0 &&
	    r.name[0] == '\0' && r.side == REGION_ABSOLUTE, "absolute spec");
	place("10,20,30,40", a, 10, 20, 30, 40);
	place("ok:right:6,0,4a,1a", a, 146, 50, 160, 20);
	place("ok:right:0.5a,-2,100,1.5a", a, 160, 48, 100, 30);
	place("ok:left:5,0,50,1a", a, 45, 50, 50, 20);
	place("ok:below:0,3,1a,12", a, 100, 73, 40, 12);
	place("ok:above:-10,2,2a,10", a, 90, 38, 80, 10);
	place("ok:over:0.25a,0.25a,0.5a,0.5a", a, 110, 55, 20, 10);
	place("x=1.4,2.6,10.2,3.3", a, 1, 3, 11, 3);	/* edges 1.4, 11.6 */
	bad("1,2,3", "expected x,y,w,h");
	bad("1,2,3,4,5", "expected x,y,w,h");
	bad("1,2,x,4", "expected x,y,w,h");
	bad("ok:behind:1,2,3,4", "side must be");
	bad("ok:right", "expected anchor:side");
	bad(":right:1,2,3,4", "expected anchor:side");
	bad("ok:right:1,2,3", "expected anchor:side:dx,dy,w,h");
	bad("1a,2,3,4", "anchor units need an anchor");
	bad("ok:right:1,2,0,4", "must be positive");
	bad("=1,2,3,4", "name must be");
	t_ok(region_parse(&r, "ok:right:-500,0,10,1a", err, sizeof err) ==
	    0 && region_place(&r, a, (int[4]){ 0 }) == 0,
	    "negative offsets are placed (clipping is the reader's)");
	t_ok(region_parse(&r, "ok:over:0,0,0.01a,1a", err, sizeof err) ==
	    0 && region_place(&r, a, (int[4]){ 0 }) == -1,
	    "a box that rounds to no area is refused");
	return t_done();
}
