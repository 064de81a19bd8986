/*
 * lapic.c - checks of the local APIC: IA32_APIC_BASE, ID, version, SVR, TPR/PPR,
 * self-IPIs through the ICR, EOI and ISR, the timer in each mode, and IA32_APIC_BASE's
 * reserved bits, relocation and global disable.
 *
 * See: Intel SDM Vol. 3A, "Local APIC Status and Location", "Local APIC ID", "Local APIC
 *      Version Register", "Task and Processor Priorities", "Interrupt Command Register
 *      (ICR)", "Interrupt, Task, and Processor Priority", "End-Of-Interrupt (EOI)
 *      Register", "APIC Timer", "Spurious Interrupt".
 */
#include "apic.h"
#include "cpuid.h"
#include "pic.h"
#include "pit.h"

#define APIC_BASE_EXPECTED (APIC_BASE_DEFAULT | APIC_BASE_BSP | APIC_BASE_EN)
#define VERSION_FAMILY     0xF0u
#define VERSION_INTEGRATED 0x10u /* 1xH: integrated APIC */
#define MIN_MAX_LVT        5u    /* 6 entries: timer, thermal, perf, LINT0, LINT1, error */
#define SVR_TEST           (LAPIC_SVR_ENABLE | 0xEFu)
#define SVR_ON             (LAPIC_SVR_ENABLE | VEC_SPURIOUS)
#define SVR_RESET          0xFFu
#define SVR_BITS           0x1FFu
#define TPR_TEST           0x5Au
#define TPR_CLASS5         0x50u
#define TPR_MASK           0xFFu
#define CLASS_MASK         0xF0u
#define CALIBRATE_MS       10u
#define CALIBRATE_LONG_MS  30u
#define CALIBRATE_SPAN     ((CALIBRATE_LONG_MS - CALIBRATE_MS) / CALIBRATE_MS) /* 2 */
#define PERIOD_DIVISOR     5u  /* 10 ms / 5 = a 2 ms period */
#define PERIODIC_MS        50u /* 25 periods */
/* At least two: it repeats (a one-shot gives one). No higher floor: periods that come due
 * while the host has the emulator descheduled merge in IRR as on hardware (issue 14). */
#define PERIODIC_MIN       2u
#define PERIODIC_MAX       40u
#define ONE_SHOT_WAIT_MS   10u
#define COUNT_ALL          0xFFFFFFFFu
#define TPR_MOVED          0x20u

static void apic_enable(void) { lapic_write(LAPIC_SVR, SVR_ON); }

enum tap_outcome check_apic_base_msr(void)
{
    uint32_t edx = cpuid(CPUID_LEAF_FEATURES).edx;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(edx & CPUID_1_EDX_APIC))
        return tap_fail("CPUID.1:EDX 0x%08x: APIC bit clear", edx);
    if (base != APIC_BASE_EXPECTED)
        return tap_fail("IA32_APIC_BASE 0x%08x%08x", (uint32_t)(base >> 32), (uint32_t)base);
    return TAP_PASS;
}

enum tap_outcome check_apic_id_version(void)
{
    uint32_t cpuid_id = cpuid(CPUID_LEAF_FEATURES).ebx >> CPUID_1_EBX_APIC_ID_SHIFT;
    uint32_t id = lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
    uint32_t version = lapic_read(LAPIC_VERSION);
    if (id != cpuid_id)
        return tap_fail("APIC ID %u, CPUID.1:EBX[31:24] %u", id, cpuid_id);
    if ((version & VERSION_FAMILY) != VERSION_INTEGRATED ||
        LAPIC_VERSION_MAXLVT(version) < MIN_MAX_LVT)
        return tap_fail("version register 0x%08x", version);
    tap_note("APIC ID %u, version register 0x%08x", id, version);
    return TAP_PASS;
}

enum tap_outcome check_apic_svr(void)
{
    quiesce();
    lapic_write(LAPIC_SVR, SVR_TEST);
    uint32_t test = lapic_read(LAPIC_SVR) & SVR_BITS;
    apic_enable();
    uint32_t on = lapic_read(LAPIC_SVR) & SVR_BITS;
    if (test != SVR_TEST || on != SVR_ON)
        return tap_fail("SVR wrote 0x%x read 0x%x, wrote 0x%x read 0x%x", SVR_TEST, test,
                        SVR_ON, on);
    return TAP_PASS;
}

enum tap_outcome check_apic_tpr_ppr(void)
{
    quiesce();
    apic_enable();
    lapic_write(LAPIC_TPR, TPR_TEST);
    uint32_t tpr = lapic_read(LAPIC_TPR) & TPR_MASK, ppr = lapic_read(LAPIC_PPR) & TPR_MASK;
    lapic_write(LAPIC_TPR, 0);
    uint32_t ppr0 = lapic_read(LAPIC_PPR) & TPR_MASK;
    if (tpr != TPR_TEST || ppr != TPR_TEST || ppr0 != 0)
        return tap_fail("TPR 0x%x -> read 0x%x, PPR 0x%x; TPR 0 -> PPR 0x%x", TPR_TEST, tpr,
                        ppr, ppr0);
    return TAP_PASS;
}

