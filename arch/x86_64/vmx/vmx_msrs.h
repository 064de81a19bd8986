/*
 * vmx_msrs.h - the guest's MSRs under VT-x: the VMCS has fields for FS/GS base, SYSENTER
 * and EFER; the others (KERNEL_GS_BASE, STAR, LSTAR, CSTAR, FMASK, PAT, TSC_AUX) go in
 * the MSR lists: loaded from the guest list at every VM entry, stored back into it at
 * every exit, and the host's values loaded from the host list after it.
 * See: SDM Vol. 3C, "VM-Entry Controls for MSRs", "VM-Exit Controls for MSRs",
 * "Loading MSRs" (entry) and "Saving MSRs", "Loading Host MSRs" (exit).
 */
#ifndef HVLAB_ARCH_VMX_MSRS_H
#define HVLAB_ARCH_VMX_MSRS_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/virt_ops.h"

struct vmx_vcpu;

/* One entry of an MSR list (SDM Vol. 3C, "VM-Exit Controls for MSRs", table "Format of
 * an MSR Entry"): the list is 16-byte aligned, entries are 16 bytes. */
struct vmx_msr_entry {
    uint32_t index;
    uint32_t reserved; /* must be 0 */
    uint64_t value;
};
_Static_assert(sizeof(struct vmx_msr_entry) == 16, "SDM: an MSR entry is 16 bytes");

/* Build the lists (the host's values read now) and point the VMCS at them: the VMCS must
 * be current. -1 with why if out of memory. */
int vmx_msrs_setup(struct vmx_vcpu *vv, char *why, size_t why_len);

/* The guest's value of a list-held register (VCPU_REG_KERNEL_GS_BASE, STAR, LSTAR, CSTAR,
 * FMASK, PAT, TSC_AUX), as of its last exit; NULL for any other register. */
uint64_t *vmx_msrs_guest_value(struct vmx_vcpu *vv, enum vcpu_reg reg);

/* The MSR number of list entry `index` (0-based), for a failed MSR load; 0 if none. */
uint32_t vmx_msrs_index(const struct vmx_vcpu *vv, unsigned index);

#endif
