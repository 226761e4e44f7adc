#!/bin/sh
# svm-accept train on the fixture: exit 0, nothing on stderr (libsvm kept
# quiet), the committed summary line on stdout, and a model that predicts
# the test records as the committed model does.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }

"$BIN/svm-accept" train -x 5 -o "$tmp/m.svm" $d/train.ndjson \
    >"$tmp/sum" 2>"$tmp/err" || fail "train exited $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "stderr: $(cat "$tmp/err")"
sed "s#$tmp/m.svm#$d/accept.svm#" "$tmp/sum" >"$tmp/sum2"
cmp -s "$tmp/sum2" $d/train-summary.ndjson ||
    fail "summary: $(diff $d/train-summary.ndjson "$tmp/sum2")"
head -1 "$tmp/m.svm" | grep -qx 'linekit-svm 1' || fail "no header"
"$BIN/svm-accept" -m "$tmp/m.svm" $d/test.ndjson >"$tmp/out" ||
    fail "predict exited $?"
awk -v tol=1e-9 -f $d/compare.awk $d/01-predict.out "$tmp/out" ||
    fail "predictions differ from the committed model's"

# a second run gives the same model, byte for byte (fixed seed)
"$BIN/svm-accept" train -x 5 -o "$tmp/m2.svm" $d/train.ndjson >/dev/null &&
    cmp -s "$tmp/m.svm" "$tmp/m2.svm" || fail "training is not repeatable"
# another seed may change the folds, never the file format
"$BIN/svm-accept" train -s 7 -o "$tmp/m3.svm" $d/train.ndjson >/dev/null &&
    "$BIN/svm-accept" -m "$tmp/m3.svm" $d/test.ndjson >/dev/null ||
    fail "seed 7"
exit 0
