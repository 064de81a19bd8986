#!/usr/bin/env bash
# test.sh - what `make test` runs after building: host unit tests, harness tests, the
# boot tests in the emulators (each spec once per emulator it lists, in parallel, JOBS at
# a time), then the labs' proofs (tools/lab-proof.sh). Ends with one line "N passed,
# N failed" and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
LOGDIR=build/logs
mkdir -p "$LOGDIR"
passed=0 failed=0
failures=()

count() { # count NAME OK
    if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

echo "== unit tests (cmocka, built with ASan + UBSan) =="
for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    echo "$out" | grep -E '^\[(==========|  PASSED  |  FAILED  )\]|^\[  ERROR   \]|runtime error|AddressSanitizer' | sed "s|^|$(basename "$t"): |"
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    p=${p:-0} f=${f:-0}
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi # crashed or sanitizer abort
    passed=$((passed + p)) failed=$((failed + f))
    [ "$f" = 0 ] || failures+=("$(basename "$t")")
done

echo "== harness and layering tests =="
for t in tests/harness/test_*.sh; do
    out=$(bash "$t" 2>&1)
    rc=$?
    if [ $rc = 0 ]; then echo "PASS $(basename "$t" .sh)"; else echo "FAIL $(basename "$t" .sh)"; echo "$out" | sed 's/^/    /'; fi
    count "$(basename "$t" .sh)" $rc
done

echo "== boot tests ($JOBS at a time; transcripts in $LOGDIR) =="
# One run per (spec, emulator) pair: a spec with "emu: bochs qemu-svm" is two tests.
results=$(tools/boottest.sh --list tests/boot/*.test | xargs -P "$JOBS" -I{} tools/boottest.sh {} "$LOGDIR")
echo "$results"
p=$(echo "$results" | grep -c '^PASS')
f=$(echo "$results" | grep -c '^FAIL')
passed=$((passed + p)) failed=$((failed + f))
for n in $(echo "$results" | sed -n 's/^FAIL \([^ :]*\).*/\1/p'); do failures+=("$n"); done

echo "== lab proofs (make grade on the project, on every lab tree and planted bug) =="
results=$(tools/lab-proof.sh)
echo "$results"
p=$(echo "$results" | grep -c '^PASS')
f=$(echo "$results" | grep -c '^FAIL')
passed=$((passed + p)) failed=$((failed + f))
for n in $(echo "$results" | sed -n 's/^FAIL lab-proof \([^:]*\):.*/\1/p' | tr ' ' '_'); do failures+=("lab-proof:$n"); done

echo
[ ${#failures[@]} = 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
