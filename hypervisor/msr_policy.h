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

enum msr_backing {
    MSR_CONSTANT,   /* reads return `value`; read-only */
    MSR_HOST_TSC,   /* reads return the host's time-stamp counter; read-only */
    MSR_GUEST_EFER, /* the guest's IA32_EFER in the VMCS/VMCB; writes limited to `value` bits */
    MSR_STORED,     /* kept in the vCPU (slot `slot`); not loaded into hardware */
};

struct msr_rule {
    uint32_t msr;
    const char *name;
    enum msr_backing backing;
    uint64_t value; /* MSR_CONSTANT: the value; MSR_GUEST_EFER: writable bits */
    unsigned slot;  /* MSR_STORED: index into vcpu->msr_store */
};

#define MSR_STORE_SLOTS 12

/* The rule for msr, or NULL if the guest may not touch it. */
const struct msr_rule *msr_policy_find(uint32_t msr);

#endif
