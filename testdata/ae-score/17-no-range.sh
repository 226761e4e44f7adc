#!/bin/sh
# A model trained without validation images has no error range: deviation
# maps are refused with the model exit code, error maps still work.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$BIN/ae-train" -v 0 -p 32 -w 4 -z 16 -e 1 -n 1 -j 1 -o "$d/m.ae" \
    testdata/demo/train/good/*.png >/dev/null
rc=0
"$BIN/ae-score" -m "$d/m.ae" -T deviation testdata/demo/test/good/000.png \
    2>"$d/err" || rc=$?
cat "$d/err"
[ $rc = 4 ]
grep -qx "ae-score: $d/m.ae: no validation error range for deviation maps (trained with -v 0, or by an older ae-train)" "$d/err"
"$BIN/ae-score" -m "$d/m.ae" testdata/demo/test/good/000.png | grep -q '"score"'
