/*
 * cpuid_policy.c - the CPUID values hvlab shows its guests (see cpuid_policy.h).
 * See: SDM Vol. 2A, "CPUID—CPU Identification"; AMD APM Vol. 3, Appendix E.
 */
#include "hypervisor/cpuid_policy.h"

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/cr_policy.h"
#include "hypervisor/hvlab_abi.h"

/* Leaves 15H (TSC and core crystal clock) and 16H (processor frequencies). See: SDM Vol. 2A,
 * CPUID, "Time Stamp Counter and Nominal Core Crystal Clock Information Leaf". */
#define CPUID_LEAF_TSC_CRYSTAL   0x15u
#define CPUID_LEAF_FREQUENCY     0x16u
/* CPUID.01H: EBX[31:24] the initial APIC ID, EDX[9] an on-chip APIC. */
#define CPUID_1_EBX_APIC_ID_MASK 0xFF000000u
#define CPUID_1_EDX_APIC         (1u << 9)

/* Hardware a VM does not have, hidden so an OS does not reach for its MSRs (hvlab answers
 * them with #GP, and Linux panics on a #GP from a machine-check MSR). See: SDM Vol. 2A,
 * CPUID, "Feature Information Returned in the ECX/EDX Register"; APM Vol. 3, E.4.2.
 * Leaf 1 ECX: DTES64 (2), MONITOR/MWAIT (3: a halted vCPU must exit, so it uses HLT),
 * DS-CPL (4), EST (7), TM2 (8), PDCM (15). EDX: MCE (7), MCA (14), DS (21), ACPI thermal
 * (22), TM (29), PBE (31). */
#define CPUID_1_ECX_HIDDEN                                                                     \
    ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 8) | (1u << 15))
