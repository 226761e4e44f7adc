#!/bin/sh
# -d, -H, -O and -r both write a PFM per residual (the image's size) and
# two PNGs, named after the whole path, and name them in the record.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$BIN/ae-score" -m testdata/ae-score/tiny.ae -r both -d "$d" -H "$d" -O "$d" \
    testdata/demo/test/defect/000.png >"$d/out"
cat "$d/out"
stem=$d/testdata_demo_test_defect_000
for f in "$stem.pfm" "$stem"_l2.pfm "$stem"_heat.png "$stem"_overlay.png; do
	[ -s "$f" ] || { echo "missing $f"; exit 1; }
	grep -q "\"$f\"" "$d/out" || { echo "$f not in the record"; exit 1; }
done
# a grey PFM of 128x128 little-endian floats: header + 65536 bytes
[ "$(sed -n 1p "$stem.pfm")" = Pf ]
[ "$(sed -n 2p "$stem.pfm")" = "128 128" ]
sed -n 3p "$stem.pfm" | grep -q '^-1'
size=$(wc -c <"$stem.pfm")
hdr=$(head -3 "$stem.pfm" | wc -c)
[ $((size - hdr)) = 65536 ]
grep -q '"score_l2":{"max":' "$d/out"
grep -q '"map_l2":' "$d/out"
