#!/usr/bin/env bash
# bench-report.sh DIR CONFIG... - the tables, CSV and plot of a tools/bench.sh run.
#
# For each CONFIG, reads DIR/CONFIG-virt.log, DIR/CONFIG-bare.log and DIR/CONFIG.meta and
# prints one table (tools/bench-table.awk). Writes:
#   DIR/results.csv   every figure of every table, one row each (unit in its own column)
#   DIR/exits.dat     host instructions per exit: one row per exit kind, one column per CONFIG
#   DIR/exits.png     that as a bar chart (gnuplot), if gnuplot is installed
#   DIR/vms.dat, DIR/vms.png   several VMs at once: the switch and the CPUID exit with 1
#                     and 4 VMs (host instructions), the memory per VM with 1 and 8 VMs
set -uo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
EFI=build/hvlab.efi
efi_size=$(stat -c %s "$EFI" 2>/dev/null || echo n/a)

csv=$dir/results.csv
echo "config,title,emulator,cpu,section,item,virtualized,bare,derived,derived_unit,note" > "$csv"
for c in "$@"; do
    [ -f "$dir/$c.meta" ] || { echo "bench-report.sh: no $dir/$c.meta (run tools/bench.sh $c)" >&2; continue; }
    touch "$dir/$c-virt.log" "$dir/$c-bare.log" "$dir/$c-vms4.log" "$dir/$c-vms8.log"
    awk -f tools/bench-table.awk -v virt="$dir/$c-virt.log" -v bare="$dir/$c-bare.log" \
        -v meta="$dir/$c.meta" -v efi_size="$efi_size" -v csv="$csv" -v exits="$dir/$c.exits" \
        -v vms4="$dir/$c-vms4.log" -v vms8="$dir/$c-vms8.log" -v vmsout="$dir/$c.vms" \
        "$dir/$c-virt.log" "$dir/$c-bare.log"
done

# exits.dat: "exit" then one quoted title per configuration that measured anything;
# "?" marks a missing figure.
dat=$dir/exits.dat
plotted=()
for c in "$@"; do
    awk '$2 != "?" { found = 1 } END { exit !found }' "$dir/$c.exits" 2>/dev/null && plotted+=("$c")
done
{
    printf '"exit"'
    for c in ${plotted[@]+"${plotted[@]}"}; do printf ' "%s"' "$(sed -n 's/^title=//p' "$dir/$c.meta")"; done
    echo
    for op in cpuid hypercall out in mmio hlt; do
        line=$op any=0
        [ "$op" != hlt ] || line='"hlt (3 exits)"' # one op: OUT, HLT, EOI (guest/bench/hlt.c)
        for c in ${plotted[@]+"${plotted[@]}"}; do
            v=$(awk -v op="$op" '$1 == op { print $2 }' "$dir/$c.exits")
            line="$line ${v:-?}"
            [ "${v:-?}" = "?" ] || any=1
        done
        [ $any = 0 ] || echo "$line"
    done
} > "$dat"

if ! command -v gnuplot >/dev/null; then
    echo "bench: no plot: gnuplot is not installed (apt-get install gnuplot-nox)"
    echo "bench: figures in $csv"
    exit 0
fi
if [ ${#plotted[@]} = 0 ]; then
    echo "bench: no plot: no configuration measured an exit"
    exit 0
fi
cols=${#plotted[@]}
gnuplot <<GP
set terminal pngcairo size 900,520 font "sans,10"
set output "$dir/exits.png"
set title "hvlab: host instructions per VM exit (emulator instructions, not cycles)"
set ylabel "host instructions per exit"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set yrange [0:*]
set grid ytics
plot for [i=2:$((cols + 1))] "$dat" using i:xtic(1) title columnheader(i)
GP

# vms.dat: one row per figure of several VMs, one column per configuration.
vdat=$dir/vms.dat
{
    printf '"figure"'
    for c in "${plotted[@]}"; do printf ' "%s"' "$(sed -n 's/^title=//p' "$dir/$c.meta")"; done
    echo
    for item in vm_switch cpuid_1vm cpuid_4vms vm_footprint_1 vm_footprint_8; do
        line=$item
        for c in "${plotted[@]}"; do
            v=$(awk -v k="$item" '$1 == k { print $2 }' "$dir/$c.vms" 2>/dev/null)
            [ "${item#vm_footprint}" = "$item" ] || [ "${v:-?}" = "?" ] || v=$((v / 1024))
            line="$line ${v:-?}"
        done
        echo "$line"
    done
} > "$vdat"
gnuplot <<GP
set terminal pngcairo size 1000,460 font "sans,10"
set output "$dir/vms.png"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set yrange [0:*]
set grid ytics
set multiplot layout 1,2 title "hvlab: several VMs on one CPU"
set title "host instructions: a switch, a CPUID exit with 1 and with 4 VMs"
plot for [i=2:$((cols + 1))] "$vdat" every ::0::2 using i:xtic(1) title columnheader(i)
set title "KiB per VM beyond guest RAM, with 1 and with 8 VMs"
plot for [i=2:$((cols + 1))] "$vdat" every ::3::4 using i:xtic(1) title columnheader(i)
unset multiplot
GP
echo "bench: figures in $csv, plots in $dir/exits.png and $dir/vms.png"
