/*
 * test_apic_platform.c - the local APIC and I/O APIC wired into the VM's platform
 * (hypervisor/apic_platform.c, devices/apic_mmio.c), on the fake backend and a fake clock
 * held still (each test moves it by hand):
 *
 *   guest MMIO / MSR --> models --> vplatform_update / next_deadline --> vcpu_deliver_events
 *
 * A guest that never touches the APIC sees the PIC alone; the APIC timer fires at the
 * TSC its count says; the PIT reaches a vector through I/O APIC pin 2; a level EOI goes
 * back to the I/O APIC; LINT0 opens and closes the 8259's path; the page follows
 * IA32_APIC_BASE; HLT wakes on an APIC interrupt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hypervisor/console.h"
#include "hypervisor/interrupts.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/wait.h"
#include "tests/unit/fake_backend.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/host_pages.h"

#define RAM_SIZE       (2ull * 1024 * 1024)
#define GUEST_RIP      0x100040ull
#define T0             1000000ull /* the TSC at which a test programs the timer */
#define TSC_PER_TICK   10u        /* 1 GHz fake TSC / 100 MHz APIC timer */
#define MASK_NONE      0x00u
#define MASK_ALL       0xFFu
#define PIT_1KHZ       1193u
#define VEC_TIMER      0x30u
#define VEC_IOAPIC_PIT 0x52u
#define VEC_UART       0x44u
#define VEC_SELF       0x61u
#define SVR_ON         (LAPIC_SVR_ENABLE | 0xFFu)
#define RELOCATED      0xFED00000ull
#define PIN_UART       4u
#define MS             (FAKE_TSC_HZ / 1000u)

struct fixture {
    struct host_pages src;
    struct guest_memory mem;
    struct fake_cpu cpu;
    struct vcpu vcpu;
    struct virtual_platform vp;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    char why[128];
    assert_int_equal(
        guest_memory_create(&f->mem, RAM_SIZE, host_pages_alloc, &f->src, why, sizeof(why)), 0);
    fake_vcpu_attach(&f->vcpu, &f->cpu, &f->mem);
    f->vcpu.platform = &f->vp;
    f->vcpu.guest_name = "test";
    f->cpu.rip = GUEST_RIP;
    f->cpu.reg[VCPU_REG_RFLAGS] = FAKE_RFLAGS_IF;
    fake_platform_reset(&f->vp, 0); /* time moves only when a test says */
    console_clear();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    host_pages_free_all(&f->src);
    free(f);
    return 0;
}

/* A 4-byte guest write to the device page at gpa, through the MMIO bus's lookup. */
static void mmio_write32(struct fixture *f, uint64_t gpa, uint32_t value)
{
    const struct mmio_device *d = mmio_device_at(&f->vcpu, gpa);
    assert_non_null(d);
    uint64_t base = d->locate ? d->locate(&f->vcpu) : d->base;
    d->write(&f->vcpu, gpa - base, 4, value);
}

static uint32_t mmio_read32(struct fixture *f, uint64_t gpa)
{
    const struct mmio_device *d = mmio_device_at(&f->vcpu, gpa);
    assert_non_null(d);
    uint64_t base = d->locate ? d->locate(&f->vcpu) : d->base;
    return (uint32_t)d->read(&f->vcpu, gpa - base, 4);
}

static void lapic_w(struct fixture *f, uint32_t reg, uint32_t value)
{
    mmio_write32(f, LAPIC_BASE_DEFAULT + reg, value);
}

static void ioapic_w(struct fixture *f, uint8_t index, uint32_t value)
{
    mmio_write32(f, IO_APIC_DEFAULT_BASE + IO_APIC_IOREGSEL, index);
    mmio_write32(f, IO_APIC_DEFAULT_BASE + IO_APIC_IOWIN, value);
}

/* The run loop's step at time `tsc`: devices to now, then one delivery. */
static void run_loop_at(struct fixture *f, uint64_t tsc)
{
    fake_tsc_now = tsc;
    vplatform_update(&f->vp, tsc);
    vcpu_deliver_events(&f->vcpu);
}

static void assert_injected(struct fixture *f, enum guest_event_type type, uint8_t vector)
{
    assert_int_equal(f->cpu.inject_calls, 1);
    assert_int_equal(f->cpu.injected.type, type);
    assert_int_equal(f->cpu.injected.vector, vector);
    f->cpu.inject_calls = 0;
}

