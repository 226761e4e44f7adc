#!/bin/sh
# Real data: the ground-truth defect masks of magnetic-tile (8-connected)
# and dagm-class1 (4-connected) through mask-boxes, every box and feature
# checked against scipy.ndimage by scripts/ref-mask-boxes.py.
set -u
S=../shared/datasets
[ -d "$S/magnetic-tile/ground_truth" ] && [ -d "$S/dagm-class1/Test/Label" ] ||
    { echo "SKIP: no $S (real datasets)"; exit 77; }
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import numpy, scipy.ndimage, PIL' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || { echo "SKIP: no python3 with numpy, scipy and PIL"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# every 4th magnetic-tile mask, every 2nd DAGM label, in name order
find "$S/magnetic-tile/ground_truth" -name '*_mask.png' | sort |
    awk 'NR % 4 == 1 { printf "{\"mask\":\"%s\"}\n", $0 }' >"$t/mt.ndjson"
find "$S/dagm-class1/Test/Label" -name '*_label.PNG' | sort |
    awk 'NR % 2 == 1 { printf "{\"mask\":\"%s\"}\n", $0 }' >"$t/dagm.ndjson"
"$BIN/mask-boxes" -8 -t 0.5 -a 1 -b 0 <"$t/mt.ndjson" >"$t/mt.out" &&
    "$PY" scripts/ref-mask-boxes.py -8 -a 1 -b 0 <"$t/mt.out" || exit 1
"$BIN/mask-boxes" -4 -t 0.5 -a 5 -b 3 <"$t/dagm.ndjson" >"$t/dagm.out" &&
    "$PY" scripts/ref-mask-boxes.py -4 -a 5 -b 3 <"$t/dagm.out" || exit 1
