#!/usr/bin/env bash
# check-transcript.sh TRANSCRIPT SPEC [EMU] - check a serial transcript against a
# boot-test spec, as run on EMU.
#
# In the spec (tests/boot/*.test), these lines are checked:
#   expect: TEXT   TEXT must appear in the transcript after the previous expect:'s
#                  match (fixed-string match, in order; the same line may hold several)
#   reject: TEXT   TEXT must not appear anywhere in the transcript
#   expect@EMU: TEXT, reject@EMU: TEXT   the same, only when checking a run on EMU; they
#                  take their place in the order among the shared expect: lines
#   output: TAG FILE   the lines the VM tagged "[TAG] " printed, tag removed, are exactly
#                  the lines of FILE (a path from the project root), lines starting with
#                  "# " (TAP comments, which carry measurements) left out on both sides;
#                  so a guest beside others prints byte for byte what it prints alone
#   interleaved: A B   the lines of VMs [A] and [B] alternate at least INTERLEAVE_MIN times
#                  (A's, then B's, then A's...): they really shared the CPU
#   balance: TEXT LOW-HIGH   every line holding TEXT has a number right after it; each
#                  number's share of their sum is within LOW..HIGH percent (e.g. the
#                  work two VMs did in the same span of time)
# Other lines (emu:, options:, timeout:, status:, tap:, #comments) are for
# tools/boottest.sh. On failure: says which line is missing and prints the transcript's
# tail. Exit 0 or 1.
set -uo pipefail
transcript=$1 spec=$2 emu=${3:-}
TAIL_LINES=25
INTERLEAVE_MIN=4 # switches between the two VMs' lines

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

# Expected lines: found in order, each after the end of the previous match (a later
# expectation may match further along the same transcript line).
result=$(awk -v spec="$spec" -v emu="$emu" 'BEGIN { n = 0; mine = "expect@" emu ":" }
    FNR == NR {
        if ($0 ~ /^expect:/) t = substr($0, 8)
        else if (emu != "" && index($0, mine) == 1) t = substr($0, length(mine) + 1)
        else next
        sub(/^ /, "", t); want[n] = t; at[n++] = FNR
        next
    }
    { line[++lines] = $0 }
    END {
        li = 1; col = 1
        for (i = 0; i < n; i++) {
            found = 0
            for (; li <= lines; li++) {
                p = index(substr(line[li], col), want[i])
                if (p) { col += p - 1 + length(want[i]); found = 1; break }
                col = 1
            }
            if (!found) {
                anywhere = 0
                for (k = 1; k <= lines; k++) if (index(line[k], want[i])) anywhere = k
                if (anywhere) printf "expected line out of order (%s:%d): %c%s%c (found only before the previous match)\n", spec, at[i], 39, want[i], 39
                else printf "missing expected line (%s:%d): %c%s%c\n", spec, at[i], 39, want[i], 39
                exit
            }
        }
    }' "$spec" "$clean")
[ -z "$result" ] || fail "$result"

# The lines of one VM, without its tag and without "# " comments.
vm_lines() { grep -F -- "[$1] " "$clean" | sed -n "s/^\[$1\] //p" | grep -v '^# '; }

spec_no=0
while IFS= read -r spec_line || [ -n "$spec_line" ]; do
    spec_no=$((spec_no + 1))
    case $spec_line in
    reject:* | "reject@$emu:"*)
        [ -n "$emu" ] || [[ $spec_line == reject:* ]] || continue
        text=${spec_line#reject:}
        text=${text#"reject@$emu:"}
        text=${text# }
        hit=$(grep -n -F -m 1 -- "$text" "$clean")
        [ -z "$hit" ] || fail "rejected text found ($spec:$spec_no): '$text' at transcript line ${hit%%:*}"
        ;;
    interleaved:* | "interleaved@$emu:"*)
        [ -n "$emu" ] || [[ $spec_line == interleaved:* ]] || continue
        words=${spec_line#interleaved:}
        words=${words#"interleaved@$emu:"}
        read -r a b <<< "$words"
        switches=$(awk -v a="[$a] " -v b="[$b] " '
            index($0, a) == 1 { who = "a" } index($0, b) == 1 { who = "b" }
            who != "" && who != last { if (last != "") n++; last = who } { who = "" }
            END { print n + 0 }' "$clean")
        [ "$switches" -ge $INTERLEAVE_MIN ] ||
            fail "the lines of [$a] and [$b] switch $switches times, fewer than $INTERLEAVE_MIN ($spec:$spec_no): they did not share the CPU"
        ;;
    balance:* | "balance@$emu:"*)
        [ -n "$emu" ] || [[ $spec_line == balance:* ]] || continue
        words=${spec_line#balance:}
        words=${words#"balance@$emu:"}
        words=${words# }
        range=${words##* } text=${words% *}
        verdict=$(awk -v text="$text" -v low="${range%-*}" -v high="${range#*-}" '
            { p = index($0, text) } p {
                rest = substr($0, p + length(text)); sub(/^ */, "", rest)
                if (rest !~ /^[0-9]/) { print "no number after the text in: " $0; bad = 1; exit }
                v[++n] = rest + 0; sum += rest + 0
            }
            END {
                if (bad) exit
                if (n < 2 || sum == 0) { print "fewer than two lines hold it (" n ")"; exit }
                for (i = 1; i <= n; i++) {
                    share = 100 * v[i] / sum; shares = shares sprintf(" %.1f%%", share)
                    if (share < low || share > high) out = 1
                }
                if (out) print "shares" shares ", not all within " low "-" high "%"
            }' "$clean")
        [ -z "$verdict" ] || fail "balance of '$text' ($spec:$spec_no): $verdict"
        ;;
    output:* | "output@$emu:"*)
        [ -n "$emu" ] || [[ $spec_line == output:* ]] || continue
        words=${spec_line#output:}
        words=${words#"output@$emu:"}
        read -r tag file <<< "$words"
        [ -f "$file" ] || fail "output: no file $file ($spec:$spec_no)"
        diffs=$(diff <(grep -v '^# ' "$file") <(vm_lines "$tag") | head -n 10)
        [ -z "$diffs" ] || fail "the lines of [$tag] differ from $file ($spec:$spec_no; < file, > transcript):
$diffs"
        ;;
    esac
done < "$spec"
exit 0
