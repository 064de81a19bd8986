#!/usr/bin/env bash
# boottest.sh - boot tests: boot hvlab as a spec says, check the serial transcript.
#
#   tools/boottest.sh SPEC [LOGDIR]        run SPEC on each of its emulators in turn
#   tools/boottest.sh SPEC@EMU [LOGDIR]    run SPEC on EMU only (one test result)
#   tools/boottest.sh --list SPEC...       print the runs, one SPEC@EMU per line (what
#                                          tools/test.sh hands to xargs -P)
#   tools/boottest.sh --dry-run SPEC@EMU [LOGDIR]   print the run's settings and command
#                                          line, boot nothing
#
# A spec (tests/boot/NAME.test) has one "key: value" per line; blank lines and "#"
# comments are ignored:
#   emu: EMU...     the emulators to run it on (bochs, qemu-svm, qemu, kvm; see run.sh),
#                   each one run being one test result. With one emulator the result is
#                   called NAME; with several, NAME@EMU ("PASS hello@bochs (12s)").
#   media: efi | iso | kernel   what to boot (default efi: build/hvlab.efi on a FAT
#                   image; iso: build/hvlab.iso; kernel: the file given by kernel: FILE,
#                   with append: ARGS, booted bare by QEMU; with initrd: FILE too, a
#                   Linux bzImage and its initramfs, booted by QEMU's Linux loader)
#   options: WORDS  hvlab's load options (media efi)
#   file: SRC:DST   an extra file on the boot volume (may repeat)
#   timeout: SECONDS  time limit (default 120)
#   ram: MIB        the emulator's RAM (default: run.sh's, 512; bare: 64), for a large mem=
#   status: N       hvlab's expected shutdown status (default 0); "any": not checked (a
#                   lab test reads the lines of its lab in a boot later labs may stop)
#   expect: TEXT    a transcript line expected, in order; reject: TEXT  a text never seen
#                   (see tools/check-transcript.sh)
#   tap: N [TAG]    the guest reports N tests in TAP: "1..N" and "ok 1".."ok N", no
#                   "not ok" (see tools/check-tap.sh); the PASS line counts them. TAG:
#                   read only the lines of the VM tagged "[TAG] " (several VMs)
#   output: TAG FILE  the lines of the VM tagged "[TAG] " (tag removed) are exactly the
#                   lines of FILE, "# " comment lines (measurements) left out on both
#                   sides (see tools/check-transcript.sh)
#   interleaved: A B  the lines of VMs [A] and [B] alternate (they shared the CPU)
#   balance: TEXT LOW-HIGH  the numbers after TEXT, one per line, each LOW..HIGH % of
#                   their sum (see tools/check-transcript.sh)
#   send: WAIT => LINE  type LINE and Enter (CR) on hvlab's serial console once WAIT has
#                   appeared in the transcript since the previous send: line began to be
#                   typed (an empty WAIT: at once); may repeat, typed in order. Ctrl-] may be written ^]
#                   (hvlab's input focus key). The serial line is then a TCP connection to
#                   tools/serial-chat.py, on a port the kernel picks (tests run in
#                   parallel), and the transcript lands in the log as with a file.
#                   Typed bytes are not lost when they come faster than the guest reads:
#                   hvlab moves a byte to the guest's UART only while it listens and has
#                   room, the emulator takes the next from the connection only when its
#                   own UART has room, and TCP holds the rest (measured: the 100-byte line
#                   of serial_input.test comes back whole with HVLAB_SEND_GAP_MS=0 in Bochs
#                   and QEMU). Typing is still paced, one byte every 20 ms
#                   (HVLAB_SEND_GAP_MS), as a fast typist would, a margin for a guest that
#                   drops input when busy; waiting for each byte's echo instead cannot
#                   work: hvlab prints a guest's lines whole, so no echo comes before Enter.
#                   Let each WAIT be what the previous line makes the guest print.
# Any key but emu: may be written KEY@EMU: for one emulator only. For a key with one
# value (media, options, timeout, ram, status, tap, kernel, append, initrd) it replaces
# KEY: on that emulator; expect@EMU:, reject@EMU: and file@EMU: lines add to the shared
# ones, and an expect@EMU: line takes its place in the order among the expect: lines. So
# a spec says once what is common to all emulators and per emulator only where they differ:
#   emu: bochs qemu-svm
#   expect: hvlab: warning: guest "hostile" stopped: HLT with interrupts disabled
#   expect@bochs: at exit reason 12 (HLT)
#   expect@qemu-svm: at exit reason 60 (VMEXIT_HLT)
#   timeout@bochs: 150
# A key or an @EMU that is not known is an error (a typo must not skip a check).
#
# Prints one line per run: "PASS NAME (EMU, 12s)" / "PASS NAME@EMU (12s)" (with "40 ok,
# 2 skipped" in the parentheses when the spec has tap:), or "FAIL NAME[@EMU]: why"
# followed by indented details. The transcript goes to LOGDIR/NAME[@EMU].log (LOGDIR
# defaults to build/logs). Exit status 0 if every run passed.
# HVLAB_RUN replaces tools/run.sh (the harness tests use a fake emulator).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RUN=${HVLAB_RUN:-$here/run.sh}
EMULATORS="bochs qemu-svm qemu kvm"
KEYS="emu media options file timeout ram status expect reject tap output interleaved balance kernel append initrd send"

