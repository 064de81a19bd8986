/*
 * cr.c - control-register exits: MOV CR, CLTS, LMSW and XSETBV.
 *
 * VT-x: with unrestricted guest and EPT the guest owns CR3 and the CR0/CR4 bits it may
 * change; it exits only when it changes a bit the hypervisor owns (the CR0/CR4
 * guest/host masks: bits VMX forces, and every CR4 bit the guest's CPU does not offer).
 * SVM: every write of CR0 and CR4 exits (there are no masks), so a reserved bit faults
 * here too; without decode assists the instruction is read from guest memory.
 * The handler applies the architectural rules a real CPU applies, then hands the new
 * value to the backend, which keeps any forced bits set behind the guest's back.
 * CR8 exits on both vendors: it is the TPR of the VM's local APIC model (bits 3:0 of CR8
 * are TPR bits 7:4, SDM Vol. 3A, "Task Priority in IA-32e Mode").
 * See: SDM Vol. 3C, "Exit Qualification for Control-Register Accesses"; Vol. 2B, MOV CR;
 *      Vol. 2C, XSETBV; APM Vol. 2, "Control-Register Intercepts".
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "hypervisor/cr_decode.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/fmt.h"
#include "hypervisor/guest_fetch.h"
#include "hypervisor/virtual_platform.h"

#define LMSW_BITS     (CR0_PE | CR0_MP | CR0_EM | CR0_TS) /* LMSW loads CR0[3:0] */
#define LOW32         0xFFFFFFFFull
#define CR8_TPR_BITS  0xFull /* CR8[3:0]; bits 63:4 are reserved (#GP if set) */
#define CR8_TPR_SHIFT 4u     /* CR8[3:0] = TPR[7:4], the priority class */

static enum exit_action inject_gp(struct vcpu *vcpu)
{
    return vcpu_queue_exception(vcpu, EXC_GENERAL_PROTECTION, true, 0);
}

/* MOV to CR0 raises #GP(0) for PG without PE, NW without CD, a bit in 63:32, and for
 * turning paging on with EFER.LME=1 but CR4.PAE=0 (SDM Vol. 2B, "MOV—Move to/from Control
 * Registers"); writes to reserved bits in 31:0 are ignored there, so they pass. */
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

/* A CR4 bit the guest's CPUID does not offer is reserved to it: #GP(0); so are the mode
 * rules of cr_policy_cr4_write_ok(). */
static enum exit_action write_cr4(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t v)
{
    const struct cr4_context now = {vcpu->ops->get_reg(vcpu, VCPU_REG_CR4),
                                    vcpu->ops->get_reg(vcpu, VCPU_REG_CR3),
                                    vcpu->ops->get_reg(vcpu, VCPU_REG_EFER)};
    if (!cr_policy_cr4_write_ok(v, &now, vcpu->limits.cr4_valid, 0))
        return inject_gp(vcpu);
    vcpu->ops->set_reg(vcpu, VCPU_REG_CR4, v);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

/* MOV to CR8: the APIC's TPR, as if written through its register page. */
static enum exit_action write_cr8(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t v)
{
    if (v & ~CR8_TPR_BITS)
        return inject_gp(vcpu);
    struct virtual_platform *vp = vcpu->platform;
    vplatform_lapic_write(vp, LAPIC_REG_TPR, sizeof(uint32_t), (uint32_t)v << CR8_TPR_SHIFT,
                          vp->read_tsc());
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

static enum exit_action read_cr8(struct vcpu *vcpu, const struct vm_exit *exit)
{
    struct virtual_platform *vp = vcpu->platform;
    uint32_t tpr = vplatform_lapic_read(vp, LAPIC_REG_TPR, sizeof(uint32_t), vp->read_tsc());
    vcpu_set_gpr(vcpu, exit->u.cr.gpr, (tpr >> CR8_TPR_SHIFT) & CR8_TPR_BITS);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

/* The exit with register and length filled in from the instruction itself. */
static bool decode_from_memory(struct vcpu *vcpu, struct vm_exit *e, char *why, size_t why_len)
{
    uint8_t bytes[MMIO_INSN_MAX];
    size_t n = guest_fetch_instruction(vcpu, e->rip, bytes);
    if (n == 0) {
        fmt_snprintf(why, why_len,
                     "code hvlab cannot fetch (not mapped by the "
                     "guest's page tables, or outside RAM)");
        return false;
    }
    struct cr_instruction insn;
    const char *reason;
    enum mmio_mode mode = (enum mmio_mode)vcpu->ops->get_reg(vcpu, VCPU_REG_CODE_BYTES);
    if (!cr_decode(bytes, n, mode, &insn, &reason)) {
        fmt_snprintf(why, why_len, "%s: bytes %02x %02x %02x %02x", reason, bytes[0],
                     n > 1 ? bytes[1] : 0, n > 2 ? bytes[2] : 0, n > 3 ? bytes[3] : 0);
        return false;
    }
    /* A CR write exit is a MOV to that CR, or for CR0 also CLTS or LMSW (APM Vol. 2,
     * "CR0 Intercepts"). */
    bool writes = insn.access == CR_MOV_TO || insn.access == CR_CLTS || insn.access == CR_LMSW;
    if (insn.cr != e->u.cr.cr || writes != (e->u.cr.access == CR_MOV_TO)) {
        fmt_snprintf(why, why_len, "the instruction %s CR%u", writes ? "writes" : "reads",
                     insn.cr);
        return false;
    }
    e->u.cr.access = insn.access;
    e->u.cr.gpr = (enum guest_gpr)insn.gpr;
    if (insn.access == CR_LMSW) /* LMSW loads the low 16 bits of its operand */
        e->u.cr.lmsw_source = (uint16_t)vcpu_gpr(vcpu, e->u.cr.gpr);
    e->instr_len = insn.length;
    e->u.cr.undecoded = false;
    return true;
}

enum exit_action handle_cr_access(struct vcpu *vcpu, const struct vm_exit *exit)
{
    struct vm_exit e = *exit;
    char why[96];
    if (e.u.cr.undecoded && !decode_from_memory(vcpu, &e, why, sizeof(why)))
        return vcpu_stop(vcpu, "CR%u %s exit at RIP 0x%lx not decoded: %s", e.u.cr.cr,
                         e.u.cr.access == CR_MOV_TO ? "write" : "read", (unsigned long)e.rip,
                         why);
    uint64_t cr0 = vcpu->ops->get_reg(vcpu, VCPU_REG_CR0);

