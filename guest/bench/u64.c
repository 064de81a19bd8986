/*
 * u64.c - 64-bit division by a 32-bit number and decimal formatting (see u64.h).
 */
#include "u64.h"

#include <stddef.h>

#define MILLI 1000u /* three decimals */

/*
 * Long division in base 2^32, high half first. The second DIV divides rem:lo, where
 * rem < d, so its quotient fits in 32 bits and DIV cannot fault.
 */
uint64_t u64_divmod(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(n >> 32);
    uint32_t lo = (uint32_t)n;
    uint32_t q_hi = hi / d;
    uint32_t r = hi % d;
    uint32_t q_lo;

    __asm__("divl %[d]" : "=a"(q_lo), "=d"(r) : "a"(lo), "d"(r), [d] "rm"(d));
    if (rem != NULL)
        *rem = r;
    return ((uint64_t)q_hi << 32) | q_lo;
}

/* Digits come out last first: fill buf from its end, then move them to the front. */
char *u64_dec(char buf[U64_DEC_MAX], uint64_t n)
{
    char tmp[U64_DEC_MAX];
    int len = 0;
    uint32_t digit;

    do {
        n = u64_divmod(n, 10, &digit);
        tmp[len++] = (char)('0' + digit);
    } while (n != 0);
    for (int i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return buf;
}

char *u64_ratio3(char buf[U64_DEC_MAX + 4], uint64_t num, uint32_t den)
{
    uint32_t frac;
    uint64_t milli = u64_divmod(num * MILLI + den / 2, den, NULL);
    uint64_t whole = u64_divmod(milli, MILLI, &frac);
    char *p = buf;

    u64_dec(p, whole);
    while (*p)
        p++;
    *p++ = '.';
    *p++ = (char)('0' + frac / 100);
    *p++ = (char)('0' + frac / 10 % 10);
    *p++ = (char)('0' + frac % 10);
    *p = '\0';
    return buf;
}
