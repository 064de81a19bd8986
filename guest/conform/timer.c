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
#define RATE_TICKS     100u       /* 1 s at 100 Hz */
#define RATE_WAIT_MS   20000u     /* give up: 20x the time 100 ticks take */
#define ROUNDING_EDGES 1u         /* hvlab and this check each round time down once */
#define TSC_PER_MS_MIN 1000u      /* 1 MHz */
#define TSC_PER_MS_MAX 100000000u /* 100 GHz */
#define NS_PER_S       1000000000ull
#define NS_PER_MS      1000000u

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

/* The PIT's edges in `ns` nanoseconds at RATE_HZ, rounded down (64-bit: ns < 2^44). */
static uint32_t edges_in(uint64_t ns)
{
    return div64_32(div64_32(ns * PIT_HZ, NS_PER_S), RATE_DIVISOR);
}

/* Bare: count RATE_TICKS ticks of QEMU's own PIT against the calibrated TSC and print the
 * rate. QEMU TCG's PIT re-injects and drops ticks as it likes, so nothing is judged. */
static enum tap_outcome pit_rate_bare(void)
{
    uint32_t c = trap_irqs.count[PIC_IRQ_TIMER];
    uint64_t start = rdtsc(), deadline = clock_deadline(RATE_WAIT_MS);
    pit_start_periodic(RATE_DIVISOR);
    pic_set_mask(PIC_MASK_ALL & ~(1u << PIC_IRQ_TIMER));
    cpu_sti();
    while (trap_irqs.count[PIC_IRQ_TIMER] - c < RATE_TICKS && !clock_expired(deadline))
        __asm__ volatile("pause");
    cpu_cli();
    uint32_t ticks = trap_irqs.count[PIC_IRQ_TIMER] - c;
    uint32_t ms = div64_32(rdtsc() - start, clock_tsc_per_ms());
    pic_set_mask(PIC_MASK_ALL);
    pit_stop();
    tap_note("PIT %u Hz: %u ticks in %u ms (TSC)", RATE_HZ, ticks, ms);
    return tap_skip("no hvlab: rate not judged against QEMU's own PIT");
}

/*
 * PIT at 100 Hz, IRQ 0 unmasked, IF = 1: take RATE_TICKS ticks, then stop the PIT and do
 * the accounts. Every edge the PIT made is a tick taken, the request still waiting in IRR,
 * or counted lost by hvlab (HC_TICKS_LOST: merged while hvlab was late, docs/timer.md), and
 * the number of edges is what the rate gives for the time the PIT ran. That time is known
 * only between two HC_TIME readings at each end, so the edges are judged against the
 * shortest and longest span, one edge of rounding either way. Host load widens the bracket
 * and may lose ticks, but cannot make an account wrong: a wrong rate, a tick delivered
 * twice or early, or one lost without being counted all can.
 */
enum tap_outcome check_pit_rate(void)
{
    if (!env.hvlab)
        return pit_rate_bare();
    uint32_t needed = HV_FEATURE_TIME | HV_FEATURE_TICKS_LOST;
    if ((env.hv.features & needed) != needed)
        return tap_fail("CPUID 0x40000001 EBX = 0x%x: HC_TIME or HC_TICKS_LOST not offered",
                        env.hv.features);

    drain_timer_request(); /* PIT stopped, IRR bit 0 clear, IF = 0 */
    uint64_t lost0 = hc_ticks_lost();
    uint64_t load_t0 = hc_time_ns();
    pit_start_periodic(RATE_DIVISOR);
    uint64_t load_t1 = hc_time_ns();
    uint32_t c = trap_irqs.count[PIC_IRQ_TIMER];
    uint64_t deadline = clock_deadline(RATE_WAIT_MS);
    cpu_sti();
    while (trap_irqs.count[PIC_IRQ_TIMER] - c < RATE_TICKS && !clock_expired(deadline))
        __asm__ volatile("pause");
    cpu_cli();
    uint64_t stop_t0 = hc_time_ns();
    pit_stop(); /* no edge after this: the accounts can be closed */
    uint64_t stop_t1 = hc_time_ns();
    uint32_t taken = trap_irqs.count[PIC_IRQ_TIMER] - c;
    uint32_t waiting = (pic_read_irr() & (1u << PIC_IRQ_TIMER)) ? 1 : 0;
    uint64_t lost = hc_ticks_lost() - lost0;
    pic_set_mask(PIC_MASK_ALL);

    /* The PIT ran from a moment in [load_t0, load_t1] to one in [stop_t0, stop_t1]. */
    uint32_t fewest = edges_in(stop_t0 - load_t1);
    uint32_t most = edges_in(stop_t1 - load_t0);
    uint64_t counted = taken + waiting + lost;
    tap_note("PIT %u Hz: %u ticks taken + %u waiting + %u lost = %u edges; in %u ms the PIT "
             "made %u..%u (HC_TIME)",
             RATE_HZ, taken, waiting, (uint32_t)lost, (uint32_t)counted,
             (uint32_t)div64_32(stop_t1 - load_t0, NS_PER_MS), fewest, most);
    if (taken < RATE_TICKS)
        return tap_fail("only %u of %u ticks within %u ms", taken, RATE_TICKS, RATE_WAIT_MS);
    if (counted + ROUNDING_EDGES < fewest)
        return tap_fail("%u edges accounted for, the PIT made at least %u: ticks lost "
                        "without a count, or the rate is low",
                        (uint32_t)counted, fewest);
    if (counted > most + ROUNDING_EDGES)
        return tap_fail("%u edges accounted for, the PIT made at most %u: extra or early "
                        "ticks, or the rate is high",
                        (uint32_t)counted, most);
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
