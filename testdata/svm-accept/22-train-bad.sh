#!/bin/sh
# svm-accept train on bad input: fail-fast without -k (exit 3, no model,
# no output), skip and report with -k (exit 3, model from the rest); one
# class only; a feature set that changes; bad options; an unwritable model.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
# expect rc "stderr" args...: run train, check exit code and whole stderr
expect() {
	rc=$1 msg=$2
	shift 2
	"$BIN/svm-accept" train "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ $got = "$rc" ] || fail "train $*: exit $got, want $rc"
	[ "$(cat "$tmp/err")" = "$msg" ] ||
	    fail "train $*: stderr '$(cat "$tmp/err")', want '$msg'"
}

{
	sed -n '1,10p' $d/train.ndjson
	echo '{"id":"x1","label":"pass","features":{"count":1}}'
	echo '{"id":"x2","label":"maybe","features":{}}'
	echo '{"id":"x3","features":{}}'
	echo '{"id":"x4","label":"fail","features":{"count":1,"total_area":1,"largest_area":1,"largest_mean_err":1,"largest_max_err":null}}'
	sed -n '11,$p' $d/train.ndjson
} >"$tmp/bad.ndjson"

expect 3 "svm-accept: $tmp/bad.ndjson:11: feature 'largest_area' is missing" \
    -o "$tmp/m.svm" "$tmp/bad.ndjson"
[ -e "$tmp/m.svm" ] && fail "model written after a bad record"
[ -s "$tmp/out" ] && fail "summary printed after a bad record"

expect 3 "svm-accept: $tmp/bad.ndjson:11: feature 'largest_area' is missing
svm-accept: $tmp/bad.ndjson:12: label 'maybe' is not \"pass\" or \"fail\"
svm-accept: $tmp/bad.ndjson:13: record has no \"label\" string
svm-accept: $tmp/bad.ndjson:14: feature 'largest_max_err' is not a finite number" \
    -k -o "$tmp/m.svm" "$tmp/bad.ndjson"
[ -s "$tmp/m.svm" ] || fail "-k: no model"
grep -q '"records":52,"pass":40,"fail":12,' "$tmp/out" ||
    fail "-k: summary $(cat "$tmp/out")"

# the first record decides the features; later ones may not add any
{
	sed -n '1,3p' $d/train.ndjson
	sed -n 4p $d/train.ndjson | sed 's/"count"/"dct_0":0.5,"count"/'
} >"$tmp/extra.ndjson"
expect 3 "svm-accept: $tmp/extra.ndjson:4: unexpected feature 'dct_0'" \
    -o "$tmp/e.svm" "$tmp/extra.ndjson"
# unless -F names the features
sed -n 4p $d/train.ndjson | sed 's/"count"/"dct_0":0.5,"count"/' |
    cat - $d/train.ndjson >"$tmp/extra2.ndjson"
expect 0 "" -F largest_area,count -o "$tmp/f.svm" "$tmp/extra2.ndjson"
grep -q '"features":\["largest_area","count"\]' "$tmp/out" ||
    fail "-F: $(cat "$tmp/out")"
"$BIN/svm-accept" -m "$tmp/f.svm" $d/test.ndjson >/dev/null ||
    fail "predict with a two-feature model"

grep '"pass"' $d/train.ndjson >"$tmp/pass.ndjson"
expect 3 "svm-accept: training needs pass and fail records: got 40 pass, 0 fail" \
    -o "$tmp/g.svm" "$tmp/pass.ndjson"
sed -n '1,4p' $d/train.ndjson >"$tmp/four.ndjson"
expect 3 "svm-accept: 5-fold cross-validation needs at least 5 records, got 4" \
    -x 5 -o "$tmp/g.svm" "$tmp/four.ndjson"
expect 3 "svm-accept: no-such.ndjson: No such file or directory" \
    -o "$tmp/g.svm" no-such.ndjson
[ -e "$tmp/g.svm" ] && fail "model written from bad input"

expect 2 "svm-accept: train: -o model is required" $d/train.ndjson
expect 2 "svm-accept: -K: 'poly' is not rbf or linear" -K poly -o x.svm
expect 2 "svm-accept: train: -j needs -L" -j id -o x.svm
expect 2 "svm-accept: -F: feature 'count' is listed twice" -F count,count -o x.svm
expect 2 "svm-accept: -F: 'a b' is not a feature name" -F 'a b' -o x.svm
expect 2 "svm-accept: -w: '1' is not 2 numbers separated by commas" -w 1 -o x.svm
expect 2 "svm-accept: -w: '1,0': weights must be positive" -w 1,0 -o x.svm
expect 2 "svm-accept: -c: '0' is not positive" -c 0 -o x.svm
expect 2 "svm-accept: --log2c: '1,2,-1' is not a range begin,end,step within -100..100" \
    --log2c 1,2,-1 -o x.svm
expect 2 "svm-accept: -x: '1' is out of range (2..1000000)" -x 1 -o x.svm
expect 2 "svm-accept: -M: 'f1' is not balanced or accuracy" -M f1 -o x.svm
expect 2 "svm-accept: -S: 'robust' is not minmax or standard" -S robust -o x.svm

expect 5 "svm-accept: writing '$tmp/none/m.svm': No such file or directory" \
    -o "$tmp/none/m.svm" $d/train.ndjson
[ -s "$tmp/out" ] && fail "summary printed although the model was not written"
exit 0
