#!/bin/sh
# -w restricts the characters of the regions after it: the serial line
# read with digits only is its number; the region before -w is unaffected.
o=testdata/ocr-region
"$BIN/ocr-region" -S $o/img/screen.png -r all=18,100,153,23 \
    -w 0123456789 -r digits=18,100,153,23 |
    awk -f testdata/gui-locate/get.awk -f $o/check.awk \
    -v want='all|Serial AB-1234|;digits|1234|'
