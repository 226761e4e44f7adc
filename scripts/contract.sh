#!/bin/sh
# contract.sh: the command contract every tool in $BIN keeps (CONVENTIONS
# sections 3 and 13), as TAP:
#   -h: usage and options on stdout, exit 0, stderr empty
#   a bad option: only the usage on stderr, exit 2
#   -V: "<tool> <version>" on stdout, exit 0
#   help, version and a real golden case written to /dev/full: exit 5 and
#   "<tool>: writing output failed: ..."
#   the usage synopsis equals the man page's SYNOPSIS
set -u
BIN=${BIN:-bin}
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

check() {	# condition-status name
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# The synopsis as one line per form, whitespace collapsed.
normalise() {
	awk -v t="$1" '{ sub(/^usage:/, ""); if ($1 == t) printf "\n";
	    for (i = 1; i <= NF; i++) printf "%s ", $i } END { printf "\n" }' |
	    sed 's/ *$//' | grep -v '^$'
}

# usage lines: "usage: tool ..." and "       tool ..." forms, plus wraps
usage_block() {
	awk -v t="$1" 'NR == 1 || $1 == t || /^       / { print; next } { exit }'
}

for b in "$BIN"/*; do
	[ -x "$b" ] || continue
	t=$(basename "$b")

	"$b" -h >"$tmp/out" 2>"$tmp/err"
	rc=$?
	head -1 "$tmp/out" | grep -q "^usage: $t " && [ $rc = 0 ] &&
	    [ ! -s "$tmp/err" ]
	check $? "$t -h: usage on stdout, exit 0, stderr empty"
	usage_block "$t" <"$tmp/out" >"$tmp/usage"

	"$b" --no-such-option >"$tmp/out2" 2>"$tmp/err2"
	rc=$?
	[ $rc = 2 ] && [ ! -s "$tmp/out2" ] && grep -v "unrecognized option" \
	    "$tmp/err2" | cmp -s - "$tmp/usage"
	check $? "$t bad option: usage on stderr, exit 2"

	"$b" -V >"$tmp/out3" 2>&1
	rc=$?
	[ $rc = 0 ] && grep -qx "$t [0-9][0-9.]*" "$tmp/out3"
	check $? "$t -V prints the version"

	for opt in -h -V; do
		"$b" $opt >/dev/full 2>"$tmp/err4"
		rc=$?
		[ $rc = 5 ] && grep -q "^$t: writing output failed: " "$tmp/err4"
		check $? "$t $opt >/dev/full: exit 5"
	done

	# the first golden case that writes records, sent to a full disk
	for rcf in testdata/"$t"/*.out; do
		[ -s "$rcf" ] || continue
		stem=${rcf%.out}
		[ -f "$stem.rc" ] && [ "$(cat "$stem.rc")" != 0 ] && continue
		args=; [ -f "$stem.args" ] && args=$(cat "$stem.args")
		input=/dev/null; [ -f "$stem.in" ] && input=$stem.in
		eval "\"$b\" $args" <"$input" >/dev/full 2>"$tmp/err5"
		rc=$?
		[ $rc = 5 ] && grep -q "^$t: writing output failed: " "$tmp/err5"
		check $? "$t $(basename "$stem") >/dev/full: exit 5"
		break
	done

	if [ -f "man/$t.1" ]; then
		mandoc -Tascii "man/$t.1" | sed 's/.\x08//g' |
		    sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' |
		    normalise "$t" >"$tmp/man"
		normalise "$t" <"$tmp/usage" >"$tmp/use"
		if ! cmp -s "$tmp/man" "$tmp/use"; then
			diff "$tmp/use" "$tmp/man" | sed 's/^/# /'
			false
		fi
		check $? "$t usage equals the man SYNOPSIS"
	else
		check 1 "$t has a man page man/$t.1"
	fi
done
echo "1..$n"
