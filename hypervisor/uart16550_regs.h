/*
 * uart16550_regs.h - the 16550 UART's register file, shared by hvlab's own console driver
 * (arch/x86_64/serial.c) and the UART it emulates for guests.
 * See: TI "PC16550D Universal Asynchronous Receiver/Transmitter with FIFOs" datasheet,
 * section 8 "Registers" (register offsets from the base port, bit meanings).
 */
#ifndef HVLAB_UART16550_REGS_H
#define HVLAB_UART16550_REGS_H

#define COM1_PORT       0x3F8u /* the PC's first serial port */
#define UART_PORT_COUNT 8u     /* registers occupy base .. base+7 */

/* Register offsets (DLAB = LCR bit 7 selects the divisor latch at offsets 0 and 1). */
#define UART_RBR 0 /* receiver buffer (read, DLAB=0) */
#define UART_THR 0 /* transmitter holding (write, DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

#define UART_LCR_8N1             0x03u    /* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB            0x80u    /* divisor latch access */
#define UART_FCR_ENABLE_CLEAR    0x07u    /* enable FIFOs, clear receive and transmit FIFOs */
#define UART_MCR_DTR_RTS_OUT2    0x0Bu    /* data terminal ready, request to send, OUT2 */
#define UART_LSR_DATA_READY      0x01u    /* a received byte waits in RBR */
#define UART_LSR_THRE            0x20u    /* transmitter holding register empty */
#define UART_LSR_TEMT            0x40u    /* transmitter empty (THR and shift register) */
#define UART_IIR_NO_INTERRUPT    0x01u    /* no interrupt pending */
#define UART_CLOCK_HZ            1843200u /* the PC's UART clock: divisor = 115200 / baud */
#define UART_BAUD_DIVISOR_115200 1u

#endif
