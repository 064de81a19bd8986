/*
 * cpuid.c - checks of hvlab's CPUID policy: the hypervisor bit, the hvlab leaves, and
 * VMX/SVM hidden from the guest (docs/hypercalls.md, section 1).
 *
 * See: Intel SDM Vol. 2A, "CPUID—CPU Identification"; AMD APM Vol. 3, Appendix E
 *      "Obtaining Processor Information Via the CPUID Instruction".
 */
#include "conform.h"
#include "cpuid.h"

#define HV_FEATURES_1_2                                                                        \
    (HV_FEATURE_CONSOLE_WRITE | HV_FEATURE_MEMORY_SIZE | HV_FEATURE_TIME | HV_FEATURE_YIELD |  \
     HV_FEATURE_SHUTDOWN | HV_FEATURE_TICKS_LOST)

/* CPUID.1:ECX[31] = 1 under a hypervisor. */
enum tap_outcome check_cpuid_hypervisor_bit(void)
{
    REQUIRE_HVLAB();
    uint32_t ecx = cpuid(CPUID_LEAF_FEATURES).ecx;
    if (!(ecx & CPUID_1_ECX_HYPERVISOR))
        return tap_fail("CPUID.1:ECX = 0x%08x, bit 31 clear", ecx);
    return TAP_PASS;
}

/* Leaf 0x40000000: the "hvlab" signature (main.c found it) and a max leaf >= 0x40000001. */
enum tap_outcome check_cpuid_signature(void)
{
    if (!env.hvlab)
        return tap_skip("no hvlab (signature \"%s\")", env.hv.signature);
    uint32_t max = cpuid(HV_CPUID_BASE).eax;
    if (max < HV_CPUID_FEATURES)
        return tap_fail("max leaf 0x%08x, expected >= 0x%08x", max, HV_CPUID_FEATURES);
    return TAP_PASS;
}

/* Leaf 0x40000001: ABI 1.2 and its call feature bits (bit 5, the MMIO page: mmio.c). */
enum tap_outcome check_cpuid_abi_leaf(void)
{
    REQUIRE_HVLAB();
    struct cpuid_regs r = cpuid(HV_CPUID_FEATURES);
    if (r.eax != HV_ABI_VERSION_1_2)
        return tap_fail("EAX 0x%08x, expected 0x%08x", r.eax, HV_ABI_VERSION_1_2);
    if ((r.ebx & HV_FEATURES_1_2) != HV_FEATURES_1_2)
        return tap_fail("EBX 0x%08x, expected bits 0x%08x set", r.ebx, HV_FEATURES_1_2);
    return TAP_PASS;
}

/* CPUID.1:ECX[5] (VMX) = 0: no nested VT-x. */
enum tap_outcome check_cpuid_vmx_hidden(void)
{
    REQUIRE_HVLAB();
    uint32_t ecx = cpuid(CPUID_LEAF_FEATURES).ecx;
    if (ecx & CPUID_1_ECX_VMX)
        return tap_fail("CPUID.1:ECX = 0x%08x, bit 5 set", ecx);
    return TAP_PASS;
}

/* CPUID.80000001H:ECX[2] (SVM) = 0: no nested AMD-V. */
enum tap_outcome check_cpuid_svm_hidden(void)
{
    REQUIRE_HVLAB();
    uint32_t max = cpuid(CPUID_LEAF_EXT_MAX).eax;
    if (max < CPUID_LEAF_EXT_FEATURES)
        return TAP_PASS; /* no extended feature leaf at all: nothing to hide */
    uint32_t ecx = cpuid(CPUID_LEAF_EXT_FEATURES).ecx;
    if (ecx & CPUID_80000001_ECX_SVM)
        return tap_fail("CPUID.80000001H:ECX = 0x%08x, bit 2 set", ecx);
    return TAP_PASS;
}
