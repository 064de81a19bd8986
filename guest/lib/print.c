/*
 * print.c - a tiny printf (%d %u %x %s %c %% with width and zero padding) over the UART.
 */
#include "print.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "str.h"
#include "uart.h"

/* Emit count copies of c. */
static void put_repeat(char c, int count)
{
    while (count-- > 0)
        uart_putc(c);
}

/* Print value in base 10 or 16, with a '-' when negative, padded to width with pad. */
static void put_number(uint32_t value, unsigned base, bool negative, int width, char pad)
{
    char digits[10]; /* 2^32 - 1 has 10 decimal digits */
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);

    int len = n + (negative ? 1 : 0);
    if (pad == ' ')
        put_repeat(' ', width - len);
    if (negative)
        uart_putc('-');
    if (pad == '0')
        put_repeat('0', width - len);
    while (n > 0)
        uart_putc(digits[--n]);
}

/* Format fmt with the arguments and send it to the UART. */
void kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            uart_putc(*p);
            continue;
        }
        p++;

        char pad = ' ';
        int width = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');

        switch (*p) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            /* Negate in unsigned arithmetic so INT32_MIN works too. */
            uint32_t magnitude = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
            put_number(magnitude, 10, v < 0, width, pad);
            break;
        }
        case 'u': put_number(va_arg(ap, uint32_t), 10, false, width, pad); break;
        case 'x': put_number(va_arg(ap, uint32_t), 16, false, width, pad); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            put_repeat(' ', width - (int)strlen(s));
            uart_puts(s);
            break;
        }
        case 'c':
            put_repeat(' ', width - 1);
            uart_putc((char)va_arg(ap, int));
            break;
        case '%': uart_putc('%'); break;
        case '\0':
            p--; /* lone '%' at the end: stop at the NUL next time round */
            break;
        default:
            /* Unknown conversion: show it as written. */
            uart_putc('%');
            uart_putc(*p);
            break;
        }
    }
    va_end(ap);
}
