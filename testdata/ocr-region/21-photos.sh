#!/bin/sh
# The same regions in camera photos of the same screens (bootmenu.test.png
# shows the boot menu's text where bootmenu-ocr.ref.png has it), rectified
# by screen-calib to the screens' sizes.  The target is a CER of 3%:
# measured 1.5% with 17 lines exact (bicubic rectification 1.2%; the
# rectification shifted by up to half a pixel 1.2% to 1.5% with 15 to 17
# exact; in luma alone 6.6%, one grey line under LCD moire lost).
s=../shared/datasets/screens
o=testdata/ocr-region
[ -f $s/ocr-truth.ndjson ] || { echo "SKIP: no $s/ocr-truth.ndjson"; exit 77; }
[ -x "$BIN/screen-calib" ] || { echo "SKIP: no $BIN/screen-calib"; exit 77; }
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
"$BIN/screen-calib" -s 800x600 -o "$d/boot.png" $s/photos/bootmenu-s101.jpg \
    >/dev/null || exit 1
"$BIN/screen-calib" -s 640x480 -o "$d/uefi.png" \
    $s/photos/ovmf_device_manager-s130.jpg >/dev/null || exit 1
sed -e "s|\"image\":\"needles/bootmenu-ocr.ref.png\"|\"image\":\"$d/boot.png\"|" \
    -e "s|\"image\":\"rendered/ovmf_device_manager.png\"|\"image\":\"$d/uefi.png\"|" \
    -e 's|"text":|"truth":|' \
    -e 's|"box":\[\([0-9]*\),\([0-9]*\),\([0-9]*\),\([0-9]*\)\]|"boxes":[{"x":\1,"y":\2,"w":\3,"h":\4}]|' \
    $s/ocr-truth.ndjson | "$BIN/ocr-region" -B |
    awk -f testdata/gui-locate/get.awk -f $o/cer.awk -v min_exact=15 \
    -v max_cer=0.03