#define CPUID_1_EDX_HIDDEN                                                                     \
    ((1u << 7) | (1u << 14) | (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
/* Leaf 7 EBX[1]: IA32_TSC_ADJUST (the guest's TSC is the host's, with no MSR of its own). */
#define CPUID_7_EBX_TSC_ADJUST (1u << 1)
/* Leaf 80000001H ECX (AMD): IBS (10), SKINIT (12), WDT (13), LWP (15), core and northbridge
 * performance counters (23, 24), MONITORX (29). */
#define CPUID_80000001_ECX_HIDDEN                                                              \
    ((1u << 10) | (1u << 12) | (1u << 13) | (1u << 15) | (1u << 23) | (1u << 24) | (1u << 29))
/* Leaves with no counterpart in a VM, answered with zeros: 6 (thermal and power
 * management), 0AH (architectural performance monitoring: no PMU). Leaf 80000007H keeps
 * only EDX[8], the invariant TSC (the guest's TSC is the host's). */
#define CPUID_LEAF_THERMAL_POWER         0x6u
#define CPUID_LEAF_PERFMON               0xAu
#define CPUID_LEAF_EXT_POWER             0x80000007u
#define CPUID_80000007_EDX_INVARIANT_TSC (1u << 8)

/* Pack up to 4 bytes of a string into a register, first byte lowest (CPUID order). */
static uint32_t pack4(const char *s, unsigned offset)
{
    uint32_t v = 0;
    unsigned len = 0;
    while (s[len])
        len++;
    for (unsigned i = 0; i < 4; i++)
        if (offset + i < len)
            v |= (uint32_t)(uint8_t)s[offset + i] << (8 * i);
    return v;
}

/* Leaf 0xD: only the XCR0 components hvlab offers (cr_policy.h), no supervisor states
 * (IA32_XSS is not offered: XSAVES hidden) and no XFD. Subleaf 0 ECX (the size for every
 * supported component) stays the host's: larger than needed, which is safe. */
static struct cpuid_result xsave_leaf(uint32_t subleaf, struct cpuid_result r)
{
    if (subleaf == CPUID_D_SUBLEAF_XCR0) {
        r.eax &= (uint32_t)XCR0_HVLAB_POLICY;
        r.edx &= (uint32_t)(XCR0_HVLAB_POLICY >> 32);
    } else if (subleaf == CPUID_D_SUBLEAF_FLAGS) {
        r.eax &= ~(CPUID_D1_EAX_XSAVES | CPUID_D1_EAX_XFD);
        r.ecx = r.edx = 0; /* the IA32_XSS bits */
    } else if (subleaf > CPUID_D_SUBLEAF_LAST || !(XCR0_HVLAB_POLICY & (1ull << subleaf))) {
        r = (struct cpuid_result){0, 0, 0, 0};
    }
    return r;
}

struct cpuid_result cpuid_policy_apply(uint32_t leaf, uint32_t subleaf,
                                       struct cpuid_result host, uint64_t guest_cr4)
{
    struct cpuid_result r = host;

    if (leaf >= HVLAB_CPUID_LEAF_IDENT && leaf <= HVLAB_CPUID_RANGE_LAST) {
        r = (struct cpuid_result){0, 0, 0, 0};
        if (leaf == HVLAB_CPUID_LEAF_IDENT) {
            r.eax = HVLAB_CPUID_LEAF_MAX;
            r.ebx = pack4(HVLAB_SIGNATURE, 0);
            r.ecx = pack4(HVLAB_SIGNATURE, 4);
            r.edx = pack4(HVLAB_SIGNATURE, 8);
        } else if (leaf == HVLAB_CPUID_LEAF_FEATURES) {
            r.eax = HVLAB_ABI_VERSION;
            r.ebx = HVLAB_FEATURES_ALL;
        }
        return r;
    }
    if (leaf == CPUID_LEAF_FEATURES) {
        r.ecx |= CPUID_1_ECX_HYPERVISOR;
        /* No nested VMX or SMX; x2APIC is not modelled. The local APIC's TSC-deadline
         * timer is (apic_platform.h), whatever the host has. */
        r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_OSXSAVE |
                   CPUID_1_ECX_X2APIC | CPUID_1_ECX_HIDDEN);
        r.edx &= ~CPUID_1_EDX_HIDDEN;
        r.ecx |= CPUID_1_ECX_TSC_DEADLINE;
        r.ebx &= ~CPUID_1_EBX_APIC_ID_MASK; /* the vCPU's APIC: ID 0, whichever CPU runs it */
        r.edx |= CPUID_1_EDX_APIC;
        if (guest_cr4 & CR4_OSXSAVE) /* OSXSAVE is the guest's own CR4 bit, not the host's */
            r.ecx |= CPUID_1_ECX_OSXSAVE;
    } else if (leaf == CPUID_LEAF_EXT_FEATURES7 && subleaf == 0) {
        /* Features whose CR4 or XCR0 bit hvlab does not offer (cr_policy.c). */
        r.ebx &= ~(CPUID_7_EBX_MPX | CPUID_7_EBX_TSC_ADJUST);
        r.ecx &= ~(CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE | CPUID_7_ECX_CET_SS);
        r.edx &= ~(CPUID_7_EDX_CET_IBT | CPUID_7_EDX_AMX_BF16 | CPUID_7_EDX_AMX_TILE |
                   CPUID_7_EDX_AMX_INT8);
    } else if (leaf == CPUID_LEAF_THERMAL_POWER || leaf == CPUID_LEAF_PERFMON) {
        r = (struct cpuid_result){0, 0, 0, 0};
    } else if (leaf == CPUID_LEAF_EXT_POWER) {
        r = (struct cpuid_result){0, 0, 0, r.edx & CPUID_80000007_EDX_INVARIANT_TSC};
    } else if (leaf == CPUID_LEAF_TSC_CRYSTAL) {
        /* The ratio and crystal clock would tell the guest its APIC timer's rate, which
         * is hvlab's own (apic_platform.h): not enumerated, so the guest calibrates. */
        r = (struct cpuid_result){0, 0, 0, 0};
    } else if (leaf == CPUID_LEAF_FREQUENCY) {
        r.ecx = 0; /* bus (reference) frequency: not the APIC timer's either */
    } else if (leaf == CPUID_LEAF_XSAVE) {
        r = xsave_leaf(subleaf, r);
    } else if (leaf == CPUID_LEAF_EXT_FEATURES) {
        r.ecx &= ~(CPUID_80000001_ECX_SVM | CPUID_80000001_ECX_HIDDEN);
    }
    return r;
}
