/*
 * msr.c - RDMSR and WRMSR exits, decided by the allow-list in msr_policy.c.
 * ECX = MSR number, EDX:EAX = value. See: SDM Vol. 2B, RDMSR/WRMSR: an unknown or
 * read-only MSR, or a reserved bit set, raises #GP(0).
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/msr_policy.h"
#include "hypervisor/virtual_platform.h"

#define LOW32(x) ((uint32_t)(x))

static uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static enum exit_action inject_gp(struct vcpu *vcpu, const char *what, uint32_t msr)
{
    log_info("guest %s 0x%x: not allowed, #GP injected", what, msr);
    vcpu_queue_exception(vcpu, EXC_GENERAL_PROTECTION, true, 0);
    return ACTION_RESUME; /* RIP stays on the instruction: the #GP is delivered there */
}

enum exit_action handle_msr_read(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint32_t msr = LOW32(vcpu_gpr(vcpu, GPR_RCX));
    const struct msr_rule *rule = msr_policy_find(msr);
    uint64_t value;

    if (!rule)
        return inject_gp(vcpu, "rdmsr", msr);
    switch (rule->backing) {
    case MSR_CONSTANT:
    case MSR_DROP_WRITES: value = rule->value; break;
    case MSR_HOST_TSC: value = read_tsc(); break;
    case MSR_GUEST_EFER: value = vcpu->ops->get_reg(vcpu, VCPU_REG_EFER); break;
    case MSR_GUEST_REG: value = vcpu->ops->get_reg(vcpu, rule->reg); break;
    case MSR_APIC:
        if (!vplatform_apic_msr_read(vcpu->platform, msr, vcpu->platform->read_tsc(), &value))
            return inject_gp(vcpu, "rdmsr", msr);
        break;
    default: value = vcpu->msr_store[rule->slot]; break;
    }
    vcpu_set_gpr(vcpu, GPR_RAX, LOW32(value));
    vcpu_set_gpr(vcpu, GPR_RDX, value >> 32);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}

enum exit_action handle_msr_write(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint32_t msr = LOW32(vcpu_gpr(vcpu, GPR_RCX));
    uint64_t value =
        ((uint64_t)LOW32(vcpu_gpr(vcpu, GPR_RDX)) << 32) | LOW32(vcpu_gpr(vcpu, GPR_RAX));
    const struct msr_rule *rule = msr_policy_find(msr);

    if (!rule || rule->backing == MSR_CONSTANT || rule->backing == MSR_HOST_TSC)
        return inject_gp(vcpu, "wrmsr", msr);
    if (rule->backing == MSR_GUEST_EFER) {
        /* LMA is status, not control: writes to it are ignored. LME may not change while
         * paging is on. See: SDM Vol. 3A, "Initializing IA-32e Mode". */
        uint64_t old = vcpu->ops->get_reg(vcpu, VCPU_REG_EFER);
        bool paging = (vcpu->ops->get_reg(vcpu, VCPU_REG_CR0) & CR0_PG) != 0;
        value = (value & ~EFER_LMA) | (old & EFER_LMA);
        if (value & ~(rule->value | EFER_LMA))
            return inject_gp(vcpu, "wrmsr (reserved EFER bits)", msr);
        if (paging && ((value ^ old) & EFER_LME))
            return inject_gp(vcpu, "wrmsr (EFER.LME changed with paging on)", msr);
        vcpu->ops->set_reg(vcpu, VCPU_REG_EFER, value);
    } else if (rule->backing == MSR_APIC) {
        /* The model refuses reserved bits and x2APIC mode (hidden in CPUID). */
        if (!vplatform_apic_msr_write(vcpu->platform, msr, value, vcpu->platform->read_tsc()))
            return inject_gp(vcpu, "wrmsr (refused by the local APIC)", msr);
    } else if (rule->backing == MSR_DROP_WRITES) {
        /* taken, and nothing changes (msr_policy.c says why) */
    } else if (rule->backing == MSR_GUEST_REG) {
        if (!msr_policy_value_ok(rule, value))
            return inject_gp(vcpu, "wrmsr (a reserved bit or a non-canonical address)", msr);
        vcpu->ops->set_reg(vcpu, rule->reg, value);
    } else {
        vcpu->msr_store[rule->slot] = value;
    }
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}
