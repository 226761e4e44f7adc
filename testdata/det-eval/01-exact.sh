#!/bin/sh
# Exact mode on the fixture dataset: every figure (image, pixel, AU-PRO,
# box, accept) within 1e-9 of scikit-learn and the reference procedures
# (scripts/mk-det-eval-fixtures.py wrote ds/expected.ndjson).
d=testdata/det-eval
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
"$BIN/det-eval" -x -g mvtec:$d/ds $d/ds/pred.ndjson >"$out" || exit 1
awk -v tol=1e-9 -f $d/cmp.awk $d/ds/expected.ndjson "$out"
