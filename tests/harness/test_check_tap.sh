#!/usr/bin/env bash
# tools/check-tap.sh on crafted transcripts: a complete report passes (with or without
# hvlab's "[guest] " prefix, SKIPs counted and listed); a "not ok", a missing, repeated
# or out-of-order result, a missing plan or a plan that disagrees with the spec fail,
# each saying why.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ok=0

# tap NAME LINE...: a transcript of hvlab lines around the guest's TAP lines (CR LF, as
# on the serial port; each TAP line with the [guest] prefix hvlab adds).
tap() {
    local name=$1 l
    shift
    {
        printf 'hvlab: launching guest "conform"\r\n'
        for l in "$@"; do printf '[guest] %s\r\n' "$l"; done
        printf 'hvlab: shutdown: status 0 (ok)\r\n'
    } > "$dir/$name"
}
must_pass() { # TRANSCRIPT N FIRST-LINE
    if ! tools/check-tap.sh "$dir/$1" "$2" > "$dir/out"; then echo "should pass: $1"; cat "$dir/out"; ok=1; return; fi
    [ "$(head -n 1 "$dir/out")" = "$3" ] || { echo "$1: summary is not '$3':"; cat "$dir/out"; ok=1; }
}
must_fail() { # TRANSCRIPT N WORDS...: each of WORDS must be in the report
    local t=$1 n=$2 w
    shift 2
    if tools/check-tap.sh "$dir/$t" "$n" > "$dir/out"; then echo "should fail: $t"; cat "$dir/out"; ok=1; return; fi
    for w in "$@"; do grep -q -F -- "$w" "$dir/out" || { echo "$t: report lacks '$w':"; cat "$dir/out"; ok=1; }; done
}

tap all_ok '1..3' 'ok 1 - cpuid' 'ok 2 - msr' 'ok 3 - pic'
must_pass all_ok 3 "3 ok"
# The plan may come last, and lines without the [guest] prefix count too.
printf 'ok 1 - a\nok 2 - b\n1..2\n' > "$dir/bare"
must_pass bare 2 "2 ok"
# Diagnostics and other output between the results are ignored.
tap noise '1..2' '# checking cpuid' 'ok 1 - cpuid' 'conform: some output' 'ok 2 - msr'
must_pass noise 2 "2 ok"

tap skip '1..3' 'ok 1 - cpuid' 'ok 2 - fpu # SKIP no FPU here' 'ok 3 - pic'
must_pass skip 3 "3 ok, 1 skipped"
grep -q -F 'skipped: ok 2 - fpu # SKIP no FPU here' "$dir/out" || { echo "the skipped test is not listed:"; cat "$dir/out"; ok=1; }

tap not_ok '1..3' 'ok 1 - cpuid' 'not ok 2 - msr' '# wrmsr 0x10 did not #GP' 'ok 3 - pic'
must_fail not_ok 3 'TAP: 1 not ok' 'not ok 2 - msr' '# wrmsr 0x10 did not #GP'
# A TODO directive does not excuse a "not ok": the guest decides, and it said not ok.
tap todo '1..1' 'not ok 1 - pit # TODO'
must_fail todo 1 'not ok 1 - pit # TODO'

tap missing '1..4' 'ok 1 - a' 'ok 2 - b' 'ok 4 - d'
must_fail missing 4 'TAP: 1 missing' 'missing results: 3'
tap cut_short '1..4' 'ok 1 - a' 'ok 2 - b'
must_fail cut_short 4 'missing results: 3 4'

tap order '1..3' 'ok 1 - a' 'ok 3 - c' 'ok 2 - b'
must_fail order 3 'out of order' 'result 2 out of order' 'after result 3'

tap duplicate '1..3' 'ok 1 - a' 'ok 2 - b' 'ok 2 - b' 'ok 3 - c'
must_fail duplicate 3 'repeated' 'result 2 repeated'

tap no_plan 'ok 1 - a' 'ok 2 - b'
must_fail no_plan 2 'no plan' 'has no line 1..2'

tap plan_mismatch '1..2' 'ok 1 - a' 'ok 2 - b'
must_fail plan_mismatch 3 'wrong plan' 'plan 1..2' 'the spec says tap: 3' 'missing results: 3'

tap two_plans '1..1' 'ok 1 - a' '1..1'
must_fail two_plans 1 'plan repeated'

tap beyond '1..2' 'ok 1 - a' 'ok 2 - b' 'ok 3 - c'
must_fail beyond 2 'result 3 outside the plan 1..2'

tap unnumbered '1..2' 'ok 1 - a' 'ok - b'
must_fail unnumbered 2 'result without a number' 'missing results: 2'

tap bail '1..2' 'ok 1 - a' 'Bail out! no PIT'
must_fail bail 2 'bailed out' 'Bail out! no PIT'

# The [guest] prefix is stripped only at the start of a line: a guest line that merely
# mentions "ok 1" is not a result.
printf '[guest] 1..1\r\n[guest] conform: ok 1 looks fine\r\n' > "$dir/mention"
must_fail mention 1 'missing results: 1'

# With a TAG only that VM's lines count: another VM's "not ok" and plan are not its.
printf '[other] 1..1\r\n[conform] 1..2\r\n[conform] ok 1 - a\r\n[other] not ok 1 - x\r\n[conform] ok 2 - b\r\n' > "$dir/tagged"
if ! tools/check-tap.sh "$dir/tagged" 2 conform > "$dir/out" || [ "$(head -n 1 "$dir/out")" != "2 ok" ]; then
    echo "tagged: [conform]'s TAP should pass alone:"; cat "$dir/out"; ok=1
fi
if tools/check-tap.sh "$dir/tagged" 1 other > "$dir/out"; then echo "tagged: [other]'s not ok passed"; ok=1; fi

tools/check-tap.sh "$dir/all_ok" > /dev/null 2>&1
[ $? = 2 ] || { echo "check-tap.sh without N did not fail with a usage error"; ok=1; }
exit $ok
