/*
 * virtual_platform.h - the PC a guest sees: its devices, their interrupt lines, its clock.
 *
 *   PIT channel 0 --IRQ 0--\
 *   16550 UART    --IRQ 4---> 8259A pair --vector--> core (interrupts.c) --> backend inject
 *
 * Guest time follows the host TSC: `now` for the PIT is the TSC since the guest started,
 * converted to PIT clocks. Before each VM entry the core brings the devices up to date
 * (vplatform_update) and arms the host time source for the next thing that will happen
 * (vplatform_next_deadline), so a timer interrupt is delivered on time even when the guest
 * never exits by itself.
 */
#ifndef HVLAB_VIRTUAL_PLATFORM_H
#define HVLAB_VIRTUAL_PLATFORM_H

#include <stdint.h>

#include "hypervisor/devices/pic8259.h"
#include "hypervisor/devices/pit8254.h"
#include "hypervisor/devices/uart16550.h"

#define VPLATFORM_NO_DEADLINE UINT64_MAX

struct virtual_platform {
    struct pic_pair pic;
    struct pit8254 pit;
    struct uart16550 uart;
    uint64_t (*read_tsc)(void); /* the host clock: rdtsc (unit tests pass a fake) */
    uint64_t tsc_hz;    /* host TSC frequency (arch/x86_64/tsc.c) */
    uint64_t tsc_start; /* host TSC when the guest started: guest time zero */
};

/* All devices to power-on state; guest time starts at read_tsc() now. */
void vplatform_reset(struct virtual_platform *vp, uint64_t (*read_tsc)(void), uint64_t tsc_hz);

/* Guest time at host TSC `tsc`: in PIT input clocks, and in nanoseconds. */
uint64_t vplatform_pit_clock(const struct virtual_platform *vp, uint64_t tsc);
uint64_t vplatform_ns(const struct virtual_platform *vp, uint64_t tsc);

/* Bring devices to time `tsc`: PIT edges and the UART's level reach the PIC. */
void vplatform_update(struct virtual_platform *vp, uint64_t tsc);

/* Host TSC of the next device event (the PIT's next IRQ 0 edge), or VPLATFORM_NO_DEADLINE. */
uint64_t vplatform_next_deadline(const struct virtual_platform *vp, uint64_t tsc);

#endif
