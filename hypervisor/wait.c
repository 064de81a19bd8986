/*
 * wait.c - a halted guest waits for its next interrupt (see wait.h).
 */
#include "hypervisor/wait.h"

#include "arch/x86_64/serial.h"
#include "hypervisor/virtual_platform.h"

void vcpu_forward_host_input(struct vcpu *vcpu)
{
    struct uart16550 *uart = &vcpu->platform->uart;
    int byte;
    while (uart16550_wants_input(uart) && (byte = serial_read_byte()) >= 0) {
        uart16550_receive(uart, (uint8_t)byte);
        vcpu->platform->changed = true;
    }
}

/* Could anything still interrupt the guest? The PIT counting with IRQ 0 unmasked, or the
 * UART listening with IRQ 4 unmasked (the slave PIC's lines cascade through IRQ 2). */
static bool source_armed(const struct virtual_platform *vp, uint64_t now)
{
    uint8_t master_mask = vp->pic.master.imr;
    bool timer = !(master_mask & PIC_IRQ_BIT(VPLATFORM_PIT_IRQ)) &&
                 pit_next_irq0_edge(&vp->pit, vplatform_pit_clock(vp, now)) != PIT_NEVER;
    bool serial =
        !(master_mask & PIC_IRQ_BIT(UART_COM1_IRQ)) && uart16550_wants_input(&vp->uart);
    return timer || serial;
}

enum wake_reason vcpu_wait_for_interrupt(struct vcpu *vcpu)
{
    struct virtual_platform *vp = vcpu->platform;
    uint64_t start = vp->read_tsc();
    for (;;) {
        uint64_t now = vp->read_tsc();
        vcpu_forward_host_input(vcpu);
        vplatform_update(vp, now);
        if (pic_pending_vector(&vp->pic) >= 0) {
            vp->changed = true; /* the run loop delivers it */
            return WAKE_INTERRUPT;
        }
        if (!source_armed(vp, now))
            return WAKE_NOTHING_ARMED;
        if (vcpu->watchdog_tsc && now - start >= vcpu->watchdog_tsc)
            return WAKE_WATCHDOG;
    }
}
