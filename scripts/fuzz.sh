#!/bin/sh
# fuzz.sh [-t seconds] [name ...]: build each libFuzzer harness
# lib/fuzz/fuzz-<name>.c (all of them by default) with clang and
# -fsanitize=fuzzer,address,undefined, then run it for the given time
# (default 30 s each).  Seeds come from testdata/<name>/ and
# testdata/bad/<name>/ where they exist; what the fuzzer finds goes to
# build/fuzz/corpus/<name>/ (kept between runs, never into testdata/), and a
# crashing input to build/fuzz/crash-<name>-*.  Exits 1 if any harness
# crashed.  Not part of `make check`: it needs clang and minutes.
set -eu
secs=30
if [ "${1:-}" = -t ]; then
	secs=$2
	shift 2
fi
cc=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out/obj" "$out/corpus"
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Ilib
    -DVERSION=\"fuzz\" -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer"
libs="-lcjson -lstb -llapacke -lopenblas -lsvm -lm -lpthread"

# The library, instrumented for coverage.  A file that does not compile
# (work in progress elsewhere) is left out; the link says if it mattered.
newest_h=$(ls -t lib/*.h lib/nn/*.h 2>/dev/null | head -1)
objs=
for src in lib/*.c lib/nn/*.c; do
	case $src in *_test.c|*_bench.c) continue ;; esac
	[ -f "$src" ] || continue
	o=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_h" -nt "$o" ]
	then
		# shellcheck disable=SC2086
		if ! $cc $flags -fsanitize=fuzzer-no-link -c -o "$o" "$src" \
		    2>"$o.log"; then
			echo "fuzz.sh: $src does not compile, left out" >&2
			rm -f "$o"
			continue
		fi
	fi
	objs="$objs $o"
done
rm -f "$out/libfuzzcore.a"
# shellcheck disable=SC2086
ar rcs "$out/libfuzzcore.a" $objs

[ $# -gt 0 ] || set -- $(ls lib/fuzz/fuzz-*.c | sed 's|.*/fuzz-||; s|\.c$||')
failed=0
for name in "$@"; do
	bin=$out/fuzz-$name
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer -o "$bin" "lib/fuzz/fuzz-$name.c" \
	    "$out/libfuzzcore.a" $libs
	mkdir -p "$out/corpus/$name"
	seeds=
	for d in "testdata/$name" "testdata/bad/$name"; do
		[ -d "$d" ] && seeds="$seeds $d"
	done
	echo "== fuzz-$name: $secs s, seeds:${seeds:- none}"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$out/crash-$name-" "$out/corpus/$name" $seeds \
	    >"$out/fuzz-$name.log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' \
		    "$out/fuzz-$name.log" | sed 's/^/   /'
		n=$(ls "$out/corpus/$name" | wc -l)
		echo "   corpus: $n inputs; no crash"
	else
		failed=1
		echo "   CRASH: see $out/fuzz-$name.log and $out/crash-$name-*"
		grep -E 'ERROR|SUMMARY|deadly|crash-' "$out/fuzz-$name.log" |
		    head -5 | sed 's/^/   /'
	fi
done
exit $failed
