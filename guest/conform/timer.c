/*
 * timer.c - the 8254 PIT as the guest sees it: the TSC calibration the other timing
 * checks rely on, channel 0's count, the IRQ 0 rate measured against HC_TIME (bare:
 * against the calibrated TSC), and HLT woken by the timer.
 *
 * The rate and HLT checks run after interrupts.c remapped the PIC (IRQ 0 = vector 0x20);
 * the calibration and latch checks run before, with IF = 0.
 *
 * See: Intel 82C54 datasheet (order no. 231244), "Mode 2: Rate Generator", "Counter Latch
 *      Command"; Intel SDM Vol. 2A, "HLT—Halt".
 */
#include "conform.h"
#include "pic.h"
#include "pit.h"

#define TICK_HZ        1000u /* channel 0 rate for the latch and HLT checks */
#define TICK_DIVISOR   PIT_DIVISOR(TICK_HZ)
#define LATCH_READS    100u
#define LATCH_GAP_US   10u  /* between two latched reads */
#define RATE_HZ        100u /* the rate check: 10 ms periods leave room for a late exit */
#define RATE_DIVISOR   PIT_DIVISOR(RATE_HZ)
#define RATE_TICKS     100u   /* 1 s at 100 Hz: up to 99 intervals for the median */
#define RATE_MIN_CLEAN 20u    /* clean intervals (see check_pit_rate) before judging */
#define RATE_GAP_US    1000u  /* a longer pause before a tick: the tick may be late */
#define RATE_WAIT_MS   20000u /* give up: 20x the time 100 ticks take */
#define TOLERANCE_BP   200    /* +-2.00%, in basis points (1/100 %) */
#define BP_PER_UNIT    10000u
#define TSC_PER_MS_MIN 1000u      /* 1 MHz */
#define TSC_PER_MS_MAX 100000000u /* 100 GHz */
#define NS_PER_S       1000000000ull
#define NS_PER_MS      1000000u
#define NS_PER_10US    10000u
#define NS_PER_US      1000u
#define US_PER_MS      1000u
#define CENTI          100u /* two decimals: print value / 100 "." value % 100 */

/* Calibrate the TSC (clock.c) and check the rate is believable. */
enum tap_outcome check_clock_calibration(void)
{
    const char *reference = clock_reference() == CLOCK_HC_TIME ? "HC_TIME" : "PIT channel 0";

    if (!clock_calibrate())
        return tap_fail("%s did not advance: timeouts assume %u TSC ticks/ms", reference,
                        clock_tsc_per_ms());
    uint32_t rate = clock_tsc_per_ms();
    tap_note("TSC: %u ticks/ms, measured against %s", rate, reference);
    if (rate < TSC_PER_MS_MIN || rate > TSC_PER_MS_MAX)
        return tap_fail("TSC %u ticks/ms, expected %u..%u", rate, TSC_PER_MS_MIN,
                        TSC_PER_MS_MAX);
    return TAP_PASS;
}

/* Mode 2 at 1000 Hz: every latched count is in 1..1193, and the count moves. */
enum tap_outcome check_pit_latch(void)
{
    uint16_t first = 0, low = UINT16_MAX, high = 0;
    bool moved = false;

    pit_start_periodic(TICK_DIVISOR);
    for (unsigned i = 0; i < LATCH_READS; i++) {
        uint16_t c = pit_read_count();
        if (i == 0)
            first = c;
        moved |= c != first;
        low = c < low ? c : low;
        high = c > high ? c : high;
        clock_delay_us(LATCH_GAP_US);
    }
    pit_stop();

    if (low < 1 || high > TICK_DIVISOR)
        return tap_fail("counts %u..%u, expected within 1..%u", low, high, TICK_DIVISOR);
    if (!moved)
        return tap_fail("%u latched reads %u us apart all read %u", LATCH_READS, LATCH_GAP_US,
                        first);
    return TAP_PASS;
}

/* Nanoseconds since `origin_tsc`: HC_TIME under hvlab, the calibrated TSC bare (counted
 * in microseconds, which fit in 32 bits for an hour). */
static uint64_t now_ns(uint64_t origin_tsc)
{
    if (env.hvlab)
        return hc_time_ns();
    return (uint64_t)div64_32((rdtsc() - origin_tsc) * US_PER_MS, clock_tsc_per_ms()) *
           NS_PER_US;
}

