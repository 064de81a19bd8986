/*
 * test_local_apic.c - Host unit tests for the xAPIC model (hypervisor/devices/local_apic.c).
 * See: Intel SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)".
 *
 * Tests drive the register page like a guest (32-bit accesses at 16-byte slots), raise
 * interrupts like an I/O APIC would, and play the CPU with pending/acknowledge/EOI. Time is
 * a TSC value passed in; the APIC timer clock is one tick per TSC_PER_TICK TSC ticks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/local_apic.h"

#define TSC_PER_TICK  10u
#define PHYS_BITS     39u
#define SPURIOUS      0xFFu
#define SVR_ON        (LAPIC_SVR_ENABLE | SPURIOUS)
#define VERSION_RESET 0x00050014u /* xAPIC 0x14, 6 LVT entries, no EOI suppression */
#define DFR_RESET     0xFFFFFFFFu
#define ID_REG(id)    ((uint32_t)(id) << LAPIC_ID_SHIFT)
#define DEST(id)      ((uint32_t)(id) << LAPIC_ICR_DEST_SHIFT)
#define ABSENT_ID     5u
#define T0            1000u /* a TSC value at which tests start timers */

#define VEC_TIMER 0x40u
#define VEC_ERROR 0xE0u
#define VEC_LOW   0x31u
#define VEC_MID   0x45u
#define VEC_HIGH  0x52u
#define VEC_TOP   0x61u

/* The APIC of vCPU `id`, TSC-deadline mode offered or not. */
static void setup(struct local_apic *apic, uint8_t id, bool tsc_deadline)
{
    struct local_apic_config config = {.apic_id = id,
                                       .phys_addr_bits = PHYS_BITS,
                                       .tsc_per_apic_tick = TSC_PER_TICK,
                                       .tsc_deadline = tsc_deadline};
    local_apic_init(apic, &config);
}

static uint32_t rd_at(struct local_apic *apic, uint32_t reg, uint64_t now)
{
    uint32_t value = 0;
    assert_int_equal(local_apic_read(apic, reg, LAPIC_REG_WIDTH, now, &value), LAPIC_OK);
    return value;
}

static void wr_at(struct local_apic *apic, uint32_t reg, uint32_t value, uint64_t now)
{
    assert_int_equal(local_apic_write(apic, reg, LAPIC_REG_WIDTH, value, now, NULL), LAPIC_OK);
}

static uint32_t rd(struct local_apic *apic, uint32_t reg) { return rd_at(apic, reg, T0); }
static void wr(struct local_apic *apic, uint32_t reg, uint32_t value)
{
    wr_at(apic, reg, value, T0);
}

/* The guest's ESR idiom: write, then read what the write latched. */
static uint32_t latch_esr(struct local_apic *apic)
{
    wr(apic, LAPIC_REG_ESR, 0);
    return rd(apic, LAPIC_REG_ESR);
}

static void setup_enabled(struct local_apic *apic, uint8_t id)
{
    setup(apic, id, false);
    wr(apic, LAPIC_REG_SVR, SVR_ON);
}

static uint32_t bank_reg(uint32_t bank, uint8_t vector) { return bank + vector / 32u * 0x10u; }
static bool bank_has(struct local_apic *apic, uint32_t bank, uint8_t vector)
{
    return (rd(apic, bank_reg(bank, vector)) >> (vector % 32u)) & 1u;
}

static bool irr_empty(struct local_apic *apic)
{
    for (uint32_t reg = LAPIC_REG_IRR; reg < LAPIC_REG_IRR + 0x80u; reg += 0x10u)
        if (rd(apic, reg))
            return false;
    return true;
}

/* The CPU takes the pending interrupt and the handler ends it. */
static void take_and_eoi(struct local_apic *apic, uint8_t vector)
{
    assert_int_equal(local_apic_acknowledge(apic), vector);
    wr(apic, LAPIC_REG_EOI, 0);
}

static void take_and_eoi_at(struct local_apic *apic, uint8_t vector, uint64_t now)
{
    assert_int_equal(local_apic_acknowledge(apic), vector);
    wr_at(apic, LAPIC_REG_EOI, 0, now);
}

static void send_ipi(struct local_apic *apic, uint32_t high, uint32_t low,
                     struct lapic_effects *effects)
{
    wr(apic, LAPIC_REG_ICR_HIGH, high);
    assert_int_equal(local_apic_write(apic, LAPIC_REG_ICR_LOW, 4, low, T0, effects), LAPIC_OK);
}

/* ---- reset state ------------------------------------------------------------------- */

static void test_reset_values(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 3, false);
    assert_int_equal(rd(&apic, LAPIC_REG_ID), ID_REG(3));
    assert_int_equal(rd(&apic, LAPIC_REG_VERSION), VERSION_RESET);
    assert_int_equal(rd(&apic, LAPIC_REG_TPR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_APR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_RRD), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_LDR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_DFR), DFR_RESET);
    assert_int_equal(rd(&apic, LAPIC_REG_SVR), LAPIC_SVR_RESET);
    for (uint32_t reg = LAPIC_REG_ISR; reg < LAPIC_REG_ISR + 3 * 0x80u; reg += 0x10u)
        assert_int_equal(rd(&apic, reg), 0); /* ISR, TMR, IRR */
    assert_int_equal(rd(&apic, LAPIC_REG_ESR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_ICR_LOW), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_ICR_HIGH), 0);
    for (uint32_t reg = LAPIC_REG_LVT_TIMER; reg <= LAPIC_REG_LVT_ERROR; reg += 0x10u)
        assert_int_equal(rd(&apic, reg), LAPIC_LVT_MASKED);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_INIT), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_CUR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_DCR), 0);
    assert_int_equal(local_apic_read_base(&apic), LAPIC_BASE_DEFAULT | LAPIC_BASE_EN);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    assert_int_equal(latch_esr(&apic), 0); /* no access above was illegal */
}

