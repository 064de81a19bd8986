/*
 * test_cmos_rtc.c - Host unit tests for the MC146818A RTC / CMOS model
 * (hypervisor/devices/cmos_rtc.c), driven by a fake clock: every call passes `now` in
 * nanoseconds of guest time. Registers are reached as a guest reaches them: the index to
 * port 0x70, then the data at port 0x71.
 * See: Motorola MC146818A datasheet, "Update Cycle", "Interrupts", "Register A" to
 * "Register D", "Daylight Savings Enable".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/cmos_rtc.h"

#define SEC            CMOS_NS_PER_S
#define MS             1000000ull
#define US             1000ull
#define START          (5 * SEC) /* guest time at reset: not zero, so nothing may assume it is */
/* The first update cycle: it begins UPDATE_NS before the second ends, UIP LEAD before. */
#define FIRST_TICK     (START + SEC)
#define UIP_RISES      (FIRST_TICK - CMOS_UPDATE_NS - CMOS_UIP_LEAD_NS)
#define REG_A_PC       (CMOS_A_DV_32KHZ | CMOS_A_RS_1024HZ) /* 0x26, as a PC BIOS leaves it */
#define TAP_1024HZ     976563ull /* ns to the first 1024 Hz tap: 32 cycles of 32.768 kHz, up */
#define BCD_HOUR_12_PM (0x12u | CMOS_HOUR_PM)

/* Monday, 7 December 2026, 16:34:05 (the day this test was written). */
static const struct cmos_rtc_time boot_time = {2026, 12, 7, 16, 34, 5};

static uint8_t reg_read(struct cmos_rtc *rtc, uint8_t reg, uint64_t now)
{
    cmos_rtc_port_write(rtc, CMOS_INDEX_PORT, reg, now);
    return cmos_rtc_port_read(rtc, CMOS_DATA_PORT, now);
}

static void reg_write(struct cmos_rtc *rtc, uint8_t reg, uint8_t value, uint64_t now)
{
    cmos_rtc_port_write(rtc, CMOS_INDEX_PORT, reg, now);
    cmos_rtc_port_write(rtc, CMOS_DATA_PORT, value, now);
}

/* Hold SET, write the clock bytes as given (already in the format B selects), let go. */
static void set_time(struct cmos_rtc *rtc, uint8_t b, const uint8_t clock[10], uint64_t now)
{
    reg_write(rtc, CMOS_REG_B, b | CMOS_B_SET, now);
    for (uint8_t reg = CMOS_SECONDS; reg <= CMOS_YEAR; reg++)
        if (reg != CMOS_SECONDS_ALARM && reg != CMOS_MINUTES_ALARM && reg != CMOS_HOURS_ALARM)
            reg_write(rtc, reg, clock[reg], now);
    reg_write(rtc, CMOS_REG_B, b, now);
}

static void fresh(struct cmos_rtc *rtc) { cmos_rtc_reset(rtc, &boot_time, START); }

/* Fresh, with no periodic taps (RS = 0000), so register C shows only UF and AF. */
static void fresh_quiet(struct cmos_rtc *rtc)
{
    fresh(rtc);
    reg_write(rtc, CMOS_REG_A, CMOS_A_DV_32KHZ, START);
}

/* ---- power-on state ---------------------------------------------------------------------- */

static void test_reset_state_is_the_boot_time_in_bcd(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, START), 0x05);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, START), 0x34);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, START), 0x16);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_WEEK, START), 2); /* Monday */
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, START), 0x07);
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, START), 0x12);
    assert_int_equal(reg_read(&rtc, CMOS_YEAR, START), 0x26);
    assert_int_equal(reg_read(&rtc, CMOS_CENTURY, START), 0x20);
    assert_int_equal(reg_read(&rtc, CMOS_REG_A, START), REG_A_PC);
    assert_int_equal(reg_read(&rtc, CMOS_REG_B, START), CMOS_B_24H);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START), 0);
    assert_int_equal(reg_read(&rtc, CMOS_REG_D, START), CMOS_D_VRT);
    assert_false(cmos_rtc_irq(&rtc, START));
}

