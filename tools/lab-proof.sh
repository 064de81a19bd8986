#!/usr/bin/env bash
# lab-proof.sh - the labs' three proofs, run by make test (tools/test.sh):
#   1. the project scores full marks on every lab of both tracks;
#   2. every lab tree (make lab) builds and scores 0 on its own lab: its tests run and
#      fail, at least one with the stub's "is not written yet"; and the lab before it,
#      solved in that tree, scores full marks there (a student who finishes lab N-1 gets
#      them while N and later are still stubs);
#   3. every planted bug (make bug) makes at least one test of its lab fail.
# One line per proof: "PASS lab-proof ..." / "FAIL lab-proof ...: why", details indented.
# The two tracks run side by side (one Bochs, one QEMU). Trees go to build/lab-proof/.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$PWD/build/lab-proof
rm -rf "$OUT"
mkdir -p "$OUT"
export HVLAB_LAB_REUSE_BUILD=1 # trees rebuild only what they change

# score LOG TRACK LAB: "X/Y" from grade's "lab TRACK-LAB: X/Y" line.
score() { sed -n "s/^lab $2-$3: //p" "$1"; }

# grade_tree DIR ARGS...: build and grade a tree; the output in DIR.grade.
grade_tree() {
    local dir=$1
    shift
    (cd "$dir" && make -s -j1 all unit > ../"$(basename "$dir")".build 2>&1 && tools/grade.sh "$@") > "$dir.grade" 2>&1
}

prove_track() {
    local track=$1 n prev s want bugfile bug lab
    for n in $(ls labs/"$track" | sed -n 's/^\([0-9][0-9]*\)-.*\.md$/\1/p' | sort -n); do
        local tree=$OUT/$track-$n
        if ! tools/lab.sh tree "$track" "$n" "$tree" > "$tree.make" 2>&1; then
            echo "FAIL lab-proof $track-$n tree: make lab failed"; sed 's/^/    /' "$tree.make"; continue
        fi
        prev=$((n - 1))
        grade_tree "$tree" --lab "$([ $prev -ge 1 ] && echo "$prev,")$n"
        s=$(score "$tree.grade" "$track" "$n")
        if [ -z "$s" ]; then
            echo "FAIL lab-proof $track-$n tree: no grade for lab $n (build: $tree.build)"; tail -n 5 "$tree.build" | sed 's/^/    /'
        elif [ "${s%%/*}" != 0 ] || ! grep -q "lab $track-$n: .* is not written yet" "$tree.grade"; then
            echo "FAIL lab-proof $track-$n tree: lab $n scores $s on its own stubs (want 0, failing loudly)"; sed 's/^/    /' "$tree.grade"
        else
            echo "PASS lab-proof $track-$n tree: lab $n scores $s on its stubs"
        fi
        if [ $prev -ge 1 ]; then
            s=$(score "$tree.grade" "$track" "$prev")
            if [ -n "$s" ] && [ "${s%%/*}" = "${s##*/}" ]; then
                echo "PASS lab-proof $track-$n tree: lab $prev, solved there, scores $s"
            else
                echo "FAIL lab-proof $track-$n tree: lab $prev, solved there, scores ${s:-nothing} (want full marks)"; sed 's/^/    /' "$tree.grade"
            fi
        fi
        rm -rf "$tree" # keep the logs, not the copies of the tree
    done
    for bugfile in labs/"$track"/bugs/*.patch; do
        [ -f "$bugfile" ] || continue
        bug=$(basename "$bugfile" .patch) bug=${bug%%-*}
        lab=$(sed -n 's/^lab: *\([0-9][0-9]*\).*/\1/p' "${bugfile%.patch}.md")
        local tree=$OUT/$track-bug$bug
        if ! tools/lab.sh bug "$track" "$bug" "$tree" > "$tree.make" 2>&1; then
            echo "FAIL lab-proof $track bug $bug: make bug failed"; sed 's/^/    /' "$tree.make"; continue
        fi
        grade_tree "$tree" --lab "$lab"
        s=$(score "$tree.grade" "$track" "$lab")
        if [ -n "$s" ] && [ "${s%%/*}" != "${s##*/}" ]; then
            echo "PASS lab-proof $track bug $bug: lab $lab scores $s with it"
        else
            echo "FAIL lab-proof $track bug $bug: lab $lab scores ${s:-nothing} with it (want below full)"; sed 's/^/    /' "$tree.grade"
        fi
        rm -rf "$tree"
    done
}

# 1. The project itself, every lab of the track (its own log directory: the other track
# is graded beside it).
prove_project() {
    local track=$1 log=$OUT/$1-project.grade
    if HVLAB_GRADE_OUT=build/grade-$track tools/grade.sh --track "$track" > "$log" 2>&1; then
        echo "PASS lab-proof $track project: $(tail -n 1 "$log")"
    else
        echo "FAIL lab-proof $track project: $(tail -n 1 "$log")"; grep -A3 '^FAIL' "$log" | sed 's/^/    /'
    fi
}

# 2 and 3, one track per CPU.
{ prove_project vmx; prove_track vmx; } > "$OUT/vmx.out" 2>&1 &
{ prove_project svm; prove_track svm; } > "$OUT/svm.out" 2>&1
wait
cat "$OUT/vmx.out" "$OUT/svm.out"
! grep -q '^FAIL' "$OUT/vmx.out" "$OUT/svm.out"
