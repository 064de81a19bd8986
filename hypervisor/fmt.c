/*
 * fmt.c - the formatter behind the console and snprintf (see fmt.h for what it accepts).
 */
#include "hypervisor/fmt.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define FMT_WIDTH_MAX 512 /* wider fields are cut to this: no overflow, no endless padding */

struct out {
    fmt_sink sink;
    void *ctx;
    int count;
};

static void put(struct out *o, char c)
{
    o->sink(c, o->ctx);
    o->count++;
}

static void put_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* One parsed conversion spec: %[-][0][width][l|ll]conv */
struct spec {
    bool left;
    bool zero;
    int width;
    int longs; /* 0, 1 (l) or 2 (ll) */
};

/* Print a string in a field of spec->width. */
static void put_field(struct out *o, const struct spec *s, const char *str, int len)
{
    int pad = s->width > len ? s->width - len : 0;
    if (!s->left)
        put_repeat(o, ' ', pad);
    for (int i = 0; i < len; i++)
        put(o, str[i]);
    if (s->left)
        put_repeat(o, ' ', pad);
}

/* Print an unsigned magnitude in `base`, with an optional sign or prefix. */
static void put_number(struct out *o, const struct spec *s, uint64_t value, unsigned base,
                       bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;
    do {
        buf[len++] = digits[value % base];
        value /= base;
    } while (value);

    int plen = 0;
    while (prefix[plen])
        plen++;
    int pad = s->width > len + plen ? s->width - len - plen : 0;

    if (!s->left && !s->zero)
        put_repeat(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (!s->left && s->zero)
        put_repeat(o, '0', pad);
    while (len)
        put(o, buf[--len]);
    if (s->left)
        put_repeat(o, ' ', pad);
}

static uint64_t take_unsigned(const struct spec *s, va_list *ap)
{
    if (s->longs == 2)
        return va_arg(*ap, unsigned long long);
    if (s->longs == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t take_signed(const struct spec *s, va_list *ap)
{
    if (s->longs == 2)
        return va_arg(*ap, long long);
    if (s->longs == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *f, va_list args)
{
    struct out o = {sink, ctx, 0};
    va_list ap;
    va_copy(ap, args);

    while (*f) {
        if (*f != '%') {
            put(&o, *f++);
            continue;
        }
        const char *start = f++;
        struct spec s = {0};
        for (;; f++) {
            if (*f == '-')
                s.left = true;
            else if (*f == '0')
                s.zero = true;
            else
                break;
        }
        if (*f == '*') {
            int w = va_arg(ap, int);
            if (w < 0) {
                s.left = true;
                w = w == INT_MIN ? INT_MAX : -w;
            }
            s.width = w;
            f++;
        }
        while (*f >= '0' && *f <= '9') {
            if (s.width <= FMT_WIDTH_MAX)
                s.width = s.width * 10 + (*f - '0');
            f++;
        }
        if (s.width > FMT_WIDTH_MAX)
            s.width = FMT_WIDTH_MAX;
        while (*f == 'l' && s.longs < 2) {
            s.longs++;
            f++;
        }

        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = take_signed(&s, &ap);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_number(&o, &s, mag, 10, false, v < 0 ? "-" : "");
            break;
        }
        case 'u': put_number(&o, &s, take_unsigned(&s, &ap), 10, false, ""); break;
        case 'x':
        case 'X': put_number(&o, &s, take_unsigned(&s, &ap), 16, *f == 'X', ""); break;
        case 'p': {
            struct spec ptr = {.zero = true, .width = 18};
            put_number(&o, &ptr, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int len = 0;
            while (str[len])
                len++;
            put_field(&o, &s, str, len);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_field(&o, &s, &c, 1);
            break;
        }
        case '%': put(&o, '%'); break;
        default: /* unknown or truncated conversion: show it, don't swallow it */
            put(&o, '[');
            for (const char *p = start; p <= f && *p; p++)
                put(&o, *p);
            put(&o, ']');
            if (!*f) {
                va_end(ap);
                return o.count;
            }
            break;
        }
        f++;
    }
    va_end(ap);
    return o.count;
}

struct buffer {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_sink(char c, void *ctx)
{
    struct buffer *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *format, va_list args)
{
    struct buffer b = {buf, size, 0};
    int n = fmt_vformat(buffer_sink, &b, format, args);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = fmt_vsnprintf(buf, size, format, ap);
    va_end(ap);
    return n;
}
