/*
 * cpuid.c - CPUID exits: run the real CPUID, then apply hvlab's policy (cpuid_guest.h).
 * CPUID always exits in VMX non-root operation (SDM Vol. 3C, "Instructions That Cause
 * VM Exits Unconditionally"); hvlab intercepts it on SVM too.
 */
#include "hypervisor/cpuid_guest.h"
#include "hypervisor/exit_handlers.h"

enum exit_action handle_cpuid(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint32_t leaf = (uint32_t)vcpu_gpr(vcpu, GPR_RAX);
    uint32_t subleaf = (uint32_t)vcpu_gpr(vcpu, GPR_RCX);
    struct cpuid_result r =
        cpuid_for_guest(leaf, subleaf, vcpu->ops->get_reg(vcpu, VCPU_REG_CR4));

    /* CPUID writes the low 32 bits and clears the upper 32 bits of RAX..RDX. */
    vcpu_set_gpr(vcpu, GPR_RAX, r.eax);
    vcpu_set_gpr(vcpu, GPR_RBX, r.ebx);
    vcpu_set_gpr(vcpu, GPR_RCX, r.ecx);
    vcpu_set_gpr(vcpu, GPR_RDX, r.edx);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}
