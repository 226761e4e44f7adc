# compare.awk: awk -v tol=T -f compare.awk want got
# Records must agree line by line: exactly, except that the numbers of
# "p_fail" and "decision" may differ by tol (libsvm builds may round
# differently); "accept" must agree exactly.  Exit 1 on any difference.
function num(s, key,    m) {
	if (match(s, "\"" key "\":[-+0-9.eE]+") == 0)
		return "none"
	m = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	return m + 0
}
function strip(s) {
	gsub(/"(p_fail|decision)":[-+0-9.eE]+/, "", s)
	return s
}
function differ(a, b) {
	return a == "none" || b == "none" ? a != b : (a - b > tol || b - a > tol)
}
NR == FNR { want[FNR] = $0; n = FNR; next }
{
	if (strip(want[FNR]) != strip($0) || differ(num(want[FNR], "p_fail"),
	    num($0, "p_fail")) || differ(num(want[FNR], "decision"),
	    num($0, "decision"))) {
		printf "line %d differs:\n  want %s\n  got  %s\n", FNR,
		    want[FNR], $0
		bad = 1
	}
	m = FNR
}
END {
	if (m != n) {
		printf "%d lines, want %d\n", m, n
		bad = 1
	}
	exit bad
}
