/*
 * debug_exit.h - end the guest with a one-byte status.
 *
 * An OUT of one byte to DEBUG_EXIT_PORT stops the guest:
 *   - under hvlab, the hypervisor's debug-exit device stops the guest and reports the
 *     status byte as it is (see docs/hypercalls.md, "Debug-exit port");
 *   - under bare QEMU with -device isa-debug-exit,iobase=0xf4,iosize=0x04, QEMU exits
 *     with process status (status << 1) | 1 (QEMU's isa-debug-exit device).
 * With neither present the OUT does nothing. Then we try Bochs's shutdown port (bare
 * Bochs: writing "Shutdown" to port 0x8900 ends the emulator, status byte lost; elsewhere
 * the port is unclaimed and the writes do nothing) and fall back to halting for good.
 */
#ifndef GUEST_DEBUG_EXIT_H
#define GUEST_DEBUG_EXIT_H

#include <stdint.h>

#include "io.h"

#define DEBUG_EXIT_PORT     0xF4       /* hvlab debug-exit device; QEMU isa-debug-exit iobase */
#define BOCHS_SHUTDOWN_PORT 0x8900     /* Bochs: "Shutdown", one byte at a time, powers off */
#define BOCHS_SHUTDOWN_WORD "Shutdown" /* the bytes Bochs waits for on that port */

/* Disable interrupts and halt forever; HLT is retried if an NMI wakes us. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Stop the guest with status; never returns. */
static inline __attribute__((noreturn)) void debug_exit(uint8_t status)
{
    outb(DEBUG_EXIT_PORT, status);
    for (const char *c = BOCHS_SHUTDOWN_WORD; *c; c++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*c);
    halt_forever();
}

#endif /* GUEST_DEBUG_EXIT_H */
