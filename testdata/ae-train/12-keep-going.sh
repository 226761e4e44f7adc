#!/bin/sh
# -k leaves out an image that cannot be read, trains on the rest, writes
# the model and exits 3; -S stops training early.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
rc=0
"$BIN/ae-train" -k -p 32 -w 4 -z 16 -e 1000 -S 0.5 -P 0 -o "$d/m.ae" \
    testdata/demo/no-such.png testdata/demo/train/good/*.png >"$d/sum" \
    2>"$d/err" || rc=$?
[ $rc = 3 ]
grep -q "cannot load image 'testdata/demo/no-such.png'" "$d/err"
[ -s "$d/m.ae" ]
grep -q '"train_images":22,' "$d/sum"
e=$(sed 's/.*"epochs":\([0-9]*\),.*/\1/' "$d/sum")
[ "$e" -lt 1000 ]
