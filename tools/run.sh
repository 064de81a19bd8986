#!/usr/bin/env bash
# run.sh - boot hvlab in an emulator and capture its serial console.
#
#   tools/run.sh --emu EMU (--efi FILE | --iso FILE | --kernel FILE [--append ARGS]
#                [--initrd FILE])
#                [--options "WORDS"] [--file SRC:DST]... [--log FILE] [--timeout SECONDS]
#                [--quiet] [--gdb] [--exact] [--ram MIB] [--send "WAIT => LINE"]...
#
# EMU: auto (KVM if this host has it, else Bochs), bochs (Intel VT-x emulated),
#      qemu-svm (QEMU TCG with AMD-V), qemu (QEMU TCG, no virtualization extensions),
#      kvm (QEMU with KVM, -cpu host: nested virtualization).
# The serial transcript goes to the terminal (unless --quiet) and to the log file.
# --kernel boots a guest kernel bare (no hvlab), for comparison: QEMU's Multiboot loader,
# or in Bochs a BIOS GRUB image (tools/mkiso-kernel.sh) booted from CD-ROM. With --initrd
# (QEMU only) it is a Linux bzImage and its initramfs, booted by QEMU's Linux loader.
# --ram MIB: the emulator's RAM for hvlab (default 512; the pool hvlab reserves is guest
# RAM + 32 MiB, so mem=1G needs about 1.5 GiB); for a bare kernel (default 64) its RAM.
# --exact: RDTSC counts executed instructions and runs repeat exactly (for tools/bench.sh).
# Bochs always runs so (clock: sync=none and a fixed time0); QEMU gets -icount shift=0,
# sleep=off and a virtual-time RTC, which makes it about 15 times slower.
# --send "WAIT => LINE": type LINE and Enter on the serial line once WAIT has appeared in
# the transcript since the previous line began (an empty WAIT: at once); repeatable, in
# order; paced, one byte every HVLAB_SEND_GAP_MS ms (default 20; tools/serial-chat.py).
# Then, and when standard input is a terminal (not with --quiet: what is typed goes to
# the guest), the serial line is a TCP connection to tools/serial-chat.py on a port of
# its own instead of a file; the transcript lands in the log file all the same.
# BOCHS_CPU=MODEL picks Bochs's CPU model (default corei7_haswell_4770; ryzen for AMD-V).
# Exit status: hvlab's own status from its "hvlab: shutdown: status N" line (for a bare
# kernel: the status it wrote to the debug-exit port, except in Bochs, which has no such
# port: 0 once the kernel powered Bochs off through port 0x8900; for a bare Linux: 0 once
# it powered QEMU off, "reboot: Power down"); 124 on timeout; 125 if
# the emulator ended without a status; 126 for a setup problem.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
files=() sends=()
emu=auto efi= iso= kernel= append= options= log= timeout=0 quiet=0 gdb=0 exact=0 ram=512
initrd= bare_ram=64
while [ $# -gt 0 ]; do
    case $1 in
    --emu) emu=$2; shift 2 ;;
    --efi) efi=$2; shift 2 ;;
    --iso) iso=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --options) options=$2; shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --log) log=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --quiet) quiet=1; shift ;;
    --gdb) gdb=1; shift ;;
    --exact) exact=1; shift ;;
    --ram) ram=$2; bare_ram=$2; shift 2 ;;
    --send) sends+=(--send "$2"); shift 2 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 126 ;;
    esac
done

fail_setup() { echo "run.sh: $*" >&2; exit 126; }
[[ $ram =~ ^[0-9]+$ ]] || fail_setup "--ram wants MiB, got '$ram'"
[ -n "$efi$iso$kernel" ] || fail_setup "give --efi FILE, --iso FILE or --kernel FILE"
[ -z "$kernel" ] || [ -f "$kernel" ] || fail_setup "no such file: $kernel (run 'make' first)"
[ -z "$initrd" ] || [ -f "$initrd" ] || fail_setup "no such file: $initrd (run 'make linux' first)"
[ -z "$initrd" ] || [ -n "$kernel" ] || fail_setup "--initrd goes with --kernel"
[ -z "$efi" ] || [ -f "$efi" ] || fail_setup "no such file: $efi (run 'make' first)"
[ -z "$iso" ] || [ -f "$iso" ] || fail_setup "no such file: $iso (run 'make iso' first)"

