#!/bin/sh
# Decision values agree with scikit-learn's SVC trained the same way
# (scripts/mk-svm-ref.py): this checks the scaling, the class weights,
# which class is positive and the kernel parameters around libsvm.  The
# two solve to libsvm's tolerance (1e-3), so they agree to a few 1e-3.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
decisions() { sed 's/.*"decision":\([-0-9.e+]*\)}$/\1/'; }

"$BIN/svm-accept" train -o "$tmp/rbf.svm" $d/train.ndjson >/dev/null &&
"$BIN/svm-accept" train -K linear -S standard -c 4 -w 1,3 \
    -o "$tmp/lin.svm" $d/train.ndjson >/dev/null || fail "train"
"$BIN/svm-accept" -m "$tmp/rbf.svm" $d/test.ndjson | decisions >"$tmp/rbf"
"$BIN/svm-accept" -m "$tmp/lin.svm" $d/test.ndjson | decisions >"$tmp/lin"
grep -v '^#' $d/sklearn-decision.txt | paste -d ' ' - "$tmp/rbf" "$tmp/lin" |
    awk 'function abs(v) { return v < 0 ? -v : v }
	NF != 4 { print "line " NR ": missing values"; bad = 1; next }
	abs($1 - $3) > 5e-3 || abs($2 - $4) > 5e-3 {
		printf "line %d: sklearn %s %s, svm-accept %s %s\n", NR, $1,
		    $2, $3, $4; bad = 1 }
	END { if (NR != 12) { print NR " lines, want 12"; bad = 1 }
	      exit bad }' || fail "decision values differ from scikit-learn's"
exit 0
