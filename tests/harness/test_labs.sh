#!/usr/bin/env bash
# The coursework labs' plumbing (tools/lab.sh, labs/*/grade.list): a region is stubbed for
# its lab and later ones and kept for earlier ones or the other track; bad markers are
# refused with file and line; every lab of both tracks has a region in the real source,
# a handout and tests, and every test a grade list names exists. (make test's lab proofs,
# tools/lab-proof.sh, build, boot and grade the trees themselves.)
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ok=0
fail() { echo "$*"; ok=1; }

cat > "$dir/sample.c" <<'C'
int shared(int x)
{
    /* LAB vmx-4 svm-4 BEGIN: shared() */
    return x + 1;
    /* LAB vmx-4 svm-4 END */
}
int vmx_only(int x)
{
        /* LAB vmx-2 BEGIN: vmx_only() */
        return x * 2;
        /* LAB vmx-2 END */
}
C
out=$(tools/lab.sh stub vmx 3 "$dir/sample.c")
grep -q '^    lab_not_written("vmx-4", "shared()");$' <<< "$out" || fail "vmx 3: shared() not stubbed: $out"
grep -q 'return x + 1;' <<< "$out" && fail "vmx 3: shared()'s solution left in the tree"
grep -q '^        return x \* 2;$' <<< "$out" || fail "vmx 3: lab 2's solution (earlier) not kept"
grep -q 'LAB vmx-4 svm-4 BEGIN: shared()' <<< "$out" || fail "vmx 3: the markers must stay around the stub"
out=$(tools/lab.sh stub svm 1 "$dir/sample.c")
grep -q 'lab_not_written("svm-4", "shared()")' <<< "$out" || fail "svm 1: shared() not stubbed"
grep -q 'return x \* 2;' <<< "$out" || fail "svm 1: a vmx-only region must stay solved"
out=$(tools/lab.sh stub vmx 5 "$dir/sample.c")
grep -q 'lab_not_written' <<< "$out" && fail "vmx 5: labs 2 and 4 are solved there: $out"

printf 'int f(void)\n{\n    /* LAB vmx-1 BEGIN: f() */\n    return 0;\n}\n' > "$dir/open.c"
err=$(tools/lab.sh stub vmx 1 "$dir/open.c" 2>&1 > /dev/null) && fail "BEGIN without END accepted"
grep -q "open.c:3: BEGIN without END" <<< "$err" || fail "BEGIN without END: message '$err'"
printf '/* LAB vmx-1 END */\n' > "$dir/end.c"
err=$(tools/lab.sh stub vmx 1 "$dir/end.c" 2>&1 > /dev/null) && fail "END without BEGIN accepted"
grep -q "end.c:1: END without BEGIN" <<< "$err" || fail "END without BEGIN: message '$err'"
printf '/* LAB vmx1 BEGIN: f() */\n/* LAB vmx1 END */\n' > "$dir/tag.c"
tools/lab.sh stub vmx 1 "$dir/tag.c" > /dev/null 2>&1 && fail "a bad tag accepted"

tools/lab.sh check || fail "the real source's markers do not parse"
for track in vmx svm; do
    labs=$(ls labs/$track | sed -n 's/^\([0-9][0-9]*\)-.*\.md$/\1/p' | sort -n | tr '\n' ' ')
    [ "$(wc -w <<< "$labs")" -ge 6 ] || fail "$track: fewer than 6 labs ($labs)"
    for n in $labs; do
        tools/lab.sh regions $track | grep -q -E " ([a-z]+-[0-9]+ )*$track-$n( [a-z]+-[0-9]+)*: " ||
            fail "$track-$n: no marked region in the source"
        grep -q -E "^$n[[:space:]]" labs/$track/grade.list || fail "$track-$n: no test in labs/$track/grade.list"
    done
    while read -r lab points limit kind name; do
        [[ $points =~ ^[0-9]+$ && $limit =~ ^[0-9]+$ ]] || fail "$track grade.list: bad line '$lab $points $limit $kind $name'"
        case $kind in
        unit) [ -f "tests/unit/$name.c" ] || fail "$track grade.list: no unit test $name" ;;
        boot) [ -f "${name%@*}" ] || fail "$track grade.list: no boot spec ${name%@*}"
              tools/boottest.sh --dry-run "$name" > /dev/null || fail "$track grade.list: $name does not parse" ;;
        *) fail "$track grade.list: kind '$kind' (unit or boot)" ;;
        esac
    done < <(grep -v -E '^[[:space:]]*(#|$)' labs/$track/grade.list)
done
exit $ok
