#!/bin/sh
# The os-autoinst image search case: a distorted GNOME logo and the KDE
# logo in other-desktop-dvd-20140904.png, at the boxes the reference
# implementation found (imgsearch/expected-output.json: 761,339 53x63 and
# 755,421 63x64), within 2 px, with the default multi-scale search.
s=../shared/datasets/screens
[ -d "$s/imgsearch" ] || { echo "SKIP: no $s/imgsearch"; exit 77; }
d=testdata/gui-locate
"$BIN/gui-locate" -e -S $s/needles/other-desktop-dvd-20140904.png \
    $s/imgsearch/gnome-logo-distorted.png $s/imgsearch/kde-logo.png |
awk -f $d/get.awk -f $d/imgsearch.awk
