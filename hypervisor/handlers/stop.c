/*
 * stop.c - exits that end the guest: it did something hvlab does not allow or cannot
 * continue from. Each handler says, in one line, what the guest did; the run loop adds
 * the exit, RIP and guest state to the report. The hypervisor itself goes on.
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/lab.h"

/* The hardware rejected an EPT entry hvlab wrote: a hypervisor bug, not the guest's. */
enum exit_action handle_memory_misconfig(struct vcpu *vcpu, const struct vm_exit *exit)
{
    return vcpu_stop(vcpu,
                     "EPT misconfiguration at guest-physical 0x%lx: hvlab built a bad "
                     "EPT entry (a hypervisor bug)",
                     (unsigned long)exit->u.mem.gpa);
}

enum exit_action handle_triple_fault(struct vcpu *vcpu, const struct vm_exit *exit)
{
    /* LAB vmx-6 svm-6 BEGIN: handle_triple_fault() */
    (void)exit;
    return vcpu_stop(vcpu, "triple fault: an exception while delivering a double fault "
                           "(on real hardware, a reset)");
    /* LAB vmx-6 svm-6 END */
}

enum exit_action handle_exception(struct vcpu *vcpu, const struct vm_exit *exit)
{
    const struct vm_exit *e = exit;
    if (e->u.exception.has_error_code)
        return vcpu_stop(vcpu, "exception %u (%s), error code 0x%x", e->u.exception.vector,
                         exception_name(e->u.exception.vector), e->u.exception.error_code);
    return vcpu_stop(vcpu, "exception %u (%s)", e->u.exception.vector,
                     exception_name(e->u.exception.vector));
}

enum exit_action handle_unexpected(struct vcpu *vcpu, const struct vm_exit *exit)
{
    return vcpu_stop(vcpu, "exit 0x%lx (%s) is not handled by hvlab",
                     (unsigned long)exit->hw_code, vcpu->ops->exit_code_name(exit->hw_code));
}
