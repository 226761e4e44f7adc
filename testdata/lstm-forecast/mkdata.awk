# mkdata.awk: a synthetic export for the lstm-forecast tests.  Variables:
# ns series of nt months from 2015-01, the last nf without a target (the
# future), a customer forecast 1.5 times too high plus 20, a seeded
# generator of our own (awk's rand differs between implementations).
#   awk -v ns=3 -v nt=60 -v nf=2 -f mkdata.awk
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648;
	return seed / 2147483648 }
BEGIN {
	seed = 7
	print "sku,month,qty,fc"
	for (s = 1; s <= ns; s++)
		for (t = 0; t < nt; t++) {
			y = 100 * s + 10 * sin(t * 3.14159265 / 6)
			y += 4 * (rnd() - 0.5)
			v = t < nt - nf ? sprintf("%.2f", y) : ""
			printf "s%d,%d-%02d,%s,%.2f\n", s, 2015 + int(t / 12), \
			    t % 12 + 1, v, 1.5 * y + 20
		}
}
