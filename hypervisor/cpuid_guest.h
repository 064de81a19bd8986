/*
 * cpuid_guest.h - the guest's answer to one CPUID: the real instruction's, through
 * hvlab's policy (cpuid_policy.h).
 */
#ifndef HVLAB_CPUID_GUEST_H
#define HVLAB_CPUID_GUEST_H

#include <stdint.h>

#include "hypervisor/cpuid_policy.h"

/* A leaf above the host's highest basic or extended leaf answers all zeros (the same on
 * both vendors; Intel CPUs would repeat their highest basic leaf, AMD ones answer zeros).
 * guest_cr4: the guest's CR4 now (leaf 1 copies OSXSAVE from it). */
struct cpuid_result cpuid_for_guest(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4);

#endif
