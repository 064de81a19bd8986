#!/usr/bin/env bash
# A boot that does not finish in time must be cut off and reported as a failure, with
# the transcript tail. (QEMU with a 2 s limit cannot even reach hvlab.)
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'emu: qemu\ntimeout: 2\nexpect: hvlab: shutdown\n' > "$dir/hang.test"
start=$(date +%s)
if out=$(tools/boottest.sh "$dir/hang.test" "$dir/logs"); then
    echo "boottest passed a boot that timed out:"; echo "$out"; exit 1
fi
echo "$out" | grep -q 'FAIL hang: timed out after 2s' || { echo "no timeout report:"; echo "$out"; exit 1; }
echo "$out" | grep -q "missing expected line" || { echo "no missing-line report:"; echo "$out"; exit 1; }
[ $(( $(date +%s) - start )) -lt 20 ] || { echo "the time limit did not cut the boot"; exit 1; }
