#!/bin/sh
# A linear kernel on standardised features with explicit class weights:
# the model file says so, and it rejects the defective test parts.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }

"$BIN/svm-accept" train -K linear -S standard -c 4 -w 1,3 -o "$tmp/m.svm" \
    $d/train.ndjson >"$tmp/out" || fail "train exited $?"
grep -q '"scaling":"standard","kernel":"linear","C":4,"weight_pass":1,"weight_fail":3,' \
    "$tmp/out" || fail "summary: $(cat "$tmp/out")"
grep -qx 'scaling standard' "$tmp/m.svm" || fail "no 'scaling standard'"
grep -qx 'kernel_type linear' "$tmp/m.svm" || fail "no linear kernel"
"$BIN/svm-accept" -m "$tmp/m.svm" $d/test.ndjson >"$tmp/pred" ||
    fail "predict exited $?"
[ "$(grep '"label":"fail"' "$tmp/pred" | grep -c '"accept":false')" = 3 ] ||
    fail "defects accepted: $(cat "$tmp/pred")"
exit 0
