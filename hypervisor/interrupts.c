/*
 * interrupts.c - event delivery to the guest (see interrupts.h for the order of things).
 */
#include "hypervisor/interrupts.h"

#include "hypervisor/console.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/lab.h"

static void set_window(struct vcpu *vcpu, bool on)
{
    if (vcpu->window_requested == on)
        return; /* no VMCS/VMCB write on the common path */
    vcpu->ops->request_interrupt_window(vcpu, on);
    vcpu->window_requested = on;
}

void vcpu_deliver_events(struct vcpu *vcpu)
{
    /* The local APIC's vector, or the PIC's through LINT0 ExtINT (apic_platform.h). */
    bool interrupt_waiting = vplatform_pending_vector(vcpu->platform) >= 0;

    if (vcpu->pending_event.valid) {
        vcpu->ops->inject_event(vcpu, &vcpu->pending_event);
        vcpu->pending_event.valid = false;
        /* The interrupt comes after this event: exit again as soon as it can. */
        set_window(vcpu, interrupt_waiting);
        return;
    }
    if (!interrupt_waiting) {
        set_window(vcpu, false);
        return;
    }
    /* LAB vmx-5 svm-5 BEGIN: delivering a waiting interrupt in vcpu_deliver_events() */
    if (!vcpu->ops->interrupts_open(vcpu)) {
        set_window(vcpu, true);
        return;
    }
    /* The INTA cycle happens now: the APIC or the PIC moves the request to in-service. */
    struct guest_event irq = {.valid = true,
                              .type = EVENT_EXTERNAL_INTERRUPT,
                              .vector = vplatform_acknowledge(vcpu->platform)};
    vcpu->ops->inject_event(vcpu, &irq);
    vcpu->interrupts_injected++;
    vcpu->platform->changed = true; /* another request may be deliverable next (auto-EOI) */
    set_window(vcpu, false);
    /* LAB vmx-5 svm-5 END */
}

void vcpu_note_interrupted_event(struct vcpu *vcpu, const struct vm_exit *exit)
{
    if (!exit->interrupted.valid)
        return;
    /* The exit's own handler may still queue an exception; the interrupted event was
     * first and is delivered first (a real CPU would then raise the new one). */
    log_debug("exit during delivery of vector %u: delivered again at the next entry",
              exit->interrupted.vector);
    vcpu->pending_event = exit->interrupted;
}
