/*
 * apic - a guest that checks, one TAP line per check, the local APIC (xAPIC) and the
 * I/O APIC hvlab gives each VM: IA32_APIC_BASE, ID and version, SVR, TPR/PPR, self-IPIs,
 * EOI and ISR, the APIC timer (one-shot, periodic, TSC-deadline), ExtINT through LINT0,
 * the I/O APIC routing the PIT, and IA32_APIC_BASE's reserved bits, relocation and global
 * disable. Bare under QEMU (`qemu-system-x86_64 -kernel build/guest/apic.elf`) the same
 * checks run against QEMU's own APIC and I/O APIC, which validates the guest's side;
 * the few that QEMU 7.2 does not model as the SDM says are skipped there (each says why).
 * Time is measured with PIT channel 2 (pit2.c), never against the host's speed.
 * Ends with status 0 (no "not ok") or 1 on the debug-exit port.
 */
#include "apic.h"
#include "cpuid.h"
#include "debug_exit.h"
#include "hypercall.h"
#include "io.h"
#include "pic.h"
#include "pit.h"
#include "print.h"
#include "str.h"
#include "uart.h"

#define STATUS_OK     0
#define STATUS_FAILED 1
#define LVT_REGS      4u

bool under_hvlab;
uint32_t lapic_base = APIC_BASE_DEFAULT;

uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* Exactly the two bytes 0F 30, so the #GP handler (traps.c) can step over them. */
void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile(".byte 0x0f, 0x30"
                     :
                     : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

uint32_t ioapic_read(uint8_t index)
{
    mmio_write(IOAPIC_BASE + IOAPIC_IOREGSEL, index);
    return mmio_read(IOAPIC_BASE + IOAPIC_IOWIN);
}

void ioapic_write(uint8_t index, uint32_t value)
{
    mmio_write(IOAPIC_BASE + IOAPIC_IOREGSEL, index);
    mmio_write(IOAPIC_BASE + IOAPIC_IOWIN, value);
}

void quiesce(void)
{
    static const uint32_t lvts[LVT_REGS] = {LAPIC_LVT_TIMER, LAPIC_LVT_LINT0, LAPIC_LVT_LINT1,
                                            LAPIC_LVT_ERROR};
    cpu_cli();
    pic_set_mask(PIC_MASK_ALL);
    pit_stop();
    if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_EN))
        return;
    for (unsigned i = 0; i < LVT_REGS; i++)
        lapic_write(lvts[i], LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_TPR, 0);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        ioapic_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin), RTE_MASKED);
    /* Whatever is still in service (a check that failed half way) is ended. */
    for (unsigned i = 0; i < 8 && lapic_read(LAPIC_PPR) >= 0x10; i++)
        lapic_write(LAPIC_EOI, 0);
}

static const struct tap_check checks[] = {
    {"apic: IA32_APIC_BASE is 0xfee00900 (base 0xfee00000, BSP, enabled), CPUID.1:EDX[9] set",
     check_apic_base_msr},
    {"apic: ID is CPUID.1:EBX[31:24]; version 0x1X with at least 6 LVT entries",
     check_apic_id_version},
    {"apic: SVR software enable and spurious vector read back", check_apic_svr},
    {"apic: TPR reads back, PPR = TPR with nothing in service", check_apic_tpr_ppr},
    {"apic: self-IPI (fixed, shorthand self) delivered at its vector, ISR set, EOI clears it",
     check_self_ipi},
    {"apic: self-IPI with IF = 0 waits in IRR, taken at sti", check_self_ipi_masked_by_if},
    {"apic: TPR above the vector's class holds it in IRR, lowering TPR delivers it",
     check_tpr_blocks},
    {"apic: in service, PPR is the vector's class; same class waits for EOI", check_eoi_isr},
    {"timer: one-shot fires once, current count counts down to 0", check_timer_one_shot},
    {"timer: periodic at a PIT-calibrated 2 ms: 25 interrupts in 50 ms, within 12-40",
     check_timer_periodic},
    {"timer: TSC-deadline mode fires once after the deadline, the MSR then reads 0",
     check_timer_deadline},
    {"extint: PIC IRQ 0 not delivered with LINT0 masked, delivered with LINT0 ExtINT",
     check_extint_lint0},
    {"ioapic: ID register writable (bits 27:24); version 0x11 or 0x20, 24 entries",
     check_ioapic_id_version},
    {"ioapic: pin 2 routed to vector 0x52 delivers the PIT's IRQ 0 (PIC masked)",
     check_ioapic_pit_routed},
    {"ioapic: masking pin 2 stops it", check_ioapic_mask},
    {"apic: IA32_APIC_BASE bit 9 and EXTD (no x2APIC in CPUID) raise #GP, value kept",
     check_base_reserved_gp},
    {"apic: relocated to 0xfed00000, the registers answer there; moved back",
     check_base_relocated},
    {"apic: globally disabled the PIC reaches the CPU; re-enabled, registers at reset",
     check_base_disabled},
};

#define CHECK_COUNT (sizeof(checks) / sizeof(checks[0]))

static void detect_hvlab(void)
{
    char signature[HV_SIGNATURE_LEN];
    struct cpuid_regs r = cpuid(HV_CPUID_BASE);
    memcpy(signature + 0, &r.ebx, 4);
    memcpy(signature + 4, &r.ecx, 4);
    memcpy(signature + 8, &r.edx, 4);
    under_hvlab = mem_equal(signature, HV_SIGNATURE_HVLAB, HV_SIGNATURE_LEN);
}

/* Entry from boot.S: interrupts off, paging off. */
void guest_main(uint32_t magic, const void *mbi)
{
    (void)magic;
    (void)mbi;
    uart_init();
    traps_init();
    detect_hvlab();
    pic_remap(VEC_PIC_BASE, VEC_PIC_SLAVE);
    kprintf("# apic: local APIC and I/O APIC checks (%s)\n",
            under_hvlab ? "under hvlab" : "no hvlab");
    struct tap_summary sum = tap_run(checks, CHECK_COUNT);
    quiesce();
    kprintf("# apic: %u passed, %u failed, %u skipped\n", sum.passed, sum.failed, sum.skipped);
    uart_flush();
    debug_exit(sum.failed == 0 ? STATUS_OK : STATUS_FAILED);
}
