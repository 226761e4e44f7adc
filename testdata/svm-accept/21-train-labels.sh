#!/bin/sh
# Labels joined from a file (-L, keyed by "image" or -j FIELD) train the
# same model as labels in the records; keys without a label are reported.
set -u
d=testdata/svm-accept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }

sed 's/"label":"[a-z]*",//' $d/train.ndjson >"$tmp/unlabelled.ndjson"
grep -q '"label"' "$tmp/unlabelled.ndjson" && fail "sed left labels"
{
	echo "# image	label"
	sed 's/.*"image":"\([^"]*\)","label":"\([a-z]*\)".*/\1	\2/' \
	    $d/train.ndjson
} >"$tmp/labels.tsv"
sed 's/.*"id":"\([^"]*\)","image".*"label":"\([a-z]*\)".*/\1	\2/' \
    $d/train.ndjson >"$tmp/by-id.tsv"

"$BIN/svm-accept" train -o "$tmp/a.svm" $d/train.ndjson >/dev/null ||
    fail "train with label fields"
"$BIN/svm-accept" train -L "$tmp/labels.tsv" -o "$tmp/b.svm" \
    "$tmp/unlabelled.ndjson" >/dev/null 2>"$tmp/err" ||
    fail "train -L: $(cat "$tmp/err")"
"$BIN/svm-accept" train -L "$tmp/by-id.tsv" -j id -o "$tmp/c.svm" \
    <"$tmp/unlabelled.ndjson" >/dev/null || fail "train -L -j id"
cmp -s "$tmp/a.svm" "$tmp/b.svm" || fail "-L model differs"
cmp -s "$tmp/a.svm" "$tmp/c.svm" || fail "-L -j id model differs"

# a record whose key the file does not label
sed '5d' "$tmp/labels.tsv" >"$tmp/short.tsv"
"$BIN/svm-accept" train -L "$tmp/short.tsv" -o "$tmp/d.svm" \
    "$tmp/unlabelled.ndjson" >"$tmp/out" 2>"$tmp/err"
[ $? = 3 ] || fail "unlabelled key: want exit 3"
want="svm-accept: $tmp/unlabelled.ndjson:4: 'train/crack/003.png' has no label in '$tmp/short.tsv'"
[ "$(cat "$tmp/err")" = "$want" ] || fail "got: $(cat "$tmp/err")"
[ -e "$tmp/d.svm" ] && fail "model written after a bad record"
[ -s "$tmp/out" ] && fail "output after a bad record"

# a bad labels file
printf 'a.png pass\n' >"$tmp/bad.tsv"
"$BIN/svm-accept" train -L "$tmp/bad.tsv" -o "$tmp/d.svm" \
    "$tmp/unlabelled.ndjson" 2>"$tmp/err"
[ $? = 3 ] || fail "bad labels file: want exit 3"
grep -qx "svm-accept: $tmp/bad.tsv:1: expected '<key><TAB>pass' or '<key><TAB>fail'" \
    "$tmp/err" || fail "got: $(cat "$tmp/err")"
exit 0
