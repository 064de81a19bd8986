/*
 * vmx_enable.c - turn VT-x on for this CPU: from "CPUID says VMX" to VMXON.
 * See: SDM Vol. 3C, "Discovering Support for VMX", "Enabling and Entering VMX
 * Operation", "Restrictions on VMX Operation", and Appendix A, "Basic VMX Information".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vmx/vmx.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "arch/x86_64/vmx/vmx_instr.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/memory.h"
#include "hypervisor/lab.h"

struct vmx_caps vmx_caps;

/* IA32_FEATURE_CONTROL gates VMXON. Firmware usually locks it; if it left it unlocked
 * (Bochs does), hvlab enables VMXON outside SMX and locks it itself. */
static int enable_feature_control(char *why, size_t why_len)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if (fc & FEATURE_CONTROL_LOCK) {
        if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
            return FAIL_WHY("VT-x disabled by firmware: IA32_FEATURE_CONTROL is locked (0x%lx) "
                            "without 'VMXON outside SMX'; enable VT-x in the firmware setup",
                            (unsigned long)fc);
        log_debug("IA32_FEATURE_CONTROL locked by firmware, VMXON allowed (0x%lx)",
                  (unsigned long)fc);
        return 0;
    }
    fc |= FEATURE_CONTROL_VMXON_OUTSIDE_SMX | FEATURE_CONTROL_LOCK;
    wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
    log_info("IA32_FEATURE_CONTROL was unlocked: set 'VMXON outside SMX' and locked it");
    return 0;
}

/* CR0 and CR4 must obey the VMX-fixed bits before VMXON (Appendix A, "VMX-Fixed Bits in
 * CR0/CR4"); CR4.VMXE is one of them. A 64-bit host already has PE, PG and NE set. */
static void fix_control_registers(void)
{
    /* LAB vmx-1 BEGIN: fix_control_registers() */
    write_cr0(vmx_fixed_bits_apply(read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
    write_cr4(
        vmx_fixed_bits_apply(read_cr4() | CR4_VMXE, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));
    /* LAB vmx-1 END */
}

int vmx_enable(char *why, size_t why_len)
{
    /* See: "Discovering Support for VMX": CPUID.1:ECX.VMX[bit 5]. */
    if (!(cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_VMX))
        return FAIL_WHY("this CPU does not support VT-x (CPUID.1:ECX.VMX = 0)");

    vmx_caps.basic = rdmsr(MSR_IA32_VMX_BASIC);
    vmx_caps.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    vmx_caps.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    vmx_caps.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    vmx_caps.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    uint32_t revision = (uint32_t)(vmx_caps.basic & VMX_BASIC_REVISION_MASK);
    uint64_t region_size =
        (vmx_caps.basic >> VMX_BASIC_REGION_SIZE_SHIFT) & VMX_BASIC_REGION_SIZE_MASK;
    uint64_t memtype =
        (vmx_caps.basic >> VMX_BASIC_MEMORY_TYPE_SHIFT) & VMX_BASIC_MEMORY_TYPE_MASK;
    if (region_size > PAGE_SIZE)
        return FAIL_WHY("VMXON/VMCS regions of %lu bytes do not fit a page",
                        (unsigned long)region_size);
    if (memtype != VMX_BASIC_MEMORY_TYPE_WB)
        return FAIL_WHY("VMCS memory type %lu is not write-back", (unsigned long)memtype);

    if (enable_feature_control(why, why_len) != 0)
        return -1;
    fix_control_registers();

    /* The VMXON region: one page starting with the VMCS revision identifier. See:
     * "VMXON Region". */
    uint32_t *region = pages_alloc(1, 1, "VMXON region");
    if (!region)
        return FAIL_WHY("no memory for the VMXON region");
    /* LAB vmx-1 BEGIN: the VMXON region and VMXON in vmx_enable() */
    region[0] = revision;
    vmx_caps.revision = revision;
    enum vmx_result r = vmxon((uint64_t)(uintptr_t)region);
    if (r != VMX_OK)
        return FAIL_WHY("VMXON failed: %s", r == VMX_FAIL_INVALID
                                                ? "VMfailInvalid (bad VMXON region or CR0/CR4)"
                                                : "VMfailValid (already in VMX operation?)");
    /* LAB vmx-1 END */
    log_info("VT-x enabled: VMXON done, VMCS revision 0x%x, %s controls", revision,
             (vmx_caps.basic & VMX_BASIC_TRUE_CTLS) ? "TRUE" : "default");
    return 0;
}
