#!/bin/sh
# Calibrate once on img/laptop.png, then rectify img/laptop-frame.png (the
# same camera pose, another screen) through the saved record: one record
# per frame, fields passed through, naming a 320x240 PNG; a frame of
# another size than the calibration photo is refused with exit status 3.
d=testdata/screen-calib
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
"$BIN/screen-calib" -s 320x240 $d/img/laptop.png >"$t/calib.ndjson" || exit 1
printf '{"run":7,"image":"%s"}\n' $d/img/laptop-frame.png |
    "$BIN/screen-calib" -a "$t/calib.ndjson" -o "$t/%s-rect.png" >"$t/out" ||
    exit 1
want="{\"run\":7,\"image\":\"$t/laptop-frame-rect.png\",\"frame\":\"$d/img/laptop-frame.png\",\"size\":[320,240]}"
[ "$(cat "$t/out")" = "$want" ] || { echo "got: $(cat "$t/out")"; exit 1; }
# the PNG's width and height (IHDR)
ihdr=$(od -An -tx1 -j16 -N8 "$t/laptop-frame-rect.png" | tr -d ' \n')
[ "$ihdr" = 00000140000000f0 ] || { echo "IHDR $ihdr"; exit 1; }
# frames as arguments, two threads, bicubic: the same record shape
"$BIN/screen-calib" -a "$t/calib.ndjson" -o "$t/%n.png" -j 2 -i bicubic \
    $d/img/laptop-frame.png $d/img/laptop.png >"$t/out2" || exit 1
[ "$(wc -l <"$t/out2")" -eq 2 ] && [ -s "$t/1.png" ] && [ -s "$t/2.png" ] ||
    exit 1
"$BIN/screen-calib" -a "$t/calib.ndjson" -o "$t/x%s.png" \
    "$t/laptop-frame-rect.png" >/dev/null 2>"$t/err"
rc=$?
[ $rc = 3 ] || { echo "wrong-size frame: exit $rc"; exit 1; }
grep -q "cannot rectify: 320x240, the calibration's photo is 400x300" \
    "$t/err" || { cat "$t/err"; exit 1; }
