#!/usr/bin/env bash
# Missing dependencies give one clear line and the command that fixes it, never a
# cryptic failure: a missing Debian package (as a non-root user, or with --check) and a
# missing OVMF firmware.
set -u
cd "$(dirname "$0")/../.."
ok=0
out=$(HVLAB_PACKAGES="bash hvlab-no-such-package" tools/deps.sh --check 2>&1)
[ $? = 1 ] || { echo "deps.sh --check did not fail on a missing package"; ok=1; }
echo "$out" | grep -q "missing Debian packages: hvlab-no-such-package$" || { echo "no 'missing' line: $out"; ok=1; }
echo "$out" | grep -q "apt-get update && apt-get install -y hvlab-no-such-package'" || { echo "no install line: $out"; ok=1; }
HVLAB_PACKAGES="bash" tools/deps.sh --check || { echo "deps.sh failed with nothing missing"; ok=1; }

out=$(HVLAB_OVMF=/nonexistent/OVMF.fd tools/run.sh --emu qemu --efi build/hvlab.efi --quiet 2>&1)
[ $? = 126 ] || { echo "run.sh without OVMF did not fail with 126"; ok=1; }
echo "$out" | grep -q "no OVMF firmware at /nonexistent/OVMF.fd: apt-get install ovmf" || { echo "no OVMF line: $out"; ok=1; }
out=$(tools/run.sh --emu vbox --efi build/hvlab.efi --quiet 2>&1)
echo "$out" | grep -q "unknown emulator 'vbox'" || { echo "no unknown-emulator line: $out"; ok=1; }
exit $ok
