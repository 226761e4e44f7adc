#!/bin/sh
# The model's margin (0) is the default: -M 0 gives the same record, a
# margin of a quarter of the 32-pixel patch another.  Deficit maps score only what falls
# below the validation range, so the scores lie between 0 and the
# deviation scores, under their own threshold (at most the deviation one).
set -eu
m=testdata/ae-score/tiny.ae
img=testdata/demo/test/defect/000.png
def=$("$BIN/ae-score" -m $m $img)
[ "$def" = "$("$BIN/ae-score" -m $m -M 0 $img)" ]
[ "$def" != "$("$BIN/ae-score" -m $m -M 8 $img)" ]
field() { sed "s/.*\"$1\":\([-0-9.e+]*\).*/\1/"; }
dev=$("$BIN/ae-score" -m $m -T deviation $img)
lo=$("$BIN/ae-score" -m $m -T deficit $img)
printf '%s\n%s\n' "$dev" "$lo"
printf "%s\n" "$lo" | grep -q "\"threshold\":"
awk -v d="$(printf '%s' "$dev" | field max)" \
    -v l="$(printf '%s' "$lo" | field max)" \
    -v td="$(printf '%s' "$dev" | field threshold)" \
    -v tl="$(printf '%s' "$lo" | field threshold)" \
    'BEGIN { exit !(l >= 0 && l <= d && tl > 0 && tl <= td) }'
