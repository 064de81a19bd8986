/*
 * test_acpi_pm.c - Host unit tests for the ACPI PM1a registers (hypervisor/devices/
 * acpi_pm.c) and their ports (hypervisor/devices/acpi_pm_port.c, through io_bus).
 * See: ACPI 6.4, 4.8.4.1.1 "PM1 Status Registers", 4.8.4.1.2 "PM1 Enable Registers",
 * 4.8.4.2.1 "PM1 Control Registers".
 *
 * Bit positions are written as numbers from the specification's tables, to check the
 * header's names rather than repeat them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/acpi_pm.h"
#include "hypervisor/devices/acpi_pm_timer.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/virtual_platform.h"

#define STS        0u /* offsets from PM1a_EVT_BLK */
#define EN         2u
#define CNT        4u
#define SCI_EN     (1u << 0)
#define SLP_EN     (1u << 13)
#define SLP_TYP(t) ((uint32_t)(t) << 10)
#define WAK_STS    (1u << 15)
#define PWRBTN     (1u << 8)
#define TMR        (1u << 0)

static struct acpi_pm pm;

static int setup(void **state)
{
    (void)state;
    acpi_pm_reset(&pm);
    return 0;
}

/* ---- the registers ---- */

static void test_reset_state_reads_only_sci_en(void **state)
{
    (void)state;
    assert_int_equal(acpi_pm_read(&pm, STS, 2), 0);
    assert_int_equal(acpi_pm_read(&pm, EN, 2), 0);
    assert_int_equal(acpi_pm_read(&pm, CNT, 2), SCI_EN);
    assert_false(acpi_pm_sci(&pm));
}

/* SCI_EN stays 1 whatever is written: an ACPI-only machine has no legacy mode. */
static void test_sci_en_cannot_be_cleared(void **state)
{
    (void)state;
    assert_int_equal(acpi_pm_write(&pm, CNT, 2, 0), ACPI_PM_NONE);
    assert_int_equal(acpi_pm_read(&pm, CNT, 2), SCI_EN);
    acpi_pm_write(&pm, CNT, 1, 0);
    assert_int_equal(acpi_pm_read(&pm, CNT, 1), SCI_EN);
}

static void test_status_bits_clear_only_where_one_is_written(void **state)
{
    (void)state;
    acpi_pm_set_status(&pm, PWRBTN | WAK_STS | TMR);
    assert_int_equal(acpi_pm_read(&pm, STS, 2), PWRBTN | WAK_STS | TMR);
    acpi_pm_write(&pm, STS, 2, 0); /* writing 0 changes nothing */
    assert_int_equal(acpi_pm_read(&pm, STS, 2), PWRBTN | WAK_STS | TMR);
    acpi_pm_write(&pm, STS, 2, PWRBTN);
    assert_int_equal(acpi_pm_read(&pm, STS, 2), WAK_STS | TMR);
    acpi_pm_write(&pm, STS + 1, 1, WAK_STS >> 8); /* the high byte alone */
    assert_int_equal(acpi_pm_read(&pm, STS, 2), TMR);
    acpi_pm_write(&pm, STS, 2, 0xFFFF);
    assert_int_equal(acpi_pm_read(&pm, STS, 2), 0);
}

static void test_undefined_status_bits_are_never_set(void **state)
{
    (void)state;
    acpi_pm_set_status(&pm, 0xFFFF);
    /* TMR 0, BM 4, GBL 5, PWRBTN 8, SLPBTN 9, RTC 10, PCIEXP_WAKE 14, WAK 15 */
    assert_int_equal(acpi_pm_read(&pm, STS, 2), 0xC731);
}

static void test_enables_are_stored_reserved_bits_read_zero(void **state)
{
    (void)state;
    acpi_pm_write(&pm, EN, 2, 0xFFFF);
    /* TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, SLPBTN_EN 9, RTC_EN 10, PCIEXP_WAKE_DIS 14 */
    assert_int_equal(acpi_pm_read(&pm, EN, 2), 0x4721);
    acpi_pm_write(&pm, EN, 1, 0); /* the low byte only */
    assert_int_equal(acpi_pm_read(&pm, EN, 2), 0x4700);
    assert_int_equal(acpi_pm_read(&pm, STS, 2), 0); /* enables are not status */
}

