/*
 * mmio_bus.h - emulated memory-mapped devices: guest-physical ranges that no guest RAM
 * backs, so every access is an EPT violation / nested page fault that hvlab completes by
 * decoding the instruction (mmio_decode.h) and calling the device.
 */
#ifndef HVLAB_MMIO_BUS_H
#define HVLAB_MMIO_BUS_H

#include <stdint.h>

#include "hypervisor/vcpu.h"

#define MMIO_DEVICE_ABSENT UINT64_MAX /* locate(): the device has no page in this VM now */

struct mmio_device {
    const char *name;
    uint64_t base, size; /* guest-physical range */
    /* A device that moves (the local APIC follows IA32_APIC_BASE): its base in this VM,
     * or MMIO_DEVICE_ABSENT. NULL for a device that stays at `base`. */
    uint64_t (*locate)(const struct vcpu *vcpu);
    /* `offset` from base; `size` 1, 2, 4 or 8 bytes; the value is zero-extended. */
    uint64_t (*read)(struct vcpu *vcpu, uint64_t offset, uint8_t size);
    void (*write)(struct vcpu *vcpu, uint64_t offset, uint8_t size, uint64_t value);
};

/* The device table is the same for every VM; each device keeps its state in the VM's
 * virtual_platform (vplatform_reset is its power-on). */
/* The device at guest-physical address gpa in vcpu's VM, or NULL. */
const struct mmio_device *mmio_device_at(const struct vcpu *vcpu, uint64_t gpa);

/* Complete the guest's access at exit->u.mem.gpa to device d: decode the instruction at
 * RIP, read or write the device, update the register, move RIP past it. Anything it
 * cannot decode stops the guest with the instruction bytes in the report. */
enum exit_action mmio_emulate(struct vcpu *vcpu, const struct vm_exit *exit,
                              const struct mmio_device *d);

#endif
