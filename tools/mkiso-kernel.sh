#!/usr/bin/env bash
# mkiso-kernel.sh OUT.iso KERNEL.elf [ARGS] - a BIOS-only GRUB image that boots one Multiboot
# kernel bare, for emulators without a built-in Multiboot loader (Bochs: tools/run.sh
# --emu bochs --kernel FILE). The menu has one entry, no timeout and no GRUB output on the
# serial port, so the kernel's own lines are all the transcript holds.
# Needs grub-mkrescue (grub-common), grub-pc-bin and xorriso.
set -euo pipefail
out=$1 kernel=$2 args=${3:-}
GRUB_BIOS_DIR=/usr/lib/grub/i386-pc
[ -d "$GRUB_BIOS_DIR" ] || { echo "mkiso-kernel.sh: no $GRUB_BIOS_DIR: apt-get install grub-pc-bin" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage" "$stage.log"' EXIT
name=$(basename "$kernel")
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/$name"
cat > "$stage/boot/grub/grub.cfg" <<CFG
# Written by tools/mkiso-kernel.sh: boot $name at once.
set timeout=0
set default=0
menuentry "$name" {
    multiboot /$name $args
    boot
}
CFG
grub-mkrescue -d "$GRUB_BIOS_DIR" -o "$out" "$stage" 2>"$stage.log" || { cat "$stage.log" >&2; exit 1; }
