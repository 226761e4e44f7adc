#!/bin/sh
# golden.sh [DIR...]: run the golden end-to-end cases under testdata/<tool>/
# and print TAP.  A case NN-name is
#   NN-name.args  arguments, one line, split by the shell (optional)
#   NN-name.in    standard input (optional; empty otherwise)
#   NN-name.out   expected standard output, exact (optional: any)
#   NN-name.err   expected standard error, exact (optional: must be empty)
#   NN-name.rc    expected exit code (optional: 0)
# or NN-name.sh, a script run from the repository root with $BIN set; it
# passes on exit 0 and is skipped on exit 77 (it prints "SKIP: reason").
# The tool is the directory's name.  Binaries come from $BIN (default bin).
# Runs from the repository root with LC_ALL=C, so paths in records are
# relative to it.
set -u
BIN=${BIN:-bin}
export BIN LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

result() {	# ok|not-ok name [diagnostic file]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | head -40
	fi
}

run_case() {	# tool dir stem
	tool=$1 d=$2 stem=$3 name="$tool/$3"
	args=
	[ -f "$d/$stem.args" ] && args=$(cat "$d/$stem.args")
	input=/dev/null
	[ -f "$d/$stem.in" ] && input=$d/$stem.in
	# shellcheck disable=SC2086
	eval "\"$BIN/$tool\" $args" <"$input" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want=0
	[ -f "$d/$stem.rc" ] && want=$(cat "$d/$stem.rc")
	: >"$tmp/diag"
	[ "$rc" = "$want" ] || echo "exit $rc, want $want" >>"$tmp/diag"
	if [ -f "$d/$stem.out" ]; then
		diff -u "$d/$stem.out" "$tmp/out" >>"$tmp/diag" 2>&1
	fi
	if [ -f "$d/$stem.err" ]; then
		diff -u "$d/$stem.err" "$tmp/err" >>"$tmp/diag" 2>&1
	elif [ -s "$tmp/err" ]; then
		{ echo "unexpected stderr:"; cat "$tmp/err"; } >>"$tmp/diag"
	fi
	if [ -s "$tmp/diag" ]; then
		result not-ok "$name" "$tmp/diag"
	else
		result ok "$name"
	fi
}

run_script() {	# tool script
	name="$1/$(basename "$2" .sh)"
	sh "$2" >"$tmp/diag" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		result ok "$name"
	elif [ $rc = 77 ]; then
		n=$((n + 1))
		echo "ok $n - $name # SKIP $(sed -n 's/^SKIP: //p' "$tmp/diag" | head -1)"
	else
		result not-ok "$name (exit $rc)" "$tmp/diag"
	fi
}

[ $# -gt 0 ] || set -- testdata/*/
for d in "$@"; do
	d=${d%/}
	tool=$(basename "$d")
	[ -x "$BIN/$tool" ] || continue
	for f in "$d"/*.sh; do
		[ -f "$f" ] && run_script "$tool" "$f"
	done
	for stem in $(cd "$d" && ls -- *.args *.in *.out *.err *.rc \
	    2>/dev/null | sed 's/\.[a-z]*$//' | sort -u); do
		run_case "$tool" "$d" "$stem"
	done
done
echo "1..$n"
