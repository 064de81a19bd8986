#!/usr/bin/env bash
# mkesp.sh OUT.img HVLAB.efi [OPTIONS [SRC:DST...]] - a FAT EFI system partition image
# that firmware boots with no shell: hvlab.efi as \EFI\BOOT\BOOTX64.EFI, OPTIONS (if not
# empty) in \hvlab.cfg, which hvlab reads as its command line, and each extra file SRC
# copied to the path DST (e.g. build/guest/hello.elf:/guests/mine.elf). guest=linux's
# files, vmlinuz and initrd.img of build/linux/ (`make linux`; HVLAB_LINUX_DIR names
# another folder), go to \linux\ when they exist and no SRC:DST put a file there.
set -euo pipefail
out=$1 efi=$2 options=${3:-}
shift $(($# < 3 ? $# : 3))
ESP_SIZE_MIB=64 # FAT32 needs at least ~33 MiB; 64 is the documented safe size
rm -f "$out"
dd if=/dev/zero of="$out" bs=1M count=0 seek=$ESP_SIZE_MIB status=none
mformat -i "$out" -F ::
mmd -i "$out" ::/EFI ::/EFI/BOOT
mcopy -i "$out" "$efi" ::/EFI/BOOT/BOOTX64.EFI
if [ -n "$options" ]; then
    cfg=$(mktemp)
    printf '# hvlab command line (written by tools/mkesp.sh)\n%s\n' "$options" > "$cfg"
    mcopy -i "$out" "$cfg" ::/hvlab.cfg
    rm -f "$cfg"
fi
for spec in "$@"; do
    src=${spec%%:*} dst=${spec#*:}
    [ -f "$src" ] || { echo "mkesp.sh: no such file: $src" >&2; exit 1; }
    dir=$(dirname "$dst")
    [ "$dir" = / ] || mmd -i "$out" "::$dir" 2>/dev/null || true
    mcopy -i "$out" "$src" "::$dst"
done
linux_dir=${HVLAB_LINUX_DIR:-$(dirname "$efi")/linux}
for f in vmlinuz initrd.img; do
    [ -f "$linux_dir/$f" ] || continue
    mdir -i "$out" "::/linux/$f" >/dev/null 2>&1 && continue # a SRC:DST file wins
    mmd -i "$out" ::/linux 2>/dev/null || true
    mcopy -i "$out" "$linux_dir/$f" "::/linux/$f"
done
