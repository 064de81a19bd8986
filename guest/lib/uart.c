/*
 * uart.c - polled output on the COM1 16550 UART.
 *
 * See: PC16550D datasheet, "Line Control Register", "Line Status Register",
 *      "Programmable Baud Generator". Register names are in uart.h.
 */
#include "uart.h"

#include "io.h"

/* Program COM1 for UART_BAUD, 8N1, interrupts off. */
void uart_init(void)
{
    uint16_t divisor = UART_BAUD_BASE / UART_BAUD;

    /* Interrupts off: we poll LSR instead. */
    outb(COM1_PORT + UART_IER, 0);

    /* Set DLAB to reach the divisor latch, load it, then clear DLAB with 8N1. */
    outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
    outb(COM1_PORT + UART_DLL, divisor & 0xFF);
    outb(COM1_PORT + UART_DLM, divisor >> 8);
    outb(COM1_PORT + UART_LCR, UART_LCR_WORD_8 | UART_LCR_STOP_1 | UART_LCR_PARITY_NONE);

    /* Tell the other end we are ready. */
    outb(COM1_PORT + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

/* Send one raw byte once the holding register is empty. */
static void uart_put_raw(uint8_t byte)
{
    while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_THRE))
        ;
    outb(COM1_PORT + UART_THR, byte);
}

/* Send one byte; "\n" goes out as "\r\n" for serial terminals. */
void uart_putc(char c)
{
    if (c == '\n')
        uart_put_raw('\r');
    uart_put_raw((uint8_t)c);
}

/* Send a NUL-terminated string. */
void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

/* Wait until both THR and the transmit shift register are empty. */
void uart_flush(void)
{
    while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_TEMT))
        ;
}
