/*
 * svm.h - the AMD-V (SVM) backend's internal interface (the files in arch/x86_64/svm).
 * The core sees only svm_ops (a struct virt_ops).
 */
#ifndef HVLAB_ARCH_SVM_H
#define HVLAB_ARCH_SVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/npt.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virt_ops.h"

/* Capabilities read once at enable time (CPUID Fn8000_000A, Fn8000_0008). */
struct svm_caps {
    uint32_t revision;  /* EAX[7:0]: SVM revision */
    uint32_t asids;     /* EBX: number of ASIDs */
    uint32_t features;  /* EDX: CPUID_SVM_EDX_* */
    unsigned phys_bits; /* physical-address width (Fn8000_0008 EAX[7:0]) */
};
extern struct svm_caps svm_caps;

/* Per-vCPU SVM state (vcpu->arch). Memory is identity-mapped: a pointer is also the
 * physical address the CPU is given. */
struct svm_vcpu {
    struct vmcb *vmcb;      /* the guest's VMCB */
    uint64_t host_state_pa; /* VMSAVE area for hvlab's own FS, GS, TR, LDTR, syscall MSRs */
    bool has_timer;         /* the local APIC timer is the time source (lapic.h) */
    /* IA32_TSC_AUX has no VMCB field: the guest's is loaded around VMRUN when it differs
     * from the host's (which comes back at every exit). */
    bool has_tsc_aux;
    uint64_t guest_tsc_aux, host_tsc_aux;
    struct npt npt;
};

extern const struct virt_ops svm_ops;

int svm_enable(char *why, size_t why_len);
int svm_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                    const struct guest_start *start, char *why, size_t why_len);
int svm_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit);
void svm_vcpu_destroy(struct vcpu *vcpu);
void svm_vcpu_load(struct vcpu *vcpu);

/* The host APIC timer is one per CPU, shared by every VM: forget what it was armed for,
 * so the next entry arms it afresh (svm_backend.c). */
void svm_timer_forget(void);

/* Fill *exit from the VMCB after a #VMEXIT (svm_exit.c). */
void svm_exit_decode(struct vcpu *vcpu, struct vm_exit *exit);

/* Guest register access and event injection (svm_guest.c). */
uint64_t svm_get_reg(struct vcpu *vcpu, enum vcpu_reg reg);
void svm_set_reg(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value);
uint64_t svm_get_rip(struct vcpu *vcpu);
void svm_set_rip(struct vcpu *vcpu, uint64_t rip);
void svm_inject_event(struct vcpu *vcpu, const struct guest_event *event);
bool svm_interrupts_open(struct vcpu *vcpu);
void svm_request_interrupt_window(struct vcpu *vcpu, bool on);
void svm_dump_guest(struct vcpu *vcpu);

/* The permission maps' layout (svm_permission_maps.c). svm_msrpm_bit gives the read
 * bit's number for an MSR the map covers (the write bit follows it); false for an MSR
 * outside its three ranges, which always exits. */
bool svm_msrpm_bit(uint32_t msr, uint32_t *read_bit);
bool svm_msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read, bool intercept_write);
bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write);
/* Whether an access of `size` bytes at `port` exits: any of its bits set. */
bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, unsigned size);

/* One broken VMRUN consistency rule (svm_check.c). */
struct svm_check_failure {
    const char *rule; /* in words, as the APM lists it */
    uint64_t value;   /* the offending VMCB value */
};

/* Check vmcb against the VMRUN consistency checks hvlab knows (APM Vol. 2,
 * "Canonicalization and Consistency Checks"); fills up to max failures and returns how
 * many rules are broken. phys_bits: the CPU's physical-address width. */
unsigned svm_check_vmcb(const struct vmcb *vmcb, unsigned phys_bits,
                        struct svm_check_failure *out, unsigned max);

/* Print why VMRUN refused vmcb (VMEXIT_INVALID), one line per broken rule. */
void svm_explain_invalid(const struct vmcb *vmcb);

/* svm_entry.S: VMSAVE hvlab's state to host_state_pa, VMLOAD the guest's, load the guest
 * GPRs (RAX and RSP come from the VMCB), VMRUN with host RFLAGS.IF = 1 (so the armed APIC
 * timer can end the run); on #VMEXIT save the guest GPRs, VMSAVE the guest's state,
 * VMLOAD hvlab's again, and take a pending timer interrupt between STGI and CLI. Returns 0: a failed VMRUN is a #VMEXIT
 * with EXITCODE = VMEXIT_INVALID. */
int svm_enter(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_state_pa);

#endif
