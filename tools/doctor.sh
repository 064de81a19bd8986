#!/usr/bin/env bash
# doctor.sh - can this host build and run hvlab's labs? Checks the Debian packages, the
# firmware, GNU-EFI, Bochs and QEMU, the CPU's VT-x/AMD-V, KVM and nesting: one line per
# check, "ok" or "PROBLEM" with a "fix:" line below it. Then which lab tracks run here and
# in which emulator. Exit status 0 when both tracks (vmx, svm) can run here, 1 otherwise.
#
# Every input can be replaced, so that tests/harness/test_doctor.sh stays off the real host:
#   HVLAB_CPUINFO (/proc/cpuinfo), HVLAB_KVM_DEV (/dev/kvm), HVLAB_SYSFS (/sys),
#   HVLAB_PACKAGES (as tools/deps.sh), HVLAB_DPKG_QUERY (dpkg-query), HVLAB_OVMF (as run.sh),
#   HVLAB_BOCHS (bochs), HVLAB_BOCHS_SHARE (/usr/share/bochs), BOCHS_CPU (as run.sh),
#   HVLAB_QEMU (qemu-system-x86_64), HVLAB_KVM_PROBE_S (3; 0 skips the KVM boot probe),
#   EFI_INC, EFI_LDS, EFI_CRT0, EFI_LIBDIR (`make doctor` passes the Makefile's own).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cpuinfo=${HVLAB_CPUINFO:-/proc/cpuinfo}
kvm_dev=${HVLAB_KVM_DEV:-/dev/kvm}
sysfs=${HVLAB_SYSFS:-/sys}
dpkg_query=${HVLAB_DPKG_QUERY:-dpkg-query}
ovmf=${HVLAB_OVMF:-/usr/share/ovmf/OVMF.fd}
bochs=${HVLAB_BOCHS:-bochs}
bochs_share=${HVLAB_BOCHS_SHARE:-/usr/share/bochs}
bochs_cpu=${BOCHS_CPU:-corei7_haswell_4770}
qemu=${HVLAB_QEMU:-qemu-system-x86_64}
probe_s=${HVLAB_KVM_PROBE_S:-3}
efi_inc=${EFI_INC:-/usr/include/efi}
efi_lds=${EFI_LDS:-/usr/lib/elf_x86_64_efi.lds}
efi_crt0=${EFI_CRT0:-/usr/lib/crt0-efi-x86_64.o}
efi_libdir=${EFI_LIBDIR:-/usr/lib}
user=${SUDO_USER:-$(id -un)}

problems=0
ok() { printf 'ok       %s\n' "$1"; }
problem() { # problem WHAT FIX
    printf 'PROBLEM  %s\n         fix: %s\n' "$1" "$2"
    problems=$((problems + 1))
}
install_fix() { echo "sudo sh -c 'apt-get update && apt-get install -y $*'"; }

# ---- packages and files ------------------------------------------------------------------
echo "== packages and firmware =="
build_ok=1
read -r -a packages <<< "$("$here/deps.sh" --list)"
missing=()
for p in "${packages[@]}"; do
    "$dpkg_query" -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
    ok "Debian packages: all ${#packages[@]} that tools/deps.sh lists are installed"
else
    problem "Debian packages missing: ${missing[*]}" "$(install_fix "${missing[@]}")"
    build_ok=0
fi

if [ -f "$ovmf" ]; then ok "OVMF firmware: $ovmf"; else
    problem "no OVMF firmware at $ovmf (run.sh boots every emulator with it)" "$(install_fix ovmf)"
    build_ok=0
fi

efi_missing=()
for f in "$efi_inc/efi.h" "$efi_inc/x86_64/efibind.h" "$efi_lds" "$efi_crt0" \
         "$efi_libdir/libgnuefi.a" "$efi_libdir/libefi.a"; do
    [ -f "$f" ] || efi_missing+=("$f")
