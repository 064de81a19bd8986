/*
 * pattern.c - write and verify the 16-byte block pattern of pattern.h.
 *
 * All accesses go through volatile pointers: the compiler must neither drop the stores
 * nor answer the loads from what it knows was stored, or nothing would be tested.
 */
#include "pattern.h"

#include <stddef.h>

/* Address of one field of the block at addr. */
#define FIELD(addr, field) ((addr) + (uint32_t)offsetof(struct pattern_block, field))

/* The block pattern_fill writes at addr. */
static struct pattern_block block_at(uint32_t addr, uint32_t marker_lo, uint32_t marker_hi)
{
    return (struct pattern_block){marker_lo, marker_hi, addr, ~addr};
}

void pattern_fill(uint32_t start, uint32_t end, uint32_t marker_lo, uint32_t marker_hi)
{
    for (uint32_t addr = start; addr < end; addr += PATTERN_BLOCK_SIZE) {
        struct pattern_block want = block_at(addr, marker_lo, marker_hi);
        volatile struct pattern_block *b = (volatile struct pattern_block *)(uintptr_t)addr;

        b->marker_lo = want.marker_lo;
        b->marker_hi = want.marker_hi;
        b->addr = want.addr;
        b->addr_not = want.addr_not;
    }
}

/* Compare one dword; on a difference record it in *bad and return false. */
static bool same(uint32_t addr, uint32_t read, uint32_t expected, struct pattern_mismatch *bad)
{
    if (read == expected)
        return true;
    *bad = (struct pattern_mismatch){addr, read, expected};
    return false;
}

bool pattern_verify(uint32_t start, uint32_t end, uint32_t marker_lo, uint32_t marker_hi,
                    struct pattern_mismatch *bad)
{
    for (uint32_t addr = start; addr < end; addr += PATTERN_BLOCK_SIZE) {
        struct pattern_block want = block_at(addr, marker_lo, marker_hi);
        const volatile struct pattern_block *b =
            (const volatile struct pattern_block *)(uintptr_t)addr;

        if (!same(FIELD(addr, marker_lo), b->marker_lo, want.marker_lo, bad) ||
            !same(FIELD(addr, marker_hi), b->marker_hi, want.marker_hi, bad) ||
            !same(FIELD(addr, addr), b->addr, want.addr, bad) ||
            !same(FIELD(addr, addr_not), b->addr_not, want.addr_not, bad))
            return false;
    }
    return true;
}
