#!/usr/bin/env bash
# gdb.sh HVLAB.efi HVLAB.so - debug hvlab in QEMU (TCG with AMD-V; KVM if available).
# hvlab is booted with the load option "gdb": it prints its image base and spins until a
# debugger sets hv_debugger_attached. This script waits for that line, then starts gdb
# with the symbols loaded at the right address, attached to QEMU's stub on :1234, and
# stopped in the wait loop: set breakpoints, then `continue`.
set -euo pipefail
efi=$1 so=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v gdb >/dev/null || { echo "gdb.sh: gdb is not installed: apt-get install gdb" >&2; exit 1; }
log=build/logs/gdb.log
emu=qemu-svm
if [ "$("$here/pick-emu.sh")" = kvm ]; then emu=kvm; fi
rm -f "$log" # a stale log would give a stale image base
# In its own session, so that ending it also ends QEMU (a QEMU left behind would keep
# port 1234, and the next gdb would attach to it).
setsid "$here/run.sh" --quiet --gdb --emu "$emu" --efi "$efi" --options "gdb ${OPTIONS:-}" \
    --log "$log" &
session=$!
trap 'kill -- -$session 2>/dev/null' EXIT
for _ in $(seq 1 120); do
    base=$(sed -n 's/.*add-symbol-file build\/hvlab.so -o \(0x[0-9a-f]*\).*/\1/p' "$log" 2>/dev/null | head -n 1 || true)
    if [ -n "$base" ]; then break; fi
    sleep 0.5
done
[ -n "$base" ] || { echo "gdb.sh: hvlab did not print its image base; see $log" >&2; exit 1; }
echo "gdb.sh: hvlab loaded at $base; serial console in $log"
gdb -q \
    -ex "add-symbol-file $so -o $base" \
    -ex "target remote localhost:1234" \
    -ex "set var hv_debugger_attached = 1" \
    -ex "echo hvlab is released from its wait loop; set breakpoints, then continue\n"
