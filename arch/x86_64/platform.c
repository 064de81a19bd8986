/*
 * platform.c - stop the machine in QEMU, in Bochs, or on real hardware.
 */
#include "arch/x86_64/platform.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "hypervisor/console.h"

/* QEMU "-device isa-debug-exit,iobase=0xf4,iosize=0x04": a write of v exits QEMU with
 * status (v << 1) | 1. See: QEMU hw/misc/debugexit.c documentation. */
#define QEMU_DEBUG_EXIT_PORT 0xF4u
/* Bochs ends the simulation when the string "Shutdown" is written to this port.
 * See: Bochs source, iodev/unmapped.cc (port 0x8900). */
#define BOCHS_SHUTDOWN_PORT  0x8900u

static const char *const status_names[] = {
    [HV_STATUS_OK] = "ok",
    [HV_STATUS_GUEST_FAILED] = "guest failed",
    [HV_STATUS_PANIC] = "panic",
    [HV_STATUS_EXCEPTION] = "exception in hypervisor",
    [HV_STATUS_NO_VIRT] = "no hardware virtualization",
    [HV_STATUS_BOOT_FAILED] = "boot failed",
};

const char *hv_status_name(enum hv_status status)
{
    if ((unsigned)status < sizeof(status_names) / sizeof(status_names[0]))
        return status_names[status];
    return "?";
}

void platform_shutdown(enum hv_status status)
{
    kprintf("hvlab: shutdown: status %d (%s)\n", (int)status, hv_status_name(status));
    outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)status);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    cpu_halt_forever();
    __builtin_unreachable();
}
