/*
 * test_pit8254.c - Host unit tests for the 8254 PIT model (hypervisor/devices/pit8254.c),
 * driven by a fake clock: every call passes `now` in PIT input clocks.
 * See: Intel 82C54 datasheet, "Operational Description" (modes 0, 2, 3, control word,
 * counter latch, read-back command, status byte).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/pit8254.h"

#define CH0_PORT PIT_COUNTER0_PORT
#define CH2_PORT (PIT_COUNTER0_PORT + 2)

#define DIVISOR_1KHZ 1193u /* 1193182 / 1193 = 1000.15 Hz: Linux's HZ=1000 tick */
#define T0           100u  /* when a test writes its count */
#define BYTE_MASK    0xFFu
#define STATUS_RW_MODE_BCD(access, mode, bcd)                                                  \
    (((access) << PIT_CW_RW_SHIFT) | ((mode) << PIT_CW_MODE_SHIFT) | (bcd))

/* A control word for `channel`: access mode, counting mode, binary. */
static uint8_t control(unsigned channel, unsigned access, unsigned mode)
{
    return (uint8_t)((channel << PIT_CW_SC_SHIFT) | (access << PIT_CW_RW_SHIFT) |
                     (mode << PIT_CW_MODE_SHIFT));
}

/* Program a channel the usual way: control word, then the count LSB then MSB. */
static void program(struct pit8254 *pit, unsigned channel, unsigned mode, uint16_t count,
                    uint64_t now)
{
    uint16_t port = (uint16_t)(PIT_COUNTER0_PORT + channel);
    pit_port_write(pit, PIT_CONTROL_PORT, control(channel, PIT_RW_LSB_MSB, mode), now);
    pit_port_write(pit, port, count & BYTE_MASK, now);
    pit_port_write(pit, port, count >> 8, now);
}

/* Two reads of a channel in LSB-then-MSB access, as one 16-bit value. */
static uint16_t read16(struct pit8254 *pit, uint16_t port, uint64_t now)
{
    uint8_t lsb = pit_port_read(pit, port, now);
    uint8_t msb = pit_port_read(pit, port, now);
    return (uint16_t)(lsb | (msb << 8));
}

static void latch(struct pit8254 *pit, unsigned channel, uint64_t now)
{
    pit_port_write(pit, PIT_CONTROL_PORT, control(channel, PIT_RW_LATCH, 0), now);
}

/* ---- mode 2: the rate generator ------------------------------------------------------- */

static void test_mode2_1khz_edges(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, DIVISOR_1KHZ, T0);

    assert_int_equal(pit_irq0_edges(&pit, T0 + DIVISOR_1KHZ - 1), 0);
    assert_int_equal(pit_irq0_edges(&pit, T0 + DIVISOR_1KHZ), 1);
    assert_int_equal(pit_irq0_edges(&pit, T0 + DIVISOR_1KHZ), 0); /* reported once */
    assert_int_equal(pit_irq0_edges(&pit, T0 + 2 * DIVISOR_1KHZ - 1), 0);
    assert_int_equal(pit_irq0_edges(&pit, T0 + 2 * DIVISOR_1KHZ), 1);
    /* One second after the write: 1000 edges in all. */
    assert_int_equal(pit_irq0_edges(&pit, T0 + PIT_HZ), 1000 - 2);
}

static void test_mode2_count_and_output(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 10, T0);
    assert_int_equal(pit_count(&pit, 0, T0), 10);
    assert_int_equal(pit_count(&pit, 0, T0 + 1), 9);
    assert_int_equal(pit_count(&pit, 0, T0 + 9), 1);
    assert_int_equal(pit_count(&pit, 0, T0 + 10), 10); /* reloaded: N .. 1, never 0 */
    assert_true(pit_output(&pit, 0, T0 + 8));
    assert_false(pit_output(&pit, 0, T0 + 9)); /* low while the count is 1 */
    assert_true(pit_output(&pit, 0, T0 + 10));
}

/* Modes 6 and 7 are 2 and 3. */
static void test_mode6_is_mode2(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR | PIT_MODE_ALIAS_BIT, 100, 0);
    assert_int_equal(pit_irq0_edges(&pit, 1000), 10);
    assert_int_equal(pit_count(&pit, 0, 1050), 50);
}

/* ---- reads: latch, byte order ----------------------------------------------------------- */

static void test_latch_holds_count_until_read(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 1000, 0);
    latch(&pit, 0, 300);
    latch(&pit, 0, 400); /* ignored: the first latch is not read yet */
    assert_int_equal(read16(&pit, CH0_PORT, 500), 700);
    /* Unlatched again: reads follow the counter (LSB at 600, MSB at 601). */
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 600), 400 & BYTE_MASK);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 601), 399 >> 8);
    latch(&pit, 0, 900);
    assert_int_equal(read16(&pit, CH0_PORT, 950), 100);
}

