#!/usr/bin/python3
"""Generate the svm-accept fixtures in testdata/svm-accept/.

  train.ndjson        52 labelled records (40 pass, 12 fail): the per-image
                      features mask-boxes writes, drawn from two
                      overlapping synthetic populations (small or no
                      regions for good parts, large high-error ones for
                      defects), with the class imbalance of a real line
  test.ndjson         12 unlabelled-looking records (their "label" is kept
                      for the reader) including borderline parts, so that
                      moving --threshold changes decisions
  accept.svm          the model `svm-accept train` makes from train.ndjson
                      with default options; train-summary.ndjson its
                      summary line
  other.svm           a model trained on other features ("area_sum" for
                      "total_area"), which predict must refuse
  bad/*.svm           damaged, foreign, newer, truncated and inconsistent
                      models that loading must refuse
  maps/*.png          20x20 grey error maps (noise; good parts may have a
                      faint small spot, defects a bright blob) and
  pipeline-train.ndjson, pipeline-test.ndjson  records naming them, for
                      the mask-boxes | svm-accept pipeline test

Deterministic (fixed seed).  Needs a built svm-accept: run from the
repository root after `make`:  python3 scripts/mk-svm-fixtures.py [BINDIR]
"""
import os
import math
import random
import struct
import subprocess
import sys
import zlib

ROOT = "testdata/svm-accept"
BIN = sys.argv[1] if len(sys.argv) > 1 else "bin"
rng = random.Random(20261123)


def part(i, fail, borderline=False):
    """One record; fail parts have big, strong regions."""
    if fail or borderline:
        count = rng.randint(1, 3)
        largest = rng.randint(12, 40) if borderline else rng.randint(25, 220)
        mean_err = rng.uniform(0.18, 0.3) if borderline else \
            rng.uniform(0.22, 0.55)
        max_err = mean_err + rng.uniform(0.1, 0.4)
    elif rng.random() < 0.55:
        count, largest, mean_err, max_err = 0, 0, 0.0, 0.0
    else:
        count = rng.randint(1, 2)
        largest = rng.randint(2, 30)
        mean_err = rng.uniform(0.1, 0.26)
        max_err = mean_err + rng.uniform(0.02, 0.2)
    total = largest + sum(rng.randint(1, largest) for _ in range(count - 1))
    return {
        "count": count, "total_area": total, "largest_area": largest,
        "largest_mean_err": round(mean_err, 4),
        "largest_max_err": round(max_err, 4),
    }


def record(rid, image, label, feats):
    """A record as mask-boxes would pass it on, in a fixed key order."""
    f = ",".join('"%s":%s' % (k, repr(v)) for k, v in feats.items())
    return '{"id":"%s","image":"%s","label":"%s","features":{%s}}\n' % (
        rid, image, label, f)


def seal(text):
    """Give a model text (without its checksum line) a valid CRC line."""
    return text + "crc32 %08x\n" % (zlib.crc32(text.encode()) & 0xFFFFFFFF)


def write_png(path, rows):
    """8-bit grey PNG from rows of ints, with zlib only."""
    h, w = len(rows), len(rows[0])
    raw = b"".join(b"\0" + bytes(r) for r in rows)

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def error_map(defect, side=20):
    """Noise below 0.25; a faint spot (good) or a bright blob (defect)."""
    rows = [[rng.randint(0, 60) for _ in range(side)] for _ in range(side)]
    if defect or rng.random() < 0.5:
        r = rng.uniform(2.5, 5) if defect else rng.uniform(0.8, 1.6)
        peak = rng.randint(200, 255) if defect else rng.randint(135, 175)
        cy, cx = rng.uniform(r, side - r), rng.uniform(r, side - r)
        for y in range(side):
            for x in range(side):
                d = math.hypot(y - cy, x - cx)
                if d < r:
                    rows[y][x] = max(rows[y][x],
                                     int(peak * (1 - 0.3 * d / r)))
    return rows


def maps():
    """The error maps and the records of the pipeline test."""
    os.makedirs(ROOT + "/maps", exist_ok=True)
    for name, n, nfail in (("train", 30, 8), ("test", 8, 3)):
        with open("%s/pipeline-%s.ndjson" % (ROOT, name), "w") as f:
            for i in range(n):
                fail = i >= n - nfail
                png = "%s/maps/%s%02d.png" % (ROOT, name, i)
                write_png(png, error_map(fail))
                f.write('{"image":"parts/%s%02d.png","mask":"%s",'
                        '"label":"%s"}\n' % (name, i, png,
                                             "fail" if fail else "pass"))


def main():
    os.makedirs(ROOT + "/bad", exist_ok=True)
    labels = ["fail" if i % 13 in (3, 7, 11) else "pass" for i in range(52)]
    with open(ROOT + "/train.ndjson", "w") as f:
        for i, lab in enumerate(labels):
            cls = "good" if lab == "pass" else "crack"
            f.write(record("t%03d" % i, "train/%s/%03d.png" % (cls, i), lab,
                           part(i, lab == "fail")))
    with open(ROOT + "/test.ndjson", "w") as f:
        kinds = ["pass"] * 5 + ["fail"] * 3 + ["border"] * 4
        for i, k in enumerate(kinds):
            lab = "fail" if k == "fail" else "pass"
            f.write(record("p%03d" % i, "test/%03d.png" % i, lab,
                           part(i, k == "fail", k == "border")))

    svm = BIN + "/svm-accept"
    model = ROOT + "/accept.svm"
    with open(ROOT + "/train-summary.ndjson", "w") as out:
        subprocess.run([svm, "train", "-x", "5", "-o", model,
                        ROOT + "/train.ndjson"], stdout=out, check=True)
    renamed = open(ROOT + "/train.ndjson").read().replace(
        '"total_area"', '"area_sum"')
    subprocess.run([svm, "train", "-o", ROOT + "/other.svm"],
                   input=renamed.encode(), stdout=subprocess.DEVNULL,
                   check=True)

    good = open(model).read()
    body = good[:good.rindex("crc32 ")]
    libsvm = body[body.index("\nmodel\n") + 7:]
    bad = {
        "empty.svm": "",
        "foreign.svm": libsvm,
        "newer.svm": seal(body.replace("linekit-svm 1\n", "linekit-svm 2\n")),
        "truncated.svm": good[:len(good) * 3 // 5],
        # one digit of a support vector changed, checksum left as it was
        "damaged.svm": body[:-20] + ("7" if body[-20] != "7" else "8") +
        body[-19:] + good[len(body):],
        # a valid checksum over a model without probability outputs
        "no-probability.svm": seal("".join(
            ln for ln in body.splitlines(True)
            if not ln.startswith(("probA", "probB")))),
        # a valid checksum, but one support vector fewer than total_sv
        "short.svm": seal(body[:body.rstrip("\n").rindex("\n") + 1]),
    }
    for name, text in bad.items():
        with open(ROOT + "/bad/" + name, "w") as f:
            f.write(text)
    maps()


main()