static void test_bsp_flag_for_vcpu0(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    assert_int_equal(local_apic_read_base(&apic),
                     LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | LAPIC_BASE_BSP);
    assert_int_equal(local_apic_mmio_base(&apic), LAPIC_BASE_DEFAULT);
    assert_int_equal(rd(&apic, LAPIC_REG_ID), 0);
}

/* ---- register semantics -------------------------------------------------------------- */

/* Read-only registers ignore writes, and that is not an "illegal register address". */
static void test_read_only_registers_ignore_writes(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 2);
    assert_true(local_apic_accept(&apic, VEC_MID, true));
    uint32_t irr = rd(&apic, bank_reg(LAPIC_REG_IRR, VEC_MID));
    const uint32_t read_only[] = {LAPIC_REG_ID,
                                  LAPIC_REG_VERSION,
                                  LAPIC_REG_APR,
                                  LAPIC_REG_PPR,
                                  LAPIC_REG_RRD,
                                  bank_reg(LAPIC_REG_IRR, VEC_MID),
                                  bank_reg(LAPIC_REG_TMR, VEC_MID),
                                  bank_reg(LAPIC_REG_ISR, VEC_MID),
                                  LAPIC_REG_TIMER_CUR};
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++)
        wr(&apic, read_only[i], 0x12345678u);
    assert_int_equal(rd(&apic, LAPIC_REG_ID), ID_REG(2));
    assert_int_equal(rd(&apic, LAPIC_REG_VERSION), VERSION_RESET);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0);
    assert_int_equal(rd(&apic, bank_reg(LAPIC_REG_IRR, VEC_MID)), irr);
    assert_true(bank_has(&apic, LAPIC_REG_TMR, VEC_MID));
    assert_int_equal(rd(&apic, bank_reg(LAPIC_REG_ISR, VEC_MID)), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_CUR), 0);
    assert_int_equal(latch_esr(&apic), 0);
}

/* Reserved bits of the read/write registers read back as the SDM's figures give them. */
static void test_writable_bits(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    wr(&apic, LAPIC_REG_TPR, 0xFFFFFFFFu);
    assert_int_equal(rd(&apic, LAPIC_REG_TPR), 0xFF);
    wr(&apic, LAPIC_REG_TPR, 0);
    wr(&apic, LAPIC_REG_LDR, 0xFFFFFFFFu);
    assert_int_equal(rd(&apic, LAPIC_REG_LDR), LAPIC_LDR_MASK);
    wr(&apic, LAPIC_REG_DFR, 0);
    assert_int_equal(rd(&apic, LAPIC_REG_DFR), LAPIC_DFR_RESERVED); /* cluster model */
    wr(&apic, LAPIC_REG_ICR_HIGH, 0xFFFFFFFFu);
    assert_int_equal(rd(&apic, LAPIC_REG_ICR_HIGH), 0xFF000000u);
    wr(&apic, LAPIC_REG_TIMER_DCR, 0xFFFFFFFFu);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_DCR), LAPIC_DCR_WRITABLE);
    wr(&apic, LAPIC_REG_SVR, 0xFFFFFFFFu);
    assert_int_equal(rd(&apic, LAPIC_REG_SVR), 0x3FF); /* no EOI-broadcast suppression */

    const struct {
        uint32_t reg, writable;
    } lvts[] = {
        {LAPIC_REG_LVT_TIMER, 0x000300FFu}, /* vector, mask, periodic (no TSC-deadline) */
        {LAPIC_REG_LVT_THERMAL, 0x000107FFu}, {LAPIC_REG_LVT_PERF, 0x000107FFu},
        {LAPIC_REG_LVT_LINT0, 0x0001A7FFu}, /* no delivery status, no remote IRR */
        {LAPIC_REG_LVT_LINT1, 0x0001A7FFu},   {LAPIC_REG_LVT_ERROR, 0x000100FFu},
    };
    for (size_t i = 0; i < sizeof lvts / sizeof lvts[0]; i++) {
        wr(&apic, lvts[i].reg, 0xFFFFFFFFu);
        assert_int_equal(rd(&apic, lvts[i].reg), lvts[i].writable);
    }
    assert_int_equal(latch_esr(&apic), 0);
}

/* Reserved slots, the absent LVT CMCI included, log "Illegal Register Address". */
static void test_reserved_address_is_illegal(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    const uint32_t reserved[] = {0x000, 0x010, 0x040, 0x070, 0x290, LAPIC_REG_LVT_CMCI,
                                 0x3A0, 0x3D0, 0x3F0, 0x400, 0xFF0};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        assert_int_equal(rd(&apic, reserved[i]), 0);
        assert_int_equal(latch_esr(&apic), LAPIC_ESR_ILLEGAL_REG);
        wr(&apic, reserved[i], 1);
        assert_int_equal(latch_esr(&apic), LAPIC_ESR_ILLEGAL_REG);
        assert_int_equal(latch_esr(&apic), 0);
    }
}

/* ESR reads what the last ESR write latched; errors since wait for the next write. */
static void test_esr_write_to_latch(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    assert_false(local_apic_accept(&apic, 3, false));
    assert_int_equal(rd(&apic, LAPIC_REG_ESR), 0); /* not yet latched */
    wr(&apic, LAPIC_REG_ESR, 0xFFFFFFFFu);         /* the value written does not matter */
    assert_int_equal(rd(&apic, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL);
    rd(&apic, 0x040); /* illegal register */
    assert_int_equal(rd(&apic, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL);
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_ILLEGAL_REG); /* the old error is cleared */
    assert_int_equal(latch_esr(&apic), 0);
}

/* The first error after an ESR write raises the LVT error vector; more errors wait for
 * the next ESR write to rearm it. Masked: errors are logged, nothing delivered. */
static void test_error_interrupt(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    rd(&apic, 0x040);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR); /* masked */
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_ILLEGAL_REG);

    wr(&apic, LAPIC_REG_LVT_ERROR, VEC_ERROR);
    rd(&apic, 0x040);
    take_and_eoi(&apic, VEC_ERROR);
    rd(&apic, 0x050);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR); /* not rearmed */
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_ILLEGAL_REG);
    rd(&apic, 0x050);
    assert_int_equal(local_apic_pending_vector(&apic), VEC_ERROR);
}