/* LSB then MSB, for the latched count and for live reads; after a complete latched read
 * the next live read starts with an LSB again. */
static void test_lsb_msb_order(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 0x1234, 0);
    latch(&pit, 0, 0);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0), 0x34);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0), 0x12);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0x34), 0x00); /* count 0x1200: LSB */
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0x34), 0x12); /* MSB */
}

static void test_lsb_only_and_msb_only_access(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    pit_port_write(&pit, PIT_CONTROL_PORT, control(0, PIT_RW_LSB, PIT_MODE_RATE_GENERATOR), 0);
    pit_port_write(&pit, CH0_PORT, 200, 0);
    assert_int_equal(pit.ch[0].reload, 200);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 50), 150);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 60), 140); /* LSB again, no MSB */

    pit_port_write(&pit, PIT_CONTROL_PORT, control(0, PIT_RW_MSB, PIT_MODE_RATE_GENERATOR), 0);
    pit_port_write(&pit, CH0_PORT, 0x02, 0);
    assert_int_equal(pit.ch[0].reload, 0x200);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0x100), 0x01);
}

/* A control port read is not a register: the bus floats. */
static void test_control_port_reads_all_ones(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    assert_int_equal(pit_port_read(&pit, PIT_CONTROL_PORT, 0), 0xFF);
}

/* ---- count 0 = 65536 ------------------------------------------------------------------ */

static void test_reload_zero_is_65536(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 0, 0);
    assert_int_equal(pit_count(&pit, 0, 0), 0); /* 65536 in 16 bits */
    assert_int_equal(pit_count(&pit, 0, 1), 0xFFFF);
    assert_int_equal(pit_irq0_edges(&pit, PIT_MAX_COUNT - 1), 0);
    assert_int_equal(pit_irq0_edges(&pit, PIT_MAX_COUNT), 1);
    assert_int_equal(pit_next_irq0_edge(&pit, PIT_MAX_COUNT), 2 * PIT_MAX_COUNT);
    /* 18.2 Hz: the BIOS tick. */
    assert_int_equal(pit_irq0_edges(&pit, 10 * (uint64_t)PIT_HZ), 182 - 1);
}

/* ---- mode 3: square wave ------------------------------------------------------------- */

static void test_mode3_square_wave(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_SQUARE_WAVE, 1000, T0);

    assert_true(pit_output(&pit, 0, T0));
    assert_true(pit_output(&pit, 0, T0 + 499));
    assert_false(pit_output(&pit, 0, T0 + 500));
    assert_false(pit_output(&pit, 0, T0 + 999));
    assert_true(pit_output(&pit, 0, T0 + 1000));

    /* Counts fall by 2 from N in each half. */
    assert_int_equal(pit_count(&pit, 0, T0), 1000);
    assert_int_equal(pit_count(&pit, 0, T0 + 1), 998);
    assert_int_equal(pit_count(&pit, 0, T0 + 499), 2);
    assert_int_equal(pit_count(&pit, 0, T0 + 500), 1000);
    assert_int_equal(pit_count(&pit, 0, T0 + 750), 500);

    /* One rising edge per period, at the start of each high half. */
    assert_int_equal(pit_irq0_edges(&pit, T0 + 999), 0);
    assert_int_equal(pit_irq0_edges(&pit, T0 + 1000), 1);
    assert_int_equal(pit_irq0_edges(&pit, T0 + 10500), 9);
    assert_int_equal(pit_next_irq0_edge(&pit, T0 + 10500), T0 + 11000);
}

/* An odd count: high one clock longer than low. */
static void test_mode3_odd_count(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_SQUARE_WAVE, 5, 0);
    bool expected[] = {true, true, true, false, false, true};
    for (unsigned t = 0; t < sizeof(expected) / sizeof(expected[0]); t++)
        assert_int_equal(pit_output(&pit, 0, t), expected[t]);
}

/* ---- mode 0: one shot ------------------------------------------------------------------ */

