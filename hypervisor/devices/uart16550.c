/*
 * uart16550.c - the 16550 UART a guest sees at COM1, as pure state (see uart16550.h).
 *
 *   THR --(MCR.LOOP = 0)--> line buffer --> console "[guest] <line>"
 *       \-(MCR.LOOP = 1)--> receive FIFO --> RBR          host input --/ (not in loopback)
 *
 * Transmission is instantaneous: a byte written to THR is gone at once, so LSR always
 * reads THRE | TEMT and the THR-empty interrupt comes back right after each write. The
 * modem inputs outside loopback are those of an attached terminal (CTS, DSR, DCD on).
 * Not modelled: baud timing (the divisor is stored only), parity/framing/break errors,
 * the transmit FIFO (nothing waits in it) and the receive timeout's four character times
 * (a byte below the trigger level reports the timeout interrupt at once).
 * See: TI PC16550D datasheet (SNLS378C), section 8 "Registers" (8.4 "Interrupt
 * Identification Register", 8.6 "Line Status Register", 8.7 "Modem Control Register").
 */
#include "hypervisor/devices/uart16550.h"

#include "hypervisor/console_budget.h"

#include "hypervisor/console.h"
#include "hypervisor/uart16550_regs.h"

/* The modem inputs of the terminal at the other end: clear to send, ready, carrier. */
#define MSR_TERMINAL_ATTACHED (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)
#define RX_BYTES_WITHOUT_FIFO 1u /* 16450 mode: RBR holds one byte */

/* Receive trigger level by FCR bits 7:6 ("FIFO Control Register"). */
static const uint8_t rx_trigger_levels[] = {1, 4, 8, 14};

static bool fifo_enabled(const struct uart16550 *uart) { return uart->fcr & UART_FCR_ENABLE; }
static bool loopback(const struct uart16550 *uart) { return uart->mcr & UART_MCR_LOOP; }
static bool dlab(const struct uart16550 *uart) { return uart->lcr & UART_LCR_DLAB; }

static unsigned rx_capacity(const struct uart16550 *uart)
{
    return fifo_enabled(uart) ? UART_FIFO_SIZE : RX_BYTES_WITHOUT_FIFO;
}

static unsigned rx_trigger(const struct uart16550 *uart)
{
    if (!fifo_enabled(uart))
        return RX_BYTES_WITHOUT_FIFO;
    return rx_trigger_levels[(uart->fcr & UART_FCR_TRIGGER_MASK) >> UART_FCR_TRIGGER_SHIFT];
}

/* MSR bits 7:4. In loopback the modem outputs feed the inputs: DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD (8.7 "Modem Control Register", bit 4). */
static uint8_t modem_inputs(const struct uart16550 *uart)
{
    if (!loopback(uart))
        return MSR_TERMINAL_ATTACHED;
    uint8_t in = 0;
    if (uart->mcr & UART_MCR_DTR)
        in |= UART_MSR_DSR;
    if (uart->mcr & UART_MCR_RTS)
        in |= UART_MSR_CTS;
    if (uart->mcr & UART_MCR_OUT1)
        in |= UART_MSR_RI;
    if (uart->mcr & UART_MCR_OUT2)
        in |= UART_MSR_DCD;
    return in;
}

/* New input levels: record what changed in the delta bits (RI only on its trailing edge). */
static void update_msr(struct uart16550 *uart)
{
    uint8_t old = uart->msr, now = modem_inputs(uart);
    uint8_t changed = old ^ now, deltas = old & UART_MSR_DELTAS;
    if (changed & UART_MSR_CTS)
        deltas |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        deltas |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
        deltas |= UART_MSR_TERI;
    if (changed & UART_MSR_DCD)
        deltas |= UART_MSR_DDCD;
    uart->msr = now | deltas;
}

static void rx_clear(struct uart16550 *uart) { uart->rx_head = uart->rx_count = 0; }

/* A byte reaches the receiver. When it is full the FIFO keeps its bytes and the new one
 * is lost; without FIFOs the new byte overwrites RBR. Either way LSR reports an overrun
 * (8.6 "Line Status Register", bit 1). */
