#!/bin/sh
# -k reports an image that cannot be read, scores the others and exits 3;
# without -k the first bad record ends the run.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf '%s\n' testdata/demo/no-such.png testdata/demo/test/good/000.png \
    >"$d/in"
rc=0
"$BIN/ae-score" -k -m testdata/ae-score/tiny.ae "$d/in" >"$d/out" \
    2>"$d/err" || rc=$?
[ $rc = 3 ]
[ "$(wc -l <"$d/out")" = 1 ]
grep -q '"image":"testdata/demo/test/good/000.png"' "$d/out"
grep -qx "ae-score: $d/in:1: cannot load image 'testdata/demo/no-such.png': .*" \
    "$d/err"
rc=0
"$BIN/ae-score" -m testdata/ae-score/tiny.ae "$d/in" >"$d/out" 2>/dev/null ||
    rc=$?
[ $rc = 3 ] && [ ! -s "$d/out" ]
