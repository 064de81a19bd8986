#!/usr/bin/env bash
# `make test`'s share of `make fuzz`: every libFuzzer harness of tests/fuzz/ runs
# FUZZ_SMOKE_S=5 seconds from its seeds and must not crash; and tools/fuzz.sh reports a
# crash as one (non-zero exit, "1 crash", the saved input's path), shown with a harness
# made here that crashes on its first input. Passes or fails on crashes only, never on speed.
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SMOKE_S:-5}
ok=0

out=$(make -s fuzz-build 2>&1) || { echo "building the harnesses failed:"; echo "$out" | tail; exit 1; }
targets=()
for src in tests/fuzz/fuzz_*.src; do targets+=("build/fuzz/$(basename "$src" .src)"); done
[ ${#targets[@]} -ge 6 ] || { echo "only ${#targets[@]} harnesses in tests/fuzz/"; ok=1; }

out=$(tools/fuzz.sh "$seconds" "${targets[@]}" 2>&1) || { echo "a harness crashed:"; echo "$out"; ok=1; }
for t in "${targets[@]}"; do
    echo "$out" | grep -qE "^$(basename "$t"): [1-9][0-9]* execs, 0 crashes" ||
        { echo "no clean line for $(basename "$t"):"; echo "$out"; ok=1; }
done
echo "$out" | grep -qE "^fuzz: ${#targets[@]} targets, [0-9]+ execs, 0 crashes$" ||
    { echo "no summary line:"; echo "$out"; ok=1; }

# The crash path, on a harness that aborts at once (on the empty input libFuzzer tries
# first): no search, so it does not depend on speed either.
tmp=build/fuzz/smoke
rm -rf "$tmp" && mkdir -p "$tmp"
cat > "$tmp/fuzz_crashes.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    (void)d;
    (void)n;
    abort();
}
EOF
clang -fsanitize=fuzzer,address -o "$tmp/fuzz_crashes" "$tmp/fuzz_crashes.c" ||
    { echo "clang cannot build a libFuzzer harness"; exit 1; }
out=$(tools/fuzz.sh 30 "$tmp/fuzz_crashes" 2>&1)
rc=$?
file=$(echo "$out" | sed -n 's/^fuzz_crashes: [0-9]* execs, 1 crash ([0-9]* s): \([^ ]*\) .*/\1/p')
if [ $rc = 0 ] || [ -z "$file" ] || [ ! -f "$file" ]; then
    echo "a crash was not reported as one (exit $rc):"
    echo "$out"
    ok=1
fi
exit $ok
