/*
 * regs.c - what the APIC checks share besides the registers' names: where the local
 * APIC is, the I/O APIC's index/data window, RDMSR, a self-IPI and the wait for it, the
 * quiet state each check starts from, and the setup before the first check.
 * Mode-independent: guest/apic and guest/conform64 both compile it.
 *
 * See: Intel SDM Vol. 3A, "Local Vector Table", "Task Priority Register (TPR)",
 *      "Interrupt Command Register (ICR)"; 82093AA datasheet, "IOREGSEL", "IOWIN".
 */
#include "apic.h"
#include "pic.h"
#include "pit.h"

#define LVT_REGS 4u
#define SPIN     100000u /* loops for an interrupt that should come at once */

bool under_hvlab;
uint32_t lapic_base = APIC_BASE_DEFAULT;

void apic_checks_prepare(bool hvlab)
{
    under_hvlab = hvlab;
    pic_remap(VEC_PIC_BASE, VEC_PIC_SLAVE); /* off the exception vectors; all masked */
}

void spin_for(uint8_t vector, uint32_t before)
{
    for (volatile uint32_t i = 0; i < SPIN && hits[vector] == before; i++)
        ;
}

void self_ipi(uint8_t vector)
{
    lapic_write(LAPIC_ICR_HIGH, 0);
    lapic_write(LAPIC_ICR_LOW, ICR_SHORTHAND_SELF | ICR_LEVEL_ASSERT | vector);
}

uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
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
