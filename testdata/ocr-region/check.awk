# check.awk: each output record must match the next of the wanted
# "region|text|box" triples (want, separated by ";"; the box as written,
# or empty for any); the record's word boxes must lie inside its box.
BEGIN { n = split(want, w, ";") }
{
	print
	split(w[NR], f, "|")
	box = substr($0, index($0, "\"box\":[") + 7)	# the first: the region's
	sub(/\].*/, "", box)
	if (get($0, "region") != f[1] || get($0, "text") != f[2] ||
	    (f[3] != "" && "[" box "]" != f[3])) {
		printf "record %d: want region %s text \"%s\" box %s\n", NR,
		    f[1], f[2], f[3]
		bad = 1
	}
	split(box, b, ",")
	rest = $0
	while (match(rest, /"box":\[[0-9]+,[0-9]+,[0-9]+,[0-9]+\]\}/)) {
		split(substr(rest, RSTART + 7, RLENGTH - 9), q, ",")
		if (q[1] < b[1] || q[2] < b[2] || q[1] + q[3] > b[1] + b[3] ||
		    q[2] + q[4] > b[2] + b[4]) {
			printf "record %d: word box %s outside %s\n", NR,
			    substr(rest, RSTART, RLENGTH), box
			bad = 1
		}
		rest = substr(rest, RSTART + RLENGTH)
	}
}
END {
	if (NR != n) {
		printf "%d records, want %d\n", NR, n
		bad = 1
	}
	exit bad
}
