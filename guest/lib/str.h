/*
 * str.h - the few C string and memory functions the guests need.
 *
 * They keep their standard names and contracts: GCC may emit calls to memset, memcpy
 * and memcmp even in freestanding code.
 */
#ifndef GUEST_STR_H
#define GUEST_STR_H

#include <stdbool.h>
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* True when the n bytes at a and b are equal. */
static inline bool mem_equal(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}

#endif /* GUEST_STR_H */
