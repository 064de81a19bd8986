/*
 * print.c - a tiny printf (%d %u %x %s %c %% with width and zero padding): to the UART
 * (kprintf) or into a buffer (ksnprintf). One formatter writes through a sink.
 */
#include "print.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "str.h"
#include "uart.h"

/* Where formatted characters go: the UART, or a buffer. */
struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;   /* buffer sink: destination */
    size_t size; /* buffer sink: capacity, including the NUL */
    size_t len;  /* buffer sink: characters stored so far */
};

static void put_uart(struct sink *s, char c)
{
    (void)s;
    uart_putc(c);
}

/* Store c if it fits, always leaving room for the NUL. */
static void put_buffer(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len++] = c;
}

/* Emit count copies of c. */
static void put_repeat(struct sink *s, char c, int count)
{
    while (count-- > 0)
        s->put(s, c);
}

/* Emit a NUL-terminated string. */
static void put_string(struct sink *s, const char *str)
{
    while (*str)
        s->put(s, *str++);
}

/* Print value in base 10 or 16, with a '-' when negative, padded to width with pad. */
static void put_number(struct sink *s, uint32_t value, unsigned base, bool negative, int width,
                       char pad)
{
    char digits[10]; /* 2^32 - 1 has 10 decimal digits */
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);

    int len = n + (negative ? 1 : 0);
    if (pad == ' ')
        put_repeat(s, ' ', width - len);
    if (negative)
        s->put(s, '-');
    if (pad == '0')
        put_repeat(s, '0', width - len);
    while (n > 0)
        s->put(s, digits[--n]);
}

/* Format fmt with the arguments in ap into the sink. */
static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            s->put(s, *p);
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
            put_number(s, magnitude, 10, v < 0, width, pad);
            break;
        }
        case 'u': put_number(s, va_arg(ap, uint32_t), 10, false, width, pad); break;
        case 'x': put_number(s, va_arg(ap, uint32_t), 16, false, width, pad); break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL)
                str = "(null)";
            put_repeat(s, ' ', width - (int)strlen(str));
            put_string(s, str);
            break;
        }
        case 'c':
            put_repeat(s, ' ', width - 1);
            s->put(s, (char)va_arg(ap, int));
            break;
        case '%': s->put(s, '%'); break;
        case '\0':
            p--; /* lone '%' at the end: stop at the NUL next time round */
            break;
        default:
            /* Unknown conversion: show it as written. */
            s->put(s, '%');
            s->put(s, *p);
            break;
        }
    }
}

/* Format fmt with the arguments and send it to the UART. */
void kprintf(const char *fmt, ...)
{
    struct sink s = {.put = put_uart};
    va_list ap;

    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
}

/* Format into buf (always NUL-terminated when size > 0); returns the length stored. */
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {.put = put_buffer, .buf = buf, .size = size};

    if (size == 0)
        return 0;
    format(&s, fmt, ap);
    buf[s.len] = '\0';
    return s.len;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    size_t len = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return len;
}
