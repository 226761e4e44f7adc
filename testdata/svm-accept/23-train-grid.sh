#!/bin/sh
# Grid search: the summary counts the points and reports the chosen C and
# gamma (powers of two from the grid) with their cross-validation; -v
# sends libsvm's messages and one line per point to stderr, never stdout.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }

"$BIN/svm-accept" train --log2c=-1,3,2 --log2g -3,1,2 -o "$tmp/m.svm" \
    $d/train.ndjson >"$tmp/out" 2>"$tmp/err" || fail "grid exited $?"
[ -s "$tmp/err" ] && fail "stderr without -v: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" = 1 ] || fail "stdout: $(cat "$tmp/out")"
grep -q '"grid_points":9,"cv_folds":5,"cv_accuracy":' "$tmp/out" ||
    fail "summary: $(cat "$tmp/out")"
grep -Eq '"C":(0\.5|2|8),"gamma":(0\.125|0\.5|2),' "$tmp/out" ||
    fail "C or gamma not from the grid: $(cat "$tmp/out")"

"$BIN/svm-accept" train -v -G --log2c=-1,3,2 --log2g -3,1,2 -M accuracy \
    -o "$tmp/v.svm" $d/train.ndjson >"$tmp/vout" 2>"$tmp/verr" ||
    fail "grid -v exited $?"
[ "$(wc -l <"$tmp/vout")" = 1 ] || fail "-v stdout: $(cat "$tmp/vout")"
[ "$(grep -c '^svm-accept: C .* gamma .*: accuracy .*, balanced accuracy ' \
    "$tmp/verr")" = 9 ] || fail "-v: want 9 grid lines: $(cat "$tmp/verr")"
grep -q 'optimization finished' "$tmp/verr" || fail "-v: no libsvm messages"

# linear kernel: the grid runs over C only
"$BIN/svm-accept" train -K linear --log2c=-3,3,3 -o "$tmp/l.svm" \
    $d/train.ndjson >"$tmp/out" || fail "linear grid"
grep -q '"grid_points":3,' "$tmp/out" || fail "linear: $(cat "$tmp/out")"
grep -q '"gamma"' "$tmp/out" && fail "linear summary has a gamma"
exit 0
