/*
 * gt: ground truth of inspection datasets, for det-eval.  A reader lists
 * the test images of a dataset with their class, whether they are
 * defective, and where their defect pixels or boxes come from; records are
 * matched to them by image path.  Layouts ("kind:path" specs):
 *
 *   mvtec:ROOT    MVTec AD: ROOT/test/<type>/X.<ext>, mask
 *                 ROOT/ground_truth/<type>/X_mask.png; type "good" is
 *                 defect-free and has no mask.  Classes: the other types.
 *                 The training images ROOT/train/good/X.<ext> are listed
 *                 as defect-free too (for held-out validation normals).
 *                 Keys "test/<type>/X.<ext>", "train/good/X.<ext>".
 *   dagm:DIR      DAGM 2007 as re-published with label images:
 *                 DIR/Label/Labels.txt (or DIR/Test/Label/Labels.txt),
 *                 a header line, then per image "ID defective(0|1) file
 *                 0 label-file-or-0"; masks DIR/Label/<label-file>.  One
 *                 class, named after the dataset directory.  Keys: the
 *                 image file names.
 *   dagm07:DIR    the original competition layout: DIR (ClassN_def)
 *                 holds the defective images <ID>.png and labels.txt with
 *                 "ID semi-major semi-minor rotation x y" per line
 *                 (rotation in radians from +x towards +y, the image's y
 *                 axis pointing down; centre in pixels, pixel centres at
 *                 integer coordinates from 0); the defect-free images are
 *                 every image in the sibling directory without "_def"
 *                 (ClassN), when it exists.  Keys "ClassN_def/<ID>.png",
 *                 "ClassN/<file>".
 *   masks:DIR     plain mask folder: the mask of an image X.<ext> is
 *                 DIR/X.png or DIR/X_mask.png (any image type); an image
 *                 without one is defect-free.  One class, "defect".
 *                 Matched by the file name's stem, not a key.
 *   boxes:FILE    box lists: NDJSON records {"image": path, "boxes":
 *                 [{"x","y","w","h"}...], "class": name (optional,
 *                 default "defect")}; no boxes means defect-free.  Keys:
 *                 the paths as written.  No pixel masks.
 *
 * A mask pixel is a defect when its value is at least half the maximum
 * (128 of 255): some datasets' masks carry compression noise.
 */
#ifndef LK_GT_H
#define LK_GT_H

#include <stddef.h>
#include <stdint.h>

#define GT_ERRLEN 512

enum gt_kind { GT_MVTEC, GT_DAGM, GT_DAGM07, GT_MASKS, GT_BOXES };

struct gt_ellipse {
	double a, b;		/* semi-major and semi-minor axes, pixels */
	double rot;		/* radians, from +x towards +y */
	double cx, cy;		/* centre */
};

struct gt_box {
	int x, y, w, h;		/* pixels x..x+w-1, y..y+h-1 */
};

struct gt_item {
	char *key;		/* match key (see above) */
	char *path;		/* image file, NULL for box lists */
	int cls;		/* index into gt.cls; -1: defect-free */
	char *mask;		/* mask file or NULL */
	struct gt_ellipse *ell;	/* dagm07: the defect ellipse or NULL */
	struct gt_box *box;	/* boxes: the listed boxes */
	int nbox;
};

struct gt {
	enum gt_kind kind;
	char *root;
	char **cls;		/* class names, sorted */
	int ncls;
	struct gt_item *item;	/* sorted by key */
	size_t n;
	size_t *tab;		/* open-addressing index on key (or stem) */
	size_t tabsz;
};

/*
 * Read the ground truth named by spec ("kind:path").  0, or -1 with err
 * filled ("unknown ground-truth kind 'x' (mvtec, dagm, dagm07, masks,
 * boxes)", "labels.txt:3: expected 6 fields", ...).  On error *g is
 * empty and nothing needs freeing.
 */
int gt_load(struct gt *g, const char *spec, char *err, size_t errlen);

void gt_free(struct gt *g);

/*
 * The item for an image path: the longest key equal to path or to a
 * suffix of it that starts after a '/' ("./" and repeated slashes are
 * ignored); for masks, the item whose stem is the path's stem.  NULL if
 * none.
 */
const struct gt_item *gt_find(const struct gt *g, const char *path);

/* Whether the items have pixel masks (all kinds but boxes). */
int gt_has_masks(const struct gt *g);

/* Whether the item is defective. */
int gt_defective(const struct gt_item *it);

/*
 * The defect mask of it as w x h bytes (1 defect, 0 not) into mask: its
 * mask file (which must be exactly w x h), its ellipse, or all 0 for a
 * defect-free image.  Not for box lists (see gt_has_masks).  0, or -1
 * with err filled.
 */
int gt_mask(const struct gt_item *it, int w, int h, unsigned char *mask,
    char *err, size_t errlen);

/* Set the pixels of an ellipse in a w x h mask to 1. */
void gt_ellipse_fill(const struct gt_ellipse *e, int w, int h,
    unsigned char *mask);

/* A labelled region. */
struct gt_region {
	int x, y, w, h;		/* bounding box */
	long area;		/* pixels */
};

/*
 * 8-connected regions of a w x h mask (non-zero: foreground): lab gets
 * w * h labels, 0 for background and 1..n for the regions numbered in
 * raster order of their first pixel (as scipy.ndimage.label); *reg gets
 * the n regions (caller frees; may be NULL when n is 0).  Returns n, or
 * -1 when memory is short.
 */
long gt_label(const unsigned char *mask, int w, int h, int32_t *lab,
    struct gt_region **reg);

#endif
