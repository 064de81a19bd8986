/*
 * guest_msrs.h - what both backends need to know about the MSRs that are the guest's own
 * while it runs (hypervisor/msr_policy.c: MSR_GUEST_REG).
 */
#ifndef HVLAB_ARCH_GUEST_MSRS_H
#define HVLAB_ARCH_GUEST_MSRS_H

#include <stdbool.h>

/* IA32_PAT's power-on value: WB, WT, UC-, UC, twice. See: SDM Vol. 3A, "IA32_PAT MSR". */
#define PAT_RESET_VALUE 0x0007040600070406ull

/* IA32_TSC_AUX exists when the CPU has RDTSCP or RDPID (SDM Vol. 4, "IA32_TSC_AUX"); without
 * it the backends keep the guest's value without loading it (its CPUID shows neither). */
bool cpu_has_tsc_aux(void);

#endif
