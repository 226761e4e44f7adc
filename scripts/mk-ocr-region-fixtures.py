#!/usr/bin/env python3
"""mk-ocr-region-fixtures.py: write the small screens, the template and the
needle of the ocr-region cases into testdata/ocr-region/, text drawn with
the DejaVu Sans font (Debian fonts-dejavu-core) through Pillow, so the
cases read real anti-aliased screen text:

  img/screen.png    320x200 "device panel": a thermometer icon at 20,40
                    with the value "23.5" to its right, a boxed line
                    "Serial AB-1234", a two-line note, and a dark status
                    bar at the bottom with light text "READY 42 ITEMS"
  img/moved.png     the same panel drawn 15 px right and 10 px lower, with
                    the value "19.0 C"
  tpl/temp.png      the icon (18x24), for gui-locate
  tpl/panel.png     the reference screen of the needle panel.json
  tpl/panel.json    openQA needle: the icon as match area, the value as an
                    ocr area

Run from the repository root: python3 scripts/mk-ocr-region-fixtures.py
(needs python3-pil and fonts-dejavu-core only to regenerate; the PNGs are
committed).  The output is deterministic for a given Pillow and font.
"""
import json
import os

from PIL import Image, ImageDraw, ImageFont

OUT = "testdata/ocr-region"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
W, H = 320, 200


def icon(d, x, y):
    """A thermometer: bulb, stem and scale marks, 18x24."""
    d.rectangle((x + 7, y, x + 10, y + 16), fill=60)
    d.ellipse((x + 4, y + 14, x + 13, y + 23), fill=60)
    d.rectangle((x + 8, y + 6, x + 9, y + 17), fill=200)
    for k in range(4):
        d.line((x + 12, y + 2 + 4 * k, x + 15, y + 2 + 4 * k), fill=90)


def panel(dx, dy, value):
    im = Image.new("L", (W, H), 225)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT, 13)
    icon(d, 20 + dx, 40 + dy)
    d.text((44 + dx, 44 + dy), value, font=f, fill=25)
    d.rectangle((18, 100, 170, 122), outline=90, fill=240)
    d.text((24, 104), "Serial AB-1234", font=f, fill=25)
    d.text((190, 60), "Keep the lid", font=f, fill=40)
    d.text((190, 78), "closed", font=f, fill=40)
    d.rectangle((0, 176, W - 1, H - 1), fill=35)
    d.text((10, 180), "READY 42 ITEMS", font=f, fill=235)
    return im


def main():
    for sub in ("img", "tpl"):
        os.makedirs(f"{OUT}/{sub}", exist_ok=True)
    scr = panel(0, 0, "23.5")
    scr.save(f"{OUT}/img/screen.png", optimize=True)
    panel(15, 10, "19.0").save(f"{OUT}/img/moved.png", optimize=True)
    scr.crop((20, 40, 38, 64)).save(f"{OUT}/tpl/temp.png", optimize=True)
    scr.save(f"{OUT}/tpl/panel.png", optimize=True)
    needle = {
        "area": [
            {"xpos": 20, "ypos": 40, "width": 18, "height": 24,
             "type": "match"},
            {"xpos": 42, "ypos": 42, "width": 60, "height": 20,
             "type": "ocr"},
        ],
        "tags": ["panel-temperature"],
    }
    with open(f"{OUT}/tpl/panel.json", "w") as fp:
        json.dump(needle, fp, indent=2)
        fp.write("\n")


if __name__ == "__main__":
    main()
