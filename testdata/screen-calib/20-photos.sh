#!/bin/sh
# The 34 camera photos of ../shared/datasets/screens/photos (perspective,
# moire, glare, blur, noise, JPEG): every screen must be found, with the
# corner error (distance to the ground truth's screen_corners_TL_TR_BR_BL)
# at most 1.0 px in the median and 2.5 px at the 95th percentile.
p=../shared/datasets/screens/photos
[ -d "$p" ] || { echo "SKIP: no $p"; exit 77; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
# the truth: "photo x y x y x y x y" from each pretty-printed JSON
for j in "$p"/*.json; do
	awk -v img="${j%.json}.jpg" '
	/"screen_corners_TL_TR_BR_BL"/ { on = 1; next }
	on && match($0, /-?[0-9][0-9.e+-]*/) {
		v[n++] = substr($0, RSTART, RLENGTH)
		if (n == 8) { on = 0 }
	}
	END {
		printf "%s", img
		for (i = 0; i < 8; i++) printf " %s", v[i]
		printf "\n"
	}' "$j"
done >"$t/truth"
"$BIN/screen-calib" -k "$p"/*.jpg >"$t/out" 2>"$t/err"
rc=$?
cat "$t/err"
sed 's/.*"photo":"\([^"]*\)".*"corners":\[\[\([^]]*\)\],\[\([^]]*\)\],\[\([^]]*\)\],\[\([^]]*\)\]\].*/\1 \2 \3 \4 \5/' \
    "$t/out" | tr ',' ' ' >"$t/found"
awk -v rc=$rc '
NR == FNR { for (i = 2; i <= 9; i++) gt[$1, i] = $i; want[$1] = 1; next }
{
	got[$1] = 1
	for (k = 0; k < 4; k++) {
		dx = $(2 + 2 * k) - gt[$1, 2 + 2 * k]
		dy = $(3 + 2 * k) - gt[$1, 3 + 2 * k]
		e[n++] = sqrt(dx * dx + dy * dy)
	}
}
END {
	for (f in want) if (!(f in got)) { print "not found: " f; miss++ }
	for (i = 1; i < n; i++)		# insertion sort
		for (j = i; j > 0 && e[j] < e[j - 1]; j--) {
			x = e[j]; e[j] = e[j - 1]; e[j - 1] = x
		}
	med = n % 2 ? e[(n - 1) / 2] : (e[n / 2 - 1] + e[n / 2]) / 2
	k = int(0.95 * n); if (k < 0.95 * n) k++
	p95 = e[k - 1]
	printf "photos %d, found %d; corner error median %.3f px, p95 %.3f " \
	    "px, max %.3f px\n", length(want), length(got), med, p95, e[n - 1]
	exit !(rc == 0 && miss == 0 && n == 4 * length(want) && med <= 1.0 &&
	    p95 <= 2.5)
}' "$t/truth" "$t/found"
