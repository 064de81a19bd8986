/*
 * msr_policy.c - the MSR allow-list (see msr_policy.h).
 *
 * MSR_STORED registers hold what the guest wrote and give it back, but are not loaded
 * into the CPU while the guest runs: SYSENTER/SYSCALL and PAT/MTRR settings of a guest
 * have no effect under hvlab (its guests are 32-bit kernels without user mode).
 */
#include "hypervisor/msr_policy.h"

#include "arch/x86_64/cpu_bits.h"

/* IA32_APIC_BASE as a BSP with its xAPIC enabled at the architectural default base.
 * See: SDM Vol. 3A, "Local APIC Status and Location". */
#define APIC_BASE_DEFAULT        0xFEE00000ull
#define APIC_BASE_BSP            (1ull << 8)
#define APIC_BASE_ENABLE         (1ull << 11)
#define MISC_ENABLE_FAST_STRINGS (1ull << 0) /* SDM Vol. 4, IA32_MISC_ENABLE bit 0 */

static const struct msr_rule rules[] = {
    {MSR_IA32_TSC, "IA32_TSC", MSR_HOST_TSC, 0, 0},
    {MSR_IA32_APIC_BASE, "IA32_APIC_BASE", MSR_CONSTANT,
     APIC_BASE_DEFAULT | APIC_BASE_BSP | APIC_BASE_ENABLE, 0},
    {MSR_IA32_MTRRCAP, "IA32_MTRRCAP", MSR_CONSTANT, 0, 0},
    {MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", MSR_CONSTANT, MISC_ENABLE_FAST_STRINGS, 0},
    {MSR_IA32_EFER, "IA32_EFER", MSR_GUEST_EFER, EFER_SCE | EFER_LME | EFER_NXE, 0},
    {MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS", MSR_STORED, 0, 0},
    {MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP", MSR_STORED, 0, 1},
    {MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP", MSR_STORED, 0, 2},
    {MSR_IA32_PAT, "IA32_PAT", MSR_STORED, 0, 3},
    {MSR_IA32_MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE", MSR_STORED, 0, 4},
    {MSR_IA32_STAR, "IA32_STAR", MSR_STORED, 0, 5},
    {MSR_IA32_LSTAR, "IA32_LSTAR", MSR_STORED, 0, 6},
    {MSR_IA32_CSTAR, "IA32_CSTAR", MSR_STORED, 0, 7},
    {MSR_IA32_FMASK, "IA32_FMASK", MSR_STORED, 0, 8},
    {MSR_IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", MSR_STORED, 0, 9},
    {MSR_IA32_TSC_AUX, "IA32_TSC_AUX", MSR_STORED, 0, 10},
};

const struct msr_rule *msr_policy_find(uint32_t msr)
{
    for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].msr == msr)
            return &rules[i];
    return 0;
}
