/*
 * test_virtual_platform.c - Host unit tests for the guest's PC as a whole
 * (hypervisor/virtual_platform.c and the port wrappers in hypervisor/devices/
 * platform_ports.c): a guest programs the PIC and PIT through its ports, a fake host TSC
 * runs at 1 GHz, and the core's side (vplatform_update, pic_pending_vector,
 * pic_acknowledge, vplatform_next_deadline) is driven like the run loop would.
 *
 *   fake TSC --> vplatform_pit_clock --> PIT --IRQ 0--> PIC --> vectors counted here
 *            \-> vplatform_ns ---------> RTC --IRQ 8--/
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/io_bus.h"
#include "hypervisor/uart16550_regs.h"
#include "hypervisor/virtual_platform.h"

#define TSC_HZ    1000000000ull /* 1 GHz: one tick per nanosecond */
#define TSC_START 5000000ull    /* the host TSC when the guest starts */
#define MS        (TSC_HZ / 1000)
#define S         TSC_HZ

#define DIVISOR_100HZ 11932u /* 1193182 / 11932 = 99.998 Hz */
#define MASTER_BASE   0x20u
#define SLAVE_BASE    0x28u
#define TIMER_VECTOR  (MASTER_BASE + VPLATFORM_PIT_IRQ)
#define COM1_VECTOR   (MASTER_BASE + UART_COM1_IRQ)

/* PIT control words as a guest writes them: channel, LSB then MSB, mode, binary. */
#define CONTROL_WORD(channel, mode)                                                            \
    (((channel) << PIT_CW_SC_SHIFT) | (PIT_RW_LSB_MSB << PIT_CW_RW_SHIFT) |                    \
     ((mode) << PIT_CW_MODE_SHIFT))
#define CW_CH0_MODE2 CONTROL_WORD(0u, PIT_MODE_RATE_GENERATOR)                   /* 0x34 */
#define CW_CH2_MODE0 CONTROL_WORD(PIT_SPEAKER_CHANNEL, PIT_MODE_INTERRUPT_ON_TC) /* 0xB0 */
#define PIC_EOI      PIC_OCW2_NONSPECIFIC_EOI
#define ALL_MASKED   0xFFu
#define BYTE_MASK    0xFFu

static uint64_t tsc_now;
static uint64_t fake_read_tsc(void) { return tsc_now; }

static struct virtual_platform vp;
static struct vcpu vcpu;

static int setup(void **state)
{
    (void)state;
    tsc_now = TSC_START;
    vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
    vcpu = (struct vcpu){.platform = &vp};
    return 0;
}

/* Guest port access through io_bus, as the IN/OUT handler does it. */
static void out(uint16_t port, uint8_t value) { io_bus_write(&vcpu, port, 1, value); }
static uint8_t in(uint16_t port) { return (uint8_t)io_bus_read(&vcpu, port, 1); }

/* The PC programming: vectors 0x20 / 0x28, cascade on IR2, 8086 mode, all unmasked. */
static void guest_init_pic(void)
{
    const uint8_t icw1 = PIC_ICW1_INIT | PIC_ICW1_IC4;
    out(PIC_MASTER_PORT, icw1);
    out(PIC_MASTER_PORT + 1, MASTER_BASE);
    out(PIC_MASTER_PORT + 1, 1u << PIC_CASCADE_IRQ);
    out(PIC_MASTER_PORT + 1, PIC_ICW4_8086);
    out(PIC_MASTER_PORT + 1, 0);
    out(PIC_SLAVE_PORT, icw1);
    out(PIC_SLAVE_PORT + 1, SLAVE_BASE);
    out(PIC_SLAVE_PORT + 1, PIC_CASCADE_IRQ);
    out(PIC_SLAVE_PORT + 1, PIC_ICW4_8086);
    out(PIC_SLAVE_PORT + 1, 0);
}

static void guest_start_pit(uint16_t divisor)
{
    out(PIT_CONTROL_PORT, CW_CH0_MODE2);
    out(PIT_COUNTER0_PORT, divisor & BYTE_MASK);
    out(PIT_COUNTER0_PORT, divisor >> 8);
}

