#!/usr/bin/python3
"""mk-metric-fixtures.py: reference values for lib/metrics_test.c.

Writes testdata/det-eval/fixtures/scores.ndjson and pro.ndjson, one case a
line, with the expected figures computed here by scikit-learn (AUROC, AP)
and by a numpy transcription of the MVTec AD evaluation procedure (AU-PRO,
with scipy.ndimage.label for the 8-connected regions).  The C test reads the
committed files, so it needs no Python.  Deterministic (fixed seeds); run
from the repository root with Debian's python3 (python3-sklearn):

    /usr/bin/python3 scripts/mk-metric-fixtures.py
"""
import json
import os
from bisect import bisect

import numpy as np
from scipy.ndimage import label as nd_label
from sklearn.metrics import (average_precision_score, precision_recall_curve,
                             roc_auc_score)

OUT = "testdata/det-eval/fixtures"


def f1max(y, s):
    """Largest F1 over the distinct thresholds and the highest threshold
    reaching it (a sample is positive when its score >= threshold)."""
    p, r, t = precision_recall_curve(y, s)
    p, r = p[:-1], r[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    best = f.max()
    cand = t[f >= best * (1 - 1e-12)]
    return float(best), float(cand.max())


def num(v):
    return None if v is None or not np.isfinite(v) else float(v)


def score_case(name, s, y):
    s = np.asarray(s, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    rec = {"name": name, "scores": [float(v) for v in s],
           "labels": [int(v) for v in y]}
    if 0 < y.sum() < len(y):
        rec["auroc"] = float(roc_auc_score(y, s))
        rec["ap"] = float(average_precision_score(y, s))
        rec["f1"], rec["f1_threshold"] = f1max(y, s)
    else:
        # sklearn refuses AUROC with one class; AP, F1 need a positive
        rec["auroc"] = None
        rec["ap"] = None if y.sum() == 0 else 1.0
        rec["f1"] = rec["f1_threshold"] = None
        if y.sum() > 0:
            rec["f1"], rec["f1_threshold"] = 1.0, float(s.min())
    return rec


def score_cases():
    rng = np.random.default_rng(20240501)
    out = []
    for i, n in enumerate([2, 7, 50, 333, 2000]):
        y = (rng.random(n) < 0.3).astype(int)
        y[0], y[-1] = 1, 0
        s = rng.normal(size=n) + 1.2 * y
        out.append(score_case("normal-%d" % n, s, y))
    for i, k in enumerate([1, 2, 4, 6]):
        n = 400
        y = (rng.random(n) < 0.4).astype(int)
        y[:2] = [1, 0]
        s = rng.integers(0, k + 1, size=n) + y * rng.integers(0, 2, size=n)
        out.append(score_case("ties-int%d" % k, s, y))
    n = 1000
    y = (rng.random(n) < 0.1).astype(int)
    y[:2] = [1, 0]
    s = np.round(rng.normal(size=n) + y, 1)
    out.append(score_case("ties-round1", s, y))
    s = np.round(rng.exponential(size=n) * (1 + y), 2) - 0.5
    out.append(score_case("ties-round2-negative", s, y))
    out.append(score_case("all-equal", np.full(20, 0.25),
                          [1, 0] * 10))
    out.append(score_case("perfect", [0.1, 0.2, 0.3, 0.8, 0.9],
                          [0, 0, 0, 1, 1]))
    out.append(score_case("inverted", [0.9, 0.8, 0.3, 0.2],
                          [0, 0, 1, 1]))
    y = np.zeros(300, dtype=int)
    y[17] = 1
    out.append(score_case("one-positive", rng.random(300), y))
    out.append(score_case("no-positive", [0.5, 0.1, 0.7], [0, 0, 0]))
    out.append(score_case("no-negative", [0.5, 0.1, 0.7], [1, 1, 1]))
    return out


def trapezoid(x, y, x_max):
    """Area under (x, y) up to x_max, interpolating at x_max, as the MVTec
    AD evaluation does."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    corr = 0.0
    if x_max not in x:
        i = bisect(x, x_max)
        yi = y[i - 1] + (y[i] - y[i - 1]) * (x_max - x[i - 1]) / \
            (x[i] - x[i - 1])
        corr = 0.5 * (yi + y[i - 1]) * (x_max - x[i - 1])
    keep = x <= x_max
    x, y = x[keep], y[keep]
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * (x[1:] - x[:-1])) + corr)


def pro_curve(maps, gts):
    """(FPR, PRO) points of the MVTec AD procedure.  The rates stay in
    float64 (the original casts the FPR to float32 to save memory, which
    moves AU-PRO by less than 1e-7)."""
    st = np.ones((3, 3), dtype=int)
    fpc, proc, nok, nreg = [], [], 0, 0
    for gt in gts:
        lab, n = nd_label(gt, st)
        nreg += n
        ok = lab == 0
        nok += ok.sum()
        fp = ok.astype(np.float64)
        pro = np.zeros(gt.shape)
        for k in range(n):
            m = lab == k + 1
            pro[m] = 1.0 / m.sum()
        fpc.append(fp)
        proc.append(pro)
    s = np.array(maps).ravel()
    order = np.argsort(s, kind="stable")[::-1]
    s = s[order]
    fp = np.cumsum(np.array(fpc).ravel()[order]) / nok
    pro = np.cumsum(np.array(proc).ravel()[order]) / nreg
    keep = np.append(np.diff(s) != 0, True)
    fp = np.clip(fp[keep], None, 1.0)
    pro = np.clip(pro[keep], None, 1.0)
    return (np.concatenate(([0.0], fp, [1.0])),
            np.concatenate(([0.0], pro, [1.0])))


def blobs(rng, h, w, k):
    m = np.zeros((h, w), dtype=np.uint8)
    for _ in range(k):
        y, x = rng.integers(0, h), rng.integers(0, w)
        ry, rx = rng.integers(0, 4), rng.integers(0, 5)
        m[max(0, y - ry):y + ry + 1, max(0, x - rx):x + rx + 1] = 1
    # a few isolated diagonal neighbours: 8- but not 4-connected
    y, x = rng.integers(1, h - 2), rng.integers(1, w - 2)
    m[y, x] = m[y + 1, x + 1] = 1
    return m


def pro_cases():
    rng = np.random.default_rng(7)
    out = []
    for ci, (nimg, h, w, quant, lim) in enumerate([
            (3, 12, 17, 0, 0.3), (4, 20, 9, 8, 0.3), (2, 31, 23, 3, 0.3),
            (3, 16, 16, 0, 0.05), (5, 9, 14, 5, 1.0)]):
        maps, gts = [], []
        for i in range(nimg):
            gt = blobs(rng, h, w, int(rng.integers(0, 4))) if i else \
                np.zeros((h, w), dtype=np.uint8)
            sm = rng.random((h, w)) + 0.3 * gt
            if quant:
                sm = np.floor(sm * quant) / quant
            maps.append(sm.astype(np.float32))
            gts.append(gt)
        x, y = pro_curve(maps, gts)
        aupro = trapezoid(x, y, lim) / lim
        lab = [nd_label(g, np.ones((3, 3), dtype=int))[0] for g in gts]
        yv = np.array(gts).ravel()
        sv = np.array(maps).ravel().astype(np.float64)
        out.append({
            "name": "pro-%d" % ci, "w": w, "h": h, "limit": lim,
            "maps": [[float(v) for v in m.ravel()] for m in maps],
            "masks": [[int(v) for v in g.ravel()] for g in gts],
            "labels": [[int(v) for v in l.ravel()] for l in lab],
            "aupro": aupro,
            "auroc": float(roc_auc_score(yv, sv)),
            "ap": float(average_precision_score(yv, sv)),
        })
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for fn, cases in (("scores.ndjson", score_cases()),
                      ("pro.ndjson", pro_cases())):
        with open(os.path.join(OUT, fn), "w") as f:
            for c in cases:
                f.write(json.dumps(c, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
