# imgsearch.awk: both logos at their expected boxes; see 21-imgsearch.sh.
function near(a, b) { return a - b <= 2 && b - a <= 2 }
{
	print
	n = get($0, "name"); x = get($0, "x"); y = get($0, "y")
	w = get($0, "w"); h = get($0, "h")
	if (n == "gnome-logo-distorted" && near(x, 761) && near(y, 339) &&
	    near(w, 53) && near(h, 63))
		g = 1
	if (n == "kde-logo" && near(x, 755) && near(y, 421) &&
	    near(w, 63) && near(h, 64))
		k = 1
}
END { exit !(g && k) }
