#!/usr/bin/env bash
# linux-fetch.sh - build/linux/: Debian 12's own cloud kernel and a busybox initramfs,
# the Linux guest of hvlab (and of the bare comparison boots). `make linux` runs it.
#
#   tools/linux-fetch.sh [OUTDIR]        OUTDIR defaults to build/linux (a relative
#                                        one is taken from the project root)
#
# Takes two Debian packages with `apt-get download` (its only network use; works as a
# normal user, but needs apt's package lists: `apt-get update` once):
#   linux-image-6.1.*-cloud-amd64   the kernel the metapackage linux-image-cloud-amd64
#                                   depends on (apt-cache depends names it)
#   busybox-static                  one static binary holding every command /init needs
# and makes from those alone (no kernel rebuilt, nothing patched):
#   OUTDIR/vmlinuz      the package's bzImage, as shipped
#   OUTDIR/config       its kernel configuration
#   OUTDIR/release      its release string, what `uname -r` prints in the guest
#   OUTDIR/initrd.img   the initramfs (cpio newc, gzip): busybox, a link per busybox
#                       command, /init (a copy of guest/linux/init), empty /dev /proc
#                       /sys /tmp
#   OUTDIR/debs/        the two packages used, as PACKAGE.deb
# Prints the kernel release and each package's version, size and sha256.
# Idempotent: when the packages apt's index names are the ones in OUTDIR/debs (same
# sha256) and the outputs were made from them and from the current guest/linux/init and
# this script, it downloads and rebuilds nothing. The same inputs give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-build/linux}
KERNEL_META=linux-image-cloud-amd64
BUSYBOX_PKG=busybox-static
INIT_SCRIPT=guest/linux/init
SELF=tools/linux-fetch.sh

say() { echo "linux: $*"; }
die() { echo "linux-fetch.sh: $*" >&2; exit 1; }

command -v apt-get > /dev/null || die "needs apt (Debian 12)"
command -v cpio > /dev/null || die "cpio is not installed: run tools/deps.sh (make deps)"

