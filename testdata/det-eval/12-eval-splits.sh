#!/bin/sh
# The batch scripts' splits (eval-mvtec -n, eval-dagm -n): the documented
# counts, and no image in two of train, validation, labelled, evaluation.
w=$(mktemp -d) || exit 1
trap 'rm -rf "$w"' EXIT
disjoint() {	# dir
	cat "$1/train.lst" "$1/val.lst" "$1/lab5.lst" "$1/eval.lst" |
	    sort | uniq -d | grep -q . && { echo "overlap in $1"; return 1; }
	grep -qvxFf "$1/lab5.lst" "$1/lab1.lst" && { echo "lab1 not in lab5"; return 1; }
	return 0
}
out=$(sh scripts/eval-mvtec -n -w "$w" testdata/demo) || exit 1
[ "$out" = "demo: train 22, validation 2, labelled 5 (1-setting 1), evaluation 7" ] ||
    { echo "$out"; exit 1; }
disjoint "$w/demo" || exit 1
[ "$(sed -n 2p "$w/demo/val.lst")" = testdata/demo/train/good/019.png ] || exit 1
grep -qx testdata/demo/test/defect/000.png "$w/demo/lab1.lst" || exit 1
[ "$(cat "$w/demo/gt")" = mvtec:testdata/demo ] || exit 1

# a small DAGM layout: 7 normals, 7 defective
mkdir -p "$w/d/Test/Label"
{
	echo 1
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do
		if [ $((1${i} % 2)) = 0 ]; then
			printf '00%s\t1\t00%s.PNG\t0\t00%s_label.PNG\n' $i $i $i
		else
			printf '00%s\t0\t00%s.PNG\t0\t0\t\n' $i $i
		fi
	done
} >"$w/d/Test/Label/Labels.txt"
out=$(sh scripts/eval-dagm -n -w "$w" "$w/d") || exit 1
# normals 01 03 05 07 09 11 13: the first 60% (4) are the training pool,
# its 5th would be validation (none), 09 11 13 are evaluated; defects
# 02..14: the first 5 are labelled, 12 and 14 evaluated
[ "$out" = "d: train 4, validation 0, labelled 5 (1-setting 1), evaluation 5" ] ||
    { echo "$out"; exit 1; }
disjoint "$w/d" || exit 1
[ "$(cat "$w/d/lab1.lst")" = "$w/d/Test/0002.PNG" ] || exit 1
[ "$(tr '\n' ' ' <"$w/d/eval.lst")" = "$w/d/Test/0009.PNG $w/d/Test/0011.PNG $w/d/Test/0013.PNG $w/d/Test/0012.PNG $w/d/Test/0014.PNG " ] ||
    exit 1
sh scripts/eval-dagm -n -w "$w" "$w/nothing" 2>/dev/null
[ $? = 2 ] || exit 1
