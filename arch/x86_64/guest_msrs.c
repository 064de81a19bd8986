/*
 * guest_msrs.c - facts about the guest-owned MSRs shared by both backends (guest_msrs.h).
 */
#include "arch/x86_64/guest_msrs.h"

#include "arch/x86_64/cpu.h"

bool cpu_has_tsc_aux(void)
{
    bool rdtscp = cpuid(CPUID_LEAF_EXT_MAX, 0).eax >= CPUID_LEAF_EXT_FEATURES &&
                  (cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx & CPUID_80000001_EDX_RDTSCP);
    bool rdpid = cpuid(CPUID_LEAF_VENDOR, 0).eax >= CPUID_LEAF_EXT_FEATURES7 &&
                 (cpuid(CPUID_LEAF_EXT_FEATURES7, 0).ecx & CPUID_7_ECX_RDPID);
    return rdtscp || rdpid;
}
