#!/usr/bin/env python3
"""mk-screen-calib-fixtures.py: render the small photos the screen-calib
golden cases use into testdata/screen-calib/img/, standard library only.

A laptop lid (a dark, colourless bezel) with its 4:3 panel, seen by a
pinhole camera (focal length 420 px, principal point at the centre of the
400x300 photo), in front of a smooth background; the panel shows a
320x240 screen through the exact homography; every pixel is the mean of
4x4 samples.  The true corners are printed so the goldens can be checked.

  laptop.png        the screen: a blue desktop with a window
  laptop-frame.png  the same pose, another screen (a frame for --apply)
  wall.png          the background with two rectangles and no screen

Run from the repository root: python3 scripts/mk-screen-calib-fixtures.py
The output is deterministic; rerunning it must leave git with no diff.
"""
import math
import os
import struct
import zlib

W, H = 400, 300
SW, SH = 320, 240
OUT = "testdata/screen-calib/img"


def rot(ax, ay):
    a, b = math.radians(ax), math.radians(ay)
    rx = [[1, 0, 0], [0, math.cos(a), -math.sin(a)],
          [0, math.sin(a), math.cos(a)]]
    ry = [[math.cos(b), 0, math.sin(b)], [0, 1, 0],
          [-math.sin(b), 0, math.cos(b)]]
    return [[sum(ry[i][k] * rx[k][j] for k in range(3)) for j in range(3)]
            for i in range(3)]


R = rot(10, -15)
T = [0.1, 0.05, 7.0]
F, CX, CY = 420.0, (W - 1) / 2, (H - 1) / 2


def project(x, y):
    p = [sum(R[i][k] * v for k, v in enumerate((x, y, 0))) + T[i]
         for i in range(3)]
    return F * p[0] / p[2] + CX, F * p[1] / p[2] + CY


def corners(w, h):
    return [project(x, y) for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2),
                                       (w / 2, h / 2), (-w / 2, h / 2))]


PANEL = corners(4, 3)
LID = corners(4.6, 3.6)


def solve(a, b):
    """Gaussian elimination with partial pivoting: a x = b."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) \
            / m[r][r]
    return x


def homography(src, dst):
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    return solve(a, b) + [1.0]


TO_SCREEN = homography(PANEL, [(0, 0), (SW, 0), (SW, SH), (0, SH)])


def inside(q, x, y):
    for k in range(4):
        (ax, ay), (bx, by) = q[k], q[(k + 1) % 4]
        if (bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0:
            return False
    return True


def desktop(u, v):
    c = (0.12, 0.3, 0.6)
    if 60 <= u < 250 and 40 <= v < 180:
        c = (0.9, 0.9, 0.9)
        if v < 54:
            c = (0.55, 0.55, 0.6)
        elif int(v) % 10 < 3 and 72 <= u < 72 + 2 * (v - 40):
            c = (0.15, 0.15, 0.15)
    if v >= SH - 14:
        c = (0.3, 0.3, 0.32)
    return c


def console(u, v):
    c = (0.05, 0.05, 0.05)
    if int(v) % 16 < 6 and 8 <= u < 8 + 7 * (int(v) // 16 % 5 + 2) ** 2:
        c = (0.75, 0.75, 0.75)
    return c


def background(x, y):
    g = 0.5 + 0.12 * math.sin(x / 31) * math.cos(y / 19)
    return (g, g * 0.95, g * 0.85)


def wall(x, y):
    if 40 <= x < 150 and 60 <= y < 200:
        return (0.8, 0.3, 0.2)
    if 220 <= x < 360 and 90 <= y < 250:
        return (0.2, 0.2, 0.25)
    return background(x, y)


def render(screen):
    rows = []
    h = TO_SCREEN
    for y in range(H):
        row = bytearray()
        for x in range(W):
            acc = [0.0, 0.0, 0.0]
            for b in range(4):
                for a in range(4):
                    px, py = x - 0.375 + 0.25 * a, y - 0.375 + 0.25 * b
                    if screen is None:
                        c = wall(px, py)
                    elif inside(PANEL, px, py):
                        w = h[6] * px + h[7] * py + h[8]
                        c = screen((h[0] * px + h[1] * py + h[2]) / w,
                                   (h[3] * px + h[4] * py + h[5]) / w)
                    elif inside(LID, px, py):
                        c = (0.13, 0.13, 0.13)
                    else:
                        c = background(px, py)
                    for k in range(3):
                        acc[k] += c[k] / 16
            row += bytes(min(255, max(0, round(v * 255))) for v in acc)
        rows.append(bytes(row))
    return rows


def png(path, rows):
    raw = b"".join(b"\0" + r for r in rows)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0,
                                           0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    os.makedirs(OUT, exist_ok=True)
    png(os.path.join(OUT, "laptop.png"), render(desktop))
    png(os.path.join(OUT, "laptop-frame.png"), render(console))
    png(os.path.join(OUT, "wall.png"), render(None))
    print("panel corners:", " ".join("%.3f,%.3f" % c for c in PANEL))


if __name__ == "__main__":
    main()
