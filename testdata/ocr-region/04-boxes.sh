#!/bin/sh
# Regions from the record's "boxes" (as mask-boxes writes them), each read
# and named box0, box1; the record's other fields pass through.
o=testdata/ocr-region
printf '{"image":"%s","lot":"A7","boxes":[{"x":0,"y":176,"w":320,"h":24},{"x":18,"y":100,"w":153,"h":23}]}\n' \
    $o/img/screen.png | "$BIN/ocr-region" -B >"${TMPDIR:-/tmp}/ocr04.$$"
rc=$?
grep -c '"lot":"A7"' "${TMPDIR:-/tmp}/ocr04.$$" | grep -qx 2 || rc=1
awk -f testdata/gui-locate/get.awk -f $o/check.awk \
    -v want='box0|READY 42 ITEMS|[0,176,320,24];box1|Serial AB-1234|[18,100,153,23]' \
    "${TMPDIR:-/tmp}/ocr04.$$" || rc=1
rm -f "${TMPDIR:-/tmp}/ocr04.$$"
exit $rc
