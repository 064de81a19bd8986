/*
 * cr_policy.c - the CR4 and XCR0 bits a guest may set (see cr_policy.h).
 */
#include "hypervisor/cr_policy.h"

#include "arch/x86_64/cpu_bits.h"

/* One CR4 bit and the CPUID flag that says the CPU has it (SDM Vol. 3A, "Control
 * Registers", and CPUID's feature tables). Bits not listed are never offered: VMXE and
 * SMXE (no nested VMX or SMX), LA57 (5-level paging), PKE, CET and the rest. */
enum cpuid_word { LEAF1_ECX, LEAF1_EDX, LEAF7_EBX, LEAF7_ECX, ALWAYS };

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
    {CR4_MCE, ALWAYS, 0}, /* CPUID hides MCE (cpuid_policy.c), but kernels keep the bit */
    {CR4_PGE, LEAF1_EDX, CPUID_1_EDX_PGE},
    {CR4_PCE, ALWAYS, 0}, /* RDPMC at CPL > 0: on every CPU since the Pentium Pro */
    {CR4_OSFXSR, LEAF1_EDX, CPUID_1_EDX_FXSR},
    {CR4_OSXMMEXCPT, LEAF1_EDX, CPUID_1_EDX_SSE},
    {CR4_UMIP, LEAF7_ECX, CPUID_7_ECX_UMIP},
    {CR4_FSGSBASE, LEAF7_EBX, CPUID_7_EBX_FSGSBASE},
    {CR4_PCIDE, LEAF1_ECX, CPUID_1_ECX_PCID},
    {CR4_OSXSAVE, LEAF1_ECX, CPUID_1_ECX_XSAVE},
    {CR4_SMEP, LEAF7_EBX, CPUID_7_EBX_SMEP},
    {CR4_SMAP, LEAF7_EBX, CPUID_7_EBX_SMAP},
};

struct guest_cpu_limits cr_policy_limits(struct cpuid_result leaf1, struct cpuid_result leaf7,
                                         struct cpuid_result leaf_xsave)
{
    struct guest_cpu_limits l = {0, 0, 0};
    for (unsigned i = 0; i < sizeof(cr4_bits) / sizeof(cr4_bits[0]); i++) {
        uint32_t word = cr4_bits[i].word == LEAF1_ECX   ? leaf1.ecx
                        : cr4_bits[i].word == LEAF1_EDX ? leaf1.edx
                        : cr4_bits[i].word == LEAF7_EBX ? leaf7.ebx
                        : cr4_bits[i].word == LEAF7_ECX ? leaf7.ecx
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

bool cr_policy_cr4_write_ok(uint64_t value, const struct cr4_context *now, uint64_t cr4_valid,
                            const char **why)
{
    const char *broken = 0;
    bool long_mode = (now->efer & EFER_LMA) != 0;
    if (value & ~cr4_valid)
        broken = "a bit the guest's CPUID does not offer";
    else if (long_mode && !(value & CR4_PAE))
        broken = "PAE cleared in IA-32e mode";
    else if ((value & CR4_PCIDE) && !(now->cr4 & CR4_PCIDE) &&
             (!long_mode || (now->cr3 & CR3_PCID_MASK)))
        broken = "PCIDE set outside IA-32e mode or with CR3[11:0] not 0";
    if (why)
        *why = broken;
    return broken == 0;
}
