/*
 * apic64.c - the local APIC and I/O APIC checks of guest/apic, run in 64-bit mode: the
 * glue apic_checks.h asks of a guest (its interrupts reach apic_checks_vector() through
 * trap.c; here WRMSR's #GP), and the one APIC check only 64-bit mode has: CR8, the
 * task-priority register's architectural alias.
 *
 * CR8[3:0] is TPR[7:4]: a MOV to CR8 sets TPR[7:4] and clears TPR[3:0]; a MOV from CR8
 * reads TPR[7:4]; so CR8 holds back interrupts of a class at or below it like the TPR.
 *
 * See: Intel SDM Vol. 3A, "Interaction of Task Priorities between CR8 and APIC", "Task
 *      Priority Register (TPR)"; AMD APM Vol. 2, "CR8 (Task Priority Register, TPR)".
 */
#include "../apic/apic.h"
#include "conform64.h"
#include "idt.h"

#define CR8_CLASS_SHIFT 4u    /* CR8[3:0] = TPR[7:4] */
#define CR8_WRITTEN     0x9u  /* MOV to CR8: TPR then reads 0x90 */
#define TPR_WRITTEN     0x5Au /* TPR by MMIO: CR8 then reads 0x5 */
#define CR8_HOLDS_LOW   0x5u  /* class 5: holds VEC_LOW (class 4) back */
#define TPR_MASK        0xFFu

/* WRMSR for the shared checks: a #GP (the reserved-bit check wants two) counts in
 * gp_count and the write is skipped, as guest/apic's #GP handler does. */
void wrmsr(uint32_t msr, uint64_t value)
{
    if (!wrmsr_ok(msr, value) && trap_fault.vector == EXC_GP)
        gp_count++;
}

static inline uint64_t read_cr8(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr8, %0" : "=r"(v));
    return v;
}

static inline void write_cr8(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr8" ::"r"(v) : "memory");
}

enum tap_outcome check_cr8_tpr(void)
{
    quiesce();
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
    write_cr8(CR8_WRITTEN);
    uint32_t tpr = lapic_read(LAPIC_TPR) & TPR_MASK;
    lapic_write(LAPIC_TPR, TPR_WRITTEN);
    uint64_t cr8 = read_cr8();
    write_cr8(0);
    uint32_t tpr0 = lapic_read(LAPIC_TPR) & TPR_MASK;

    write_cr8(CR8_HOLDS_LOW); /* class 5 holds the class-4 vector in IRR... */
    uint32_t before = hits[VEC_LOW];
    cpu_sti();
    self_ipi(VEC_LOW);
    spin_for(VEC_LOW, before);
    uint32_t held = hits[VEC_LOW] - before;
    bool irr = lapic_bank_bit(LAPIC_IRR, VEC_LOW);
    write_cr8(0); /* ...until CR8 is lowered */
    spin_for(VEC_LOW, before);
    cpu_cli();
    uint32_t n = hits[VEC_LOW] - before;

    if (tpr != CR8_WRITTEN << CR8_CLASS_SHIFT)
        return tap_fail("CR8 = 0x%x: TPR reads 0x%x, expected 0x%x", CR8_WRITTEN, tpr,
                        CR8_WRITTEN << CR8_CLASS_SHIFT);
    if (cr8 != TPR_WRITTEN >> CR8_CLASS_SHIFT || tpr0 != 0)
        return tap_fail("TPR = 0x%x: CR8 reads %s, expected 0x%x; CR8 = 0: TPR 0x%x",
                        TPR_WRITTEN, x64(cr8), TPR_WRITTEN >> CR8_CLASS_SHIFT, tpr0);
    if (held || !irr)
        return tap_fail("CR8 = 0x%x, vector 0x%x: %u delivered, IRR bit %u", CR8_HOLDS_LOW,
                        VEC_LOW, held, irr);
    if (n != 1)
        return tap_fail("%u interrupts at vector 0x%x after CR8 = 0", n, VEC_LOW);
    return TAP_PASS;
}
