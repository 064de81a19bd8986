/*
 * msr_policy.h - which MSRs a guest may read and write, and what backs each one.
 *
 * RDMSR/WRMSR always exit (the MSR bitmaps are all ones). An MSR on this allow-list is
 * emulated; any other access gets #GP(0) injected, as a CPU without that MSR would do.
 * See: SDM Vol. 4, "Model-Specific Registers (MSRs)".
 */
#ifndef HVLAB_MSR_POLICY_H
#define HVLAB_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/virt_ops.h"

enum msr_backing {
    MSR_CONSTANT,    /* reads return `value`; read-only */
    MSR_DROP_WRITES, /* reads return `value`; writes are taken and change nothing */
    MSR_HOST_TSC,    /* reads return the host's time-stamp counter; read-only */
    MSR_GUEST_EFER, /* the guest's IA32_EFER in the VMCS/VMCB; writes limited to `value` bits */
    MSR_GUEST_REG,  /* the guest's own register `reg`, loaded into the CPU while it runs */
    MSR_STORED,     /* kept in the vCPU (slot `slot`); not loaded into hardware */
    MSR_APIC,       /* the local APIC model's (apic_platform.h): IA32_APIC_BASE, TSC_DEADLINE */
};

/* What WRMSR accepts for an MSR_GUEST_REG; anything else raises #GP(0) (SDM Vol. 2B,
 * WRMSR, "Protected Mode Exceptions"). */
enum msr_values {
    MSR_ANY_VALUE,     /* every 64-bit value */
    MSR_CANONICAL,     /* a canonical linear address (bits 63:47 all equal) */
    MSR_LOW_32_BITS,   /* bits 63:32 reserved */
    MSR_PAT_ENCODINGS, /* eight memory types, each UC, WC, WT, WP, WB or UC- */
};

struct msr_rule {
    uint32_t msr;
    const char *name;
    enum msr_backing backing;
    uint64_t value;        /* MSR_CONSTANT: the value; MSR_GUEST_EFER: writable bits */
    unsigned slot;         /* MSR_STORED: index into vcpu->msr_store */
    enum vcpu_reg reg;     /* MSR_GUEST_REG: the register */
    enum msr_values check; /* MSR_GUEST_REG: what a write may hold */
};

#define MSR_STORE_SLOTS 1

/* The rule for msr, or NULL if the guest may not touch it. */
const struct msr_rule *msr_policy_find(uint32_t msr);

/* May WRMSR write `value` to the MSR of an MSR_GUEST_REG rule? */
bool msr_policy_value_ok(const struct msr_rule *rule, uint64_t value);

#endif
