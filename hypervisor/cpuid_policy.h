/*
 * cpuid_policy.h - what the guest sees when it executes CPUID.
 */
#ifndef HVLAB_CPUID_POLICY_H
#define HVLAB_CPUID_POLICY_H

#include <stdint.h>

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

/*
 * Turn the host CPU's answer for (leaf, subleaf) into the guest's:
 *  - leaf 1: "hypervisor present" set; VMX and SMX hidden (no nested virtualization),
 *    x2APIC and TSC-deadline hidden (not modelled); OSXSAVE copied from the guest's CR4
 *  - leaf 7: MPX, PKU, CET and AMX hidden (their CR4/XCR0 bits are not offered)
 *  - leaf 0xD: only the XCR0 components of XCR0_HVLAB_POLICY; XSAVES and XFD hidden
 *  - leaf 0x80000001: SVM hidden
 *  - leaf 0x40000000: highest hvlab leaf and the "hvlab" signature
 *  - leaf 0x40000001: hypercall ABI version and feature bits
 *  - other leaves in 0x40000000-0x4FFFFFFF: all zero
 * Pure: the caller executes the real CPUID.
 */
struct cpuid_result cpuid_policy_apply(uint32_t leaf, uint32_t subleaf,
                                       struct cpuid_result host, uint64_t guest_cr4);

#endif