/* What the run loop does before an entry, and the guest's handler: take every pending
 * vector, count the timer's, EOI each. */
static unsigned deliver(uint64_t tsc)
{
    unsigned timer = 0;
    int vector;
    vplatform_update(&vp, tsc);
    while ((vector = pic_pending_vector(&vp.pic)) >= 0) {
        assert_int_equal(pic_acknowledge(&vp.pic), vector);
        if (vector == TIMER_VECTOR)
            timer++;
        out(PIC_MASTER_PORT, PIC_EOI);
    }
    return timer;
}

/* Run from now to `until` in steps, delivering at each; the timer vectors seen. */
static unsigned run_until(uint64_t until, uint64_t step)
{
    unsigned timer = 0;
    while (tsc_now < until) {
        tsc_now = tsc_now + step < until ? tsc_now + step : until;
        timer += deliver(tsc_now);
    }
    return timer;
}

/* ---- time ------------------------------------------------------------------------------ */

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(vp.tsc_start, TSC_START);
    assert_int_equal(vplatform_pit_clock(&vp, TSC_START), 0);
    assert_int_equal(in(PIC_MASTER_PORT + 1), ALL_MASKED);
    assert_int_equal(in(PIC_SLAVE_PORT + 1), ALL_MASKED);
    assert_int_equal(vplatform_next_deadline(&vp, TSC_START), VPLATFORM_NO_DEADLINE);
    assert_int_equal(in(COM1_PORT + UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(in(PORT_B), 0);
}

static void test_pit_clock_and_ns(void **state)
{
    (void)state;
    assert_int_equal(vplatform_pit_clock(&vp, TSC_START + S), PIT_HZ);
    assert_int_equal(vplatform_pit_clock(&vp, TSC_START + S - 1), PIT_HZ - 1);
    assert_int_equal(vplatform_ns(&vp, TSC_START + 12345), 12345);
    assert_int_equal(vplatform_pit_clock(&vp, TSC_START - 1), 0); /* before the start */
}

/* The split conversion is exact where d * rate overflows 64 bits: compare with 128-bit
 * arithmetic (the host test may use it; the freestanding hypervisor may not). */
static void test_conversions_exact_for_large_values(void **state)
{
    (void)state;
    const uint64_t rates[] = {TSC_HZ, 2999999999ull, 3600000000ull, 10000000000ull};
    const uint64_t deltas[] = {1000000000000ull, 123456789012345ull, 1ull << 60, 999999999ull};
    for (unsigned r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        vplatform_reset(&vp, fake_read_tsc, rates[r]);
        for (unsigned d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++) {
            unsigned __int128 ticks = deltas[d];
            uint64_t ns = (uint64_t)(ticks * VPLATFORM_NS_PER_S / rates[r]);
            uint64_t pit = (uint64_t)(ticks * PIT_HZ / rates[r]);
            assert_int_equal(vplatform_ns(&vp, TSC_START + deltas[d]), ns);
            assert_int_equal(vplatform_pit_clock(&vp, TSC_START + deltas[d]), pit);
        }
    }
    vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
    assert_int_equal(vplatform_ns(&vp, TSC_START + 1000000000000ull), 1000000000000ull);
}

/* A failed TSC calibration (0 Hz): guest time stands still, nothing is ever due. */
static void test_unknown_tsc_frequency(void **state)
{
    (void)state;
    vplatform_reset(&vp, fake_read_tsc, 0);
    guest_start_pit(DIVISOR_100HZ);
    assert_int_equal(vplatform_pit_clock(&vp, TSC_START + S), 0);
    assert_int_equal(vplatform_ns(&vp, TSC_START + S), 0);
    assert_int_equal(vplatform_next_deadline(&vp, TSC_START + S), VPLATFORM_NO_DEADLINE);
}

/* ---- the timer interrupt ------------------------------------------------------------- */

/* 100 Hz for a second: 99 edges (the period is 10.00015 ms), the 100th just after. */
static void test_pit_100hz_through_pic(void **state)
{
    (void)state;
    guest_init_pic();
    guest_start_pit(DIVISOR_100HZ);
    assert_int_equal(run_until(TSC_START + S, MS), 99);
    assert_int_equal(run_until(TSC_START + S + 20 * 1000, MS), 1);
    /* 3 s in all: 3 * 1193182 / 11932 = 299.995 edges */
    assert_int_equal(run_until(TSC_START + 3 * S, MS), 299 - 100);
}

/* While the timer vector is masked, nothing is delivered; unmasked, the latched edge is. */
static void test_masked_timer(void **state)
{
    (void)state;
    guest_init_pic();
    out(PIC_MASTER_PORT + 1, 1u << VPLATFORM_PIT_IRQ);
    guest_start_pit(DIVISOR_100HZ);
    assert_int_equal(run_until(TSC_START + 100 * MS, MS), 0);
    out(PIC_MASTER_PORT + 1, 0);
    assert_int_equal(deliver(tsc_now), 1);
}

/* hvlab was late by 50 ms with the PIC idle (an emulator descheduled): the 5 edges make
 * one tick, as an 8259A merges edges it cannot latch apart (docs/timer.md); the lost ones
 * are counted, not paid back. */
static void test_late_ticks_merge(void **state)
{
    (void)state;
    guest_init_pic();
    guest_start_pit(DIVISOR_100HZ);
    tsc_now = TSC_START + 50 * MS + MS;
    assert_int_equal(deliver(tsc_now), 1);
    assert_int_equal(deliver(tsc_now), 0);
    assert_int_equal(vp.ticks_lost, 4);
}

/* The policy itself: after a late tick, the next one needs a new PIT edge. Each EOI (an
 * exit) brings the platform up to date; none of them, however soon, raises IRQ 0 again
 * before the next edge, and that edge raises exactly one. This is what check 64 of the
 * conformance guest relies on: nothing but an edge can follow the tick it takes. */
static void test_no_tick_without_a_new_edge(void **state)
{
    (void)state;
    guest_init_pic();
    guest_start_pit(DIVISOR_100HZ);
    tsc_now = TSC_START + S + MS; /* a whole second late: edges 1..100 passed */
    assert_int_equal(deliver(tsc_now), 1);
    for (uint64_t t = tsc_now + 1; t < TSC_START + 1010 * MS; t += 37 * 1000)
        assert_int_equal(deliver(t), 0); /* edge 101 is at 1010.0015 ms */
    tsc_now = TSC_START + 1010 * MS;
    /* Counting goes on on the same grid: the next tick is the 101st edge. */
    assert_int_equal(run_until(TSC_START + 1011 * MS, 1000), 1);
    assert_int_equal(vp.ticks_lost, 99);
}

/* Late or not, the guest never gets more ticks than the PIT made edges. */
static void test_ticks_never_exceed_edges(void **state)
{
    (void)state;
    static const uint64_t steps[] = {100 * 1000, 7 * MS, 10 * MS, 23 * MS, 100 * MS};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        tsc_now = TSC_START;
        vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
        guest_init_pic();
        guest_start_pit(DIVISOR_100HZ);
        unsigned taken = run_until(TSC_START + 3 * S, steps[i]);
        assert_true(taken <= 299);                    /* 3 s at 100 Hz: 299 edges */
        assert_int_equal(taken + vp.ticks_lost, 299); /* every edge taken or counted lost */
    }
}

