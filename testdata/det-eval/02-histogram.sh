#!/bin/sh
# Histogram mode (the default) on the same data: the map values are
# multiples of 1/64, which 6 significant bits hold exactly, so every figure
# still agrees within 1e-9 even at -b 6; a tie bound is reported.
d=testdata/det-eval
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for b in 6 16; do
	"$BIN/det-eval" -b $b -g mvtec:$d/ds $d/ds/pred.ndjson >"$out" || exit 1
	awk -v tol=1e-9 -f $d/cmp.awk $d/ds/expected.ndjson "$out" || exit 1
	grep -c '"pixel_auroc_maxerr":0\.0' "$out" | grep -qx 3 || exit 1
done
