/*
 * console_budget.h - each VM's share of hvlab's console, when several VMs print to it.
 *
 * hvlab's console is one serial line for every VM. A VM that prints without pause (a
 * 4 MiB flood) would take it from the others and slow hvlab down, since every byte is
 * written out by hvlab, and a serial line at 115200 baud carries only about 11 KiB/s
 * (while one exit prints, no other VM runs). So when several VMs share it, each VM's lines pass through a
 * token bucket: a burst of CONSOLE_BURST_BYTES, refilled at CONSOLE_RATE_BYTES_PER_S of
 * host time. Lines beyond it are dropped and counted; the first drop says so once. A VM
 * alone has no budget (its lines all print, as always). Pure code: time from read_tsc.
 */
#ifndef HVLAB_CONSOLE_BUDGET_H
#define HVLAB_CONSOLE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_BURST_BYTES      (16u * 1024) /* printed at once before the rate applies */
#define CONSOLE_RATE_BYTES_PER_S (2u * 1024)  /* then this much per second of host time */

struct console_budget {
    uint64_t (*read_tsc)(void);
    uint64_t tsc_hz;
    uint64_t tokens;   /* bytes it may print now, at most CONSOLE_BURST_BYTES */
    uint64_t last_tsc; /* when tokens was last brought up to date */
    uint64_t dropped_lines, dropped_bytes;
    const char *name; /* the VM, for the one line said at the first drop */
};

/* A full bucket from now on. */
void console_budget_init(struct console_budget *b, const char *name, uint64_t (*read_tsc)(void),
                         uint64_t tsc_hz);

/* May a line of `bytes` be printed now? If so it is paid for; if not it is counted as
 * dropped (and the first drop is announced on the console). */
bool console_budget_take(struct console_budget *b, size_t bytes);

#endif
