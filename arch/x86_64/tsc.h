/*
 * tsc.h - the time-stamp counter's frequency, measured against the PC's PIT.
 */
#ifndef HVLAB_ARCH_TSC_H
#define HVLAB_ARCH_TSC_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per second, measured over a 10 ms PIT interval; 0 if the PIT never answered.
 * In Bochs with `clock: sync=none`, both count emulated time, so the result is the
 * emulated instruction rate. */
uint64_t tsc_calibrate_hz(void);

#endif
