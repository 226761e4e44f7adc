#!/usr/bin/python3
"""mk-det-eval-fixtures.py: a tiny dataset and predictions for det-eval's
end-to-end tests, with the expected metrics computed independently here.

Writes testdata/det-eval/ds/ (MVTec AD layout, 16 x 12 images: 3 good,
2 "crack", 2 "spot"), error maps ds/maps/*.pfm, the prediction records
ds/pred.ndjson (image, map, boxes from thresholding the map like mask-boxes,
accept) and ds/expected.ndjson: per class (the good images plus that
class) and for all images, the figures by scikit-learn (AUROC, AP), a numpy
transcription of the MVTec AD AU-PRO procedure and of PASCAL VOC 2010+
box AP, and plain counting for the accept figures.  Map values are
multiples of 1/64, so scores tie and the histogram mode is exact too.
Deterministic; run from the repository root with /usr/bin/python3.
"""
import json
import os
import struct
import zlib

from importlib.util import module_from_spec, spec_from_file_location

import numpy as np
from scipy.ndimage import label as nd_label
from sklearn.metrics import average_precision_score, roc_auc_score

# the AU-PRO transcription and F1max of the metric fixtures
_spec = spec_from_file_location(
    "mf", os.path.join(os.path.dirname(__file__), "mk-metric-fixtures.py"))
mf = module_from_spec(_spec)
_spec.loader.exec_module(mf)

ROOT = "testdata/det-eval/ds"
W, H = 16, 12
ST = np.ones((3, 3), dtype=int)
rng = np.random.default_rng(31337)


def write_png(path, a):
    a = np.asarray(a, dtype=np.uint8)
    h, w = a.shape
    raw = b"".join(b"\0" + a[y].tobytes() for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def write_pfm(path, m):
    m = np.asarray(m, dtype="<f4")
    with open(path, "wb") as f:
        f.write(b"Pf\n%d %d\n-1\n" % (m.shape[1], m.shape[0]))
        f.write(m[::-1].tobytes())


def voc_ap(dets, gts, iou_thr):
    """dets: (img, conf, x, y, w, h); gts: (img, x, y, w, h)."""
    if not gts:
        return None, 0
    order = sorted(range(len(dets)), key=lambda i: (-dets[i][1], i))
    taken = [False] * len(gts)
    tp = fp = 0
    rec, prec = [], []
    for i in order:
        im, _, x, y, w, h = dets[i]
        best, jb = -1.0, None
        for j, g in enumerate(gts):
            if g[0] != im:
                continue
            iw = min(x + w, g[1] + g[3]) - max(x, g[1])
            ih = min(y + h, g[2] + g[4]) - max(y, g[2])
            inter = iw * ih if iw > 0 and ih > 0 else 0
            o = inter / (w * h + g[3] * g[4] - inter)
            if o > best:
                best, jb = o, j
        if jb is not None and best >= iou_thr and not taken[jb]:
            taken[jb] = True
            tp += 1
        else:
            fp += 1
        rec.append(tp / len(gts))
        prec.append(tp / (tp + fp))
    mrec = [0.0] + rec + [1.0]
    mpre = [0.0] + prec + [0.0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    ap = sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]
             for i in range(len(mrec) - 1) if mrec[i + 1] != mrec[i])
    return ap, tp


def make():
    items = []  # (class or None, name, map, mask)
    for i in range(3):
        m = np.floor(rng.random((H, W)) * 32) / 64
        if i == 2:
            m[5, 5] = m[5, 6] = 0.6875  # a bright spot on a good part
        items.append((None, "good", "%03d" % i, m, np.zeros((H, W), int)))
    for cls in ("crack", "spot"):
        for i in range(2):
            mask = np.zeros((H, W), dtype=int)
            if cls == "crack":
                y = int(rng.integers(2, H - 2))
                x0 = int(rng.integers(0, 6))
                for x in range(x0, x0 + 8):
                    mask[y + (x % 2), x] = 1
            else:
                for _ in range(2):
                    y, x = int(rng.integers(1, H - 3)), int(rng.integers(1, W - 3))
                    mask[y:y + 2 + i, x:x + 2] = 1
            m = np.floor((rng.random((H, W)) * 0.5 + 0.25 * mask) * 64) / 64
            items.append((cls, cls, "%03d" % i, m, mask))
    return items


