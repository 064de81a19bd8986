/*
 * vmx.h - the Intel VT-x backend's internal interface (the files in arch/x86_64/vmx).
 * The core sees only vmx_ops (a struct virt_ops).
 */
#ifndef HVLAB_ARCH_VMX_H
#define HVLAB_ARCH_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/ept.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virt_ops.h"

struct vmx_msr_entry;

/* Capabilities read once at enable time. */
struct vmx_caps {
    uint64_t basic; /* IA32_VMX_BASIC */
    uint32_t revision;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};
extern struct vmx_caps vmx_caps;

/* Per-vCPU VT-x state (vcpu->arch). */
struct vmx_vcpu {
    uint64_t vmcs;       /* physical address of the VMCS region */
    bool launched;       /* VMLAUNCH done: next entry is VMRESUME */
    uint64_t cr0_shadow; /* the guest's view of CR0 (the read shadow) */
    uint64_t cr4_shadow;
    uint64_t cr0_owned; /* CR0/CR4 guest/host masks: bits hvlab owns */
    uint64_t cr4_owned;
    uint32_t pin_controls;  /* current pin-based and primary processor-based controls, */
    uint32_t proc_controls; /* cached: the run loop toggles bits without VMREADs */
    bool has_preemption_timer;
    unsigned preemption_rate; /* the timer ticks once every 2^rate TSC ticks */
    bool timer_saved_on_exit; /* "save VMX-preemption timer value": the count carries on */
    uint64_t armed_deadline;  /* the deadline the timer's count was set for */
    uint16_t vpid;            /* its VPID, or 0 when "enable VPID" is off */
    struct vmx_msr_entry *msr_list; /* the guest's MSR list (vmx_msrs.c) */
    unsigned msr_count;
    uint64_t tsc_aux_unloaded; /* the guest's TSC_AUX on a CPU without one */
    /* The guest's CR2: VT-x does not switch CR2, so it is in the CPU while the guest runs
     * and read back at every exit (vmx_backend.c). */
    uint64_t cr2;
    struct ept ept;
};

extern const struct virt_ops vmx_ops;

int vmx_enable(char *why, size_t why_len);
int vmx_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                    const struct guest_start *start, char *why, size_t why_len);
int vmx_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit);
void vmx_vcpu_destroy(struct vcpu *vcpu);
void vmx_vcpu_load(struct vcpu *vcpu);

/* Fill *exit from the VMCS after a VM exit (vmx_exit.c). */
void vmx_exit_decode(struct vm_exit *exit, uint32_t exit_reason);

/* Guest register access and event injection (vmx_guest.c). */
uint64_t vmx_get_reg(struct vcpu *vcpu, enum vcpu_reg reg);
void vmx_set_reg(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value);
uint64_t vmx_get_rip(struct vcpu *vcpu);
void vmx_set_rip(struct vcpu *vcpu, uint64_t rip);
void vmx_inject_event(struct vcpu *vcpu, const struct guest_event *event);
bool vmx_interrupts_open(struct vcpu *vcpu);
void vmx_request_interrupt_window(struct vcpu *vcpu, bool on);
void vmx_dump_guest(struct vcpu *vcpu);

/* vmx_entry.S: load the guest GPRs, VMLAUNCH or VMRESUME, and on VM exit save them and
 * return 0. Returns enum vmx_result (1 or 2) if the instruction itself failed. */
int vmx_enter(struct guest_regs *regs, int launched);

#endif