/* Sort the first n intervals, ascending (insertion sort: n is RATE_TICKS). */
static void sort_u32(uint32_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* TSC ticks as nanoseconds, by the calibration (clock.c). */
static uint32_t tsc_to_ns(uint64_t ticks)
{
    return div64_32(ticks * NS_PER_MS, clock_tsc_per_ms());
}

/*
 * PIT at 100 Hz, IRQ 0 unmasked, IF = 1: take at least RATE_TICKS ticks in a spin loop
 * that reads the TSC and never exits by itself. Two judgements, neither of which host
 * load can tip (docs/timer.md):
 * - the interval between two consecutive ticks is the period (11932 / 1193182 s =
 *   10.0002 ms) within +-2%, judged on the median of the clean intervals: those whose two
 *   ticks each came with the guest's loop paused no longer than RATE_GAP_US (its handler
 *   included). A longer pause is the host or hvlab not running, and the tick after it
 *   late. A wrong rate moves every interval; a loaded host only makes fewer of them clean;
 * - never more ticks than the PIT made edges since it was started, timed with HC_TIME
 *   (one more for an edge latched as the count was written): ticks are never early, and
 *   late ones are not paid back.
 *
 * Bare there is no HC_TIME and QEMU TCG's own PIT re-injects and drops ticks as it likes:
 * the ticks are counted and the rate printed against the calibrated TSC, but the check is
 * a SKIP.
 */
enum tap_outcome check_pit_rate(void)
{
    static uint32_t interval[RATE_TICKS];
    bool hc_time = env.hvlab;
    unsigned clean = 0;

    if (hc_time && !(env.hv.features & HV_FEATURE_TIME))
        return tap_fail("CPUID 0x40000001 EBX = 0x%x: HC_TIME not offered", env.hv.features);
    uint64_t gap = div64_32((uint64_t)RATE_GAP_US * clock_tsc_per_ms(), US_PER_MS);
    uint64_t origin = rdtsc();
    uint64_t started = now_ns(origin);
    pit_start_periodic(RATE_DIVISOR);
    pic_set_mask(PIC_MASK_ALL & ~(1u << PIC_IRQ_TIMER));
    cpu_sti();
    uint32_t c = trap_irqs.count[PIC_IRQ_TIMER];
    uint32_t c0 = wait_for_irq(PIC_IRQ_TIMER, c, CONFORM_EVENT_WAIT_MS);
    uint64_t deadline = clock_deadline(RATE_WAIT_MS);
    uint64_t last = rdtsc(), prev = last;
    bool last_on_time = false; /* how late the first tick was is unknown */
    uint32_t seen = c0, c1 = c0;
    while ((c1 - c0 < RATE_TICKS || clean < RATE_MIN_CLEAN) && !clock_expired(deadline)) {
        uint32_t early = trap_irqs.count[PIC_IRQ_TIMER];
        uint64_t now = rdtsc();
        c1 = trap_irqs.count[PIC_IRQ_TIMER];
        uint64_t pause = now - prev;
        prev = now;
        if (c1 == seen) {
            __asm__ volatile("pause");
            continue;
        }
        /* The tick came between the last look and `early`, inside `pause`: a short pause
         * means the guest ran up to the handler, so the tick was not held back. */
        bool on_time = c1 - seen == 1 && early == c1 && pause <= gap;
        if (on_time && last_on_time && clean < RATE_TICKS)
            interval[clean++] = tsc_to_ns(now - last);
        last_on_time = on_time;
        seen = c1, last = now;
    }
    uint64_t t1 = now_ns(origin);
    cpu_cli();
    pic_set_mask(PIC_MASK_ALL);
    pit_stop();

    if (c0 == c)
        return tap_fail("no IRQ 0 within %u ms of starting the PIT", CONFORM_EVENT_WAIT_MS);
    uint32_t ticks = c1 - c0;
    if (ticks < RATE_TICKS || clean < RATE_MIN_CLEAN)
        return tap_fail("%u ticks, %u intervals clean within %u ms; wanted %u and %u", ticks,
                        clean, RATE_WAIT_MS, RATE_TICKS, RATE_MIN_CLEAN);
    if (t1 <= started)
        return tap_fail("bad interval: 0x%08x%08x -> 0x%08x%08x ns", (uint32_t)(started >> 32),
                        (uint32_t)started, (uint32_t)(t1 >> 32), (uint32_t)t1);

    sort_u32(interval, clean);
    uint32_t median = interval[clean / 2];
    uint32_t period = div64_32((uint64_t)RATE_DIVISOR * NS_PER_S, PIT_HZ);
    uint32_t diff = median > period ? median - period : period - median;
    uint32_t error_bp = div64_32((uint64_t)diff * BP_PER_UNIT, period);
    uint32_t edges = div64_32(t1 - started, period); /* the PIT's edges from start to t1 */
    uint32_t taken = c1 - c;
    uint32_t us10 = median / NS_PER_10US;    /* the median in units of 10 us */
    char sign = median > period ? '-' : '+'; /* longer intervals: a lower rate */

    tap_note("PIT %u Hz: %u ticks, median of %u clean intervals %u.%02u ms (TSC), error "
             "%c%u.%02u%%; %u ticks for %u edges (%s)",
             RATE_HZ, ticks, clean, us10 / CENTI, us10 % CENTI, sign, error_bp / CENTI,
             error_bp % CENTI, taken, edges, hc_time ? "HC_TIME" : "TSC");
    if (!hc_time)
        return tap_skip("no hvlab: rate not judged against QEMU's own PIT");
    if (error_bp > TOLERANCE_BP)
        return tap_fail("median interval %u us, expected %u us: rate off by more than 2%%",
                        median / NS_PER_US, period / NS_PER_US);
    if (taken > edges + 1)
        return tap_fail("%u ticks in %u ms: the PIT made only %u edges", taken,
                        div64_32(t1 - started, NS_PER_MS), edges);
    return TAP_PASS;
}

/* PIT running, IRQ 0 unmasked, IF = 0: `sti; hlt` halts until the next tick, and the
 * tick's handler has run when HLT returns (STI's shadow covers the HLT). */
enum tap_outcome check_hlt_wakes(void)
{
    pit_start_periodic(TICK_DIVISOR);
    pic_set_mask(PIC_MASK_ALL & ~(1u << PIC_IRQ_TIMER));
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    uint32_t after = trap_irqs.count[PIC_IRQ_TIMER];
    pic_set_mask(PIC_MASK_ALL);
    pit_stop();

    if (after == before)
        return tap_fail("hlt returned but no IRQ 0 was taken (count %u)", after);
    return TAP_PASS;
}
