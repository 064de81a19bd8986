/*
 * work.h - guest work that should cause no VM exit at all: a CPU-bound loop and a walk
 * over most of guest RAM. Timed bare and under hvlab, the ratio of the two is what
 * virtualization costs work that never traps.
 */
#ifndef BENCH_WORK_H
#define BENCH_WORK_H

#include <stdbool.h>
#include <stdint.h>

#include "multiboot.h"

/* Time both workloads; true if all batches agreed. Writes over most of RAM (mbi too, if
 * the loader put it there), so it runs after everything else that reads mbi. */
bool work_run(const struct multiboot_info *mbi, unsigned batches);

#endif /* BENCH_WORK_H */
