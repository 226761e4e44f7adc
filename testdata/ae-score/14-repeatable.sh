#!/bin/sh
# The same model and images give byte-identical records twice, and the
# map of an image smaller than the patch (24x16, edge-padded) has the
# image's size.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
set -- testdata/demo/test/good/001.png testdata/demo/test/defect/002.png
"$BIN/ae-score" -m testdata/ae-score/tiny.ae "$@" >"$d/a"
"$BIN/ae-score" -m testdata/ae-score/tiny.ae "$@" >"$d/b"
cmp "$d/a" "$d/b"
"$BIN/ae-score" -m testdata/ae-score/tiny.ae -d "$d" testdata/img/grey.jpg \
    >"$d/c"
grep -q '"score":{"max":' "$d/c"
[ "$(sed -n 2p "$d/testdata_img_grey.pfm")" = "24 16" ]
