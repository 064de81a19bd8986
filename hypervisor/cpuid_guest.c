/*
 * cpuid_guest.c - run CPUID for the guest (see cpuid_guest.h).
 * See: SDM Vol. 2A, "CPUID—CPU Identification" (invalid leaves); AMD APM Vol. 3, "CPUID".
 */
#include "hypervisor/cpuid_guest.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "hypervisor/hvlab_abi.h"

#define CPUID_EXT_RANGE_FIRST CPUID_LEAF_EXT_MAX /* 0x80000000 */

static uint32_t highest(uint32_t range_first) { return cpuid(range_first, 0).eax; }

struct cpuid_result cpuid_for_guest(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4)
{
    struct cpuid_result host = {0, 0, 0, 0};
    bool hvlab_range = leaf >= HVLAB_CPUID_LEAF_IDENT && leaf <= HVLAB_CPUID_RANGE_LAST;
    bool exists = leaf >= CPUID_EXT_RANGE_FIRST ? leaf <= highest(CPUID_EXT_RANGE_FIRST)
                                                : leaf <= highest(CPUID_LEAF_VENDOR);
    if (exists && !hvlab_range) {
        struct cpuid_regs hw = cpuid(leaf, subleaf);
        host = (struct cpuid_result){hw.eax, hw.ebx, hw.ecx, hw.edx};
    }
    return cpuid_policy_apply(leaf, subleaf, host, guest_cr4);
}