static void test_day_of_week_at_reset(void **state)
{
    (void)state;
    static const struct {
        struct cmos_rtc_time t;
        uint8_t day_of_week;
    } cases[] = {
        {{2000, 1, 1, 0, 0, 0}, 7},   /* Saturday */
        {{1999, 12, 31, 0, 0, 0}, 6}, /* Friday */
        {{2024, 2, 29, 0, 0, 0}, 5},  /* Thursday: a leap day */
        {{2100, 3, 1, 0, 0, 0}, 2},   /* Monday: 2100 is no leap year */
        {{2026, 12, 6, 0, 0, 0}, 1},  /* Sunday */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cmos_rtc rtc;
        cmos_rtc_reset(&rtc, &cases[i].t, 0);
        assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_WEEK, 0), cases[i].day_of_week);
    }
}

static void test_ports_index_nmi_ram_and_read_only_registers(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    /* Bit 7 of the index is the PC's NMI mask, not part of the register number. */
    cmos_rtc_port_write(&rtc, CMOS_INDEX_PORT, CMOS_NMI_MASK | 0x40, START);
    assert_true(rtc.nmi_masked);
    cmos_rtc_port_write(&rtc, CMOS_DATA_PORT, 0x5A, START);
    assert_int_equal(reg_read(&rtc, 0x40, START), 0x5A);
    assert_false(rtc.nmi_masked);
    assert_int_equal(cmos_rtc_port_read(&rtc, CMOS_INDEX_PORT, START), 0xFF);
    /* C and D ignore writes; D's low bits read 0; UIP cannot be written. */
    reg_write(&rtc, CMOS_REG_C, 0xFF, START);
    reg_write(&rtc, CMOS_REG_D, 0x7F, START);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START), 0);
    assert_int_equal(reg_read(&rtc, CMOS_REG_D, START), CMOS_D_VRT);
    reg_write(&rtc, CMOS_REG_A, CMOS_A_UIP | REG_A_PC, START);
    assert_int_equal(reg_read(&rtc, CMOS_REG_A, START), REG_A_PC);
}

static void test_memory_size_bytes(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    cmos_rtc_set_memory_size(&rtc, 8ull << 20);
    assert_int_equal(reg_read(&rtc, CMOS_BASE_MEM_KB_LO, START), 640 & 0xFF);
    assert_int_equal(reg_read(&rtc, CMOS_BASE_MEM_KB_HI, START), 640 >> 8);
    assert_int_equal(reg_read(&rtc, CMOS_EXT_MEM_KB_LO, START), 0x00); /* 7168 = 0x1C00 */
    assert_int_equal(reg_read(&rtc, CMOS_EXT_MEM_KB_HI, START), 0x1C);
    assert_int_equal(reg_read(&rtc, CMOS_EXT_MEM_POST_KB_HI, START), 0x1C);
    assert_int_equal(reg_read(&rtc, CMOS_HIGH_MEM_64K_LO, START), 0);
    assert_int_equal(reg_read(&rtc, CMOS_HIGH_MEM_64K_HI, START), 0);

    cmos_rtc_set_memory_size(&rtc, 256ull << 20); /* 255 MiB above 1 MiB: more than fits */
    assert_int_equal(reg_read(&rtc, CMOS_EXT_MEM_KB_LO, START), 0xFF);
    assert_int_equal(reg_read(&rtc, CMOS_EXT_MEM_KB_HI, START), 0xFF);
    assert_int_equal(reg_read(&rtc, CMOS_HIGH_MEM_64K_LO, START), 0x00); /* 3840 = 0x0F00 */
    assert_int_equal(reg_read(&rtc, CMOS_HIGH_MEM_64K_HI, START), 0x0F);
}

/* ---- time: ticking, UIP, SET ------------------------------------------------------------- */

static void test_seconds_tick_at_the_end_of_each_update(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK - 1), 0x05);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK), 0x06);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK + SEC - 1), 0x06);
    /* 55 seconds on, all at once: 16:35:00, with the minute carried. */
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK + 54 * SEC), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, FIRST_TICK + 54 * SEC), 0x35);
    /* Time never runs backwards: an earlier `now` changes nothing. */
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, START), 0x00);
    /* An hour and a half on: 18:05:00. */
    uint64_t later = FIRST_TICK + 54 * SEC + 90 * 60 * SEC;
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, later), 0x18);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, later), 0x05);
    struct cmos_rtc_time t = cmos_rtc_read_time(&rtc);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.hour, 18);
    assert_int_equal(t.minute, 5);
    assert_int_equal(t.second, 0);
}

