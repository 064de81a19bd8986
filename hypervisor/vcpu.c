/*
 * vcpu.c - small vCPU helpers shared by the exit handlers.
 */
#include "hypervisor/vcpu.h"

#include <stdarg.h>

#include "hypervisor/fmt.h"
#include "hypervisor/lab.h"

void vcpu_skip_instruction(struct vcpu *vcpu, const struct vm_exit *exit)
{
    /* LAB vmx-4 svm-4 BEGIN: vcpu_skip_instruction() */
    vcpu->ops->set_rip(vcpu, exit->rip + exit->instr_len);
    /* LAB vmx-4 svm-4 END */
}

enum exit_action vcpu_queue_exception(struct vcpu *vcpu, uint8_t vector, bool has_error_code,
                                      uint32_t error_code)
{
    if (!vcpu->pending_event.valid) /* an interrupted delivery goes first (interrupts.c) */
        vcpu->pending_event = (struct guest_event){.valid = true,
                                                   .type = EVENT_EXCEPTION,
                                                   .vector = vector,
                                                   .has_error_code = has_error_code,
                                                   .error_code = error_code};
    return ACTION_RESUME;
}

enum exit_action vcpu_stop(struct vcpu *vcpu, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fmt_vsnprintf(vcpu->stop_reason, sizeof(vcpu->stop_reason), format, ap);
    va_end(ap);
    vcpu->end = GUEST_STOPPED;
    return ACTION_END;
}
