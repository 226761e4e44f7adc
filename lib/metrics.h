/*
 * metrics: the figures det-eval reports, computed the way the literature
 * does so that numbers compare with published ones.
 *
 * Threshold curves (ROC, precision-recall, PRO) are built by a curve
 * accumulator (struct mt_acc) that is fed one step per distinct score, from
 * the highest score down, with the positives, negatives and PRO weight at
 * exactly that score.  Ties are therefore one step, as in scikit-learn's
 * _binary_clf_curve and the MVTec AD evaluation code:
 *   AUROC  trapezoid over the ROC points of the distinct thresholds, with
 *          (0, 0) prepended (sklearn roc_auc_score);
 *   AP     sum over distinct thresholds of (R_n - R_n-1) P_n, R_0 = 0
 *          (sklearn average_precision_score; no interpolation);
 *   F1max  the largest 2PR / (P + R) over the distinct thresholds and the
 *          threshold giving it (the highest one among exact ties); a
 *          sample is positive when its score is >= the threshold;
 *   AU-PRO the official MVTec AD procedure: FPR over all defect-free
 *          pixels, PRO the mean over ground-truth regions of the share of
 *          each region above the threshold, curve (0, 0) + steps + (1, 1)
 *          with both clipped to 1, trapezoid up to the limit with linear
 *          interpolation at the limit, divided by the limit.
 * Three producers feed it: mt_scores() (exact, doubles: image level and
 * small sets) and the pixel store mt_pix in exact mode (every score kept
 * and sorted) or histogram mode (see mt_pix_new()).
 *
 * Box AP (mt_box_ap) is PASCAL VOC 2010+ detection AP: detections sorted by
 * confidence, each matched greedily to the unmatched ground-truth box of its
 * image with the largest IoU >= the threshold, all-point interpolated
 * precision.
 */
#ifndef LK_METRICS_H
#define LK_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* One recorded curve point (for plots). */
struct mt_pt {
	double thr;		/* score threshold (>= thr is positive) */
	double fpr, tpr;	/* ROC */
	double rec, prec;	/* precision-recall */
};

/*
 * A thinned curve: a point is kept when some coordinate moved by at least
 * eps since the last kept point; the first and last points are always kept.
 * A zeroed struct with eps set is an empty curve; mt_curve_free() releases.
 */
struct mt_curve {
	struct mt_pt *pt;
	size_t n, cap;
	double eps;
	int pending;		/* pt[n] holds the newest point, not yet kept */
	int nomem;		/* a point could not be stored */
};

void mt_curve_free(struct mt_curve *c);

/* The figures of one curve; NAN where undefined (no positives, ...). */
struct mt_result {
	double pos, neg;	/* positives and negatives counted */
	double nreg;		/* ground-truth regions (AU-PRO) */
	double auroc, ap;
	double f1, f1_thr;	/* F1max and its threshold */
	double aupro;		/* NAN unless regions were given */
	double tie_bound;	/* histogram mode: |AUROC - exact| <= this;
				   0 for the exact producers */
};

/* Curve accumulator; fields are private to metrics.c. */
struct mt_acc {
	double P, N, R, lim;
	double tp, fp, pro;
	double roc, ap, f1, f1_thr;
	double px, py, aupro;	/* last PRO point and running integral */
	int pro_done;
	double ties;
	struct mt_curve *curve;
};

/*
 * Start a curve over P positives, N negatives and R ground-truth regions
 * (0 when there is no AU-PRO), integrating PRO up to FPR lim (0.3 in the
 * MVTec evaluation).  curve, if not NULL, receives thinned points.
 */
void mt_acc_begin(struct mt_acc *a, double P, double N, double R, double lim,
    struct mt_curve *curve);

/*
 * One distinct threshold thr, lower than every earlier one: dtp positives,
 * dfp negatives and dpro PRO weight (sum over the positive pixels of
 * 1 / size of their region) have exactly this score.
 */
void mt_acc_step(struct mt_acc *a, double thr, double dtp, double dfp,
    double dpro);

/* Finish and fill r. */
void mt_acc_end(struct mt_acc *a, struct mt_result *r);

