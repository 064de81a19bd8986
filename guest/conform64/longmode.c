/*
 * longmode.c - seen from 64-bit mode: IA-32e mode is active (EFER.LMA, a code segment
 * with L = 1), and CPUID answers consistently: the hypervisor leaves, leaf 7's subleaves,
 * and what leaves above the maximum return (recorded in notes, not judged: Intel returns
 * the highest basic leaf's data, AMD zeros).
 *
 * See: Intel SDM Vol. 3A, "IA-32e Mode Operation", "Segment Descriptors" (L and D bits);
 *      Vol. 2A, "CPUID—CPU Identification" (leaf 07H: "If ECX contains an invalid
 *      sub-leaf index, EAX/EBX/ECX/EDX return 0"; "If a value entered for CPUID.EAX is
 *      higher than the maximum input value for basic or extended function ..."),
 *      "LAR—Load Access Rights Byte".
 */
#include "conform64.h"
#include "cpu64.h"
#include "cpuid.h"
#include "str.h"

#define LAR_L_BIT     (1u << 21) /* access rights as LAR returns them: descriptor bit 53 */
#define LAR_D_BIT     (1u << 22)
#define SUBLEAF_FAR   0x1234     /* a subleaf far above any leaf 7 maximum */
#define HV_LEAF_PROBE 0x40000002 /* a hypervisor leaf hvlab does not define */

enum tap_outcome check_long_mode_active(void)
{
    uint64_t efer = rdmsr(MSR_EFER), cr0 = read_cr0(), cr4 = read_cr4();
    uint32_t rights, cs;

    if (!(efer & EFER_LMA) || !(efer & EFER_LME))
        return tap_fail("EFER = %s: LME and LMA expected", x64(efer));
    if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE))
        return tap_fail("CR0 %s CR4 %s: PG and PAE expected", x64(cr0), x64(cr4));
    __asm__ volatile("movl %%cs, %1\n\tlarl %1, %0" : "=r"(rights), "=&r"(cs));
    if ((cs & 0xFFFF) != SEL_KCODE || !(rights & LAR_L_BIT) || (rights & LAR_D_BIT))
        return tap_fail("CS 0x%x access rights 0x%x: expected 0x%x with L = 1, D = 0",
                        cs & 0xFFFF, rights, SEL_KCODE);
    /* A 64-bit operation gives a 64-bit result. */
    volatile uint64_t one = 1;
    if ((one << 40) >> 32 != 0x100)
        return tap_fail("64-bit shift lost its high half");
    if (!(cpuid(CPUID_LEAF_EXT_FEATURES).edx & CPUID_80000001_EDX_LM))
        return tap_fail("in 64-bit mode, CPUID.80000001H:EDX.LM (bit 29) is clear");
    return TAP_PASS;
}

enum tap_outcome check_cpuid_hypervisor(void)
{
    REQUIRE_HVLAB();
    if (!(cpuid(CPUID_LEAF_FEATURES).ecx & CPUID_1_ECX_HYPERVISOR))
        return tap_fail("CPUID.1:ECX[31] clear in 64-bit mode");
    if (!env.hv.is_hvlab || env.hv.max_leaf < HV_CPUID_FEATURES)
        return tap_fail("leaf 0x40000000: signature \"%s\", max leaf 0x%x", env.hv.signature,
                        env.hv.max_leaf);
    if (env.hv.abi_version < HV_ABI_VERSION_1_2)
        return tap_fail("leaf 0x40000001 ABI 0x%08x, expected at least 0x%08x",
                        env.hv.abi_version, HV_ABI_VERSION_1_2);
    struct cpuid_regs p = cpuid(HV_LEAF_PROBE);
    tap_note("leaf 0x%x: %08x %08x %08x %08x", HV_LEAF_PROBE, p.eax, p.ebx, p.ecx, p.edx);
    return TAP_PASS;
}

static bool zeros(struct cpuid_regs r) { return (r.eax | r.ebx | r.ecx | r.edx) == 0; }

static bool same(struct cpuid_regs a, struct cpuid_regs b)
{
    return mem_equal(&a, &b, sizeof(a));
}

enum tap_outcome check_cpuid_leaf7_subleaves(void)
{
    uint32_t max_basic = cpuid(CPUID_LEAF_VENDOR).eax;

    if (max_basic < CPUID_LEAF_EXTENDED7)
        return tap_skip("max basic leaf 0x%x has no leaf 7", max_basic);
    struct cpuid_regs s0 = cpuid_sub(CPUID_LEAF_EXTENDED7, 0);
    if (!same(s0, cpuid_sub(CPUID_LEAF_EXTENDED7, 0)))
        return tap_fail("leaf 7 subleaf 0 answers differently twice");
    tap_note("leaf 7.0: %08x %08x %08x %08x", s0.eax, s0.ebx, s0.ecx, s0.edx);
    for (uint32_t s = 1; s <= s0.eax && s < 4; s++) {
        struct cpuid_regs r = cpuid_sub(CPUID_LEAF_EXTENDED7, s);
        tap_note("leaf 7.%u: %08x %08x %08x %08x", s, r.eax, r.ebx, r.ecx, r.edx);
    }
    struct cpuid_regs past = cpuid_sub(CPUID_LEAF_EXTENDED7, s0.eax + 1);
    struct cpuid_regs far = cpuid_sub(CPUID_LEAF_EXTENDED7, SUBLEAF_FAR);
    if (!zeros(past))
        return tap_fail("leaf 7 subleaf %u (above max %u): %08x %08x %08x %08x, expected 0s",
                        s0.eax + 1, s0.eax, past.eax, past.ebx, past.ecx, past.edx);
    if (!zeros(far))
        return tap_fail("leaf 7 subleaf 0x%x: %08x %08x %08x %08x, expected 0s", SUBLEAF_FAR,
                        far.eax, far.ebx, far.ecx, far.edx);
    return TAP_PASS;
}

/* Leaves above the basic and extended maximum: recorded, not judged. */
enum tap_outcome check_cpuid_above_max(void)
{
    uint32_t max_basic = cpuid(CPUID_LEAF_VENDOR).eax;
    uint32_t max_ext = cpuid(CPUID_LEAF_EXT_MAX).eax;
    struct cpuid_regs b = cpuid(max_basic + 1), top = cpuid(max_basic);
    struct cpuid_regs e = cpuid(max_ext + 1);

    tap_note("max basic 0x%x; leaf 0x%x: %08x %08x %08x %08x (%s)", max_basic, max_basic + 1,
             b.eax, b.ebx, b.ecx, b.edx,
             zeros(b)       ? "zeros"
             : same(b, top) ? "the max leaf's data"
                            : "other data");
    tap_note("max extended 0x%x; leaf 0x%x: %08x %08x %08x %08x", max_ext, max_ext + 1, e.eax,
             e.ebx, e.ecx, e.edx);
    return TAP_PASS;
}
