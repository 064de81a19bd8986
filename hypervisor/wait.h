/*
 * wait.h - a halted guest: time passes on the virtual platform until an interrupt is
 * pending for the guest (HLT with interrupts on, the HC_YIELD hypercall).
 *
 * hvlab spins on the TSC meanwhile (one vCPU, nothing else to run), bringing the devices
 * up to date and forwarding host serial input to the guest's UART. It gives up when no
 * unmasked source could ever raise an interrupt, or after the watchdog's budget.
 */
#ifndef HVLAB_WAIT_H
#define HVLAB_WAIT_H

#include "hypervisor/vcpu.h"

enum wake_reason {
    WAKE_INTERRUPT,     /* the PIC has a request the guest can be given */
    WAKE_NOTHING_ARMED, /* no timer counts and no receiver listens: it would sleep forever */
    WAKE_WATCHDOG,      /* still nothing after vcpu->watchdog_s seconds */
};

enum wake_reason vcpu_wait_for_interrupt(struct vcpu *vcpu);

/* Forward bytes hvlab's own serial port received to the guest's UART, while its receiver
 * interrupt is enabled (called on timer exits and while waiting). */
void vcpu_forward_host_input(struct vcpu *vcpu);

#endif
