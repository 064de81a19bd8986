#!/usr/bin/env bash
# fuzz.sh SECONDS HARNESS... - what `make fuzz` runs: each libFuzzer harness (built by
# tests/fuzz/fuzz.mk) for SECONDS seconds on a scratch copy of its seed corpus, so the
# repository is never written. One line per harness, then a total:
#   fuzz_mmio_decode: 1234567 execs, 0 crashes (30 s)
#   fuzz: 7 targets, 9876543 execs, 0 crashes
# and, after a crash, the saved input that reproduces it (`build/fuzz/fuzz_X FILE`).
# Only a crash (a sanitizer report, a broken invariant, a hang past -timeout, a leak)
# fails: the number of executions depends on the host and is only reported.
# Exits non-zero if any harness crashed. FUZZ_SEED=N fixes libFuzzer's seed (0: random).
# Scratch space: build/fuzz/run/HARNESS/{corpus,crashes,log}.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: tools/fuzz.sh SECONDS HARNESS..." >&2; exit 2; }
seconds=$1
shift
case $seconds in '' | *[!0-9]* | 0) echo "fuzz.sh: SECONDS must be a positive integer, got: $seconds" >&2; exit 2 ;; esac
seed=${FUZZ_SEED:-0}
crashed=0 total_execs=0 total_crashes=0

# Seeds made by the build rather than kept in the repository.
built_seeds() { # built_seeds NAME DIR
    case $1 in
    fuzz_elf_loader) cp build/guest/embed/*.elf build/guest/bad/*.elf "$2"/ 2>/dev/null || true ;;
    esac
}

for bin in "$@"; do
    name=$(basename "$bin")
    work=build/fuzz/run/$name
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/crashes"
    [ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$work/corpus"/ 2>/dev/null
    built_seeds "$name" "$work/corpus"

    start=$SECONDS
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: the default, made explicit.
    "$bin" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/" "$work/corpus" \
        >"$work/log" 2>&1
    rc=$?
    elapsed=$((SECONDS - start))

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    # A crash ends the run before the final statistics: take the last status line.
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n 1)
    artifacts=("$work"/crashes/*)
    [ -e "${artifacts[0]}" ] || artifacts=()
    n=${#artifacts[@]}
    if [ "$rc" != 0 ] && [ "$n" = 0 ]; then n=1; fi # died without saving an input
    line="$name: ${execs:-0} execs, $n crash$([ "$n" = 1 ] || echo es) (${elapsed} s)"
    if [ "$n" != 0 ]; then
        crashed=1
        line+=": ${artifacts[*]:-no input saved} (log: $work/log; rerun: $bin FILE)"
    fi
    echo "$line"
    # What broke, in one line: the invariant, the sanitizer's report or libFuzzer's.
    [ "$n" = 0 ] || grep -a -m1 -E 'invariant broken|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' \
        "$work/log" | sed 's/^/    /'
    total_execs=$((total_execs + ${execs:-0})) total_crashes=$((total_crashes + n))
done
echo "fuzz: $# targets, $total_execs execs, $total_crashes crash$([ "$total_crashes" = 1 ] || echo es)"
exit $crashed
