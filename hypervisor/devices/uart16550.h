/*
 * uart16550.h - the emulated COM1 16550 UART a guest sees.
 *
 * Every register: RBR/THR, IER, IIR (prioritised interrupt identification), FCR (16-byte
 * FIFOs), LCR, MCR (with loopback), LSR, MSR, SCR and the divisor latch. Transmitted bytes
 * are collected into lines and printed on hvlab's console as "[guest] <line>" (or with the
 * VM's name, "[conform] <line>", when several VMs run), each line with one console call,
 * so lines of different VMs never mix; received
 * bytes come from loopback or from hvlab's own serial input (uart16550_receive). The IRQ 4
 * line is high when an enabled interrupt is pending and MCR.OUT2 is set (on the PC, OUT2
 * gates the UART's interrupt onto the ISA bus).
 * See: TI PC16550D datasheet (SNLS378C), section 8 "Registers"; offsets and bits in
 * hypervisor/uart16550_regs.h.
 */
#ifndef HVLAB_DEVICES_UART16550_H
#define HVLAB_DEVICES_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART_FIFO_SIZE   16u
#define UART_LINE_MAX    160u /* longer guest lines are printed in pieces */
#define UART_COM1_IRQ    4u
#define UART_TAG_DEFAULT "guest" /* the console tag when the VM sets none */

struct uart16550 {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    uint8_t msr;         /* modem status: input levels (7:4) and unread deltas (3:0) */
    uint8_t lsr_errors;  /* LSR error bits (overrun) held until LSR is read */
    bool thre_interrupt; /* the THR-empty interrupt is pending (IIR priority 3) */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    char line[UART_LINE_MAX + 1];
    unsigned line_len;
    const char *tag;               /* "[tag] line" on the console; NULL: UART_TAG_DEFAULT */
    struct console_budget *budget; /* the VM's share of the console; NULL: no limit */
};

/* Registers to their reset values, FIFOs empty, no pending output, the default tag and
 * no console budget. */
void uart16550_reset(struct uart16550 *uart);

/* Guest register access; `reg` is the offset from the base port (0-7). */
uint8_t uart16550_read(struct uart16550 *uart, unsigned reg);
void uart16550_write(struct uart16550 *uart, unsigned reg, uint8_t value);

/* A byte arrives on the receive line (host input). False if the FIFO was full: the byte
 * is dropped and LSR reports an overrun, as on the real chip. */
bool uart16550_receive(struct uart16550 *uart, uint8_t byte);

/* Whether the guest would take a received byte now (receiver interrupt enabled): the core
 * polls hvlab's own serial port only then. */
bool uart16550_wants_input(const struct uart16550 *uart);

/* The level of the IRQ 4 line. */
bool uart16550_irq(const struct uart16550 *uart);

/* One byte of guest output, as if transmitted (also used by HC_CONSOLE_WRITE). */
void uart16550_put(struct uart16550 *uart, char c);

/* Print the pending partial line, if any (the guest ended without a final newline). */
void uart16550_flush(struct uart16550 *uart);

#endif