static void test_uip_window(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    assert_false(reg_read(&rtc, CMOS_REG_A, UIP_RISES - 1) & CMOS_A_UIP);
    assert_true(reg_read(&rtc, CMOS_REG_A, UIP_RISES) & CMOS_A_UIP);
    assert_true(reg_read(&rtc, CMOS_REG_A, FIRST_TICK - 1) & CMOS_A_UIP);
    assert_false(reg_read(&rtc, CMOS_REG_A, FIRST_TICK) & CMOS_A_UIP);
    /* Every second the same. */
    assert_false(reg_read(&rtc, CMOS_REG_A, UIP_RISES + 7 * SEC - 1) & CMOS_A_UIP);
    assert_true(reg_read(&rtc, CMOS_REG_A, UIP_RISES + 7 * SEC) & CMOS_A_UIP);
    /* A `now` earlier than one already seen is taken as the latest: UIP stays set. */
    assert_true(reg_read(&rtc, CMOS_REG_A, START + 100 * MS) & CMOS_A_UIP);
}

/* Linux (mach_get_cmos_time, mc146818_get_time) spins while UIP is set, reading register A;
 * with guest time moving 1 us per read the loop ends once the update is over, and the
 * seconds read after it are the new ones. */
static void test_uip_wait_loop_terminates(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    uint64_t now = UIP_RISES;
    unsigned reads = 0;
    while (reg_read(&rtc, CMOS_REG_A, now) & CMOS_A_UIP) {
        now += US;
        assert_true(++reads < 10000);
    }
    assert_int_equal(reads, (CMOS_UPDATE_NS + CMOS_UIP_LEAD_NS) / US);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, now), 0x06);
}

static void test_set_stops_updates_and_sets_the_time(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh_quiet(&rtc);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE, START);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE | CMOS_B_SET, UIP_RISES);
    /* SET clears UIE, and ends the update cycle in progress: UIP reads 0. */
    assert_int_equal(reg_read(&rtc, CMOS_REG_B, UIP_RISES), CMOS_B_24H | CMOS_B_SET);
    assert_false(reg_read(&rtc, CMOS_REG_A, UIP_RISES) & CMOS_A_UIP);
    /* Three seconds pass without an update. */
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK + 2 * SEC), 0x05);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK + 2 * SEC), 0);

    static const uint8_t clock[10] = {
        [CMOS_SECONDS] = 0x59,  [CMOS_MINUTES] = 0x59,      [CMOS_HOURS] = 0x23,
        [CMOS_DAY_OF_WEEK] = 4, [CMOS_DAY_OF_MONTH] = 0x31, [CMOS_MONTH] = 0x12,
        [CMOS_YEAR] = 0x99};
    set_time(&rtc, CMOS_B_24H, clock, FIRST_TICK + 2 * SEC + 10 * MS);
    /* The divider went on counting: the next update still ends on the second. */
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK + 3 * SEC - 1), 0x59);
    uint64_t t = FIRST_TICK + 3 * SEC;
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, t), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, t), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, t), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_WEEK, t), 5);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, t), 0x01);
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, t), 0x01);
    assert_int_equal(reg_read(&rtc, CMOS_YEAR, t), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_CENTURY, t), 0x21); /* 2099 -> 2100 */
}

static void test_binary_mode(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    uint8_t b = CMOS_B_24H | CMOS_B_DM;
    static const uint8_t clock[10] = {
        [CMOS_SECONDS] = 59,      [CMOS_MINUTES] = 9, [CMOS_HOURS] = 19, [CMOS_DAY_OF_WEEK] = 7,
        [CMOS_DAY_OF_MONTH] = 28, [CMOS_MONTH] = 2,   [CMOS_YEAR] = 23};
    set_time(&rtc, b, clock, START);
    reg_write(&rtc, CMOS_REG_B, b | CMOS_B_SET, START);
    reg_write(&rtc, CMOS_CENTURY, 20, START);
    reg_write(&rtc, CMOS_REG_B, b, START);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, FIRST_TICK), 0);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, FIRST_TICK), 10);
    /* 2023-02-28 19:10:00 plus 4 h 50 min: 2023-03-01 (no leap day), a Sunday. */
    uint64_t t = FIRST_TICK + (4 * 60 + 50) * 60 * SEC;
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, t), 0);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, t), 1);
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, t), 3);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_WEEK, t), 1);
    struct cmos_rtc_time now = cmos_rtc_read_time(&rtc);
    assert_int_equal(now.year, 2023);
}

