/*
 * uart.c - the 16550 at 0x3F8 register by register: divisor latch, LCR, MCR, IER, IIR,
 * loopback (data and modem lines), and the received-data interrupt on IRQ 4.
 *
 * Loopback (MCR bit 4) makes a byte written to THR come back in RBR, and turns RTS, DTR,
 * OUT1, OUT2 into CTS, DSR, RI, DCD. While a check has the UART in loopback nothing may
 * be printed (it would be looped back, not sent), so every check restores the normal
 * state (uart_restore) before it returns.
 *
 * See: PC16550D datasheet (TI SNLS378C): "Register Addresses", "Line Control Register",
 *      "Interrupt Identification Register", "Interrupt Enable Register", "Modem Control
 *      Register" (loopback), "Modem Status Register", "Line Status Register".
 */
#include "conform.h"
#include "io.h"
#include "pic.h"
#include "uart.h"

#define LCR_8N1       (UART_LCR_WORD_8 | UART_LCR_STOP_1 | UART_LCR_PARITY_NONE)
#define LCR_EVEN      (UART_LCR_PARITY_ON | UART_LCR_PARITY_EVEN)
#define LCR_8E2       (UART_LCR_WORD_8 | UART_LCR_STOP_2 | LCR_EVEN)
#define MCR_NORMAL    (UART_MCR_DTR | UART_MCR_RTS) /* what uart_init() leaves */
#define MCR_ALL_LINES (UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2)

#define TEST_DLL  0x34 /* divisor 0x1234: any value reads back */
#define TEST_DLM  0x12
#define BAUD_DLL  (UART_BAUD_BASE / UART_BAUD) /* 115200 baud: divisor 1 */
#define RBR_DRAIN 32                           /* at most this many stale bytes */

#define LOOP_BYTE   0xA5 /* sent to ourselves in loopback */
#define IRQ_BYTE    'Z'  /* sent to ourselves for the RX interrupt */
#define IRQ_WAIT_MS CONFORM_EVENT_WAIT_MS

static uint8_t reg_read(unsigned reg) { return inb(COM1_PORT + reg); }
static void reg_write(unsigned reg, uint8_t v) { outb(COM1_PORT + reg, v); }

/* Read RBR until LSR.DR is clear (stale bytes from an earlier check). */
static void drain_rx(void)
{
    for (unsigned i = 0; i < RBR_DRAIN && (reg_read(UART_LSR) & UART_LSR_DR); i++)
        reg_read(UART_RBR);
}

/* Enter loopback with these modem outputs; FIFOs off, nothing received pending. */
static void loopback_on(uint8_t lines)
{
    uart_flush();
    reg_write(UART_FCR, UART_FCR_FIFO_OFF);
    reg_write(UART_MCR, UART_MCR_LOOP | lines);
    drain_rx();
}

/* Back to what uart_init() set up: 115200 8N1, no interrupts, no loopback. */
static void uart_restore(void)
{
    reg_write(UART_IER, 0);
    reg_write(UART_MCR, MCR_NORMAL);
    drain_rx();
}

/* DLAB = 1: DLL/DLM hold a divisor; DLAB = 0: offset 1 is IER again. */
enum tap_outcome check_uart_divisor_latch(void)
{
    reg_write(UART_IER, 0);
    reg_write(UART_LCR, UART_LCR_DLAB | LCR_8N1);
    reg_write(UART_DLL, TEST_DLL);
    reg_write(UART_DLM, TEST_DLM);
    uint8_t dll = reg_read(UART_DLL), dlm = reg_read(UART_DLM);
    reg_write(UART_LCR, LCR_8N1);
    uint8_t ier = reg_read(UART_IER);
    reg_write(UART_LCR, UART_LCR_DLAB | LCR_8N1);
    reg_write(UART_DLL, BAUD_DLL);
    reg_write(UART_DLM, 0);
    reg_write(UART_LCR, LCR_8N1);

    if (dll != TEST_DLL || dlm != TEST_DLM)
        return tap_fail("wrote DLL 0x%02x DLM 0x%02x, read 0x%02x 0x%02x", TEST_DLL, TEST_DLM,
                        dll, dlm);
    if (ier != 0)
        return tap_fail("with DLAB = 0 offset 1 read 0x%02x, expected IER = 0x00", ier);
    return TAP_PASS;
}

