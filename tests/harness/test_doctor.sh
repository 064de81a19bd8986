#!/usr/bin/env bash
# tools/doctor.sh on made-up hosts, never the real one: every input is a file or a fake
# command under a temporary directory. A host like the one this project is tested on
# (/dev/kvm there, no vmx/svm flag, QEMU with KVM stops) is told KVM is not usable and
# why; an Intel host with nesting off gets the modprobe line; a missing package gets the
# apt-get line and exit 1; a good host gets exit 0, both tracks, and its track under KVM.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ok=0
fail() { echo "$*"; ok=1; }

# Files that a good host has.
mkdir -p "$dir/efi/x86_64" "$dir/lib" "$dir/bochs-share"
touch "$dir/OVMF.fd" "$dir/efi/efi.h" "$dir/efi/x86_64/efibind.h" "$dir/lib/elf_x86_64_efi.lds" \
    "$dir/lib/crt0-efi-x86_64.o" "$dir/lib/libgnuefi.a" "$dir/lib/libefi.a" \
    "$dir/bochs-share/VGABIOS-lgpl-latest" "$dir/bochs-share/BIOS-bochs-latest" "$dir/kvm"

# Fake dpkg-query: every package is installed but those named hvlab-no-such-*.
cat > "$dir/dpkg-query" <<'FAKE'
#!/usr/bin/env bash
case ${!#} in hvlab-no-such-*) exit 1 ;; esac
printf 'install ok installed'
FAKE
# Fake Bochs: built with VMX (doctor looks for BX_CPU_C5VMXON in it), lists its models.
cat > "$dir/bochs" <<'FAKE'
#!/usr/bin/env bash
# BX_CPU_C5VMXON
printf 'Supported CPU models:\n\nryzen\ncorei7_haswell_4770\ntigerlake\n' >&2
FAKE
# Fake QEMU: lists EPYC; under -enable-kvm does what $dir/kvm.mode says (run: keeps the
# guest running until killed; stop: prints KVM's error and pauses, as QEMU does).
cat > "$dir/qemu" <<'FAKE'
#!/usr/bin/env bash
[ "$1 $2" != "-cpu help" ] || { echo 'x86 EPYC                  (alias configured by machine type)'; exit 0; }
[ "$1" = -enable-kvm ] || exit 1
[ "$(cat "$(dirname "$0")/kvm.mode")" = run ] || echo 'KVM internal error. Suberror: 1' >&2
exec sleep 30
FAKE
chmod +x "$dir/dpkg-query" "$dir/bochs" "$dir/qemu"

export HVLAB_DPKG_QUERY=$dir/dpkg-query HVLAB_PACKAGES="build-essential gnu-efi ovmf bochs"
export HVLAB_OVMF=$dir/OVMF.fd HVLAB_BOCHS=$dir/bochs HVLAB_BOCHS_SHARE=$dir/bochs-share
export HVLAB_QEMU=$dir/qemu HVLAB_KVM_PROBE_S=1 HVLAB_KVM_DEV=$dir/kvm HVLAB_SYSFS=$dir/sys
export EFI_INC=$dir/efi EFI_LDS=$dir/lib/elf_x86_64_efi.lds EFI_CRT0=$dir/lib/crt0-efi-x86_64.o
export EFI_LIBDIR=$dir/lib
unset BOCHS_CPU

# host VENDOR_ID FLAGS MODULE NESTED KVM-MODE: writes the CPU, sysfs and KVM behaviour.
host() {
    printf 'processor\t: 0\nvendor_id\t: %s\nmodel name\t: Test CPU\nflags\t\t: fpu %s sse2\n' \
        "$1" "$2" > "$dir/cpuinfo"
    rm -rf "$dir/sys"
    mkdir -p "$dir/sys/module/kvm/parameters" "$dir/sys/module/$3/parameters"
    [ -z "$4" ] || echo "$4" > "$dir/sys/module/$3/parameters/nested"
    echo "$5" > "$dir/kvm.mode"
}
export HVLAB_CPUINFO=$dir/cpuinfo
# doctor WANT-STATUS: runs it into $dir/out; has WORDS / lacks WORDS check that output.
doctor() {
    tools/doctor.sh > "$dir/out" 2>&1
    local rc=$?
    [ "$rc" = "$1" ] || fail "$case: exit status $rc, not $1:" "$(cat "$dir/out")"
}
has() { grep -qF -- "$1" "$dir/out" || fail "$case: no '$1' in:" "$(cat "$dir/out")"; }
lacks() { ! grep -qF -- "$1" "$dir/out" || fail "$case: '$1' should not be in:" "$(cat "$dir/out")"; }

case="like this machine (AMD VM, /dev/kvm by kvm_pvm, no svm flag, KVM stops)"
host AuthenticAMD hypervisor kvm_pvm "" stop
doctor 0
has "ok       host CPU: AMD (AuthenticAMD, Test CPU), itself a virtual machine (hypervisor flag)"
has "PROBLEM  CPU shows no AMD-V (svm flag) in $dir/cpuinfo"
has "PROBLEM  KVM is not usable here: the CPU shows no svm flag, so KVM cannot run a hypervisor guest"
has "KVM internal error. Suberror: 1"
has "kvm_amd is not loaded (loaded: kvm kvm_pvm); kvm_pvm serves $dir/kvm"
has "vmx track (Intel VT-x): Bochs, cpu corei7_haswell_4770"
has "svm track (AMD-V):      QEMU TCG, -cpu EPYC,+svm"
has "under KVM:              no track (KVM is not usable here)"
lacks "track also under"

case="Intel host, nesting off"
host GenuineIntel "vmx" kvm_intel N run
doctor 0
has "ok       CPU shows VT-x (the vmx flag)"
has "PROBLEM  nested virtualization is off (kvm_intel nested=N)"
has "fix: sudo modprobe -r kvm_intel && sudo modprobe kvm_intel nested=1; to keep it: echo 'options kvm_intel nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf"
has "KVM is not usable here: nested virtualization is off"
lacks "CPU shows no"

case="a missing package"
host GenuineIntel "vmx" kvm_intel Y run
HVLAB_PACKAGES="gnu-efi hvlab-no-such-package" doctor 1
has "PROBLEM  Debian packages missing: hvlab-no-such-package"
has "fix: sudo sh -c 'apt-get update && apt-get install -y hvlab-no-such-package'"
has "verdict: PROBLEM: 0 of 2 tracks run here"

case="no OVMF and no Bochs"
HVLAB_OVMF=$dir/none.fd HVLAB_BOCHS=$dir/no-bochs doctor 1
has "PROBLEM  no OVMF firmware at $dir/none.fd"
has "PROBLEM  bochs is not installed"

case="a good Intel host"
doctor 0
has "ok       Debian packages: all 4 that tools/deps.sh lists are installed"
has "ok       nested virtualization is on (kvm_intel nested=Y)"
has "ok       QEMU -enable-kvm -cpu host ran OVMF for 1s without an error"
has "ok       KVM is usable, with nesting: the vmx track also runs under KVM"
has "vmx track (Intel VT-x): Bochs"
has "svm track (AMD-V):      QEMU TCG"
has "vmx track also under:   KVM, QEMU -enable-kvm -cpu host"
has "make run EMU=kvm"
has "verdict: ok: both tracks run here (0 problem(s) above"
lacks "PROBLEM"

case="a good AMD host"
host AuthenticAMD "svm" kvm_amd 1 run
doctor 0
has "svm track also under:   KVM"
lacks "PROBLEM"
exit $ok