static void test_leap_day(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    static const struct cmos_rtc_time eve = {2028, 2, 28, 23, 59, 59};
    cmos_rtc_reset(&rtc, &eve, 0);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, SEC), 0x29);
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, SEC), 0x02);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, SEC + 86400 * SEC), 0x01);
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, SEC + 86400 * SEC), 0x03);
    static const struct cmos_rtc_time april = {2027, 4, 30, 23, 59, 59};
    cmos_rtc_reset(&rtc, &april, 0);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, SEC), 0x01); /* April has 30 */
    assert_int_equal(reg_read(&rtc, CMOS_MONTH, SEC), 0x05);
}

static void test_12_hour_mode(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    /* 11:59:59 AM -> 12:00:00 PM: bit 7 of the hours is PM. */
    static const uint8_t morning[10] = {
        [CMOS_SECONDS] = 0x59,  [CMOS_MINUTES] = 0x59,      [CMOS_HOURS] = 0x11,
        [CMOS_DAY_OF_WEEK] = 2, [CMOS_DAY_OF_MONTH] = 0x07, [CMOS_MONTH] = 0x12,
        [CMOS_YEAR] = 0x26};
    set_time(&rtc, 0, morning, START);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, FIRST_TICK), BCD_HOUR_12_PM);
    assert_int_equal(cmos_rtc_read_time(&rtc).hour, 12);
    /* 12:59:59 PM -> 1:00:00 PM */
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, FIRST_TICK + 3600 * SEC), 0x01 | CMOS_HOUR_PM);
    assert_int_equal(cmos_rtc_read_time(&rtc).hour, 13);

    /* 11:59:59 PM -> 12:00:00 AM, the next day; binary 12-hour mode. */
    static const uint8_t night[10] = {
        [CMOS_SECONDS] = 59,    [CMOS_MINUTES] = 59,     [CMOS_HOURS] = 11 | CMOS_HOUR_PM,
        [CMOS_DAY_OF_WEEK] = 2, [CMOS_DAY_OF_MONTH] = 7, [CMOS_MONTH] = 12,
        [CMOS_YEAR] = 26};
    uint64_t t = FIRST_TICK + 3600 * SEC + 100 * MS;
    set_time(&rtc, CMOS_B_DM, night, t);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, FIRST_TICK + 3601 * SEC), 12);
    assert_int_equal(reg_read(&rtc, CMOS_DAY_OF_MONTH, FIRST_TICK + 3601 * SEC), 8);
    assert_int_equal(cmos_rtc_read_time(&rtc).hour, 0);
}

static void test_divider_reset_holds_the_clock(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    reg_write(&rtc, CMOS_REG_A, CMOS_A_DV_RESET | CMOS_A_RS_1024HZ, START);
    assert_false(reg_read(&rtc, CMOS_REG_A, UIP_RISES) & CMOS_A_UIP);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, START + 10 * SEC), 0x05);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START + 10 * SEC), 0); /* no taps either */
    /* Out of reset: the first update begins half a second later. */
    uint64_t t = START + 10 * SEC;
    reg_write(&rtc, CMOS_REG_A, REG_A_PC, t);
    uint64_t first = t + CMOS_FIRST_UPDATE_NS + CMOS_UPDATE_NS;
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, first - 1), 0x05);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, first), 0x06);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, first + SEC), 0x07);
}

/* ---- interrupts: register C and the IRQ line ----------------------------------------------- */

static void test_update_ended_flag_and_interrupt(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh_quiet(&rtc);
    /* UF is set whether or not UIE is; IRQF only with it. Reading C clears both. */
    assert_int_equal(cmos_rtc_next_event(&rtc, START), CMOS_RTC_NEVER);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK));
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK), CMOS_C_UF);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK), 0);

    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE, FIRST_TICK);
    assert_int_equal(cmos_rtc_next_event(&rtc, FIRST_TICK), FIRST_TICK + SEC);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK + SEC - 1));
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK + SEC));
    /* A level: it stays up, and no further event is due, until C is read. */
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK + SEC + 500 * MS));
    assert_int_equal(cmos_rtc_next_event(&rtc, FIRST_TICK + SEC), CMOS_RTC_NEVER);
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK + SEC + 500 * MS),
                     CMOS_C_IRQF | CMOS_C_UF);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK + SEC + 500 * MS));
    /* Asked late, the next event is still the next whole second. */
    assert_int_equal(cmos_rtc_next_event(&rtc, FIRST_TICK + 3 * SEC + 1), FIRST_TICK + 4 * SEC);
}

