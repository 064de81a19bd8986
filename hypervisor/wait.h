/*
 * wait.h - a halted guest: time passes on the virtual platform until an interrupt is
 * pending for the guest (HLT with interrupts on, the HC_YIELD hypercall).
 *
 * The handler only marks the vCPU waiting (vcpu_wait_begin) and returns ACTION_WAIT: a
 * waiting guest takes no CPU time. The scheduler (scheduler.c) runs the other VMs
 * meanwhile, or spins when none can run, and asks vcpu_wait_poll whether the guest can
 * go on: its devices brought up to date (and hvlab's serial input forwarded to it), an
 * interrupt pending wakes it; it gives up when no unmasked source could ever raise one,
 * or after the watchdog's budget.
 */
#ifndef HVLAB_WAIT_H
#define HVLAB_WAIT_H

#include "hypervisor/vcpu.h"

enum wake_reason {
    WAKE_NOT_YET,       /* still waiting */
    WAKE_INTERRUPT,     /* the PIC or local APIC has a request the guest can be given */
    WAKE_NOTHING_ARMED, /* no timer counts and no receiver listens: it would sleep forever */
    WAKE_WATCHDOG,      /* still nothing after vcpu->watchdog_s seconds */
};

/* The guest waits from now on (`how`: after HLT or HC_YIELD); returns ACTION_WAIT. */
enum exit_action vcpu_wait_begin(struct vcpu *vcpu, enum vcpu_wait how);

/* Has the wait of a waiting vCPU ended, at host TSC `now`? */
enum wake_reason vcpu_wait_poll(struct vcpu *vcpu, uint64_t now);

/* End the wait for `why` (not WAKE_NOT_YET), completing the instruction that began it
 * (`exit`, the exit of that HLT or VMCALL): RIP past it, HC_YIELD's result in EAX. A
 * HLT nothing can wake stops the guest: ACTION_END; otherwise ACTION_RESUME. */
enum exit_action vcpu_wait_end(struct vcpu *vcpu, const struct vm_exit *exit,
                               enum wake_reason why);

/* The host TSC by which a waiting vCPU must be polled again: its next device event or
 * the end of its watchdog budget (VCPU_NO_DEADLINE if neither). */
uint64_t vcpu_wait_due(const struct vcpu *vcpu, uint64_t now);

/* Forward bytes hvlab's own serial port received to the guest's UART, while its receiver
 * interrupt is enabled, if this VM takes host input and has its group's input focus
 * (called on timer exits and while waiting). The focus switch key is hvlab's: it moves
 * the focus on (input_focus.h) and says so on the console. */
void vcpu_forward_host_input(struct vcpu *vcpu);

/* The VM ends: the input focus, if it had it, moves to the next VM still running, and
 * the console says so. */
void vcpu_host_input_ended(struct vcpu *vcpu);

#endif
