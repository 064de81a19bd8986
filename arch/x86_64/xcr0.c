/*
 * xcr0.c - XCR0 on the host (see xcr0.h).
 */
#include "arch/x86_64/xcr0.h"

#include "arch/x86_64/cpu.h"

static bool enabled;
static uint64_t loaded; /* what XCR0 holds now */

bool xcr0_host_enable(void)
{
    if (enabled)
        return true;
    if (!(cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_XSAVE))
        return false;
    write_cr4(read_cr4() | CR4_OSXSAVE);
    loaded = xgetbv(XCR_XCR0);
    enabled = true;
    return true;
}

void xcr0_load(uint64_t value)
{
    if (value != loaded) {
        xsetbv(XCR_XCR0, value);
        loaded = value;
    }
}
