/*
 * hvlab_info.c - the "hvlab info" MMIO page: the smallest memory-mapped device, so that
 * guests (and `make bench`) can exercise the MMIO path -- an access the EPT/NPT does not
 * map, completed by decoding the guest's MOV (mmio_bus.c).
 *
 *   offset 0x0  read-only   HVLAB_INFO_MAGIC ("hvlb")
 *   offset 0x4  read-only   HVLAB_ABI_VERSION
 *   offset 0x8  read-write  scratch: reads back what was written
 * Other offsets read as zero and ignore writes. Documented in docs/hypercalls.md.
 */
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/virtual_platform.h"

/* The scratch register is the VM's own (vcpu->platform->info_scratch). */

static uint64_t info_read(struct vcpu *vcpu, uint64_t offset, uint8_t size)
{
    (void)size;
    switch (offset) {
    case HVLAB_INFO_REG_MAGIC: return HVLAB_INFO_MAGIC;
    case HVLAB_INFO_REG_VERSION: return HVLAB_ABI_VERSION;
    case HVLAB_INFO_REG_SCRATCH: return vcpu->platform->info_scratch;
    default: return 0;
    }
}

static void info_write(struct vcpu *vcpu, uint64_t offset, uint8_t size, uint64_t value)
{
    (void)size;
    if (offset == HVLAB_INFO_REG_SCRATCH)
        vcpu->platform->info_scratch = value;
}

const struct mmio_device hvlab_info_device = {
    .name = "hvlab-info MMIO page",
    .base = HVLAB_INFO_MMIO_BASE,
    .size = HVLAB_INFO_MMIO_SIZE,
    .read = info_read,
    .write = info_write,
};
