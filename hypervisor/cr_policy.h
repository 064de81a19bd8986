/*
 * cr_policy.h - which CR4 and XCR0 bits a guest may set: the ones its CPUID (after
 * hvlab's policy, cpuid_policy.c) says the CPU has, within what hvlab supports. A write
 * of any other bit is a reserved-bit write and faults, on both vendors.
 * See: SDM Vol. 3A, "Control Registers" (CR4 bits and the CPUID flag of each);
 *      Vol. 1, "Enabling the XSAVE Feature Set and XSAVE-Enabled Features";
 *      Vol. 2C, "XSETBV—Set Extended Control Register".
 */
#ifndef HVLAB_CR_POLICY_H
#define HVLAB_CR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/cpuid_policy.h"

/* The XCR0 components hvlab lets a guest enable: x87, SSE, AVX and AVX-512. Left out:
 * MPX (gone from current CPUs), PKRU (CR4.PKE is not offered), AMX (needs IA32_XFD and
 * per-process permission). */
#define XCR0_HVLAB_POLICY (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512)

/* What the guest's CPU allows, computed once per vCPU. */
struct guest_cpu_limits {
    uint64_t cr4_valid;      /* CR4 bits the guest may set */
    uint64_t xcr0_supported; /* XCR0 bits it may enable (0: no XSAVE for the guest) */
    unsigned phys_addr_bits; /* its MAXPHYADDR (CPUID 80000008H:EAX[7:0]), for its walks */
};

/* From the guest's view of CPUID leaf 1, leaf 7 subleaf 0 and leaf 0xD subleaf 0 (each
 * already through cpuid_policy_apply). Pure. */
struct guest_cpu_limits cr_policy_limits(struct cpuid_result leaf1, struct cpuid_result leaf7,
                                         struct cpuid_result leaf_xsave);

/* The state a MOV to CR4 is checked against. */
struct cr4_context {
    uint64_t cr4, cr3, efer; /* the guest's values before the write */
};

/* CR3 bits 11:0: the PCID when CR4.PCIDE = 1. See: SDM Vol. 3A, "Process-Context
 * Identifiers (PCIDs)". */
#define CR3_PCID_MASK 0xFFFull

/* Whether MOV to CR4 may load `value`, or raises #GP(0): a bit not offered, PAE cleared in
 * IA-32e mode, PCIDE set outside IA-32e mode or with a non-zero PCID in CR3 (SDM Vol. 2B,
 * "MOV—Move to/from Control Registers", Protected Mode Exceptions). On false `why` says
 * which. */
bool cr_policy_cr4_write_ok(uint64_t value, const struct cr4_context *now, uint64_t cr4_valid,
                            const char **why);

/* Whether XSETBV may load `value` into XCR0: bit 0 set, AVX only with SSE, AVX-512 all
 * three together and only with AVX, MPX and AMX pairs together, nothing unsupported.
 * On false `why` names the rule broken. */
bool cr_policy_xcr0_valid(uint64_t value, uint64_t supported, const char **why);

#endif
