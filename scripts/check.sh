#!/bin/sh
# check.sh: everything that tests linekit, run by `make check` after both
# the plain and the ASan+UBSan builds exist.  Each suite prints TAP into
# build/check/<suite>.tap; failures are shown, and the last line is the
# total: "N passed, N failed, N skipped".
set -u
export LC_ALL=C
out=build/check
rm -rf "$out"
mkdir -p "$out"

suite() {	# name command...
	name=$1; shift
	t0=$(date +%s)
	"$@" >"$out/$name.tap" 2>"$out/$name.stderr"
	rc=$?
	secs=$(($(date +%s) - t0))
	p=$(grep -c '^ok ' "$out/$name.tap" | tr -d ' ')
	s=$(grep -c '^ok .*# SKIP' "$out/$name.tap" | tr -d ' ')
	f=$(grep -c '^not ok ' "$out/$name.tap" | tr -d ' ')
	plan=$(grep -c '^1\.\.' "$out/$name.tap" | tr -d ' ')
	# a crash, a missing plan or a non-zero exit with no failed check
	# still counts as one failure, so a dying suite cannot look green
	if [ "$plan" = 0 ] || { [ $rc != 0 ] && [ "$f" = 0 ]; }; then
		echo "not ok - $name exited $rc without finishing" \
		    >>"$out/$name.tap"
		f=$((f + 1))
	fi
	printf '%-30s %4d passed, %d failed, %d skipped  %3ds\n' "$name" \
	    $((p - s)) "$f" "$s" "$secs"
	if [ "$f" != 0 ]; then
		grep -A30 '^not ok' "$out/$name.tap" | head -60 | sed 's/^/    /'
		tail -20 "$out/$name.stderr" | sed 's/^/    stderr: /'
	fi
}

# The plain and the sanitizer variants run side by side (two cores); each
# prints its suite lines into its own file, shown when both are done.
variant() {
	bindir=bin
	[ "$1" = san ] && bindir=build/san/bin
	for t in build/"$1"/test/*_test build/"$1"/test/nn/*_test; do
		[ -x "$t" ] || continue
		suite "$1.unit.$(basename "$t")" "$t"
	done
	suite "$1.golden" env BIN=$bindir sh scripts/golden.sh
	suite "$1.contract" env BIN=$bindir sh scripts/contract.sh
}
variant plain >"$out/plain.summary" 2>&1 &
variant san >"$out/san.summary" 2>&1 &
wait
cat "$out/plain.summary" "$out/san.summary"
suite man-lint sh scripts/lint-man.sh
suite install sh scripts/install-test.sh

cat "$out"/*.tap | awk '
	/^ok .*# SKIP/ { s++; next }
	/^ok / { p++ }
	/^not ok/ { f++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s
	      exit f > 0 }'
