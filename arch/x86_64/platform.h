/*
 * platform.h - ending a run: the one way hvlab stops the machine.
 */
#ifndef HVLAB_ARCH_PLATFORM_H
#define HVLAB_ARCH_PLATFORM_H

#include <stdint.h>

/* The status hvlab ends with (printed, and seen by QEMU as exit code status*2+1). */
enum hv_status {
    HV_STATUS_OK = 0,           /* every guest ran and ended as expected */
    HV_STATUS_GUEST_FAILED = 1, /* a guest was stopped or reported a failure status */
    HV_STATUS_PANIC = 2,        /* panic(): an invariant of the hypervisor broke */
    HV_STATUS_EXCEPTION = 3,    /* a CPU exception inside the hypervisor */
    HV_STATUS_NO_VIRT = 4,      /* no usable hardware virtualization */
    HV_STATUS_BOOT_FAILED = 5,  /* the boot layer could not hand over */
};

const char *hv_status_name(enum hv_status status);

/*
 * Print "hvlab: shutdown: status N (name)", then stop the machine: QEMU's isa-debug-exit
 * device (port 0xF4) ends QEMU, Bochs's shutdown port (0x8900) ends Bochs, and on real
 * hardware, where neither port does anything, the CPU halts with interrupts off.
 */
__attribute__((noreturn)) void platform_shutdown(enum hv_status status);

#endif