static void assert_nothing_injected(struct fixture *f)
{
    assert_int_equal(f->cpu.inject_calls, 0);
}

/* ---- a guest that never touches the APIC ----------------------------------------------- */

static void test_pic_only_guest_unchanged(void **state)
{
    struct fixture *f = *state;
    assert_true(local_apic_extint_open(&f->vp.lapic)); /* reset: software disabled */
    assert_int_equal(local_apic_read_base(&f->vp.lapic),
                     LAPIC_BASE_DEFAULT | LAPIC_BASE_BSP | LAPIC_BASE_EN);
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    uint64_t due = vplatform_next_deadline(&f->vp, 0);
    assert_true(due > 0 && due <= MS + 1); /* the PIT's edge, as without an APIC */
    run_loop_at(f, due);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE);
    /* The PIT's edges also reach pin 2, masked at reset: nothing from the I/O APIC. */
    assert_int_equal(local_apic_pending_vector(&f->vp.lapic), LAPIC_NO_VECTOR);
    assert_int_equal(f->vp.ioapic_dropped, 0);
}

static void test_timer_rate_from_tsc(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->vp.lapic.config.tsc_per_apic_tick, TSC_PER_TICK);
    vplatform_reset(&f->vp, fake_read_tsc, 2596029000ull); /* QEMU's, 2.6 GHz */
    assert_int_equal(f->vp.lapic.config.tsc_per_apic_tick, 26);
    vplatform_reset(&f->vp, fake_read_tsc, 50000000ull); /* slower than 100 MHz */
    assert_int_equal(f->vp.lapic.config.tsc_per_apic_tick, 1);
    vplatform_reset(&f->vp, fake_read_tsc, 0); /* unknown */
    assert_int_equal(f->vp.lapic.config.tsc_per_apic_tick, 1);
}

/* ---- the APIC timer ------------------------------------------------------------------ */

static void start_timer(struct fixture *f, uint32_t lvt, uint32_t count)
{
    fake_tsc_now = T0;
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_TIMER_DCR, LAPIC_DCR_BY_1);
    lapic_w(f, LAPIC_REG_LVT_TIMER, lvt | VEC_TIMER);
    lapic_w(f, LAPIC_REG_TIMER_INIT, count);
}

static void test_timer_one_shot_at_its_tsc(void **state)
{
    struct fixture *f = *state;
    start_timer(f, LAPIC_LVT_TIMER_ONE_SHOT, 1000);
    uint64_t due = T0 + 1000u * TSC_PER_TICK;
    assert_int_equal(vplatform_next_deadline(&f->vp, T0), due);
    run_loop_at(f, due - 1);
    assert_nothing_injected(f);
    run_loop_at(f, due);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_TIMER);
    assert_int_equal(vplatform_next_deadline(&f->vp, due), VPLATFORM_NO_DEADLINE);
    lapic_w(f, LAPIC_REG_EOI, 0);
    run_loop_at(f, due + 100u * 1000u * TSC_PER_TICK);
    assert_nothing_injected(f); /* once */
}

static void test_timer_periodic_every_period(void **state)
{
    struct fixture *f = *state;
    start_timer(f, LAPIC_LVT_TIMER_PERIODIC, 500);
    uint64_t period = 500u * TSC_PER_TICK;
    for (unsigned i = 1; i <= 3; i++) {
        assert_int_equal(vplatform_next_deadline(&f->vp, fake_tsc_now), T0 + i * period);
        run_loop_at(f, T0 + i * period - 1);
        assert_nothing_injected(f);
        run_loop_at(f, T0 + i * period);
        assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_TIMER);
        lapic_w(f, LAPIC_REG_EOI, 0);
    }
}

static void test_timer_deadline_msr(void **state)
{
    struct fixture *f = *state;
    start_timer(f, LAPIC_LVT_TIMER_DEADLINE, 0);
    assert_true(vplatform_apic_msr_write(&f->vp, LAPIC_TSC_DEADLINE_MSR, T0 + 777, T0));
    assert_int_equal(vplatform_next_deadline(&f->vp, T0), T0 + 777);
    run_loop_at(f, T0 + 777);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_TIMER);
    uint64_t value = 1;
    assert_true(vplatform_apic_msr_read(&f->vp, LAPIC_TSC_DEADLINE_MSR, T0 + 778, &value));
    assert_int_equal(value, 0); /* disarmed by firing */
}

/* ---- I/O APIC routing ---------------------------------------------------------------- */

