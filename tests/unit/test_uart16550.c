/*
 * test_uart16550.c - Host unit tests for the 16550 UART model
 * (hypervisor/devices/uart16550.c). Guest output goes through the real console.c over the
 * stub serial port (tests/unit/stub_serial.c), so the tests read what hvlab would print.
 * See: TI PC16550D datasheet (SNLS378C), section 8 "Registers".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/console.h"
#include "hypervisor/devices/uart16550.h"
#include "hypervisor/uart16550_regs.h"
#include "tests/unit/fake_backend.h"

#define IER_ALL      (UART_IER_RX_DATA | UART_IER_THRE | UART_IER_LINE_STATUS | UART_IER_MODEM)
#define FIFO         UART_IIR_FIFO_ENABLED
#define TRIGGER_4    (1u << UART_FCR_TRIGGER_SHIFT)
#define TERMINAL     (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD) /* modem inputs */
#define DIVISOR_9600 12u

static struct uart16550 uart;

static int setup(void **state)
{
    (void)state;
    uart16550_reset(&uart);
    console_clear();
    return 0;
}

static uint8_t rd(unsigned reg) { return uart16550_read(&uart, reg); }
static void wr(unsigned reg, uint8_t value) { uart16550_write(&uart, reg, value); }

static void send(const char *s)
{
    while (*s)
        wr(UART_THR, (uint8_t)*s++);
}

/* ---- registers ------------------------------------------------------------------------ */

static void test_reset_values(void **state)
{
    (void)state;
    assert_int_equal(rd(UART_IER), 0);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);
    assert_int_equal(rd(UART_LCR), UART_LCR_8N1);
    assert_int_equal(rd(UART_MCR), 0);
    assert_int_equal(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(UART_MSR), TERMINAL);
    assert_false(uart16550_irq(&uart));
}

static void test_divisor_latch(void **state)
{
    (void)state;
    wr(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
    wr(UART_DLL, DIVISOR_9600);
    wr(UART_DLM, 0x01);
    assert_int_equal(rd(UART_DLL), DIVISOR_9600);
    assert_int_equal(rd(UART_DLM), 0x01);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT); /* DLAB leaves IIR alone */

    wr(UART_LCR, UART_LCR_8N1);
    assert_int_equal(rd(UART_IER), 0); /* DLM was not IER */
    wr(UART_IER, UART_IER_RX_DATA);
    assert_int_equal(rd(UART_IER), UART_IER_RX_DATA);
    wr(UART_LCR, UART_LCR_DLAB);
    assert_int_equal(rd(UART_DLM), 0x01);
    assert_int_equal(uart.dll, DIVISOR_9600);
    assert_string_equal(console_text(), ""); /* divisor bytes are no output */
}

static void test_scratch_and_masked_bits(void **state)
{
    (void)state;
    wr(UART_SCR, 0x5A);
    assert_int_equal(rd(UART_SCR), 0x5A);
    wr(UART_IER, 0xFF);
    assert_int_equal(rd(UART_IER), UART_IER_MASK); /* bits 7:4 are always 0 */
    wr(UART_MCR, 0xFF & ~UART_MCR_LOOP);
    assert_int_equal(rd(UART_MCR), UART_MCR_MASK & ~UART_MCR_LOOP);
    wr(UART_LSR, 0); /* read-only */
    assert_int_equal(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

/* ---- interrupts ----------------------------------------------------------------------- */

/* Every source at once: IIR names them in priority order as each is cleared. */
static void test_iir_priorities(void **state)
{
    (void)state;
    wr(UART_MCR, UART_MCR_LOOP); /* CTS drops: a modem status delta */
    wr(UART_THR, 'a');
    wr(UART_THR, 'b'); /* no FIFO: 'b' overruns 'a' */
    wr(UART_IER, IER_ALL);

    assert_int_equal(rd(UART_IIR), UART_IIR_LINE_STATUS);
    assert_int_equal(rd(UART_LSR) & UART_LSR_OVERRUN, UART_LSR_OVERRUN);
    assert_int_equal(rd(UART_IIR), UART_IIR_RX_DATA);
    assert_int_equal(rd(UART_RBR), 'b');
    assert_int_equal(rd(UART_IIR), UART_IIR_THRE); /* ...and this read clears it */
    assert_int_equal(rd(UART_IIR), UART_IIR_MODEM);
    assert_int_equal(rd(UART_MSR) & UART_MSR_DCTS, UART_MSR_DCTS);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);
}

static void test_thre_interrupt_rules(void **state)
{
    (void)state;
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);
    wr(UART_IER, UART_IER_THRE); /* enabled while THR is empty: raised at once */
    assert_int_equal(rd(UART_IIR), UART_IIR_THRE);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT); /* the IIR read cleared it */

    wr(UART_IER, UART_IER_THRE); /* still enabled: no new interrupt */
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);

    send("x"); /* THR written, sent, empty again: raised again */
    assert_int_equal(rd(UART_IIR), UART_IIR_THRE);

    send("y"); /* not read: a higher source hides it, and it stays pending */
    wr(UART_IER, UART_IER_THRE | UART_IER_RX_DATA);
    uart16550_receive(&uart, 'r');
    assert_int_equal(rd(UART_IIR), UART_IIR_RX_DATA);
    rd(UART_RBR);
    assert_int_equal(rd(UART_IIR), UART_IIR_THRE);

    wr(UART_IER, 0); /* disabled, then enabled again: raised again */
    wr(UART_IER, UART_IER_THRE);
    assert_int_equal(rd(UART_IIR), UART_IIR_THRE);
}

