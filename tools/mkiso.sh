#!/usr/bin/env bash
# mkiso.sh OUT.iso HVLAB.efi GRUB.cfg - a GRUB rescue image (BIOS and UEFI) whose menu
# chainloads hvlab.efi with different load options. Needs grub-mkrescue and xorriso.
set -euo pipefail
out=$1 efi=$2 cfg=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/EFI/hvlab" "$stage/boot/grub"
cp "$efi" "$stage/EFI/hvlab/hvlab.efi"
cp "$cfg" "$stage/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$stage" 2>"$stage.log" || { cat "$stage.log" >&2; exit 1; }
rm -f "$stage.log"
echo "built $out ($(stat -c %s "$out") bytes)"
