/*
 * mmio_bus.c - the MMIO device table and the emulation of one access (see mmio_bus.h).
 */
#include "hypervisor/mmio_bus.h"

#include "hypervisor/guest_fetch.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/mmio_decode.h"

#define BYTE_BITS     8u
#define LOW_BYTE_MASK 0xFFull

extern const struct mmio_device hvlab_info_device, io_apic_device, local_apic_device;

static const struct mmio_device *const devices[] = {
    &hvlab_info_device,
    &io_apic_device,
    &local_apic_device,
};
#define DEVICE_COUNT (sizeof(devices) / sizeof(devices[0]))

static uint64_t device_base(const struct vcpu *vcpu, const struct mmio_device *d)
{
    return d->locate ? d->locate(vcpu) : d->base;
}

const struct mmio_device *mmio_device_at(const struct vcpu *vcpu, uint64_t gpa)
{
    for (unsigned i = 0; i < DEVICE_COUNT; i++) {
        uint64_t base = device_base(vcpu, devices[i]);
        if (base != MMIO_DEVICE_ABSENT && gpa >= base && gpa - base < devices[i]->size)
            return devices[i];
    }
    return 0;
}

static uint64_t size_mask(uint8_t size)
{
    return size >= 8 ? ~0ull : (1ull << (BYTE_BITS * size)) - 1;
}

enum exit_action mmio_emulate(struct vcpu *vcpu, const struct vm_exit *exit,
                              const struct mmio_device *d)
{
    uint8_t bytes[MMIO_INSN_MAX];
    size_t n = guest_fetch_instruction(vcpu, exit->rip, bytes);
    if (n == 0)
        return vcpu_stop(vcpu,
                         "%s access at 0x%lx from code hvlab cannot fetch (not mapped by "
                         "the guest's page tables, or outside RAM): not emulated",
                         d->name, (unsigned long)exit->u.mem.gpa);

    struct mmio_access a;
    const char *why;
    enum mmio_mode mode = (enum mmio_mode)vcpu->ops->get_reg(vcpu, VCPU_REG_CODE_BYTES);
    if (!mmio_decode(bytes, n, mode, &a, &why))
        return vcpu_stop(vcpu,
                         "%s access at 0x%lx by an instruction hvlab does not emulate "
                         "(%s): bytes %02x %02x %02x %02x",
                         d->name, (unsigned long)exit->u.mem.gpa, why, bytes[0],
                         n > 1 ? bytes[1] : 0, n > 2 ? bytes[2] : 0, n > 3 ? bytes[3] : 0);
    if (a.write != exit->u.mem.write)
        return vcpu_stop(vcpu,
                         "%s access at 0x%lx: the instruction %s but the CPU reported a %s",
                         d->name, (unsigned long)exit->u.mem.gpa, a.write ? "writes" : "reads",
                         exit->u.mem.write ? "write" : "read");

    uint64_t offset = exit->u.mem.gpa - device_base(vcpu, d);
    uint64_t mask = size_mask(a.size);
    unsigned shift = a.high_byte ? BYTE_BITS : 0; /* AH, CH, DH, BH */
    if (a.write) {
        uint64_t value = a.has_imm ? a.imm : vcpu_gpr(vcpu, (enum guest_gpr)a.reg) >> shift;
        d->write(vcpu, offset, a.size, value & mask);
    } else {
        uint64_t value = d->read(vcpu, offset, a.size) & mask;
        uint64_t old = vcpu_gpr(vcpu, (enum guest_gpr)a.reg);
        /* A 32-bit load zero-extends into the full register; 8/16-bit loads merge (SDM
         * Vol. 1, "General-Purpose Registers in 64-Bit Mode"). */
        uint64_t merged = a.size >= 4 ? value : (old & ~(mask << shift)) | (value << shift);
        vcpu_set_gpr(vcpu, (enum guest_gpr)a.reg, merged);
    }
    vcpu->ops->set_rip(vcpu, exit->rip + a.length);
    return ACTION_RESUME;
}