enum tap_outcome check_self_ipi(void)
{
    quiesce();
    apic_enable();
    eoi_in_handler = true;
    uint32_t before = hits[VEC_HIGH];
    isr_seen = 0;
    cpu_sti();
    self_ipi(VEC_HIGH);
    spin_for(VEC_HIGH, before);
    cpu_cli();
    uint32_t n = hits[VEC_HIGH] - before;
    bool isr_after = lapic_bank_bit(LAPIC_ISR, VEC_HIGH);
    if (n != 1)
        return tap_fail("%u interrupts at vector 0x%x", n, VEC_HIGH);
    if (!isr_seen || isr_after)
        return tap_fail("ISR bit in the handler %u, after EOI %u", isr_seen, isr_after);
    return TAP_PASS;
}

enum tap_outcome check_self_ipi_masked_by_if(void)
{
    quiesce();
    apic_enable();
    uint32_t before = hits[VEC_HIGH];
    self_ipi(VEC_HIGH);
    spin_for(VEC_HIGH, before);
    bool irr = lapic_bank_bit(LAPIC_IRR, VEC_HIGH);
    uint32_t early = hits[VEC_HIGH] - before;
    cpu_sti();
    spin_for(VEC_HIGH, before);
    cpu_cli();
    uint32_t n = hits[VEC_HIGH] - before;
    if (early || !irr)
        return tap_fail("with IF = 0: %u delivered, IRR bit %u", early, irr);
    if (n != 1)
        return tap_fail("%u interrupts after sti", n);
    return TAP_PASS;
}

enum tap_outcome check_tpr_blocks(void)
{
    quiesce();
    apic_enable();
    lapic_write(LAPIC_TPR, TPR_CLASS5);
    uint32_t before = hits[VEC_LOW];
    cpu_sti();
    self_ipi(VEC_LOW);
    spin_for(VEC_LOW, before);
    uint32_t held = hits[VEC_LOW] - before;
    bool irr = lapic_bank_bit(LAPIC_IRR, VEC_LOW);
    lapic_write(LAPIC_TPR, 0);
    spin_for(VEC_LOW, before);
    cpu_cli();
    uint32_t n = hits[VEC_LOW] - before;
    if (held || !irr)
        return tap_fail("TPR 0x%x, vector 0x%x: %u delivered, IRR bit %u", TPR_CLASS5, VEC_LOW,
                        held, irr);
    if (n != 1)
        return tap_fail("%u interrupts after TPR 0", n);
    return TAP_PASS;
}

enum tap_outcome check_eoi_isr(void)
{
    quiesce();
    apic_enable();
    eoi_in_handler = false;
    uint32_t first = hits[VEC_HIGH], second = hits[VEC_HIGH2];
    cpu_sti();
    self_ipi(VEC_HIGH);
    spin_for(VEC_HIGH, first);
    uint32_t ppr = ppr_seen & TPR_MASK;
    eoi_in_handler = true;
    self_ipi(VEC_HIGH2); /* same class: waits */
    spin_for(VEC_HIGH2, second);
    uint32_t waited = hits[VEC_HIGH2] - second;
    bool in_service = lapic_bank_bit(LAPIC_ISR, VEC_HIGH);
    bool requested = lapic_bank_bit(LAPIC_IRR, VEC_HIGH2);
    lapic_write(LAPIC_EOI, 0); /* ends VEC_HIGH: VEC_HIGH2 comes (its handler EOIs) */
    spin_for(VEC_HIGH2, second);
    cpu_cli();
    uint32_t n = hits[VEC_HIGH2] - second;
    bool isr_left = lapic_bank_bit(LAPIC_ISR, VEC_HIGH) || lapic_bank_bit(LAPIC_ISR, VEC_HIGH2);
    if (hits[VEC_HIGH] - first != 1 || ppr != (VEC_HIGH & CLASS_MASK))
        return tap_fail("vector 0x%x: %u taken, PPR in its handler 0x%x", VEC_HIGH,
                        hits[VEC_HIGH] - first, ppr);
    if (waited || !in_service || !requested)
        return tap_fail("before EOI: 0x%x taken %u times, ISR(0x%x) %u, IRR(0x%x) %u",
                        VEC_HIGH2, waited, VEC_HIGH, in_service, VEC_HIGH2, requested);
    if (n != 1 || isr_left)
        return tap_fail("after EOI: 0x%x taken %u times, ISR bits left %u", VEC_HIGH2, n,
                        isr_left);
    return TAP_PASS;
}