done
if [ ${#efi_missing[@]} = 0 ]; then ok "GNU-EFI headers, linker script, crt0 and libraries"; else
    problem "GNU-EFI files missing (the Makefile links with them): ${efi_missing[*]}" \
        "sudo apt-get install --reinstall gnu-efi"
    build_ok=0
fi

# ---- emulators ---------------------------------------------------------------------------
echo "== emulators =="
bochs_ok=0
if ! bochs_path=$(command -v "$bochs"); then
    problem "bochs is not installed (the vmx track runs in it)" "$(install_fix bochs bochsbios vgabios)"
else
    # Debian's /usr/bin/bochs is a wrapper script around bochs-bin, which holds the code.
    bochs_bin=$bochs_path
    [ ! -f "$(dirname "$bochs_path")/bochs-bin" ] || bochs_bin=$(dirname "$bochs_path")/bochs-bin
    models=$(timeout 10 "$bochs" --help cpu 2>&1 </dev/null)
    if ! grep -qa 'BX_CPU_C5VMXON' "$bochs_bin"; then
        problem "$bochs_bin has no VMX code (BX_CPU_C::VMXON): Bochs built without --enable-vmx" \
            "sudo apt-get install --reinstall bochs (Debian's Bochs emulates VT-x with EPT)"
    elif ! grep -qxE "[[:space:]]*${bochs_cpu}[[:space:]]*" <<< "$models"; then
        problem "bochs has no CPU model $bochs_cpu (run.sh's model; bochs --help cpu lists them)" \
            "use a model with VMX and EPT, e.g. BOCHS_CPU=corei7_skylake_x, or $(install_fix bochs)"
    else
        ok "bochs with VT-x: $bochs_bin has VMX, CPU model $bochs_cpu"
        bochs_ok=1
    fi
    if [ -f "$bochs_share/VGABIOS-lgpl-latest" ] && [ -f "$bochs_share/BIOS-bochs-latest" ]; then
        ok "Bochs VGA BIOS and BIOS in $bochs_share"
    else
        problem "no VGABIOS-lgpl-latest or BIOS-bochs-latest in $bochs_share" \
            "$(install_fix bochsbios vgabios)"
        bochs_ok=0
    fi
fi

qemu_ok=0
if ! command -v "$qemu" >/dev/null; then
    problem "$qemu is not installed (the svm track runs in it)" "$(install_fix qemu-system-x86)"
elif ! timeout 10 "$qemu" -cpu help 2>/dev/null </dev/null | grep -qw EPYC; then
    problem "$qemu has no EPYC CPU model (the svm track runs with -cpu EPYC,+svm)" \
        "sudo apt-get install --reinstall qemu-system-x86"
else
    ok "$qemu with the EPYC CPU model (TCG emulates AMD-V: -cpu EPYC,+svm)"
    qemu_ok=1
fi

# ---- the CPU -----------------------------------------------------------------------------
echo "== CPU =="
field() { sed -n "s/^$1[[:space:]]*: *//p" "$cpuinfo" 2>/dev/null | head -n 1; }
vendor_id=$(field vendor_id)
flags=" $(field flags) "
has_flag() { [[ $flags == *" $1 "* ]]; }
case $vendor_id in
GenuineIntel) vendor=Intel ext=vmx ext_name=VT-x module=kvm_intel track=vmx ;;
AuthenticAMD | HygonGenuine) vendor=AMD ext=svm ext_name=AMD-V module=kvm_amd track=svm ;;
*) vendor="" ext="" ext_name="" module="" track="" ;;
esac
in_vm=
! has_flag hypervisor || in_vm=", itself a virtual machine (hypervisor flag)"
if [ -n "$vendor" ]; then
    ok "host CPU: $vendor ($vendor_id, $(field 'model name'))$in_vm"
else
    problem "host CPU vendor '${vendor_id:-none}' in $cpuinfo: hvlab knows Intel and AMD only" \
        "none for the labs (Bochs and QEMU TCG emulate both vendors); KVM is out of reach"
fi
cpu_virt=0
if [ -n "$vendor" ] && has_flag "$ext"; then
    ok "CPU shows $ext_name (the $ext flag): KVM can run a hypervisor guest"
    cpu_virt=1
elif [ -n "$vendor" ]; then
    if [ -n "$in_vm" ]; then
        fix="on the machine that runs this VM, turn on nested virtualization and pass $ext_name through (KVM: modprobe $module nested=1 and QEMU -cpu host)"
    else
        fix="turn on $ext_name in the firmware (BIOS/UEFI) setup, then reboot"
    fi
    problem "CPU shows no $ext_name ($ext flag) in $cpuinfo: KVM cannot run a hypervisor guest here (Bochs and QEMU TCG need no $ext flag)" "$fix"
fi

# ---- KVM ---------------------------------------------------------------------------------
echo "== KVM =="
kvm_ok=1
why=() # why KVM is not usable, for the summary line
if [ -e "$kvm_dev" ]; then
    ok "$kvm_dev exists"
    if [ -r "$kvm_dev" ] && [ -w "$kvm_dev" ]; then
        ok "$kvm_dev is readable and writable by $(id -un)"
    else
        # Debian's udev rule gives /dev/kvm to group kvm, mode 0660.
        fix="sudo usermod -aG kvm $user, then log out and in again"
        [ "$(stat -c %G "$kvm_dev")" = kvm ] || fix="sudo groupadd -f kvm && sudo chgrp kvm $kvm_dev && sudo chmod 660 $kvm_dev && $fix"
        problem "$(id -un) cannot read and write $kvm_dev ($(stat -c '%U:%G %A' "$kvm_dev"))" "$fix"
        kvm_ok=0 why+=("$kvm_dev is not readable and writable")
    fi
else
    problem "no $kvm_dev" "sudo modprobe ${module:-kvm_intel (Intel) or kvm_amd (AMD)}"
    kvm_ok=0 why+=("there is no $kvm_dev")
fi

