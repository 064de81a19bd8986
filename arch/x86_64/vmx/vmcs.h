/*
 * vmcs.h - checked access to the current VMCS.
 *
 * VMREAD/VMWRITE fail only through a hypervisor bug (no current VMCS, a field this CPU
 * does not have, a read-only field), so a failure panics with the field's name and the
 * VM-instruction error's SDM name: "VMWRITE GUEST_CS_AR = 0x...: error 12 (VMREAD/VMWRITE
 * from/to unsupported VMCS component)".
 */
#ifndef HVLAB_ARCH_VMX_VMCS_H
#define HVLAB_ARCH_VMX_VMCS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmcs_fields.h"
#include "arch/x86_64/vmx/vmx_instr.h"

/* VMWRITE / VMREAD, checked. The failure path is out of line, so each stays a few
 * instructions on the exit path; it panics with the field's name and the error (vmcs.c). */
__attribute__((noreturn, cold)) void vmcs_access_failed(uint32_t field, uint64_t value,
                                                        enum vmx_result r, bool write);

static inline void vmcs_write(uint32_t field, uint64_t value)
{
    enum vmx_result r = vmx_vmwrite(field, value);
    if (__builtin_expect(r != VMX_OK, 0))
        vmcs_access_failed(field, value, r, true);
}

static inline uint64_t vmcs_read(uint32_t field)
{
    uint64_t value = 0;
    enum vmx_result r = vmx_vmread(field, &value);
    if (__builtin_expect(r != VMX_OK, 0))
        vmcs_access_failed(field, 0, r, false);
    return value;
}

/* The VM-instruction error of the current VMCS, and its name (for VMLAUNCH failures). */
uint32_t vmcs_instruction_error(void);

/* Describe a failed VMX instruction: "VMfailValid, error 7 (VM entry with invalid
 * control field(s))" or "VMfailInvalid (no current VMCS)". Writes into buf. */
const char *vmx_failure_text(enum vmx_result r, char *buf, unsigned len);

#endif
