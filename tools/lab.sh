#!/usr/bin/env bash
# lab.sh - coursework lab trees cut from the real source (labs/README.md).
#
#   tools/lab.sh tree TRACK LAB DEST   a student tree for lab LAB of TRACK (vmx, svm): the
#                                      regions of lab LAB and later are stubs, earlier
#                                      labs solved; DEST is a new git repository
#   tools/lab.sh bug TRACK BUG DEST    a tree with every lab solved and planted bug BUG
#                                      (labs/TRACK/bugs/BUG-*.patch), its handout BUG.md
#   tools/lab.sh regions [TRACK]       list the marked regions: FILE:LINE TAGS: WHAT
#
# A region is marked in C source by two comment lines (see hypervisor/lab.h):
#     /* LAB vmx-3 BEGIN: setup_host_state() */   ...   /* LAB vmx-3 END */
# A region shared by both tracks names both tags: "LAB vmx-4 svm-4 BEGIN: ...". In a tree
# its body becomes   lab_not_written("vmx-3", "setup_host_state()");   between the
# markers, so the student sees where to write and hvlab says what is missing.
# HVLAB_LAB_REUSE_BUILD=1 copies the project's build/ into DEST first (keeping times), so
# a tree rebuilds only the files it changed (the proofs in make test use it).
set -euo pipefail
cd "$(dirname "$0")/.."
TRACKS="vmx svm"

die() { echo "lab: $*" >&2; exit 2; }
usage() { sed -n '3,10p' "$0" >&2; exit 2; }

# Every file that has markers.
marked_files() { git grep -l -E '/\* LAB [a-z]+-[0-9]+' -- '*.c' '*.h' | grep -v '^hypervisor/lab.h$' || true; }

# The labs of a track: the numbers of labs/TRACK/N-*.md.
track_labs() { ls labs/"$1"/ 2>/dev/null | sed -n 's/^\([0-9][0-9]*\)-.*\.md$/\1/p' | sort -n; }

check_track() { [[ " $TRACKS " == *" $1 "* ]] || die "unknown track '$1' (tracks: $TRACKS)"; }

# stub TRACK LAB FILE: write FILE with the regions of TRACK-LAB and later stubbed. Checks
# the markers: every BEGIN has its END, no nesting, every tag is TRACK-N.
stub_file() {
    awk -v track="$1" -v lab="$2" -v file="$3" '
    function fail(msg) { printf "lab: %s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 2 }
    /\/\* LAB [a-z0-9 -]+ BEGIN: .*\*\// {
        if (open) fail("BEGIN inside the region that begins at line " open)
        line = $0; sub(/.*\/\* LAB /, "", line); tags = line; sub(/ BEGIN:.*/, "", tags)
        what = line; sub(/^[^:]*: /, "", what); sub(/ \*\/.*$/, "", what)
        indent = $0; sub(/[^ ].*$/, "", indent)
        stub = ""
        n = split(tags, t, " ")
        for (i = 1; i <= n; i++) {
            if (t[i] !~ /^(vmx|svm)-[0-9]+$/) fail("bad lab tag \"" t[i] "\" (vmx-N or svm-N)")
            split(t[i], p, "-")
            if (p[1] == track && p[2] + 0 >= lab + 0) stub = t[i]
        }
        open = NR; print
        if (stub != "") { printf "%slab_not_written(\"%s\", \"%s\");\n", indent, stub, what; skipping = 1 }
        next
    }
    /\/\* LAB [a-z0-9 -]+ END \*\// {
        if (!open) fail("END without BEGIN")
        open = 0; skipping = 0; print; next
    }
    !skipping { print }
    END { if (open && !bad) { NR = open; fail("BEGIN without END") } }
    ' "$3"
}

list_regions() {
    local f
    for f in $(marked_files); do
        grep -n -E '/\* LAB [a-z0-9 -]+ BEGIN: ' "$f" | sed -E "s|^([0-9]+):[[:space:]]*/\\* LAB (.*) BEGIN: (.*) \\*/|$f:\\1 \\2: \\3|"
    done | { if [ -n "${1:-}" ]; then grep -E " ([a-z]+-[0-9]+ )*$1-[0-9]+( [a-z]+-[0-9]+)*: " || true; else cat; fi; }
}

# copy_tree TRACK DEST: the project's tracked files (as they are in the working tree),
# without what a student must not get: the planted bugs and the other track.
copy_tree() {
    local track=$1 dest=$2 other
    mkdir -p "$dest"
    if [ "${HVLAB_LAB_REUSE_BUILD:-0}" = 1 ] && [ -d build/obj ]; then
        mkdir -p "$dest/build"
        (cd build && tar cf - --exclude=./logs --exclude='./grade*' --exclude=./bench --exclude=./soak \
            --exclude=./lab-proof --exclude=./fuzz .) |
            (cd "$dest/build" && tar xpf -)
    fi
    for other in $TRACKS; do [ "$other" = "$track" ] || local skip_track=$other; done
    git ls-files -z | grep -z -v -E "^labs/($skip_track/|[a-z]+/bugs/)" |
        tar cf - --null -T - | (cd "$dest" && tar xpf -)
}

