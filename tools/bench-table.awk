# bench-table.awk - one configuration's table from its two bench transcripts.
#
#   awk -f tools/bench-table.awk -v virt=V.log -v bare=B.log -v meta=C.meta \
#       -v efi_size=BYTES -v csv=results.csv -v exits=C.exits \
#       [-v vms4=V4.log -v vms8=V8.log -v vmsout=C.vms]  V.log B.log
#
# Reads the bench guest's lines (guest/bench/measure.h) from the hvlab run (virt, with the
# "[guest] " prefix) and the bare run, and hvlab's own lines from the hvlab run:
#   hvlab: boot cost: STAGE at TSC N        STAGE: entry, exit_boot_services, vcpu_ready
#   hvlab: footprint: N bytes per VM beyond guest RAM (BREAKDOWN)
#   hvlab: exits by reason (...)  and the table under it
# and, for several VMs at once, from the 4-VM run (bench beside three counters, many
# short batches) and the 8-VM run (eight counters):
#   [bench] bench: cpuid summary: ...     the fastest batch: the exit's own cost
#   hvlab: scheduler: N switches between VMs, T TSC ticks each on average
#   hvlab: memory: 8 VMs hold N bytes beyond their guest RAM, P per VM
# Prints the table, appends rows to the CSV file and writes "op host-instructions" lines
# to the exits file and "item value" lines to the vms file (for the plots). Every figure
# is in ticks: emulator instructions.

