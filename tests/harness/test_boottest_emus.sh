#!/usr/bin/env bash
# One spec, several emulators (tools/boottest.sh), without booting anything: a spec with
# "emu: bochs qemu-svm" is listed as two runs, each run sees the shared lines and only
# its own KEY@EMU lines, and each is one result named NAME@EMU with its own transcript.
# A fake emulator (HVLAB_RUN) writes a canned transcript per emulator; tap: is checked
# through it too. Typos in a spec (an unknown key, an @EMU the spec does not list) fail.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ok=0
fail() { echo "$*"; ok=1; }

# The fake emulator: takes run.sh's arguments, writes $dir/canned.EMU to the --log file
# and exits with the status in $dir/status.EMU (default 0), as run.sh would.
cat > "$dir/fake-run.sh" <<'FAKE'
#!/usr/bin/env bash
here=$(dirname "$0") emu= log=
while [ $# -gt 0 ]; do
    case $1 in --emu) emu=$2; shift 2 ;; --log) log=$2; shift 2 ;; --quiet) shift ;; *) shift 2 ;; esac
done
mkdir -p "$(dirname "$log")"
cp "$here/canned.$emu" "$log"
exit "$(cat "$here/status.$emu" 2>/dev/null || echo 0)"
FAKE
chmod +x "$dir/fake-run.sh"
export HVLAB_RUN=$dir/fake-run.sh

cat > "$dir/two.test" <<'SPEC'
# a spec for two emulators
emu: bochs qemu-svm
options: guest=hostile -- test=hlt
timeout: 60
timeout@bochs: 150
status: 1
expect: hvlab: launching guest
expect@bochs: at exit reason 12 (HLT)
expect@qemu-svm: at exit reason 60 (VMEXIT_HLT)
expect: hvlab: shutdown: status 1
reject: FATAL
reject@qemu-svm: injected
SPEC
printf 'emu: qemu\nexpect: hvlab: shutdown\n' > "$dir/one.test"
printf 'hvlab: launching guest "hostile"\r\nhvlab: warning:   at exit reason 12 (HLT)\r\nhvlab: #UD injected\r\nhvlab: shutdown: status 1 (guest failed)\r\n' > "$dir/canned.bochs"
printf 'hvlab: launching guest "hostile"\r\nhvlab: warning:   at exit reason 60 (VMEXIT_HLT)\r\nhvlab: shutdown: status 1 (guest failed)\r\n' > "$dir/canned.qemu-svm"
printf 'hvlab: shutdown: status 0 (ok)\r\n' > "$dir/canned.qemu"
echo 1 > "$dir/status.bochs"
echo 1 > "$dir/status.qemu-svm"

# --list: one line per (spec, emulator).
list=$(tools/boottest.sh --list "$dir/two.test" "$dir/one.test")
want=$(printf '%s\n' "$dir/two.test@bochs" "$dir/two.test@qemu-svm" "$dir/one.test@qemu")
[ "$list" = "$want" ] || fail "--list gave:" "$list"

# --dry-run: the settings each run sees.
out=$(tools/boottest.sh --dry-run "$dir/two.test@bochs" "$dir/logs")
for w in "run: two@bochs" "emu: bochs" "timeout: 150" "status: 1" "log: $dir/logs/two@bochs.log" \
         "--emu bochs" "--options guest=hostile -- test=hlt" "expect: at exit reason 12 (HLT)" "reject: FATAL"; do
    grep -q -F -- "$w" <<< "$out" || fail "dry run on bochs lacks '$w':" "$out"
done
! grep -q -e VMEXIT_HLT -e injected <<< "$out" || fail "dry run on bochs shows qemu-svm lines:" "$out"
out=$(tools/boottest.sh --dry-run "$dir/two.test@qemu-svm" "$dir/logs")
for w in "run: two@qemu-svm" "timeout: 60" "expect: at exit reason 60 (VMEXIT_HLT)" "reject: injected"; do
    grep -q -F -- "$w" <<< "$out" || fail "dry run on qemu-svm lacks '$w':" "$out"
done
! grep -q -F '(HLT)' <<< "$out" || fail "dry run on qemu-svm shows a bochs line:" "$out"
# A spec with one emulator keeps its plain name.
out=$(tools/boottest.sh --dry-run "$dir/one.test" "$dir/logs")
grep -q -x "run: one" <<< "$out" && grep -q -F "log: $dir/logs/one.log" <<< "$out" ||
    fail "a one-emulator spec is not named plainly:" "$out"