# Reads the spec given as SPEC or SPEC@EMU: sets spec, emu (empty if not given), name.
parse_run() {
    spec=$1 emu=
    if [[ $1 == *.test@* ]]; then spec=${1%@*} emu=${1##*@}; fi
    name=$(basename "$spec" .test)
}

# The emulators the spec lists (empty if none).
spec_emus() { sed -n 's/^emu:[[:space:]]*//p' "$spec" | head -n 1; }

# Checks the spec's syntax; prints the first problem and returns 1.
spec_errors() {
    local emus line no=0 key at
    [ -f "$spec" ] || { echo "no spec file $spec"; return 1; }
    emus=$(spec_emus)
    [ -n "$emus" ] || { echo "$spec: no emu: line"; return 1; }
    for e in $emus; do
        [[ " $EMULATORS " == *" $e "* ]] || { echo "$spec: unknown emulator '$e' (known: $EMULATORS)"; return 1; }
    done
    while IFS= read -r line || [ -n "$line" ]; do
        no=$((no + 1))
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        if ! [[ $line =~ ^([a-z]+)(@([a-z0-9-]+))?: ]]; then
            echo "$spec:$no: not a 'key: value' line: $line"; return 1
        fi
        key=${BASH_REMATCH[1]} at=${BASH_REMATCH[3]}
        [[ " $KEYS " == *" $key "* ]] || { echo "$spec:$no: unknown key '$key:' (known: $KEYS)"; return 1; }
        [ -z "$at" ] || [ "$key" != emu ] || { echo "$spec:$no: emu: takes no @EMU"; return 1; }
        [ -z "$at" ] || [[ " $emus " == *" $at "* ]] ||
            { echo "$spec:$no: '$key@$at:' names an emulator the spec does not list (emu: $emus)"; return 1; }
    done < "$spec"
    return 0
}

# key NAME: the value of NAME@EMU: if the spec has one, else of NAME: (first line).
key() {
    local v
    v=$(sed -n "s/^$1@$emu:[[:space:]]*//p" "$spec" | head -n 1)
    [ -n "$v" ] || v=$(sed -n "s/^$1:[[:space:]]*//p" "$spec" | head -n 1)
    printf '%s' "$v"
}
# keys NAME: every value of NAME: and NAME@EMU:, one per line, in spec order.
keys() { sed -n -e "s/^$1:[[:space:]]*//p" -e "s/^$1@$emu:[[:space:]]*//p" "$spec"; }

# --list SPEC...: one SPEC@EMU line per run. A spec with an error (see spec_errors) is
# listed alone, so that running it reports the problem.
if [ "${1:-}" = --list ]; then
    shift
    for spec in "$@"; do
        emus=$(spec_emus 2>/dev/null)
        if [ -z "$emus" ] || ! spec_errors > /dev/null; then echo "$spec"; continue; fi
        for e in $emus; do echo "$spec@$e"; done
    done
    exit 0
fi

dry=0
if [ "${1:-}" = --dry-run ]; then dry=1; shift; fi
[ $# -ge 1 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
parse_run "$1"
logdir=${2:-build/logs}

if ! why=$(spec_errors); then
    echo "FAIL $name${emu:+@$emu}: bad spec: $why"
    exit 1
fi
emus=$(spec_emus)
set -- $emus
nemus=$#

# SPEC alone: every emulator in turn.
if [ -z "$emu" ]; then
    rc=0
    for e in $emus; do
        args=("$spec@$e" "$logdir")
        [ $dry = 0 ] || args=(--dry-run "${args[@]}")
        "$0" "${args[@]}" || rc=1
    done
    exit $rc
fi

[[ " $emus " == *" $emu "* ]] || { echo "FAIL $name@$emu: $spec lists only: $emus"; exit 1; }
[ "$nemus" = 1 ] || name=$name@$emu

media=$(key media) options=$(key options) timeout=$(key timeout) want_status=$(key status)
tap=$(key tap)
media=${media:-efi} timeout=${timeout:-120} want_status=${want_status:-0}
log=$logdir/$name.log

case $media in
kernel)
    cmd=("$RUN" --quiet --emu "$emu" --kernel "$(key kernel)" --append "$(key append)")
    [ -z "$(key initrd)" ] || cmd+=(--initrd "$(key initrd)")
    ;;
iso) cmd=("$RUN" --quiet --emu "$emu" --iso build/hvlab.iso) ;;
efi)
    cmd=("$RUN" --quiet --emu "$emu" --efi build/hvlab.efi --options "$options")
    while IFS= read -r f; do [ -z "$f" ] || cmd+=(--file "$f"); done < <(keys file)
    ;;