static void test_mode0_one_shot(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    pit_port_write(&pit, PIT_CONTROL_PORT, control(0, PIT_RW_LSB_MSB, PIT_MODE_INTERRUPT_ON_TC),
                   0);
    assert_false(pit_output(&pit, 0, 0)); /* low after the control word */
    pit_port_write(&pit, CH0_PORT, 100, T0);
    assert_int_equal(pit_next_irq0_edge(&pit, T0), PIT_NEVER); /* only half a count */
    pit_port_write(&pit, CH0_PORT, 0, T0);

    assert_int_equal(pit_next_irq0_edge(&pit, T0), T0 + 100);
    assert_int_equal(pit_irq0_edges(&pit, T0 + 99), 0);
    assert_false(pit_output(&pit, 0, T0 + 99));
    assert_int_equal(pit_irq0_edges(&pit, T0 + 100), 1);
    assert_true(pit_output(&pit, 0, T0 + 100));
    assert_int_equal(pit_irq0_edges(&pit, T0 + 100000), 0); /* once only */
    assert_true(pit_output(&pit, 0, T0 + 100000));
    assert_int_equal(pit_next_irq0_edge(&pit, T0 + 100), PIT_NEVER);
    /* The counter goes on counting down past 0. */
    assert_int_equal(pit_count(&pit, 0, T0 + 101), 0xFFFF);

    /* A new count arms it again. */
    pit_port_write(&pit, CH0_PORT, 10, T0 + 200);
    pit_port_write(&pit, CH0_PORT, 0, T0 + 200);
    assert_int_equal(pit_irq0_edges(&pit, T0 + 210), 1);
}

/* Modes 1, 4 and 5 are counted like mode 0 (documented in pit8254.c). */
static void test_modes_1_4_5_count_like_mode0(void **state)
{
    (void)state;
    const unsigned modes[] = {PIT_MODE_ONE_SHOT, PIT_MODE_SOFTWARE_STROBE,
                              PIT_MODE_HARDWARE_STROBE};
    for (unsigned i = 0; i < 3; i++) {
        struct pit8254 pit;
        pit_reset(&pit, 0);
        program(&pit, 0, modes[i], 50, 0);
        assert_int_equal(pit_count(&pit, 0, 20), 30);
        assert_int_equal(pit_irq0_edges(&pit, 1000), 1);
    }
}

/* ---- read-back ------------------------------------------------------------------------ */

static void test_read_back_status(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    const uint8_t status_ch0 =
        PIT_CW_SC_READ_BACK << PIT_CW_SC_SHIFT | PIT_RB_NO_COUNT | PIT_RB_COUNTER(0);
    pit_port_write(&pit, PIT_CONTROL_PORT, control(0, PIT_RW_LSB_MSB, PIT_MODE_RATE_GENERATOR),
                   0);
    pit_port_write(&pit, PIT_CONTROL_PORT, status_ch0, 0);
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 0),
                     PIT_STATUS_OUTPUT | PIT_STATUS_NULL_COUNT |
                         STATUS_RW_MODE_BCD(PIT_RW_LSB_MSB, PIT_MODE_RATE_GENERATOR, 0));

    pit_port_write(&pit, CH0_PORT, 10, 0);
    pit_port_write(&pit, CH0_PORT, 0, 0);
    pit_port_write(&pit, PIT_CONTROL_PORT, status_ch0, 9); /* count 1: OUT low */
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 9),
                     STATUS_RW_MODE_BCD(PIT_RW_LSB_MSB, PIT_MODE_RATE_GENERATOR, 0));
}

/* Count and status together: status first, then the count; several counters at once. */
static void test_read_back_count_and_status(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_SQUARE_WAVE, 1000, 0);
    program(&pit, 2, PIT_MODE_INTERRUPT_ON_TC, 300, 0);
    pit_port_write(
        &pit, PIT_CONTROL_PORT,
        PIT_CW_SC_READ_BACK << PIT_CW_SC_SHIFT | PIT_RB_COUNTER(0) | PIT_RB_COUNTER(2), 100);
    assert_int_equal(pit_port_read(&pit, CH2_PORT, 150),
                     STATUS_RW_MODE_BCD(PIT_RW_LSB_MSB, PIT_MODE_INTERRUPT_ON_TC, 0));
    assert_int_equal(read16(&pit, CH2_PORT, 150), 200);
    assert_int_equal(read16(&pit, CH2_PORT, 150), 150); /* latch used up: live again */
    assert_int_equal(pit_port_read(&pit, CH0_PORT, 150),
                     PIT_STATUS_OUTPUT |
                         STATUS_RW_MODE_BCD(PIT_RW_LSB_MSB, PIT_MODE_SQUARE_WAVE, 0));
    assert_int_equal(read16(&pit, CH0_PORT, 150), 1000 - 2 * 100);
}

/* ---- next edge, coalescing, reprogramming --------------------------------------------- */

static void test_next_edge_times(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    assert_int_equal(pit_next_irq0_edge(&pit, 0), PIT_NEVER); /* not counting */
    assert_int_equal(pit_irq0_edges(&pit, 1000000), 0);

    program(&pit, 0, PIT_MODE_RATE_GENERATOR, DIVISOR_1KHZ, T0);
    assert_int_equal(pit_next_irq0_edge(&pit, T0), T0 + DIVISOR_1KHZ);
    assert_int_equal(pit_next_irq0_edge(&pit, T0 + DIVISOR_1KHZ - 1), T0 + DIVISOR_1KHZ);
    /* At an edge, the next one is a period later ("after now"). */
    assert_int_equal(pit_next_irq0_edge(&pit, T0 + DIVISOR_1KHZ), T0 + 2 * DIVISOR_1KHZ);
    assert_int_equal(pit_next_irq0_edge(&pit, T0 + 7 * DIVISOR_1KHZ + 5),
                     T0 + 8 * DIVISOR_1KHZ);
}