/* LCR keeps every bit written. */
enum tap_outcome check_uart_lcr(void)
{
    reg_write(UART_LCR, LCR_8E2);
    uint8_t got = reg_read(UART_LCR);
    reg_write(UART_LCR, LCR_8N1);
    uint8_t back = reg_read(UART_LCR);

    if (got != LCR_8E2)
        return tap_fail("wrote LCR 0x%02x, read 0x%02x", LCR_8E2, got);
    if (back != LCR_8N1)
        return tap_fail("wrote LCR 0x%02x, read 0x%02x", LCR_8N1, back);
    return TAP_PASS;
}

/* MCR keeps DTR, RTS, OUT1, OUT2. */
enum tap_outcome check_uart_mcr(void)
{
    reg_write(UART_MCR, MCR_ALL_LINES);
    uint8_t got = reg_read(UART_MCR);
    reg_write(UART_MCR, MCR_NORMAL);
    uint8_t back = reg_read(UART_MCR);

    if (got != MCR_ALL_LINES)
        return tap_fail("wrote MCR 0x%02x, read 0x%02x", MCR_ALL_LINES, got);
    if (back != MCR_NORMAL)
        return tap_fail("wrote MCR 0x%02x, read 0x%02x", MCR_NORMAL, back);
    return TAP_PASS;
}

/* IER keeps its enable bits (not ETBEI: an empty THR would raise IRQ 4 at once). */
enum tap_outcome check_uart_ier(void)
{
    const uint8_t value = UART_IER_ERBFI | UART_IER_ELSI;

    reg_write(UART_IER, value);
    uint8_t got = reg_read(UART_IER);
    reg_write(UART_IER, 0);
    uint8_t back = reg_read(UART_IER);

    if (got != value)
        return tap_fail("wrote IER 0x%02x, read 0x%02x", value, got);
    if (back != 0)
        return tap_fail("wrote IER 0x00, read 0x%02x", back);
    return TAP_PASS;
}

/* IIR reads 0x01 (no interrupt pending, FIFOs off), with IER = 0 and with only ERBFI
 * enabled but nothing received. */
enum tap_outcome check_uart_iir_idle(void)
{
    reg_write(UART_FCR, UART_FCR_FIFO_OFF);
    drain_rx();
    reg_write(UART_IER, 0);
    uint8_t off = reg_read(UART_IIR);
    reg_write(UART_IER, UART_IER_ERBFI);
    uint8_t rx_enabled = reg_read(UART_IIR);
    reg_write(UART_IER, 0);

    if (off != UART_IIR_NO_INT)
        return tap_fail("IER 0x00: IIR 0x%02x, expected 0x01", off);
    if (rx_enabled != UART_IIR_NO_INT)
        return tap_fail("IER 0x01, nothing received: IIR 0x%02x, expected 0x01", rx_enabled);
    return TAP_PASS;
}

/* Loopback: THR -> RBR, with LSR.DR 0 before, 1 once sent, 0 after RBR is read. */
enum tap_outcome check_uart_loopback_data(void)
{
    loopback_on(MCR_NORMAL);
    uint8_t lsr_before = reg_read(UART_LSR);
    reg_write(UART_THR, LOOP_BYTE);
    uint8_t lsr_sent = reg_read(UART_LSR);
    uint8_t rbr = reg_read(UART_RBR);
    uint8_t lsr_read = reg_read(UART_LSR);
    uart_restore();

    if (lsr_before & UART_LSR_DR)
        return tap_fail("LSR 0x%02x before sending: DR set", lsr_before);
    if (!(lsr_sent & UART_LSR_DR))
        return tap_fail("LSR 0x%02x after writing THR: DR clear", lsr_sent);
    if (rbr != LOOP_BYTE)
        return tap_fail("RBR 0x%02x, sent 0x%02x", rbr, LOOP_BYTE);
    if (lsr_read & UART_LSR_DR)
        return tap_fail("LSR 0x%02x after reading RBR: DR still set", lsr_read);
    return TAP_PASS;
}

