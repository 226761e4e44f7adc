# cmp.awk: compare two files of flat NDJSON objects line by line (used by
# the .sh cases here).  Every key of the expected file (the first) must be
# on the same line of the actual file (the second); numbers must agree
# within tol (awk -v tol=...), other values exactly.  Prints what differs;
# exits 1 on any difference.
function parse(line, arr,    n, i, p, parts) {
	gsub(/^\{|\}$/, "", line)
	n = split(line, parts, ",")
	for (i = 1; i <= n; i++) {
		p = index(parts[i], ":")
		arr[substr(parts[i], 1, p - 1)] = substr(parts[i], p + 1)
	}
}
NR == FNR { want[FNR] = $0; nw = FNR; next }
{ got[FNR] = $0; ng = FNR }
END {
	bad = 0
	if (nw != ng) {
		print "got " ng " lines, want " nw
		bad = 1
	}
	for (l = 1; l <= nw; l++) {
		split("", E)
		split("", A)
		parse(want[l], E)
		parse(got[l], A)
		for (k in E) {
			if (!(k in A)) {
				print "line " l ": no " k
				bad = 1
			} else if (E[k] ~ /^-?[0-9]/ && A[k] ~ /^-?[0-9]/) {
				d = E[k] - A[k]
				if (d < 0)
					d = -d
				if (d > tol) {
					print "line " l ": " k " " A[k] ", want " E[k]
					bad = 1
				}
			} else if (E[k] != A[k]) {
				print "line " l ": " k " " A[k] ", want " E[k]
				bad = 1
			}
		}
	}
	exit bad
}
