/*
 * muldiv.h - floor(d * rate / hz) for time conversions (TSC ticks to PIT clocks,
 * nanoseconds, APIC timer counts) without a 128-bit intermediate.
 *
 * d * rate soon overflows 64 bits (for nanoseconds at 3 GHz: after 6 s), and hvlab has no
 * 128-bit division (freestanding, no libgcc), so d is split into whole units and the rest:
 *
 *   d * rate / hz = (d / hz) * rate + ((d % hz) * rate) / hz        (exact, floor)
 *
 * The remainder term stays below hz * rate: no overflow while hz * rate < 2^64 (for
 * example hz up to 18 GHz with rate = 10^9).
 */
#ifndef HVLAB_MULDIV_H
#define HVLAB_MULDIV_H

#include <stdint.h>

static inline uint64_t muldiv_floor(uint64_t d, uint64_t rate, uint64_t hz)
{
    return (d / hz) * rate + ((d % hz) * rate) / hz;
}

#endif
