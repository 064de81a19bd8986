/*
 * serial.c - polled driver for COM1. See: PC16550D datasheet, "Registers".
 */
#include "arch/x86_64/serial.h"

#include "arch/x86_64/io.h"
#include "hypervisor/uart16550_regs.h"

void serial_init(void)
{
    outb(COM1_PORT + UART_IER, 0); /* polled: no interrupts */
    outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
    outb(COM1_PORT + UART_DLL, UART_BAUD_DIVISOR_115200);
    outb(COM1_PORT + UART_DLM, 0);
    outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
    outb(COM1_PORT + UART_FCR, UART_FCR_ENABLE_CLEAR);
    outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS_OUT2);
}

/* How many LSR polls before sending anyway: a missing UART (LSR reads 0xFF or 0) must
 * not hang the hypervisor. At 115200 baud one byte takes ~87 us; this is far longer. */
#define SERIAL_TX_SPIN_LIMIT 100000u

static void serial_put_raw(char c)
{
    for (unsigned spins = 0; spins < SERIAL_TX_SPIN_LIMIT; spins++)
        if (inb(COM1_PORT + UART_LSR) & UART_LSR_THRE)
            break;
    outb(COM1_PORT + UART_THR, (uint8_t)c);
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_put_raw('\r');
    serial_put_raw(c);
}

int serial_read_byte(void)
{
    if (!(inb(COM1_PORT + UART_LSR) & UART_LSR_DATA_READY))
        return -1;
    return inb(COM1_PORT + UART_RBR);
}
