/*
 * cpuid.h - the CPUID instruction and the bits the guests look at.
 *
 * See: Intel SDM Vol. 2A, "CPUID—CPU Identification";
 *      AMD APM Vol. 3, Appendix E "Obtaining Processor Information Via the CPUID Instruction".
 */
#ifndef GUEST_CPUID_H
#define GUEST_CPUID_H

#include <stdint.h>

#define CPUID_LEAF_VENDOR       0x00000000 /* EAX = max basic leaf, EBX:EDX:ECX = vendor */
#define CPUID_LEAF_FEATURES     0x00000001 /* feature flags in ECX and EDX */
#define CPUID_LEAF_EXT_MAX      0x80000000 /* EAX = highest extended leaf */
#define CPUID_LEAF_EXT_FEATURES 0x80000001 /* extended feature flags in ECX and EDX */

/* CPUID.1:ECX bits. */
#define CPUID_1_ECX_VMX        (1u << 5)  /* Intel SDM: "VMX: Virtual Machine Extensions" */
#define CPUID_1_ECX_HYPERVISOR (1u << 31) /* AMD APM App. E: reserved for hypervisor use */

/* CPUID.80000001H:ECX bits. */
#define CPUID_80000001_ECX_SVM (1u << 2) /* AMD APM App. E: "SVM: secure virtual machine" */

/* Vendor strings (EBX, EDX, ECX of leaf 0, in that order). */
#define CPUID_VENDOR_INTEL "GenuineIntel"
#define CPUID_VENDOR_AMD   "AuthenticAMD"
#define CPUID_VENDOR_LEN   12

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

/* Execute CPUID for (leaf, subleaf). */
static inline struct cpuid_regs cpuid_sub(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;

    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* Execute CPUID for leaf (subleaf 0). */
static inline struct cpuid_regs cpuid(uint32_t leaf) { return cpuid_sub(leaf, 0); }

#endif /* GUEST_CPUID_H */