/* Pending but disabled sources do not show in IIR. */
static void test_disabled_sources_hidden(void **state)
{
    (void)state;
    uart16550_receive(&uart, 'q');
    send("z");
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, UART_LSR_DATA_READY);
}

static void test_irq_gated_by_out2(void **state)
{
    (void)state;
    wr(UART_IER, UART_IER_THRE);
    assert_false(uart16550_irq(&uart)); /* pending, but OUT2 keeps it off the bus */
    wr(UART_MCR, UART_MCR_OUT2);
    assert_true(uart16550_irq(&uart));
    rd(UART_IIR);
    assert_false(uart16550_irq(&uart));
}

/* ---- receiver ------------------------------------------------------------------------- */

static void test_rx_fifo_data_ready_and_interrupt(void **state)
{
    (void)state;
    wr(UART_FCR, UART_FCR_ENABLE);
    wr(UART_IER, UART_IER_RX_DATA);
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_NO_INTERRUPT);
    assert_true(uart16550_wants_input(&uart));

    assert_true(uart16550_receive(&uart, 'h'));
    assert_true(uart16550_receive(&uart, 'i'));
    assert_int_equal(rd(UART_LSR), UART_LSR_DATA_READY | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_RX_DATA);
    assert_int_equal(rd(UART_RBR), 'h');
    assert_int_equal(rd(UART_RBR), 'i');
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_NO_INTERRUPT);
}

/* Below the trigger level the timeout interrupt is reported (time is not modelled). */
static void test_rx_trigger_level(void **state)
{
    (void)state;
    wr(UART_FCR, UART_FCR_ENABLE | TRIGGER_4);
    wr(UART_IER, UART_IER_RX_DATA);
    for (int i = 0; i < 3; i++)
        uart16550_receive(&uart, (uint8_t)('0' + i));
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_RX_TIMEOUT);
    uart16550_receive(&uart, '3');
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_RX_DATA);
}

static void test_overrun_fifo(void **state)
{
    (void)state;
    wr(UART_FCR, UART_FCR_ENABLE);
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        assert_true(uart16550_receive(&uart, (uint8_t)i));
    assert_false(uart16550_wants_input(&uart));
    assert_false(uart16550_receive(&uart, 0xEE)); /* lost */
    wr(UART_IER, UART_IER_LINE_STATUS);
    assert_int_equal(rd(UART_IIR), FIFO | UART_IIR_LINE_STATUS);
    assert_int_equal(rd(UART_LSR),
                     UART_LSR_OVERRUN | UART_LSR_DATA_READY | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(UART_LSR) & UART_LSR_OVERRUN, 0); /* cleared by the read */
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        assert_int_equal(rd(UART_RBR), i);
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);
}

/* Without FIFOs RBR holds one byte, and a new one overwrites it. */
static void test_overrun_without_fifo(void **state)
{
    (void)state;
    assert_true(uart16550_receive(&uart, 'a'));
    assert_false(uart16550_receive(&uart, 'b'));
    assert_int_equal(rd(UART_LSR) & UART_LSR_OVERRUN, UART_LSR_OVERRUN);
    assert_int_equal(rd(UART_RBR), 'b');
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);
}

static void test_fifo_clear_and_enable(void **state)
{
    (void)state;
    wr(UART_FCR, UART_FCR_ENABLE);
    uart16550_receive(&uart, 'a');
    uart16550_receive(&uart, 'b');
    wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);
    assert_int_equal(rd(UART_IIR) & FIFO, FIFO);

    uart16550_receive(&uart, 'c');
    wr(UART_FCR, 0); /* leaving FIFO mode empties the FIFO */
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);

    wr(UART_FCR, TRIGGER_4); /* bit 0 clear: the trigger is not programmed */
    assert_int_equal(uart.fcr, 0);
}

