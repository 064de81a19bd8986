/*
 * measure.h - time a piece of guest work with RDTSC, in batches, and print the result.
 *
 * Under hvlab the guest's RDTSC does not exit (no "RDTSC exiting", no TSC offset), so it
 * reads the host's TSC: the ticks of a batch include the host's work for every VM exit
 * the batch caused. In Bochs (clock: sync=none) and in QEMU with -icount shift=0 a tick is
 * one executed instruction, guest or host, so equal work gives equal counts and every
 * batch of an op must agree exactly; on a real CPU ticks are TSC cycles and batches vary.
 *
 * Lines printed, one per batch and one summary (tools/bench-report.sh reads them):
 *   bench: NAME batch 3/5: 1000 ops, 123456 ticks, 123.456 ticks/op
 *   bench: NAME batch 4/5: 1000 ops, 123460 ticks, 123.460 ticks/op (differs from batch 1)
 *   bench: NAME summary: 5 batches x 1000 ops, 123.456 ticks/op, batches agree
 *   bench: NAME summary: 5 batches x 1000 ops, 123.457 ticks/op, batches differ (min 123456, max 123460 ticks)
 *   bench: NAME summary: n/a (WHY)
 * and for an op whose batches may vary for a known reason (bench_batches_may_vary):
 *   bench: NAME batch 2/5: 1000 ops, 123460 ticks, 123.460 ticks/op (varies from batch 1)
 *   bench: NAME summary: 5 batches x 1000 ops, 123.457 ticks/op, batches vary (min 123456, max 123460 ticks: WHY)
 *
 * See: Intel SDM Vol. 2B, "RDTSC—Read Time-Stamp Counter"; Vol. 3C, "Time-Stamp Counter
 *      Offsetting" (what a guest reads when RDTSC does not exit).
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_WARMUP_BATCHES 1 /* run, not printed: first-use effects stay out of the figures */

/* The work to time: n operations (n > 0). */
typedef void (*bench_work_fn)(uint32_t n);

/* Read the time-stamp counter. Not serializing: fine in the emulators, which execute
 * in order; on a real CPU a few instructions may straddle the edges of a batch. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Run work(ops) BENCH_WARMUP_BATCHES times untimed, then `batches` times timed; print one
 * line per batch and the summary. Returns true if every batch took the same ticks.
 */
bool bench_batches(const char *name, bench_work_fn work, uint32_t ops, unsigned batches);

/*
 * The same for an op whose batches may differ where the emulator's clocks make its exits
 * depend on timing (WHY says how): a difference is printed as "vary", with WHY, and is
 * not a disagreement. Returns true; bench_varied() then names the op.
 */
bool bench_batches_may_vary(const char *name, bench_work_fn work, uint32_t ops,
                            unsigned batches, const char *why);

/* The first op whose batches varied (bench_batches_may_vary), or NULL. */
const char *bench_varied(void);

/* Print the summary line of an op that is not run here, with the reason. */
void bench_not_available(const char *name, const char *why);

#endif /* BENCH_MEASURE_H */
