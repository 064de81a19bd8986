/*
 * svm_enable.c - turn AMD-V on for this CPU: from "CPUID says SVM" to EFER.SVME = 1.
 * See: AMD APM Vol. 2, "Enabling SVM", "SVM Related MSRs" (VM_CR, VM_HSAVE_PA) and
 * "Nested Paging"; APM Vol. 3, "CPUID Fn8000_000A".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "boot/boot_options.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/memory.h"
#include "hypervisor/lab.h"

#define CPUID_LEAF_ADDRESS_SIZES 0x80000008u /* EAX[7:0]: physical-address bits */
#define PHYS_BITS_MASK           0xFFu
#define SVM_REVISION_MASK        0xFFu

struct svm_caps svm_caps;

/* VM_CR.SVMDIS set means EFER.SVME cannot be set. With VM_CR.LOCK the firmware fixed it
 * (or an SVM-lock key guards it): either way only the firmware setup can change it.
 * See: "Enabling SVM" (the pseudocode there) and "VM_CR MSR". */
static int check_vm_cr(char *why, size_t why_len)
{
    uint64_t vm_cr = rdmsr(MSR_VM_CR);
    if (!(vm_cr & VM_CR_SVMDIS))
        return 0;
    if (svm_caps.features & CPUID_SVM_EDX_SVML)
        return FAIL_WHY("AMD-V disabled by firmware: VM_CR.SVMDIS = 1 (VM_CR 0x%lx), SVM lock "
                        "present; enable SVM in the firmware setup",
                        (unsigned long)vm_cr);
    return FAIL_WHY("AMD-V disabled by firmware: VM_CR.SVMDIS = 1 (VM_CR 0x%lx); enable SVM "
                    "(\"SVM mode\") in the firmware setup",
                    (unsigned long)vm_cr);
}

/* Read back what svm_enable() wrote. QEMU TCG runs without any of it; real hardware does
 * not: VMRUN saves hvlab's state wherever VM_HSAVE_PA points (address 0 if unwritten),
 * SVM instructions raise #UD with EFER.SVME clear, and hvlab runs in long mode (LME). */
static int check_svm_on(const void *hsave, char *why, size_t why_len)
{
    uint64_t hsave_pa = rdmsr(MSR_VM_HSAVE_PA), efer = rdmsr(MSR_IA32_EFER);
    if (hsave_pa != (uint64_t)(uintptr_t)hsave)
        return FAIL_WHY("VM_HSAVE_PA is 0x%lx, not the host save area at 0x%lx: VMRUN would "
                        "save hvlab's state there",
                        (unsigned long)hsave_pa, (unsigned long)(uintptr_t)hsave);
    if (!(efer & EFER_SVME))
        return FAIL_WHY(
            "EFER.SVME is clear (EFER 0x%lx): every SVM instruction would raise #UD",
            (unsigned long)efer);
    if (!(efer & EFER_LME))
        return FAIL_WHY("EFER.LME is clear (EFER 0x%lx): the write dropped long mode, which "
                        "hvlab runs in (set SVME with a read-modify-write)",
                        (unsigned long)efer);
    return 0;
}

int svm_enable(char *why, size_t why_len)
{
    /* See: "Enabling SVM": CPUID Fn8000_0001_ECX[SVM]. */
    if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax < CPUID_LEAF_SVM_FEATURES ||
        !(cpuid(CPUID_LEAF_EXT_FEATURES, 0).ecx & CPUID_80000001_ECX_SVM))
        return FAIL_WHY("this CPU does not support AMD-V (CPUID Fn8000_0001_ECX.SVM = 0)");

    struct cpuid_regs f = cpuid(CPUID_LEAF_SVM_FEATURES, 0);
    svm_caps.revision = f.eax & SVM_REVISION_MASK;
    svm_caps.asids = f.ebx;
    svm_caps.features = f.edx;
    svm_caps.phys_bits = cpuid(CPUID_LEAF_ADDRESS_SIZES, 0).eax & PHYS_BITS_MASK;
    if (!(svm_caps.features & CPUID_SVM_EDX_NP))
        return FAIL_WHY("AMD-V without nested paging (CPUID Fn8000_000A_EDX.NP = 0): hvlab "
                        "runs its guests with paging off and needs nested page tables");
    /* ASID 0 is the host's; VMs that run at the same time have ASIDs 1..BOOT_GROUP_MAX. */
    if (svm_caps.asids <= BOOT_GROUP_MAX)
        return FAIL_WHY("AMD-V reports %u ASIDs: hvlab needs %u (0 for the host, one per "
                        "VM that runs at the same time)",
                        svm_caps.asids, BOOT_GROUP_MAX + 1);
    if (check_vm_cr(why, why_len) != 0)
        return -1;

    /* The host save area: VMRUN stores hvlab's state there and #VMEXIT reloads it. One
     * 4 KiB-aligned page, its format is the CPU's own. See: "VM_HSAVE_PA MSR". */
    void *hsave = pages_alloc(1, 1, "SVM host save area");
    if (!hsave)
        return FAIL_WHY("no memory for the SVM host save area");
    /* LAB svm-1 BEGIN: VM_HSAVE_PA and EFER.SVME in svm_enable() */
    wrmsr(MSR_VM_HSAVE_PA, (uint64_t)(uintptr_t)hsave);

    /* EFER.SVME makes VMRUN & co. legal; with SVMDIS clear the write is allowed. */
    wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | EFER_SVME);
    /* LAB svm-1 END */
    if (check_svm_on(hsave, why, why_len) != 0)
        return -1;
    log_info("AMD-V enabled: EFER.SVME set, SVM revision %u, %u ASIDs, nested paging, "
             "NRIP save %s",
             svm_caps.revision, svm_caps.asids,
             (svm_caps.features & CPUID_SVM_EDX_NRIPS) ? "yes" : "no (next RIP computed)");
    return 0;
}
