#!/bin/sh
# Absolute regions on one screen: light text on a dark bar (inverted for
# the engine), a boxed line (the box's frame stripped), and a two-line note
# read as a block (-p 6 for the regions after it).
o=testdata/ocr-region
"$BIN/ocr-region" -S $o/img/screen.png -r bar=0,176,320,24 \
    -r serial=18,100,153,23 -p 6 -r note=185,55,120,45 |
    awk -f testdata/gui-locate/get.awk -f $o/check.awk \
    -v want='bar|READY 42 ITEMS|[0,176,320,24];serial|Serial AB-1234|;note|Keep the lid\\nclosed|'
