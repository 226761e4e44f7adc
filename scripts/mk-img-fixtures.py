#!/usr/bin/env python3
"""mk-img-fixtures.py: write the image and PFM fixtures for lib/img_test.c
and lib/pfm_test.c, with encoders written here (standard library only, no
PIL), so every byte of every fixture is known:

  testdata/img/      good images in every format img_load takes; the pixel
                     values follow formulas that img_test.c recomputes
  testdata/pfm/      good float maps, both byte orders
  testdata/bad/img/  corrupt, truncated and oversized images
  testdata/bad/pfm/  corrupt, truncated and oversized maps

Run from the repository root: python3 scripts/mk-img-fixtures.py
The output is deterministic; rerunning it must leave git with no diff.
"""
import os
import struct
import zlib

W, H = 7, 5  # odd width: BMP rows need padding, PNG rows are not aligned


def grey8(x, y):
    return (x * 37 + y * 53 + 5) % 256


def rgb8(x, y):
    return ((x * 40 + y * 3) % 256, (y * 50 + x * 7 + 100) % 256,
            (x * y * 7 + 13) % 256)


def alpha8(x, y):
    return (x * 30 + y * 20) % 256


def grey16(x, y):
    return (x * 9001 + y * 4099 + 7) % 65536


def rgb16(x, y):
    return (grey16(x, y), (x * 3001 + y * 12007 + 1) % 65536,
            (x * y * 2999 + 300) % 65536)


def pixels(f):
    return [[f(x, y) for x in range(W)] for y in range(H)]


# -- PNG -------------------------------------------------------------------

def png_chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data)))


def png(rows, color, depth, palette=None, width=None, height=None):
    """rows: lists of samples per row (already interleaved)."""
    h = len(rows) if height is None else height
    w = (len(rows[0]) // {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
         if width is None else width)
    fmt = '>%dH' if depth == 16 else '%dB'
    raw = b''.join(b'\0' + struct.pack(fmt % len(r), *r) for r in rows)
    out = b'\x89PNG\r\n\x1a\n'
    out += png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, color,
                                          0, 0, 0))
    if palette is not None:
        out += png_chunk(b'PLTE', b''.join(bytes(c) for c in palette))
    out += png_chunk(b'IDAT', zlib.compress(raw, 9))
    return out + png_chunk(b'IEND', b'')


def flat(rows):
    return [[s for px in r for s in (px if isinstance(px, tuple) else
                                     (px,))] for r in rows]


# -- BMP (BITMAPINFOHEADER; bottom-up unless topdown) ----------------------

def bmp(index_or_rgb, bpp, palette=None, topdown=False):
    rows = index_or_rgb
    h, w = len(rows), len(rows[0])
    stride = (w * bpp + 31) // 32 * 4
    data = b''
    for r in (rows if topdown else rows[::-1]):
        if bpp == 24:
            line = b''.join(bytes((b, g, r_)) for r_, g, b in r)
        elif bpp == 8:
            line = bytes(r)
        else:  # 4: two pixels a byte, high nibble first
            p = list(r) + [0] * (len(r) % 2)
            line = bytes(p[i] << 4 | p[i + 1] for i in range(0, len(p), 2))
        data += line + b'\0' * (stride - len(line))
    pal = b''
    if palette is not None:
        pal = b''.join(bytes((b, g, r_, 0)) for r_, g, b in palette)
    off = 14 + 40 + len(pal)
    info = struct.pack('<IiiHHIIiiII', 40, w, -h if topdown else h, 1, bpp,
                       0, len(data), 2835, 2835,
                       len(palette) if palette else 0, 0)
    return (b'BM' + struct.pack('<IHHI', off + len(data), 0, 0, off) +
            info + pal + data)


# -- PNM -------------------------------------------------------------------

def pnm(magic, rows, maxval):
    h, w = len(rows), len(rows[0])
    samples = [s for r in flat(rows) for s in r]
    fmt = '>%dH' if maxval > 255 else '%dB'
    return (b'%s\n%d %d\n%d\n' % (magic, w, h, maxval) +
            struct.pack(fmt % len(samples), *samples))


# -- JPEG: baseline, DC only (each 8x8 block is one flat value) -------------
# Quantisation 1 everywhere, so a flat block of value v has DC 8*(v-128)
# and decodes to v again within the IDCT's rounding.  One DC table (the
# standard luminance one of ITU T.81 Annex K.3) and an AC table whose only
# code is end-of-block.

DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALS = list(range(12))


def huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class BitWriter:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = self.acc << 1 | (value >> i & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with ones
        return bytes(self.out)


def segment(marker, payload):
    return b'\xff' + bytes([marker]) + struct.pack('>H', len(payload) + 2) + \
        payload


def jpeg(blocks):
    """blocks[by][bx] = tuple of component values (1 grey or 3 YCbCr)."""
    nc = len(blocks[0][0])
    h, w = len(blocks) * 8, len(blocks[0]) * 8
    dc = huff_codes(DC_BITS, DC_VALS)
    out = b'\xff\xd8'
    out += segment(0xE0, b'JFIF\0\x01\x01\0\0\x01\0\x01\0\0')
    out += segment(0xDB, b'\0' + b'\x01' * 64)
    out += segment(0xC0, struct.pack('>BHHB', 8, h, w, nc) +
                   b''.join(bytes((i + 1, 0x11, 0)) for i in range(nc)))
    out += segment(0xC4, b'\x00' + bytes(DC_BITS) + bytes(DC_VALS))
    out += segment(0xC4, b'\x10' + bytes([1] + [0] * 15) + b'\x00')
    out += segment(0xDA, bytes([nc]) +
                   b''.join(bytes((i + 1, 0x00)) for i in range(nc)) +
                   b'\x00\x3f\x00')
    bw, pred = BitWriter(), [0] * nc
    for row in blocks:
        for blk in row:
            for i, v in enumerate(blk):
                diff = 8 * (v - 128) - pred[i]
                pred[i] = 8 * (v - 128)
                cat = abs(diff).bit_length()
                bw.put(*dc[cat])
                if cat:
                    bw.put(diff if diff > 0 else diff + (1 << cat) - 1, cat)
                bw.put(0, 1)  # AC: end of block
    return out + bw.flush() + b'\xff\xd9'


def ycc(r, g, b):
    """JFIF RGB to YCbCr, rounded."""
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return (round(y), round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
            round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b))


JPEG_GREY = [[20, 60, 100], [140, 200, 250]]          # 24x16 pixels
JPEG_RGB = [[(200, 30, 40), (30, 180, 60)],           # 16x16 pixels
            [(40, 50, 210), (128, 128, 128)]]


