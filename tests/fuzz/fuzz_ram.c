/*
 * fuzz_ram.c - junk-filled guest RAM for the harnesses (see fuzz_ram.h).
 */
#include "tests/fuzz/fuzz_ram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/host_pages.h"

struct guest_memory *fuzz_ram_new(uint64_t ram_size)
{
    static struct host_pages src; /* never freed: the RAM serves every input */
    struct guest_memory *m = calloc(1, sizeof(*m));
    char why[128];
    if (!m || guest_memory_create(m, ram_size, host_pages_alloc, &src, why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz_ram_new(0x%llx): %s\n", (unsigned long long)ram_size,
                m ? why : "out of memory");
        exit(1);
    }
    fuzz_ram_reset(m, 0, ram_size);
    return m;
}

/* First byte of host[0, len) that is not junk, or len. fuzz.mk builds this file without
 * sanitizers or coverage: instrumented, the scan would cost more than the code under
 * test, and it only reads memory the harness owns. */
static uint64_t first_not_junk(const uint8_t *host, uint64_t len)
{
    typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
    const uint64_t junk = FUZZ_RAM_JUNK * 0x0101010101010101ull;
    uint64_t i = 0;
    for (; i + sizeof(junk) <= len; i += sizeof(junk))
        if (*(const word_t *)(host + i) != junk)
            break;
    for (; i < len; i++)
        if (host[i] != FUZZ_RAM_JUNK)
            return i;
    return len;
}

/* Scan [a, b) of one chunk (guest-physical, already clipped to it). */
static uint64_t scan(const struct guest_ram_chunk *ch, uint64_t a, uint64_t b)
{
    if (a >= b)
        return UINT64_MAX;
    const uint8_t *host = (const uint8_t *)(uintptr_t)(ch->hpa + (a - ch->gpa));
    uint64_t i = first_not_junk(host, b - a);
    return i < b - a ? a + i : UINT64_MAX;
}

uint64_t fuzz_ram_first_changed(const struct guest_memory *m, uint64_t lo, uint64_t hi)
{
    for (size_t c = 0; c < m->chunk_count; c++) {
        const struct guest_ram_chunk *ch = &m->chunks[c];
        uint64_t start = ch->gpa, end = ch->gpa + ch->size;
        /* The chunk minus the window: [start, min(lo, end)) and [max(hi, start), end). */
        uint64_t found = scan(ch, start, lo < end ? (lo > start ? lo : start) : end);
        if (found == UINT64_MAX)
            found = scan(ch, hi > start ? (hi < end ? hi : end) : start, end);
        if (found != UINT64_MAX)
            return found;
    }
    return UINT64_MAX;
}

void fuzz_ram_reset(const struct guest_memory *m, uint64_t lo, uint64_t hi)
{
    if (hi > m->ram_size)
        hi = m->ram_size;
    if (lo < hi)
        guest_memory_fill(m, lo, FUZZ_RAM_JUNK, hi - lo);
}
