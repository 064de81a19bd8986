#!/usr/bin/env bash
# bench.sh [CONFIG...] - what `make bench` runs: boot the bench guest (guest/bench) under
# hvlab and bare, in each emulator configuration, then print the tables
# (tools/bench-report.sh). Everything lands in build/bench/:
#   CONFIG-virt.log, CONFIG-bare.log   serial transcripts (hvlab.efi guest=bench; bare kernel)
#   CONFIG-vms4.log, CONFIG-vms8.log   several VMs at once: bench beside three counters
#                                      (short batches); eight counters (the footprint)
#   CONFIG.meta                        emulator, CPU model, flags, run times, exit statuses
#   results.csv, exits.dat, exits.png  written by bench-report.sh
#
# CONFIG (default: all three, two runs at a time, JOBS=2):
#   bochs-vtx   Bochs, corei7_haswell_4770: Intel VT-x with EPT
#   qemu-svm    QEMU TCG with -icount, EPYC,+svm: AMD-V with nested paging (~1 min)
#   bochs-svm   Bochs, ryzen: AMD-V with nested paging and NRIP save
# Bochs counts one RDTSC tick per instruction on its own (clock: sync=none, fixed time0);
# QEMU does with tools/run.sh --exact. A tick is an emulator instruction, not a cycle.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
JOBS=${JOBS:-2}
EFI=build/hvlab.efi
KERNEL=build/guest/bench.elf
TIMEOUT=600 # seconds per run; the slowest (QEMU -icount under hvlab) takes about 50 on an idle host

configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(bochs-vtx qemu-svm bochs-svm)
for f in "$EFI" "$KERNEL"; do
    [ -f "$f" ] || { echo "bench.sh: no $f (run 'make' first)" >&2; exit 1; }
done
mkdir -p "$OUT"

# The settings of one configuration: emulator for run.sh, Bochs CPU model, what to print.
describe() { # describe CONFIG -> sets emu, bochs_cpu, title, emulator, cpu, flags
    bochs_cpu= flags_exact=
    case $1 in
    bochs-vtx | bochs-svm)
        emu=bochs
        emulator="Bochs $(dpkg-query -W -f '${Version}' bochs 2>/dev/null)"
        flags="clock: sync=none, time0=946684800; ips=50000000; hvlab: OVMF, 512 MiB; bare: BIOS-bochs-latest + GRUB (multiboot), 64 MiB"
        if [ "$1" = bochs-vtx ]; then
            bochs_cpu=corei7_haswell_4770 title="Bochs VT-x"
            cpu="corei7_haswell_4770 (Intel VT-x, EPT, unrestricted guest)"
        else
            bochs_cpu=ryzen title="Bochs AMD-V"
            cpu="ryzen (AMD-V, nested paging, NRIP save)"
        fi ;;
    qemu-svm)
        emu=qemu-svm flags_exact=--exact title="QEMU AMD-V (icount)"
        emulator="$(qemu-system-x86_64 --version | head -n 1 | sed 's/ (.*//') TCG"
        cpu="EPYC,+svm (AMD-V, nested paging, no NRIP save)"
        flags="-icount shift=0,sleep=off -rtc base=2000-01-01T00:00:00,clock=vm; hvlab: q35, OVMF, 512 MiB; bare: -kernel (SeaBIOS), 64 MiB" ;;
    *) echo "bench.sh: unknown configuration '$1' (bochs-vtx, qemu-svm, bochs-svm)" >&2; exit 1 ;;
    esac
}

# The VMs of the several-VM runs: the bench guest beside three CPU-bound counters, its
# exits timed in 16 batches of 20 (most fit in one 10 ms slice: the fastest is the exit's
# own cost); eight counters, for the memory each VM holds beyond its RAM.
VMS4="guest=bench@16M+counter@4M+counter@4M+counter@4M -- exit_ops=20 exit_batches=16 span_ms=1000"
VMS8="guest=counter+counter+counter+counter+counter+counter+counter+counter mem=4M -- span_ms=50"

# One boot: run MODE (virt, bare, vms4, vms8) of CONFIG; prints "CONFIG MODE SECONDS STATUS".
one_run() { # one_run CONFIG MODE
    describe "$1"
    local log=$OUT/$1-$2.log start rc
    local media=(--efi "$EFI" --options guest=bench)
    case $2 in
    bare) media=(--kernel "$KERNEL" --append bench) ;;
    vms4) media=(--efi "$EFI" --options "$VMS4") ;;
    vms8) media=(--efi "$EFI" --options "$VMS8") ;;
    esac
    start=$(date +%s)
    BOCHS_CPU=$bochs_cpu tools/run.sh --quiet --emu "$emu" $flags_exact "${media[@]}" \
        --log "$log" --timeout "$TIMEOUT" 2> "$log.err"
    rc=$?
    echo "$1 $2 $(($(date +%s) - start)) $rc"
}
export -f describe one_run
export OUT EFI KERNEL TIMEOUT VMS4 VMS8

echo "bench: ${#configs[*]} configurations (${configs[*]}), virtualized and bare, $JOBS runs at a time"
# Longest runs first, so the two slots finish together: QEMU -icount under hvlab takes
# about 50 s, Bochs under hvlab 15-25 s, the bare runs a few seconds.
for c in "${configs[@]}"; do describe "$c" >/dev/null; done
runs=$(for c in "${configs[@]}"; do echo "$c virt"; echo "$c vms4"; done | sort -r
       for c in "${configs[@]}"; do echo "$c vms8"; echo "$c bare"; done)
runs=$(echo "$runs" | xargs -P "$JOBS" -L 1 bash -c 'one_run "$0" "$1"')
echo "$runs" | while read -r c mode secs rc; do
    echo "bench: $c $mode: ${secs}s, exit status $rc"
done

for c in "${configs[@]}"; do
    describe "$c"
    {
        echo "config=$c"
        echo "title=$title"
        echo "emulator=$emulator"
        echo "cpu=$cpu"
        echo "flags=$flags"
        echo "$runs" | awk -v c="$c" '$1 == c { print $2 "_seconds=" $3; print $2 "_status=" $4 }'
    } > "$OUT/$c.meta"
done
echo
tools/bench-report.sh "$OUT" "${configs[@]}"
