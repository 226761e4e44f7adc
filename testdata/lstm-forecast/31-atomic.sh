#!/bin/sh
# the model directory changes whole or not at all: a run that fails on
# bad input, and a run killed with SIGKILL while training, leave it as it
# was; the next good run replaces it and sweeps the killed run's leftover
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
t=testdata/lstm-forecast
o="-s sku -t month -y qty -x fc"
awk -v ns=40 -v nt=60 -v nf=1 -f $t/mkdata.awk >"$d/x.csv"
snap() { (cd "$d/m" && cksum ./* | sort) }

# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -m "$d/m" "$d/x.csv" || exit 1
snap >"$d/before"

# bad input: refused, directory untouched
{ cat "$d/x.csv"; echo "s1,2020-01,-4,1"; } >"$d/bad.csv"
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -S 2 -m "$d/m" "$d/bad.csv" 2>/dev/null
[ $? -eq 3 ] || { echo "bad input not refused"; exit 1; }
snap | cmp -s - "$d/before" || { echo "changed by a failed run"; exit 1; }

# killed while training: untouched, a .new- directory left behind
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -S 3 -e 100000 -p 100000 -m "$d/m" \
    "$d/x.csv" 2>/dev/null &
pid=$!
n=0
until ls -d "$d"/m.new-* >/dev/null 2>&1 || [ $n -ge 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
sleep 0.5
kill -9 $pid
wait $pid 2>/dev/null
snap | cmp -s - "$d/before" || { echo "changed by a killed run"; exit 1; }
ls -d "$d"/m.new-* >/dev/null 2>&1 || { echo "no leftover"; exit 1; }

# a good run replaces it and sweeps the leftover
# shellcheck disable=SC2086
"$BIN/lstm-forecast" train $o -S 4 -m "$d/m" "$d/x.csv" || exit 1
snap | cmp -s - "$d/before" && { echo "not replaced"; exit 1; }
if ls -d "$d"/m.new-* >/dev/null 2>&1; then
	echo "leftover not swept"
	exit 1
fi
exit 0