static void test_ioapic_routes_pit_to_vector(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED | LAPIC_DELIVERY_EXTINT);
    ioapic_w(f, IO_APIC_REG_REDTBL + 2 * IO_APIC_PIT_PIN + 1, 0); /* destination APIC 0 */
    ioapic_w(f, IO_APIC_REG_REDTBL + 2 * IO_APIC_PIT_PIN, VEC_IOAPIC_PIT);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    uint64_t due = vplatform_next_deadline(&f->vp, 0);
    assert_int_not_equal(due, VPLATFORM_NO_DEADLINE); /* pin 2 open: the PIT is watched */
    run_loop_at(f, due);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_IOAPIC_PIT);
    lapic_w(f, LAPIC_REG_EOI, 0);
    run_loop_at(f, vplatform_next_deadline(&f->vp, due));
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_IOAPIC_PIT);

    /* Masked at the I/O APIC (and the PIC, and LINT0): nothing, and no host timer. */
    lapic_w(f, LAPIC_REG_EOI, 0);
    ioapic_w(f, IO_APIC_REG_REDTBL + 2 * IO_APIC_PIT_PIN, VEC_IOAPIC_PIT | IO_APIC_RTE_MASKED);
    assert_int_equal(vplatform_next_deadline(&f->vp, fake_tsc_now), VPLATFORM_NO_DEADLINE);
    run_loop_at(f, fake_tsc_now + 10 * MS);
    assert_nothing_injected(f);
}

/* The pin's vector already requested: more edges merge, so no host timer for them. */
static void test_ioapic_requested_vector_blocks_pit_deadline(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED);
    ioapic_w(f, IO_APIC_REG_REDTBL + 2 * IO_APIC_PIT_PIN, VEC_IOAPIC_PIT);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    f->cpu.reg[VCPU_REG_RFLAGS] = 0; /* CLI: the request waits in IRR */
    run_loop_at(f, vplatform_next_deadline(&f->vp, 0));
    assert_nothing_injected(f);
    assert_int_equal(local_apic_pending_vector(&f->vp.lapic), VEC_IOAPIC_PIT);
    assert_int_equal(vplatform_next_deadline(&f->vp, fake_tsc_now), VPLATFORM_NO_DEADLINE);
}

static void test_level_eoi_goes_back_to_ioapic(void **state)
{
    struct fixture *f = *state;
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    ioapic_w(f, IO_APIC_REG_REDTBL + 2 * PIN_UART, VEC_UART | IO_APIC_RTE_LEVEL);
    vplatform_apic_isa_irq(&f->vp, UART_COM1_IRQ, true); /* the line held high */
    vplatform_apic_update(&f->vp, 0);
    assert_true(f->vp.ioapic.redirect[PIN_UART] & IO_APIC_RTE_REMOTE_IRR);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_UART);
    lapic_w(f, LAPIC_REG_EOI, 0); /* still held: the I/O APIC sends it again */
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_UART);
    vplatform_apic_isa_irq(&f->vp, UART_COM1_IRQ, false);
    lapic_w(f, LAPIC_REG_EOI, 0);
    assert_false(f->vp.ioapic.redirect[PIN_UART] & IO_APIC_RTE_REMOTE_IRR);
    vcpu_deliver_events(&f->vcpu);
    assert_nothing_injected(f);
}

/* ---- the 8259 through LINT0, and the order of the two -------------------------------- */

static void test_extint_lint0_masked_and_unmasked(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED | LAPIC_DELIVERY_EXTINT);
    pic_set_irq(&f->vp.pic, 0, true);
    vcpu_deliver_events(&f->vcpu);
    assert_nothing_injected(f);
    assert_false(f->cpu.window); /* nothing the guest could take: no window either */
    lapic_w(f, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE);
}

static void test_apic_vector_before_pic(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
    pic_set_irq(&f->vp.pic, 0, true);
    lapic_w(f, LAPIC_REG_ICR_LOW, LAPIC_ICR_SHORTHAND_SELF | VEC_SELF); /* self-IPI */
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, VEC_SELF);
    assert_true(f->vp.lapic.isr[VEC_SELF / 32] & (1u << (VEC_SELF % 32)));
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE);
}

static void test_self_nmi_ipi_queues_nmi(void **state)
{
    struct fixture *f = *state;
    lapic_w(f, LAPIC_REG_SVR, SVR_ON);
    lapic_w(f, LAPIC_REG_ICR_LOW, LAPIC_ICR_SHORTHAND_SELF | LAPIC_DELIVERY_NMI);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_NMI, 2);
}

