/*
 * inject.c - a virtualization instruction the guest may not use: it gets #UD.
 */
#include "arch/x86_64/exceptions.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_handlers.h"

/* VMXON, VMCALL-less VMX instructions, VMRUN & co.: hvlab offers no nested
 * virtualization, so the guest gets #UD, as on a CPU without VMX/SVM. */
enum exit_action handle_virt_instruction(struct vcpu *vcpu, const struct vm_exit *exit)
{
    log_info("guest executed %s at 0x%lx: #UD injected (no nested virtualization)",
             exit->u.virt.mnemonic, (unsigned long)exit->rip);
    vcpu_queue_exception(vcpu, EXC_INVALID_OPCODE, false, 0);
    return ACTION_RESUME;
}