/* Loopback: MSR bits 7-4 follow MCR: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
enum tap_outcome check_uart_loopback_msr(void)
{
    loopback_on(UART_MCR_DTR | UART_MCR_RTS);
    uint8_t msr_dtr_rts = reg_read(UART_MSR) & UART_MSR_INPUTS;
    reg_write(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_OUT2);
    uint8_t msr_out = reg_read(UART_MSR) & UART_MSR_INPUTS;
    uart_restore();

    if (msr_dtr_rts != (UART_MSR_CTS | UART_MSR_DSR))
        return tap_fail("MCR DTR|RTS: MSR[7:4] 0x%02x, expected 0x%02x", msr_dtr_rts,
                        UART_MSR_CTS | UART_MSR_DSR);
    if (msr_out != (UART_MSR_RI | UART_MSR_DCD))
        return tap_fail("MCR OUT1|OUT2: MSR[7:4] 0x%02x, expected 0x%02x", msr_out,
                        UART_MSR_RI | UART_MSR_DCD);
    return TAP_PASS;
}

/* What the IRQ 4 handler saw. */
static volatile uint8_t rx_iir, rx_byte;
static volatile uint32_t rx_bytes;

/* IRQ 4 hook: identify the interrupt, then take the byte (which clears it). */
static void com1_irq(void)
{
    uint8_t iir = reg_read(UART_IIR);

    if (iir == UART_IIR_RX_DATA) {
        rx_iir = iir;
        rx_byte = reg_read(UART_RBR);
        rx_bytes++;
    } else if (rx_bytes == 0) {
        rx_iir = iir; /* keep the first odd value for the report */
    }
}

/* Loopback + IER.ERBFI + MCR.OUT2, IRQ 4 unmasked: the byte sent raises vector 0x24; the
 * handler sees IIR = 0x04 and reads the byte, after which IIR is 0x01 again. */
enum tap_outcome check_uart_rx_interrupt(void)
{
    uint32_t before = trap_irqs.count[PIC_IRQ_COM1];

    rx_iir = rx_byte = 0;
    rx_bytes = 0;
    loopback_on(UART_MCR_OUT2);
    reg_write(UART_IER, UART_IER_ERBFI);
    trap_set_irq_hook(PIC_IRQ_COM1, com1_irq);
    pic_set_mask(PIC_MASK_ALL & ~(1u << PIC_IRQ_COM1));

    reg_write(UART_THR, IRQ_BYTE);
    cpu_sti();
    uint32_t after = wait_for_irq(PIC_IRQ_COM1, before, IRQ_WAIT_MS);
    cpu_cli();
    uint8_t iir_after = reg_read(UART_IIR);
    uint8_t lsr_after = reg_read(UART_LSR);
    uint32_t vector = trap_irqs.last_vector;

    pic_set_mask(PIC_MASK_ALL);
    trap_set_irq_hook(PIC_IRQ_COM1, 0);
    uart_restore();

    if (after == before)
        return tap_fail("no IRQ 4 within %u ms (IIR 0x%02x, LSR 0x%02x)", IRQ_WAIT_MS,
                        iir_after, lsr_after);
    if (vector != CONFORM_PIC_MASTER_BASE + PIC_IRQ_COM1)
        return tap_fail("vector 0x%02x, expected 0x%02x", vector,
                        CONFORM_PIC_MASTER_BASE + PIC_IRQ_COM1);
    if (rx_bytes != 1 || rx_iir != UART_IIR_RX_DATA)
        return tap_fail("handler saw IIR 0x%02x and read %u bytes, expected IIR 0x04 and 1",
                        rx_iir, rx_bytes);
    if (rx_byte != IRQ_BYTE)
        return tap_fail("handler read 0x%02x, sent 0x%02x", rx_byte, IRQ_BYTE);
    if (iir_after != UART_IIR_NO_INT || (lsr_after & UART_LSR_DR))
        return tap_fail("after the handler IIR 0x%02x LSR 0x%02x, expected IIR 0x01, DR 0",
                        iir_after, lsr_after);
    return TAP_PASS;
}