# write_tree_mk DEST TRACK LAB [BUG]: what the tree is, for make grade and the compiler.
write_tree_mk() {
    cat > "$1/labs/tree.mk" <<MK
# Written by tools/lab.sh: this is a student tree, not the hvlab project.
LAB_TRACK := $2
LAB_NUMBER := $3
LAB_BUG := ${4:-}
# A stubbed region leaves its parameters and helpers unused: not an error here.
LAB_CFLAGS := -Wno-unused-parameter -Wno-unused-variable -Wno-unused-but-set-variable \\
	-Wno-unused-function -Wno-unused-label
MK
}

git_init() {
    (cd "$1" && git init -q && git add -A &&
        git -c user.name=hvlab -c user.email=hvlab@localhost commit -q -m "$2")
}

make_tree() {
    local track=$1 lab=$2 dest=$3 f n
    check_track "$track"
    [[ $lab =~ ^[0-9]+$ ]] || die "LAB must be a number"
    track_labs "$track" | grep -qx "$lab" || die "no lab $track-$lab (labs: $(track_labs "$track" | tr '\n' ' '))"
    [ ! -e "$dest" ] || [ -z "$(ls -A "$dest")" ] || die "$dest exists and is not empty"
    copy_tree "$track" "$dest"
    for f in $(marked_files); do
        stub_file "$track" "$lab" "$f" > "$dest/$f.new" || die "bad markers in $f"
        if cmp -s "$f" "$dest/$f.new"; then rm "$dest/$f.new"; else mv "$dest/$f.new" "$dest/$f"; fi
    done
    # The handouts of later labs are not handed out yet.
    for n in $(track_labs "$track"); do
        [ "$n" -le "$lab" ] || rm -f "$dest"/labs/"$track"/"$n"-*.md
    done
    write_tree_mk "$dest" "$track" "$lab"
    git_init "$dest" "lab $track-$lab: the starting point (labs/$track/$(cd labs/$track && ls "$lab"-*.md))"
    echo "lab: wrote $dest: lab $track-$lab, $(list_regions "$track" | awk -v l="$lab" -v t="$track" '{for (i = 2; i < NF; i++) { split($i, p, "-"); sub(/:$/, "", p[2]); if (p[1] == t && p[2] + 0 >= l + 0) { n++; break } }} END {print n + 0}') regions to write (labs $lab and later)"
}

make_bug() {
    local track=$1 bug=$2 dest=$3 patch handout lab
    check_track "$track"
    patch=$(ls labs/"$track"/bugs/"$bug"-*.patch 2>/dev/null | head -n 1)
    [ -n "$patch" ] || die "no bug $bug in labs/$track/bugs (bugs: $(ls labs/"$track"/bugs/ | sed -n 's/^\([0-9]*\)-.*\.patch$/\1/p' | tr '\n' ' '))"
    handout=${patch%.patch}.md
    lab=$(sed -n 's/^lab: *\([0-9][0-9]*\).*/\1/p' "$handout" | head -n 1)
    [ -n "$lab" ] || die "$handout has no 'lab: N' line"
    [ ! -e "$dest" ] || [ -z "$(ls -A "$dest")" ] || die "$dest exists and is not empty"
    copy_tree "$track" "$dest"
    (cd "$dest" && patch -s -p1 < "$OLDPWD/$patch") || die "$patch does not apply"
    sed '/^lab:/d' "$handout" > "$dest/BUG.md"
    write_tree_mk "$dest" "$track" "$lab" "$bug"
    git_init "$dest" "debugging lab $track bug $bug (BUG.md)"
    echo "lab: wrote $dest: debugging lab $track bug $bug (grade: make grade LAB=$lab)"
}

case "${1:-}" in
tree) [ $# = 4 ] || usage; make_tree "$2" "$3" "$4" ;;
bug) [ $# = 4 ] || usage; make_bug "$2" "$3" "$4" ;;
regions) list_regions "${2:-}" ;;
stub) [ $# = 4 ] || usage; stub_file "$2" "$3" "$4" ;; # (the harness test's view of one file)
check) # every marked file parses (the harness test runs this)
    for f in $(marked_files); do stub_file vmx 1 "$f" > /dev/null && stub_file svm 1 "$f" > /dev/null || exit 1; done ;;
*) usage ;;
esac
