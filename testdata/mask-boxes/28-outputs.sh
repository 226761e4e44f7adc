#!/bin/sh
# -M and -O: the mask and overlay PNGs appear whole (no temporary files
# left), named after the map, and the record names them; the mask PNG read
# back by mask-boxes gives the same boxes; an image of another size is a
# bad record and leaves no overlay.
set -u
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
I=testdata/mask-boxes/img
boxes() { grep -o '"x":[0-9]*,"y":[0-9]*,"w":[0-9]*,"h":[0-9]*,"area":[0-9]*'; }
# bytes 16..25 of a PNG: width, height, bit depth, colour type
ihdr() { od -An -tx1 -j16 -N10 "$1" | tr -d ' \n'; }

echo "{\"image\":\"$I/image.png\",\"map\":\"$I/map.pfm\",\"threshold\":0.3}" |
    "$BIN/mask-boxes" -a 2 -M "$t" -O "$t" >"$t/out.ndjson" || exit 1
grep -q "\"box_mask\":\"$t/map_mask.png\"" "$t/out.ndjson" &&
    grep -q "\"box_overlay\":\"$t/map_overlay.png\"" "$t/out.ndjson" ||
    { echo "record lacks box_mask/box_overlay"; cat "$t/out.ndjson"; exit 1; }
[ "$(ls "$t" | wc -l)" = 3 ] || { echo "stray files:"; ls "$t"; exit 1; }
[ "$(ihdr "$t/map_mask.png")" = 00000020000000180800 ] ||
    { echo "mask PNG is not 32x24 8-bit grey"; exit 1; }
[ "$(ihdr "$t/map_overlay.png")" = 00000020000000180802 ] ||
    { echo "overlay PNG is not 32x24 8-bit RGB"; exit 1; }
echo "{\"mask\":\"$t/map_mask.png\"}" | "$BIN/mask-boxes" -a 2 >"$t/back" ||
    exit 1
[ "$(boxes <"$t/back")" = "$(boxes <"$t/out.ndjson")" ] ||
    { echo "mask PNG does not give the same boxes"; exit 1; }

# no "image": the overlay is drawn on the map itself
echo "{\"map\":\"$I/wide.pfm\"}" | "$BIN/mask-boxes" -t 0.3 -O "$t" \
    >/dev/null || exit 1
[ "$(ihdr "$t/wide_overlay.png")" = 000007d0000000030802 ] ||
    { echo "overlay of wide.pfm is not 2000x3 RGB"; exit 1; }

# image and map of different sizes: reported, no overlay written
rm -f "$t/wide_overlay.png"
echo "{\"image\":\"$I/image.png\",\"map\":\"$I/wide.pfm\"}" |
    "$BIN/mask-boxes" -t 0.3 -O "$t" >"$t/o2" 2>"$t/e2"
rc=$?
[ $rc = 3 ] && [ ! -s "$t/o2" ] && [ ! -e "$t/wide_overlay.png" ] &&
    [ "$(cat "$t/e2")" = "mask-boxes: <stdin>:1: image '$I/image.png' is 32x24 but the map is 2000x3" ] ||
    { echo "size mismatch: rc $rc"; cat "$t/e2"; exit 1; }