/* ---- interrupt acceptance and priority ----------------------------------------------- */

static void test_accept_acknowledge_eoi(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    assert_true(local_apic_accept(&apic, VEC_MID, false));
    assert_true(bank_has(&apic, LAPIC_REG_IRR, VEC_MID));
    assert_false(bank_has(&apic, LAPIC_REG_TMR, VEC_MID));
    assert_int_equal(local_apic_pending_vector(&apic), VEC_MID);
    assert_int_equal(local_apic_pending_vector(&apic), VEC_MID); /* no change */

    assert_int_equal(local_apic_acknowledge(&apic), VEC_MID);
    assert_false(bank_has(&apic, LAPIC_REG_IRR, VEC_MID));
    assert_true(bank_has(&apic, LAPIC_REG_ISR, VEC_MID));
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), VEC_MID & 0xF0u);

    wr(&apic, LAPIC_REG_EOI, 0);
    assert_false(bank_has(&apic, LAPIC_REG_ISR, VEC_MID));
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0);
    wr(&apic, LAPIC_REG_EOI, 0); /* nothing in service: harmless */
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0);
}

/* Every vector 16-255 lands in its own IRR bit and comes back from acknowledge. */
static void test_every_vector(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    for (unsigned v = LAPIC_FIRST_VALID; v < LAPIC_VECTORS; v++) {
        assert_true(local_apic_accept(&apic, (uint8_t)v, false));
        assert_int_equal(rd(&apic, bank_reg(LAPIC_REG_IRR, (uint8_t)v)), 1u << (v % 32u));
        take_and_eoi(&apic, (uint8_t)v);
        assert_true(irr_empty(&apic));
    }
}

/* The highest vector first; an in-service class blocks itself and lower classes; a higher
 * class nests; EOI ends the highest in service. */
static void test_nested_priority_and_eoi(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    local_apic_accept(&apic, VEC_LOW, false);
    local_apic_accept(&apic, VEC_HIGH, false);
    local_apic_accept(&apic, VEC_MID, false);
    assert_int_equal(local_apic_acknowledge(&apic), VEC_HIGH);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    local_apic_accept(&apic, VEC_HIGH + 6, false); /* 0x58: same class 5, waits */
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);

    local_apic_accept(&apic, VEC_TOP, false); /* class 6 nests */
    assert_int_equal(local_apic_acknowledge(&apic), VEC_TOP);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x60);
    wr(&apic, LAPIC_REG_EOI, 0); /* ends 0x61, not 0x52 */
    assert_false(bank_has(&apic, LAPIC_REG_ISR, VEC_TOP));
    assert_true(bank_has(&apic, LAPIC_REG_ISR, VEC_HIGH));
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x50);

    wr(&apic, LAPIC_REG_EOI, 0); /* ends 0x52 */
    take_and_eoi(&apic, VEC_HIGH + 6);
    take_and_eoi(&apic, VEC_MID);
    take_and_eoi(&apic, VEC_LOW);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
}

/* PPR = TPR if TPR's class >= the highest in-service class, else that class with 0. */
static void test_ppr_formula(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    wr(&apic, LAPIC_REG_TPR, 0x35);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x35); /* nothing in service */
    local_apic_accept(&apic, VEC_HIGH, false);
    assert_int_equal(local_apic_acknowledge(&apic), VEC_HIGH);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x50); /* ISR class wins, low nibble 0 */
    wr(&apic, LAPIC_REG_TPR, 0x5A);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x5A); /* equal class: TPR whole */
    wr(&apic, LAPIC_REG_TPR, 0x51);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x51); /* classes compare, not vectors */
    wr(&apic, LAPIC_REG_TPR, 0x65);
    assert_int_equal(rd(&apic, LAPIC_REG_PPR), 0x65);
    assert_int_equal(local_apic_ppr(&apic), 0x65);
}

/* TPR blocks its class and those below; the low nibble does not split a class. */
static void test_tpr_blocks_class(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    wr(&apic, LAPIC_REG_TPR, 0x50);
    local_apic_accept(&apic, 0x5F, false);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_int_equal(local_apic_acknowledge(&apic), SPURIOUS); /* nothing may be taken */
    assert_true(bank_has(&apic, LAPIC_REG_IRR, 0x5F));         /* still requested */
    assert_int_equal(rd(&apic, bank_reg(LAPIC_REG_ISR, 0x5F)), 0);
    local_apic_accept(&apic, 0x60, false);
    assert_int_equal(local_apic_pending_vector(&apic), 0x60);
    take_and_eoi(&apic, 0x60);
    wr(&apic, LAPIC_REG_TPR, 0x4F);
    assert_int_equal(local_apic_pending_vector(&apic), 0x5F);
}

/* Level-triggered vectors set TMR; their EOI is reported for the I/O APIC. */
static void test_level_eoi_reported(void **state)
{
    (void)state;
    struct local_apic apic;
    struct lapic_effects effects;
    setup_enabled(&apic, 0);
    assert_true(local_apic_accept(&apic, 0x70, true));
    assert_true(bank_has(&apic, LAPIC_REG_TMR, 0x70));
    assert_int_equal(local_apic_acknowledge(&apic), 0x70);
    assert_int_equal(local_apic_write(&apic, LAPIC_REG_EOI, 4, 0, T0, &effects), LAPIC_OK);
    assert_int_equal(effects.level_eoi_vector, 0x70);
    assert_int_equal(effects.events, 0);

    assert_true(local_apic_accept(&apic, 0x70, false)); /* edge this time: TMR cleared */
    assert_false(bank_has(&apic, LAPIC_REG_TMR, 0x70));
    assert_int_equal(local_apic_acknowledge(&apic), 0x70);
    local_apic_write(&apic, LAPIC_REG_EOI, 4, 0, T0, &effects);
    assert_int_equal(effects.level_eoi_vector, LAPIC_NO_VECTOR);

    /* Nested: an edge vector over a level one; each EOI reports only its own. */
    local_apic_accept(&apic, 0x70, true);
    local_apic_acknowledge(&apic);
    local_apic_accept(&apic, 0x90, false);
    local_apic_acknowledge(&apic);
    local_apic_write(&apic, LAPIC_REG_EOI, 4, 0, T0, &effects);
    assert_int_equal(effects.level_eoi_vector, LAPIC_NO_VECTOR);
    local_apic_write(&apic, LAPIC_REG_EOI, 4, 0, T0, &effects);
    assert_int_equal(effects.level_eoi_vector, 0x70);
}

