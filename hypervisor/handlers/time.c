/*
 * time.c - exits that are about time rather than about an instruction: the host time
 * source reached its deadline, a host interrupt arrived, the guest opened its interrupt
 * window, or it halted. None of them is the guest asking for anything; the run loop
 * delivers any interrupt that became due before the next entry (interrupts.c).
 */
#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/wait.h"
#include "hypervisor/lab.h"

#define MS_PER_S 1000u

static bool guest_interrupts_on(struct vcpu *vcpu)
{
    return (vcpu->ops->get_reg(vcpu, VCPU_REG_RFLAGS) & RFLAGS_IF) != 0;
}

/* The watchdog: a guest that made no exit of its own (I/O, CPUID, a hypercall, ...)
 * between two looks, watchdog_s seconds apart, is spinning, with interrupts off or
 * without ever trapping. It is stopped between one and two budgets after its last sign of
 * life; looking at fixed times keeps the deadline still, and a kick costs one store. */
static enum exit_action check_watchdog(struct vcpu *vcpu)
{
    uint64_t now = vcpu->platform->read_tsc();
    if (!vcpu->watchdog_tsc || now < vcpu->watchdog_look_tsc)
        return ACTION_RESUME;
    uint64_t idle = now - vcpu->watchdog_last_look_tsc;
    if (vcpu->watchdog_kicked) {
        vcpu->watchdog_kicked = false;
        vcpu->watchdog_last_look_tsc = now;
        vcpu->watchdog_look_tsc = now + vcpu->watchdog_tsc;
        return ACTION_RESUME;
    }
    /* LAB vmx-6 svm-6 BEGIN: stopping a stuck guest in the watchdog */
    uint64_t ms = idle / (vcpu->platform->tsc_hz / MS_PER_S);
    return vcpu_stop(vcpu,
                     "no exit of its own for %lu.%03lu s (watchdog=%u): the guest looks stuck, "
                     "spinning with interrupts %s",
                     (unsigned long)(ms / MS_PER_S), (unsigned long)(ms % MS_PER_S),
                     vcpu->watchdog_s, guest_interrupts_on(vcpu) ? "on" : "off");
    /* LAB vmx-6 svm-6 END */
}

/* The deadline the run loop set (a PIT tick, the watchdog) has come. */
enum exit_action handle_timer(struct vcpu *vcpu, const struct vm_exit *exit)
{
    (void)exit;
    vcpu_forward_host_input(vcpu);
    return check_watchdog(vcpu);
}

/* A physical interrupt for hvlab: under AMD-V its own APIC timer (taken and EOI'd on the
 * way out of the guest, lapic.h); under VT-x acknowledged on exit and dropped, since hvlab
 * masks the PIC and programs no APIC there. Either way, time may be up. */
enum exit_action handle_interrupt(struct vcpu *vcpu, const struct vm_exit *exit)
{
    log_debug("host interrupt (vector %u) ended the guest's run", exit->u.exception.vector);
    return handle_timer(vcpu, exit);
}

/* The guest can take an interrupt now: nothing to do here, the run loop injects it. */
enum exit_action handle_interrupt_window(struct vcpu *vcpu, const struct vm_exit *exit)
{
    (void)exit;
    vcpu->platform->changed = true;
    return ACTION_RESUME;
}

/* HLT: the guest sleeps until its next interrupt (wait.c); with interrupts off that is
 * forever, and the guest is stopped. See: SDM Vol. 2A, HLT ("resumed by an enabled
 * interrupt, NMI, SMI, ..."). */
enum exit_action handle_hlt(struct vcpu *vcpu, const struct vm_exit *exit)
{
    (void)exit;
    if (!guest_interrupts_on(vcpu))
        return vcpu_stop(vcpu, "HLT with interrupts disabled: nothing can wake the guest");
    return vcpu_wait_begin(vcpu, VCPU_WAIT_HLT);
}
