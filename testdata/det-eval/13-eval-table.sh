#!/bin/sh
# The batch scripts' table (summarise in scripts/eval-lib.sh) from canned
# per-dataset results: rows per class, an "all" row and a mean row only
# for datasets with several classes, a mean over all datasets' classes,
# null as "-".
w=$(mktemp -d) || exit 1
trap 'rm -rf "$w"' EXIT
mkdir "$w/a" "$w/b"
row() {	# dataset class ap0 ap1 ap5 auroc
	printf '{"dataset":"%s","class":"%s","images":9,"defective":4,' "$1" "$2"
	printf '"ap0":%s,"ap1":%s,"ap5":%s,"image_auroc":%s,' "$3" "$4" "$5" "$6"
	printf '"pixel_auroc":0.9,"aupro":0.5,"pixel_ap":0.4,"accuracy1":0.8,'
	printf '"far1":0.1,"frr1":null,"accuracy5":0.9,"far5":0.05,"frr5":0.1,'
	printf '"threshold1":0.1,"threshold5":0.2}\n'
}
{ row a crack 0.5 0.6 0.7 0.8; row a spot 0.1 0.2 0.3 null
  row a all 0.3 0.4 0.5 0.6; } >"$w/a/result.ndjson"
{ row b b 1 1 1 1; row b all 1 1 1 1; } >"$w/b/result.ndjson"
. scripts/eval-lib.sh
WORK=$w
summarise
cat >"$w/want" <<'END'
| dataset | class | AP 0 | AP 1 | AP 5 | image AUROC | pixel AUROC | AU-PRO | acc 1 | FAR 1 | FRR 1 | acc 5 | FAR 5 | FRR 5 |
|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
| a | crack | 0.500 | 0.600 | 0.700 | 0.800 | 0.900 | 0.500 | 0.800 | 0.100 | - | 0.900 | 0.050 | 0.100 |
| a | spot | 0.100 | 0.200 | 0.300 | - | 0.900 | 0.500 | 0.800 | 0.100 | - | 0.900 | 0.050 | 0.100 |
| a | all | 0.300 | 0.400 | 0.500 | 0.600 | 0.900 | 0.500 | 0.800 | 0.100 | - | 0.900 | 0.050 | 0.100 |
| a | mean | **0.300** | **0.400** | **0.500** | **0.800** | **0.900** | **0.500** | **0.800** | **0.100** | - | **0.900** | **0.050** | **0.100** |
| b | b | 1.000 | 1.000 | 1.000 | 1.000 | 0.900 | 0.500 | 0.800 | 0.100 | - | 0.900 | 0.050 | 0.100 |
| all datasets | mean | **0.533** | **0.600** | **0.667** | **0.900** | **0.900** | **0.500** | **0.800** | **0.100** | - | **0.900** | **0.050** | **0.100** |
END
diff "$w/want" "$w/table.md" && [ "$(wc -l <"$w/summary.ndjson")" = 5 ]
