/*
 * apic_checks.h - the local APIC and I/O APIC checks as a guest runs them: their list
 * (names as the TAP lines print them) and what the guest running them must provide.
 * Two guests run them: guest/apic (32-bit) and guest/conform64 (64-bit mode).
 *
 * The guest running the checks must:
 *   - call apic_checks_prepare() once, before the first check (remaps the 8259 pair);
 *   - give every vector from 0x20 to 0xFF an interrupt gate (IF = 0 in the handler) whose
 *     handler calls apic_checks_vector(), and treat a false return as unexpected;
 *   - define wrmsr() (apic.h): a #GP is counted in gp_count and the write skipped.
 * The checks leave the APIC enabled with its registers at reset (check_base_disabled is
 * last), the PIC and every LVT and I/O APIC entry masked.
 *
 * This header does not depend on apic.h, so a guest's own headers (other MSR helpers,
 * say) can live beside it.
 */
#ifndef GUEST_APIC_CHECKS_H
#define GUEST_APIC_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "tap.h"

/* X(function, name): the checks in the order they run. */
#define APIC_CHECKS(X)                                                                         \
    X(check_apic_base_msr, "apic: IA32_APIC_BASE is 0xfee00900 (base 0xfee00000, BSP, "        \
                           "enabled), CPUID.1:EDX[9] set")                                     \
    X(check_apic_id_version,                                                                   \
      "apic: ID is CPUID.1:EBX[31:24]; version 0x1X with at least 6 LVT entries")              \
    X(check_apic_svr, "apic: SVR software enable and spurious vector read back")               \
    X(check_apic_tpr_ppr, "apic: TPR reads back, PPR = TPR with nothing in service")           \
    X(check_self_ipi, "apic: self-IPI (fixed, shorthand self) delivered at its vector, ISR "   \
                      "set, EOI clears it")                                                    \
    X(check_self_ipi_masked_by_if, "apic: self-IPI with IF = 0 waits in IRR, taken at sti")    \
    X(check_tpr_blocks,                                                                        \
      "apic: TPR above the vector's class holds it in IRR, lowering TPR delivers it")          \
    X(check_eoi_isr, "apic: in service, PPR is the vector's class; same class waits for EOI")  \
    X(check_timer_one_shot, "timer: one-shot fires once, current count counts down to 0")      \
    X(check_timer_periodic,                                                                    \
      "timer: periodic at a PIT-calibrated 2 ms repeats and reloads: 2-40 IRQs in 50 ms")      \
    X(check_timer_deadline,                                                                    \
      "timer: TSC-deadline mode fires once after the deadline, the MSR then reads 0")          \
    X(check_extint_lint0,                                                                      \
      "extint: PIC IRQ 0 not delivered with LINT0 masked, delivered with LINT0 ExtINT")        \
    X(check_ioapic_id_version,                                                                 \
      "ioapic: ID register writable (bits 27:24); version 0x11 or 0x20, 24 entries")           \
    X(check_ioapic_pit_routed,                                                                 \
      "ioapic: pin 2 routed to vector 0x52 delivers the PIT's IRQ 0 (PIC masked)")             \
    X(check_ioapic_mask, "ioapic: masking pin 2 stops it")                                     \
    X(check_base_reserved_gp,                                                                  \
      "apic: IA32_APIC_BASE bit 9 and EXTD (no x2APIC in CPUID) raise #GP, value kept")        \
    X(check_base_relocated,                                                                    \
      "apic: relocated to 0xfed00000, the registers answer there; moved back")                 \
    X(check_base_disabled,                                                                     \
      "apic: globally disabled the PIC reaches the CPU; re-enabled, registers at reset")

/* lapic.c */
enum tap_outcome check_apic_base_msr(void);
enum tap_outcome check_apic_id_version(void);
enum tap_outcome check_apic_svr(void);
enum tap_outcome check_apic_tpr_ppr(void);
enum tap_outcome check_self_ipi(void);
enum tap_outcome check_self_ipi_masked_by_if(void);
enum tap_outcome check_tpr_blocks(void);
enum tap_outcome check_eoi_isr(void);
enum tap_outcome check_timer_one_shot(void);
enum tap_outcome check_timer_periodic(void);
enum tap_outcome check_timer_deadline(void);
enum tap_outcome check_base_reserved_gp(void);
enum tap_outcome check_base_relocated(void);
enum tap_outcome check_base_disabled(void);
/* ioapic.c */
enum tap_outcome check_extint_lint0(void);
enum tap_outcome check_ioapic_id_version(void);
enum tap_outcome check_ioapic_pit_routed(void);
enum tap_outcome check_ioapic_mask(void);

/* regs.c: before the first check; hvlab: CPUID leaf 0x40000000 says "hvlab" (the
 * checks of what QEMU 7.2 TCG does not model skip without it). */
void apic_checks_prepare(bool hvlab);

/* regs.c: everything quiet (IF = 0, PIC and PIT channel 0 off, LVTs and I/O APIC entries
 * masked, TPR 0, nothing in service): each check starts so, the guest ends so. */
void quiesce(void);

/* vectors.c: what the handler of `vector` does for the checks (count it; EOI the APIC or
 * the PIC); false if no check uses that vector. */
bool apic_checks_vector(uint8_t vector);

#endif /* GUEST_APIC_CHECKS_H */