static void test_illegal_vector_rejected(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    for (unsigned v = 0; v < LAPIC_FIRST_VALID; v++) {
        assert_false(local_apic_accept(&apic, (uint8_t)v, false));
        assert_int_equal(latch_esr(&apic), LAPIC_ESR_RECV_ILLEGAL);
    }
    assert_true(irr_empty(&apic));
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
}

static void test_spurious_vector(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    assert_int_equal(local_apic_acknowledge(&apic), SPURIOUS);
    wr(&apic, LAPIC_REG_SVR, LAPIC_SVR_ENABLE | 0x3F);
    assert_int_equal(local_apic_acknowledge(&apic), 0x3F);
    for (uint32_t reg = LAPIC_REG_ISR; reg < LAPIC_REG_ISR + 0x80u; reg += 0x10u)
        assert_int_equal(rd(&apic, reg), 0);
}

/* ---- software disable ("Local APIC State After It Has Been Software Disabled") -------- */

static void test_software_disable(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER);
    wr(&apic, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
    wr(&apic, LAPIC_REG_LVT_ERROR, VEC_ERROR);
    local_apic_accept(&apic, VEC_MID, false);

    wr(&apic, LAPIC_REG_SVR, SPURIOUS); /* software disable */
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_TIMER), LAPIC_LVT_MASKED | VEC_TIMER);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_LINT0), LAPIC_LVT_MASKED | LAPIC_DELIVERY_EXTINT);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_ERROR), LAPIC_LVT_MASKED | VEC_ERROR);
    wr(&apic, LAPIC_REG_LVT_ERROR, VEC_ERROR); /* unmasking is ignored */
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_ERROR), LAPIC_LVT_MASKED | VEC_ERROR);

    assert_false(local_apic_accept(&apic, VEC_HIGH, false)); /* no new fixed interrupts */
    assert_false(bank_has(&apic, LAPIC_REG_IRR, VEC_HIGH));
    assert_int_equal(local_apic_pending_vector(&apic), VEC_MID); /* held, still delivered */

    wr(&apic, LAPIC_REG_SVR, SVR_ON); /* re-enable: LVTs stay masked until written */
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_ERROR), LAPIC_LVT_MASKED | VEC_ERROR);
    wr(&apic, LAPIC_REG_LVT_ERROR, VEC_ERROR);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_ERROR), VEC_ERROR);
    assert_true(local_apic_accept(&apic, VEC_HIGH, false));
}

/* ---- timer ("APIC Timer") ----------------------------------------------------------- */

static void start_timer(struct local_apic *apic, uint32_t lvt, uint32_t dcr, uint32_t count,
                        uint64_t now)
{
    wr_at(apic, LAPIC_REG_SVR, SVR_ON, now);
    wr_at(apic, LAPIC_REG_TIMER_DCR, dcr, now);
    wr_at(apic, LAPIC_REG_LVT_TIMER, lvt, now);
    wr_at(apic, LAPIC_REG_TIMER_INIT, count, now);
}

static void test_one_shot(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_TIMER_ONE_SHOT, LAPIC_DCR_BY_1, 100, T0);
    uint64_t fire = T0 + 100u * TSC_PER_TICK;
    assert_int_equal(local_apic_next_deadline(&apic), fire);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_INIT, T0), 100);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0), 100);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + TSC_PER_TICK - 1), 100);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + TSC_PER_TICK), 99);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, fire - 1), 1);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 - 5u), 100); /* a stale clock */

    local_apic_update(&apic, fire - 1);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    local_apic_update(&apic, fire);
    assert_int_equal(local_apic_pending_vector(&apic), VEC_TIMER);
    assert_false(bank_has(&apic, LAPIC_REG_TMR, VEC_TIMER)); /* timer: edge */
    take_and_eoi_at(&apic, VEC_TIMER, fire);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, fire + 1), 0);
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    local_apic_update(&apic, fire + 1000u * TSC_PER_TICK);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR); /* once only */
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_INIT, fire + 2000u), 100);
}

/* A one-shot count read late (no update) still reads 0 past its expiry. */
static void test_one_shot_current_count_without_update(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_MASKED, LAPIC_DCR_BY_1, 10, T0);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 5u * TSC_PER_TICK), 5);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 50u * TSC_PER_TICK), 0);
}

/* Each divide configuration: the period is count x divisor x TSC_PER_TICK. */
static void test_divide_settings(void **state)
{
    (void)state;
    const struct {
        uint32_t dcr;
        uint64_t divisor;
    } table[] = {{0x0, 2},  {0x1, 4},   {0x2, 8}, {0x3, 16}, {0x8, 32},
                 {0x9, 64}, {0xA, 128}, {0xB, 1}, {0xF0, 2}, {0x4, 2}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        struct local_apic apic;
        setup(&apic, 0, false);
        start_timer(&apic, VEC_TIMER, table[i].dcr, 7, T0);
        uint64_t tick = table[i].divisor * TSC_PER_TICK;
        assert_int_equal(local_apic_next_deadline(&apic), T0 + 7u * tick);
        assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 3u * tick), 4);
        assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 3u * tick - 1), 5);
    }
}

/* Periodic: updates arrive late by varying amounts; expiries stay on the original grid
 * and each period delivers exactly one interrupt. */
