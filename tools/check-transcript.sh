#!/usr/bin/env bash
# check-transcript.sh TRANSCRIPT SPEC - check a serial transcript against a boot-test spec.
#
# In the spec (tests/boot/*.test), these lines are checked:
#   expect: TEXT   TEXT must appear on a transcript line, after the line matched by the
#                  previous expect: (fixed-string match, in order)
#   reject: TEXT   TEXT must not appear anywhere in the transcript
# Other lines (emu:, options:, timeout:, status:, #comments) are for tools/boottest.sh.
# On failure: says which line is missing and prints the transcript's tail. Exit 0 or 1.
set -uo pipefail
transcript=$1 spec=$2
TAIL_LINES=25

[ -f "$transcript" ] || { echo "check: no transcript at $transcript"; exit 1; }
clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
tr -d '\r' < "$transcript" > "$clean" # serial lines end in CR LF

fail() {
    echo "check: $*"
    echo "check: last $TAIL_LINES lines of $transcript:"
    tail -n $TAIL_LINES "$clean" | sed 's/^/  | /'
    exit 1
}

line_no=0 # transcript line of the previous match
spec_no=0
while IFS= read -r spec_line || [ -n "$spec_line" ]; do
    spec_no=$((spec_no + 1))
    case $spec_line in
    expect:*)
        text=${spec_line#expect:}
        text=${text# }
        found=$(tail -n +$((line_no + 1)) "$clean" | grep -n -F -m 1 -- "$text" | cut -d: -f1)
        if [ -z "$found" ]; then
            if grep -q -F -- "$text" "$clean"; then
                fail "expected line out of order ($spec:$spec_no): '$text' (not after transcript line $line_no)"
            fi
            fail "missing expected line ($spec:$spec_no): '$text'"
        fi
        line_no=$((line_no + found))
        ;;
    reject:*)
        text=${spec_line#reject:}
        text=${text# }
        hit=$(grep -n -F -m 1 -- "$text" "$clean")
        [ -z "$hit" ] || fail "rejected text found ($spec:$spec_no): '$text' at transcript line ${hit%%:*}"
        ;;
    esac
done < "$spec"
exit 0
