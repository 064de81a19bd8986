/*
 * ioapic.c - checks of the I/O APIC and of the 8259's path through LVT LINT0: the ID and
 * version registers, a redirection entry routing the PIT's IRQ 0 (pin 2) to a vector,
 * masking it; the PIC's IRQ 0 blocked and passed by LINT0's mask in ExtINT mode.
 *
 * See: 82093AA datasheet, "IOAPICID", "IOAPICVER", "IOREDTBL[23:0]"; Intel SDM Vol. 3A,
 *      "Local Vector Table" (ExtINT); ACPI, "Interrupt Source Override Structure".
 */
#include "apic.h"
#include "pic.h"
#include "pit.h"

#define TICK_HZ         1000u
#define WINDOW_MS       20u /* 20 PIT periods */
#define EXTINT_MS       10u
#define MIN_ROUTED      5u /* of 20 */
#define MAX_AFTER_MASK  1u /* one may have been on its way */
#define ID_TEST         5u
#define VERSION_82093AA 0x11u
#define VERSION_ICH     0x20u
#define VERSION_MASK    0xFFu

static uint8_t rte_low(unsigned pin) { return (uint8_t)(IOAPIC_REG_REDTBL + 2 * pin); }

static void apic_on(void) { lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS); }

/* PIT at 1 kHz for `ms` with IF = 1; returns how often `vector` came. */
static uint32_t ticks_for(uint8_t vector, unsigned ms)
{
    uint32_t before = hits[vector];
    pit_start_periodic(PIT_DIVISOR(TICK_HZ));
    cpu_sti();
    delay_ms(ms);
    cpu_cli();
    pit_stop();
    return hits[vector] - before;
}

enum tap_outcome check_extint_lint0(void)
{
    quiesce();
    apic_on();
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED | LVT_EXTINT);
    pic_unmask(PIC_IRQ_TIMER);
    uint32_t masked = ticks_for(VEC_PIC_IRQ0, EXTINT_MS);
    lapic_write(LAPIC_LVT_LINT0, LVT_EXTINT);
    uint32_t open = ticks_for(VEC_PIC_IRQ0, EXTINT_MS);
    pic_mask(PIC_IRQ_TIMER);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED | LVT_EXTINT);
    /* Unmasking may deliver the one request the PIC held: more than one needs the path. */
    if (masked != 0 || open < 2)
        return tap_fail("IRQ 0 at vector 0x%x: %u with LINT0 masked, %u with ExtINT open",
                        VEC_PIC_IRQ0, masked, open);
    return TAP_PASS;
}

enum tap_outcome check_ioapic_id_version(void)
{
    quiesce();
    uint32_t id = ioapic_read(IOAPIC_REG_ID);
    ioapic_write(IOAPIC_REG_ID, ID_TEST << IOAPIC_ID_SHIFT);
    uint32_t test = (ioapic_read(IOAPIC_REG_ID) >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
    ioapic_write(IOAPIC_REG_ID, id);
    uint32_t version = ioapic_read(IOAPIC_REG_VER);
    uint32_t v = version & VERSION_MASK;
    tap_note("IOAPICID 0x%08x, IOAPICVER 0x%08x", id, version);
    if (test != ID_TEST)
        return tap_fail("wrote ID %u, read %u", ID_TEST, test);
    if ((v != VERSION_82093AA && v != VERSION_ICH) ||
        IOAPIC_MAX_ENTRY(version) != IOAPIC_PINS - 1)
        return tap_fail("IOAPICVER 0x%08x", version);
    return TAP_PASS;
}

/* Pin 2 -> VEC_IOAPIC_PIT: fixed, physical destination this APIC, edge, active high. */
static void route_pit(bool masked)
{
    uint32_t id = lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
    ioapic_write(rte_low(IOAPIC_PIT_PIN) + 1, id << 24);
    ioapic_write(rte_low(IOAPIC_PIT_PIN), VEC_IOAPIC_PIT | (masked ? RTE_MASKED : 0));
}

enum tap_outcome check_ioapic_pit_routed(void)
{
    quiesce();
    apic_on();
    route_pit(false);
    uint32_t entry = ioapic_read(rte_low(IOAPIC_PIT_PIN));
    uint32_t n = ticks_for(VEC_IOAPIC_PIT, WINDOW_MS);
    route_pit(true);
    if (entry != VEC_IOAPIC_PIT)
        return tap_fail("entry reads 0x%08x", entry);
    if (n < MIN_ROUTED)
        return tap_fail("%u interrupts at vector 0x%x in %u ms of PIT at %u Hz", n,
                        VEC_IOAPIC_PIT, WINDOW_MS, TICK_HZ);
    tap_note("%u interrupts in %u ms", n, WINDOW_MS);
    return TAP_PASS;
}

enum tap_outcome check_ioapic_mask(void)
{
    quiesce();
    apic_on();
    route_pit(false);
    uint32_t open = ticks_for(VEC_IOAPIC_PIT, WINDOW_MS);
    route_pit(true);
    uint32_t entry = ioapic_read(rte_low(IOAPIC_PIT_PIN));
    uint32_t masked = ticks_for(VEC_IOAPIC_PIT, WINDOW_MS);
    if (open < MIN_ROUTED)
        return tap_fail("unmasked: %u interrupts", open);
    if (masked > MAX_AFTER_MASK || entry != (VEC_IOAPIC_PIT | RTE_MASKED))
        return tap_fail("masked (entry 0x%08x): %u interrupts", entry, masked);
    return TAP_PASS;
}
