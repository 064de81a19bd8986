/*
 * print.h - a tiny printf for the guests, writing to the COM1 UART or into a buffer.
 *
 * Conversions: %d %u %x %s %c %%, each with an optional width; a leading 0 in the width
 * pads numbers with zeros ("%08x"). No length modifiers: print 64-bit values as two
 * 32-bit halves.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* Format and send to the UART. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format into buf, truncated to size - 1 characters and NUL-terminated (if size > 0);
 * returns the number of characters stored. */
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif /* GUEST_PRINT_H */