/*
 * Exact curve of n scores s with labels y (non-zero: positive): AUROC, AP
 * and F1max (aupro NAN).  Scores must be finite.  0, or -1 when memory is
 * short (errno ENOMEM).
 */
int mt_scores(const double *s, const unsigned char *y, size_t n,
    struct mt_result *r, struct mt_curve *curve);

/*
 * Pixel store: scores of many images in groups (det-eval: one group per
 * defect class and one for the defect-free images), evaluated over any
 * union of groups.
 *
 * bits == 0: exact mode.  Every pixel is kept (8 bytes: float score and a
 * region index) and each group is sorted once at the first evaluation.
 * bits 1..MT_MAX_BITS: histogram mode.  A score is binned by its float32
 * value truncated to bits significant mantissa bits: the bins are the
 * float32 bit patterns with the low 23 - bits mantissa bits cleared, so a
 * bin spans a relative width of at most 2^-bits whatever the scale, and
 * zero is a bin of its own.  The result is exactly the exact-mode result
 * of the truncated scores; every tie the truncation creates is a pair
 * counted half, so |AUROC - exact AUROC| <= tie_bound, which is reported.
 * Bins are allocated per binary exponent and group on first use (24 bytes
 * a bin: negatives, positives, PRO weight), so memory grows with the
 * number of octaves the scores span, not with the number of pixels.
 */
#define MT_MAX_BITS 20
struct mt_pix;

/* A new store with ngroups groups; NULL if memory is short. */
struct mt_pix *mt_pix_new(int ngroups, int bits);
void mt_pix_free(struct mt_pix *p);

/*
 * Start an image in group g with nreg ground-truth regions of size[k]
 * pixels (region k + 1 in the labels given to mt_pix_add).  0, or -1 when
 * memory is short or g or a size is invalid (errno EINVAL).
 */
int mt_pix_image(struct mt_pix *p, int g, int nreg, const long *size);

/*
 * Add n pixels of the current image: scores s (finite; -0 counts as 0)
 * and region labels lab (0: defect-free pixel, k: region k).  0, or -1
 * when memory is short (exact mode).
 */
int mt_pix_add(struct mt_pix *p, const float *s, const int32_t *lab,
    size_t n);

/* Pixels and regions held so far in group g. */
double mt_pix_count(const struct mt_pix *p, int g);

/*
 * Evaluate the union of the ng groups listed in groups: AUROC, AP, F1max
 * and AU-PRO up to FPR lim.  0, or -1 when memory is short.
 */
int mt_pix_eval(struct mt_pix *p, const int *groups, int ng, double lim,
    struct mt_result *r, struct mt_curve *curve);

/* A box: the pixels x..x+w-1, y..y+h-1 of image img; conf for detections. */
struct mt_box {
	long img;
	double x, y, w, h;
	double conf;
};

/* Intersection over union of two boxes (0 when both are empty). */
double mt_iou(const struct mt_box *a, const struct mt_box *b);

/*
 * VOC detection AP of nd detections against ng ground-truth boxes at IoU
 * >= iou: detections in decreasing confidence (stable: input order among
 * equal confidences), each a true positive when the ground-truth box of the
 * same image it overlaps most has IoU >= iou and is not yet taken.  *ap is
 * NAN when ng == 0.  *ntp gets the true positives (may be NULL).  curve
 * gets (recall, precision) points.  0, or -1 when memory is short.
 */
int mt_box_ap(const struct mt_box *d, size_t nd, const struct mt_box *g,
    size_t ng, double iou, double *ap, long *ntp, struct mt_curve *curve);

/*
 * Accept decisions against the truth.  Counts: good parts accepted (ta),
 * defective accepted (fa: an escape), defective rejected (tr), good
 * rejected (fr).
 */
struct mt_confusion {
	long ta, fa, tr, fr;
};

/*
 * Rates, NAN when the denominator is 0: accuracy, false-accept rate
 * fa / (fa + tr) (defective parts let through), false-reject rate
 * fr / (ta + fr) (good parts thrown away), and precision tr / (tr + fr)
 * and recall tr / (tr + fa) of rejection as the defect detector.
 */
struct mt_rates {
	double accuracy, far, frr, precision, recall;
};
void mt_confusion_rates(const struct mt_confusion *c, struct mt_rates *r);

#endif
