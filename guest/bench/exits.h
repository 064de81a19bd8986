/*
 * exits.h - the exit microbenchmarks: one instruction that makes hvlab take a VM exit,
 * repeated in a tight loop with interrupts off.
 *
 * Every loop has the same four instructions per iteration, only the third one changes:
 *
 *   1: mov  %edi, %eax     ; the op's EAX input (CPUID leaf, hypercall number, OUT value)
 *      OP                  ; nop | cpuid | vmcall/vmmcall | out | in | mov (mmio)
 *      dec  %esi           ; iterations left
 *      jnz  1b
 *
 * so "null" (a NOP in place of OP) measures what the loop costs without any exit, and
 * an op's ticks minus the same op's ticks on bare hardware (or minus "null" where the op
 * cannot run bare) are what the hypervisor spent per exit. "hlt" has a loop of its own
 * (arm a one-shot timer, HLT, take the interrupt: hlt.c), three exits per op.
 */
#ifndef BENCH_EXITS_H
#define BENCH_EXITS_H

#include <stdbool.h>
#include <stdint.h>

#include "hypercall.h"

/* Where the benchmark runs, as far as the guest can tell. */
struct bench_env {
    bool hvlab;        /* CPUID says hvlab: hypercalls allowed */
    uint32_t features; /* leaf 0x40000001 EBX under hvlab, else 0 */
};

/* Time each exit microbenchmark (or say why it is n/a); true if all batches agreed. */
bool exits_run(const struct bench_env *env, uint32_t ops, unsigned batches);

#endif /* BENCH_EXITS_H */