/* A long gap without a call: every edge is counted; the caller decides how many IRQs. */
static void test_edges_counted_across_long_gap(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 100, 0);
    assert_int_equal(pit_irq0_edges(&pit, 150), 1);
    assert_int_equal(pit_irq0_edges(&pit, 1000050), 10000 - 1);
    assert_int_equal(pit_irq0_edges(&pit, 1000099), 0);
    assert_int_equal(pit_irq0_edges(&pit, 1000100), 1);
}

/* Edges made before a reprogramming and not yet asked for are still reported. */
static void test_reprogramming_keeps_unreported_edges(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 100, 0);
    assert_int_equal(pit_irq0_edges(&pit, 100), 1);
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 50, 350); /* edges at 200, 300 unreported */
    assert_int_equal(pit_irq0_edges(&pit, 399), 2);
    assert_int_equal(pit_irq0_edges(&pit, 400), 1); /* the new period restarts at 350 */
    assert_int_equal(pit_next_irq0_edge(&pit, 400), 450);
}

/* ---- GATE (channel 2 on port 0x61) ---------------------------------------------------- */

/* How arch/x86_64/tsc.c calibrates: gate low, mode 0 count, gate high, wait for OUT. */
static void test_gate_starts_mode0(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    pit_set_gate(&pit, 2, false, 0);
    program(&pit, 2, PIT_MODE_INTERRUPT_ON_TC, 11931, 10);
    assert_int_equal(pit_count(&pit, 2, 5000), 11931); /* held */
    pit_set_gate(&pit, 2, true, 5000);
    assert_false(pit_output(&pit, 2, 5000 + 11930));
    assert_true(pit_output(&pit, 2, 5000 + 11931));

    /* Low again: the count is held, and resumes where it was. */
    pit_set_gate(&pit, 2, false, 6000);
    assert_int_equal(pit_count(&pit, 2, 9000), 11931 - 1000);
    pit_set_gate(&pit, 2, true, 9000);
    assert_int_equal(pit_count(&pit, 2, 9100), 11931 - 1100);
}

/* Modes 2 and 3: GATE low forces OUT high and stops; the rising edge reloads. */
static void test_gate_restarts_mode2(void **state)
{
    (void)state;
    struct pit8254 pit;
    pit_reset(&pit, 0);
    program(&pit, 2, PIT_MODE_RATE_GENERATOR, 10, 0);
    assert_false(pit_output(&pit, 2, 9));
    pit_set_gate(&pit, 2, false, 9);
    assert_true(pit_output(&pit, 2, 9));
    assert_int_equal(pit_count(&pit, 2, 50), 1);
    pit_set_gate(&pit, 2, true, 50);
    assert_int_equal(pit_count(&pit, 2, 50), 10);
    assert_int_equal(pit_count(&pit, 2, 53), 7);

    /* Channel 0's gate, held low, stops its edges too. */
    program(&pit, 0, PIT_MODE_RATE_GENERATOR, 10, 0);
    pit_set_gate(&pit, 0, false, 5);
    assert_int_equal(pit_next_irq0_edge(&pit, 5), PIT_NEVER);
    assert_int_equal(pit_irq0_edges(&pit, 100), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode2_1khz_edges),
        cmocka_unit_test(test_mode2_count_and_output),
        cmocka_unit_test(test_mode6_is_mode2),
        cmocka_unit_test(test_latch_holds_count_until_read),
        cmocka_unit_test(test_lsb_msb_order),
        cmocka_unit_test(test_lsb_only_and_msb_only_access),
        cmocka_unit_test(test_control_port_reads_all_ones),
        cmocka_unit_test(test_reload_zero_is_65536),
        cmocka_unit_test(test_mode3_square_wave),
        cmocka_unit_test(test_mode3_odd_count),
        cmocka_unit_test(test_mode0_one_shot),
        cmocka_unit_test(test_modes_1_4_5_count_like_mode0),
        cmocka_unit_test(test_read_back_status),
        cmocka_unit_test(test_read_back_count_and_status),
        cmocka_unit_test(test_next_edge_times),
        cmocka_unit_test(test_edges_counted_across_long_gap),
        cmocka_unit_test(test_reprogramming_keeps_unreported_edges),
        cmocka_unit_test(test_gate_starts_mode0),
        cmocka_unit_test(test_gate_restarts_mode2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
