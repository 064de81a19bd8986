/*
 * serial.h - hvlab's own console: the PC's COM1 16550 UART, polled (no interrupts).
 */
#ifndef HVLAB_ARCH_SERIAL_H
#define HVLAB_ARCH_SERIAL_H

/* Program COM1 for 115200 8N1 with FIFOs. */
void serial_init(void);

/* Send one byte, waiting for the transmitter; "\n" is sent as "\r\n". */
void serial_putc(char c);

/* A byte received on COM1, or -1 if none is waiting (never blocks). hvlab forwards these
 * to a guest's emulated UART. */
int serial_read_byte(void);

#endif
