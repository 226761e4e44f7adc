# cer.awk: compare ocr-region's "text" with the record's "truth": count
# lines read exactly and the character error rate (Levenshtein distance
# over truth length, bytes; the truth is ASCII).  Prints each miss and a
# summary; exits 1 unless at least min_exact lines are exact and the CER
# is at most max_cer.
function lev(a, b,    i, j, la, lb, c, d, p) {
	la = length(a); lb = length(b)
	for (j = 0; j <= lb; j++)
		d[j] = j
	for (i = 1; i <= la; i++) {
		for (j = 0; j <= lb; j++)
			p[j] = d[j]
		d[0] = i
		for (j = 1; j <= lb; j++) {
			c = p[j - 1] + (substr(a, i, 1) != substr(b, j, 1))
			if (p[j] + 1 < c) c = p[j] + 1
			if (d[j - 1] + 1 < c) c = d[j - 1] + 1
			d[j] = c
		}
	}
	return d[lb]
}
{
	t = get($0, "truth"); g = get($0, "text")
	e = lev(t, g); err += e; chars += length(t); n++
	if (e == 0)
		exact++
	else
		printf "miss: \"%s\" read as \"%s\" (%d edits)\n", t, g, e
}
END {
	cer = chars > 0 ? err / chars : 1
	printf "%d of %d lines exact, CER %.4f (%d of %d characters)\n",
	    exact, n, cer, err, chars
	exit !(exact >= min_exact && cer <= max_cer)
}
