#!/bin/sh
# Train a tiny network on the demo images: a summary record, one log
# record per epoch, a checkpoint, a model ae-score accepts; the same seed
# gives the same model (identical scores), another seed does not.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
set -- -p 32 -w 4 -z 16 -e 3 -n 2 -j 2 -P 0
"$BIN/ae-train" "$@" -L "$d/log" -C "$d/ck" -o "$d/a.ae" \
    testdata/demo/train/good/*.png >"$d/sum"
cat "$d/sum"
num='-?[0-9][0-9.e+-]*'
grep -qE "^\{\"model\":\"$d/a.ae\",\"epochs\":3,\"best_epoch\":[123],\"loss\":$num,\"val_loss\":$num,\"threshold\":$num,\"train_images\":22,\"val_images\":2,\"seconds\":$num,\"cpu_seconds\":$num,\"patches_per_s\":$num}$" "$d/sum"
[ "$(wc -l <"$d/log")" = 3 ]
grep -q '^{"epoch":3,"step":3,"loss":' "$d/log"
[ -s "$d/ck" ]
ls testdata/demo/train/good/*.png | "$BIN/ae-train" "$@" -o "$d/b.ae" >/dev/null
"$BIN/ae-train" "$@" -s 2 -o "$d/c.ae" testdata/demo/train/good/*.png \
    >/dev/null
for m in a b c; do
	"$BIN/ae-score" -m "$d/$m.ae" testdata/demo/test/defect/000.png \
	    >"$d/$m.out"
done
cmp "$d/a.out" "$d/b.out"
! cmp -s "$d/a.out" "$d/c.out"
