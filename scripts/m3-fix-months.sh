#!/bin/sh
# m3-fix-months.sh: print the shared m3-monthly.csv with each series' test
# months renumbered to follow its training months.
#
#   sh scripts/m3-fix-months.sh [../shared/datasets/demand/m3-monthly.csv]
#
# In the shared file the 18 "test" rows of every series are dated as if
# the test part started n months after the end of the training part (n
# the training length) instead of the month after it: a gap of n months
# that lstm-forecast would fill or refuse.  The official M3 test part
# follows the training part directly, so this keeps every value and its
# order and only rewrites the months of the test rows.  Rows must come
# train first, in month order, per series, as they do in the file.
f=${1:-../shared/datasets/demand/m3-monthly.csv}
awk -F, 'BEGIN { OFS = "," }
	{ sub(/\r$/, "") }
	NR == 1 { print; next }
	$5 == "train" { last[$1] = $3; print; next }
	$5 == "test" {
		split(last[$1], a, "-")
		y = a[1] + 0; m = a[2] + 1
		if (m > 12) { m = 1; y++ }
		$3 = sprintf("%04d-%02d", y, m)
		last[$1] = $3
		print
		next
	}
	{ print "m3-fix-months: line " NR ": part is neither train nor test" \
	    > "/dev/stderr"; exit 1 }' "$f"
