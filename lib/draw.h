/*
 * draw: marks on float CHW images (lib/img.h) for debug overlays: straight
 * lines and filled dots in a colour, clipped to the image.  Channels past
 * the first are left alone in grey images, which take the colour's first
 * component.
 */
#ifndef LK_DRAW_H
#define LK_DRAW_H

#include "img.h"

/* A line from (x0, y0) to (x1, y1), width pixels wide, colour rgb[3]. */
void draw_line(struct img *im, double x0, double y0, double x1, double y1,
    double width, const float rgb[3]);

/* A filled square dot of side 2 r + 1 pixels centred on (x, y). */
void draw_dot(struct img *im, double x, double y, int r, const float rgb[3]);

/* Scale every value by k (dims the picture under the marks). */
void draw_dim(struct img *im, float k);

#endif