/* APIC timer ticks (divide by 16) in `ms` of PIT channel 2, timer masked. */
static uint32_t apic_ticks_in(unsigned ms)
{
    lapic_write(LAPIC_TIMER_DCR, DCR_DIVIDE_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, COUNT_ALL);
    uint32_t start = lapic_read(LAPIC_TIMER_CUR);
    delay_ms(ms);
    uint32_t end = lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    return start - end;
}

/* APIC timer ticks in CALIBRATE_MS: the difference of a long and a short measurement, so
 * what each costs besides the delay (exits under hvlab: slow in an emulator) cancels. */
static uint32_t calibrate(void)
{
    uint32_t longer = apic_ticks_in(CALIBRATE_LONG_MS), shorter = apic_ticks_in(CALIBRATE_MS);
    return longer > shorter ? (longer - shorter) / CALIBRATE_SPAN : 0;
}

/* TSC ticks in CALIBRATE_MS, measured the same way. */
static uint64_t tsc_ticks_in(unsigned ms)
{
    uint64_t t0 = rdtsc();
    delay_ms(ms);
    return rdtsc() - t0;
}

enum tap_outcome check_timer_one_shot(void)
{
    quiesce();
    apic_enable();
    uint32_t per10 = calibrate();
    if (per10 < PERIOD_DIVISOR)
        return tap_fail("the count moved %u in %u ms", per10, CALIBRATE_MS);
    uint32_t before = hits[VEC_TIMER];
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER); /* one-shot */
    lapic_write(LAPIC_TIMER_INIT, per10 / PERIOD_DIVISOR);
    uint32_t c1 = lapic_read(LAPIC_TIMER_CUR);
    uint32_t c2 = lapic_read(LAPIC_TIMER_CUR);
    cpu_sti();
    delay_ms(ONE_SHOT_WAIT_MS);
    uint32_t n1 = hits[VEC_TIMER] - before;
    delay_ms(ONE_SHOT_WAIT_MS);
    cpu_cli();
    uint32_t n = hits[VEC_TIMER] - before, after = lapic_read(LAPIC_TIMER_CUR);
    tap_note("%u timer ticks (divide by 16) in %u ms of PIT channel 2", per10, CALIBRATE_MS);
    if (c2 > c1 || c1 > per10 / PERIOD_DIVISOR)
        return tap_fail("current count %u then %u after loading %u", c1, c2,
                        per10 / PERIOD_DIVISOR);
    if (n1 != 1 || n != 1 || after != 0)
        return tap_fail("%u interrupts after %u ms, %u after %u; current count %u", n1,
                        ONE_SHOT_WAIT_MS, n, 2 * ONE_SHOT_WAIT_MS, after);
    return TAP_PASS;
}

enum tap_outcome check_timer_periodic(void)
{
    quiesce();
    apic_enable();
    uint32_t per10 = calibrate();
    uint32_t before = hits[VEC_TIMER];
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, per10 / PERIOD_DIVISOR);
    cpu_sti();
    delay_ms(PERIODIC_MS);
    cpu_cli();
    uint32_t c1 = lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_PERIODIC | VEC_TIMER);
    uint32_t n = hits[VEC_TIMER] - before;
    lapic_write(LAPIC_TIMER_INIT, 0);
    tap_note("%u interrupts in %u ms at a period of %u ticks", n, PERIODIC_MS,
             per10 / PERIOD_DIVISOR);
    if (n < PERIODIC_MIN || n > PERIODIC_MAX)
        return tap_fail("%u interrupts", n);
    if (c1 == 0 || c1 > per10 / PERIOD_DIVISOR)
        return tap_fail("current count %u while running (reload %u)", c1,
                        per10 / PERIOD_DIVISOR);
    return TAP_PASS;
}

enum tap_outcome check_timer_deadline(void)
{
    if (!(cpuid(CPUID_LEAF_FEATURES).ecx & CPUID_1_ECX_TSC_DEADLINE))
        return tap_skip("CPUID.1:ECX[24] clear: no TSC-deadline mode");
    quiesce();
    apic_enable();
    uint64_t per10 =
        (tsc_ticks_in(CALIBRATE_LONG_MS) - tsc_ticks_in(CALIBRATE_MS)) / CALIBRATE_SPAN;
    uint32_t before = hits[VEC_TIMER];
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC_TIMER);
    wrmsr(MSR_TSC_DEADLINE, rdtsc() + per10 / PERIOD_DIVISOR);
    uint64_t armed = rdmsr(MSR_TSC_DEADLINE);
    cpu_sti();
    delay_ms(ONE_SHOT_WAIT_MS);
    cpu_cli();
    uint32_t n = hits[VEC_TIMER] - before;
    uint64_t after = rdmsr(MSR_TSC_DEADLINE);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    if (armed == 0 || n != 1 || after != 0)
        return tap_fail("MSR 0x%x%08x while armed, %u interrupts, MSR 0x%x%08x after",
                        (uint32_t)(armed >> 32), (uint32_t)armed, n, (uint32_t)(after >> 32),
                        (uint32_t)after);
    return TAP_PASS;
}

