/*
 * apic_platform.h - the local APIC and the I/O APIC wired into the VM's platform
 * (virtual_platform.h): where their interrupts come from and where they go.
 *
 *   PIT IRQ 0 --------+--> 8259A pair --INTR--> LVT LINT0 (ExtINT) --\
 *   UART IRQ 4 --+----|--> ...                                        +--> core
 *                |    \--> I/O APIC pin 2 --message--> local APIC ----/
 *                \-------> I/O APIC pin 4 --message--/   (timer, self-IPIs)
 *
 * One vCPU per VM: one local APIC, ID 0, the BSP. Before each entry the core asks
 * vplatform_pending_vector(): a vector the local APIC would deliver goes first; else,
 * while LINT0 lets the 8259's INTR through (local_apic_extint_open: the reset state, so a
 * guest that never touches the APIC sees the PIC alone), the PIC's vector.
 *
 * Time: the APIC timer's input clock is the guest TSC divided by `tsc_per_apic_tick`,
 * chosen so the timer runs near VPLATFORM_APIC_TIMER_HZ (exactly tsc_hz / tsc_per_apic_tick,
 * or the TSC's own rate when the TSC is slower). CPUID does not enumerate it (leaf 0x15 is
 * hidden, cpuid_policy.c): a guest calibrates it, against the PIT as Linux does.
 * TSC-deadline mode is offered (CPUID.01H:ECX[24]); the guest's TSC is the host's.
 */
#ifndef HVLAB_APIC_PLATFORM_H
#define HVLAB_APIC_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct virtual_platform;

#define VPLATFORM_APIC_TIMER_HZ 100000000ull /* the nominal APIC timer input: 100 MHz */
#define VPLATFORM_BSP_APIC_ID   0u
#define VPLATFORM_APIC_NO_PIN   (-1)

/* Power-on state of both APICs; the timer's clock from the TSC rate `tsc_hz`. */
void vplatform_apic_reset(struct virtual_platform *vp, uint64_t tsc_hz);

/* The guest's MAXPHYADDR: IA32_APIC_BASE bits at and above it are reserved. */
void vplatform_apic_set_phys_bits(struct virtual_platform *vp, unsigned phys_addr_bits);

/* An ISA IRQ line's level also drives its I/O APIC pin (io_apic_isa_irq_pin). */
void vplatform_apic_isa_irq(struct virtual_platform *vp, unsigned isa_irq, bool level);

/* The APIC timer to `tsc`, and every waiting I/O APIC message into the local APIC. */
void vplatform_apic_update(struct virtual_platform *vp, uint64_t tsc);

/* Host TSC of the APIC timer's next expiry, or VPLATFORM_NO_DEADLINE. */
uint64_t vplatform_apic_deadline(const struct virtual_platform *vp);

/* Can ISA IRQ `irq` still reach the CPU: unmasked at the PIC with ExtINT open, or
 * unmasked at its I/O APIC pin? `blocked_too` also counts a request already waiting
 * (PIC IRR or ISR, or the pin's vector in the local APIC's IRR) as blocking. */
bool vplatform_isa_irq_open(const struct virtual_platform *vp, unsigned irq, bool blocked_too);

/* The vector the guest would take now (local APIC first, then the PIC through ExtINT),
 * or a negative number; and its INTA cycle. */
int vplatform_pending_vector(const struct virtual_platform *vp);
uint8_t vplatform_acknowledge(struct virtual_platform *vp);

/* Register-page accesses (offset in the page) and the level EOIs they cause. A write's
 * LAPIC_EVENT_* bits are returned for the caller (NMI, SMI or INIT IPIs to self). */
uint32_t vplatform_lapic_read(struct virtual_platform *vp, uint32_t offset, unsigned size,
                              uint64_t tsc);
uint32_t vplatform_lapic_write(struct virtual_platform *vp, uint32_t offset, unsigned size,
                               uint32_t value, uint64_t tsc);

/* IA32_APIC_BASE and IA32_TSC_DEADLINE: false means #GP. */
bool vplatform_apic_msr_read(struct virtual_platform *vp, uint32_t msr, uint64_t tsc,
                             uint64_t *value);
bool vplatform_apic_msr_write(struct virtual_platform *vp, uint32_t msr, uint64_t value,
                              uint64_t tsc);

#endif
