#!/usr/bin/env python3
"""mk-mask-boxes-fixtures.py: write the small error maps, masks and images
the mask-boxes golden cases read (testdata/mask-boxes/img/), with encoders
written here (standard library only), so every value is known:

  map.pfm        32x24 error map: background 0.02..0.06 in a diagonal
                 pattern; A: 6x5 block at (3,4) of 0.6 with a 0.9 peak at
                 (5,6); B: a diagonal chain of 8 pixels from (13,9), 0.45
                 rising by 0.01 (one region 8-connected, eight
                 4-connected); C: a 5x5 square at (24,16) of 0.35 with a
                 one-pixel hole in its centre; a speck of 0.8 at (28,2)
  image.png      32x24 grey image the map belongs to (for overlays)
  mask.png       32x24 grey 0/255 mask: a disc of radius 4 at (8,12) and a
                 10x3 bar at (18,3)
  normal-1.pfm   defect-free maps: background as above (another phase),
  normal-2.pfm   normal-1 with a 3-pixel run of 0.3 at (10..12,5) and a
                 speck of 0.5 at (20,15); normal-2 with a 2x2 square of
                 0.25 at (5,18)
  rgb.pfm        a 3-channel map (refused: maps are grey)
  nan.pfm        map.pfm with a NaN at (7,3)
  truncated.pfm  map.pfm cut short after 100 data bytes
  wide.pfm       2000x3 map with boxes near both ends (long rows)

Run from the repository root: python3 scripts/mk-mask-boxes-fixtures.py
The output is deterministic; rerunning it must leave git with no diff.
"""
import os
import struct
import zlib

OUT = 'testdata/mask-boxes/img'
W, H = 32, 24


def pfm(path, rows, channels=1, cut=None):
    """rows: top to bottom, each a list of floats (interleaved if RGB)."""
    data = b''.join(struct.pack('<%df' % len(r), *r) for r in reversed(rows))
    if cut is not None:
        data = data[:cut]
    head = ('PF' if channels == 3 else 'Pf') + '\n%d %d\n-1.0\n' % (
        len(rows[0]) // channels, len(rows))
    with open(path, 'wb') as f:
        f.write(head.encode() + data)


def png_grey(path, rows):
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data)))
    raw = b''.join(b'\0' + bytes(r) for r in rows)
    ihdr = struct.pack('>IIBBBBB', len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def background(phase):
    return [[0.02 + 0.01 * ((x * 7 + y * 13 + phase) % 5) for x in range(W)]
            for y in range(H)]


def defect_map():
    m = background(0)
    for y in range(4, 9):
        for x in range(3, 9):
            m[y][x] = 0.6
    m[6][5] = 0.9
    for i in range(8):
        m[9 + i][13 + i] = 0.45 + 0.01 * i
    for y in range(16, 21):
        for x in range(24, 29):
            m[y][x] = 0.35
    m[18][26] = 0.03
    m[2][28] = 0.8
    return m


def main():
    os.makedirs(OUT, exist_ok=True)
    m = defect_map()
    pfm(OUT + '/map.pfm', m)
    png_grey(OUT + '/image.png',
             [[(x * 5 + y * 3) % 256 for x in range(W)] for y in range(H)])
    png_grey(OUT + '/mask.png',
             [[255 if (x - 8) ** 2 + (y - 12) ** 2 <= 16 or
               (18 <= x < 28 and 3 <= y < 6) else 0
               for x in range(W)] for y in range(H)])

    n1 = background(2)
    for x in range(10, 13):
        n1[5][x] = 0.3
    n1[15][20] = 0.5
    pfm(OUT + '/normal-1.pfm', n1)
    n2 = background(3)
    for y in (18, 19):
        for x in (5, 6):
            n2[y][x] = 0.25
    pfm(OUT + '/normal-2.pfm', n2)

    pfm(OUT + '/rgb.pfm', [[v for v in r for _ in range(3)] for r in m], 3)
    nan = [list(r) for r in m]
    nan[3][7] = float('nan')
    pfm(OUT + '/nan.pfm', nan)
    pfm(OUT + '/truncated.pfm', m, cut=100)

    wide = [[0.01] * 2000 for _ in range(3)]
    for x in range(2, 7):
        wide[1][x] = 0.7
    for y in range(3):
        for x in range(1990, 1998):
            wide[y][x] = 0.5
    pfm(OUT + '/wide.pfm', wide)


if __name__ == '__main__':
    main()