# The package the metapackage depends on, from apt's local index (no network).
image_pkg=$(apt-cache depends "$KERNEL_META" 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
[ -n "$image_pkg" ] ||
    die "apt knows no $KERNEL_META depending on a linux-image-6.1.*-cloud-amd64: run 'apt-get update' (as root) first"

# The candidate versions' entries in apt's index, read once (apt-cache takes about a
# second per call where apt keeps no binary cache, as in Debian's container images).
index=$(apt-cache show --no-all-versions "$image_pkg" "$BUSYBOX_PKG")
# field PACKAGE NAME: the value of field NAME in PACKAGE's entry.
field() {
    awk -v pkg="$1" -v name="$2" 'BEGIN { RS = ""; FS = "\n" }
        $1 == "Package: " pkg { for (i = 1; i <= NF; i++) if (index($i, name ": ") == 1) {
            print substr($i, length(name) + 3); exit } }' <<< "$index"
}
sha256() { sha256sum "$1" | cut -d ' ' -f 1; }

mkdir -p "$OUT/debs"
work=$(mktemp -d "$OUT/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE: OUT/debs/PACKAGE.deb is the candidate version apt's index names (its
# SHA256), downloaded unless the one there already is.
fetch() {
    local pkg=$1 deb=$OUT/debs/$1.deb want got
    want=$(field "$pkg" SHA256)
    [ -n "$want" ] || die "apt's index has no SHA256 for $pkg"
    if [ -f "$deb" ] && [ "$(sha256 "$deb")" = "$want" ]; then return 0; fi
    say "downloading $pkg $(field "$pkg" Version)"
    local sandbox=()
    # As root, apt drops to the _apt user to download, which cannot write here.
    [ "$(id -u)" != 0 ] || sandbox=(-o APT::Sandbox::User=root)
    (cd "$work" && apt-get download -q "${sandbox[@]}" "$pkg") || die "apt-get download $pkg failed"
    mv "$work/${pkg}"_*.deb "$deb"
    got=$(sha256 "$deb")
    [ "$got" = "$want" ] || die "$deb: sha256 $got, apt's index says $want"
}
fetch "$image_pkg"
fetch "$BUSYBOX_PKG"
image_deb=$OUT/debs/$image_pkg.deb
busybox_deb=$OUT/debs/$BUSYBOX_PKG.deb

# What the outputs are made from; they are current when the stamp holds the same lines.
stamp=$OUT/inputs.sha256
inputs=$(sha256sum "$image_deb" "$busybox_deb" "$INIT_SCRIPT" "$SELF")
outputs=("$OUT/vmlinuz" "$OUT/config" "$OUT/release" "$OUT/initrd.img")
current=1
for f in "${outputs[@]}" "$stamp"; do [ -f "$f" ] || current=0; done
[ $current = 0 ] || [ "$(cat "$stamp")" = "$inputs" ] || current=0

# ---- building --------------------------------------------------------------------------
if [ $current = 0 ]; then
    say "unpacking $image_pkg and $BUSYBOX_PKG"
    mkdir -p "$work/image" "$work/busybox" "$work/root"
    dpkg-deb --fsys-tarfile "$image_deb" | tar -x -C "$work/image" --wildcards './boot/*'
    dpkg-deb --fsys-tarfile "$busybox_deb" | tar -x -C "$work/busybox" ./bin/busybox
    vmlinuz=$(ls "$work"/image/boot/vmlinuz-*)
    release=${vmlinuz##*/vmlinuz-}
    [ -f "$work/image/boot/config-$release" ] || die "$image_deb has no /boot/config-$release"
    # The kernel opens /dev/console for /init before anything is mounted. The node comes
    # from the kernel's own built-in initramfs (unpacked before ours), which is the
    # default one (/dev, /dev/console, /root) when CONFIG_INITRAMFS_SOURCE is empty; GNU
    # cpio could only archive a node that exists, and making one needs root.
    grep -qx 'CONFIG_INITRAMFS_SOURCE=""' "$work/image/boot/config-$release" ||
        die "$image_pkg has its own built-in initramfs: /dev/console may be missing"

    # The initramfs tree: busybox, one symbolic link per command at the path busybox
    # lists for it (bin/sh, sbin/poweroff, usr/bin/...), /init, mount points.
    root=$work/root
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp}
    install -m 0755 "$work/busybox/bin/busybox" "$root/bin/busybox"
    "$root/bin/busybox" --list-full | while read -r cmd; do
        [ -e "$root/$cmd" ] || ln -s /bin/busybox "$root/$cmd"
    done
    install -m 0755 "$INIT_SCRIPT" "$root/init"
    chmod 1777 "$root/tmp"
    # Fixed times and owners and a sorted list: the same inputs give the same archive.
    find "$root" -exec touch -h -d @0 {} +
    (cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9 -n) > "$work/initrd.img"

    cp "$vmlinuz" "$work/vmlinuz"
    cp "$work/image/boot/config-$release" "$work/config"
    echo "$release" > "$work/release"
    for f in vmlinuz config release initrd.img; do mv "$work/$f" "$OUT/$f"; done
    echo "$inputs" > "$stamp"
fi

# ---- what was used ---------------------------------------------------------------------
say "kernel $(cat "$OUT/release") ($OUT/vmlinuz, $(stat -c %s "$OUT/vmlinuz") bytes)"
for pkg in "$image_pkg" "$BUSYBOX_PKG"; do
    deb=$OUT/debs/$pkg.deb
    say "package $pkg $(field "$pkg" Version), $(stat -c %s "$deb") bytes, sha256 $(field "$pkg" SHA256)"
done
say "initramfs $OUT/initrd.img, $(stat -c %s "$OUT/initrd.img") bytes, sha256 $(sha256 "$OUT/initrd.img")"
[ $current = 0 ] || say "up to date (nothing downloaded or rebuilt)"