static void test_periodic_without_drift(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    const uint32_t count = 50;
    const uint64_t period = count * 4u * TSC_PER_TICK; /* divide by 4 */
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_TIMER_PERIODIC, 0x1, count, T0);
    for (uint64_t k = 1; k <= 1000; k++) {
        uint64_t due = T0 + k * period;
        assert_int_equal(local_apic_next_deadline(&apic), due);
        local_apic_update(&apic, due - 1);
        assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
        uint64_t late = (k * 37u) % (period / 2); /* an exit that came late */
        local_apic_update(&apic, due + late);
        take_and_eoi_at(&apic, VEC_TIMER, due + late);
        assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
        assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, due + late),
                         count - late / (4u * TSC_PER_TICK));
    }
}

/* Several periods missed at once coalesce into one IRR bit; the grid holds. */
static void test_periodic_missed_periods_coalesce(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_TIMER_PERIODIC, LAPIC_DCR_BY_1, 10, T0);
    const uint64_t period = 10u * TSC_PER_TICK;
    local_apic_update(&apic, T0 + 5u * period + 3u);
    take_and_eoi_at(&apic, VEC_TIMER, T0 + 5u * period + 3u);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_int_equal(local_apic_next_deadline(&apic), T0 + 6u * period);
}

/* Masked: the count goes on, nothing is delivered; unmasking does not deliver the missed
 * expiries, the next one comes on the grid. */
static void test_masked_timer_counts(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    const uint32_t lvt = VEC_TIMER | LAPIC_LVT_TIMER_PERIODIC;
    start_timer(&apic, lvt | LAPIC_LVT_MASKED, LAPIC_DCR_BY_1, 10, T0);
    const uint64_t period = 10u * TSC_PER_TICK;
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 2u * period + 3u * TSC_PER_TICK),
                     7);
    local_apic_update(&apic, T0 + 3u * period);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);

    wr_at(&apic, LAPIC_REG_LVT_TIMER, lvt, T0 + 3u * period + 1u);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_int_equal(local_apic_next_deadline(&apic), T0 + 4u * period);
    local_apic_update(&apic, T0 + 4u * period);
    assert_int_equal(local_apic_pending_vector(&apic), VEC_TIMER);
}

/* An expiry that passed while masked is lost, even if nothing looked at the timer before
 * the guest unmasked it (the write first catches up under the old, masked setting). */
static void test_expiry_while_masked_is_lost(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_MASKED, LAPIC_DCR_BY_1, 10, T0);
    uint64_t later = T0 + 20u * TSC_PER_TICK;
    wr_at(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER, later);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, later), 0);
}

/* Writing 0 to the initial count stops the timer in either mode. */
static void test_initial_count_zero_stops(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_TIMER_PERIODIC, LAPIC_DCR_BY_1, 10, T0);
    wr_at(&apic, LAPIC_REG_TIMER_INIT, 0, T0 + 5u);
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 6u), 0);
    local_apic_update(&apic, T0 + 10000u);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
}

/* A new initial count restarts the count from now. */
static void test_initial_count_rewrite_restarts(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER, LAPIC_DCR_BY_1, 10, T0);
    wr_at(&apic, LAPIC_REG_TIMER_INIT, 20, T0 + 55u);
    assert_int_equal(local_apic_next_deadline(&apic), T0 + 55u + 20u * TSC_PER_TICK);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, T0 + 55u), 20);
}

/* A divide change mid-count keeps the current count, which goes on at the new rate. */
static void test_divide_change_mid_count(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, VEC_TIMER, LAPIC_DCR_BY_1, 100, T0);
    uint64_t change = T0 + 40u * TSC_PER_TICK;
    wr_at(&apic, LAPIC_REG_TIMER_DCR, 0x0, change); /* divide by 2 */
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, change), 60);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, change + 2u * TSC_PER_TICK), 59);
    assert_int_equal(local_apic_next_deadline(&apic), change + 60u * 2u * TSC_PER_TICK);
}

/* A timer LVT with a vector 0-15 fires into ESR, not IRR ("Receive Illegal Vector"). */
static void test_timer_illegal_vector(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    start_timer(&apic, 0x05, LAPIC_DCR_BY_1, 1, T0);
    assert_int_equal(latch_esr(&apic), 0); /* writing it is not the error ... */
    local_apic_update(&apic, T0 + TSC_PER_TICK);
    assert_true(irr_empty(&apic));
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_RECV_ILLEGAL); /* ... firing it is */
}

/* ---- TSC-deadline mode ("TSC-Deadline Mode") ------------------------------------------ */

static void test_tsc_deadline(void **state)
{
    (void)state;
    struct local_apic apic;
    uint64_t msr = 1;
    setup(&apic, 0, true);
    wr(&apic, LAPIC_REG_SVR, SVR_ON);
    assert_true(local_apic_read_tsc_deadline(&apic, T0, &msr));
    assert_int_equal(msr, 0);
    assert_true(local_apic_write_tsc_deadline(&apic, 5000, T0)); /* not in that mode yet */
    assert_true(local_apic_read_tsc_deadline(&apic, T0, &msr));
    assert_int_equal(msr, 0);

    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_TIMER), VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE);
    assert_true(local_apic_write_tsc_deadline(&apic, 5000, T0));
    assert_true(local_apic_read_tsc_deadline(&apic, T0, &msr));
    assert_int_equal(msr, 5000);
    assert_int_equal(local_apic_next_deadline(&apic), 5000);
    wr(&apic, LAPIC_REG_TIMER_INIT, 100); /* ignored in this mode */
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_INIT), 0);
    assert_int_equal(rd_at(&apic, LAPIC_REG_TIMER_CUR, 4000), 0);

    local_apic_update(&apic, 4999);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    local_apic_update(&apic, 5000);
    assert_int_equal(local_apic_pending_vector(&apic), VEC_TIMER);
    take_and_eoi_at(&apic, VEC_TIMER, 5000);
    assert_true(local_apic_read_tsc_deadline(&apic, 5001, &msr));
    assert_int_equal(msr, 0); /* cleared when it fired */
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);

    assert_true(local_apic_write_tsc_deadline(&apic, 100, 6000)); /* in the past: at once */
    take_and_eoi_at(&apic, VEC_TIMER, 6000);

    assert_true(local_apic_write_tsc_deadline(&apic, 9000, 6000));
    assert_true(local_apic_write_tsc_deadline(&apic, 0, 6001)); /* 0 disarms */
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    local_apic_update(&apic, 10000);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
}