function csvq(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
function row(section, item, v, b, derived, unit, note) {
    print csvq(M["config"]) "," csvq(M["title"]) "," csvq(M["emulator"]) "," csvq(M["cpu"]) "," \
        csvq(section) "," csvq(item) "," v "," b "," derived "," csvq(unit) "," csvq(note) >> csv
}
function per_op(w, name) { return ops[w, name] ? ticks[w, name] / ops[w, name] : "" }
function fmt3(x) { return x == "" ? "n/a" : sprintf("%.3f", x) }
function int_or_na(x) { return x == "" ? "n/a" : sprintf("%.0f", x) }
function int_or_empty(x) { return x == "" ? "" : sprintf("%.0f", x) }
function verdict(w, o, x) { return x == "" ? "-" : vary[w, o] ? "vary" : differ[w, o] ? "DIFFER" : "agree" }
function secs(mode) { return (mode "_seconds" in M) ? M[mode "_seconds"] " s" : "not run" }

BEGIN {
    while ((getline l < meta) > 0) {
        k = l; sub(/=.*/, "", k); v = l; sub(/^[^=]*=/, "", v); M[k] = v
    }
    nstages = split("entry exit_boot_services vcpu_ready", stage, " ")
    split("firmware (power-on to hvlab entry)|hvlab entry to ExitBootServices done|" \
          "ExitBootServices done to VMCS/VMCB ready", span, "|")
}

{
    sub(/\r$/, "")
    w = (FILENAME == virt) ? "v" : "b"
    line = $0
    sub(/^\[guest\] /, "", line)
}

# bench: NAME batch 3/5: 1000 ops, 123456 ticks, 123.456 ticks/op
w != "" && match(line, /^bench: [a-z-]+ batch [0-9]+\/[0-9]+: [0-9]+ ops, [0-9]+ ticks/) {
    split(line, f, " ")
    name = f[2]; ops[w, name] += f[5]; ticks[w, name] += f[7]; batch_size[name] = f[5]
    if (!nbatch[w, name]++) first_ticks[w, name] = f[7]
    if (line ~ /differs/ || f[7] != first_ticks[w, name]) differ[w, name] = 1
    next
}
line ~ /^bench: [a-z-]+ summary: .*batches differ/ { split(line, f, " "); differ[w, f[2]] = 1; next }
# An op whose batches may vary for a reason the guest names (measure.h): not a DIFFER.
line ~ /^bench: [a-z-]+ summary: .*batches vary/ {
    split(line, f, " "); vary[w, f[2]] = 1
    why = line; sub(/.* ticks: /, "", why); sub(/\)$/, "", why); vary_why[f[2]] = why
    next
}
line ~ /^bench: [a-z-]+ summary: n\/a/ {
    split(line, f, " "); why = line; sub(/.*n\/a \(/, "", why); sub(/\)$/, "", why)
    na[w, f[2]] = why
    next
}
line ~ /^bench: first guest tsc [0-9]+/ { first[w] = $NF + 0; next }
line ~ /^bench: environment: / { env[w] = substr(line, 21); next }
line ~ /^bench: done, status / { done[w] = $NF; next }
w == "v" && /^hvlab: boot cost: [a-z_]+ at TSC [0-9]+/ { boot[$4] = $NF + 0; next }
w == "v" && /^hvlab: footprint: [0-9]+ bytes per VM beyond guest RAM/ {
    footprint = $3; fp_why = $0; sub(/^[^(]*\(?/, "", fp_why); sub(/\)$/, "", fp_why)
    next
}
w == "v" && /^hvlab: exits by reason/ { in_exits = 1; next }
w == "v" && in_exits && /^hvlab: +[0-9]+ +[0-9]+ / {
    n = $2; c = $3; nm = $0; sub(/^hvlab: +[0-9]+ +[0-9]+ +/, "", nm)
    exit_rows[++nexits] = n "|" c "|" nm
    next
}
w == "v" && in_exits && !/^hvlab: +reason/ { in_exits = 0 }
w == "v" && /^hvlab: shutdown: status / { shutdown = $4 }

END {
    printf "== %s ==\n", M["title"]
    printf "emulator:  %s\n", M["emulator"]
    printf "CPU model: %s\n", M["cpu"]
    printf "flags:     %s\n", M["flags"]
    printf "unit:      1 tick = 1 emulator instruction (guest and host together), not a CPU cycle\n"
    printf "runs:      under hvlab %s (hvlab status %s), bare %s (guest status %s)\n",
        secs("virt"), shutdown == "" ? "none" : shutdown, secs("bare"),
        done["b"] == "" ? "none" : done["b"]
    printf "guest saw: %s | %s\n", env["v"] == "" ? "no bench lines" : env["v"],
        env["b"] == "" ? "no bench lines" : env["b"]

    # Exit microbenchmarks: host instructions per exit = virtualized - bare, per op.
    # hypercall and mmio cannot run bare: the null loop (NOP in place of the op) stands in.
    printf "\nExit microbenchmarks (ticks per op, %s ops per batch, interrupts off)\n",
        batch_size["null"] == "" ? "?" : batch_size["null"]
    printf "  %-10s %12s %10s %16s  %s\n", "op", "under hvlab", "bare", "host instr/exit", "batches (hvlab/bare)"
    nops = split("cpuid hypercall out in mmio hlt null", op, " ")
    starred = 0; cheapest = ""
    for (i = 1; i <= nops; i++) {
        o = op[i]; v = per_op("v", o); b = per_op("b", o); star = ""
        if (b == "" && v != "" && o != "null" && per_op("b", "null") != "") {
            b = per_op("b", "null"); star = "*"; starred = 1
        }
        d = (v != "" && b != "") ? v - b : ""
        if (d != "" && o != "null" && (cheapest == "" || d < cheapest)) cheapest = d
        agree = verdict("v", o, v) "/" verdict("b", o, per_op("b", o))
        note = (v == "" && ("v", o) in na) ? na["v", o] : agree
        printf "  %-10s %12s %10s %16s  %s\n", o, fmt3(v), fmt3(b) star, fmt3(d), note
        row("exit", o, v, b, d == "" ? "" : sprintf("%.3f", d), "host instructions per exit", \
            note (star ? "; bare = null loop" : "") (o == "hlt" ? "; one op = 3 exits and an injection" : ""))
        if (o != "null") print o, (d == "" ? "?" : sprintf("%.3f", d)) > exits
    }
    if (starred) print "  * no bare counterpart: the bare null loop (a NOP in place of the exiting instruction)"
    if (per_op("v", "hlt") != "")
        print "  hlt: one op = OUT to the PIT (a one-shot, already over at the HLT), HLT, IRQ 0 injected, EOI (OUT to the PIC): three exits"
    for (i = 1; i <= nops; i++)
        if (vary["v", op[i]] || vary["b", op[i]])
            print "  vary (" op[i] "): batches differ by design here: " vary_why[op[i]]
    print "  host instr/exit = under hvlab - bare: what hvlab ran per exit (VM entry and exit count 0)"

    # No-exit work: the ratio, and exits inferred from the extra instructions.
    printf "\nNo-exit work (ticks per op; bare ticks = guest instructions)\n"
    printf "  %-9s %12s %10s %10s %12s  %s\n", "work", "under hvlab", "bare", "ratio", "extra ticks", "exits per million guest instructions"
    split("work-cpu work-mem", work, " ")
    for (i = 1; i <= 2; i++) {
        o = work[i]; v = per_op("v", o); b = per_op("b", o)
        if (v == "" || b == "") {
            printf "  %-9s %12s %10s %10s %12s  %s\n", o, fmt3(v), fmt3(b), "n/a", "n/a", "n/a"
            row("work", o, v, b, "", "ratio under hvlab / bare", "n/a")
            continue
        }
        extra = ticks["v", o] - ticks["b", o]
        if (extra == 0) per_m = "0 (not one extra instruction)"
        else if (cheapest != "" && cheapest > 0)
            per_m = sprintf("about %.3f (extra ticks / cheapest exit)", extra / cheapest * 1e6 / ticks["b", o])
        else per_m = "unknown"
        printf "  %-9s %12s %10s %10.6f %12.0f  %s\n", o, fmt3(v), fmt3(b), v / b, extra, per_m
        row("work", o, v, b, sprintf("%.6f", v / b), "ratio under hvlab / bare", "extra ticks " extra "; exits per M guest instructions " per_m)
    }
    print "  Instruction counts cannot see TLB misses or longer EPT/NPT walks; only exits show here."

    # Boot cost, from hvlab's lines (if it prints them) and the guest's first RDTSC.
    printf "\nBoot cost (ticks)\n"
    prev = ""
    for (i = 1; i <= nstages; i++) {
        s = stage[i]
        if (i == 1) val = (s in boot) ? boot[s] : ""
        else val = ((s in boot) && (stage[i - 1] in boot)) ? boot[s] - boot[stage[i - 1]] : ""
        printf "  %-44s %14s\n", span[i], int_or_na(val)
        row("boot", span[i], int_or_empty(val), "", "", "instructions", "")
    }
    val = (("vcpu_ready" in boot) && ("v" in first)) ? first["v"] - boot["vcpu_ready"] : ""
    printf "  %-44s %14s\n", "VMCS/VMCB ready to the guest's first RDTSC", int_or_na(val)
    row("boot", "vCPU ready to the guest's first RDTSC", int_or_empty(val), "", "", "instructions", "")
    printf "  %-44s %14s  (bare, through BIOS and loader: %s)\n", "power-on to the guest's first RDTSC", \
        int_or_na(first["v"]), int_or_na(first["b"])
    row("boot", "power-on to the guest's first RDTSC", int_or_empty(first["v"]), int_or_empty(first["b"]), "", "instructions", "bare: BIOS and loader")
    if (!("entry" in boot)) print "  (no \"hvlab: boot cost:\" lines in this hvlab's output)"

    printf "\nFootprint\n"
    printf "  %-44s %14s\n", "hvlab.efi", efi_size " bytes"
    row("footprint", "hvlab.efi", efi_size, "", "", "bytes", "")
    if (footprint != "") {
        printf "  %-44s %14s  (%s)\n", "per VM beyond guest RAM", footprint " bytes", fp_why
        row("footprint", "per VM beyond guest RAM", footprint, "", "", "bytes", fp_why)
    } else {
        printf "  %-44s %14s  (no \"hvlab: footprint:\" line)\n", "per VM beyond guest RAM", "n/a"
        row("footprint", "per VM beyond guest RAM", "", "", "", "bytes", "n/a")
    }

    printf "\nhvlab's exits by reason (the whole run under hvlab, printing included)\n"
    if (nexits == 0) print "  n/a (no exit table)"
    for (i = 1; i <= nexits; i++) {
        split(exit_rows[i], e, "|")
        printf "  %6s %10s  %s\n", e[1], e[2], e[3]
        row("hvlab exits", e[1] " " e[3], e[2], "", "", "exits", "")
    }
    several_vms()
    print ""
}

# The fastest batch of a summary line, in ticks per op: "N batches x M ops, T ticks/op,
# batches agree" or "... differ|vary (min A, max B ticks...)".
function fastest_per_op(l,   ops, t) {
    ops = l; sub(/^.* batches x /, "", ops); sub(/ ops.*$/, "", ops)
    if (l ~ /\(min [0-9]+/) { t = l; sub(/^.*\(min /, "", t); sub(/,.*$/, "", t); return t / ops }
    t = l; sub(/ ticks\/op.*$/, "", t); sub(/^.*, /, "", t); return t + 0
}

function several_vms(   l, f, cpuid4, sw, nsw, fp8, b, d1, d4) {
    printf "\nSeveral VMs at once (4-VM run: bench beside three counters; 8-VM run: counters)\n"
    cpuid4 = sw = nsw = fp8 = ""
    while (vms4 != "" && (getline l < vms4) > 0) {
        gsub(/\r/, "", l)
        if (l ~ /^\[bench\] bench: cpuid summary: /) cpuid4 = fastest_per_op(l)
        if (l ~ /^hvlab: scheduler: [0-9]+ switches between VMs, [0-9]+ TSC ticks each/) {
            split(l, f, " "); nsw = f[3]; sw = f[7]
        }
    }
    while (vms8 != "" && (getline l < vms8) > 0) {
        gsub(/\r/, "", l)
        if (l ~ /^hvlab: memory: 8 VMs hold [0-9]+ bytes beyond their guest RAM, [0-9]+ per VM/) {
            split(l, f, " "); fp8 = f[12]
        }
    }
    b = per_op("b", "cpuid"); d1 = per_op("v", "cpuid")
    d1 = (d1 != "" && b != "") ? d1 - b : ""
    d4 = (cpuid4 != "" && b != "") ? cpuid4 - b : ""
    printf "  %-44s %14s  (%s switches)\n", "switch: one VM's exit to the next VM's entry", int_or_na(sw), nsw == "" ? "no" : nsw
    row("vms", "vm_switch", sw, "", "", "host instructions per switch", nsw == "" ? "n/a" : nsw " switches, 4 VMs")
    printf "  %-44s %14s\n", "per VM beyond guest RAM, 1 VM", footprint == "" ? "n/a" : footprint " bytes"
    row("vms", "vm_footprint_1", footprint, "", "", "bytes per VM", "")
    printf "  %-44s %14s\n", "per VM beyond guest RAM, 8 VMs", fp8 == "" ? "n/a" : fp8 " bytes"
    row("vms", "vm_footprint_8", fp8, "", "", "bytes per VM", "")
    printf "  %-44s %14s\n", "cpuid exit, 1 VM", fmt3(d1)
    row("vms", "cpuid_1vm", d1 == "" ? "" : sprintf("%.3f", d1), "", "", "host instructions per exit", "")
    printf "  %-44s %14s\n", "cpuid exit, 4 VMs running (fastest batch)", fmt3(d4)
    row("vms", "cpuid_4vms", d4 == "" ? "" : sprintf("%.3f", d4), "", "", "host instructions per exit", "fastest of 16 batches of 20")
    if (vmsout != "") {
        print "vm_switch", (sw == "" ? "?" : sw) > vmsout
        print "cpuid_1vm", (d1 == "" ? "?" : sprintf("%.3f", d1)) > vmsout
        print "cpuid_4vms", (d4 == "" ? "?" : sprintf("%.3f", d4)) > vmsout
        print "vm_footprint_1", (footprint == "" ? "?" : footprint) > vmsout
        print "vm_footprint_8", (fp8 == "" ? "?" : fp8) > vmsout
    }
}
