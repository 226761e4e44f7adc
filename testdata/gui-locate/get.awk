# get.awk: the value of a top-level member of a flat JSON record, as the
# test scripts need it (numbers, booleans and strings without escapes).
# Usage in awk programs: include with -f, call get(line, "key"); numbers
# come back as numbers, so comparisons are numeric.
function get(s, k,    i, r) {
	i = index(s, "\"" k "\":")
	if (i == 0)
		return ""
	r = substr(s, i + length(k) + 3)
	if (substr(r, 1, 1) == "\"") {
		r = substr(r, 2)
		return substr(r, 1, index(r, "\"") - 1)
	}
	match(r, /^[^,}]*/)
	r = substr(r, 1, RLENGTH)
	return r ~ /^-?[0-9]/ ? r + 0 : r	# numbers compare as numbers

}