*) echo "FAIL $name: bad spec: media: '$media' (efi, iso or kernel)"; exit 1 ;;
esac
cmd+=(--log "$log" --timeout "$timeout")
while IFS= read -r s; do [ -z "$s" ] || cmd+=(--send "${s//^]/$'\x1d'}"); done < <(keys send)
ram=$(key ram)
[ -z "$ram" ] || cmd+=(--ram "$ram")
if [[ -n $tap && ! $tap =~ ^[0-9]+( [A-Za-z0-9_#-]+)?$ ]]; then echo "FAIL $name: bad spec: tap: '$tap' is not a number (and a tag)"; exit 1; fi

if [ $dry = 1 ]; then
    echo "run: $name"
    echo "emu: $emu"
    echo "timeout: $timeout"
    echo "status: $want_status"
    echo "tap: ${tap:-none}"
    echo "log: $log"
    echo "command: ${cmd[*]}"
    keys expect | sed 's/^/expect: /'
    keys reject | sed 's/^/reject: /'
    keys send | sed 's/^/send: /'
    exit 0
fi

mkdir -p "$logdir"
start=$(date +%s)
"${cmd[@]}" 2> "$log.err"
status=$?
secs=$(( $(date +%s) - start ))
# "(bochs, 12s)" for a spec with one emulator; "(12s)" after NAME@EMU.
when() { if [ "$nemus" = 1 ]; then echo "($emu, $*${secs}s)"; else echo "($*${secs}s)"; fi; }
indent() { sed 's/^/    /'; }

report=$("$here/check-transcript.sh" "$log" "$spec" "$emu")
checked=$?
tap_report= tap_ok=0
if [ -n "$tap" ]; then
    # shellcheck disable=SC2086 # "N TAG": two words
    tap_report=$("$here/check-tap.sh" "$log" $tap)
    tap_ok=$?
fi

if [ "$status" = 124 ]; then
    echo "FAIL $name: timed out after ${timeout}s $(when)"
    [ $checked = 0 ] || echo "$report" | indent
    [ $tap_ok = 0 ] || echo "$tap_report" | indent
    exit 1
fi
if [ "$want_status" != any ] && [ "$status" != "$want_status" ]; then
    echo "FAIL $name: hvlab ended with status $status, expected $want_status $(when)"
    indent < "$log.err"
    [ $checked = 0 ] || echo "$report" | indent
    [ $tap_ok = 0 ] || echo "$tap_report" | indent
    exit 1
fi
if [ $checked != 0 ] || [ $tap_ok != 0 ]; then
    if [ $checked != 0 ]; then why=$(echo "$report" | head -n 1); why=${why#check: }
    else why=$(echo "$tap_report" | head -n 1); fi
    echo "FAIL $name: $why $(when)"
    [ $checked = 0 ] || echo "$report" | indent
    [ $tap_ok = 0 ] || echo "$tap_report" | indent
    exit 1
fi
if [ -n "$tap" ]; then
    echo "PASS $name $(when "$(echo "$tap_report" | head -n 1), ")"
    echo "$tap_report" | tail -n +2 | indent
else
    echo "PASS $name $(when)"
fi
