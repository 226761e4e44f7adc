#!/bin/sh
# scripts/nightly-forecast: the first night trains, the second warm-starts;
# both publish forecast.csv and forecast.ndjson and log; a second run
# while one holds the lock exits 75 at once; no export is exit 66
set -u
d=$(mktemp -d)
trap '[ -n "$holder" ] && kill $holder 2>/dev/null; rm -rf "$d"' EXIT
holder=
mkdir "$d/exp"
awk -v ns=3 -v nt=40 -v nf=1 -f testdata/lstm-forecast/mkdata.awk \
    >"$d/exp/export-1.csv"
export LSTM_FORECAST="$BIN/lstm-forecast"
export LSTM_FORECAST_OPTS="-s sku -t month -y qty -x fc"
export LSTM_TRAIN_OPTS="-e 10"
sh scripts/nightly-forecast "$d/exp" "$d/w" || exit 1
[ "$(wc -l <"$d/w/out/forecast.csv")" -eq 4 ] || exit 1
[ "$(wc -l <"$d/w/out/forecast.ndjson")" -eq 3 ] || exit 1
sleep 1
awk -v ns=3 -v nt=41 -v nf=1 -f testdata/lstm-forecast/mkdata.awk \
    >"$d/exp/export-2.csv"
sh scripts/nightly-forecast "$d/exp" "$d/w" || exit 1
grep -q 'export: .*/export-2.csv' "$d/w/logs/"*.log || exit 1
grep -q 'train (warm start)' "$d/w/logs/"*.log || exit 1
grep -q '"period":"2018-05"' "$d/w/out/forecast.ndjson" || exit 1
# locked
(exec 9>"$d/w/lock" && flock 9 && exec sleep 30) &
holder=$!
sleep 0.3
sh scripts/nightly-forecast "$d/exp" "$d/w" 2>"$d/err"
[ $? -eq 75 ] || exit 1
grep -q 'another run holds' "$d/err" || exit 1
kill $holder
wait $holder 2>/dev/null
holder=
# nothing to read
mkdir "$d/empty"
sh scripts/nightly-forecast "$d/empty" "$d/w" 2>/dev/null
[ $? -eq 66 ] || exit 1
ls "$d/w/out" | grep -q '^\.' && exit 1
exit 0
