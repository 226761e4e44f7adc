#!/bin/sh
# lint-man.sh: every man page must pass mandoc's linter silently, as TAP.
n=0
for m in man/*.[157]; do
	[ -f "$m" ] || continue
	n=$((n + 1))
	msg=$(mandoc -Tlint -Wwarning "$m" 2>&1)
	if [ -z "$msg" ]; then
		echo "ok $n - $m"
	else
		echo "not ok $n - $m"
		echo "$msg" | sed 's/^/# /'
	fi
done
echo "1..$n"
