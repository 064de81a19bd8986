#!/usr/bin/env bash
# The transcript checker must pass a good transcript and fail, saying why, when an
# expected line is missing, out of order, or a rejected line is present; lines for one
# emulator (expect@EMU:, reject@EMU:) count only on that emulator; and for several VMs,
# output: (a VM's lines equal a file), interleaved: and balance: hold or fail as said.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'hvlab 0.1\r\nhvlab: memory map: 3 regions\r\n[guest] hello\r\nhvlab: shutdown: status 0 (ok)\r\n' > "$dir/t.log"
printf 'emu: bochs\nexpect: hvlab 0.1\nexpect: memory map\nexpect: [guest] hello\nexpect: shutdown: status 0\nreject: FATAL\n' > "$dir/good.test"
ok=0
must_pass() { tools/check-transcript.sh "$dir/t.log" "$1" > "$dir/out" || { echo "should pass: $1"; cat "$dir/out"; ok=1; }; }
must_fail() { # SPEC WORDS-IN-REPORT
    if tools/check-transcript.sh "$dir/t.log" "$1" > "$dir/out"; then echo "should fail: $1"; ok=1; return; fi
    grep -q -F "$2" "$dir/out" || { echo "report lacks '$2':"; cat "$dir/out"; ok=1; }
    grep -q -F '  | hvlab: shutdown' "$dir/out" || { echo "report lacks the transcript tail"; ok=1; }
}
must_pass "$dir/good.test"
# Remove one expected line from the transcript: the check must name it.
grep -v 'guest' "$dir/t.log" > "$dir/t2.log" && mv "$dir/t2.log" "$dir/t.log"
must_fail "$dir/good.test" "missing expected line ($dir/good.test:4): '[guest] hello'"
printf 'hvlab 0.1\r\nhvlab: memory map: 3 regions\r\n[guest] hello\r\nhvlab: shutdown: status 0 (ok)\r\n' > "$dir/t.log"
printf 'expect: shutdown: status 0\nexpect: memory map\n' > "$dir/order.test"
must_fail "$dir/order.test" "expected line out of order"
printf 'expect: hvlab 0.1\nreject: [guest]\n' > "$dir/reject.test"
must_fail "$dir/reject.test" "rejected text found"
# Several expectations may match along one line, in order; reversed, they must fail.
printf 'expect: hvlab: memory\nexpect: 3 regions\n' > "$dir/sameline.test"
must_pass "$dir/sameline.test"
printf 'expect: 3 regions\nexpect: hvlab: memory\nexpect: shutdown\n' > "$dir/sameline_rev.test"
must_fail "$dir/sameline_rev.test" "expected line out of order"
# expect@EMU: / reject@EMU: lines count only when checking a run on EMU, in their place
# among the shared lines.
must_pass_on() { # EMU SPEC
    tools/check-transcript.sh "$dir/t.log" "$2" "$1" > "$dir/out" || { echo "should pass on $1: $2"; cat "$dir/out"; ok=1; }
}
must_fail_on() { # EMU SPEC WORDS-IN-REPORT
    if tools/check-transcript.sh "$dir/t.log" "$2" "$1" > "$dir/out"; then echo "should fail on $1: $2"; ok=1; return; fi
    grep -q -F "$3" "$dir/out" || { echo "report lacks '$3':"; cat "$dir/out"; ok=1; }
}
printf 'emu: bochs qemu-svm\nexpect: hvlab 0.1\nexpect@bochs: [guest] hello\nexpect@qemu-svm: VMEXIT_HLT\nexpect: shutdown\nreject@qemu-svm: memory map\n' > "$dir/emus.test"
must_pass_on bochs "$dir/emus.test"
must_fail_on qemu-svm "$dir/emus.test" "missing expected line ($dir/emus.test:4): 'VMEXIT_HLT'"
must_pass "$dir/emus.test" # no emulator named: only the shared lines
sed -i '/VMEXIT_HLT/d' "$dir/emus.test"
must_fail_on qemu-svm "$dir/emus.test" "rejected text found ($dir/emus.test:5): 'memory map'"
printf 'expect: hvlab 0.1\nexpect@bochs: memory\nexpect: 3 regions\nexpect@bochs: [guest] hello\n' > "$dir/emu_order.test"
must_pass_on bochs "$dir/emu_order.test"
printf 'expect: [guest] hello\nexpect@bochs: memory map\n' > "$dir/emu_order2.test"
must_fail_on bochs "$dir/emu_order2.test" "expected line out of order"
# Several VMs: output:, interleaved:, balance:.
printf 'hvlab 0.1\r\n[a] one\r\n[b] done: 50\r\n[a] # 12 ms\r\n[a] two\r\n[b] x\r\n[a] done: 55\r\nhvlab: shutdown: status 0 (ok)\r\n' > "$dir/t.log"
printf '# reference\none\ntwo\ndone: 55\n' > "$dir/a.out"
printf 'output: a %s\ninterleaved: a b\nbalance: done: 45-55\n' "$dir/a.out" > "$dir/vms.test"
must_pass "$dir/vms.test"
printf 'one\ndone: 55\n' > "$dir/a.out"
must_fail "$dir/vms.test" "the lines of [a] differ from $dir/a.out"
printf 'one\ntwo\ndone: 55\n' > "$dir/a.out"
printf 'interleaved: a c\n' > "$dir/il.test"
must_fail "$dir/il.test" "the lines of [a] and [c] switch 0 times"
printf 'balance: done: 49-51\n' > "$dir/bal.test"
must_fail "$dir/bal.test" "not all within 49-51%"
printf 'balance: nothing: 45-55\n' > "$dir/bal2.test"
must_fail "$dir/bal2.test" "fewer than two lines hold it"
exit $ok
