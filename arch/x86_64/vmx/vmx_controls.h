/*
 * vmx_controls.h - Fit the VM-execution, VM-exit and VM-entry controls we
 * want to what this CPU allows, and apply the VMX-fixed bits of CR0/CR4.
 * Pure functions: the caller reads the MSRs and writes the VMCS.
 *
 * Follows: Intel SDM Vol. 3D Appendix A "VMX Capability Reporting Facility"
 * (A.3-A.5 for the controls, "VMX-Fixed Bits in CR0" / "VMX-Fixed Bits in
 * CR4") and Vol. 3C "Algorithms for Determining VMX Capabilities".
 *
 * A control capability MSR (IA32_VMX_PINBASED_CTLS, ..._PROCBASED_CTLS2,
 * IA32_VMX_TRUE_...) has two halves:
 *
 *    63                          32 31                           0
 *   +------------------------------+------------------------------+
 *   |  allowed 1-settings          |  allowed 0-settings          |
 *   |  bit 32+X = 0: X must be 0   |  bit X = 1: X must be 1      |
 *   +------------------------------+------------------------------+
 *
 * Usage:
 *     uint64_t cap = rdmsr(vmx_control_cap_msr(basic, MSR_IA32_VMX_PROCBASED_CTLS,
 *                                              MSR_IA32_VMX_TRUE_PROCBASED_CTLS));
 *     struct vmx_control_request req = {
 *         .what = "primary processor-based controls",
 *         .wanted = PROC_USE_IO_BITMAPS | PROC_ACTIVATE_SECONDARY,
 *         .optional = PROC_USE_MSR_BITMAPS,
 *     };
 *     if (vmx_adjust_controls(cap, &req, vmx_proc_control_names, &value, why, sizeof why))
 *         panic(why);   // "...: 'use I/O bitmaps' not supported by this CPU"
 *     vmwrite(VMCS_CTRL_PROC_BASED, value);
 */
#ifndef HVLAB_ARCH_X86_64_VMX_VMX_CONTROLS_H
#define HVLAB_ARCH_X86_64_VMX_VMX_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmx_names.h" /* struct vmx_control_name + tables */

/* The two halves of a control capability MSR. See: Appendix A,
 * "Pin-Based VM-Execution Controls" (the other control MSRs use the same form) */
#define VMX_CAP_MUST_BE_ONE(cap) ((uint32_t)((cap)&0xFFFFFFFFull)) /* allowed 0-settings */
#define VMX_CAP_MAY_BE_ONE(cap)  ((uint32_t)((cap) >> 32))         /* allowed 1-settings */

/* What a caller asks of one 32-bit control field. */
struct vmx_control_request {
    const char *what;  /* field name for messages, e.g. "secondary controls" */
    uint32_t wanted;   /* controls that must be 1: fail if the CPU cannot */
    uint32_t optional; /* controls set to 1 only if the CPU allows it */
};

/*
 * Compute the value for one control field from its capability MSR:
 *     *out = must-be-one | wanted | (optional & may-be-one)
 * Returns 0 on success. Returns -1 if a wanted control is not allowed to be 1;
 * *out is then left unchanged and `why` names the lowest such control, e.g.
 * "secondary controls: 'unrestricted guest' not supported by this CPU"
 * (a control missing from `names` prints as "bit N"). `why` may be NULL;
 * it is always NUL-terminated when why_len > 0, and emptied on success.
 * Bits the CPU forces to 1 are set even if not asked for: this is how the
 * reserved "default1" bits get their required value.
 */
int vmx_adjust_controls(uint64_t cap_msr, const struct vmx_control_request *req,
                        const struct vmx_control_name *names, uint32_t *out, char *why,
                        size_t why_len);

/*
 * Which MSR to read for a control field: the TRUE variant when IA32_VMX_BASIC
 * bit 55 says it exists (it lets default1 bits be 0), else the plain one.
 * See: Appendix A, "Basic VMX Information" and "Algorithms for Determining
 * VMX Capabilities". Secondary controls have no TRUE variant.
 */
uint32_t vmx_control_cap_msr(uint64_t vmx_basic, uint32_t plain_msr, uint32_t true_msr);

/*
 * CR0/CR4 in VMX operation: bits set in FIXED0 must be 1, bits clear in FIXED1
 * must be 0. Returns `value` with those rules applied.
 * See: Appendix A, "VMX-Fixed Bits in CR0" and "VMX-Fixed Bits in CR4".
 * Note: with the "unrestricted guest" control, the guest's CR0.PE and CR0.PG
 * are exempt; clear them from fixed0 before calling for a guest CR0.
 */
uint64_t vmx_fixed_bits_apply(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/* The lowest bit of a value that breaks the fixed-bit rules. */
struct vmx_fixed_violation {
    unsigned bit;     /* bit number, 0..63 */
    bool must_be_one; /* true: set in FIXED0 but 0 in value;
			      false: clear in FIXED1 but 1 in value */
};

/*
 * Check `value` against the fixed-bit rules without changing it. Returns 0 if
 * it complies, else -1 and fills *bad (if not NULL) with the lowest offending
 * bit. If `why` is not NULL it receives a message such as
 * "CR0 bit 5 must be 1 in VMX operation (IA32_VMX_CR0_FIXED0)", using `reg`
 * ("CR0", "CR4") as the register name.
 */
int vmx_fixed_bits_check(const char *reg, uint64_t value, uint64_t fixed0, uint64_t fixed1,
                         struct vmx_fixed_violation *bad, char *why, size_t why_len);

#endif /* HVLAB_ARCH_X86_64_VMX_VMX_CONTROLS_H */