/* Leaving TSC-deadline mode disarms it; masked, the deadline passes undelivered. */
static void test_tsc_deadline_mode_switch_and_mask(void **state)
{
    (void)state;
    struct local_apic apic;
    uint64_t msr = 1;
    setup(&apic, 0, true);
    wr(&apic, LAPIC_REG_SVR, SVR_ON);
    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE);
    local_apic_write_tsc_deadline(&apic, 5000, T0);
    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_ONE_SHOT);
    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE);
    local_apic_read_tsc_deadline(&apic, T0, &msr);
    assert_int_equal(msr, 0);
    local_apic_update(&apic, 6000);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);

    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE | LAPIC_LVT_MASKED);
    local_apic_write_tsc_deadline(&apic, 7000, 6000);
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    local_apic_update(&apic, 7000);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    local_apic_read_tsc_deadline(&apic, 7000, &msr);
    assert_int_equal(msr, 0);
}

/* Without the CPUID flag the MSR faults and bit 18 of the LVT timer is reserved. */
static void test_tsc_deadline_not_offered(void **state)
{
    (void)state;
    struct local_apic apic;
    uint64_t msr = 0;
    setup_enabled(&apic, 0);
    assert_false(local_apic_read_tsc_deadline(&apic, T0, &msr));
    assert_false(local_apic_write_tsc_deadline(&apic, 5000, T0));
    wr(&apic, LAPIC_REG_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_DEADLINE);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_TIMER), VEC_TIMER);
    wr(&apic, LAPIC_REG_TIMER_INIT, 10); /* still a one-shot timer */
    assert_int_equal(local_apic_next_deadline(&apic), T0 + 10u * 2u * TSC_PER_TICK);
}

/* ---- LINT0 and the 8259 ("Local Vector Table", MP spec "Virtual Wire Mode") ----------- */

static void test_extint_virtual_wire(void **state)
{
    (void)state;
    struct local_apic apic;
    setup(&apic, 0, false);
    assert_true(local_apic_extint_open(&apic)); /* reset: software-disabled, PIC passes */
    wr(&apic, LAPIC_REG_SVR, SVR_ON);
    assert_false(local_apic_extint_open(&apic)); /* enabled, LINT0 masked */
    wr(&apic, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
    assert_true(local_apic_extint_open(&apic));
    wr(&apic, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_EXTINT | LAPIC_LVT_MASKED);
    assert_false(local_apic_extint_open(&apic));
    wr(&apic, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_FIXED | 0x30);
    assert_false(local_apic_extint_open(&apic)); /* not ExtINT */
    wr(&apic, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_NMI);
    assert_false(local_apic_extint_open(&apic));
    wr(&apic, LAPIC_REG_SVR, SPURIOUS);
    assert_true(local_apic_extint_open(&apic)); /* software-disabled */
    wr(&apic, LAPIC_REG_SVR, SVR_ON);
    assert_false(local_apic_extint_open(&apic));
    assert_int_equal(local_apic_write_base(&apic, LAPIC_BASE_DEFAULT | LAPIC_BASE_BSP),
                     LAPIC_OK);
    assert_true(local_apic_extint_open(&apic)); /* globally disabled */
}

/* ---- IPIs ("Interrupt Command Register (ICR)") ---------------------------------------- */

static void test_self_ipi(void **state)
{
    (void)state;
    struct local_apic apic;
    struct lapic_effects effects;
    setup_enabled(&apic, 2);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | 0x50, &effects);
    assert_int_equal(local_apic_pending_vector(&apic), 0x50);
    assert_int_equal(effects.events, 0);
    assert_int_equal(rd(&apic, LAPIC_REG_ICR_LOW), LAPIC_ICR_SHORTHAND_SELF | 0x50); /* idle */
    take_and_eoi(&apic, 0x50);

    send_ipi(&apic, DEST(2), LAPIC_DELIVERY_FIXED | 0x51, &effects); /* physical, own ID */
    take_and_eoi(&apic, 0x51);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_ALL | 0x52, &effects);
    take_and_eoi(&apic, 0x52);
    send_ipi(&apic, DEST(LAPIC_BROADCAST_ID), 0x53, &effects);
    take_and_eoi(&apic, 0x53);

    wr(&apic, LAPIC_REG_LDR, 0x04000000u); /* flat logical ID: bit 2 */
    send_ipi(&apic, DEST(0x04), LAPIC_ICR_LOGICAL | 0x54, &effects);
    take_and_eoi(&apic, 0x54);
    send_ipi(&apic, DEST(0x03), LAPIC_ICR_LOGICAL | 0x55, &effects); /* not us */
    assert_true(irr_empty(&apic));

    wr(&apic, LAPIC_REG_DFR, 0); /* cluster: cluster 2, member bit 1 */
    wr(&apic, LAPIC_REG_LDR, 0x21000000u);
    send_ipi(&apic, DEST(0x23), LAPIC_ICR_LOGICAL | 0x56, &effects);
    take_and_eoi(&apic, 0x56);
    send_ipi(&apic, DEST(0x13), LAPIC_ICR_LOGICAL | 0x57, &effects); /* other cluster */
    assert_true(irr_empty(&apic));
    assert_int_equal(latch_esr(&apic), 0);
}

/* No CPU has that ID: the IPI is dropped and, on a system-bus xAPIC, nothing is logged
 * (send accept error is P6/Pentium only). */
