/*
 * vmx_snapshot.h - read the current VMCS into a struct vmentry_state, and explain a failed
 * VM entry with the VM-entry checker (vmentry_check.h).
 *
 * The checker itself is pure code; this is its hardware side: VMREAD for every field the
 * checks look at, RDMSR for the VMX capability MSRs, CPUID for the address widths.
 *
 * Follows the Intel SDM (revision pinned in docs/manuals.md):
 *   See: SDM Vol. 3C, "Guest-State Area", "Host-State Area", "VM-Execution Control Fields",
 *        "VM-Exit Control Fields", "VM-Entry Control Fields"
 *   See: SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility"
 * VMX root operation only: needs a current VMCS (VMPTRLD) on this CPU.
 */
#ifndef HVLAB_ARCH_VMX_VMX_SNAPSHOT_H
#define HVLAB_ARCH_VMX_VMX_SNAPSHOT_H

#include "arch/x86_64/vmx/vmentry_state.h"

/*
 * vmx_snapshot_read - fill all of *s from the current VMCS, the capability MSRs and CPUID.
 * Fields the CPU lacks (e.g. the EPTP without EPT support) are left 0, and a control word
 * the CPU lacks (secondary controls) is left with captured = false.
 * Panics (through vmcs_read) if there is no current VMCS.
 * Read vmcs_instruction_error() first if you need it: no VMREAD here should fail, but one
 * that did would overwrite the VM-instruction error field.
 */
void vmx_snapshot_read(struct vmentry_state *s);

/*
 * vmx_explain_entry_failure - after VMLAUNCH/VMRESUME failed (VM-instruction error 7 or 8)
 * or the VM exited with basic reason 33, print the first VM-entry check the current VMCS
 * breaks:
 *     hvlab: VM-entry checker: VM-instruction error 8 (VM entry with invalid host-state ...)
 *       area: host control registers and MSRs
 *       rule: host CR4 0x... ...
 *       see: SDM Vol. 3C, "Checks on Host Control Registers, MSRs, and SSP"
 * Uses one static snapshot: call it from one CPU at a time.
 */
void vmx_explain_entry_failure(void);

#endif
