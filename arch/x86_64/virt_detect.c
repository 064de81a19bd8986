/*
 * virt_detect.c - CPUID-based detection of VT-x and AMD-V.
 * See: SDM Vol. 3C, "Discovering Support for VMX"; AMD APM Vol. 2, "Enabling SVM".
 */
#include "arch/x86_64/virt_detect.h"

#include "arch/x86_64/cpu.h"
#include "hypervisor/string.h"

static const char VENDOR_INTEL[] = "GenuineIntel";
static const char VENDOR_AMD[] = "AuthenticAMD";

enum virt_kind virt_detect(char vendor[13])
{
    struct cpuid_regs r = cpuid(CPUID_LEAF_VENDOR, 0);
    /* The vendor string is EBX, EDX, ECX in that order. */
    memcpy(vendor, &r.ebx, 4);
    memcpy(vendor + 4, &r.edx, 4);
    memcpy(vendor + 8, &r.ecx, 4);
    vendor[12] = '\0';

    if (memcmp(vendor, VENDOR_INTEL, 12) == 0) {
        if (cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_VMX)
            return VIRT_INTEL_VMX;
    } else if (memcmp(vendor, VENDOR_AMD, 12) == 0) {
        if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax >= CPUID_LEAF_EXT_FEATURES &&
            (cpuid(CPUID_LEAF_EXT_FEATURES, 0).ecx & CPUID_80000001_ECX_SVM))
            return VIRT_AMD_SVM;
    }
    return VIRT_NONE;
}

const char *virt_kind_name(enum virt_kind kind)
{
    switch (kind) {
    case VIRT_INTEL_VMX: return "Intel VT-x (VMX)";
    case VIRT_AMD_SVM: return "AMD-V (SVM)";
    default: return "none";
    }
}
