/*
 * pattern.h - fill RAM with a recognisable pattern and check that it is still there.
 *
 * The isolation guests (victim, spy) each mark their free RAM with blocks of 16 bytes:
 *
 *   +0 marker_lo   +4 marker_hi   +8 address of the block   +12 ~address
 *
 * The two markers say whose pattern it is; the address pair makes every block different,
 * so a block that shows up at another address (memory shared, aliased or copied) does
 * not pass for the right one.
 */
#ifndef GUEST_PATTERN_H
#define GUEST_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#define PATTERN_BLOCK_SIZE 16u /* bytes per block: four dwords */

struct pattern_block {
    uint32_t marker_lo;
    uint32_t marker_hi;
    uint32_t addr;
    uint32_t addr_not;
};

_Static_assert(sizeof(struct pattern_block) == PATTERN_BLOCK_SIZE, "pattern block size");

/* The first dword that did not hold what the pattern says. */
struct pattern_mismatch {
    uint32_t addr;     /* its address */
    uint32_t read;     /* what it held */
    uint32_t expected; /* what the pattern wrote there */
};

/* Write blocks over [start, end); both must be multiples of PATTERN_BLOCK_SIZE. */
void pattern_fill(uint32_t start, uint32_t end, uint32_t marker_lo, uint32_t marker_hi);

/* Read back every dword of [start, end); false, with the first difference in *bad, if
 * one is not what pattern_fill wrote. */
bool pattern_verify(uint32_t start, uint32_t end, uint32_t marker_lo, uint32_t marker_hi,
                    struct pattern_mismatch *bad);

#endif /* GUEST_PATTERN_H */
