#!/bin/sh
# -T deviation: maps measure how far the error lies outside the
# validation normals' range, either way, so the validation image the
# model saw least well sits at the threshold and a defect beyond it; the
# threshold is the deviation threshold, not the error one.  -T error (or
# the model's default) gives the error maps back.
set -eu
m=testdata/ae-score/tiny.ae
good=testdata/demo/test/good/000.png
bad=testdata/demo/test/defect/000.png
dev=$("$BIN/ae-score" -m $m -T deviation $good $bad)
err=$("$BIN/ae-score" -m $m -T error $good $bad)
printf '%s\n%s\n' "$dev" "$err"
field() { sed -n "$1p" | sed "s/.*\"$2\":\([-0-9.e+]*\).*/\1/"; }
thr=$(printf '%s\n' "$dev" | field 1 threshold)
g=$(printf '%s\n' "$dev" | field 1 max)
b=$(printf '%s\n' "$dev" | field 2 max)
awk -v t="$thr" -v g="$g" -v b="$b" 'BEGIN { exit !(g < t && b > t) }'
[ "$thr" != "$(printf '%s\n' "$err" | field 1 threshold)" ]
[ "$err" = "$("$BIN/ae-score" -m $m $good $bad)" ]
