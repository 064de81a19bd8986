/*
 * cr_policy.c - the CR4 and XCR0 bits a guest may set (see cr_policy.h).
 */
#include "hypervisor/cr_policy.h"

#include "arch/x86_64/cpu_bits.h"

/* One CR4 bit and the CPUID flag that says the CPU has it (SDM Vol. 3A, "Control
 * Registers", and CPUID's feature tables). Bits not listed are never offered: VMXE and
 * SMXE (no nested VMX or SMX), UMIP, LA57, PCIDE, SMEP, SMAP, PKE, CET and the rest. */
enum cpuid_word { LEAF1_ECX, LEAF1_EDX, LEAF7_EBX, ALWAYS };

static const struct {
    uint64_t cr4_bit;
    enum cpuid_word word;
    uint32_t flag;
} cr4_bits[] = {
    {CR4_VME, LEAF1_EDX, CPUID_1_EDX_VME},
    {CR4_PVI, LEAF1_EDX, CPUID_1_EDX_VME},
    {CR4_TSD, LEAF1_EDX, CPUID_1_EDX_TSC},
    {CR4_DE, LEAF1_EDX, CPUID_1_EDX_DE},
    {CR4_PSE, LEAF1_EDX, CPUID_1_EDX_PSE},
    {CR4_PAE, LEAF1_EDX, CPUID_1_EDX_PAE},
    {CR4_MCE, LEAF1_EDX, CPUID_1_EDX_MCE},
    {CR4_PGE, LEAF1_EDX, CPUID_1_EDX_PGE},
    {CR4_PCE, ALWAYS, 0}, /* RDPMC at CPL > 0: on every CPU since the Pentium Pro */
    {CR4_OSFXSR, LEAF1_EDX, CPUID_1_EDX_FXSR},
    {CR4_OSXMMEXCPT, LEAF1_EDX, CPUID_1_EDX_SSE},
    {CR4_FSGSBASE, LEAF7_EBX, CPUID_7_EBX_FSGSBASE},
    {CR4_OSXSAVE, LEAF1_ECX, CPUID_1_ECX_XSAVE},
};

struct guest_cpu_limits cr_policy_limits(struct cpuid_result leaf1, struct cpuid_result leaf7,
                                         struct cpuid_result leaf_xsave)
{
    struct guest_cpu_limits l = {0, 0};
    for (unsigned i = 0; i < sizeof(cr4_bits) / sizeof(cr4_bits[0]); i++) {
        uint32_t word = cr4_bits[i].word == LEAF1_ECX   ? leaf1.ecx
                        : cr4_bits[i].word == LEAF1_EDX ? leaf1.edx
                        : cr4_bits[i].word == LEAF7_EBX ? leaf7.ebx
                                                        : ~0u;
        if (word & cr4_bits[i].flag || cr4_bits[i].word == ALWAYS)
            l.cr4_valid |= cr4_bits[i].cr4_bit;
    }
    if (leaf1.ecx & CPUID_1_ECX_XSAVE)
        l.xcr0_supported =
            (((uint64_t)leaf_xsave.edx << 32) | leaf_xsave.eax) & XCR0_HVLAB_POLICY;
    return l;
}

/* Both bits of a pair, or neither. */
static bool together(uint64_t value, uint64_t bits)
{
    return (value & bits) == 0 || (value & bits) == bits;
}

bool cr_policy_xcr0_valid(uint64_t value, uint64_t supported, const char **why)
{
    const char *broken = 0;
    if (!(value & XCR0_X87))
        broken = "x87 state (bit 0) must stay enabled";
    else if (value & ~supported)
        broken = "a component the CPU does not support";
    else if ((value & XCR0_AVX) && !(value & XCR0_SSE))
        broken = "AVX (bit 2) without SSE (bit 1)";
    else if (!together(value, XCR0_AVX512) || ((value & XCR0_AVX512) && !(value & XCR0_AVX)))
        broken = "AVX-512 (bits 7:5) not all together with AVX";
    else if (!together(value, XCR0_MPX) || !together(value, XCR0_AMX))
        broken = "MPX (bits 4:3) or AMX (bits 18:17) not in pairs";
    if (why)
        *why = broken;
    return broken == 0;
}
