/*
 * measure.c - timed batches and their report lines (see measure.h for the format).
 */
#include "measure.h"

#include "print.h"
#include "u64.h"

#define BENCH_MAX_BATCHES 16

static const char *first_varied; /* bench_varied() */

/* Time and print the batches; vary_why is NULL when they must agree. */
static bool run_batches(const char *name, bench_work_fn work, uint32_t ops, unsigned batches,
                        const char *vary_why)
{
    uint64_t ticks[BENCH_MAX_BATCHES];
    char num[U64_DEC_MAX], ratio[U64_DEC_MAX + 4];
    const char *differs = vary_why ? " (varies from batch 1)" : " (differs from batch 1)";

    if (batches > BENCH_MAX_BATCHES)
        batches = BENCH_MAX_BATCHES;
    for (unsigned i = 0; i < BENCH_WARMUP_BATCHES; i++)
        work(ops);

    /* Time every batch first, print afterwards: printing exits too, and it is not timed. */
    for (unsigned i = 0; i < batches; i++) {
        uint64_t start = rdtsc();
        work(ops);
        ticks[i] = rdtsc() - start;
    }

    uint64_t total = 0, min = ticks[0], max = ticks[0];
    for (unsigned i = 0; i < batches; i++) {
        total += ticks[i];
        if (ticks[i] < min)
            min = ticks[i];
        if (ticks[i] > max)
            max = ticks[i];
        kprintf("bench: %s batch %u/%u: %u ops, %s ticks, %s ticks/op%s\n", name, i + 1,
                batches, ops, u64_dec(num, ticks[i]), u64_ratio3(ratio, ticks[i], ops),
                ticks[i] != ticks[0] ? differs : "");
    }

    /* Average over all batches: total / (batches * ops), still a 64 / 32-bit division. */
    kprintf("bench: %s summary: %u batches x %u ops, %s ticks/op, ", name, batches, ops,
            u64_ratio3(ratio, total, batches * ops));
    if (min == max) {
        kprintf("batches agree\n");
        return true;
    }
    char num2[U64_DEC_MAX];
    if (vary_why) {
        kprintf("batches vary (min %s, max %s ticks: %s)\n", u64_dec(num, min),
                u64_dec(num2, max), vary_why);
        if (!first_varied)
            first_varied = name;
        return true;
    }
    kprintf("batches differ (min %s, max %s ticks)\n", u64_dec(num, min), u64_dec(num2, max));
    return false;
}

bool bench_batches(const char *name, bench_work_fn work, uint32_t ops, unsigned batches)
{
    return run_batches(name, work, ops, batches, 0);
}

bool bench_batches_may_vary(const char *name, bench_work_fn work, uint32_t ops,
                            unsigned batches, const char *why)
{
    return run_batches(name, work, ops, batches, why);
}

const char *bench_varied(void) { return first_varied; }

void bench_not_available(const char *name, const char *why)
{
    kprintf("bench: %s summary: n/a (%s)\n", name, why);
}
