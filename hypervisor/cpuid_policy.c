/*
 * cpuid_policy.c - the CPUID values hvlab shows its guests (see cpuid_policy.h).
 * See: SDM Vol. 2A, "CPUID—CPU Identification"; AMD APM Vol. 3, Appendix E.
 */
#include "hypervisor/cpuid_policy.h"

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/hvlab_abi.h"

#define CPUID_1_ECX_SMX (1u << 6) /* safer mode extensions (GETSEC) */

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

struct cpuid_result cpuid_policy_apply(uint32_t leaf, uint32_t subleaf,
                                       struct cpuid_result host)
{
    (void)subleaf;
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
        r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX);
    } else if (leaf == CPUID_LEAF_EXT_FEATURES) {
        r.ecx &= ~CPUID_80000001_ECX_SVM;
    }
    return r;
}