OVMF=${HVLAB_OVMF:-/usr/share/ovmf/OVMF.fd} # the harness test points it elsewhere
[ -f "$OVMF" ] || fail_setup "no OVMF firmware at $OVMF: apt-get install ovmf"

if [ "$emu" = auto ]; then
    emu=$("$here/pick-emu.sh")
    [ $quiet = 1 ] || echo "run.sh: emulator: $emu ($("$here/pick-emu.sh" --why))"
fi

work=$(mktemp -d /tmp/hvlab-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "$log" ] || log=$work/serial.log
mkdir -p "$(dirname "$log")"
: > "$log"

if [ -n "$efi" ]; then
    "$here/mkesp.sh" "$work/esp.img" "$efi" "$options" ${files[@]+"${files[@]}"} ||
        fail_setup "could not build the ESP image"
elif [ -n "$options" ]; then
    fail_setup "--options works with --efi only (the ISO's options are in its GRUB menu)"
fi

# The serial line: a file, or a TCP connection to serial-chat.py (typing into the guest).
serial_qemu="file:$log" serial_bochs="mode=file, dev=\"$log\"" chat_pid=
interactive=0
[ $quiet = 1 ] || ! [ -t 0 ] || interactive=1
if [ ${#sends[@]} -gt 0 ] || [ $interactive = 1 ]; then
    command -v python3 >/dev/null || fail_setup "python3 is not installed (tools/deps.sh)"
    chat=(python3 "$here/serial-chat.py" --log "$log" --port-file "$work/port")
    [ $interactive = 0 ] || chat+=(--interactive)
    chat+=(--gap-ms "${HVLAB_SEND_GAP_MS:-20}") # ms between typed bytes (serial-chat.py)
    exec 3<&0 # a background job's standard input is /dev/null unless redirected
    "${chat[@]}" ${sends[@]+"${sends[@]}"} <&3 2> "$work/chat.err" &
    chat_pid=$!
    trap '[ -z "$chat_pid" ] || kill "$chat_pid" 2>/dev/null; rm -rf "$work"' EXIT
    for _ in $(seq 50); do [ -s "$work/port" ] || sleep 0.1; done
    [ -s "$work/port" ] || fail_setup "serial-chat.py did not start: $(cat "$work/chat.err")"
    port=$(cat "$work/port")
    serial_qemu="tcp:127.0.0.1:$port,nodelay=on" serial_bochs="mode=socket-client, dev=127.0.0.1:$port"
fi

limit() { if [ "$timeout" -gt 0 ]; then timeout --foreground -k 5 "$timeout" "$@"; else "$@"; fi; }

# Show the transcript on the terminal while the emulator writes it.
follow_pid=
if [ $quiet = 0 ] && [ $interactive = 0 ]; then
    tail -n +1 -F "$log" 2>/dev/null &
    follow_pid=$!
fi

case $emu in
bochs)
    command -v bochs >/dev/null || fail_setup "bochs is not installed: apt-get install bochs bochsbios vgabios"
    [ -z "$iso" ] || fail_setup "the ISO is booted in QEMU; in Bochs boot --efi"
    [ -z "$initrd" ] || fail_setup "a bare Linux (--initrd) is booted in QEMU only"
    if [ -n "$kernel" ]; then
        # Bare: Bochs's BIOS boots a GRUB image whose only entry loads the kernel; 64 MiB,
        # like QEMU's bare runs and hvlab's default guest RAM.
        "$here/mkiso-kernel.sh" "$work/kernel.iso" "$kernel" "$append" ||
            fail_setup "could not build the GRUB image for $kernel"
        firmware="memory: host=$bare_ram, guest=$bare_ram
romimage: file=\"/usr/share/bochs/BIOS-bochs-latest\"
boot: cdrom
ata0-master: type=cdrom, path=\"$work/kernel.iso\", status=inserted"
    else
        firmware="memory: host=$ram, guest=$ram
romimage: file=\"$OVMF\", address=0xffe00000, options=none
boot: disk
ata0-master: type=disk, path=\"$work/esp.img\", mode=flat"
    fi
    # Bochs headless; see ../shared/emulators.md. clock: sync=none with a fixed time0
    # makes runs reproducible and RDTSC count instructions (so --exact changes nothing).
    cat > "$work/bochsrc" <<RC
display_library: rfb, options="timeout=0"
config_interface: textconfig
$firmware
vgaromimage: file="/usr/share/bochs/VGABIOS-lgpl-latest"
ata0: enabled=true, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
pci: enabled=1, chipset=i440fx
cpu: count=1, ips=50000000, model=${BOCHS_CPU:-corei7_haswell_4770}, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=946684800
log: $work/bochs.log
panic: action=fatal
error: action=report
com1: enabled=true, $serial_bochs
port_e9_hack: enabled=1
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
RC
    # Debian's Bochs starts in its debugger: "c" continues.
    printf 'c\n' | limit bochs -q -f "$work/bochsrc" > "$work/bochs.out" 2>&1
    rc=$?
    ;;
qemu|qemu-svm|kvm)
    command -v qemu-system-x86_64 >/dev/null || fail_setup "QEMU is not installed: apt-get install qemu-system-x86"
    args=(-machine q35 -m "$ram" -bios "$OVMF" -display none -no-reboot -monitor none
          -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "$serial_qemu")
    case $emu in
    qemu) cpu=(-accel tcg -cpu qemu64,-svm,-vmx) ;;
    qemu-svm) cpu=(-accel tcg -cpu EPYC,+svm) ;;
    kvm)
        [ -r /dev/kvm ] || fail_setup "no /dev/kvm on this host: use --emu bochs or qemu-svm"
        cpu=(-enable-kvm -cpu host) ;;
    esac
    args+=("${cpu[@]}")
    if [ $exact = 1 ]; then
        [ "$emu" != kvm ] || fail_setup "--exact needs an emulator: KVM runs on the real CPU"
        args+=(-icount shift=0,sleep=off -rtc base=2000-01-01T00:00:00,clock=vm)
    fi
    if [ -n "$kernel" ]; then
        # Bare: QEMU's own Multiboot loader and SeaBIOS instead of OVMF and hvlab, same CPU.
        bare=(-m "$bare_ram" -display none -no-reboot -monitor none -serial "$serial_qemu"
              -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${cpu[@]}")
        [ $exact = 0 ] || bare+=(-icount shift=0,sleep=off -rtc base=2000-01-01T00:00:00,clock=vm)
        args=("${bare[@]}" -kernel "$kernel" -append "$append")
        [ -z "$initrd" ] || args+=(-initrd "$initrd")
    elif [ -n "$efi" ]; then
        args+=(-drive "format=raw,file=$work/esp.img")
    else
        args+=(-cdrom "$iso")
    fi
    [ $gdb = 0 ] || args+=(-s)
    limit qemu-system-x86_64 "${args[@]}" > "$work/qemu.out" 2>&1
    rc=$?
    ;;
*)
    fail_setup "unknown emulator '$emu' (auto, bochs, qemu-svm, qemu, kvm)" ;;
