/*
 * lapic.h - the host's local APIC timer: hvlab's time source under AMD-V.
 *
 * AMD-V has no VMX-preemption timer. Instead, hvlab arms the local APIC timer in one-shot
 * mode before VMRUN; when it fires while the guest runs, the INTR intercept brings the
 * CPU back (#VMEXIT VMEXIT_INTR), and the interrupt is then taken by hvlab's own IDT
 * (lapic_timer_isr: EOI) once GIF is set again. xAPIC (MMIO) and x2APIC (MSR) modes.
 * See: Intel SDM Vol. 3A, "APIC Timer"; AMD APM Vol. 2, "Local APIC" / "APIC Timer".
 */
#ifndef HVLAB_ARCH_LAPIC_H
#define HVLAB_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_TIMER_VECTOR    0xF0u /* hvlab's own IDT: the timer interrupt */
#define LAPIC_SPURIOUS_VECTOR 0xFFu /* and the APIC's spurious interrupt (no EOI) */

/* Enable the APIC, program the timer (masked) and measure its rate against the TSC.
 * False, with a log line saying why, if there is no usable APIC. */
bool lapic_timer_init(uint64_t tsc_hz);

/* Fire once, `tsc_ticks` TSC ticks from now (at least one APIC tick). */
void lapic_timer_arm(uint64_t tsc_ticks);

/* Stop the timer (an interrupt already pending still arrives). */
void lapic_timer_stop(void);

/* Called by the interrupt stub (isr.S) for LAPIC_TIMER_VECTOR. */
void lapic_timer_interrupt(void);

/* Timer interrupts taken so far. */
uint64_t lapic_timer_interrupts(void);

#endif
