#!/bin/sh
# Real openQA needles (../shared/datasets/screens/needles): each needle's
# "match" areas searched in its NAME.test.png with the default options;
# every area must be found within 2 px of its true place in that screen
# (needle-truth.ndjson: where the element is in the test screen, checked by
# eye; elements that moved are listed with their new place).  One area
# whose element is absent from the test screen is reported, not counted.
n=../shared/datasets/screens/needles
d=testdata/gui-locate
[ -d "$n" ] || { echo "SKIP: no $n"; exit 77; }
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for j in $(sed 's/^{"needle":"\([^"]*\)".*/\1/' $d/needle-truth.ndjson |
    sort -u); do
	stem=${j%.json}
	screen=$n/${stem%%.ref*}.test.png
	"$BIN/gui-locate" -t -1 -S "$screen" "$n/$j" |
	    sed "s|^|$j |" >>"$out" || exit 1
done
awk -f $d/get.awk -f $d/needles.awk $d/needle-truth.ndjson "$out"