    switch (e.u.cr.access) {
    case CR_MOV_TO:
        if (e.u.cr.cr == 0)
            return write_cr0(vcpu, &e, vcpu_gpr(vcpu, e.u.cr.gpr));
        if (e.u.cr.cr == 4)
            return write_cr4(vcpu, &e, vcpu_gpr(vcpu, e.u.cr.gpr));
        if (e.u.cr.cr == 8)
            return write_cr8(vcpu, &e, vcpu_gpr(vcpu, e.u.cr.gpr));
        if (e.u.cr.cr == 3) { /* only on CPUs that force CR3-load exiting */
            vcpu->ops->set_reg(vcpu, VCPU_REG_CR3, vcpu_gpr(vcpu, e.u.cr.gpr));
            vcpu_skip_instruction(vcpu, &e);
            return ACTION_RESUME;
        }
        break;
    case CR_CLTS: return write_cr0(vcpu, &e, cr0 & ~CR0_TS);
    case CR_LMSW:
        /* LMSW can set PE but never clear it. */
        return write_cr0(vcpu, &e,
                         (cr0 & ~(LMSW_BITS & ~CR0_PE)) | (e.u.cr.lmsw_source & LMSW_BITS));
    case CR_MOV_FROM:
        if (e.u.cr.cr == 8)
            return read_cr8(vcpu, &e);
        if (e.u.cr.cr == 3) { /* only on CPUs that force CR3-store exiting */
            vcpu_set_gpr(vcpu, e.u.cr.gpr, vcpu->ops->get_reg(vcpu, VCPU_REG_CR3));
            vcpu_skip_instruction(vcpu, &e);
            return ACTION_RESUME;
        }
        break;
    }
    return vcpu_stop(vcpu, "unexpected control-register exit: CR%u, access type %d", e.u.cr.cr,
                     (int)e.u.cr.access);
}

/* XSETBV: #UD without CR4.OSXSAVE, #GP(0) for an XCR other than XCR0 or a value the rules
 * forbid (cr_policy_xcr0_valid); else the guest's XCR0, which vm.c loads before entry.
 * CPL > 0 faults before the exit (SDM Vol. 3C, "Relative Priority of Faults and VM
 * Exits"; APM Vol. 2, "Instruction Intercepts"), so it cannot reach here. */
enum exit_action handle_xsetbv(struct vcpu *vcpu, const struct vm_exit *exit)
{
    if (!(vcpu->ops->get_reg(vcpu, VCPU_REG_CR4) & CR4_OSXSAVE))
        return vcpu_queue_exception(vcpu, EXC_INVALID_OPCODE, false, 0);
    uint32_t xcr = (uint32_t)vcpu_gpr(vcpu, GPR_RCX);
    uint64_t value =
        ((vcpu_gpr(vcpu, GPR_RDX) & LOW32) << 32) | (vcpu_gpr(vcpu, GPR_RAX) & LOW32);
    if (xcr != XCR_XCR0 || !cr_policy_xcr0_valid(value, vcpu->limits.xcr0_supported, 0))
        return inject_gp(vcpu);
    vcpu->xcr0 = value;
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}