static void test_enabling_an_interrupt_with_its_flag_set_raises_irqf(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK)); /* UF set, UIE clear */
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE, FIRST_TICK);
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK));
}

static void test_periodic_interrupt_1024hz(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE, START);
    /* 976562.5 ns rounds up: at the deadline the tap has happened, not one ns later. */
    assert_int_equal(cmos_rtc_next_event(&rtc, START), START + TAP_1024HZ);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H, START);
    assert_false(cmos_rtc_irq(&rtc, START + TAP_1024HZ - 1));
    /* PF without PIE: a flag, no interrupt. */
    assert_false(cmos_rtc_irq(&rtc, START + TAP_1024HZ));
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START + TAP_1024HZ), CMOS_C_PF);

    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE, START + TAP_1024HZ);
    /* The second tap: 64 cycles, 1953125 ns. */
    assert_int_equal(cmos_rtc_next_event(&rtc, START + TAP_1024HZ), START + 1953125);
    assert_false(cmos_rtc_irq(&rtc, START + 1953124));
    assert_true(cmos_rtc_irq(&rtc, START + 1953125));
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START + 1953125), CMOS_C_IRQF | CMOS_C_PF);
    /* 1024 taps a second: one second after reset is tap 1024, exactly. */
    assert_int_equal(cmos_rtc_next_event(&rtc, START + SEC - 1), START + SEC);
}

static void test_periodic_rates_and_rate_change(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh(&rtc);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE, START);
    /* RS = 0001 is 256 Hz on the 32.768 kHz time base (not 32768 Hz). */
    reg_write(&rtc, CMOS_REG_A, CMOS_A_DV_32KHZ | 0x01, START);
    assert_int_equal(cmos_rtc_next_event(&rtc, START), START + 3906250);
    assert_true(cmos_rtc_irq(&rtc, START + 3906250));
    reg_read(&rtc, CMOS_REG_C, START + 100 * MS);
    /* RS = 1111: 2 Hz. A new rate brings no tap of its own. */
    reg_write(&rtc, CMOS_REG_A, CMOS_A_DV_32KHZ | 0x0F, START + 100 * MS);
    assert_false(cmos_rtc_irq(&rtc, START + 100 * MS));
    assert_int_equal(cmos_rtc_next_event(&rtc, START + 100 * MS), START + 500 * MS);
    assert_true(cmos_rtc_irq(&rtc, START + 500 * MS));
    reg_read(&rtc, CMOS_REG_C, START + 500 * MS);
    /* RS = 0000: no periodic interrupt at all. */
    reg_write(&rtc, CMOS_REG_A, CMOS_A_DV_32KHZ, START + 500 * MS);
    assert_int_equal(cmos_rtc_next_event(&rtc, START + 500 * MS), CMOS_RTC_NEVER);
    assert_false(cmos_rtc_irq(&rtc, START + 30 * SEC));
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, START + 30 * SEC), CMOS_C_UF);
}

static void test_alarm(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    fresh_quiet(&rtc);
    reg_write(&rtc, CMOS_SECONDS_ALARM, 0x07, START);
    reg_write(&rtc, CMOS_MINUTES_ALARM, 0x34, START);
    reg_write(&rtc, CMOS_HOURS_ALARM, 0x16, START);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE, START);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK)); /* 16:34:06 */
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK), CMOS_C_UF);
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK + SEC)); /* 16:34:07 */
    assert_int_equal(reg_read(&rtc, CMOS_REG_C, FIRST_TICK + SEC),
                     CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK + 2 * SEC));
    /* Don't-care bytes (0xC0-0xFF): hours and minutes any, second 07: once a minute. */
    reg_write(&rtc, CMOS_MINUTES_ALARM, 0xC0, FIRST_TICK + 2 * SEC);
    reg_write(&rtc, CMOS_HOURS_ALARM, 0xFF, FIRST_TICK + 2 * SEC);
    reg_read(&rtc, CMOS_REG_C, FIRST_TICK + 2 * SEC);
    assert_false(cmos_rtc_irq(&rtc, FIRST_TICK + 60 * SEC)); /* 16:35:06 */
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK + 61 * SEC));  /* 16:35:07 */
    /* All three don't-care: every second. */
    reg_write(&rtc, CMOS_SECONDS_ALARM, 0xC0, FIRST_TICK + 61 * SEC);
    reg_read(&rtc, CMOS_REG_C, FIRST_TICK + 61 * SEC);
    assert_true(cmos_rtc_irq(&rtc, FIRST_TICK + 62 * SEC));
}