def expand(blocks):
    """The pixel rows a DC-only JPEG of these block values stands for."""
    return [[blocks[y // 8][x // 8] for x in range(len(blocks[0]) * 8)]
            for y in range(len(blocks) * 8)]


# -- PFM -------------------------------------------------------------------

def pfm(planes, w, h, little=True, scale=1.0, header=None):
    """planes: c lists of h*w floats, top row first."""
    c = len(planes)
    head = header if header is not None else b'%s\n%d %d\n%s\n' % (
        b'PF' if c == 3 else b'Pf', w, h,
        (b'-%g' if little else b'%g') % scale)
    fmt = ('<' if little else '>') + 'f'
    data = b''
    for y in range(h - 1, -1, -1):
        for x in range(w):
            for p in planes:
                data += struct.pack(fmt, p[y * w + x])
    return head + data


def pfm_value(x, y, ch):
    """Exactly representable values, negative and above 1 included."""
    return (x - 3) * 0.25 + y * 1.5 + ch * 100.0


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def main():
    g8, c8 = pixels(grey8), pixels(rgb8)
    g16, c16 = pixels(grey16), pixels(rgb16)
    rgba8 = [[rgb8(x, y) + (alpha8(x, y),) for x in range(W)]
             for y in range(H)]
    ga8 = [[(grey8(x, y), alpha8(x, y)) for x in range(W)] for y in range(H)]
    rgba16 = [[rgb16(x, y) + (alpha8(x, y) * 257,) for x in range(W)]
              for y in range(H)]
    # every pixel of c8 has its own colour: a 35-entry palette
    pal = [px for r in c8 for px in r]
    idx = [[y * W + x for x in range(W)] for y in range(H)]
    pal16 = [((i * 16) % 256, (255 - i * 15) % 256, (i * 97) % 256)
             for i in range(16)]
    idx16 = [[(x + 2 * y) % 16 for x in range(W)] for y in range(H)]

    d = 'testdata/img/'
    write(d + 'grey8.pgm', pnm(b'P5', g8, 255))
    write(d + 'rgb8.ppm', pnm(b'P6', c8, 255))
    write(d + 'grey16.pgm', pnm(b'P5', g16, 65535))
    write(d + 'rgb16.ppm', pnm(b'P6', c16, 65535))
    write(d + 'grey8.png', png(flat(g8), 0, 8))
    write(d + 'rgb8.png', png(flat(c8), 2, 8))
    write(d + 'rgba8.png', png(flat(rgba8), 6, 8))
    write(d + 'greya8.png', png(flat(ga8), 4, 8))
    write(d + 'pal8.png', png(idx, 3, 8, palette=pal, width=W))
    write(d + 'grey16.png', png(flat(g16), 0, 16))
    write(d + 'rgb16.png', png(flat(c16), 2, 16))
    write(d + 'rgba16.png', png(flat(rgba16), 6, 16))
    write(d + 'rgb24.bmp', bmp(c8, 24))
    write(d + 'rgb24-topdown.bmp', bmp(c8, 24, topdown=True))
    write(d + 'pal8.bmp', bmp(idx, 8, palette=pal))
    write(d + 'pal4.bmp', bmp(idx16, 4, palette=pal16))
    write(d + 'pal4.ppm', pnm(b'P6', [[pal16[i] for i in r] for r in idx16],
                              255))
    write(d + 'grey.jpg', jpeg([[(v,) for v in r] for r in JPEG_GREY]))
    write(d + 'grey-jpg.pgm', pnm(b'P5', expand(JPEG_GREY), 255))
    write(d + 'rgb.jpg', jpeg([[ycc(*c) for c in r] for r in JPEG_RGB]))
    write(d + 'rgb-jpg.ppm', pnm(b'P6', expand(JPEG_RGB), 255))

    pw, ph = 5, 3
    grey = [[pfm_value(x, y, 0) for y in range(ph) for x in range(pw)]]
    rgb = [[pfm_value(x, y, ch) for y in range(ph) for x in range(pw)]
           for ch in range(3)]
    d = 'testdata/pfm/'
    write(d + 'grey-le.pfm', pfm(grey, pw, ph))
    write(d + 'grey-be.pfm', pfm(grey, pw, ph, little=False))
    write(d + 'rgb-le.pfm', pfm(rgb, pw, ph))
    write(d + 'rgb-be.pfm', pfm(rgb, pw, ph, little=False, scale=2.5))

    # The bad corpus: every file must be refused with a message.
    d = 'testdata/bad/img/'
    good = png(flat(c8), 2, 8)
    idat = good.index(b'IDAT') - 4
    idat_len = struct.unpack('>I', good[idat:idat + 4])[0]
    iend = idat + 12 + idat_len
    write(d + 'empty.png', b'')
    write(d + 'text.png', b'this is not an image\n')
    write(d + 'signature-only.png', good[:8])
    write(d + 'truncated-ihdr.png', good[:20])
    write(d + 'truncated-idat.png', good[:idat + 8 + idat_len // 2])
    write(d + 'no-iend.png', good[:iend])
    bad = bytearray(good)
    bad[iend - 1] ^= 0x01                 # IDAT CRC
    write(d + 'bad-crc.png', bytes(bad))
    bad = bytearray(good)
    bad[idat + 8 + idat_len // 2] ^= 0x40  # data, CRC not updated
    write(d + 'flipped-bit.png', bytes(bad))
    junk = bytes((i * 73 + 41) % 256 for i in range(64))
    write(d + 'garbage-idat.png', good[:idat] + png_chunk(b'IDAT', junk) +
          png_chunk(b'IEND', b''))
    write(d + 'short-idat.png', good[:idat] +
          png_chunk(b'IDAT', zlib.compress(b'\0' * 22, 9)) +
          png_chunk(b'IEND', b''))
    tiny = png_chunk(b'IDAT', zlib.compress(b'\0\0', 9)) + \
        png_chunk(b'IEND', b'')
    write(d + 'huge-side.png', good[:8] + png_chunk(
        b'IHDR', struct.pack('>IIBBBBB', 70000, 70000, 8, 0, 0, 0, 0)) + tiny)
    write(d + 'huge-pixels.png', good[:8] + png_chunk(
        b'IHDR', struct.pack('>IIBBBBB', 20000, 20000, 8, 0, 0, 0, 0)) + tiny)
    write(d + 'zero-width.png', good[:8] + png_chunk(
        b'IHDR', struct.pack('>IIBBBBB', 0, 5, 8, 0, 0, 0, 0)) + tiny)
    write(d + 'bad-depth.png', good[:8] + png_chunk(
        b'IHDR', struct.pack('>IIBBBBB', 7, 5, 7, 0, 0, 0, 0)) + tiny)

    gj = jpeg([[(v,) for v in r] for r in JPEG_GREY])
    sos = gj.index(b'\xff\xda')
    write(d + 'truncated-scan.jpg', gj[:len(gj) - 6])
    write(d + 'no-eoi.jpg', gj[:-2])
    write(d + 'truncated-header.jpg', gj[:sos - 10])
    write(d + 'soi-only.jpg', gj[:2])
    # found by fuzz-img: an APP0 length past the end made stb loop forever
    write(d + 'app0-past-end.jpg', b'\xff\xd8\xff\xe0\x14\xff\xd9')
    sof = gj.index(b'\xff\xc0')
    write(d + 'huge.jpg', gj[:sof + 5] + struct.pack('>HH', 65535, 65535) +
          gj[sof + 9:])
    write(d + 'zero-height.jpg', gj[:sof + 5] + struct.pack('>HH', 0, 24) +
          gj[sof + 9:])

    gb = bmp(idx, 8, palette=pal)
    write(d + 'truncated-pixels.bmp', gb[:len(gb) - 10])
    write(d + 'truncated-header.bmp', gb[:30])
    write(d + 'huge.bmp', gb[:18] + struct.pack('<ii', 70000, 70000) +
          gb[26:])
    write(d + 'huge-pixels.bmp', gb[:18] + struct.pack('<ii', 30000, -30000) +
          gb[26:])
    bad = bytearray(gb)
    bad[28:30] = struct.pack('<H', 13)      # 13 bits per pixel
    write(d + 'bad-bpp.bmp', bytes(bad))

    gp = pnm(b'P5', g8, 255)
    write(d + 'truncated.pgm', gp[:len(gp) - 3])
    write(d + 'header-only.pgm', b'P5\n7 5\n255\n')
    write(d + 'huge.pgm', b'P5\n70000 70000\n255\n' + b'\0' * 16)
    write(d + 'negative-width.pgm', b'P5\n-7 5\n255\n' + b'\0' * 35)
    write(d + 'truncated16.pgm', pnm(b'P5', g16, 65535)[:-1])

    d = 'testdata/bad/pfm/'
    ok = pfm(grey, pw, ph)
    write(d + 'empty.pfm', b'')
    write(d + 'truncated.pfm', ok[:-5])
    write(d + 'header-only.pfm', b'Pf\n5 3\n-1.0\n')
    write(d + 'trailing-bytes.pfm', ok + b'\0\0\0\0')
    write(d + 'bad-magic.pfm', b'PX' + ok[2:])
    write(d + 'lowercase-magic.pfm', b'pf' + ok[2:])
    write(d + 'negative-width.pfm', pfm(grey, pw, ph,
                                        header=b'Pf\n-5 3\n-1.0\n'))
    write(d + 'zero-height.pfm', b'Pf\n5 0\n-1.0\n')
    write(d + 'zero-scale.pfm', pfm(grey, pw, ph, header=b'Pf\n5 3\n0.0\n'))
    write(d + 'nan-scale.pfm', pfm(grey, pw, ph, header=b'Pf\n5 3\nnan\n'))
    write(d + 'missing-scale.pfm', b'Pf\n5 3\n' + ok[len(b'Pf\n5 3\n-1\n'):])
    write(d + 'junk-in-width.pfm', pfm(grey, pw, ph,
                                       header=b'Pf\n5x 3\n-1.0\n'))
    write(d + 'comment.pfm', pfm(grey, pw, ph,
                                 header=b'Pf\n# made by hand\n5 3\n-1.0\n'))
    write(d + 'huge-side.pfm', b'Pf\n70000 70000\n-1.0\n' + b'\0' * 64)
    write(d + 'huge-pixels.pfm', b'PF\n20000 20000\n-1.0\n' + b'\0' * 64)
    write(d + 'big-claim-small-file.pfm', b'Pf\n4000 3000\n-1.0\n' +
          b'\0' * 64)
    write(d + 'overflow-width.pfm', b'Pf\n99999999999999999999 3\n-1.0\n')
    nan = [list(grey[0])]
    nan[0][7] = float('nan')
    write(d + 'nan-value.pfm', pfm(nan, pw, ph))
    inf = [list(grey[0])]
    inf[0][2] = float('-inf')
    write(d + 'inf-value.pfm', pfm(inf, pw, ph, little=False))


if __name__ == '__main__':
    main()
