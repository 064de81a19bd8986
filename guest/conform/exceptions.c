/*
 * exceptions.c - exceptions reach the guest's own IDT: one the CPU raises by itself
 * (#GP on a bad selector), and the ones hvlab must inject: #GP for an MSR outside its
 * allow-list (hypervisor/msr_policy.c), #UD for VMXON and VMRUN (no nested
 * virtualization). Each handler run is checked for vector, error code and the EIP of the
 * faulting instruction; trap.c then resumes after it.
 *
 * See: Intel SDM Vol. 3A, "Exception and Interrupt Reference" ("Interrupt 6—Invalid
 *      Opcode Exception (#UD)", "Interrupt 13—General Protection Exception (#GP)"),
 *      "Error Code"; Vol. 2B, "RDMSR—Read from Model Specific Register";
 *      Vol. 3C, "VMXON—Enter VMX Operation"; AMD APM Vol. 3, "VMRUN".
 */
#include "conform.h"
#include "idt.h"
#include "segment.h"

/* A selector far beyond the GDT's limit: MOV to a segment register raises #GP(selector). */
#define BAD_SELECTOR 0xFFF8 /* index 0x1FFF, TI = 0, RPL = 0 */

#define MSR_VM_HSAVE_PA    0xC0010117u /* AMD APM Vol. 2, "VM_HSAVE_PA MSR" */
#define MSR_IA32_VMX_BASIC 0x00000480u /* Intel SDM Vol. 4, IA32_VMX_BASIC */
#define VMXON_REGION_SIZE  4096
#define VMRUN_VMCB_SIZE    4096

/* Compare what trap.c recorded with one expected exception at `at`. */
static enum tap_outcome expect_fault(uint32_t vector, uint32_t error, uint32_t at)
{
    trap_expect_nothing();
    if (trap_fault.count != 1)
        return tap_fail("no exception (expected vector %u at eip 0x%08x)", vector, at);
    if (trap_fault.vector != vector)
        return tap_fail("vector %u, expected %u", trap_fault.vector, vector);
    if (trap_fault.error != error)
        return tap_fail("error code 0x%x, expected 0x%x", trap_fault.error, error);
    if (trap_fault.eip != at)
        return tap_fail("saved eip 0x%08x, expected 0x%08x (the faulting instruction)",
                        trap_fault.eip, at);
    return TAP_PASS;
}

/* MOV FS, 0xFFF8: #GP with the selector as error code, raised by the CPU itself (no VM
 * exit): checks that the guest's IDT and this dispatcher work at all. FS is unchanged. */
enum tap_outcome check_exc_gp_bad_selector(void)
{
    uint32_t at;
    uint16_t fs;

    trap_expect_fault();
    __asm__ volatile(GUARDED("movw %w[sel], %%fs")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : [sel] "r"(BAD_SELECTOR)
                     : "memory");
    __asm__ volatile("movw %%fs, %0" : "=r"(fs));
    enum tap_outcome r = expect_fault(EXC_GP, BAD_SELECTOR, at);
    if (r == TAP_PASS && fs != GDT_SEL_DATA)
        return tap_fail("FS = 0x%04x after the fault, expected 0x%04x", fs, GDT_SEL_DATA);
    return r;
}

/* RDMSR of `msr`, which hvlab does not allow: #GP(0) injected at the RDMSR. */
static enum tap_outcome rdmsr_gp(uint32_t msr)
{
    uint32_t at, lo, hi;

    trap_expect_fault();
    __asm__ volatile(GUARDED("rdmsr")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at), "=a"(lo), "=d"(hi)
                     : "c"(msr)
                     : "memory");
    if (trap_fault.count == 0) {
        trap_expect_nothing();
        return tap_fail("rdmsr 0x%08x returned 0x%08x%08x, expected #GP", msr, hi, lo);
    }
    return expect_fault(EXC_GP, 0, at);
}

/* The AMD host save area MSR is the hypervisor's, not the guest's. Bare QEMU TCG reads
 * it (it emulates SVM): hvlab only. */
enum tap_outcome check_exc_gp_msr_hsave(void)
{
    REQUIRE_HVLAB();
    return rdmsr_gp(MSR_VM_HSAVE_PA);
}

/* The VMX capability MSRs are hidden along with VMX. Bare QEMU TCG returns 0 for MSRs it
 * does not know, without #GP: hvlab only. */
enum tap_outcome check_exc_gp_msr_vmx_basic(void)
{
    REQUIRE_HVLAB();
    return rdmsr_gp(MSR_IA32_VMX_BASIC);
}

/* VMXON: #UD (CR4.VMXE is 0 in the guest's view; under VT-x hvlab must inject it, since
 * VMXON always exits). Bare: #UD from the CPU. */
enum tap_outcome check_exc_ud_vmxon(void)
{
    static uint8_t region[VMXON_REGION_SIZE] __attribute__((aligned(VMXON_REGION_SIZE)));
    static uint64_t pointer;
    uint32_t at;

    pointer = (uint32_t)(uintptr_t)region;
    trap_expect_fault();
    __asm__ volatile(GUARDED("vmxon %[ptr]")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : [ptr] "m"(pointer)
                     : "memory", "cc");
    return expect_fault(EXC_UD, 0, at);
}

/* VMRUN: #UD (EFER.SVME is 0 in the guest's view; under AMD-V hvlab intercepts VMRUN and
 * must inject it; on Intel the opcode does not exist). Bare: #UD from the CPU. */
enum tap_outcome check_exc_ud_vmrun(void)
{
    static uint8_t vmcb[VMRUN_VMCB_SIZE] __attribute__((aligned(VMRUN_VMCB_SIZE)));
    uint32_t at;

    trap_expect_fault();
    __asm__ volatile(GUARDED("vmrun")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : "a"((uint32_t)(uintptr_t)vmcb)
                     : "memory", "cc");
    return expect_fault(EXC_UD, 0, at);
}
