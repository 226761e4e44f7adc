#!/bin/sh
# The shared truth set (../shared/datasets/screens/ocr-truth.ndjson): 19
# text regions of real boot-menu (light on dark) and UEFI (bitmap font)
# screens, read with the defaults; at least 18 must come out exactly.
s=../shared/datasets/screens
o=testdata/ocr-region
[ -f $s/ocr-truth.ndjson ] || { echo "SKIP: no $s/ocr-truth.ndjson"; exit 77; }
sed -e 's|"image":"|"image":"'$s'/|' -e 's|"text":|"truth":|' \
    -e 's|"box":\[\([0-9]*\),\([0-9]*\),\([0-9]*\),\([0-9]*\)\]|"boxes":[{"x":\1,"y":\2,"w":\3,"h":\4}]|' \
    $s/ocr-truth.ndjson | "$BIN/ocr-region" -B |
    awk -f testdata/gui-locate/get.awk -f $o/cer.awk -v min_exact=18 \
    -v max_cer=0.03
