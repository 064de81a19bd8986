/*
 * echo.c - hello's echo mode: COM1 input by interrupt (see echo.h).
 *
 * The receive path a serial console driver uses, in its smallest form: the UART raises
 * "received data available" (IER bit 0), OUT2 lets that reach IRQ 4 on a PC, the master
 * PIC passes IRQ 4 to the CPU at IDT_IRQ_BASE + 4, and the handler drains RBR while LSR
 * says data ready, into a ring the main loop empties between HLTs. The FIFOs stay off
 * (16450 mode): one byte at a time, so every byte is one interrupt.
 *
 * PIT channel 0 ticks too (ECHO_TICK_HZ), only so that a guest idle at the prompt keeps
 * taking interrupts: hvlab stops a HLT that nothing wakes within watchdog= seconds.
 *
 * See: PC16550D datasheet, "Interrupt Enable Register", "Interrupt Identification
 *      Register", "Modem Control Register" (OUT2); Intel 8259A datasheet, "The End of
 *      Interrupt"; Intel SDM Vol. 2A, HLT and STI (the interrupt shadow).
 */
#include "echo.h"

#include <stdint.h>

#include "idt.h"
#include "io.h"
#include "pic.h"
#include "pit.h"
#include "print.h"
#include "str.h"
#include "uart.h"

#define ECHO_WORD     "echo"
#define QUIT_LINE     "quit"
#define ECHO_TICK_HZ  20u  /* PIT channel 0 rate: an interrupt every 50 ms */
#define LINE_MAX      128u /* longest line kept; the rest of a longer line is dropped */
#define RING_SIZE     256u /* received bytes not yet read by the main loop (power of 2) */
#define ASCII_CR      '\r'
#define ASCII_LF      '\n'
#define ASCII_BS      0x08 /* backspace (Ctrl-H) */
#define ASCII_DEL     0x7F /* what most terminals send for the backspace key */
#define ASCII_PRINT_MIN 0x20 /* space: the first printable character */

/* Bytes the IRQ 4 handler took from RBR; the main loop reads them with interrupts off. */
static volatile uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head, ring_tail; /* written by the handler / the main loop */
static volatile uint32_t ring_overruns;        /* bytes lost because the ring was full */

bool echo_wanted(const char *cmdline)
{
    size_t len = strlen(ECHO_WORD);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        if (strncmp(p, ECHO_WORD, len) == 0 && (p[len] == ' ' || p[len] == '\0'))
            return true;
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

/* IRQ 4: take every byte the UART holds (reading RBR clears its interrupt), then EOI. */
__attribute__((interrupt)) static void com1_interrupt(struct interrupt_frame *f)
{
    (void)f;
    while (inb(COM1_PORT + UART_LSR) & UART_LSR_DR) {
        uint8_t byte = inb(COM1_PORT + UART_RBR);
        if (ring_head - ring_tail < RING_SIZE)
            ring[ring_head++ % RING_SIZE] = byte;
        else
            ring_overruns++;
    }
    pic_eoi(PIC_IRQ_COM1);
}

/* IRQ 0: nothing to do but acknowledge it; waking the HLT was its job. */
__attribute__((interrupt)) static void timer_interrupt(struct interrupt_frame *f)
{
    (void)f;
    pic_eoi(PIC_IRQ_TIMER);
}

/* Vectors, PIC, PIT and the UART's receive interrupt, then STI. */
static void enable_input_interrupts(void)
{
    idt_set_handler(IDT_IRQ_BASE + PIC_IRQ_TIMER, timer_interrupt);
    idt_set_handler(IDT_IRQ_BASE + PIC_IRQ_COM1, com1_interrupt);
    idt_load();
    pic_remap(IDT_IRQ_BASE, IDT_IRQ_BASE + 8);
    pit_start_periodic(PIT_DIVISOR(ECHO_TICK_HZ));
    outb(COM1_PORT + UART_FCR, UART_FCR_FIFO_OFF);
    while (inb(COM1_PORT + UART_LSR) & UART_LSR_DR) /* nothing stale */
        (void)inb(COM1_PORT + UART_RBR);
    outb(COM1_PORT + UART_IER, UART_IER_ERBFI);
    outb(COM1_PORT + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    pic_unmask(PIC_IRQ_TIMER);
    pic_unmask(PIC_IRQ_COM1);
    __asm__ volatile("sti");
}

/* The next received byte; HLT until one comes. STI;HLT as a pair: the interrupt shadow of
 * STI keeps an interrupt from landing between the empty check and the HLT. */
static uint8_t next_byte(void)
{
    for (;;) {
        __asm__ volatile("cli");
        if (ring_tail != ring_head) {
            uint8_t byte = ring[ring_tail++ % RING_SIZE];
            __asm__ volatile("sti");
            return byte;
        }
        __asm__ volatile("sti; hlt");
    }
}

/* Read one line into line (NUL-terminated): CR or LF ends it (an empty one is skipped),
 * backspace takes a character back, other control characters are ignored. */
static void read_line(char *line)
{
    size_t len = 0;
    for (;;) {
        uint8_t c = next_byte();
        if (c == ASCII_CR || c == ASCII_LF) {
            if (len == 0)
                continue; /* the LF of a CR LF, or an empty line */
            line[len] = '\0';
            return;
        }
        if (c == ASCII_BS || c == ASCII_DEL) {
            len -= len > 0;
            continue;
        }
        if (c >= ASCII_PRINT_MIN && c < ASCII_DEL && len < LINE_MAX)
            line[len++] = (char)c;
    }
}

bool echo_run(void)
{
    char line[LINE_MAX + 1];

    enable_input_interrupts();
    kprintf("hello: echo mode: type a line, \"%s\" ends; ready\n", QUIT_LINE);
    for (;;) {
        read_line(line);
        kprintf("echo: %s\n", line);
        if (strcmp(line, QUIT_LINE) == 0)
            break;
    }
    __asm__ volatile("cli");
    if (ring_overruns)
        kprintf("hello: echo: %u bytes lost (ring full)\n", ring_overruns);
    return ring_overruns == 0;
}
