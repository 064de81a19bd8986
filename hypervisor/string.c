/*
 * string.c - the few C library functions a freestanding C program still needs: the
 * compiler itself emits calls to memset/memcpy/memmove/memcmp for struct copies and
 * initialisers, even with -ffreestanding.
 */
#include "hypervisor/string.h"

#include <stdint.h>

/* REP STOSQ/STOSB: one instruction, not a loop, for the largest job hvlab has (zeroing
 * guest RAM and page tables): several times faster on real CPUs ("fast strings") and in
 * emulators. See: SDM Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ" and "STOS". */
#define BYTE_IN_EVERY_LANE 0x0101010101010101ull /* c * this = c in all 8 bytes */

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = (unsigned char)c * BYTE_IN_EVERY_LANE;
    size_t words = n / sizeof(uint64_t), tail = n % sizeof(uint64_t);
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
