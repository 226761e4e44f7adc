#!/bin/sh
# real data: ten EIA-930 operators (four with badly biased day-ahead
# forecasts, the largest ones, two more), one-week-ahead forecasts from
# each of the last 26 weeks, refitted every 13: the LSTM reading the
# operators' forecast must cut the MAE of that forecast by 20% or more and
# beat seasonal naive and auto-ARIMA
set -u
f=../shared/datasets/demand/eia930-weekly.csv
[ -r "$f" ] || { echo "SKIP: $f not found"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
grep -E '^(ba|AEC|CHPD|FPC|PSEI|MISO|PJM|ERCO|SWPP|CISO|TVA),' "$f" >"$d/x.csv"
"$BIN/lstm-forecast" backtest -j 2 -s ba -t week -y actual -x forecast \
    -g forecast -O 26 -R 13 "$d/x.csv" >"$d/r.md" 2>"$d/err" || exit 1
mae() { awk -F'|' -v m="$1" '$2 ~ m { gsub(/ /, "", $4); print $4; exit }' \
    "$d/r.md"; }
l=$(mae '^ lstm \(refit'); g=$(mae '^ given'); s=$(mae '^ seasonal')
a=$(mae '^ auto-ARIMA')
echo "MAE lstm $l given $g snaive $s arima $a"
awk -v l="$l" -v g="$g" -v s="$s" -v a="$a" \
    'BEGIN { exit !(l <= 0.8 * g && l < s && l < a) }'