/* ---- IA32_APIC_BASE ------------------------------------------------------------------ */

static void test_base_relocation_moves_the_page(void **state)
{
    struct fixture *f = *state;
    uint32_t version = mmio_read32(f, LAPIC_BASE_DEFAULT + LAPIC_REG_VERSION);
    assert_true(vplatform_apic_msr_write(&f->vp, LAPIC_BASE_MSR,
                                         RELOCATED | LAPIC_BASE_BSP | LAPIC_BASE_EN, 0));
    assert_null(mmio_device_at(&f->vcpu, LAPIC_BASE_DEFAULT));
    assert_int_equal(mmio_read32(f, RELOCATED + LAPIC_REG_VERSION), version);
    /* The I/O APIC stays where it is. */
    assert_non_null(mmio_device_at(&f->vcpu, IO_APIC_DEFAULT_BASE));

    /* Globally disabled: no page at all, and the PIC's path is open. */
    assert_true(
        vplatform_apic_msr_write(&f->vp, LAPIC_BASE_MSR, RELOCATED | LAPIC_BASE_BSP, 0));
    assert_null(mmio_device_at(&f->vcpu, RELOCATED));
    assert_true(local_apic_extint_open(&f->vp.lapic));

    /* Reserved bits and x2APIC are refused (#GP), the value kept. */
    assert_false(vplatform_apic_msr_write(&f->vp, LAPIC_BASE_MSR,
                                          LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | (1u << 9), 0));
    assert_false(vplatform_apic_msr_write(
        &f->vp, LAPIC_BASE_MSR, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | LAPIC_BASE_EXTD, 0));
    uint64_t value;
    assert_true(vplatform_apic_msr_read(&f->vp, LAPIC_BASE_MSR, 0, &value));
    assert_int_equal(value, RELOCATED | LAPIC_BASE_BSP);
}

static void test_base_above_maxphyaddr_refused(void **state)
{
    struct fixture *f = *state;
    vplatform_apic_set_phys_bits(&f->vp, 36);
    assert_false(vplatform_apic_msr_write(&f->vp, LAPIC_BASE_MSR,
                                          (1ull << 36) | LAPIC_BASE_BSP | LAPIC_BASE_EN, 0));
    assert_true(vplatform_apic_msr_write(&f->vp, LAPIC_BASE_MSR,
                                         (1ull << 35) | LAPIC_BASE_BSP | LAPIC_BASE_EN, 0));
}

/* ---- HLT ----------------------------------------------------------------------------- */

static void test_hlt_wakes_on_apic_timer(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL); /* no PIC source at all */
    start_timer(f, LAPIC_LVT_TIMER_ONE_SHOT, 1000);
    uint64_t due = T0 + 1000u * TSC_PER_TICK;
    vcpu_wait_begin(&f->vcpu, VCPU_WAIT_HLT);
    assert_int_equal(vcpu_wait_due(&f->vcpu, T0), due);
    assert_int_equal(vcpu_wait_poll(&f->vcpu, due - 1), WAKE_NOT_YET);
    assert_int_equal(vcpu_wait_poll(&f->vcpu, due), WAKE_INTERRUPT);
}

static void test_hlt_with_apic_timer_masked_sleeps_forever(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    start_timer(f, LAPIC_LVT_MASKED | LAPIC_LVT_TIMER_ONE_SHOT, 1000);
    vcpu_wait_begin(&f->vcpu, VCPU_WAIT_HLT);
    assert_int_equal(vcpu_wait_poll(&f->vcpu, T0 + 1), WAKE_NOTHING_ARMED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pic_only_guest_unchanged),
        T(test_timer_rate_from_tsc),
        T(test_timer_one_shot_at_its_tsc),
        T(test_timer_periodic_every_period),
        T(test_timer_deadline_msr),
        T(test_ioapic_routes_pit_to_vector),
        T(test_ioapic_requested_vector_blocks_pit_deadline),
        T(test_level_eoi_goes_back_to_ioapic),
        T(test_extint_lint0_masked_and_unmasked),
        T(test_apic_vector_before_pic),
        T(test_self_nmi_ipi_queues_nmi),
        T(test_base_relocation_moves_the_page),
        T(test_base_above_maxphyaddr_refused),
        T(test_hlt_wakes_on_apic_timer),
        T(test_hlt_with_apic_timer_masked_sleeps_forever),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
