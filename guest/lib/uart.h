/*
 * uart.h - the COM1 16550 UART, polled: register map and output functions.
 *
 * See: PC16550D "Universal Asynchronous Receiver/Transmitter with FIFOs" datasheet,
 *      "Register Addresses" table, "Line Control Register", "Line Status Register",
 *      "Modem Control Register", "Interrupt Enable Register",
 *      "Programmable Baud Generator".
 *
 * The polled output below uses THR, LSR, IER, LCR, MCR and DLL/DLM; the other registers
 * and bits are named for the conformance guest (guest/conform), which tests them all.
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>

#define COM1_PORT 0x3F8 /* PC/AT I/O base of the first serial port */

/* Register offsets from the base ("Register Addresses"). DLAB is LCR bit 7. */
#define UART_THR 0 /* transmitter holding register (write, DLAB = 0) */
#define UART_RBR 0 /* receiver buffer register (read, DLAB = 0) */
#define UART_DLL 0 /* divisor latch, low byte (DLAB = 1) */
#define UART_IER 1 /* interrupt enable register (DLAB = 0) */
#define UART_DLM 1 /* divisor latch, high byte (DLAB = 1) */
#define UART_IIR 2 /* interrupt identification register (read) */
#define UART_FCR 2 /* FIFO control register (write) */
#define UART_LCR 3 /* line control register */
#define UART_MCR 4 /* modem control register */
#define UART_LSR 5 /* line status register (read) */
#define UART_MSR 6 /* modem status register (read) */
#define UART_SCR 7 /* scratch register */

/* Interrupt Enable Register bits. */
#define UART_IER_ERBFI (1 << 0) /* received data available */
#define UART_IER_ETBEI (1 << 1) /* transmitter holding register empty */
#define UART_IER_ELSI  (1 << 2) /* receiver line status */
#define UART_IER_EDSSI (1 << 3) /* modem status */

/* Interrupt Identification Register values (FIFOs off: bits 7-6 read 0). */
#define UART_IIR_NO_INT  0x01 /* bit 0 = 1: no interrupt pending */
#define UART_IIR_RX_DATA 0x04 /* received data available (priority 2) */

/* FIFO Control Register: 0 turns the FIFOs off (16450 mode). */
#define UART_FCR_FIFO_OFF 0x00

/* Line Control Register bits. */
#define UART_LCR_WORD_8      0x03     /* WLS1 | WLS0: 8 data bits */
#define UART_LCR_STOP_1      0x00     /* STB = 0: 1 stop bit */
#define UART_LCR_PARITY_NONE 0x00     /* PEN = 0: no parity */
#define UART_LCR_STOP_2      (1 << 2) /* STB = 1: 2 stop bits (with 6-8 data bits) */
#define UART_LCR_PARITY_ON   (1 << 3) /* PEN */
#define UART_LCR_PARITY_EVEN (1 << 4) /* EPS */
#define UART_LCR_DLAB        (1 << 7) /* divisor latch access bit */

/* Modem Control Register bits. */
#define UART_MCR_DTR  (1 << 0) /* data terminal ready */
#define UART_MCR_RTS  (1 << 1) /* request to send */
#define UART_MCR_OUT1 (1 << 2) /* user output 1 */
#define UART_MCR_OUT2 (1 << 3) /* user output 2: on the PC it gates the IRQ line */
#define UART_MCR_LOOP (1 << 4) /* loopback: TX feeds RX, MCR outputs feed MSR inputs */

/* Modem Status Register bits 7-4 (in loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
#define UART_MSR_CTS    (1 << 4)
#define UART_MSR_DSR    (1 << 5)
#define UART_MSR_RI     (1 << 6)
#define UART_MSR_DCD    (1 << 7)
#define UART_MSR_INPUTS 0xF0 /* the four inputs; bits 3-0 are their change flags */

/* Line Status Register bits. */
#define UART_LSR_DR   (1 << 0) /* data ready: a received byte waits in RBR */
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
