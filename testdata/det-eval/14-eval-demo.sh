#!/bin/sh
# eval-mvtec end to end on the demo data with the real tools (a tiny
# auto-encoder, 10 s of training): every step's output appears, the table
# has the class row with figures in [0, 1], and a second run resumes,
# remaking nothing.
for t in ae-train ae-score mask-boxes svm-accept det-eval; do
	[ -x "$BIN/$t" ] || { echo "SKIP: no $BIN/$t"; exit 77; }
done
w=$(mktemp -d) || exit 1
trap 'rm -rf "$w"' EXIT
args="-w $w -T '-S 10 -p 64 -w 8 -z 16 -n 16 -l l2 -j 1' -S '-s 32 -j 1'"
eval sh scripts/eval-mvtec "$args" testdata/demo >"$w/out" 2>"$w/err" ||
    { cat "$w/err" "$w/demo/log"; exit 1; }
for f in ae.model val.scored eval.scored lab1.scored m0.ndjson m1.ndjson \
    m5.ndjson svm1.model svm5.model result.ndjson; do
	[ -s "$w/demo/$f" ] || { echo "no $f"; exit 1; }
done
grep '^| demo | defect |' "$w/out" | awk -F'|' '{
	for (i = 4; i < NF; i++) {
		v = $i
		gsub(/ /, "", v)
		if (v != "-" && (v + 0 < 0 || v + 0 > 1))
			bad = 1
	}
	n++ }
	END { exit !(n == 1 && !bad) }' || { cat "$w/out"; exit 1; }
[ "$(wc -l <"$w/summary.ndjson")" = 2 ] || exit 1
n=$(grep -c ' make ' "$w/demo/log")
eval sh scripts/eval-mvtec "$args" testdata/demo >"$w/out2" 2>/dev/null ||
    exit 1
cmp -s "$w/out" "$w/out2" && [ "$(grep -c ' make ' "$w/demo/log")" = "$n" ]