def main():
    items = make()
    recs = []
    for cls, d, stem, m, mask in items:
        os.makedirs(os.path.join(ROOT, "test", d), exist_ok=True)
        os.makedirs(os.path.join(ROOT, "maps"), exist_ok=True)
        write_png(os.path.join(ROOT, "test", d, stem + ".png"),
                  np.full((H, W), 128))
        if cls:
            os.makedirs(os.path.join(ROOT, "ground_truth", d), exist_ok=True)
            write_png(os.path.join(ROOT, "ground_truth", d,
                                   stem + "_mask.png"), mask * 255)
        mp = os.path.join(ROOT, "maps", "%s-%s.pfm" % (d, stem))
        write_pfm(mp, m)
        lab, n = nd_label(m > 0.5, ST)
        boxes = []
        for k in range(1, n + 1):
            ys, xs = np.nonzero(lab == k)
            boxes.append({"x": int(xs.min()), "y": int(ys.min()),
                          "w": int(xs.max() - xs.min() + 1),
                          "h": int(ys.max() - ys.min() + 1),
                          "area": int(len(xs)),
                          "max_err": float(m[ys, xs].max())})
        recs.append({"image": os.path.join(ROOT, "test", d, stem + ".png"),
                     "map": mp, "boxes": boxes,
                     "accept": bool(m.max() < 0.68)})
    with open(os.path.join(ROOT, "pred.ndjson"), "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")

    classes = ["crack", "spot"]
    out = []
    for want in classes + ["all"]:
        sel = [i for i, it in enumerate(items)
               if it[0] is None or want == "all" or it[0] == want]
        maps = [items[i][3].astype(np.float32) for i in sel]
        masks = [items[i][4] for i in sel]
        y_img = [1 if items[i][0] else 0 for i in sel]
        s_img = [float(m.max()) for m in maps]
        yv = np.concatenate([g.ravel() for g in masks])
        sv = np.concatenate([m.ravel() for m in maps]).astype(np.float64)
        x, yy = mf.pro_curve(maps, masks)
        dets, gts = [], []
        for i in sel:
            for b in recs[i]["boxes"]:
                dets.append((i, b["max_err"], b["x"], b["y"], b["w"], b["h"]))
            lab, n = nd_label(items[i][4], ST)
            for k in range(1, n + 1):
                ys, xs = np.nonzero(lab == k)
                gts.append((i, xs.min(), ys.min(), xs.max() - xs.min() + 1,
                            ys.max() - ys.min() + 1))
        ap, tp = voc_ap(dets, gts, 0.5)
        acc = [recs[i]["accept"] for i in sel]
        ta = sum(1 for a, d in zip(acc, y_img) if a and not d)
        fa = sum(1 for a, d in zip(acc, y_img) if a and d)
        tr = sum(1 for a, d in zip(acc, y_img) if not a and d)
        fr = sum(1 for a, d in zip(acc, y_img) if not a and not d)
        f1, f1t = mf.f1max(y_img, s_img)
        pf1, pf1t = mf.f1max(yv, sv)
        out.append({
            "class": want, "images": len(sel), "defective": sum(y_img),
            "image_auroc": roc_auc_score(y_img, s_img),
            "image_ap": average_precision_score(y_img, s_img),
            "image_f1": f1, "image_f1_threshold": f1t,
            "pixel_auroc": roc_auc_score(yv, sv),
            "pixel_ap": average_precision_score(yv, sv),
            "pixel_f1": pf1, "pixel_f1_threshold": pf1t,
            "aupro": mf.trapezoid(x, yy, 0.3) / 0.3,
            "box_ap": ap, "detections": len(dets), "gt_boxes": len(gts),
            "true_positives": tp,
            "accuracy": (ta + tr) / len(sel),
            "false_accept_rate": fa / (fa + tr),
            "false_reject_rate": fr / (ta + fr),
        })
    out[-1]["box_map"] = (out[0]["box_ap"] + out[1]["box_ap"]) / 2
    with open(os.path.join(ROOT, "expected.ndjson"), "w") as f:
        for r in out:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