static void test_sci_needs_status_and_its_enable(void **state)
{
    (void)state;
    acpi_pm_set_status(&pm, PWRBTN);
    assert_false(acpi_pm_sci(&pm));
    acpi_pm_write(&pm, EN, 2, PWRBTN);
    assert_true(acpi_pm_sci(&pm));
    acpi_pm_write(&pm, STS, 2, PWRBTN);
    assert_false(acpi_pm_sci(&pm));
    acpi_pm_set_status(&pm, WAK_STS); /* no enable: wakes, raises no SCI */
    acpi_pm_write(&pm, EN, 2, 0xFFFF);
    assert_false(acpi_pm_sci(&pm));
}

static void test_control_stores_slp_typ_and_bm_rld_write_only_bits_read_zero(void **state)
{
    (void)state;
    assert_int_equal(acpi_pm_write(&pm, CNT, 2, SLP_TYP(3) | (1u << 1) | (1u << 2)),
                     ACPI_PM_NONE);
    assert_int_equal(acpi_pm_read(&pm, CNT, 2), SLP_TYP(3) | (1u << 1) | SCI_EN);
    acpi_pm_write(&pm, CNT, 2, 0);
    assert_int_equal(acpi_pm_read(&pm, CNT, 2), SCI_EN);
}

/* Linux's sequence (ACPI 6.4, 16.1.3): SLP_TYP first, then SLP_TYP with SLP_EN. */
static void test_s5_with_slp_en_is_a_power_off(void **state)
{
    (void)state;
    uint32_t typ = SLP_TYP(ACPI_PM_SLP_TYP_S5);
    assert_int_equal(acpi_pm_write(&pm, CNT, 2, typ), ACPI_PM_NONE);
    assert_int_equal(acpi_pm_write(&pm, CNT, 2, typ | SLP_EN), ACPI_PM_POWER_OFF);
    assert_int_equal(acpi_pm_read(&pm, CNT, 2) & SLP_EN, 0); /* SLP_EN reads 0 */
    assert_int_equal(pm.sleeps_ignored, 0);
}

/* SLP_TYP and SLP_EN are both in the high byte: a byte write there powers off too. */
static void test_power_off_by_a_byte_write_to_the_high_byte(void **state)
{
    (void)state;
    uint32_t high = (SLP_TYP(ACPI_PM_SLP_TYP_S5) | SLP_EN) >> 8;
    assert_int_equal(acpi_pm_write(&pm, CNT + 1, 1, high), ACPI_PM_POWER_OFF);
}

static void test_other_sleep_types_wake_at_once(void **state)
{
    (void)state;
    for (unsigned typ = 0; typ < 8; typ++) {
        if (typ == ACPI_PM_SLP_TYP_S5)
            continue;
        acpi_pm_write(&pm, STS, 2, WAK_STS);
        assert_int_equal(acpi_pm_write(&pm, CNT, 2, SLP_TYP(typ) | SLP_EN),
                         ACPI_PM_SLEEP_IGNORED);
        assert_int_equal(acpi_pm_read(&pm, STS, 2), WAK_STS); /* the OS's wait ends */
    }
    assert_int_equal(pm.sleeps_ignored, 7);
}

/* An access wider than the register reaches its neighbour; past the blocks, all ones. */
static void test_wide_and_out_of_block_accesses(void **state)
{
    (void)state;
    acpi_pm_set_status(&pm, TMR);
    acpi_pm_write(&pm, EN, 2, PWRBTN);
    assert_int_equal(acpi_pm_read(&pm, STS, 4), TMR | PWRBTN << 16);
    assert_int_equal(acpi_pm_read(&pm, CNT, 4), 0xFFFF0000u | SCI_EN);
    assert_int_equal(acpi_pm_read(&pm, CNT + 2, 1), 0xFF);
    assert_int_equal(acpi_pm_write(&pm, EN, 4, 0), ACPI_PM_NONE); /* EN and CNT at once */
    assert_int_equal(acpi_pm_read(&pm, EN, 2), 0);
    assert_int_equal(acpi_pm_write(&pm, CNT + 2, 2, 0xFFFF), ACPI_PM_NONE); /* nothing there */
    assert_int_equal(acpi_pm_read(&pm, CNT, 2), SCI_EN);
}

/* ---- the ports, through io_bus ---- */

static uint64_t fake_now; /* the fake TSC: set by a test, guest time follows it */
static uint64_t fake_tsc(void) { return fake_now; }

