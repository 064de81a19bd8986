#!/usr/bin/env bash
# check-tap.sh TRANSCRIPT N [TAG] - check the TAP (Test Anything Protocol) a guest printed.
#
# A guest that tests something itself reports in TAP on its serial port; hvlab copies
# each line to its console with a "[guest] " prefix, which is stripped here (lines
# without it count too). When several VMs run, each VM's lines carry its name instead
# ("[conform] ok 1 ..."): with TAG, only the lines of "[TAG] " are read. The guest decides what passed; this script only checks that
# the report is complete:
#   - one plan line "1..N", N as the spec's "tap: N" says (before or after the results);
#   - one result line per test, "ok I - name", for I = 1..N in order: no gap, no
#     duplicate, no number outside the plan, no result without a number;
#   - no "not ok" line (whatever its directive) and no "Bail out!".
# "ok I - name # SKIP why" counts as passing and is listed. Indented lines (subtests,
# YAML blocks) and all other output are ignored.
#
# Output, on standard output: a first line that sums up ("40 ok, 2 skipped" on success;
# "TAP: 1 not ok, 2 missing" on failure), then one line per skipped test on success, or
# per problem on failure: each "not ok" line with the "#" diagnostics that follow it,
# the missing numbers, results out of order or repeated, the plan's problems.
# Exit status: 0 if the report is complete and passing, 1 if not, 2 for a usage error.
set -uo pipefail
[ $# = 2 ] || [ $# = 3 ] || { echo "usage: check-tap.sh TRANSCRIPT N [TAG]" >&2; exit 2; }
[[ $2 =~ ^[0-9]+$ ]] || { echo "usage: check-tap.sh TRANSCRIPT N [TAG]" >&2; exit 2; }
transcript=$1 want=$2 tag=${3:-}
[ -f "$transcript" ] || { echo "TAP: no transcript at $transcript"; exit 1; }

tr -d '\r' < "$transcript" | awk -v want="$want" -v tag="$tag" '
    function problem(kind, text) { problems[++np] = text; count[kind]++ }
    function tally(kind, word) { return count[kind] ? sprintf(", %d %s", count[kind], word) : "" }
    {
        line = $0
        if (tag != "") {
            if (index(line, "[" tag "] ") != 1) next
            line = substr(line, length(tag) + 4)
        } else {
            sub(/^\[guest\] /, "", line)
        }
    }
    # Diagnostics ("# why") right after a "not ok" line belong to it.
    in_diag && line ~ /^#/ { problems[np] = problems[np] "\n    " line; next }
    { in_diag = 0 }
    line ~ /^1\.\.[0-9]+[ \t]*(#.*)?$/ {
        n = line; sub(/^1\.\./, "", n); sub(/[^0-9].*$/, "", n); n += 0
        if (plans++) problem("plan", sprintf("plan repeated at transcript line %d: %s", NR, line))
        else if (n != want) problem("plan", sprintf("plan %s at transcript line %d, but the spec says tap: %d", line, NR, want))
        next
    }
    line ~ /^Bail out!/ { problem("bail", sprintf("bailed out at transcript line %d: %s", NR, line)); next }
    line ~ /^(not )?ok([ \t]|$)/ {
        failed = (line ~ /^not /)
        rest = line; sub(/^(not )?ok[ \t]*/, "", rest)
        if (rest !~ /^[0-9]+([ \t]|$)/) {
            problem("number", sprintf("result without a number at transcript line %d: %s", NR, line))
            next
        }
        k = rest; sub(/[^0-9].*$/, "", k); k += 0
        if (failed) {
            problem("notok", sprintf("%s   (transcript line %d)", line, NR))
            in_diag = 1
        }
        if (k < 1 || k > want)
            problem("outside", sprintf("result %d outside the plan 1..%d at transcript line %d: %s", k, want, NR, line))
        else if (k in seen)
            problem("duplicate", sprintf("result %d repeated at transcript line %d (first at line %d): %s", k, NR, seen[k], line))
        else {
            if (k < highest)
                problem("order", sprintf("result %d out of order at transcript line %d, after result %d: %s", k, NR, highest, line))
            seen[k] = NR
            if (k > highest) highest = k
            if (!failed) {
                oks++
                d = tolower(rest)
                if (d ~ /#[ \t]*skip/) skipped[++nskip] = line
            }
        }
        next
    }
    END {
        if (!plans) problem("noplan", sprintf("no plan: the transcript has no line 1..%d", want))
        missing = ""
        for (k = 1; k <= want; k++) if (!(k in seen)) { missing = missing " " k; count["missing"]++ }
        if (missing != "") problems[++np] = "missing results:" missing
        if (np == 0) {
            printf "%d ok%s\n", oks, nskip ? sprintf(", %d skipped", nskip) : ""
            for (i = 1; i <= nskip; i++) print "skipped: " skipped[i]
            exit 0
        }
        summary = tally("notok", "not ok") tally("missing", "missing") \
            tally("order", "out of order") tally("duplicate", "repeated") \
            tally("outside", "outside the plan") tally("number", "without a number") \
            tally("bail", "bail out") (count["noplan"] ? ", no plan" : "") \
            (count["plan"] ? ", wrong plan" : "")
        printf "TAP: %s (%d of %d ok)\n", substr(summary, 3), oks, want
        for (i = 1; i <= np; i++) print problems[i]
        exit 1
    }'