loaded=$(cd "$sysfs/module" 2>/dev/null && echo kvm*)
[ "$loaded" != "kvm*" ] || loaded=
if [ -n "$module" ] && [ -d "$sysfs/module/$module" ]; then
    ok "$module is loaded"
    nested=$(cat "$sysfs/module/$module/parameters/nested" 2>/dev/null)
    case $nested in
    Y | 1) ok "nested virtualization is on ($module nested=$nested)" ;;
    *)
        problem "nested virtualization is off ($module nested=${nested:-unknown}): a KVM guest sees no $ext_name" \
            "sudo modprobe -r $module && sudo modprobe $module nested=1; to keep it: echo 'options $module nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf"
        kvm_ok=0 why+=("nested virtualization is off") ;;
    esac
elif [ -n "$module" ]; then
    note=
    [[ " $loaded " != *" kvm_pvm "* ]] || [ ! -e "$kvm_dev" ] ||
        note="; kvm_pvm serves $kvm_dev: KVM without VT-x/AMD-V, for guest kernels built for PVM only"
    problem "$module is not loaded (loaded: ${loaded:-no KVM module})$note" \
        "sudo modprobe $module nested=1 (needs the $ext flag above)"
    kvm_ok=0 why+=("$module is not loaded${note:+ (only kvm_pvm)}")
fi

# A real boot, bounded: OVMF and no disk, with run.sh's CPU (-cpu host) and, when that
# fails, QEMU's default CPU. Healthy KVM runs OVMF until the timeout; a broken one stops
# with an error at once (or pauses after "KVM internal error").
probe() { # probe CPU-ARGS...: prints the first error line, empty if the guest ran
    local out rc err
    out=$(timeout -k 1 "$probe_s" "$qemu" -enable-kvm "$@" -machine q35 -m 64 -bios "$ovmf" \
        -display none -nodefaults -no-reboot -monitor none -serial none 2>&1 </dev/null)
    rc=$?
    err=$(grep -m 1 -E 'KVM internal error|[Ee]rror|Assertion|failed' <<< "$out")
    [ -n "$err" ] || [ "$rc" = 124 ] || err="exit status $rc: $(head -n 1 <<< "$out")"
    echo "$err"
}
if [ -r "$kvm_dev" ] && [ -w "$kvm_dev" ] && [ "$probe_s" != 0 ] && [ $qemu_ok = 1 ] && [ -f "$ovmf" ]; then
    err=$(probe -cpu host)
    if [ -z "$err" ]; then
        ok "QEMU -enable-kvm -cpu host ran OVMF for ${probe_s}s without an error"
    else
        err2=$(probe)
        plain="with QEMU's default CPU: ${err2:-OVMF runs}"
        problem "QEMU -enable-kvm -cpu host (make run EMU=kvm) stops: \"$err\"; $plain" \
            "none beyond the lines above; to see QEMU's whole message: timeout $probe_s $qemu -enable-kvm -cpu host -m 64 -bios $ovmf -display none -serial none"
        kvm_ok=0 why+=("QEMU with KVM stops (\"$err\"; ${plain})")
    fi
fi
[ $cpu_virt = 1 ] || { kvm_ok=0; why=("the CPU shows no ${ext:-vmx/svm} flag, so KVM cannot run a hypervisor guest" ${why[@]+"${why[@]}"}); }
if [ $kvm_ok = 1 ]; then
    ok "KVM is usable, with nesting: the $track track also runs under KVM"
else
    reasons=$(printf '%s; ' "${why[@]}")
    problem "KVM is not usable here: ${reasons%; }" \
        "nothing needed for the labs: Bochs and QEMU TCG run both tracks; for KVM, the fixes above"
fi

# ---- tracks ------------------------------------------------------------------------------
echo "== lab tracks on this host =="
blocked=
[ $build_ok = 1 ] || blocked="cannot build: fix the package, OVMF and GNU-EFI problems above"
runs=0
# track_line LABEL OK HOW COMMAND MISSING: one track's line, and count it if it runs.
track_line() {
    if [ -n "$blocked" ]; then
        printf '%-24s%s\n' "$1" "$blocked"
    elif [ "$2" = 1 ]; then
        printf '%-24s%-36s%s\n' "$1" "$3" "$4"
        runs=$((runs + 1))
    else
        printf '%-24s%s\n' "$1" "cannot run: $5 (see above)"
    fi
}
track_line "vmx track (Intel VT-x):" "$bochs_ok" "Bochs, cpu $bochs_cpu" "make run EMU=bochs" \
    "Bochs with VT-x is missing"
track_line "svm track (AMD-V):" "$qemu_ok" "QEMU TCG, -cpu EPYC,+svm" "make run EMU=qemu-svm" \
    "QEMU is missing"
if [ $kvm_ok = 1 ] && [ -z "$blocked" ]; then
    printf '%-24s%-36s%s\n' "$track track also under:" "KVM, QEMU -enable-kvm -cpu host" "make run EMU=kvm"
else
    echo "under KVM:              no track (KVM is not usable here)"
fi

if [ $runs = 2 ]; then
    echo "verdict: ok: both tracks run here ($problems problem(s) above, none stops a track)"
    exit 0
fi
echo "verdict: PROBLEM: $runs of 2 tracks run here; fix the problems above and run make doctor again"
exit 1
