/*
 * inject.c - exits after which the guest simply goes on: an external interrupt that
 * arrived for the host, or a virtualization instruction the guest may not use.
 */
#include "arch/x86_64/exceptions.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_handlers.h"

/* hvlab runs with interrupts masked at the PIC and takes none itself; an interrupt that
 * still arrives (acknowledged on exit) is dropped. */
enum exit_action handle_interrupt(struct vcpu *vcpu, const struct vm_exit *exit)
{
    (void)vcpu;
    log_debug("external interrupt, vector %u, dropped", exit->u.exception.vector);
    return ACTION_RESUME;
}

/* VMXON, VMCALL-less VMX instructions, VMRUN & co.: hvlab offers no nested
 * virtualization, so the guest gets #UD, as on a CPU without VMX/SVM. */
enum exit_action handle_virt_instruction(struct vcpu *vcpu, const struct vm_exit *exit)
{
    log_info("guest executed %s at 0x%lx: #UD injected (no nested virtualization)",
             exit->u.virt.mnemonic, (unsigned long)exit->rip);
    vcpu->ops->inject_exception(vcpu, EXC_INVALID_OPCODE, false, 0);
    return ACTION_RESUME;
}
