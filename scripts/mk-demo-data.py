#!/usr/bin/python3
"""Generate the demo data set in testdata/demo/ (MVTec AD layout).

A user's machine has no ../shared, so `make demo` runs on these: synthetic
grey "brushed metal" surfaces (oriented waves, smooth noise, fine grain)
made here, with defects drawn in (scratches, spots, stains) and their
masks.  Deterministic: a fixed seed, so the files only change when this
script does.  Run from the repository root: python3 scripts/mk-demo-data.py
"""
import os
import struct
import zlib

import numpy as np

SIZE = 128
ROOT = "testdata/demo"
rng = np.random.default_rng(20261123)


def write_png(path, a):
    """8-bit grey PNG, written with zlib only (no imaging library)."""
    a = np.clip(np.rint(a), 0, 255).astype(np.uint8)
    h, w = a.shape
    raw = b"".join(b"\0" + a[y].tobytes() for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png)


def smooth_noise(scale):
    """Gaussian noise low-passed in the Fourier domain."""
    n = rng.standard_normal((SIZE, SIZE))
    fy = np.fft.fftfreq(SIZE)[:, None]
    fx = np.fft.fftfreq(SIZE)[None, :]
    g = np.exp(-(fx ** 2 + fy ** 2) * (scale ** 2) * 40)
    s = np.real(np.fft.ifft2(np.fft.fft2(n) * g))
    return s / (s.std() + 1e-9)


def surface():
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(float)
    angle = rng.uniform(-0.15, 0.15) + 0.6
    phase = rng.uniform(0, 2 * np.pi)
    u = x * np.cos(angle) + y * np.sin(angle)
    img = 128 + 18 * np.sin(u / 3.1 + phase) + 6 * np.sin(u / 1.3)
    img += 10 * smooth_noise(6) + 5 * rng.standard_normal((SIZE, SIZE))
    return img + rng.uniform(-10, 10)


def draw_defect(img):
    """Draw one defect; return (img, mask)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(float)
    mask = np.zeros((SIZE, SIZE), bool)
    kind = rng.integers(3)
    cx, cy = rng.uniform(24, SIZE - 24, 2)
    if kind == 0:  # scratch: a thin dark segment
        t = rng.uniform(0, np.pi)
        half = rng.uniform(12, 30)
        d = np.abs((x - cx) * np.sin(t) - (y - cy) * np.cos(t))
        along = np.abs((x - cx) * np.cos(t) + (y - cy) * np.sin(t))
        mask = (d < 2.5) & (along < half)
        img = img - 110 * np.exp(-d ** 2 / 4) * (along < half)
    elif kind == 1:  # spot: a bright round blob
        r = rng.uniform(3, 7)
        d2 = (x - cx) ** 2 + (y - cy) ** 2
        mask = d2 < (r + 1) ** 2
        img = img + 110 * np.exp(-d2 / (2 * r * r))
    else:  # stain: a smooth dark ellipse
        a, b = rng.uniform(6, 14), rng.uniform(3, 7)
        t = rng.uniform(0, np.pi)
        u = (x - cx) * np.cos(t) + (y - cy) * np.sin(t)
        v = -(x - cx) * np.sin(t) + (y - cy) * np.cos(t)
        e = (u / a) ** 2 + (v / b) ** 2
        mask = e < 1.2
        img = img - 90 * np.exp(-e * 1.5)
    return img, mask


def main():
    for i in range(24):
        write_png(f"{ROOT}/train/good/{i:03d}.png", surface())
    for i in range(6):
        write_png(f"{ROOT}/test/good/{i:03d}.png", surface())
    for i in range(6):
        img, mask = draw_defect(surface())
        write_png(f"{ROOT}/test/defect/{i:03d}.png", img)
        write_png(f"{ROOT}/ground_truth/defect/{i:03d}_mask.png",
                  mask * 255.0)


if __name__ == "__main__":
    main()
