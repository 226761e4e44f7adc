#!/bin/sh
# forecasts sent to a full disk: exit 5 with the reason
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
awk -v ns=2 -v nt=40 -v nf=1 -f testdata/lstm-forecast/mkdata.awk >"$d/x.csv"
"$BIN/lstm-forecast" train -s sku -t month -y qty -x fc -e 5 -m "$d/m" \
    "$d/x.csv" || exit 1
"$BIN/lstm-forecast" predict -m "$d/m" "$d/x.csv" >/dev/full 2>"$d/err"
[ $? -eq 5 ] || exit 1
grep -qx 'lstm-forecast: writing output failed: No space left on device' \
    "$d/err"
