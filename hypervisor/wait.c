/*
 * wait.c - a halted guest waits for its next interrupt (see wait.h).
 */
#include "hypervisor/wait.h"

#include "arch/x86_64/serial.h"
#include "hypervisor/console.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/input_focus.h"
#include "hypervisor/virtual_platform.h"

/* One line on the console: who has the input focus now. */
static void announce_focus(const struct input_focus *focus)
{
    log_info("input now goes to \"%s\" (%s switches)", input_focus_name(focus),
             INPUT_FOCUS_SWITCH_KEY_NAME);
}

void vcpu_forward_host_input(struct vcpu *vcpu)
{
    struct input_focus *focus = vcpu->input_focus;
    if (!vcpu->takes_host_input || (focus && !input_focus_has(focus, vcpu->input_seat)))
        return;
    struct uart16550 *uart = &vcpu->platform->uart;
    int byte;
    while (uart16550_wants_input(uart) && (byte = serial_read_byte()) >= 0) {
        if (focus && byte == INPUT_FOCUS_SWITCH_KEY) {
            if (input_focus_switch(focus))
                announce_focus(focus);
            else
                log_info("input stays with \"%s\": no other VM runs", input_focus_name(focus));
            return; /* what follows is for the VM in focus now */
        }
        uart16550_receive(uart, (uint8_t)byte);
        vcpu->platform->changed = true;
    }
}

void vcpu_host_input_ended(struct vcpu *vcpu)
{
    struct input_focus *focus = vcpu->input_focus;
    if (focus && input_focus_leave(focus, vcpu->input_seat))
        announce_focus(focus);
}

/* Could anything still interrupt the guest? The PIT counting with IRQ 0 unmasked, or the
 * UART listening (and fed from the host) with IRQ 4 unmasked -- at the PIC with ExtINT
 * open, or at their I/O APIC pins -- or the APIC timer armed. */
static bool source_armed(const struct vcpu *vcpu, uint64_t now)
{
    const struct virtual_platform *vp = vcpu->platform;
    bool timer = vplatform_isa_irq_open(vp, VPLATFORM_PIT_IRQ, false) &&
                 pit_next_irq0_edge(&vp->pit, vplatform_pit_clock(vp, now)) != PIT_NEVER;
    bool serial = vcpu->takes_host_input && vplatform_isa_irq_open(vp, UART_COM1_IRQ, false) &&
                  uart16550_wants_input(&vp->uart);
    bool apic_timer = vplatform_apic_deadline(vp) != VPLATFORM_NO_DEADLINE;
    return timer || serial || apic_timer;
}

enum exit_action vcpu_wait_begin(struct vcpu *vcpu, enum vcpu_wait how)
{
    vcpu->waiting = how;
    vcpu->wait_start_tsc = vcpu->platform->read_tsc();
    return ACTION_WAIT;
}

enum wake_reason vcpu_wait_poll(struct vcpu *vcpu, uint64_t now)
{
    struct virtual_platform *vp = vcpu->platform;
    vcpu_forward_host_input(vcpu);
    vplatform_update(vp, now);
    if (vplatform_pending_vector(vp) >= 0) {
        vp->changed = true; /* the run loop delivers it */
        return WAKE_INTERRUPT;
    }
    if (!source_armed(vcpu, now))
        return WAKE_NOTHING_ARMED;
    if (vcpu->watchdog_tsc && now - vcpu->wait_start_tsc >= vcpu->watchdog_tsc)
        return WAKE_WATCHDOG;
    return WAKE_NOT_YET;
}

uint64_t vcpu_wait_due(const struct vcpu *vcpu, uint64_t now)
{
    uint64_t due = vplatform_next_deadline(vcpu->platform, now);
    if (due == VPLATFORM_NO_DEADLINE)
        due = VCPU_NO_DEADLINE;
    if (vcpu->watchdog_tsc && vcpu->wait_start_tsc + vcpu->watchdog_tsc < due)
        due = vcpu->wait_start_tsc + vcpu->watchdog_tsc;
    return due;
}

/* HLT that nothing wakes is forever: the guest is stopped. See: SDM Vol. 2A, HLT
 * ("resumed by an enabled interrupt, NMI, SMI, ..."). */
static enum exit_action end_hlt(struct vcpu *vcpu, const struct vm_exit *exit,
                                enum wake_reason why)
{
    switch (why) {
    case WAKE_INTERRUPT:
        vcpu_skip_instruction(vcpu, exit); /* the interrupt returns after the HLT */
        return ACTION_RESUME;
    case WAKE_NOTHING_ARMED:
        return vcpu_stop(vcpu, "HLT with interrupts enabled, but no unmasked timer or "
                               "receiver could ever interrupt the guest");
    case WAKE_WATCHDOG:
    default:
        return vcpu_stop(vcpu, "HLT: no interrupt came within watchdog=%u s", vcpu->watchdog_s);
    }
}

/* HC_YIELD returns 0 once an interrupt is pending (delivered after the call if IF = 1),
 * HC_EWOULDBLOCK when nothing would wake the guest. */
static enum exit_action end_yield(struct vcpu *vcpu, const struct vm_exit *exit,
                                  enum wake_reason why)
{
    int64_t result = why == WAKE_INTERRUPT ? 0 : HC_EWOULDBLOCK;
    vcpu_set_gpr(vcpu, GPR_RAX, (uint64_t)result);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

enum exit_action vcpu_wait_end(struct vcpu *vcpu, const struct vm_exit *exit,
                               enum wake_reason why)
{
    enum vcpu_wait how = vcpu->waiting;
    vcpu->waiting = VCPU_RUNNING;
    return how == VCPU_WAIT_YIELD ? end_yield(vcpu, exit, why) : end_hlt(vcpu, exit, why);
}
