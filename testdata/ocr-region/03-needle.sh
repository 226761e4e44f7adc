#!/bin/sh
# An openQA needle's ocr area follows its match area: on a screen where
# the panel moved by 15,10 the value is read where it now is.
o=testdata/ocr-region
"$BIN/gui-locate" -S $o/img/moved.png $o/tpl/panel.json |
    "$BIN/ocr-region" -N $o/tpl/panel.json |
    awk -f testdata/gui-locate/get.awk -f $o/check.awk \
    -v want='panel.1|19.0|[57,52,60,20]'
