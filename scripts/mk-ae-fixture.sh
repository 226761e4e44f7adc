#!/bin/sh
# mk-ae-fixture.sh: regenerate testdata/ae-score/tiny.ae, the small
# auto-encoder the ae-score golden cases score with (32x32 patches,
# width 4, latent 16), trained briefly on the demo images.  Run from the
# repository root after `make`.
set -eu
BIN=${BIN:-bin}
"$BIN/ae-train" -p 32 -w 4 -z 16 -e 3 -n 2 -j 1 -s 7 \
    -o testdata/ae-score/tiny.ae testdata/demo/train/good/*.png >/dev/null