esac

sleep 0.2 # let tail print the last lines
[ -z "$follow_pid" ] || kill "$follow_pid" 2>/dev/null
if [ -n "$chat_pid" ]; then # the emulator closed the line: the driver ends by itself
    for _ in $(seq 30); do kill -0 "$chat_pid" 2>/dev/null && sleep 0.1; done
    kill "$chat_pid" 2>/dev/null
    wait "$chat_pid" 2>/dev/null
    chat_pid=
    cat "$work/chat.err" >&2
fi

status=$(sed -n 's/.*hvlab: shutdown: status \([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -n "$status" ]; then
    exit "$status"
fi
# A bare kernel ends QEMU through isa-debug-exit: exit code (status << 1) | 1.
if [ -n "$kernel" ] && [ "$emu" != bochs ] && [ $((rc % 2)) = 1 ] && [ "$rc" != 1 -o -s "$log" ]; then
    exit $((rc >> 1))
fi
# A bare Linux powers QEMU off through ACPI: QEMU exits with 0, as it also does for a reset
# under -no-reboot (a panic, a triple fault), so the kernel's own last line tells them apart.
if [ -n "$initrd" ] && [ "$rc" = 0 ] && grep -q "reboot: Power down" "$log"; then
    exit 0
fi
# In Bochs it writes "Shutdown" to port 0x8900 instead (guest/lib/debug_exit.h).
if [ -n "$kernel" ] && [ "$emu" = bochs ] && grep -q "Shutdown port: shutdown requested" "$work/bochs.out" 2>/dev/null; then
    exit 0
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "run.sh: $emu timed out after ${timeout}s without a shutdown line" >&2
    exit 124
fi
echo "run.sh: $emu ended (exit $rc) without hvlab's shutdown line; emulator said:" >&2
tail -n 5 "$work"/*.out >&2 2>/dev/null
exit 125
