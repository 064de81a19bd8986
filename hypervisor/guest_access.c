/*
 * guest_access.c - guest-linear data accesses for emulated instructions (guest_access.h).
 */
#include "hypervisor/guest_access.h"

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"

#define CPL_USER 3u

struct guest_paging vcpu_guest_paging(struct vcpu *vcpu)
{
    return (struct guest_paging){
        .cr0 = vcpu->ops->get_reg(vcpu, VCPU_REG_CR0),
        .cr3 = vcpu->ops->get_reg(vcpu, VCPU_REG_CR3),
        .cr4 = vcpu->ops->get_reg(vcpu, VCPU_REG_CR4),
        .efer = vcpu->ops->get_reg(vcpu, VCPU_REG_EFER),
        .rflags = vcpu->ops->get_reg(vcpu, VCPU_REG_RFLAGS),
        .phys_addr_bits = vcpu->limits.phys_addr_bits, /* set once, at vCPU creation */
    };
}

enum exit_action vcpu_walk_data(struct vcpu *vcpu, uint64_t linear, uint64_t len, bool write,
                                struct guest_span *span, bool *faulted)
{
    struct guest_paging p = vcpu_guest_paging(vcpu);
    struct guest_access a = {write ? GUEST_ACCESS_WRITE : GUEST_ACCESS_READ,
                             vcpu->ops->get_reg(vcpu, VCPU_REG_CPL) == CPL_USER};
    struct guest_walk_result r;
    *faulted = false;
    switch (guest_walk_span(vcpu->mem, &p, linear, len, &a, span, &r)) {
    case GUEST_WALK_OK: return ACTION_RESUME;
    case GUEST_WALK_PAGE_FAULT:
        /* The CPU would fault here: CR2 = the address, the error code on the stack. See:
         * SDM Vol. 3A, "Interrupt 14—Page-Fault Exception (#PF)". */
        *faulted = true;
        vcpu->ops->set_reg(vcpu, VCPU_REG_CR2, r.fault_linear);
        return vcpu_queue_exception(vcpu, EXC_PAGE_FAULT, true, r.error_code);
    default:
        return vcpu_stop(vcpu, "guest page walk for 0x%lx: %s", (unsigned long)linear,
                         r.why ? r.why : "failed");
    }
}
