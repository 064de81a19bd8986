#!/usr/bin/env bash
# boottest.sh SPEC [LOGDIR] - one boot test: boot as the spec says, check the transcript.
#
# Spec keys (tests/boot/NAME.test): emu: EMU | media: efi, iso or kernel (with kernel:
# FILE and append: ARGS, booted bare by QEMU) | options: WORDS | file: SRC:DST (an extra
# file on the boot volume; the key may repeat) |
# timeout: SECONDS | status: N (hvlab's expected shutdown status) | expect:/reject: lines
# (see tools/check-transcript.sh). Prints one "PASS NAME (Ns)" or "FAIL NAME: why" line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
spec=$1 logdir=${2:-build/logs}
name=$(basename "$spec" .test)
key() { sed -n "s/^$1:[[:space:]]*//p" "$spec" | head -n 1; }

emu=$(key emu) media=$(key media) options=$(key options) timeout=$(key timeout)
want_status=$(key status)
media=${media:-efi} timeout=${timeout:-120} want_status=${want_status:-0}
mkdir -p "$logdir"
log=$logdir/$name.log

start=$(date +%s)
if [ "$media" = kernel ]; then
    "$here/run.sh" --quiet --emu "$emu" --kernel "$(key kernel)" --append "$(key append)" \
        --log "$log" --timeout "$timeout" 2> "$log.err"
elif [ "$media" = iso ]; then
    "$here/run.sh" --quiet --emu "$emu" --iso build/hvlab.iso --log "$log" --timeout "$timeout" 2> "$log.err"
else
    file_args=()
    while read -r f; do [ -z "$f" ] || file_args+=(--file "$f"); done < <(sed -n 's/^file:[[:space:]]*//p' "$spec")
    "$here/run.sh" --quiet --emu "$emu" --efi build/hvlab.efi --options "$options" \
        ${file_args[@]+"${file_args[@]}"} --log "$log" --timeout "$timeout" 2> "$log.err"
fi
status=$?
secs=$(( $(date +%s) - start ))

report=$("$here/check-transcript.sh" "$log" "$spec")
checked=$?
if [ "$status" = 124 ]; then
    echo "FAIL $name: timed out after ${timeout}s ($emu)"
    echo "$report" | sed 's/^/    /'
    exit 1
fi
if [ "$status" != "$want_status" ]; then
    echo "FAIL $name: hvlab ended with status $status, expected $want_status ($emu, ${secs}s)"
    sed 's/^/    /' "$log.err"
    [ $checked = 0 ] || echo "$report" | sed 's/^/    /'
    exit 1
fi
if [ $checked != 0 ]; then
    echo "FAIL $name ($emu, ${secs}s)"
    echo "$report" | sed 's/^/    /'
    exit 1
fi
echo "PASS $name ($emu, ${secs}s)"
