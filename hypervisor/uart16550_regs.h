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

/* IER: which conditions interrupt ("Interrupt Enable Register"). */
#define UART_IER_RX_DATA     0x01u /* ERBFI: received data available (and FIFO timeout) */
#define UART_IER_THRE        0x02u /* ETBEI: transmitter holding register empty */
#define UART_IER_LINE_STATUS 0x04u /* ELSI: receiver line status (overrun, errors) */
#define UART_IER_MODEM       0x08u /* EDSSI: modem status (an MSR delta bit) */
#define UART_IER_MASK        0x0Fu /* bits 7:4 are always 0 */

/* IIR: the highest-priority pending interrupt ("Interrupt Identification Register"). */
#define UART_IIR_NO_INTERRUPT 0x01u /* bit 0 set: nothing pending */
#define UART_IIR_LINE_STATUS  0x06u /* priority 1: overrun/parity/framing/break */
#define UART_IIR_RX_DATA      0x04u /* priority 2: received data at the trigger level */
#define UART_IIR_RX_TIMEOUT   0x0Cu /* priority 2: data below the trigger level, idle */
#define UART_IIR_THRE         0x02u /* priority 3: transmitter holding register empty */
#define UART_IIR_MODEM        0x00u /* priority 4: modem status */
#define UART_IIR_FIFO_ENABLED 0xC0u /* bits 7:6 set when FCR bit 0 is */

/* FCR: FIFO control ("FIFO Control Register"); bits other than 0 need bit 0 set. */
#define UART_FCR_ENABLE        0x01u
#define UART_FCR_CLEAR_RX      0x02u /* self-clearing */
#define UART_FCR_CLEAR_TX      0x04u /* self-clearing */
#define UART_FCR_TRIGGER_MASK  0xC0u /* receiver trigger level: 1, 4, 8, 14 bytes */
#define UART_FCR_TRIGGER_SHIFT 6u

/* MCR: modem control ("Modem Control Register"). */
#define UART_MCR_DTR  0x01u
#define UART_MCR_RTS  0x02u
#define UART_MCR_OUT1 0x04u
#define UART_MCR_OUT2 0x08u /* on the PC: gates the UART's interrupt onto the IRQ line */
#define UART_MCR_LOOP 0x10u /* loopback: transmitter to receiver, MCR to MSR */
#define UART_MCR_MASK 0x1Fu /* bits 7:5 are always 0 */

/* LSR: line status ("Line Status Register"); bits 1-4 clear when LSR is read. */
#define UART_LSR_DATA_READY 0x01u /* a received byte waits in RBR (or the FIFO) */
#define UART_LSR_OVERRUN    0x02u /* a received byte was lost */
#define UART_LSR_PARITY     0x04u
#define UART_LSR_FRAMING    0x08u
#define UART_LSR_BREAK      0x10u
#define UART_LSR_ERRORS     0x1Eu /* the four error bits above */
#define UART_LSR_THRE       0x20u /* transmitter holding register empty */
#define UART_LSR_TEMT       0x40u /* transmitter empty (THR and shift register) */
#define UART_LSR_FIFO_ERROR 0x80u /* an error byte sits in the receive FIFO */

/* MSR: modem status ("Modem Status Register"); deltas clear when MSR is read. */
#define UART_MSR_DCTS   0x01u /* CTS changed */
#define UART_MSR_DDSR   0x02u /* DSR changed */
#define UART_MSR_TERI   0x04u /* RI went from on to off (trailing edge) */
#define UART_MSR_DDCD   0x08u /* DCD changed */
#define UART_MSR_DELTAS 0x0Fu
#define UART_MSR_CTS    0x10u /* loopback: RTS */
#define UART_MSR_DSR    0x20u /* loopback: DTR */
#define UART_MSR_RI     0x40u /* loopback: OUT1 */
#define UART_MSR_DCD    0x80u /* loopback: OUT2 */

/* LCR bits, and the values hvlab's console driver programs (arch/x86_64/serial.c). */
#define UART_LCR_8N1             0x03u    /* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB            0x80u    /* divisor latch access */
#define UART_FCR_ENABLE_CLEAR    0x07u    /* enable FIFOs, clear receive and transmit FIFOs */
#define UART_MCR_DTR_RTS_OUT2    0x0Bu    /* data terminal ready, request to send, OUT2 */
#define UART_CLOCK_HZ            1843200u /* the PC's UART clock: divisor = 115200 / baud */
#define UART_BAUD_DIVISOR_115200 1u

#endif
