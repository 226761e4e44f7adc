#!/bin/sh
# The documented pipeline: gui-locate finds the thermometer icon, and
# ocr-region reads the value right of it (offsets in pixels, size in icon
# units); the word box lies inside the region, in screen coordinates.
o=testdata/ocr-region
"$BIN/gui-locate" -S $o/img/screen.png $o/tpl/temp.png |
    "$BIN/ocr-region" -r 'value=temp:right:4,-2,50,1a' |
    awk -f testdata/gui-locate/get.awk -f $o/check.awk \
    -v want='value|23.5|[42,38,50,24]'
