#!/usr/bin/env bash
# Code references in the docs still point at real code (the xv6 book's rule: code and
# text never drift). The docs cite code as `path/to/file.c:/literal text/` in backticks:
# FILE is relative to the repository root, and the text between the slashes is a fixed
# string (not a regex; it holds no '/' and no backtick) that must occur in FILE.
#
# Usage: tests/harness/test_doc_refs.sh [ROOT]
#   Scans ROOT/README.md, ROOT/docs/*.md, ROOT/labs/README.md and the lab handouts
#   ROOT/labs/*/*.md; ROOT defaults to the repository root (give
#   another tree, e.g. a copy with a broken doc, to test this script). Prints nothing and
#   exits 0 when every reference holds; otherwise prints one line per stale reference and
#   exits 1. Finding no reference at all is a failure too: the extraction would be broken.
set -u
if [ $# -eq 0 ]; then
    cd "$(dirname "$0")/../.." || exit 1
else
    cd "$1" || { echo "test_doc_refs: cannot enter $1"; exit 1; }
fi

shopt -s nullglob
docs=(README.md docs/*.md labs/README.md labs/*/*.md)
# `FILE:/PATTERN/`: a path of ordinary file-name characters, ":/", a pattern, "/".
# (The backticks in these two regexes are literal: nothing is meant to expand.)
# shellcheck disable=SC2016
ref_re='`[A-Za-z0-9_.+-][A-Za-z0-9_./+-]*:/[^/`]+/`'
# Anything in backticks that starts like a reference (but not like a URL, "x://"); one
# that is not also a well-formed reference (a '/' in the pattern, no closing '/') is
# reported rather than silently skipped.
# shellcheck disable=SC2016
near_re='`[A-Za-z0-9_.+-][A-Za-z0-9_./+-]*:/[^/`][^`]*`'

found=0
stale=0
for doc in "${docs[@]}"; do
    [ -f "$doc" ] || continue
    while IFS= read -r ref; do
        ref=${ref#\`}
        ref=${ref%\`}
        file=${ref%%:/*}
        pattern=${ref#*:/}
        pattern=${pattern%/}
        found=$((found + 1))
        if [ ! -f "$file" ]; then
            echo "stale reference in $doc: $ref (file missing)"
            stale=$((stale + 1))
        elif ! grep -qF -e "$pattern" -- "$file"; then
            echo "stale reference in $doc: $ref (pattern not found)"
            stale=$((stale + 1))
        fi
    done < <(grep -oE "$ref_re" -- "$doc")
    while IFS= read -r span; do
        if ! [[ $span =~ ^$ref_re$ ]]; then
            echo "malformed reference in $doc: $span (want \`FILE:/PATTERN/\`, no '/' in PATTERN)"
            stale=$((stale + 1))
        fi
    done < <(grep -oE "$near_re" -- "$doc")
done

if [ "$found" -eq 0 ]; then
    echo "no code references (\`FILE:/PATTERN/\`) found in README.md, docs/*.md, labs/README.md or labs/*/*.md"
    exit 1
fi
[ "$stale" -eq 0 ]