/* Ticks that come while the guest's own timer request waits (masked, here) are merged, as
 * on a real PIC: the guest chose not to take them. */
static void test_ticks_merge_while_request_waits(void **state)
{
    (void)state;
    guest_init_pic();
    out(PIC_MASTER_PORT + 1, 1u << VPLATFORM_PIT_IRQ); /* mask the timer */
    guest_start_pit(DIVISOR_100HZ);
    for (int ms = 1; ms <= 51; ms++) /* the run loop looks every millisecond */
        vplatform_update(&vp, TSC_START + (uint64_t)ms * MS);
    out(PIC_MASTER_PORT + 1, 0);
    assert_int_equal(deliver(tsc_now = TSC_START + 51 * MS), 1);
    assert_int_equal(deliver(tsc_now), 0);
}

/* No EOI from the guest: the in-service timer blocks its own next ticks. */
static void test_no_eoi_blocks_timer(void **state)
{
    (void)state;
    guest_init_pic();
    guest_start_pit(DIVISOR_100HZ);
    tsc_now = TSC_START + 11 * MS;
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_acknowledge(&vp.pic), TIMER_VECTOR);
    tsc_now = TSC_START + 21 * MS;
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_pending_vector(&vp.pic), -1);
    out(PIC_MASTER_PORT, PIC_EOI);
    assert_int_equal(pic_pending_vector(&vp.pic), TIMER_VECTOR);
}