static void test_ports_power_off_ends_the_vm_with_status_0(void **state)
{
    (void)state;
    static struct virtual_platform vp;
    vplatform_reset(&vp, fake_tsc, 1000000000ull);
    struct vcpu vcpu = {.platform = &vp, .guest_name = "linux", .exit_status = 0xAA};
    assert_int_equal(io_bus_read(&vcpu, 0x604, 2), SCI_EN);
    assert_int_equal(io_bus_read(&vcpu, 0x600, 2), 0);
    assert_int_equal(io_bus_read(&vcpu, 0x606, 1), 0xFF); /* past the block: no device */
    assert_int_equal(io_bus_write(&vcpu, 0x604, 2, SLP_TYP(ACPI_PM_SLP_TYP_S5)), ACTION_RESUME);
    assert_int_equal(io_bus_write(&vcpu, 0x604, 2, SLP_TYP(1) | SLP_EN), ACTION_RESUME);
    assert_int_equal(vcpu.end, GUEST_RUNNING);
    assert_int_equal(io_bus_write(&vcpu, 0x604, 2, SLP_TYP(ACPI_PM_SLP_TYP_S5) | SLP_EN),
                     ACTION_END);
    assert_int_equal(vcpu.end, GUEST_EXITED);
    assert_int_equal(vcpu.exit_status, 0);
    assert_int_equal(io_bus_unclaimed_accesses(&vcpu), 1); /* only the 0x606 read */
}

/* The PM timer counts 3579545 per second of guest time, 32 bits wide, from 0; narrow reads
 * give their bytes, bytes past the register are all ones. */
static void test_pm_timer_counts_at_3_579545_mhz(void **state)
{
    (void)state;
    assert_int_equal(acpi_pm_timer_count(0), 0);
    assert_int_equal(acpi_pm_timer_count(1000000000ull), 3579545);
    assert_int_equal(acpi_pm_timer_count(279), 0); /* one tick is 279.37 ns */
    assert_int_equal(acpi_pm_timer_count(280), 1);
    /* 2^32 ticks are 1199.86 s: the count wraps there (TMR_VAL_EXT: 32 bits). */
    assert_int_equal(acpi_pm_timer_count(1200000000000ull), 4295454000ull - 4294967296ull);
    uint64_t ns = 1000000000ull; /* count 0x369E99 */
    assert_int_equal(acpi_pm_timer_read(ns, 0, 4), 0x369E99);
    assert_int_equal(acpi_pm_timer_read(ns, 1, 1), 0x9E);
    assert_int_equal(acpi_pm_timer_read(ns, 2, 2), 0x36);
    assert_int_equal(acpi_pm_timer_read(ns, 3, 2), 0xFF00);
    assert_int_equal(acpi_pm_timer_read(ns, 4, 1), 0xFFFFFFFFu);
}

/* Through the port bus: port 0x608 follows the platform's clock. */
static void test_pm_timer_port_follows_guest_time(void **state)
{
    (void)state;
    static struct virtual_platform vp;
    fake_now = 0;
    vplatform_reset(&vp, fake_tsc, 1000000000ull);
    struct vcpu vcpu = {.platform = &vp, .guest_name = "linux"};
    assert_int_equal(io_bus_read(&vcpu, 0x608, 4), 0);
    fake_now = 500000000ull; /* half a second of a 1 GHz TSC */
    assert_int_equal(io_bus_read(&vcpu, 0x608, 4), 1789772);
    assert_int_equal(io_bus_unclaimed_accesses(&vcpu), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state_reads_only_sci_en, setup),
        cmocka_unit_test_setup(test_sci_en_cannot_be_cleared, setup),
        cmocka_unit_test_setup(test_status_bits_clear_only_where_one_is_written, setup),
        cmocka_unit_test_setup(test_undefined_status_bits_are_never_set, setup),
        cmocka_unit_test_setup(test_enables_are_stored_reserved_bits_read_zero, setup),
        cmocka_unit_test_setup(test_sci_needs_status_and_its_enable, setup),
        cmocka_unit_test_setup(test_control_stores_slp_typ_and_bm_rld_write_only_bits_read_zero,
                               setup),
        cmocka_unit_test_setup(test_s5_with_slp_en_is_a_power_off, setup),
        cmocka_unit_test_setup(test_power_off_by_a_byte_write_to_the_high_byte, setup),
        cmocka_unit_test_setup(test_other_sleep_types_wake_at_once, setup),
        cmocka_unit_test_setup(test_wide_and_out_of_block_accesses, setup),
        cmocka_unit_test_setup(test_ports_power_off_ends_the_vm_with_status_0, setup),
        cmocka_unit_test(test_pm_timer_counts_at_3_579545_mhz),
        cmocka_unit_test(test_pm_timer_port_follows_guest_time),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
