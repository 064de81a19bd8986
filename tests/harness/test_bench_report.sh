#!/usr/bin/env bash
# tools/bench-report.sh on made-up transcripts: host instructions per exit (under hvlab
# minus bare, or minus the bare null loop where the op cannot run bare), the no-exit ratio,
# batches that differ, batches that may vary (hlt), and hvlab's boot-cost and footprint
# lines in the format the report expects (hvlab: boot cost: STAGE at TSC N; hvlab:
# footprint: N bytes per VM ...).
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ok=0
batch() { # batch PREFIX NAME TICKS... -> batch and summary lines, CR LF like the UART
    local p=$1 name=$2 i=0 n=$(($# - 2))
    shift 2
    for t in "$@"; do i=$((i + 1)); printf '%sbench: %s batch %d/%d: 1000 ops, %d ticks, x ticks/op\r\n' "$p" "$name" $i $n "$t"; done
    printf '%sbench: %s summary: %d batches x 1000 ops, x ticks/op, batches agree\r\n' "$p" "$name" $n
}
{
    printf 'hvlab: boot cost: entry at TSC 1000\r\nhvlab: boot cost: exit_boot_services at TSC 1500\r\n'
    printf 'hvlab: boot cost: vcpu_ready at TSC 1700\r\n'
    printf 'hvlab: footprint: 20480 bytes per VM beyond guest RAM (EPT 12288, VMCS 4096, MSR bitmap 4096)\r\n'
    printf '[guest] bench: first guest tsc 1750\r\n'
    batch '[guest] ' null 4015 4015
    batch '[guest] ' cpuid 377017 377017
    batch '[guest] ' hypercall 331015 331017
    batch '[guest] ' work-cpu 11013 11013
    batch '[guest] ' work-mem 6373 6373
    printf '[guest] bench: mmio summary: n/a (hvlab offers no test MMIO device (feature bit 5))\r\n'
    printf '[guest] bench: hlt batch 1/2: 1000 ops, 11732480 ticks, x ticks/op\r\n'
    printf '[guest] bench: hlt batch 2/2: 1000 ops, 11732492 ticks, x ticks/op (varies from batch 1)\r\n'
    printf '[guest] bench: hlt summary: 2 batches x 1000 ops, x ticks/op, batches vary (min 11732480, max 11732492 ticks: they follow the PIT clock'"'"'s phase (hlt.c))\r\n'
    printf 'hvlab: exits by reason (30 in all):\r\nhvlab:   reason      count  name\r\n'
    printf 'hvlab:       10         20  CPUID\r\nhvlab:       18         10  VMCALL\r\n'
    printf 'hvlab: shutdown: status 0 (ok)\r\n'
} > "$dir/t-virt.log"
{
    printf 'bench: first guest tsc 900\r\n'
    batch '' null 4015 4015
    batch '' cpuid 4017 4017
    batch '' hlt 8205016 8205016
    printf 'bench: hypercall summary: n/a (no hvlab hypervisor)\r\n'
    batch '' work-cpu 11013 11013
    batch '' work-mem 6000 6000
    printf 'bench: done, status 0\r\n'
} > "$dir/t-bare.log"
printf 'config=t\ntitle=Test\nemulator=E\ncpu=C\nflags=F\n' > "$dir/t.meta"
out=$(tools/bench-report.sh "$dir" t 2>&1)
want() { echo "$out" | grep -q -E "$1" || { echo "report lacks /$1/"; ok=1; }; }
want '^  cpuid +377\.017 +4\.017 +373\.000  agree/agree$'
want '^  hypercall +331\.016 +4\.015\* +327\.001  DIFFER/-$'
want '^  mmio +n/a +n/a +n/a  hvlab offers no test MMIO device \(feature bit 5\)$'
want '^  hlt +11732\.486 +8205\.016 +3527\.470  vary/agree$'
want '^  hlt: one op = OUT to the PIT'
want "^  vary \\(hlt\\): batches differ by design here: they follow the PIT clock's phase \\(hlt\\.c\\)$"
want '^  work-cpu +11\.013 +11\.013 +1\.000000 +0  0 \(not one extra instruction\)$'
want '^  work-mem +6\.373 +6\.000 +1\.062167 +746  about [0-9.]+ \(extra ticks / cheapest exit\)$'
want '^  firmware \(power-on to hvlab entry\) +1000$'
want '^  hvlab entry to ExitBootServices done +500$'
want '^  ExitBootServices done to VMCS/VMCB ready +200$'
want "^  VMCS/VMCB ready to the guest's first RDTSC +50$"
want '^  per VM beyond guest RAM +20480 bytes  \(EPT 12288, VMCS 4096, MSR bitmap 4096\)$'
want '^ +10 +20  CPUID$'
want 'not a CPU cycle'
grep -q '^"t","Test","E","C","exit","cpuid",377.017,4.017,373.000,' "$dir/results.csv" || { echo "CSV lacks the cpuid row"; ok=1; }
grep -q '^cpuid 373.000$' "$dir/exits.dat" || { echo "exits.dat lacks cpuid"; ok=1; }
grep -q '^"hlt (3 exits)" 3527.470$' "$dir/exits.dat" || { echo "exits.dat lacks hlt"; ok=1; }
[ $ok = 0 ] || echo "$out"
exit $ok
