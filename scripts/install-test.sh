#!/bin/sh
# install-test.sh: `make install` with PREFIX and DESTDIR puts every tool
# and every man page where they belong, as TAP.
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
make -s install PREFIX=/opt/lk DESTDIR="$d" >"$d.log" 2>&1
check $? "make install PREFIX=/opt/lk DESTDIR=..."
rm -f "$d.log"
for b in bin/*; do
	[ -x "$b" ] || continue
	[ -x "$d/opt/lk/bin/$(basename "$b")" ]
	check $? "installed $(basename "$b")"
done
[ -x "$d/opt/lk/bin/nightly-forecast" ]
check $? "installed nightly-forecast"
for m in man/*.[157]; do
	s=${m##*.}
	[ -f "$d/opt/lk/share/man/man$s/$(basename "$m")" ]
	check $? "installed $m"
done
echo "1..$n"
