/*
 * print.h - a tiny printf for the guests, writing to the COM1 UART.
 *
 * Conversions: %d %u %x %s %c %%, each with an optional width; a leading 0 in the width
 * pads numbers with zeros ("%08x"). No length modifiers: print 64-bit values as two
 * 32-bit halves.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* GUEST_PRINT_H */