/* While IRQ 0 is masked or its request waits, a host timer would only burn exits: no
 * deadline. The EOI (an exit) brings it back. */
static void test_no_deadline_while_timer_blocked(void **state)
{
    (void)state;
    guest_init_pic();
    out(PIC_MASTER_PORT + 1, 1u << VPLATFORM_PIT_IRQ);
    guest_start_pit(DIVISOR_100HZ);
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);
    out(PIC_MASTER_PORT + 1, 0);
    assert_true(vplatform_next_deadline(&vp, tsc_now) != VPLATFORM_NO_DEADLINE);
    tsc_now = TSC_START + 11 * MS;
    vplatform_update(&vp, tsc_now); /* the request waits in IRR */
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);
    assert_int_equal(pic_acknowledge(&vp.pic), TIMER_VECTOR); /* in service */
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);
    out(PIC_MASTER_PORT, PIC_EOI);
    assert_true(vplatform_next_deadline(&vp, tsc_now) != VPLATFORM_NO_DEADLINE);
}

static void test_next_deadline(void **state)
{
    (void)state;
    guest_init_pic(); /* IRQ 0 unmasked: a masked timer needs no deadline (below) */
    guest_start_pit(DIVISOR_100HZ); /* at PIT clock 0 */
    uint64_t first = vplatform_next_deadline(&vp, TSC_START);
    /* ceil(11932 * 10^9 / 1193182) = ceil(10000150.857) */
    assert_int_equal(first, TSC_START + 10000151);
    assert_int_equal(vplatform_pit_clock(&vp, first), DIVISOR_100HZ);
    assert_int_equal(vplatform_pit_clock(&vp, first - 1), DIVISOR_100HZ - 1);
    assert_int_equal(vplatform_next_deadline(&vp, first - 1), first);
    /* At the edge itself, the next deadline is the following edge. */
    uint64_t second = vplatform_next_deadline(&vp, first);
    assert_int_equal(second, TSC_START + 20000302); /* ceil(20000301.714) */
    assert_int_equal(vplatform_pit_clock(&vp, second), 2 * DIVISOR_100HZ);

    /* Delivering at each deadline gets exactly one tick each time. */
    guest_init_pic();
    tsc_now = TSC_START;
    for (int i = 0; i < 50; i++) {
        tsc_now = vplatform_next_deadline(&vp, tsc_now);
        assert_int_equal(deliver(tsc_now), 1);
        assert_int_equal(deliver(tsc_now), 0);
    }
}

/* The PIT's ports read the count at the host TSC of the access. */
static void test_pit_count_through_ports(void **state)
{
    (void)state;
    guest_start_pit(1000);
    tsc_now = TSC_START + 100 * 1000;                       /* 100 us: 119.3 PIT clocks */
    out(PIT_CONTROL_PORT, PIT_RW_LATCH << PIT_CW_RW_SHIFT); /* latch channel 0 */
    tsc_now += MS;                                          /* the latch holds */
    uint8_t lsb = in(PIT_COUNTER0_PORT);
    uint8_t msb = in(PIT_COUNTER0_PORT);
    assert_int_equal(lsb | (msb << 8), 1000 - 119);
}

/* ---- the UART's interrupt line ------------------------------------------------------ */

