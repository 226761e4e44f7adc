#!/bin/sh
# The pipeline of the manual's EXAMPLES, on small error maps: mask-boxes
# turns each map into regions and features, svm-accept train learns from
# labelled parts, and svm-accept rejects exactly the defective test parts,
# with -e failing the gate and grep picking the rejected parts.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
[ -x "$BIN/mask-boxes" ] || { echo "SKIP: no $BIN/mask-boxes"; exit 77; }

"$BIN/mask-boxes" -a 2 -t 0.5 <$d/pipeline-train.ndjson |
    "$BIN/svm-accept" train -x 4 -o "$tmp/accept.svm" >"$tmp/sum" ||
    fail "train exited $?"
grep -q '"records":30,"pass":22,"fail":8,' "$tmp/sum" ||
    fail "summary: $(cat "$tmp/sum")"

"$BIN/mask-boxes" -a 2 -t 0.5 <$d/pipeline-test.ndjson |
    "$BIN/svm-accept" -m "$tmp/accept.svm" >"$tmp/verdicts" ||
    fail "predict exited $?"
[ "$(wc -l <"$tmp/verdicts")" = 8 ] || fail "want 8 verdicts"
# every part passes through with its fields, and the verdict is right
awk '!/"label":"pass".*"accept":true/ && !/"label":"fail".*"accept":false/ {
	print "wrong verdict: " $0; bad = 1 } END { exit bad }' \
    "$tmp/verdicts" || fail "wrong verdicts"

"$BIN/mask-boxes" -a 2 -t 0.5 <$d/pipeline-test.ndjson |
    "$BIN/svm-accept" -m "$tmp/accept.svm" | grep '"accept":false' \
    >"$tmp/rejected"
[ "$(grep -c '"label":"fail"' "$tmp/rejected")" = 3 ] &&
    [ "$(wc -l <"$tmp/rejected")" = 3 ] || fail "rejected: $(cat "$tmp/rejected")"

"$BIN/mask-boxes" -a 2 -t 0.5 <$d/pipeline-test.ndjson |
    "$BIN/svm-accept" -e -m "$tmp/accept.svm" >/dev/null
[ $? = 1 ] || fail "-e: want exit 1 with rejected parts"
head -5 $d/pipeline-test.ndjson | "$BIN/mask-boxes" -a 2 -t 0.5 |
    "$BIN/svm-accept" -e -m "$tmp/accept.svm" >/dev/null ||
    fail "-e: want exit 0 when every part passes"
exit 0