enum tap_outcome check_base_reserved_gp(void)
{
    if (!under_hvlab)
        return tap_skip("no hvlab: QEMU 7.2 TCG does not fault on these bits");
    if (cpuid(CPUID_LEAF_FEATURES).ecx & CPUID_1_ECX_X2APIC)
        return tap_skip("CPUID reports x2APIC");
    uint64_t base = rdmsr(MSR_APIC_BASE);
    gp_count = 0;
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_RSVD9);
    uint32_t after9 = gp_count;
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    uint64_t now = rdmsr(MSR_APIC_BASE);
    if (after9 != 1 || gp_count != 2 || now != base)
        return tap_fail("#GP %u then %u times; IA32_APIC_BASE 0x%08x, was 0x%08x", after9,
                        gp_count, (uint32_t)now, (uint32_t)base);
    return TAP_PASS;
}

enum tap_outcome check_base_relocated(void)
{
    if (!under_hvlab)
        return tap_skip("no hvlab: QEMU 7.2 TCG does not move the APIC page");
    quiesce();
    uint32_t version = lapic_read(LAPIC_VERSION), id = lapic_read(LAPIC_ID);
    wrmsr(MSR_APIC_BASE, APIC_BASE_MOVED | APIC_BASE_BSP | APIC_BASE_EN);
    lapic_base = APIC_BASE_MOVED;
    uint64_t moved = rdmsr(MSR_APIC_BASE);
    uint32_t v2 = lapic_read(LAPIC_VERSION), id2 = lapic_read(LAPIC_ID);
    lapic_write(LAPIC_TPR, TPR_MOVED);
    uint32_t tpr = lapic_read(LAPIC_TPR) & TPR_MASK;
    lapic_write(LAPIC_TPR, 0);
    wrmsr(MSR_APIC_BASE, APIC_BASE_EXPECTED);
    lapic_base = APIC_BASE_DEFAULT;
    uint32_t v3 = lapic_read(LAPIC_VERSION);
    if ((uint32_t)moved != (APIC_BASE_MOVED | APIC_BASE_BSP | APIC_BASE_EN))
        return tap_fail("IA32_APIC_BASE 0x%08x after the move", (uint32_t)moved);
    if (v2 != version || id2 != id || tpr != TPR_MOVED || v3 != version)
        return tap_fail("moved: version 0x%x ID 0x%x TPR 0x%x; back: version 0x%x", v2, id2,
                        tpr, v3);
    return TAP_PASS;
}

/* Last: it leaves the APIC reset. SDM: globally disabled, the CPU is one without an APIC,
 * so the 8259's INTR reaches it whatever LINT0 said. */
enum tap_outcome check_base_disabled(void)
{
    if (!under_hvlab)
        return tap_skip("no hvlab: QEMU 7.2 TCG keeps LINT0's mask on the PIC with the APIC "
                        "disabled, and cannot enable it again");
    quiesce();
    apic_enable();
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED | LVT_EXTINT);   /* the PIC is shut out... */
    wrmsr(MSR_APIC_BASE, APIC_BASE_DEFAULT | APIC_BASE_BSP); /* ...until the APIC is off */
    uint64_t off = rdmsr(MSR_APIC_BASE);
    uint32_t before = hits[VEC_PIC_IRQ0];
    pit_start_periodic(PIT_DIVISOR(1000));
    pic_unmask(PIC_IRQ_TIMER);
    cpu_sti();
    delay_ms(CALIBRATE_MS);
    cpu_cli();
    pic_mask(PIC_IRQ_TIMER);
    pit_stop();
    uint32_t n = hits[VEC_PIC_IRQ0] - before;
    wrmsr(MSR_APIC_BASE, APIC_BASE_EXPECTED);
    uint32_t svr = lapic_read(LAPIC_SVR) & SVR_BITS, lvt = lapic_read(LAPIC_LVT_TIMER);
    apic_enable();
    if ((uint32_t)off != (APIC_BASE_DEFAULT | APIC_BASE_BSP))
        return tap_fail("IA32_APIC_BASE 0x%08x after clearing EN", (uint32_t)off);
    if (n == 0)
        return tap_fail("no PIC IRQ 0 in %u ms with the APIC disabled", CALIBRATE_MS);
    if (svr != SVR_RESET || lvt != LVT_MASKED)
        return tap_fail("re-enabled: SVR 0x%x, LVT timer 0x%x", svr, lvt);
    return TAP_PASS;
}
