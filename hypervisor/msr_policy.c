/*
 * msr_policy.c - the MSR allow-list (see msr_policy.h).
 *
 * MSR_GUEST_REG registers are the guest's own: the backends load them into the CPU for
 * the guest's run, so SYSCALL, SYSENTER, SWAPGS, FS:/GS: and RDTSCP use the guest's
 * values. Only IA32_MTRR_DEF_TYPE is MSR_STORED: hvlab's EPT/NPT choose memory types.
 * IA32_APIC_BASE and IA32_TSC_DEADLINE are the local APIC model's (MSR_APIC).
 * MSR_DROP_WRITES answers MSRs that kernels write without a fault handler: IA32_BIOS_SIGN_ID
 * (SDM Vol. 3A, "Microcode Update Facilities": write 0, CPUID, read the revision; a VM
 * has no microcode update, revision 0) and AMD's NB_CFG (nothing in it applies to a VM).
 */
#include "hypervisor/msr_policy.h"

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/devices/local_apic.h"

#define MISC_ENABLE_FAST_STRINGS (1ull << 0) /* SDM Vol. 4, IA32_MISC_ENABLE bit 0 */

/* Canonical with 48-bit linear addresses: bits 63:47 all equal. 5-level paging is not
 * offered to guests (cr_policy.c). See: SDM Vol. 1, "Canonical Addressing". */
#define CANONICAL_TOP_BIT  47
/* PAT: eight one-byte entries; types 2 and 3 and bits 7:3 are reserved. See: SDM Vol. 3A,
 * "IA32_PAT MSR" and "PAT Memory Types and Their Encodings". */
#define PAT_ENTRIES        8
#define PAT_ENTRY_BITS     8
#define PAT_ENTRY_MASK     0xFFull
#define PAT_TYPE_UC_       7
#define PAT_RESERVED_TYPES ((1u << 2) | (1u << 3))

#define GUEST_REG(msr, name, reg, check)                                                       \
    {                                                                                          \
        msr, name, MSR_GUEST_REG, 0, 0, reg, check                                             \
    }

static const struct msr_rule rules[] = {
    {MSR_IA32_TSC, "IA32_TSC", MSR_HOST_TSC, 0, 0, 0, 0},
    {MSR_IA32_APIC_BASE, "IA32_APIC_BASE", MSR_APIC, 0, 0, 0, 0},
    {LAPIC_TSC_DEADLINE_MSR, "IA32_TSC_DEADLINE", MSR_APIC, 0, 0, 0, 0},
    {MSR_IA32_MTRRCAP, "IA32_MTRRCAP", MSR_CONSTANT, 0, 0, 0, 0},
    {MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", MSR_CONSTANT, MISC_ENABLE_FAST_STRINGS, 0, 0, 0},
    {MSR_IA32_BIOS_SIGN_ID, "IA32_BIOS_SIGN_ID", MSR_DROP_WRITES, 0, 0, 0, 0},
    {MSR_AMD64_NB_CFG, "NB_CFG", MSR_DROP_WRITES, 0, 0, 0, 0},
    {MSR_IA32_EFER, "IA32_EFER", MSR_GUEST_EFER, EFER_SCE | EFER_LME | EFER_NXE, 0, 0, 0},
    {MSR_IA32_MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE", MSR_STORED, 0, 0, 0, 0},
    GUEST_REG(MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS", VCPU_REG_SYSENTER_CS, MSR_ANY_VALUE),
    GUEST_REG(MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP", VCPU_REG_SYSENTER_ESP, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP", VCPU_REG_SYSENTER_EIP, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_PAT, "IA32_PAT", VCPU_REG_PAT, MSR_PAT_ENCODINGS),
    GUEST_REG(MSR_IA32_STAR, "IA32_STAR", VCPU_REG_STAR, MSR_ANY_VALUE),
    GUEST_REG(MSR_IA32_LSTAR, "IA32_LSTAR", VCPU_REG_LSTAR, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_CSTAR, "IA32_CSTAR", VCPU_REG_CSTAR, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_FMASK, "IA32_FMASK", VCPU_REG_FMASK, MSR_LOW_32_BITS),
    GUEST_REG(MSR_IA32_FS_BASE, "IA32_FS_BASE", VCPU_REG_FS_BASE, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_GS_BASE, "IA32_GS_BASE", VCPU_REG_GS_BASE, MSR_CANONICAL),
    GUEST_REG(MSR_IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", VCPU_REG_KERNEL_GS_BASE,
              MSR_CANONICAL),
    GUEST_REG(MSR_IA32_TSC_AUX, "IA32_TSC_AUX", VCPU_REG_TSC_AUX, MSR_LOW_32_BITS),
};

const struct msr_rule *msr_policy_find(uint32_t msr)
{
    for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].msr == msr)
            return &rules[i];
    return 0;
}

static bool canonical(uint64_t address)
{
    uint64_t top = address >> CANONICAL_TOP_BIT; /* bits 63:47 */
    return top == 0 || top == (UINT64_MAX >> CANONICAL_TOP_BIT);
}

static bool pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < PAT_ENTRIES; i++) {
        uint64_t type = (pat >> (i * PAT_ENTRY_BITS)) & PAT_ENTRY_MASK;
        if (type > PAT_TYPE_UC_ || (PAT_RESERVED_TYPES & (1u << type)))
            return false;
    }
    return true;
}

bool msr_policy_value_ok(const struct msr_rule *rule, uint64_t value)
{
    switch (rule->check) {
    case MSR_CANONICAL: return canonical(value);
    case MSR_LOW_32_BITS: return (value >> 32) == 0;
    case MSR_PAT_ENCODINGS: return pat_valid(value);
    default: return true;
    }
}