# Running: SPEC alone runs every emulator; each is one result with its own transcript.
# Here reject@qemu-svm: injected must not fail the bochs run, whose transcript has it.
out=$(tools/boottest.sh "$dir/two.test" "$dir/logs") || fail "two.test failed:" "$out"
[ "$(grep -c '^PASS' <<< "$out")" = 2 ] || fail "not two PASS lines:" "$out"
grep -q -E '^PASS two@bochs \([0-9]+s\)$' <<< "$out" || fail "no 'PASS two@bochs (Ns)':" "$out"
grep -q -E '^PASS two@qemu-svm \([0-9]+s\)$' <<< "$out" || fail "no 'PASS two@qemu-svm (Ns)':" "$out"
[ -f "$dir/logs/two@bochs.log" ] && [ -f "$dir/logs/two@qemu-svm.log" ] || fail "no transcripts NAME@EMU.log:" "$(ls "$dir/logs")"
out=$(tools/boottest.sh "$dir/one.test@qemu" "$dir/logs") || fail "one.test failed:" "$out"
grep -q -E '^PASS one \(qemu, [0-9]+s\)$' <<< "$out" || fail "no 'PASS one (qemu, Ns)':" "$out"

# An @EMU expectation fails only its own emulator's run, which names it.
cp "$dir/canned.bochs" "$dir/canned.qemu-svm"
if out=$(tools/boottest.sh "$dir/two.test" "$dir/logs"); then fail "a missing expect@qemu-svm line passed:" "$out"; fi
grep -q '^PASS two@bochs' <<< "$out" || fail "the bochs run should still pass:" "$out"
grep -q -F "FAIL two@qemu-svm: missing expected line ($dir/two.test:9): 'at exit reason 60 (VMEXIT_HLT)'" <<< "$out" ||
    fail "no FAIL line naming the qemu-svm line:" "$out"
# status@EMU and a wrong status.
echo 0 > "$dir/status.qemu-svm"
out=$(tools/boottest.sh "$dir/two.test@qemu-svm" "$dir/logs")
grep -q -F "FAIL two@qemu-svm: hvlab ended with status 0, expected 1" <<< "$out" || fail "no status failure:" "$out"
printf 'status@qemu-svm: 0\n' >> "$dir/two.test"
out=$(tools/boottest.sh --dry-run "$dir/two.test@qemu-svm" "$dir/logs")
grep -q -x "status: 0" <<< "$out" || fail "status@qemu-svm: 0 not applied:" "$out"

# tap: N through boottest: the summary goes into the PASS line; a not ok fails the run.
printf 'emu: bochs qemu-svm\ntap: 3\nexpect: hvlab: shutdown: status 0\n' > "$dir/conform.test"
printf '[guest] 1..3\r\n[guest] ok 1 - a\r\n[guest] ok 2 - b # SKIP no b\r\n[guest] ok 3 - c\r\nhvlab: shutdown: status 0 (ok)\r\n' > "$dir/canned.bochs"
printf '[guest] 1..3\r\n[guest] ok 1 - a\r\n[guest] not ok 2 - b\r\n[guest] # b was 2\r\n[guest] ok 3 - c\r\nhvlab: shutdown: status 0 (ok)\r\n' > "$dir/canned.qemu-svm"
rm -f "$dir/status.bochs" "$dir/status.qemu-svm"
out=$(tools/boottest.sh "$dir/conform.test" "$dir/logs")
grep -q -E '^PASS conform@bochs \(3 ok, 1 skipped, [0-9]+s\)$' <<< "$out" || fail "no 'PASS conform@bochs (3 ok, 1 skipped, Ns)':" "$out"
grep -q -F 'skipped: ok 2 - b # SKIP no b' <<< "$out" || fail "the skipped test is not listed:" "$out"
grep -q -F 'FAIL conform@qemu-svm: TAP: 1 not ok' <<< "$out" || fail "no TAP failure on qemu-svm:" "$out"
grep -q -F '# b was 2' <<< "$out" || fail "the not ok's diagnostic is not shown:" "$out"

# Spec typos are failures, not silently skipped checks.
printf 'emu: bochs\nexpcet: hvlab\n' > "$dir/typo.test"
out=$(tools/boottest.sh "$dir/typo.test" "$dir/logs")
grep -q -F "FAIL typo: bad spec: $dir/typo.test:2: unknown key 'expcet:'" <<< "$out" || fail "unknown key not reported:" "$out"
printf 'emu: bochs\nexpect@qemu-svm: hvlab\n' > "$dir/other.test"
out=$(tools/boottest.sh "$dir/other.test" "$dir/logs")
grep -q -F "'expect@qemu-svm:' names an emulator the spec does not list" <<< "$out" || fail "foreign @EMU not reported:" "$out"
printf 'emu: bochs qemu-svn\n' > "$dir/badem.test"
[ "$(tools/boottest.sh --list "$dir/badem.test")" = "$dir/badem.test" ] || fail "a bad spec is not listed alone"
out=$(tools/boottest.sh "$dir/badem.test" "$dir/logs")
grep -q -F "FAIL badem: bad spec: $dir/badem.test: unknown emulator 'qemu-svn'" <<< "$out" || fail "unknown emulator not reported:" "$out"
out=$(tools/boottest.sh "$dir/one.test@bochs" "$dir/logs")
grep -q -F "FAIL one@bochs: $dir/one.test lists only: qemu" <<< "$out" || fail "a run on an unlisted emulator not refused:" "$out"

# The real specs are all well-formed.
for s in $(tools/boottest.sh --list tests/boot/*.test | grep -v @); do
    fail "bad spec: $(tools/boottest.sh "$s")"
done
exit $ok
