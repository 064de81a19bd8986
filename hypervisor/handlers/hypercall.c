/*
 * hypercall.c - VMCALL/VMMCALL: the hvlab hypercall ABI (docs/hypercalls.md).
 * EAX = call number, EBX/ECX = arguments; the result goes to RAX, sign-extended.
 */
#include "hypervisor/exit_handlers.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/virtual_platform.h"

#define LOW32(x) ((uint32_t)(x))

static int64_t console_write(struct vcpu *vcpu, uint32_t gpa, uint32_t len)
{
    if (len > HC_CONSOLE_WRITE_MAX)
        return HC_EINVAL;
    if (len == 0)
        return 0; /* valid, whatever EBX holds (docs/hypercalls.md) */
    if (!guest_memory_contains(vcpu->mem, gpa, len))
        return HC_EFAULT;
    for (uint32_t i = 0; i < len; i++) {
        char c;
        guest_memory_read(vcpu->mem, gpa + i, &c, 1);
        uart16550_put(&vcpu->platform->uart, c); /* as UART output: "[guest] " lines */
    }
    return len;
}

enum exit_action handle_hypercall(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint32_t call = LOW32(vcpu_gpr(vcpu, GPR_RAX));
    uint32_t arg0 = LOW32(vcpu_gpr(vcpu, GPR_RBX));
    uint32_t arg1 = LOW32(vcpu_gpr(vcpu, GPR_RCX));
    int64_t result;

    switch (call) {
    case HC_VERSION: result = HVLAB_ABI_VERSION; break;
    case HC_CONSOLE_WRITE: result = console_write(vcpu, arg0, arg1); break;
    case HC_MEMORY_SIZE: result = (int64_t)(vcpu->mem->ram_size >> 10); break;
    default: result = HC_ENOSYS; break;
    }
    vcpu_set_gpr(vcpu, GPR_RAX, (uint64_t)result);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}
