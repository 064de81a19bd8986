/*
 * guest_fetch.c - the guest's instruction bytes at CS:RIP (see guest_fetch.h).
 */
#include "hypervisor/guest_fetch.h"

#include "arch/x86_64/cpu_bits.h"

size_t guest_fetch_instruction(struct vcpu *vcpu, uint64_t rip, uint8_t *bytes)
{
    if (vcpu->ops->get_reg(vcpu, VCPU_REG_CR0) & CR0_PG)
        return 0;
    uint64_t linear = vcpu->ops->get_reg(vcpu, VCPU_REG_CS_BASE) + rip;
    size_t n = MMIO_INSN_MAX;
    while (n && !guest_memory_contains(vcpu->mem, linear, n))
        n--;
    if (n)
        guest_memory_read(vcpu->mem, linear, bytes, n);
    return n;
}
