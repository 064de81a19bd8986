/*
 * uart.h - the COM1 16550 UART, polled: register map and output functions.
 *
 * See: PC16550D "Universal Asynchronous Receiver/Transmitter with FIFOs" datasheet,
 *      "Register Addresses" table, "Line Control Register", "Line Status Register",
 *      "Modem Control Register", "Interrupt Enable Register",
 *      "Programmable Baud Generator".
 *
 * hvlab emulates THR, LSR (THRE and TEMT always set), IER, LCR, MCR, DLL/DLM and SCR;
 * these guests touch nothing else (no FCR/IIR, no MSR).
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>

#define COM1_PORT 0x3F8 /* PC/AT I/O base of the first serial port */

/* Register offsets from the base ("Register Addresses"). DLAB is LCR bit 7. */
#define UART_THR 0 /* transmitter holding register (write, DLAB = 0) */
#define UART_DLL 0 /* divisor latch, low byte (DLAB = 1) */
#define UART_IER 1 /* interrupt enable register (DLAB = 0) */
#define UART_DLM 1 /* divisor latch, high byte (DLAB = 1) */
#define UART_LCR 3 /* line control register */
#define UART_MCR 4 /* modem control register */
#define UART_LSR 5 /* line status register (read) */

/* Line Control Register bits. */
#define UART_LCR_WORD_8      0x03     /* WLS1 | WLS0: 8 data bits */
#define UART_LCR_STOP_1      0x00     /* STB = 0: 1 stop bit */
#define UART_LCR_PARITY_NONE 0x00     /* PEN = 0: no parity */
#define UART_LCR_DLAB        (1 << 7) /* divisor latch access bit */

/* Modem Control Register bits. */
#define UART_MCR_DTR (1 << 0) /* data terminal ready */
#define UART_MCR_RTS (1 << 1) /* request to send */

/* Line Status Register bits. */
#define UART_LSR_THRE (1 << 5) /* transmitter holding register empty */
#define UART_LSR_TEMT (1 << 6) /* transmitter empty: THR and shift register both idle */

/* Baud rate = input clock / (16 * divisor); the PC's 1.8432 MHz crystal gives 115200 / divisor. */
#define UART_BAUD_BASE 115200
#define UART_BAUD      115200

/* Program COM1 for UART_BAUD, 8N1, interrupts off. */
void uart_init(void);

/* Send one byte, waiting for THRE first; "\n" goes out as "\r\n". */
void uart_putc(char c);

/* Send a NUL-terminated string with uart_putc. */
void uart_puts(const char *s);

/* Wait until the transmitter is completely idle (LSR.TEMT). */
void uart_flush(void);

#endif /* GUEST_UART_H */