static void test_uart_irq4(void **state)
{
    (void)state;
    guest_init_pic();
    out(COM1_PORT + UART_IER, UART_IER_THRE);
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_pending_vector(&vp.pic), -1); /* OUT2 low: no IRQ */

    out(COM1_PORT + UART_MCR, UART_MCR_OUT2);
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_acknowledge(&vp.pic), COM1_VECTOR);
    assert_int_equal(in(COM1_PORT + UART_IIR), UART_IIR_THRE); /* the guest's handler */
    out(PIC_MASTER_PORT, PIC_EOI);
    vplatform_update(&vp, tsc_now); /* the line dropped */
    assert_int_equal(pic_pending_vector(&vp.pic), -1);

    out(COM1_PORT + UART_THR, 'x'); /* sent at once: THR empty again, IRQ 4 rises */
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_pending_vector(&vp.pic), COM1_VECTOR);
}

/* ---- port B and PIT channel 2 ------------------------------------------------------- */

/* The TSC calibration of arch/x86_64/tsc.c, run by a guest: 10 ms on channel 2. */
static void test_port_b_channel2_calibration(void **state)
{
    (void)state;
    const uint16_t count = 11932; /* 10 ms */
    out(PORT_B, 0);
    out(PIT_CONTROL_PORT, CW_CH2_MODE0);
    out(PIT_COUNTER0_PORT + PIT_SPEAKER_CHANNEL, count & BYTE_MASK);
    out(PIT_COUNTER0_PORT + PIT_SPEAKER_CHANNEL, count >> 8);
    tsc_now += 3 * MS; /* the gate is low: nothing counts yet */
    assert_int_equal(in(PORT_B)&PORT_B_OUT2, 0);
    out(PORT_B, PORT_B_GATE2);
    assert_int_equal(in(PORT_B), PORT_B_GATE2);

    uint64_t gate_up = tsc_now;
    tsc_now = gate_up + 10 * MS - 10 * 1000; /* 10 us early (~12 PIT clocks) */
    assert_int_equal(in(PORT_B)&PORT_B_OUT2, 0);
    tsc_now = gate_up + 10 * MS + 10 * 1000;
    assert_int_equal(in(PORT_B), PORT_B_GATE2 | PORT_B_OUT2);

    out(PORT_B, BYTE_MASK); /* only bits 0-3 are written */
    assert_int_equal(in(PORT_B) & ~PORT_B_OUT2, PORT_B_WRITABLE);
}

/* ---- the RTC (0x70-0x71) and IRQ 8 ------------------------------------------------- */

#define RTC_VECTOR (SLAVE_BASE + CMOS_RTC_IRQ - PIC_CHIP_IRQS)

static uint8_t rtc_read(uint8_t reg)
{
    out(CMOS_INDEX_PORT, reg);
    return in(CMOS_DATA_PORT);
}

static void rtc_write(uint8_t reg, uint8_t value)
{
    out(CMOS_INDEX_PORT, reg);
    out(CMOS_DATA_PORT, value);
}

/* The clock starts at the time it is given, at guest time zero, and runs with the TSC. */
static void test_rtc_time_through_ports(void **state)
{
    (void)state;
    static const struct cmos_rtc_time start = {2026, 12, 7, 16, 34, 5};
    vplatform_rtc_start(&vp, &start, 128ull << 20);
    assert_int_equal(rtc_read(CMOS_SECONDS), 0x05);
    assert_int_equal(rtc_read(CMOS_REG_D), CMOS_D_VRT);
    assert_int_equal(rtc_read(CMOS_HIGH_MEM_64K_LO), 0x00); /* 112 MiB = 0x700 * 64 KiB */
    assert_int_equal(rtc_read(CMOS_HIGH_MEM_64K_HI), 0x07);
    tsc_now = TSC_START + S;
    assert_int_equal(rtc_read(CMOS_SECONDS), 0x06);
    tsc_now = TSC_START + 60 * S;
    assert_int_equal(rtc_read(CMOS_MINUTES), 0x35);
}

/* PIE at 1024 Hz: IRQ 8 through the slave 8259A, on time by the deadline, held until the
 * guest reads register C, and no deadline meanwhile. */
