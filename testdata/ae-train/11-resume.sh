#!/bin/sh
# Two epochs, a checkpoint, then two more from it: the same model as four
# epochs straight (same seed and threads); a checkpoint from other images
# is refused.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
set -- -p 32 -w 4 -z 16 -n 2 -j 2 -P 0
imgs=$(ls testdata/demo/train/good/*.png)
# shellcheck disable=SC2086
"$BIN/ae-train" "$@" -e 4 -o "$d/straight.ae" $imgs >/dev/null
# shellcheck disable=SC2086
"$BIN/ae-train" "$@" -e 2 -C "$d/ck" -o "$d/half.ae" $imgs >/dev/null
# shellcheck disable=SC2086
"$BIN/ae-train" -R "$d/ck" -e 4 -j 2 -P 0 -o "$d/resumed.ae" $imgs \
    >"$d/sum"
grep -q '"epochs":4,' "$d/sum"
for m in straight resumed; do
	"$BIN/ae-score" -m "$d/$m.ae" testdata/demo/test/defect/001.png \
	    >"$d/$m.out"
done
cmp "$d/straight.out" "$d/resumed.out"
rc=0
"$BIN/ae-train" -R "$d/ck" -e 4 -o "$d/x.ae" testdata/demo/train/good/00*.png \
    2>"$d/err" || rc=$?
[ $rc = 4 ]
grep -qx "ae-train: $d/ck: the checkpoint was trained on other images" \
    "$d/err"
