/*
 * fake_platform.h - a virtual platform (hypervisor/virtual_platform.h) on a fake clock,
 * for unit tests of the core's interrupt and time handling.
 *
 * The fake TSC runs at FAKE_TSC_HZ and advances by `step` ticks at every read, so a loop
 * that waits for time to pass (wait.c) ends; a test can also move it by hand.
 */
#ifndef HVLAB_TESTS_FAKE_PLATFORM_H
#define HVLAB_TESTS_FAKE_PLATFORM_H

#include <stdint.h>

#include "hypervisor/virtual_platform.h"

#define FAKE_TSC_HZ 1000000000ull /* 1 GHz: one tick per nanosecond */

extern uint64_t fake_tsc_now;  /* the fake TSC */
extern uint64_t fake_tsc_step; /* added at every read (0: time stands still) */

/* Read the fake TSC (and step it): a read_tsc for the platform, the VM and the scheduler. */
uint64_t fake_read_tsc(void);

/* Reset vp on the fake clock (at tsc 0, stepping by `step`). */
void fake_platform_reset(struct virtual_platform *vp, uint64_t step);

/* Program the PIC pair as a PC OS does: master vectors 0x20-0x27, slave 0x28-0x2F,
 * cascade on IRQ 2, 8086 mode; then the masks (bit set = masked). */
#define FAKE_PIC_MASTER_BASE 0x20u
#define FAKE_PIC_SLAVE_BASE  0x28u
void fake_pic_init(struct virtual_platform *vp, uint8_t master_mask, uint8_t slave_mask);

/* PIT channel 0 in mode 2 (rate generator) with this divisor, through its ports. */
void fake_pit_periodic(struct virtual_platform *vp, uint16_t divisor);

#endif