static bool rx_push(struct uart16550 *uart, uint8_t byte)
{
    if (uart->rx_count == rx_capacity(uart)) {
        uart->lsr_errors |= UART_LSR_OVERRUN;
        if (!fifo_enabled(uart))
            uart->rx[uart->rx_head] = byte;
        return false;
    }
    uart->rx[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
    uart->rx_count++;
    return true;
}

static uint8_t rx_pop(struct uart16550 *uart)
{
    if (uart->rx_count == 0)
        return 0; /* nothing received */
    uint8_t byte = uart->rx[uart->rx_head];
    uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
    uart->rx_count--;
    return byte;
}

/* IIR bits 3:0: the highest-priority enabled interrupt pending (8.4, table "Interrupt
 * Control Functions"), or "none". */
static uint8_t interrupt_id(const struct uart16550 *uart)
{
    if ((uart->ier & UART_IER_LINE_STATUS) && uart->lsr_errors)
        return UART_IIR_LINE_STATUS;
    if ((uart->ier & UART_IER_RX_DATA) && uart->rx_count)
        return uart->rx_count >= rx_trigger(uart) ? UART_IIR_RX_DATA : UART_IIR_RX_TIMEOUT;
    if ((uart->ier & UART_IER_THRE) && uart->thre_interrupt)
        return UART_IIR_THRE;
    if ((uart->ier & UART_IER_MODEM) && (uart->msr & UART_MSR_DELTAS))
        return UART_IIR_MODEM;
    return UART_IIR_NO_INTERRUPT;
}

/* Power-on values, except that COM1 stays at 115200 8N1: the firmware and hvlab set it up
 * so before the guest runs, and a guest that prints without programming it still works. */
void uart16550_reset(struct uart16550 *uart)
{
    *uart = (struct uart16550){.lcr = UART_LCR_8N1, .dll = UART_BAUD_DIVISOR_115200};
    uart->msr = modem_inputs(uart);
}

static uint8_t read_iir(struct uart16550 *uart)
{
    uint8_t id = interrupt_id(uart);
    if (id == UART_IIR_THRE)
        uart->thre_interrupt = false; /* reading IIR clears THRE when it is the source */
    return id | (fifo_enabled(uart) ? UART_IIR_FIFO_ENABLED : 0);
}

static uint8_t read_lsr(struct uart16550 *uart)
{
    uint8_t lsr = uart->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT;
    if (uart->rx_count)
        lsr |= UART_LSR_DATA_READY;
    uart->lsr_errors = 0; /* the error bits clear on read */
    return lsr;
}

static uint8_t read_msr(struct uart16550 *uart)
{
    uint8_t msr = uart->msr;
    uart->msr &= (uint8_t)~UART_MSR_DELTAS; /* the deltas clear on read */
    return msr;
}

uint8_t uart16550_read(struct uart16550 *uart, unsigned reg)
{
    switch (reg) {
    case UART_RBR: return dlab(uart) ? uart->dll : rx_pop(uart);
    case UART_IER: return dlab(uart) ? uart->dlm : uart->ier;
    case UART_IIR: return read_iir(uart);
    case UART_LCR: return uart->lcr;
    case UART_MCR: return uart->mcr;
    case UART_LSR: return read_lsr(uart);
    case UART_MSR: return read_msr(uart);
    case UART_SCR: return uart->scr;
    default: return 0;
    }
}

/* THR: the byte leaves at once (or loops back); writing THR clears the THR-empty
 * interrupt, and the THR is empty again at once, which sets it again. */
static void write_thr(struct uart16550 *uart, uint8_t value)
{
    if (loopback(uart))
        rx_push(uart, value);
    else
        uart16550_put(uart, (char)value);
    uart->thre_interrupt = true;
}

/* Enabling ETBEI while THR is empty (always, here) raises the THR-empty interrupt. */
static void write_ier(struct uart16550 *uart, uint8_t value)
{
    uint8_t ier = value & UART_IER_MASK;
    if ((ier & UART_IER_THRE) && !(uart->ier & UART_IER_THRE))
        uart->thre_interrupt = true;
    uart->ier = ier;
}

/* FCR: switching the FIFOs on or off empties them; with bit 0 clear the other bits are not
 * programmed ("FIFO Control Register"). */
static void write_fcr(struct uart16550 *uart, uint8_t value)
{
    bool enable = value & UART_FCR_ENABLE;
    if (enable != fifo_enabled(uart))
        rx_clear(uart);
    if (!enable) {
        uart->fcr = 0;
        return;
    }
    if (value & UART_FCR_CLEAR_RX)
        rx_clear(uart);
    /* UART_FCR_CLEAR_TX: the transmit FIFO is always empty. */
    uart->fcr = value & (UART_FCR_ENABLE | UART_FCR_TRIGGER_MASK);
}

void uart16550_write(struct uart16550 *uart, unsigned reg, uint8_t value)
{
    switch (reg) {
    case UART_THR:
        if (dlab(uart))
            uart->dll = value;
        else
            write_thr(uart, value);
        break;
    case UART_IER:
        if (dlab(uart))
            uart->dlm = value;
        else
            write_ier(uart, value);
        break;
    case UART_FCR: write_fcr(uart, value); break;
    case UART_LCR: uart->lcr = value; break;
    case UART_MCR:
        uart->mcr = value & UART_MCR_MASK;
        update_msr(uart);
        break;
    case UART_SCR: uart->scr = value; break;
    default: break; /* LSR and MSR are read-only */
    }
}

/* In loopback the serial input is disconnected from the line: host bytes are not seen. */
bool uart16550_receive(struct uart16550 *uart, uint8_t byte)
{
    if (loopback(uart))
        return true;
    return rx_push(uart, byte);
}

bool uart16550_wants_input(const struct uart16550 *uart)
{
    return !loopback(uart) && (uart->ier & UART_IER_RX_DATA) &&
           uart->rx_count < rx_capacity(uart);
}

bool uart16550_irq(const struct uart16550 *uart)
{
    return interrupt_id(uart) != UART_IIR_NO_INTERRUPT && (uart->mcr & UART_MCR_OUT2);
}

/* One whole line on hvlab's console, in one call (lines of VMs never mix), if the VM's
 * console budget allows it. */
static void print_line(struct uart16550 *uart)
{
    uart->line[uart->line_len] = '\0';
    if (!uart->budget || console_budget_take(uart->budget, uart->line_len + 1))
        kprintf("[%s] %s\n", uart->tag ? uart->tag : UART_TAG_DEFAULT, uart->line);
    uart->line_len = 0;
}

void uart16550_flush(struct uart16550 *uart)
{
    if (uart->line_len != 0)
        print_line(uart);
}

void uart16550_put(struct uart16550 *uart, char c)
{
    if (c == '\r')
        return; /* the guest ends lines with "\r\n"; the console adds its own */
    if (c == '\n') {
        print_line(uart);
        return;
    }
    uart->line[uart->line_len++] = c;
    if (uart->line_len == UART_LINE_MAX)
        uart16550_flush(uart);
}
