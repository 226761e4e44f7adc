#!/bin/sh
# real data: intermittent car-part demand, the first 40 series, 5 too
# short for the horizon, and two made here: one zero throughout, one zero
# until the forecast origin; nothing fails, nothing is NaN, a history of
# zeros forecasts zero
set -u
f=../shared/datasets/demand/carparts-monthly.csv
[ -r "$f" ] || { echo "SKIP: $f not found"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
awk -F, 'NR > 1 { n[$1]++; if (!($1 in seen)) { seen[$1] = 1;
	order[++k] = $1 } }
	END { for (i = 1; i <= k; i++) if (i <= 40 ||
	    (n[order[i]] < 17 && sh++ < 5)) print order[i] }' "$f" >"$d/keep"
{
	awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || ($1 in k)' \
	    "$d/keep" "$f"
	awk 'BEGIN { for (t = 0; t < 51; t++) {
		m = sprintf("%d-%02d", 1998 + int(t / 12), t % 12 + 1)
		print "zero," m ",0"; print "late," m "," (t < 39 ? 0 : 1) } }'
} >"$d/x.csv"
"$BIN/lstm-forecast" backtest -j 2 -t month -y sales -H 12 -f csv \
    -o "$d/p.csv" "$d/x.csv" >"$d/r.md" 2>"$d/err" ||
    { cat "$d/err"; exit 1; }
used=$(awk -F, 'NR > 1 { n[$1]++ } END { for (s in n) u += n[s] >= 17
	print u }' "$d/x.csv")
grep -q "47 monthly series, $used used, $((47 - used)) skipped" "$d/r.md" ||
    exit 1
if grep -qi 'nan\|inf' "$d/r.md" "$d/p.csv"; then exit 1; fi
[ "$(grep -c ',lstm,' "$d/p.csv")" -eq $((used * 12)) ] || exit 1
# zero history: every method forecasts 0
awk -F, '($1 == "zero" || $1 == "late") && $6 != 0 { bad = 1 }
	END { exit bad }' "$d/p.csv"
