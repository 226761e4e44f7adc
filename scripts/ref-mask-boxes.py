#!/usr/bin/env python3
"""ref-mask-boxes.py: check mask-boxes output against an independent
computation with numpy and scipy (a test oracle, never needed at run time).

Reads mask-boxes records on stdin.  For each, loads the record's "map"
(PFM) or "mask" (grey PNG, values / 255), takes the pixels above the
record's "box_threshold", labels them with scipy.ndimage (8- or
4-connected), and compares every box (position, size, area, mean and max
error, fill, elongation, orientation) and every feature (regions, areas,
errors, DCT terms by scipy.fft.dctn on an area-averaged 8x8 patch).
Morphology (-o, -c) is not modelled: run mask-boxes without it.

usage: ref-mask-boxes.py [-4 | -8] [-a min_area] [-b max_boxes] < records
Exit 0 when everything agrees; 1 with one line per difference.
"""
import json
import math
import sys

import numpy as np
from scipy import fft, ndimage

try:
    from PIL import Image
except ImportError:  # only needed for "mask" records
    Image = None


def read_pfm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    if parts[0] != b'Pf':
        raise ValueError('%s: not a grey PFM' % path)
    w, h, scale = int(parts[1]), int(parts[2]), float(parts[3])
    raw = data[len(data) - 4 * w * h:]
    a = np.frombuffer(raw, dtype='<f4' if scale < 0 else '>f4')
    return a.reshape(h, w)[::-1].astype(np.float64)


def resample(patch, n):
    """Area averaging to n x n, pixels as unit squares."""
    def weights(length):
        m = np.zeros((n, length))
        cell = length / n
        for i in range(n):
            for j in range(length):
                lo, hi = max(i * cell, j), min((i + 1) * cell, j + 1)
                if hi > lo:
                    m[i, j] = (hi - lo) / cell
        return m
    h, w = patch.shape
    return weights(h) @ patch @ weights(w).T


ZIGZAG = [(0, 0), (0, 1), (1, 0), (2, 0), (1, 1), (0, 2)]


def regions(values, t, conn, min_area):
    fg = values > np.float32(t)
    st = np.ones((3, 3)) if conn == 8 else None
    lab, n = ndimage.label(fg, structure=st)
    out = []
    for k, sl in enumerate(ndimage.find_objects(lab), 1):
        ys, xs = np.nonzero(lab[sl] == k)
        ys = ys + sl[0].start
        xs = xs + sl[1].start
        if len(xs) < min_area:
            continue
        v = values[ys, xs]
        first = min(zip(ys, xs))
        cx, cy = xs.mean(), ys.mean()
        mu20 = ((xs - cx) ** 2).mean() + 1 / 12
        mu02 = ((ys - cy) ** 2).mean() + 1 / 12
        mu11 = ((xs - cx) * (ys - cy)).mean()
        d = math.sqrt(((mu20 - mu02) / 2) ** 2 + mu11 ** 2)
        l1, l2 = (mu20 + mu02) / 2 + d, (mu20 + mu02) / 2 - d
        ang = math.degrees(0.5 * math.atan2(2 * mu11, mu20 - mu02))
        if ang <= -90:
            ang += 180
        x0, y0 = sl[1].start, sl[0].start
        w, h = sl[1].stop - x0, sl[0].stop - y0
        coef = fft.dctn(resample(values[sl], 8), norm='ortho')
        out.append(dict(x=x0, y=y0, w=w, h=h, area=len(xs),
                        mean_err=v.mean(), max_err=v.max(),
                        fill=len(xs) / (w * h),
                        elongation=math.sqrt(l1 / l2), orientation=ang,
                        first=first, sum=v.sum(),
                        dct=[coef[r, c] for r, c in ZIGZAG]))
    out.sort(key=lambda r: (-r['area'], r['first']))
    return out


def close(a, b, tol=2e-5):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check(rec, conn, min_area, max_boxes, where, bad):
    if 'map' in rec:
        values = read_pfm(rec['map'])
    else:
        values = np.asarray(Image.open(rec['mask']).convert('L'),
                            dtype=np.float64) / 255
        values = values.astype(np.float32).astype(np.float64)
    regs = regions(values, rec['box_threshold'], conn, min_area)
    want = regs[:max_boxes] if max_boxes else regs
    got = rec['boxes']
    if len(got) != len(want):
        bad.append('%s: %d boxes, reference %d' % (where, len(got),
                                                   len(want)))
        return
    for i, (g, r) in enumerate(zip(got, want)):
        for k in ('x', 'y', 'w', 'h', 'area'):
            if g[k] != r[k]:
                bad.append('%s: box %d %s %s, reference %s' %
                           (where, i, k, g[k], r[k]))
        for k in ('mean_err', 'max_err', 'fill', 'elongation',
                  'orientation'):
            if not close(g[k], r[k]):
                bad.append('%s: box %d %s %r, reference %r' %
                           (where, i, k, g[k], r[k]))
    f = rec['features']
    big = regs[0] if regs else None
    ref = {'count': len(regs), 'total_area': sum(r['area'] for r in regs)}
    tot = ref['total_area']
    for k in ('area', 'mean_err', 'max_err', 'fill', 'elongation'):
        ref['largest_' + k] = big[k] if big else 0
    ref['max_err'] = max((r['max_err'] for r in regs), default=0)
    ref['mean_err'] = sum(r['sum'] for r in regs) / tot if tot else 0
    for j in range(6):
        ref['dct_%d' % j] = big['dct'][j] if big else 0
        ref['dct_mean_%d' % j] = (sum(r['dct'][j] for r in regs) /
                                  len(regs) if regs else 0)
    scale = abs(ref['dct_0']) + abs(ref['dct_mean_0'])
    for k, v in ref.items():
        tol = 2e-5 * max(1.0, scale) if k.startswith('dct') else 2e-5
        if k not in f or abs(f[k] - v) > tol * max(1.0, abs(v)):
            bad.append('%s: feature %s %r, reference %r' %
                       (where, k, f.get(k), v))


def main():
    args = sys.argv[1:]
    conn, min_area, max_boxes = 8, 1, 0
    while args:
        a = args.pop(0)
        if a in ('-4', '-8'):
            conn = int(a[1])
        elif a == '-a':
            min_area = int(args.pop(0))
        elif a == '-b':
            max_boxes = int(args.pop(0))
        else:
            sys.exit(__doc__)
    bad, n = [], 0
    for n, line in enumerate(sys.stdin, 1):
        check(json.loads(line), conn, min_area, max_boxes,
              'record %d' % n, bad)
    for b in bad:
        print(b)
    print('%d records, %d differences' % (n, len(bad)))
    sys.exit(1 if bad or n == 0 else 0)


if __name__ == '__main__':
    main()
