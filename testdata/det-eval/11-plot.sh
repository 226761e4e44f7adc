#!/bin/sh
# --plot writes a ROC and a PR chart per class and for all: SVG with one
# polyline per curve (ROC: image and pixel; PR: image, pixel and box).
d=testdata/det-eval
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$BIN/det-eval" -p "$dir/svg" -g mvtec:$d/ds $d/ds/pred.ndjson >/dev/null ||
    exit 1
for c in crack spot all; do
	for k in roc pr; do
		f=$dir/svg/$c-$k.svg
		head -c 4 "$f" | grep -q '^<svg' || { echo "no $f"; exit 1; }
		tail -1 "$f" | grep -qx '</svg>' || { echo "$f cut"; exit 1; }
	done
	[ "$(grep -c '<polyline' "$dir/svg/$c-roc.svg")" = 2 ] || exit 1
	[ "$(grep -c '<polyline' "$dir/svg/$c-pr.svg")" = 3 ] || exit 1
done
grep -q '>pixel AUROC 0.857<' "$dir/svg/all-roc.svg"
