/*
 * clock.c - a time base for timeouts and rate measurements: the TSC, calibrated once
 * against HC_TIME (under hvlab) or PIT channel 0 (bare).
 *
 * Reading the TSC never leaves the guest (hvlab does not intercept RDTSC), so a wait
 * loop on it spins without a single VM exit: an interrupt that ends the wait must come
 * from the hypervisor's own timer, as it would on hardware. Emulators count TSC ticks
 * differently (Bochs: one per instruction; QEMU TCG: the host's TSC), hence calibration.
 *
 * See: Intel SDM Vol. 2B, "RDTSC—Read Time-Stamp Counter"; Intel 82C54 datasheet,
 *      "Counter Latch Command".
 */
#include "conform.h"
#include "pit.h"

#define CLOCK_FALLBACK_TSC_PER_MS 1000000u /* 1 GHz: a guess until calibrated */
#define CALIBRATE_MS              20u
#define CALIBRATE_PIT_CLOCKS      (PIT_HZ / 1000u * CALIBRATE_MS) /* 20 ms of PIT input */
#define CALIBRATE_MAX_TRIES       100000u /* clock readings before giving up */
#define STAMP_TRIES               4u      /* HC_TIME calls per reading, the tightest kept */
#define PIT_STUCK_READS           1000u   /* equal counts in a row: the PIT does not count */
#define NS_PER_MS                 1000000u
#define US_PER_MS                 1000u

static uint32_t tsc_per_ms = CLOCK_FALLBACK_TSC_PER_MS;

/* DIVL divides EDX:EAX by a 32-bit value; it faults (#DE) when the quotient does not fit,
 * which the check on `hi` rules out. */
uint32_t div64_32(uint64_t n, uint32_t d)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n, q, r;

    if (d == 0 || hi >= d)
        return UINT32_MAX;
    __asm__("divl %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    return q;
}

/* One HC_TIME reading and the TSC at the same moment. The hypercall is an exit, and the
 * host may deschedule hvlab during it: the TSC is read on both sides and the tightest of
 * STAMP_TRIES pairs kept, its midpoint standing for the moment of the reading. */
struct stamp {
    uint64_t ns, tsc;
};

static struct stamp stamp_hc_time(void)
{
    struct stamp best = {0, 0};
    uint64_t best_width = UINT64_MAX;

    for (unsigned i = 0; i < STAMP_TRIES; i++) {
        uint64_t before = rdtsc();
        uint64_t ns = hc_time_ns();
        uint64_t after = rdtsc();
        if (after - before < best_width) {
            best_width = after - before;
            best = (struct stamp){ns, before + (after - before) / 2};
        }
    }
    return best;
}

/* TSC ticks per ms over CALIBRATE_MS of HC_TIME; 0 if HC_TIME does not advance. A
 * deschedule inside the window only lengthens it (both clocks follow host time); one at
 * either end is what stamp_hc_time() keeps out. */
static uint32_t calibrate_hc_time(void)
{
    struct stamp start = stamp_hc_time(), end = start;

    for (uint32_t i = 0; end.ns - start.ns < (uint64_t)CALIBRATE_MS * NS_PER_MS; i++) {
        if (i == CALIBRATE_MAX_TRIES || end.ns < start.ns)
            return 0;
        end = stamp_hc_time();
    }
    if (end.ns - start.ns > UINT32_MAX)
        return 0;
    /* ticks * 1e6 / ns: ticks per ms. */
    return div64_32((end.tsc - start.tsc) * NS_PER_MS, (uint32_t)(end.ns - start.ns));
}

/* TSC ticks per ms over CALIBRATE_MS of PIT channel 0 input clocks, read through the
 * counter latch while it counts down from 65536 (mode 2, IRQ 0 masked or IF = 0);
 * 0 if the count does not move. Channel 0 is stopped afterwards. */
static uint32_t calibrate_pit(void)
{
    uint32_t elapsed = 0, same = 0;

    pit_start_periodic(PIT_DIVISOR_MAX);
    uint16_t prev = pit_read_count();
    uint64_t c0 = rdtsc();
    while (elapsed < CALIBRATE_PIT_CLOCKS && same < PIT_STUCK_READS) {
        uint16_t now = pit_read_count();
        uint16_t step = (uint16_t)(prev - now); /* counts down, wraps at 65536 */
        same = step == 0 ? same + 1 : 0;
        elapsed += step;
        prev = now;
    }
    uint64_t c1 = rdtsc();
    pit_stop();
    if (elapsed < CALIBRATE_PIT_CLOCKS)
        return 0;
    /* ticks * PIT_HZ / clocks = ticks per s; / 1000 = per ms. */
    return div64_32((c1 - c0) * (PIT_HZ / 1000u), elapsed);
}

enum clock_source clock_reference(void)
{
    return env.hvlab && (env.hv.features & HV_FEATURE_TIME) ? CLOCK_HC_TIME : CLOCK_PIT;
}

bool clock_calibrate(void)
{
    uint32_t rate = clock_reference() == CLOCK_HC_TIME ? calibrate_hc_time() : calibrate_pit();

    if (rate == 0 || rate == UINT32_MAX)
        return false;
    tsc_per_ms = rate;
    return true;
}

uint32_t clock_tsc_per_ms(void) { return tsc_per_ms; }

uint64_t clock_deadline(uint32_t ms) { return rdtsc() + (uint64_t)ms * tsc_per_ms; }

bool clock_expired(uint64_t deadline) { return rdtsc() >= deadline; }

void clock_delay_us(uint32_t us)
{
    uint64_t end = rdtsc() + div64_32((uint64_t)us * tsc_per_ms, US_PER_MS);

    while (rdtsc() < end)
        __asm__ volatile("pause");
}
