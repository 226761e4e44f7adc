#!/bin/sh
# Records keep their fields and gain a score object and the threshold;
# plain lines are image paths; records come out in input order.
set -eu
out=$(printf '{"id":"a","image":"testdata/demo/test/good/000.png"}\n%s\n' \
    testdata/demo/test/defect/000.png |
    "$BIN/ae-score" -m testdata/ae-score/tiny.ae)
printf '%s\n' "$out"
num='-?[0-9][0-9.e+-]*'
[ "$(printf '%s\n' "$out" | grep -cE "\"score\":\{\"max\":$num,\"topk\":$num\},\"threshold\":$num}$")" = 2 ]
printf '%s\n' "$out" | sed -n 1p |
    grep -q '^{"id":"a","image":"testdata/demo/test/good/000.png","score"'
printf '%s\n' "$out" | sed -n 2p |
    grep -q '^{"image":"testdata/demo/test/defect/000.png","score"'
