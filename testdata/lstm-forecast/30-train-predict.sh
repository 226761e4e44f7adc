#!/bin/sh
# train, then predict in both formats on a small synthetic export whose
# customer forecast is 1.5 times too high: the forecasts must have the
# documented fields and be near the truth, not near the biased hint
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
t=testdata/lstm-forecast
awk -v ns=3 -v nt=60 -v nf=2 -f $t/mkdata.awk >"$d/x.csv"
o="-s sku -t month -y qty -x fc"
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -H 2 -m "$d/m" "$d/x.csv"
ls "$d/m" | tr '\n' ' ' | grep -qx 'MANIFEST s1.lkm s2.lkm s3.lkm '
# columns come from the manifest
"$BIN/lstm-forecast" predict -m "$d/m" "$d/x.csv" >"$d/p.ndjson"
[ "$(wc -l <"$d/p.ndjson")" -eq 6 ]
grep -q '^{"series":"s1","period":"2019-11","forecast":[0-9.e+]*,"q10":[0-9.e+]*,"q90":[0-9.e+]*}$' "$d/p.ndjson"
"$BIN/lstm-forecast" predict -f csv -H 1 -m "$d/m" "$d/x.csv" >"$d/p.csv"
[ "$(head -n 1 "$d/p.csv")" = series,period,forecast,q10,q90 ]
[ "$(wc -l <"$d/p.csv")" -eq 4 ]
# truth: 100 s + 10 sin(58 pi / 6) = 100 s - 10 for 2019-11, +-2
awk -F, 'NR > 1 { s = substr($1, 2); d = $3 - (100 * s - 10);
	if (d < -8 || d > 8 || !($4 <= $3 && $3 <= $5)) bad = 1 }
	END { exit bad }' "$d/p.csv"
# a covariate missing for the horizon: said with the series and period
grep -v '^s2,2019-12' "$d/x.csv" >"$d/y.csv"
if "$BIN/lstm-forecast" predict -m "$d/m" "$d/y.csv" >/dev/null 2>"$d/err"; then
	exit 1
fi
grep -qx "lstm-forecast: series 's2': no 'fc' for period '2019-12' (the model looks 2 periods ahead)" "$d/err"
# a missing model is exit 4
rm "$d/m/s3.lkm"
set +e
"$BIN/lstm-forecast" predict -k -m "$d/m" "$d/x.csv" >"$d/p2" 2>"$d/err"
rc=$?
set -e
[ $rc -eq 4 ] && [ "$(wc -l <"$d/p2")" -eq 4 ]
grep -q "^lstm-forecast: series 's3': $d/m/s3.lkm: " "$d/err"
