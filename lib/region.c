/*
 * region: parse and place the boxes ocr-region reads.  See region.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "region.h"

static const char *const sides[] = { "", "right", "left", "below", "above",
    "over" };

/* Parse "n[a]" at *s up to a comma or the end.  0, or -1. */
static int
number(const char **s, double *v, int *unit, int last)
{
	char *end;

	errno = 0;
	*v = strtod(*s, &end);
	if (end == *s || errno != 0 || !isfinite(*v))
		return -1;
	*unit = *end == 'a';
	if (*unit)
		end++;
	if (last ? *end != '\0' : *end != ',')
		return -1;
	*s = end + !last;
	return 0;
}

int
region_parse(struct region_spec *r, const char *spec, char *err,
    size_t errlen)
{
	const char *s = spec, *eq = strchr(spec, '='), *c1, *c2;
	size_t n;
	int i;

	memset(r, 0, sizeof *r);
	if (eq != NULL) {
		n = (size_t)(eq - spec);
		if (n == 0 || n >= REGION_NAMELEN) {
			snprintf(err, errlen, "'%s': name must be 1 to %d "
			    "characters", spec, REGION_NAMELEN - 1);
			return -1;
		}
		memcpy(r->name, spec, n);
		s = eq + 1;
	}
	c1 = strchr(s, ':');
	if (c1 != NULL) {
		c2 = strchr(c1 + 1, ':');
		n = (size_t)(c1 - s);
		if (c2 == NULL || n == 0 || n >= REGION_NAMELEN) {
			snprintf(err, errlen, "'%s': expected "
			    "anchor:side:dx,dy,w,h", spec);
			return -1;
		}
		memcpy(r->anchor, s, n);
		for (i = 1; i < 6; i++)
			if (strlen(sides[i]) == (size_t)(c2 - c1 - 1) &&
			    strncmp(c1 + 1, sides[i], (size_t)(c2 - c1 - 1)) ==
			    0)
				break;
		if (i == 6) {
			snprintf(err, errlen, "'%s': side must be right, left, "
			    "below, above or over", spec);
			return -1;
		}
		r->side = (enum region_side)i;
		s = c2 + 1;
	}
	for (i = 0; i < 4; i++)
		if (number(&s, &r->v[i], &r->unit[i], i == 3) == -1) {
			snprintf(err, errlen, "'%s': expected %s", spec,
			    r->side == REGION_ABSOLUTE ? "x,y,w,h" :
			    "anchor:side:dx,dy,w,h");
			return -1;
		}
	if (r->side == REGION_ABSOLUTE && (r->unit[0] || r->unit[1] ||
	    r->unit[2] || r->unit[3])) {
		snprintf(err, errlen, "'%s': anchor units need an anchor",
		    spec);
		return -1;
	}
	if (r->v[2] <= 0 || r->v[3] <= 0) {
		snprintf(err, errlen, "'%s': width and height must be "
		    "positive", spec);
		return -1;
	}
	return 0;
}

int
region_place(const struct region_spec *r, const double a[4], int out[4])
{
	double v[4], x, y;
	int i;

	for (i = 0; i < 4; i++)
		v[i] = r->unit[i] ? r->v[i] * a[2 + (i & 1)] : r->v[i];
	switch (r->side) {
	case REGION_RIGHT:
		x = a[0] + a[2] + v[0];
		y = a[1] + v[1];
		break;
	case REGION_LEFT:
		x = a[0] - v[0] - v[2];
		y = a[1] + v[1];
		break;
	case REGION_BELOW:
		x = a[0] + v[0];
		y = a[1] + a[3] + v[1];
		break;
	case REGION_ABOVE:
		x = a[0] + v[0];
		y = a[1] - v[1] - v[3];
		break;
	case REGION_OVER:
		x = a[0] + v[0];
		y = a[1] + v[1];
		break;
	default:
		x = v[0];
		y = v[1];
		break;
	}
	out[0] = (int)lround(x);
	out[1] = (int)lround(y);
	out[2] = (int)lround(x + v[2]) - out[0];
	out[3] = (int)lround(y + v[3]) - out[1];
	return out[2] > 0 && out[3] > 0 ? 0 : -1;
}
