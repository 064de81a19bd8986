#!/usr/bin/env bash
# `make gdb` (tools/gdb.sh): hvlab waits for the debugger, gdb attaches with the symbols
# loaded at the image base, releases hvlab, and hvlab runs on to its shutdown.
set -u
cd "$(dirname "$0")/../.."
out=$(printf 'info line efi_main\nprint hv_debugger_attached\ncontinue\nquit\n' |
      timeout 120 tools/gdb.sh build/hvlab.efi build/hvlab.so 2>&1)
echo "$out" | grep -q 'Line [0-9]* of "boot/efi_main.c" starts at address 0x[0-9a-f]* <efi_main' ||
    { echo "gdb has no symbols for efi_main:"; echo "$out" | tail; exit 1; }
echo "$out" | grep -q '\$1 = 1' || { echo "hv_debugger_attached was not set:"; echo "$out" | tail; exit 1; }
tr -d '\r' < build/logs/gdb.log | grep -q 'hvlab: shutdown: status' ||
    { echo "hvlab did not run on after gdb released it:"; tail -5 build/logs/gdb.log; exit 1; }