static void test_rtc_periodic_irq8(void **state)
{
    (void)state;
    guest_init_pic();
    rtc_write(CMOS_REG_A, CMOS_A_DV_32KHZ | CMOS_A_RS_1024HZ);
    vp.changed = false;
    rtc_write(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE); /* the next deadline moved */
    assert_true(vp.changed);
    uint64_t tap = vplatform_next_deadline(&vp, tsc_now);
    assert_int_equal(tap, TSC_START + 976563); /* ceil(32 / 32768 s) at 1 GHz */
    vplatform_update(&vp, tap - 1);
    assert_int_equal(pic_pending_vector(&vp.pic), -1);
    tsc_now = tap;
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_acknowledge(&vp.pic), RTC_VECTOR);
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);

    vp.changed = false;
    assert_int_equal(rtc_read(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_PF); /* the handler */
    assert_true(vp.changed);
    out(PIC_SLAVE_PORT, PIC_EOI);
    out(PIC_MASTER_PORT, PIC_EOI);
    vplatform_update(&vp, tsc_now);
    assert_int_equal(pic_pending_vector(&vp.pic), -1);
    uint64_t next = vplatform_next_deadline(&vp, tsc_now);
    assert_int_equal(next, TSC_START + 1953125);
    vplatform_update(&vp, next);
    assert_int_equal(pic_pending_vector(&vp.pic), RTC_VECTOR);
}

/* IRQ 8 masked at the slave (and the I/O APIC pin masked, as after reset): no host timer
 * for the RTC, as for the PIT. */
static void test_rtc_no_deadline_while_masked(void **state)
{
    (void)state;
    guest_init_pic();
    out(PIC_SLAVE_PORT + 1, 1u << (CMOS_RTC_IRQ - PIC_CHIP_IRQS));
    rtc_write(CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);
    out(PIC_SLAVE_PORT + 1, 0);
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), TSC_START + S);
    out(PIC_MASTER_PORT + 1, 1u << PIC_CASCADE_IRQ); /* the slave's way to the master */
    assert_int_equal(vplatform_next_deadline(&vp, tsc_now), VPLATFORM_NO_DEADLINE);
}

/* At a TSC rate that is no whole number of ticks per nanosecond, the deadline is rounded
 * up: delivering at it finds the tap has happened. */
static void test_rtc_deadline_rounds_up(void **state)
{
    (void)state;
    vplatform_reset(&vp, fake_read_tsc, 2596029000ull); /* QEMU's, 2.6 GHz */
    guest_init_pic();
    rtc_write(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
    for (int i = 0; i < 20; i++) {
        uint64_t due = vplatform_next_deadline(&vp, tsc_now);
        vplatform_update(&vp, due - 1);
        assert_int_equal(pic_pending_vector(&vp.pic), -1);
        tsc_now = due;
        vplatform_update(&vp, tsc_now);
        assert_int_equal(pic_acknowledge(&vp.pic), RTC_VECTOR);
        rtc_read(CMOS_REG_C);
        out(PIC_SLAVE_PORT, PIC_EOI);
        out(PIC_MASTER_PORT, PIC_EOI);
        vplatform_update(&vp, tsc_now);
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
    const struct CMUnitTest tests[] = {
        T(test_reset_state),
        T(test_pit_clock_and_ns),
        T(test_conversions_exact_for_large_values),
        T(test_unknown_tsc_frequency),
        T(test_pit_100hz_through_pic),
        T(test_masked_timer),
        T(test_late_ticks_merge),
        T(test_no_tick_without_a_new_edge),
        T(test_ticks_never_exceed_edges),
        T(test_no_deadline_while_timer_blocked),
        T(test_ticks_merge_while_request_waits),
        T(test_no_eoi_blocks_timer),
        T(test_next_deadline),
        T(test_pit_count_through_ports),
        T(test_uart_irq4),
        T(test_port_b_channel2_calibration),
        T(test_rtc_time_through_ports),
        T(test_rtc_periodic_irq8),
        T(test_rtc_no_deadline_while_masked),
        T(test_rtc_deadline_rounds_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
