#!/bin/sh
# -d writes the overlay (photo-sized PNG) for a photo with a screen and
# for one without, and -o the rectified screen at the size given.
d=testdata/screen-calib
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
size() { od -An -tx1 -j16 -N8 "$1" | tr -d ' \n'; }
"$BIN/screen-calib" -s 160x120 -o "$t/%s-rect.png" -d "$t/%s-debug.png" \
    $d/img/laptop.png >"$t/out" || exit 1
grep -q "\"image\":\"$t/laptop-rect.png\"" "$t/out" || exit 1
[ "$(size "$t/laptop-debug.png")" = 000001900000012c ] || exit 1
[ "$(size "$t/laptop-rect.png")" = 000000a000000078 ] || exit 1
"$BIN/screen-calib" -d "$t/%s-debug.png" $d/img/wall.png >"$t/out" \
    2>/dev/null
[ $? = 3 ] && [ ! -s "$t/out" ] || exit 1
[ "$(size "$t/wall-debug.png")" = 000001900000012c ] || exit 1
