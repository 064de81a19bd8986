/*
 * fmt.h - a small printf-style formatter with no libc underneath.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, length modifiers l and ll (%lx, %llu),
 * a field width (%8x, %*d), zero padding (%016lx) and left alignment (%-12s).
 * %p prints 0x followed by 16 hex digits. Anything else is printed as-is between
 * brackets (e.g. "[%q]") so a wrong format is visible instead of silently eaten.
 */
#ifndef HVLAB_FMT_H
#define HVLAB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted characters one at a time. */
typedef void (*fmt_sink)(char c, void *ctx);

/* Format into a sink; returns the number of characters emitted. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *format, va_list args);

/* snprintf: always NUL-terminates when size > 0; returns the length it wanted to write. */
int fmt_snprintf(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *format, va_list args);

/* For functions that report failure as `-1` plus a reason in their `char *why,
 * size_t why_len` parameters: format the reason, and evaluate to -1.
 *     if (!ok) return FAIL_WHY("VMXON failed: %s", text); */
#define FAIL_WHY(...) (fmt_snprintf(why, why_len, __VA_ARGS__), -1)

#endif
