#!/bin/sh
# Output to a full disk: predict and train both exit 5 with the message.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }

"$BIN/svm-accept" -m $d/accept.svm $d/test.ndjson >/dev/full 2>"$tmp/err"
[ $? = 5 ] || fail "predict: want exit 5"
grep -qx 'svm-accept: writing output failed: No space left on device' \
    "$tmp/err" || fail "predict: $(cat "$tmp/err")"
"$BIN/svm-accept" train -o "$tmp/m.svm" $d/train.ndjson >/dev/full \
    2>"$tmp/err"
[ $? = 5 ] || fail "train: want exit 5"
grep -qx 'svm-accept: writing output failed: No space left on device' \
    "$tmp/err" || fail "train: $(cat "$tmp/err")"
exit 0
