/*
 * guest_fetch.c - the guest's instruction bytes at CS:RIP (see guest_fetch.h).
 */
#include "hypervisor/guest_fetch.h"

#include "hypervisor/guest_access.h"

size_t guest_fetch_instruction(struct vcpu *vcpu, uint64_t rip, uint8_t *bytes)
{
    struct guest_paging p = vcpu_guest_paging(vcpu);
    uint64_t linear = vcpu->ops->get_reg(vcpu, VCPU_REG_CS_BASE) + rip;
    size_t n = 0;
    /* Page by page: the instruction may cross into a page mapped elsewhere, or not at all. */
    while (n < MMIO_INSN_MAX) {
        uint64_t gpa;
        if (!guest_walk(vcpu->mem, &p, linear + n, &gpa, 0))
            break;
        size_t in_page = GUEST_PAGE_SIZE - ((linear + n) & (GUEST_PAGE_SIZE - 1));
        size_t take = MMIO_INSN_MAX - n < in_page ? MMIO_INSN_MAX - n : in_page;
        size_t got = take;
        while (got && !guest_memory_contains(vcpu->mem, gpa, got))
            got--;
        if (got)
            guest_memory_read(vcpu->mem, gpa, bytes + n, got);
        n += got;
        if (got < take)
            break; /* RAM ends inside the instruction */
    }
    return n;
}
