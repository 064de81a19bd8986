/*
 * interrupts.h - getting events into the guest: the one place that decides, before each
 * VM entry, what the guest receives through its IDT.
 *
 *   1. an event whose delivery an exit interrupted (re-injected as it was), or an
 *      exception a handler queued (#GP, #UD);
 *   2. otherwise the virtual PIC's highest-priority request, if the guest can take an
 *      interrupt now (RFLAGS.IF = 1, no STI/MOV SS shadow);
 *   3. otherwise, with a request waiting, an interrupt-window exit is requested, so the
 *      guest exits the moment it can take it (after its STI, or its shadow ends).
 * One event per entry: that is all VMX's VM-entry interruption field and SVM's EVENTINJ
 * hold. See: SDM Vol. 3C, "Event Injection", "Interrupt-Window Exiting"; APM Vol. 2,
 * "Event Injection", "Virtual Interrupt Intercept".
 */
#ifndef HVLAB_INTERRUPTS_H
#define HVLAB_INTERRUPTS_H

#include "hypervisor/vcpu.h"

/* Before each VM entry: inject one event or arm the interrupt window (see above). */
void vcpu_deliver_events(struct vcpu *vcpu);

/* After each exit: keep the event the exit interrupted, to deliver it again. */
void vcpu_note_interrupted_event(struct vcpu *vcpu, const struct vm_exit *exit);

#endif