static void test_ipi_to_absent_cpu(void **state)
{
    (void)state;
    struct local_apic apic;
    struct lapic_effects effects;
    setup_enabled(&apic, 0);
    send_ipi(&apic, DEST(ABSENT_ID), 0x60, &effects);
    assert_true(irr_empty(&apic));
    assert_int_equal(apic.ipis_dropped, 1);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_OTHER | 0x60, &effects);
    assert_true(irr_empty(&apic));
    assert_int_equal(apic.ipis_dropped, 2);
    send_ipi(&apic, DEST(ABSENT_ID), LAPIC_DELIVERY_NMI, &effects);
    assert_int_equal(effects.events, 0);
    assert_int_equal(rd(&apic, LAPIC_REG_ICR_LOW) & LAPIC_ICR_STATUS_PENDING, 0);
    assert_int_equal(latch_esr(&apic), 0);
}

static void test_ipi_illegal_vector(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | 0x0F, NULL);
    assert_true(irr_empty(&apic));
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_SEND_ILLEGAL | LAPIC_ESR_RECV_ILLEGAL);
    send_ipi(&apic, DEST(ABSENT_ID), 0x03, NULL);
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_SEND_ILLEGAL); /* nobody received it */
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_NMI, NULL);
    assert_int_equal(latch_esr(&apic), 0); /* NMI ignores the vector */
}

/* Lowest priority is not sent: "Redirectable IPI", not "Send Illegal Vector". */
static void test_lowest_priority_ipi_refused(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    send_ipi(&apic, DEST(0), LAPIC_DELIVERY_LOWEST | 0x60, NULL);
    assert_true(irr_empty(&apic));
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_REDIRECTABLE_IPI);
    send_ipi(&apic, DEST(0), LAPIC_DELIVERY_LOWEST | 0x02, NULL);
    assert_int_equal(latch_esr(&apic), LAPIC_ESR_REDIRECTABLE_IPI);
}

static void test_nmi_smi_init_sipi_to_self(void **state)
{
    (void)state;
    struct local_apic apic;
    struct lapic_effects effects;
    setup_enabled(&apic, 0);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_NMI, &effects);
    assert_int_equal(effects.events, LAPIC_EVENT_NMI);
    send_ipi(&apic, DEST(0), LAPIC_DELIVERY_SMI, &effects);
    assert_int_equal(effects.events, LAPIC_EVENT_SMI);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_INIT | LAPIC_ICR_LEVEL_ASSERT,
             &effects);
    assert_int_equal(effects.events, LAPIC_EVENT_INIT);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_INIT | LAPIC_ICR_TRIGGER_LEVEL,
             &effects); /* INIT level de-assert */
    assert_int_equal(effects.events, 0);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_STARTUP | 0x10, &effects);
    assert_int_equal(effects.events, 0);
    assert_true(irr_empty(&apic));
    assert_int_equal(latch_esr(&apic), 0);
}

/* A software-disabled APIC still sends, but does not take fixed IPIs. */
static void test_self_ipi_while_software_disabled(void **state)
{
    (void)state;
    struct local_apic apic;
    struct lapic_effects effects;
    setup(&apic, 0, false);
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | 0x50, &effects);
    assert_true(irr_empty(&apic));
    send_ipi(&apic, 0, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_NMI, &effects);
    assert_int_equal(effects.events, LAPIC_EVENT_NMI);
}

/* ---- IA32_APIC_BASE ------------------------------------------------------------------ */

static void test_base_relocation(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    uint64_t moved = 0x7FFFFFF000ull | LAPIC_BASE_EN | LAPIC_BASE_BSP; /* top of 39 bits */
    assert_int_equal(local_apic_write_base(&apic, moved), LAPIC_OK);
    assert_int_equal(local_apic_read_base(&apic), moved);
    assert_int_equal(local_apic_mmio_base(&apic), 0x7FFFFFF000ull);
    assert_int_equal(rd(&apic, LAPIC_REG_SVR), SVR_ON); /* moving keeps the state */
    assert_int_equal(local_apic_write_base(&apic, 0xFEC01000ull | LAPIC_BASE_EN), LAPIC_OK);
    assert_int_equal(local_apic_read_base(&apic), 0xFEC01000ull | LAPIC_BASE_EN); /* BSP R/W */
}

static void test_base_reserved_bits_and_x2apic(void **state)
{
    (void)state;
    struct local_apic apic;
    setup_enabled(&apic, 0);
    uint64_t before = local_apic_read_base(&apic);
    const uint64_t reserved[] = {1ull << 0, 1ull << 7, 1ull << 9, 1ull << PHYS_BITS,
                                 1ull << 63};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        assert_int_equal(local_apic_write_base(&apic, before | reserved[i]),
                         LAPIC_RESERVED_BIT);
    assert_int_equal(local_apic_write_base(&apic, before | LAPIC_BASE_EXTD),
                     LAPIC_X2APIC_HIDDEN);
    assert_int_equal(local_apic_write_base(&apic, LAPIC_BASE_DEFAULT | LAPIC_BASE_EXTD),
                     LAPIC_X2APIC_HIDDEN); /* EXTD without EN: invalid as well */
    assert_int_equal(local_apic_read_base(&apic), before);
    assert_int_equal(rd(&apic, LAPIC_REG_SVR), SVR_ON);
}