/* ---- loopback ------------------------------------------------------------------------- */

static void test_loopback_bytes(void **state)
{
    (void)state;
    wr(UART_FCR, UART_FCR_ENABLE);
    wr(UART_MCR, UART_MCR_LOOP);
    send("ok\n");
    assert_string_equal(console_text(), ""); /* nothing leaves */
    assert_int_equal(rd(UART_RBR), 'o');
    assert_int_equal(rd(UART_RBR), 'k');
    assert_int_equal(rd(UART_RBR), '\n');
    assert_false(uart16550_wants_input(&uart));
    uart16550_receive(&uart, 'h'); /* the serial input is disconnected */
    assert_int_equal(rd(UART_LSR) & UART_LSR_DATA_READY, 0);

    wr(UART_MCR, 0);
    send("out\n");
    assert_string_equal(console_text(), "[guest] out\n");
}

static void test_loopback_msr(void **state)
{
    (void)state;
    rd(UART_MSR);
    wr(UART_MCR, UART_MCR_LOOP); /* every input drops: CTS, DSR, DCD change */
    assert_int_equal(rd(UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    assert_int_equal(rd(UART_MSR), 0); /* deltas cleared by the read */

    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    assert_int_equal(rd(UART_MSR), UART_MSR_DSR | UART_MSR_DDSR);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    assert_int_equal(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DCTS | UART_MSR_DDSR);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    assert_int_equal(rd(UART_MSR), UART_MSR_DCD | UART_MSR_DDCD | UART_MSR_DCTS);

    /* RI: only its trailing edge (on -> off) sets TERI. */
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
    assert_int_equal(rd(UART_MSR), UART_MSR_RI | UART_MSR_DDCD);
    wr(UART_MCR, UART_MCR_LOOP);
    assert_int_equal(rd(UART_MSR), UART_MSR_TERI);
}

static void test_modem_status_interrupt(void **state)
{
    (void)state;
    wr(UART_IER, UART_IER_MODEM);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    assert_int_equal(rd(UART_IIR), UART_IIR_MODEM);
    assert_true(uart16550_irq(&uart));
    rd(UART_MSR);
    assert_int_equal(rd(UART_IIR), UART_IIR_NO_INTERRUPT);
    assert_false(uart16550_irq(&uart));
}

/* ---- output lines ---------------------------------------------------------------------- */

static void test_output_lines(void **state)
{
    (void)state;
    send("hello\r\n");
    assert_string_equal(console_text(), "[guest] hello\n");
    send("\r\n");
    assert_string_equal(console_text(), "[guest] hello\n[guest] \n");
}

static void test_output_long_line_in_pieces(void **state)
{
    (void)state;
    char line[UART_LINE_MAX + 6];
    for (unsigned i = 0; i < sizeof(line) - 1; i++)
        line[i] = (char)('a' + i % 26);
    line[sizeof(line) - 1] = '\0';
    send(line);
    assert_int_equal(strlen(console_text()), strlen("[guest] ") + UART_LINE_MAX + 1);
    send("\n");
    assert_true(console_contains("\n[guest] efghi\n")); /* characters 160..164 */
}

/* The hypercall path (uart16550_put) shares the line; flush prints a partial line once. */
static void test_put_and_flush(void **state)
{
    (void)state;
    send("ab");
    uart16550_put(&uart, 'c');
    assert_string_equal(console_text(), "");
    uart16550_flush(&uart);
    uart16550_flush(&uart);
    assert_string_equal(console_text(), "[guest] abc\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
    const struct CMUnitTest tests[] = {
        T(test_reset_values),
        T(test_divisor_latch),
        T(test_scratch_and_masked_bits),
        T(test_iir_priorities),
        T(test_thre_interrupt_rules),
        T(test_disabled_sources_hidden),
        T(test_irq_gated_by_out2),
        T(test_rx_fifo_data_ready_and_interrupt),
        T(test_rx_trigger_level),
        T(test_overrun_fifo),
        T(test_overrun_without_fifo),
        T(test_fifo_clear_and_enable),
        T(test_loopback_bytes),
        T(test_loopback_msr),
        T(test_modem_status_interrupt),
        T(test_output_lines),
        T(test_output_long_line_in_pieces),
        T(test_put_and_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
