/*
 * vectors.c - what the handlers of the APIC checks' vectors do: count each one, note
 * the ISR bit and PPR an APIC vector sees in its handler, and end it (APIC EOI, or the
 * PIC's). The guest's IDT calls apic_checks_vector() from every vector from 0x20 up
 * (guest/apic: apic/traps.c, 32-bit gates; guest/conform64: conform64/trap.c).
 *
 * See: Intel SDM Vol. 3A, "End-Of-Interrupt (EOI) Register", "Spurious Interrupt";
 *      8259A datasheet, "End of Interrupt".
 */
#include "apic.h"
#include "idt.h"
#include "pic.h"

volatile uint32_t hits[256];
volatile uint32_t isr_seen, ppr_seen, gp_count;
volatile bool eoi_in_handler = true;

/* An APIC vector: count it, note its ISR bit and PPR as the handler sees them, EOI. */
static void apic_vector(uint8_t vector)
{
    hits[vector]++;
    isr_seen = lapic_bank_bit(LAPIC_ISR, vector);
    ppr_seen = lapic_read(LAPIC_PPR);
    if (eoi_in_handler)
        lapic_write(LAPIC_EOI, 0);
}

/* A PIC vector: count it and EOI the PIC (IRQ 7/15 may be spurious: no EOI for those
 * the PIC did not put in service, which only matters for the count). */
static void pic_vector(uint8_t vector)
{
    hits[vector]++;
    pic_eoi(vector - VEC_PIC_BASE);
}

bool apic_checks_vector(uint8_t vector)
{
    switch (vector) {
    case VEC_TIMER:
    case VEC_LOW:
    case VEC_IOAPIC_PIT:
    case VEC_HIGH:
    case VEC_HIGH2: apic_vector(vector); return true;
    case VEC_SPURIOUS: /* no ISR bit is set for it, so no EOI ("Spurious Interrupt") */
        hits[vector]++;
        return true;
    default:
        if (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + IDT_IRQ_VECTORS) {
            pic_vector(vector);
            return true;
        }
        return false;
    }
}