static void test_daylight_savings(void **state)
{
    (void)state;
    struct cmos_rtc rtc;
    /* Sunday 25 April 2027, the last in April: 1:59:59 AM -> 3:00:00 AM. */
    static const struct cmos_rtc_time spring = {2027, 4, 25, 1, 59, 59};
    cmos_rtc_reset(&rtc, &spring, 0);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_DSE, 0);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, SEC), 0x03);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, SEC), 0x00);
    /* Without DSE the same second is just 2:00:00. */
    cmos_rtc_reset(&rtc, &spring, 0);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, SEC), 0x02);
    /* Sunday 31 October 2027: 1:59:59 AM -> 1:00:00 AM once, an hour later 2:00:00. */
    static const struct cmos_rtc_time autumn = {2027, 10, 31, 1, 59, 59};
    cmos_rtc_reset(&rtc, &autumn, 0);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_DSE, 0);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, SEC), 0x01);
    assert_int_equal(reg_read(&rtc, CMOS_MINUTES, SEC), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_SECONDS, SEC), 0x00);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, 3600 * SEC), 0x01);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, 3601 * SEC), 0x02);
    /* A Sunday in April that is not the last: no change. */
    static const struct cmos_rtc_time early = {2027, 4, 18, 1, 59, 59};
    cmos_rtc_reset(&rtc, &early, 0);
    reg_write(&rtc, CMOS_REG_B, CMOS_B_24H | CMOS_B_DSE, 0);
    assert_int_equal(reg_read(&rtc, CMOS_HOURS, SEC), 0x02);
}

/* ---- the boot time brought forward ----------------------------------------------------------- */

static void test_time_add(void **state)
{
    (void)state;
    struct cmos_rtc_time t = cmos_rtc_time_add(boot_time, 0);
    assert_memory_equal(&t, &boot_time, sizeof(t));
    static const struct cmos_rtc_time eve = {2026, 12, 31, 23, 59, 59};
    t = cmos_rtc_time_add(eve, 1);
    assert_int_equal(t.year, 2027);
    assert_int_equal(t.month, 1);
    assert_int_equal(t.day, 1);
    assert_int_equal(t.hour, 0);
    assert_int_equal(t.minute, 0);
    assert_int_equal(t.second, 0);
    /* 16:34:05 + 7 h 26 min 1 s = 00:00:06 the next day. */
    t = cmos_rtc_time_add(boot_time, (7 * 60 + 26) * 60 + 1);
    assert_int_equal(t.day, 8);
    assert_int_equal(t.hour, 0);
    assert_int_equal(t.minute, 0);
    assert_int_equal(t.second, 6);
    /* 2028 is a leap year, 2100 is not (Gregorian, unlike the chip). */
    static const struct cmos_rtc_time feb = {2028, 2, 28, 12, 0, 0};
    t = cmos_rtc_time_add(feb, 86400);
    assert_int_equal(t.month, 2);
    assert_int_equal(t.day, 29);
    static const struct cmos_rtc_time feb2100 = {2100, 2, 28, 12, 0, 0};
    t = cmos_rtc_time_add(feb2100, 86400);
    assert_int_equal(t.month, 3);
    assert_int_equal(t.day, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state_is_the_boot_time_in_bcd),
        cmocka_unit_test(test_day_of_week_at_reset),
        cmocka_unit_test(test_ports_index_nmi_ram_and_read_only_registers),
        cmocka_unit_test(test_memory_size_bytes),
        cmocka_unit_test(test_seconds_tick_at_the_end_of_each_update),
        cmocka_unit_test(test_uip_window),
        cmocka_unit_test(test_uip_wait_loop_terminates),
        cmocka_unit_test(test_set_stops_updates_and_sets_the_time),
        cmocka_unit_test(test_binary_mode),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_12_hour_mode),
        cmocka_unit_test(test_divider_reset_holds_the_clock),
        cmocka_unit_test(test_update_ended_flag_and_interrupt),
        cmocka_unit_test(test_enabling_an_interrupt_with_its_flag_set_raises_irqf),
        cmocka_unit_test(test_periodic_interrupt_1024hz),
        cmocka_unit_test(test_periodic_rates_and_rate_change),
        cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_daylight_savings),
        cmocka_unit_test(test_time_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
