#!/bin/sh
# demo.sh: the inspection pipeline on the demo data in testdata/demo, run by
# `make demo` after the build.  Trains a small auto-encoder on the defect-free
# images (a 30-second budget), scores the test images, boxes the defects,
# trains the pass/fail SVM on half of the test images and judges the other
# half, then scores everything against the ground-truth masks.
# Everything it writes goes to build/demo/.
set -eu
BIN=${BIN:-bin}
data=testdata/demo
out=build/demo
rm -rf "$out"
mkdir -p "$out/maps"

echo "== ae-train: 24 defect-free images, 64x64 patches, 30 s"
ls "$data"/train/good/*.png |
    "$BIN/ae-train" -p 64 -w 16 -z 32 -n 64 -l l2 -P 40 -S 30 -s 1 \
    -o "$out/demo.ae"

echo "== ae-score | mask-boxes: 12 test images"
ls "$data"/test/*/*.png |
    "$BIN/ae-score" -m "$out/demo.ae" -s 16 -d "$out/maps" |
    "$BIN/mask-boxes" -a 8 >"$out/boxed.ndjson"

# labels from the folder names: test/good passes, test/defect fails
sed -n 's/.*"image":"\([^"]*\/\(good\|defect\)\/[^"]*\)".*/\1 \2/p' \
    "$out/boxed.ndjson" | awk '{ print $1 "\t" ($2 == "good" ? "pass" : "fail") }' \
    >"$out/labels.tsv"
# even-numbered images teach the SVM, odd-numbered ones are judged
grep '[02468]\.png"' "$out/boxed.ndjson" >"$out/teach.ndjson"
grep '[13579]\.png"' "$out/boxed.ndjson" >"$out/judge.ndjson"

echo "== svm-accept train: 6 labelled images"
"$BIN/svm-accept" train -L "$out/labels.tsv" -o "$out/accept.svm" \
    "$out/teach.ndjson"

echo "== svm-accept: verdicts on the other 6"
"$BIN/svm-accept" -m "$out/accept.svm" "$out/judge.ndjson" \
    >"$out/verdicts.ndjson"
sed -n 's/.*"image":"\([^"]*\)".*"accept":\([a-z]*\).*/  \1: \2/p' \
    "$out/verdicts.ndjson" | sed 's/: true$/: accept/; s/: false$/: REJECT/'

echo "== det-eval against the ground-truth masks"
"$BIN/det-eval" -m -g mvtec:"$data" "$out/boxed.ndjson"
echo "demo: outputs in $out/"
