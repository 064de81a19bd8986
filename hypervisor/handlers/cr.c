/*
 * cr.c - control-register exits. With unrestricted guest and EPT, the guest owns CR3 and
 * most of CR0/CR4; it exits only when it changes a bit the hypervisor owns (the CR0/CR4
 * guest/host masks: bits VMX forces on, such as CR0.NE and CR4.VMXE). The handler
 * applies the architectural rules a real CPU applies, then hands the new value to the
 * backend, which keeps the forced bits set behind the guest's back.
 * See: SDM Vol. 3C, "Exit Qualification for Control-Register Accesses"; Vol. 2B, MOV CR.
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "hypervisor/exit_handlers.h"

#define LMSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS) /* LMSW loads CR0[3:0] */
/* CR4 bits hvlab lets a guest set; VMXE and SMXE stay clear (no nested VMX/SMX). */
#define CR4_GUEST_ALLOWED                                                                      \
    (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE |  \
     CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_FSGSBASE | CR4_OSXSAVE)

static enum exit_action inject_gp(struct vcpu *vcpu)
{
    vcpu_queue_exception(vcpu, EXC_GENERAL_PROTECTION, true, 0);
    return ACTION_RESUME;
}

/* MOV to CR0 raises #GP(0) for PG without PE, NW without CD, and for turning paging on
 * with EFER.LME=1 but CR4.PAE=0 (SDM Vol. 2B, "MOV—Move to/from Control Registers"). */
static enum exit_action write_cr0(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t v)
{
    bool long_mode_without_pae = (v & CR0_PG) &&
                                 (vcpu->ops->get_reg(vcpu, VCPU_REG_EFER) & EFER_LME) &&
                                 !(vcpu->ops->get_reg(vcpu, VCPU_REG_CR4) & CR4_PAE);
    if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)) || (v >> 32) ||
        long_mode_without_pae)
        return inject_gp(vcpu);
    vcpu->ops->set_reg(vcpu, VCPU_REG_CR0, v);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

static enum exit_action write_cr4(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t v)
{
    if (v & ~CR4_GUEST_ALLOWED)
        return inject_gp(vcpu);
    vcpu->ops->set_reg(vcpu, VCPU_REG_CR4, v);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

enum exit_action handle_cr_access(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint64_t cr0 = vcpu->ops->get_reg(vcpu, VCPU_REG_CR0);

    switch (exit->u.cr.access) {
    case CR_MOV_TO:
        if (exit->u.cr.cr == 0)
            return write_cr0(vcpu, exit, vcpu_gpr(vcpu, exit->u.cr.gpr));
        if (exit->u.cr.cr == 4)
            return write_cr4(vcpu, exit, vcpu_gpr(vcpu, exit->u.cr.gpr));
        if (exit->u.cr.cr == 3) { /* only on CPUs that force CR3-load exiting */
            vcpu->ops->set_reg(vcpu, VCPU_REG_CR3, vcpu_gpr(vcpu, exit->u.cr.gpr));
            vcpu_skip_instruction(vcpu, exit);
            return ACTION_RESUME;
        }
        break;
    case CR_CLTS: return write_cr0(vcpu, exit, cr0 & ~CR0_TS);
    case CR_LMSW:
        /* LMSW can set PE but never clear it. */
        return write_cr0(vcpu, exit,
                         (cr0 & ~(LMSW_BITS & ~CR0_PE)) | (exit->u.cr.lmsw_source & LMSW_BITS));
    case CR_MOV_FROM:
        if (exit->u.cr.cr == 3) { /* only on CPUs that force CR3-store exiting */
            vcpu_set_gpr(vcpu, exit->u.cr.gpr, vcpu->ops->get_reg(vcpu, VCPU_REG_CR3));
            vcpu_skip_instruction(vcpu, exit);
            return ACTION_RESUME;
        }
        break;
    }
    return vcpu_stop(vcpu, "unexpected control-register exit: CR%u, access type %d",
                     exit->u.cr.cr, (int)exit->u.cr.access);
}
