#!/usr/bin/env bash
# soak.sh - what `make soak` runs: boot the conformance guest SOAK_N times on each vendor
# (VT-x in Bochs, AMD-V in QEMU TCG) while SOAK_LOAD CPU-bound processes load the host,
# JOBS boots at a time as in `make test`. A suite that passes only on an idle machine
# does not pass: this is how a timing dependence shows up before CI finds it.
#
#   tools/soak.sh [SOAK_N [SOAK_LOAD]]     (defaults 10 and 2)
#
# Prints one PASS/FAIL line per boot and ends with "N passed, N failed"; exit status 0
# only if every boot passed. Transcripts: build/soak/conform@EMU.RUN.log.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
load=${2:-2}
JOBS=${JOBS:-2}
SPEC=tests/boot/conform.test
LOGDIR=build/soak
case "$runs$load" in *[!0-9]*)
    echo "soak: SOAK_N and SOAK_LOAD must be numbers, got: $runs $load" >&2
    exit 2 ;;
esac

# The load: busy loops in subshells, stopped however this script ends.
hogs=()
stop_load() { [ ${#hogs[@]} = 0 ] || kill "${hogs[@]}" 2>/dev/null; wait "${hogs[@]}" 2>/dev/null; }
trap stop_load EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 "$load"); do
    ( while :; do :; done ) &
    hogs+=($!)
done

# One boot: the spec on one emulator, its transcript kept under its run number.
boot_once() { # boot_once EMU RUN
    local dir="$LOGDIR/$1.$2"
    mkdir -p "$dir"
    local line
    line=$(tools/boottest.sh "$SPEC@$1" "$dir" 2>&1)
    mv "$dir/conform@$1.log" "$LOGDIR/conform@$1.$2.log" 2>/dev/null
    rmdir "$dir" 2>/dev/null
    echo "$line" | sed "1s/^\(PASS\|FAIL\) conform@$1/\1 conform@$1 run $2/"
}
export -f boot_once
export SPEC LOGDIR

rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
echo "== soak: $runs conform boots per vendor, $JOBS at a time, $load CPU-bound processes =="
start=$SECONDS
results=$(for i in $(seq 1 "$runs"); do echo "bochs $i"; echo "qemu-svm $i"; done |
    xargs -P "$JOBS" -L 1 bash -c 'boot_once "$0" "$1"')
echo "$results"
passed=$(echo "$results" | grep -c '^PASS')
failed=$(echo "$results" | grep -c '^FAIL')
echo "soak took $((SECONDS - start)) s; transcripts in $LOGDIR"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" = $((2 * runs)) ]
