#!/usr/bin/env bash
# deps.sh - make sure the Debian packages hvlab needs are installed.
# As root: installs what is missing (apt-get update first). Otherwise: prints the exact
# apt-get line and fails. Usage: tools/deps.sh [--check | --list]
set -euo pipefail

PACKAGES=(build-essential gnu-efi ovmf qemu-system-x86 bochs bochsbios vgabios mtools
          dosfstools grub-efi-amd64-bin grub-pc-bin grub-common xorriso libcmocka-dev gdb
          gnuplot-nox clang libclang-rt-dev patch cpio python3)
# patch: make bug plants its bug with it; cpio: make linux packs the initramfs with it;
# python3: tools/serial-chat.py (boot tests that type on the serial line). The harness
# test replaces the list to check the "missing package" path.
[ -z "${HVLAB_PACKAGES:-}" ] || read -r -a PACKAGES <<< "$HVLAB_PACKAGES"
# tools/doctor.sh checks the same list.
[ "${1:-}" != --list ] || { echo "${PACKAGES[*]}"; exit 0; }

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get update && apt-get install -y ${missing[*]}"
if [ "${1:-}" = "--check" ] || [ "$(id -u)" -ne 0 ]; then
    echo "hvlab: missing Debian packages: ${missing[*]}" >&2
    echo "hvlab: install them with:  sudo sh -c '$line'" >&2
    exit 1
fi
echo "hvlab: installing missing packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q "${missing[@]}" >&2
