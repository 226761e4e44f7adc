#!/usr/bin/env python3
"""mk-gui-locate-fixtures.py: write the small screen, templates and needle
of the gui-locate golden cases into testdata/gui-locate/ (img/: the
screen; tpl/: templates and a needle, as a directory of them), with a PNG
encoder written here (standard library only), so every pixel is known:

  img/screen.png  200x150 grey "dialog": frame, title bar, an OK and a
                  Cancel button, an icon drawn at 1.25 times its size
  tpl/ok.png      the OK button exactly as drawn (at 40,100, 36x16)
  tpl/ok.dim.png  the same button darker, with less contrast and another
                  gamma (a second version of the element "ok")
  tpl/cancel.png  the Cancel button (at 120,100)
  tpl/icon.png    the icon at its own size (24x24); in the screen at
                  150,20 as 30x30
  tpl/gone.png    a pattern that is not on the screen
  tpl/dialog.png  the reference screen of the needle dialog.json: the
                  same dialog with another title text
  tpl/dialog.json openQA needle: the title bar (with the changed text
                  excluded) and the OK button as match areas, an OCR area
  bad/flat.png    a template without contrast (refused)

Run from the repository root: python3 scripts/mk-gui-locate-fixtures.py
The output is deterministic; rerunning it must leave git with no diff.
"""
import json
import os
import struct
import zlib

OUT = "testdata/gui-locate"
W, H = 200, 150


def png(path, pix, w, h):
    raw = b"".join(b"\0" + bytes(pix[y * w:(y + 1) * w]) for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    data = (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)


def rect(pix, w, x, y, rw, rh, v):
    for j in range(y, y + rh):
        for i in range(x, x + rw):
            pix[j * w + i] = v


def button(pix, w, x, y, marks):
    """A 36x16 button: border, face, and "glyph" strokes at marks."""
    rect(pix, w, x, y, 36, 16, 90)
    rect(pix, w, x + 1, y + 1, 34, 14, 225)
    for (mx, mw, mh) in marks:
        rect(pix, w, x + mx, y + 4, mw, mh, 30)
        rect(pix, w, x + mx, y + 4 + mh, mw + 2, 2, 30)


OK_MARKS = [(6, 2, 6), (12, 3, 5), (19, 2, 4), (24, 4, 6)]
CANCEL_MARKS = [(4, 3, 5), (10, 2, 6), (15, 2, 3), (20, 3, 6), (27, 2, 4)]


def icon():
    """24x24: a ring and a diagonal bar."""
    p = [235] * (24 * 24)
    for y in range(24):
        for x in range(24):
            r2 = (x - 11.5) ** 2 + (y - 11.5) ** 2
            if 64 <= r2 <= 121:
                p[y * 24 + x] = 40
            if abs(x - y) <= 1 and 4 <= x <= 19:
                p[y * 24 + x] = 120
    return p


def scaled(src, sw, sh, s):
    """Bilinear enlargement by s, pixel centres mapped exactly."""
    dw, dh = round(sw * s), round(sh * s)
    out = []
    for y in range(dh):
        fy = (y + 0.5) / s - 0.5
        y0 = int(fy // 1)
        ay = fy - y0
        for x in range(dw):
            fx = (x + 0.5) / s - 0.5
            x0 = int(fx // 1)
            ax = fx - x0
            v = 0.0
            for (yy, wy) in ((y0, 1 - ay), (y0 + 1, ay)):
                for (xx, wx) in ((x0, 1 - ax), (x0 + 1, ax)):
                    yy2 = min(max(yy, 0), sh - 1)
                    xx2 = min(max(xx, 0), sw - 1)
                    v += wy * wx * src[yy2 * sw + xx2]
            out.append(int(v + 0.5))
    return out, dw, dh


def dialog(title_marks):
    p = [0] * (W * H)
    for y in range(H):
        for x in range(W):
            p[y * W + x] = 170 + (x + y) % 7       # textured desktop
    rect(p, W, 10, 8, 180, 130, 60)                # frame
    rect(p, W, 11, 9, 178, 128, 240)               # window face
    rect(p, W, 11, 9, 178, 14, 70)                 # title bar
    for (mx, mw) in title_marks:                   # title "text"
        rect(p, W, 16 + mx, 12, mw, 8, 230)
    for k in range(5):                             # body "text" lines
        rect(p, W, 20, 40 + 9 * k, 60 + 17 * k % 50, 3, 110)
    button(p, W, 40, 100, OK_MARKS)
    button(p, W, 120, 100, CANCEL_MARKS)
    ic, iw, ih = scaled(icon(), 24, 24, 1.25)
    for y in range(ih):
        for x in range(iw):
            p[(20 + y) * W + 150 + x] = ic[y * iw + x]
    return p


def crop(p, x, y, w, h):
    return [p[(y + j) * W + x + i] for j in range(h) for i in range(w)]


def main():
    for d in ("img", "tpl", "bad"):
        os.makedirs(f"{OUT}/{d}", exist_ok=True)
    scr = dialog([(0, 5), (7, 3), (12, 6), (20, 4), (26, 8)])
    png(f"{OUT}/img/screen.png", scr, W, H)
    ok = crop(scr, 40, 100, 36, 16)
    png(f"{OUT}/tpl/ok.png", ok, 36, 16)
    png(f"{OUT}/tpl/ok.dim.png",
        [int(30 + 160 * (v / 255) ** 1.8 + 0.5) for v in ok], 36, 16)
    png(f"{OUT}/tpl/cancel.png", crop(scr, 120, 100, 36, 16), 36, 16)
    png(f"{OUT}/tpl/icon.png", icon(), 24, 24)
    gone = [(x * 53 + y * 97) % 251 for y in range(20) for x in range(20)]
    png(f"{OUT}/tpl/gone.png", gone, 20, 20)
    png(f"{OUT}/bad/flat.png", [128] * 64, 8, 8)
    ref = dialog([(0, 9), (11, 4), (17, 12)])      # other title text
    png(f"{OUT}/tpl/dialog.png", ref, W, H)
    needle = {
        "area": [
            {"xpos": 11, "ypos": 9, "width": 178, "height": 14,
             "type": "match"},
            {"xpos": 14, "ypos": 10, "width": 50, "height": 12,
             "type": "exclude"},
            {"xpos": 40, "ypos": 100, "width": 36, "height": 16,
             "type": "match"},
            {"xpos": 20, "ypos": 38, "width": 120, "height": 45,
             "type": "ocr"},
        ],
        "tags": ["dialog-open"],
    }
    with open(f"{OUT}/tpl/dialog.json", "w") as f:
        json.dump(needle, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