/* Globally disabled: no APIC at all; re-enabled: the power-up state. */
static void test_global_disable(void **state)
{
    (void)state;
    struct local_apic apic;
    uint32_t value = 0;
    setup_enabled(&apic, 1);
    wr(&apic, LAPIC_REG_TPR, 0x20);
    local_apic_accept(&apic, VEC_MID, false);
    start_timer(&apic, VEC_TIMER | LAPIC_LVT_TIMER_PERIODIC, LAPIC_DCR_BY_1, 10, T0);

    assert_int_equal(local_apic_write_base(&apic, LAPIC_BASE_DEFAULT), LAPIC_OK);
    assert_false(local_apic_globally_enabled(&apic));
    assert_int_equal(local_apic_read(&apic, LAPIC_REG_ID, 4, T0, &value), LAPIC_NOT_APIC);
    assert_int_equal(value, LAPIC_FLOATING_READ);
    assert_int_equal(local_apic_write(&apic, LAPIC_REG_TPR, 4, 0x30, T0, NULL), LAPIC_NOT_APIC);
    assert_int_equal(local_apic_pending_vector(&apic), LAPIC_NO_VECTOR);
    assert_false(local_apic_accept(&apic, VEC_HIGH, false));
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
    local_apic_update(&apic, T0 + 100000u);

    assert_int_equal(local_apic_write_base(&apic, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN),
                     LAPIC_OK);
    assert_int_equal(rd(&apic, LAPIC_REG_ID), ID_REG(1));
    assert_int_equal(rd(&apic, LAPIC_REG_SVR), LAPIC_SVR_RESET);
    assert_int_equal(rd(&apic, LAPIC_REG_TPR), 0);
    assert_int_equal(rd(&apic, LAPIC_REG_LVT_TIMER), LAPIC_LVT_MASKED);
    assert_int_equal(rd(&apic, LAPIC_REG_TIMER_INIT), 0);
    assert_true(irr_empty(&apic));
    assert_int_equal(local_apic_next_deadline(&apic), LAPIC_NO_DEADLINE);
}

/* ---- MMIO access shapes -------------------------------------------------------------- */

static void test_access_shapes(void **state)
{
    (void)state;
    struct local_apic apic;
    uint32_t value = 0;
    setup_enabled(&apic, 0x5A);
    assert_int_equal(local_apic_read(&apic, LAPIC_REG_ID + 3, 1, T0, &value), LAPIC_OK);
    assert_int_equal(value, 0x5A); /* the byte holding the ID */
    assert_int_equal(local_apic_read(&apic, LAPIC_REG_ID + 2, 2, T0, &value), LAPIC_OK);
    assert_int_equal(value, 0x5A00);
    assert_int_equal(local_apic_read(&apic, LAPIC_REG_ID + 4, 4, T0, &value), LAPIC_OK);
    assert_int_equal(value, 0); /* bytes 4-15 of a slot */
    assert_int_equal(local_apic_read(&apic, LAPIC_REG_ID, 8, T0, &value), LAPIC_IGNORED);
    assert_int_equal(local_apic_read(&apic, LAPIC_PAGE_SIZE, 4, T0, &value), LAPIC_IGNORED);
    assert_int_equal(local_apic_read(&apic, LAPIC_PAGE_SIZE - 2, 4, T0, &value), LAPIC_IGNORED);
    assert_int_equal(rd(&apic, LAPIC_REG_EOI), 0); /* write-only */

    assert_int_equal(local_apic_write(&apic, LAPIC_REG_TPR, 1, 0x40, T0, NULL), LAPIC_IGNORED);
    assert_int_equal(local_apic_write(&apic, LAPIC_REG_TPR, 2, 0x40, T0, NULL), LAPIC_IGNORED);
    assert_int_equal(local_apic_write(&apic, LAPIC_REG_TPR + 4, 4, 0x40, T0, NULL),
                     LAPIC_IGNORED);
    assert_int_equal(local_apic_write(&apic, LAPIC_PAGE_SIZE, 4, 0x40, T0, NULL),
                     LAPIC_IGNORED);
    assert_int_equal(rd(&apic, LAPIC_REG_TPR), 0);
    assert_int_equal(latch_esr(&apic), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values),
        cmocka_unit_test(test_bsp_flag_for_vcpu0),
        cmocka_unit_test(test_read_only_registers_ignore_writes),
        cmocka_unit_test(test_writable_bits),
        cmocka_unit_test(test_reserved_address_is_illegal),
        cmocka_unit_test(test_esr_write_to_latch),
        cmocka_unit_test(test_error_interrupt),
        cmocka_unit_test(test_accept_acknowledge_eoi),
        cmocka_unit_test(test_every_vector),
        cmocka_unit_test(test_nested_priority_and_eoi),
        cmocka_unit_test(test_ppr_formula),
        cmocka_unit_test(test_tpr_blocks_class),
        cmocka_unit_test(test_level_eoi_reported),
        cmocka_unit_test(test_illegal_vector_rejected),
        cmocka_unit_test(test_spurious_vector),
        cmocka_unit_test(test_software_disable),
        cmocka_unit_test(test_one_shot),
        cmocka_unit_test(test_one_shot_current_count_without_update),
        cmocka_unit_test(test_divide_settings),
        cmocka_unit_test(test_periodic_without_drift),
        cmocka_unit_test(test_periodic_missed_periods_coalesce),
        cmocka_unit_test(test_masked_timer_counts),
        cmocka_unit_test(test_expiry_while_masked_is_lost),
        cmocka_unit_test(test_initial_count_zero_stops),
        cmocka_unit_test(test_initial_count_rewrite_restarts),
        cmocka_unit_test(test_divide_change_mid_count),
        cmocka_unit_test(test_timer_illegal_vector),
        cmocka_unit_test(test_tsc_deadline),
        cmocka_unit_test(test_tsc_deadline_mode_switch_and_mask),
        cmocka_unit_test(test_tsc_deadline_not_offered),
        cmocka_unit_test(test_extint_virtual_wire),
        cmocka_unit_test(test_self_ipi),
        cmocka_unit_test(test_ipi_to_absent_cpu),
        cmocka_unit_test(test_ipi_illegal_vector),
        cmocka_unit_test(test_lowest_priority_ipi_refused),
        cmocka_unit_test(test_nmi_smi_init_sipi_to_self),
        cmocka_unit_test(test_self_ipi_while_software_disabled),
        cmocka_unit_test(test_base_relocation),
        cmocka_unit_test(test_base_reserved_bits_and_x2apic),
        cmocka_unit_test(test_global_disable),
        cmocka_unit_test(test_access_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
