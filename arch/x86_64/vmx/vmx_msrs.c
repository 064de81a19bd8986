/*
 * vmx_msrs.c - the VM-entry/VM-exit MSR lists of a vCPU (see vmx_msrs.h).
 *
 * One page per vCPU: the guest list (entry load = exit store: the CPU writes the guest's
 * values back where it will load them from) in the first half, the host list (exit load)
 * in the second. The host's values are read once, when the vCPU is created: hvlab never
 * changes them.
 */
#include "arch/x86_64/vmx/vmx_msrs.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/guest_msrs.h"
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmx.h"
#include "hypervisor/fmt.h"
#include "hypervisor/memory.h"

#define HOST_LIST_OFFSET (PAGE_SIZE / 2 / sizeof(struct vmx_msr_entry)) /* in entries */

/* The list-held registers, in list order, and their reset values (SDM Vol. 3A, Table
 * "IA-32 and Intel 64 Processor States Following Power-up, Reset, or INIT"). */
static const struct {
    enum vcpu_reg reg;
    uint32_t msr;
    uint64_t reset;
} listed[] = {
    {VCPU_REG_KERNEL_GS_BASE, MSR_IA32_KERNEL_GS_BASE, 0},
    {VCPU_REG_STAR, MSR_IA32_STAR, 0},
    {VCPU_REG_LSTAR, MSR_IA32_LSTAR, 0},
    {VCPU_REG_CSTAR, MSR_IA32_CSTAR, 0},
    {VCPU_REG_FMASK, MSR_IA32_FMASK, 0},
    {VCPU_REG_PAT, MSR_IA32_PAT, PAT_RESET_VALUE},
    {VCPU_REG_TSC_AUX, MSR_IA32_TSC_AUX, 0}, /* last: only with RDTSCP or RDPID */
};
#define LISTED (sizeof(listed) / sizeof(listed[0]))

int vmx_msrs_setup(struct vmx_vcpu *vv, char *why, size_t why_len)
{
    struct vmx_msr_entry *page = pages_alloc(1, 1, "VMX MSR lists");
    if (!page)
        return FAIL_WHY("out of memory: VMX MSR lists");
    unsigned count = cpu_has_tsc_aux() ? LISTED : LISTED - 1;
    struct vmx_msr_entry *guest = page, *host = page + HOST_LIST_OFFSET;
    for (unsigned i = 0; i < count; i++) {
        guest[i] = (struct vmx_msr_entry){listed[i].msr, 0, listed[i].reset};
        host[i] = (struct vmx_msr_entry){listed[i].msr, 0, rdmsr(listed[i].msr)};
    }
    vv->msr_list = page;
    vv->msr_count = count;
    vv->tsc_aux_unloaded = 0;
    vmcs_write(VMCS_CTRL_ENTRY_MSR_LOAD_ADDR, (uint64_t)(uintptr_t)guest);
    vmcs_write(VMCS_CTRL_ENTRY_MSR_LOAD_COUNT, count);
    vmcs_write(VMCS_CTRL_EXIT_MSR_STORE_ADDR, (uint64_t)(uintptr_t)guest);
    vmcs_write(VMCS_CTRL_EXIT_MSR_STORE_COUNT, count);
    vmcs_write(VMCS_CTRL_EXIT_MSR_LOAD_ADDR, (uint64_t)(uintptr_t)host);
    vmcs_write(VMCS_CTRL_EXIT_MSR_LOAD_COUNT, count);
    return 0;
}

uint64_t *vmx_msrs_guest_value(struct vmx_vcpu *vv, enum vcpu_reg reg)
{
    for (unsigned i = 0; i < LISTED; i++) {
        if (listed[i].reg != reg)
            continue;
        if (i >= vv->msr_count) /* TSC_AUX on a CPU without it: kept, not loaded */
            return &vv->tsc_aux_unloaded;
        return &vv->msr_list[i].value;
    }
    return 0;
}

uint32_t vmx_msrs_index(const struct vmx_vcpu *vv, unsigned index)
{
    return index < vv->msr_count ? vv->msr_list[index].index : 0;
}
