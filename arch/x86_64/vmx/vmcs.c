/*
 * vmcs.c - VMREAD/VMWRITE with every failure caught and named (see vmcs.h).
 */
#include "arch/x86_64/vmx/vmcs.h"

#include "arch/x86_64/vmx/vmx_names.h"
#include "hypervisor/fmt.h"
#include "hypervisor/panic.h"

#define FAILURE_TEXT_MAX 128

uint32_t vmcs_instruction_error(void)
{
    uint64_t error = 0;
    if (vmx_vmread(VMCS_RO_VM_INSTRUCTION_ERROR, &error) != VMX_OK)
        return 0;
    return (uint32_t)error;
}

const char *vmx_failure_text(enum vmx_result r, char *buf, unsigned len)
{
    if (r == VMX_FAIL_INVALID) {
        fmt_snprintf(buf, len, "VMfailInvalid (no current VMCS, or an invalid pointer)");
    } else {
        uint32_t e = vmcs_instruction_error();
        fmt_snprintf(buf, len, "VMfailValid, VM-instruction error %u (%s)", e,
                     vmx_instruction_error_name(e));
    }
    return buf;
}

void vmcs_access_failed(uint32_t field, uint64_t value, enum vmx_result r, bool write)
{
    char why[FAILURE_TEXT_MAX];
    if (write)
        panic("VMWRITE %s (0x%x) = 0x%lx failed: %s", vmcs_field_name(field), field,
              (unsigned long)value, vmx_failure_text(r, why, sizeof(why)));
    panic("VMREAD %s (0x%x) failed: %s", vmcs_field_name(field), field,
          vmx_failure_text(r, why, sizeof(why)));
}
