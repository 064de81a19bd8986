/*
 * vmx_names.h - Human-readable names for VT-x numbers, for log lines and
 * error messages: basic exit reasons, VM-instruction errors, VMCS fields and
 * VM-execution / VM-exit / VM-entry controls.
 *
 * Wording follows the Intel SDM so a student can search the manual for the
 * text a failure prints: Vol. 3D Appendix C "VMX Basic Exit Reasons",
 * Vol. 3C "VM Instruction Error Numbers", Vol. 3D Appendix B "Field Encoding
 * in VMCS", and the Vol. 3C control tables ("Definitions of ... Controls").
 *
 * Every function returns a static string and never NULL (except
 * vmx_control_name(), which returns NULL for "no such control in the table").
 */
#ifndef HVLAB_ARCH_X86_64_VMX_VMX_NAMES_H
#define HVLAB_ARCH_X86_64_VMX_VMX_NAMES_H

#include <stdint.h>

#include "arch/x86_64/vmx/vmcs_fields.h" /* declares vmcs_field_name() */

/* One control of a 32-bit control field: its bit mask and its SDM name. */
struct vmx_control_name {
    uint32_t bit;     /* single-bit mask, e.g. PROC2_ENABLE_EPT */
    const char *name; /* SDM wording, e.g. "enable EPT" */
};

/* Name tables, one per control field, each ended by { 0, NULL }.
 * See: Tables "Definitions of Pin-Based VM-Execution Controls",
 * "Definitions of Primary Processor-Based VM-Execution Controls",
 * "Definitions of Secondary Processor-Based VM-Execution Controls",
 * "Definitions of Primary VM-Exit Controls", "Definitions of VM-Entry Controls" */
extern const struct vmx_control_name vmx_pin_control_names[];
extern const struct vmx_control_name vmx_proc_control_names[];
extern const struct vmx_control_name vmx_proc2_control_names[];
extern const struct vmx_control_name vmx_exit_control_names[];
extern const struct vmx_control_name vmx_entry_control_names[];

/* Name of the control with mask `bit` in `table`, or NULL if the table has no
 * such entry (or `table` is NULL). */
const char *vmx_control_name(const struct vmx_control_name *table, uint32_t bit);

/* Appendix C name of a basic exit reason (bits 15:0 of the exit-reason field),
 * e.g. 10 -> "CPUID", 30 -> "I/O instruction"; "unknown exit reason" else. */
const char *vmx_exit_reason_name(uint32_t basic_reason);

/* The same for a 64-bit exit code (virt_ops.exit_code_name): numbers past 16 bits are
 * no basic exit reason. */
const char *vmx_exit_code_name(uint64_t code);

/* Manual description of a VM-instruction error number, e.g.
 * 7 -> "VM entry with invalid control field(s)";
 * "unknown VM-instruction error" for 0, unused and out-of-range numbers. */
const char *vmx_instruction_error_name(uint32_t number);

#endif /* HVLAB_ARCH_X86_64_VMX_VMX_NAMES_H */
