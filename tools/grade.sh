#!/usr/bin/env bash
# grade.sh - make grade: the tests of each lab, with points and time limits.
#
#   tools/grade.sh [--track vmx|svm] [--lab N[,N...]]
#
# Each track lists its tests in labs/TRACK/grade.list, one per line:
#     LAB  POINTS  TIMEOUT  unit TEST_NAME        (build/tests/TEST_NAME, cmocka)
#     LAB  POINTS  TIMEOUT  boot SPEC@EMU         (a boot test spec, tools/boottest.sh)
# Default: every lab present (in a student tree, its track and the labs handed out so far;
# in the project, both tracks). Boots with the same emulator and options are shared
# (tools/grade-run.sh). Prints one line per test: PASS/FAIL, lab, test, points, seconds;
# then "score: X/Y". Each test's full log is kept in build/grade/. Exit status 0 only at
# full marks.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${HVLAB_GRADE_OUT:-build/grade} # (make test grades both tracks at once: one each)
tracks= labs=
while [ $# -gt 0 ]; do
    case $1 in
    --track) tracks=$2; shift 2 ;;
    --lab) labs=${2//,/ }; shift 2 ;;
    *) sed -n '3,4p' "$0" >&2; exit 2 ;;
    esac
done

tree_value() { sed -n "s/^$1 := *//p" labs/tree.mk 2>/dev/null; }
tree_track=$(tree_value LAB_TRACK)
[ -n "$tracks" ] || tracks=${tree_track:-vmx svm}
for t in $tracks; do
    [ -f "labs/$t/grade.list" ] || { echo "grade: no track '$t' here (labs/$t/grade.list)" >&2; exit 2; }
done

# The labs present in a track: its handouts (a student tree has those handed out so far).
present() { ls "labs/$1" | sed -n 's/^\([0-9][0-9]*\)-.*\.md$/\1/p' | sort -n | tr '\n' ' '; }

rm -rf "$OUT"
mkdir -p "$OUT/logs"
export HVLAB_RUN=$PWD/tools/grade-run.sh HVLAB_GRADE_BOOTS=$PWD/$OUT/boots

# The labs to grade, and what they need built: hvlab and the unit tests they run.
selected=() targets=(all)
for t in $tracks; do
    for lab in ${labs:-$(present "$t")}; do
        selected+=("$t:$lab")
        targets+=($(awk -v l="$lab" '$1 == l && $4 == "unit" { print "build/tests/" $5 }' "labs/$t/grade.list"))
    done
done

echo "grade: building (log: $OUT/build.log)"
built=1
if ! make -s "${targets[@]}" > "$OUT/build.log" 2>&1; then
    built=0 # what an earlier build left in build/ is not what is graded
    echo "grade: the build failed; every test fails. The first errors:"
    grep -m 5 -E 'error|Error' "$OUT/build.log" | sed 's/^/    /'
fi

score=0 total=0
for entry in "${selected[@]}"; do
    t=${entry%%:*} lab=${entry##*:}
    got=0 max=0
    while read -r l points limit kind name; do
        [ "$l" = "$lab" ] || continue
        max=$((max + points))
        log=$OUT/$t-$lab-${name//[\/@]/_}.log
        start=$(date +%s)
        case $built:$kind in
        0:*) echo "grade: not run: the build failed ($OUT/build.log)" > "$log"; false ;;
        *:unit) timeout "$limit" "build/tests/$name" > "$log" 2>&1 ;;
        *:boot)
            # The spec's own time limit is the one that counts; this one bounds the test.
            timeout "$limit" tools/boottest.sh "$name" "$OUT/logs" > "$log" 2>&1 ;;
        *) echo "bad kind '$kind' in labs/$t/grade.list" > "$log"; false ;;
        esac
        rc=$?
        secs=$(($(date +%s) - start))
        if [ $rc = 0 ]; then verdict=PASS got=$((got + points)); else verdict=FAIL; fi
        [ $rc != 124 ] || echo "grade: timed out after ${limit}s" >> "$log"
        printf '%s  %s-%-2s %-52s %3s/%-3s %4ss\n' "$verdict" "$t" "$lab" "$kind $name" \
            "$([ $verdict = PASS ] && echo "$points" || echo 0)" "$points" "$secs"
        if [ $verdict = FAIL ]; then # the reason a student looks for first
            grep -m 2 -E 'lab [a-z]+-[0-9]+: .* is not written yet|^FAIL|ERROR|error:|PANIC|not run' "$log" |
                cut -c1-150 | sed 's/^/        /'
        fi
    done < <(grep -v -E '^[[:space:]]*(#|$)' "labs/$t/grade.list")
    [ $max != 0 ] || { echo "grade: lab $t-$lab has no tests" >&2; exit 2; }
    echo "lab $t-$lab: $got/$max"
    score=$((score + got)) total=$((total + max))
done
echo "logs: $OUT/"
echo "score: $score/$total"
[ "$score" = "$total" ]
