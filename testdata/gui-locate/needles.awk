# needles.awk: compare gui-locate records (each prefixed with its needle
# file name) with needle-truth.ndjson; see 20-needles.sh.
FNR == NR {
	k = get($0, "needle") " " get($0, "area")
	tx[k] = get($0, "x"); ty[k] = get($0, "y")
	ylo[k] = get($0, "ymin") != "" ? get($0, "ymin") : ty[k] - 2
	yhi[k] = get($0, "ymax") != "" ? get($0, "ymax") : ty[k] + 2
	absent[k] = get($0, "absent") == "true"
	order[++nk] = k
	next
}
{
	k = $1 " " get($0, "area")
	gx[k] = get($0, "x"); gy[k] = get($0, "y"); gs[k] = get($0, "score")
}
END {
	for (i = 1; i <= nk; i++) {
		k = order[i]
		ok = (k in gx) && gx[k] >= tx[k] - 2 && gx[k] <= tx[k] + 2 &&
		    gy[k] >= ylo[k] && gy[k] <= yhi[k]
		if (absent[k]) {
			printf "absent %s: found %s,%s score %s (true %s,%s)\n",
			    k, gx[k], gy[k], gs[k], tx[k], ty[k]
			na++
		} else if (ok) {
			good++
		} else {
			printf "WRONG %s: found %s,%s score %s, true %s,%s\n",
			    k, gx[k], gy[k], gs[k], tx[k], ty[k]
			bad++
		}
	}
	printf "%d areas: %d at their true place, %d wrong, %d absent\n",
	    nk, good, bad, na
	exit bad > 0
}