#!/bin/sh
# ae-eval.sh DATASET [ae-train option ...]: train the auto-encoder on the
# normal training images of a real dataset under ../shared/datasets, score
# the test images, and report image and pixel AUROC with det-eval.
# Run from the repository root after `make`; writes into build/ae-eval/.
#
#   magnetic-tile  train: train/good (762); test: test/* (190 good, 392
#                  defective), masks in ground_truth/
#   dagm-class1    DAGM 2007 class 1 (test split only, see its README).
#                  Split rule: the normal images (Labels.txt flag 0) in ID
#                  order; the first 60% (197) train, the other 132 normals
#                  and all 71 defective images test.  No test image is
#                  ever trained on.
#
# Options after DATASET go to ae-train (default: -S 900 -e 1000000, a
# 15-minute budget that no epoch cap cuts short); AE_SCORE_OPTS goes to
# ae-score (default: -s 32).
set -eu
BIN=${BIN:-bin}
DATA=${LK_SHARED:-../shared/datasets}
ds=${1:?usage: ae-eval.sh magnetic-tile|dagm-class1 [ae-train option ...]}
shift
[ $# -gt 0 ] || set -- -S 900 -e 1000000
out=build/ae-eval/$ds
mkdir -p "$out/maps"
rm -f "$out"/maps/*.pfm

case $ds in
magnetic-tile)
	root=$DATA/magnetic-tile
	[ -d "$root" ] || { echo "SKIP: $root not found"; exit 77; }
	ls "$root"/train/good/* >"$out/train.txt"
	ls "$root"/test/*/* >"$out/test.txt"
	gt=mvtec:$root
	;;
dagm-class1)
	root=$DATA/dagm-class1/Test
	[ -d "$root" ] || { echo "SKIP: $root not found"; exit 77; }
	awk -v r="$root" 'NR > 1 && $2 == 0 { print r "/" $3 }' \
	    "$root/Label/Labels.txt" | sort >"$out/normal.txt"
	n=$(wc -l <"$out/normal.txt")
	k=$((n * 60 / 100))
	head -n "$k" "$out/normal.txt" >"$out/train.txt"
	{ tail -n +"$((k + 1))" "$out/normal.txt"
	  awk -v r="$root" 'NR > 1 && $2 == 1 { print r "/" $3 }' \
	    "$root/Label/Labels.txt"; } | sort >"$out/test.txt"
	gt=dagm:$root
	;;
*)
	echo "ae-eval.sh: unknown dataset '$ds'" >&2
	exit 2
	;;
esac

echo "== $ds: $(wc -l <"$out/train.txt") training images," \
    "$(wc -l <"$out/test.txt") test images; ae-train $*"
rm -f "$out/log.ndjson"
"$BIN/ae-train" -L "$out/log.ndjson" -o "$out/model.ae" "$@" \
    "$out/train.txt" | tee "$out/train.ndjson"
start=$(date +%s)
# shellcheck disable=SC2086
"$BIN/ae-score" -m "$out/model.ae" -d "$out/maps" ${AE_SCORE_OPTS:--s 32} \
    "$out/test.txt" >"$out/scores.ndjson"
echo "scored in $(($(date +%s) - start)) s"
"$BIN/det-eval" -g "$gt" "$out/scores.ndjson" >"$out/eval.ndjson"
"$BIN/det-eval" -m -g "$gt" "$out/scores.ndjson"
