#!/bin/sh
# --warm-start continues each saved model (its Adam steps go on), trains
# a model afresh when the options no longer fit it, and trains series that
# are new; models of series absent from the input are kept
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
o="-s sku -t month -y qty -x fc -e 20"
awk -v ns=3 -v nt=50 -v nf=0 -f testdata/lstm-forecast/mkdata.awk >"$d/a.csv"
awk -v ns=4 -v nt=52 -v nf=0 -f testdata/lstm-forecast/mkdata.awk |
    grep -v '^s3,' >"$d/b.csv"
steps() { sed -n 's/^adam_t=//p' "$d/m/$1.lkm"; }
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -m "$d/m" "$d/a.csv" || exit 1
a1=$(steps s1)
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -W -m "$d/m" "$d/b.csv" 2>"$d/err" || exit 1
[ ! -s "$d/err" ] || { cat "$d/err"; exit 1; }
a2=$(steps s1)
[ "$a2" -gt "$a1" ] || { echo "adam steps $a1 -> $a2"; exit 1; }
[ -f "$d/m/s3.lkm" ] && [ -f "$d/m/s4.lkm" ] ||
    { echo "s3 not kept or s4 not trained"; exit 1; }
grep -q '^series=4$' "$d/m/MANIFEST" || exit 1
# another horizon: trained afresh, and said so
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -W -H 2 -m "$d/m" "$d/b.csv" 2>"$d/err" ||
    exit 1
grep -qx "lstm-forecast: series 's1': the saved model's horizon differs; trained afresh" "$d/err"
[ "$(steps s1)" -lt "$a2" ] || exit 1
# a damaged model is an error (exit 4), not silently replaced
printf 'x' | dd of="$d/m/s2.lkm" bs=1 seek=300 conv=notrunc 2>/dev/null
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -W -H 2 -m "$d/m" "$d/b.csv" 2>"$d/err"
[ $? -eq 4 ] || exit 1
grep -q "^lstm-forecast: series 's2': $d/m/s2.lkm: checksum mismatch" "$d/err"
