/*
 * lapic.c - the host local APIC's timer (see lapic.h).
 * Register offsets and bits: Intel SDM Vol. 3A, "Local APIC Register Address Map" and
 * "APIC Timer"; the same layout on AMD (APM Vol. 2, "APIC Registers").
 */
#include "arch/x86_64/lapic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/tsc.h"
#include "hypervisor/console.h"
#include "hypervisor/muldiv.h"

#define CPUID_1_EDX_APIC       (1u << 9)    /* an on-chip APIC exists */
#define APIC_BASE_ENABLE       (1ull << 11) /* IA32_APIC_BASE: APIC global enable */
#define APIC_BASE_X2APIC       (1ull << 10) /* IA32_APIC_BASE: x2APIC mode */
#define APIC_BASE_ADDR_MASK    0x000FFFFFFFFFF000ull
#define X2APIC_MSR_BASE        0x800u /* x2APIC: MSR 0x800 + (MMIO offset >> 4) */
#define APIC_REG_EOI           0x0B0u
#define APIC_REG_SVR           0x0F0u /* spurious-interrupt vector register */
#define APIC_REG_LVT_TIMER     0x320u
#define APIC_REG_TIMER_INITIAL 0x380u
#define APIC_REG_TIMER_CURRENT 0x390u
#define APIC_REG_TIMER_DIVIDE  0x3E0u
#define APIC_SVR_ENABLE        (1u << 8)  /* APIC software enable */
#define APIC_LVT_MASKED        (1u << 16) /* LVT: interrupt masked; timer mode 00 = one-shot */
#define APIC_TIMER_DIVIDE_BY_1 0xBu       /* divide configuration 1011b */
#define CALIBRATION_DIVISOR    100u       /* measure over 1/100 s */
#define APIC_COUNT_MAX         0xFFFFFFFFu

static struct {
    volatile uint32_t *mmio; /* xAPIC registers, or NULL in x2APIC mode */
    uint64_t apic_hz, tsc_hz;
    uint64_t interrupts;
} lapic;

static uint32_t reg_read(uint32_t offset)
{
    if (lapic.mmio)
        return lapic.mmio[offset / sizeof(uint32_t)];
    return (uint32_t)rdmsr(X2APIC_MSR_BASE + (offset >> 4));
}

static void reg_write(uint32_t offset, uint32_t value)
{
    if (lapic.mmio)
        lapic.mmio[offset / sizeof(uint32_t)] = value;
    else
        wrmsr(X2APIC_MSR_BASE + (offset >> 4), value);
}

bool lapic_timer_init(uint64_t tsc_hz)
{
    struct cpuid_regs id = cpuid(1, 0);
    if (!(id.edx & CPUID_1_EDX_APIC) || tsc_hz == 0) {
        log_warn("no local APIC (or no TSC rate): no host time source under AMD-V");
        return false;
    }
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE)) {
        log_warn("local APIC disabled by firmware: no host time source under AMD-V");
        return false;
    }
    /* UEFI identity-maps the APIC page; hvlab keeps the firmware's page tables. */
    lapic.mmio = (base & APIC_BASE_X2APIC)
                     ? 0
                     : (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
    lapic.tsc_hz = tsc_hz;
    reg_write(APIC_REG_SVR, APIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    reg_write(APIC_REG_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
    reg_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | LAPIC_TIMER_VECTOR);

    /* Count down from the top for 10 ms of TSC time (masked: no interrupt). */
    reg_write(APIC_REG_TIMER_INITIAL, APIC_COUNT_MAX);
    uint64_t start = rdtsc();
    while (rdtsc() - start < tsc_hz / CALIBRATION_DIVISOR)
        cpu_relax();
    uint32_t left = reg_read(APIC_REG_TIMER_CURRENT);
    reg_write(APIC_REG_TIMER_INITIAL, 0);
    lapic.apic_hz = (uint64_t)(APIC_COUNT_MAX - left) * CALIBRATION_DIVISOR;
    if (lapic.apic_hz == 0) {
        log_warn("local APIC timer does not count: no host time source under AMD-V");
        return false;
    }
    reg_write(APIC_REG_LVT_TIMER, LAPIC_TIMER_VECTOR); /* one-shot, unmasked */
    log_info("local APIC timer: %lu kHz (%s mode), vector 0x%x",
             (unsigned long)(lapic.apic_hz / 1000), lapic.mmio ? "xAPIC" : "x2APIC",
             LAPIC_TIMER_VECTOR);
    return true;
}

void lapic_timer_arm(uint64_t tsc_ticks)
{
    uint64_t count = muldiv_floor(tsc_ticks, lapic.apic_hz, lapic.tsc_hz);
    if (count == 0)
        count = 1; /* 0 would stop the timer */
    reg_write(APIC_REG_TIMER_INITIAL,
              count > APIC_COUNT_MAX ? APIC_COUNT_MAX : (uint32_t)count);
}

void lapic_timer_stop(void) { reg_write(APIC_REG_TIMER_INITIAL, 0); }

void lapic_timer_interrupt(void)
{
    lapic.interrupts++;
    reg_write(APIC_REG_EOI, 0);
}

uint64_t lapic_timer_interrupts(void) { return lapic.interrupts; }
