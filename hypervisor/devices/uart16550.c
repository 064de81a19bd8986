/*
 * uart16550.c - an emulated 16550 UART at COM1 that prints what the guest sends.
 *
 * Transmit only: every byte written to THR is collected into a line, and each complete
 * line appears on hvlab's console as "[guest] <line>". The line status register always
 * says "transmitter empty", so a polling driver never waits; nothing is ever received.
 * See: PC16550D datasheet, "Registers"; register offsets in hypervisor/uart16550_regs.h.
 */
#include "hypervisor/devices/uart16550.h"

#include "hypervisor/console.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/uart16550_regs.h"

#define GUEST_LINE_MAX 160 /* longer lines are printed in pieces */

static struct {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    char line[GUEST_LINE_MAX + 1];
    unsigned len;
} uart;

void uart16550_reset(void)
{
    uart.ier = uart.mcr = uart.scr = uart.dlm = 0;
    uart.lcr = UART_LCR_8N1;
    uart.dll = UART_BAUD_DIVISOR_115200;
    uart.len = 0;
}

/* Print the pending partial line, if any. */
void uart16550_flush(struct vcpu *vcpu)
{
    (void)vcpu;
    if (uart.len == 0)
        return;
    uart.line[uart.len] = '\0';
    kprintf("[guest] %s\n", uart.line);
    uart.len = 0;
}

/* One byte of guest output; also used by the console-write hypercall. */
void uart16550_put(struct vcpu *vcpu, char c)
{
    if (c == '\r')
        return; /* the guest ends lines with "\r\n"; the console adds its own */
    if (c == '\n') {
        if (uart.len == 0)
            kprintf("[guest] \n");
        uart16550_flush(vcpu);
        return;
    }
    uart.line[uart.len++] = c;
    if (uart.len == GUEST_LINE_MAX)
        uart16550_flush(vcpu);
}

static bool dlab(void) { return (uart.lcr & UART_LCR_DLAB) != 0; }

static uint32_t uart_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)vcpu;
    (void)size;
    switch (port - COM1_PORT) {
    case UART_RBR: return dlab() ? uart.dll : 0; /* nothing is ever received */
    case UART_IER: return dlab() ? uart.dlm : uart.ier;
    case UART_IIR: return UART_IIR_NO_INTERRUPT;
    case UART_LCR: return uart.lcr;
    case UART_MCR: return uart.mcr;
    case UART_LSR: return UART_LSR_THRE | UART_LSR_TEMT;
    case UART_MSR: return 0;
    default: return uart.scr; /* UART_SCR */
    }
}

static enum exit_action uart_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                   uint32_t value)
{
    (void)size;
    uint8_t v = (uint8_t)value;
    switch (port - COM1_PORT) {
    case UART_THR:
        if (dlab())
            uart.dll = v;
        else
            uart16550_put(vcpu, (char)v);
        break;
    case UART_IER:
        if (dlab())
            uart.dlm = v;
        else
            uart.ier = v;
        break;
    case UART_FCR: break; /* FIFOs: nothing to model without a receiver */
    case UART_LCR: uart.lcr = v; break;
    case UART_MCR: uart.mcr = v; break;
    case UART_SCR: uart.scr = v; break;
    default: break; /* LSR and MSR are read-only */
    }
    return ACTION_RESUME;
}

const struct io_device uart16550_device = {
    .name = "uart16550",
    .base = COM1_PORT,
    .count = UART_PORT_COUNT,
    .read = uart_read,
    .write = uart_write,
};
