/*
 * virt_ops.h - the interface between the vendor-neutral core and a hardware
 * virtualization backend (arch/x86_64/vmx: Intel VT-x; arch/x86_64/svm: AMD-V).
 *
 * The core never touches a VMCS or VMCB: it calls through one of these tables. Each
 * backend fills one `const struct virt_ops` and arch/x86_64/virt_backend.c picks it.
 */
#ifndef HVLAB_VIRT_OPS_H
#define HVLAB_VIRT_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"
#include "hypervisor/vm_exit.h"

struct vcpu;

/* How a guest starts: the Multiboot v1 machine state (32-bit flat protected mode, paging
 * off, interrupts off). See: Multiboot Specification 0.6.96, "Machine state". A Linux
 * kernel is entered in the same state with other registers (Linux boot.rst, "32-bit Boot
 * Protocol": ESI = struct boot_params, EBP = EDI = EBX = 0); every other GPR is 0. */
struct guest_start {
    uint32_t eip; /* the kernel's entry point */
    uint32_t eax; /* MULTIBOOT_BOOTLOADER_MAGIC (Linux: 0) */
    uint32_t ebx; /* guest-physical address of the Multiboot information (Linux: 0) */
    uint32_t esi; /* Linux: guest-physical address of the zero page (Multiboot: 0) */
};

/* Guest registers the core may need beyond the GPRs saved in struct vcpu. */
enum vcpu_reg {
    VCPU_REG_RSP,
    VCPU_REG_RFLAGS,
    VCPU_REG_CR0,
    VCPU_REG_CR3,
    VCPU_REG_CR4,
    VCPU_REG_EFER,
    VCPU_REG_CS_BASE,
    VCPU_REG_DS_BASE,
    VCPU_REG_ES_BASE,
    VCPU_REG_CODE_BYTES, /* read-only: 2, 4 or 8, the code segment's default operand size */
    VCPU_REG_CPL,        /* read-only: the current privilege level, 0-3 */
    VCPU_REG_CR2,        /* the page-fault address (set with an injected #PF) */
    /* MSR-held state the CPU uses while the guest runs (SYSCALL, SYSENTER, SWAPGS, FS:/GS:
     * loads, RDTSCP, memory types): the backend loads the guest's values at every entry
     * and gives the host's back at every exit (vmx_msrs.c: VMCS fields and MSR lists;
     * svm: the VMCB, VMLOAD and VMSAVE). */
    VCPU_REG_FS_BASE,
    VCPU_REG_GS_BASE,
    VCPU_REG_KERNEL_GS_BASE,
    VCPU_REG_STAR,
    VCPU_REG_LSTAR,
    VCPU_REG_CSTAR,
    VCPU_REG_FMASK,
    VCPU_REG_SYSENTER_CS,
    VCPU_REG_SYSENTER_ESP,
    VCPU_REG_SYSENTER_EIP,
    VCPU_REG_PAT,
    VCPU_REG_TSC_AUX,
    VCPU_REG_COUNT
};

struct virt_ops {
    const char *name; /* "Intel VT-x" */

    /* Turn virtualization on for this CPU (VMXON / EFER.SVME). -1 with why on failure. */
    int (*enable)(char *why, size_t why_len);
    /* Set up the vCPU's control structure, nested page tables and the Multiboot start
     * state over guest memory `mem`. -1 with why on failure. */
    int (*vcpu_create)(struct vcpu *vcpu, const struct guest_memory *mem,
                       const struct guest_start *start, char *why, size_t why_len);
    /* Enter the guest and return when it exits, with the exit translated into *exit.
     * If vcpu->deadline_tsc is not VCPU_NO_DEADLINE, the backend's host time source
     * makes the guest exit (VM_EXIT_TIMER) once the TSC reaches it, even if the guest
     * never exits by itself. -1 if the entry itself failed (the backend printed why). */
    int (*vcpu_run)(struct vcpu *vcpu, struct vm_exit *exit);
    /* Make this vCPU the one the next vcpu_run enters, when the scheduler switches VMs
     * (VT-x: VMPTRLD of its VMCS). The TLB needs nothing here: each VM's VPID / ASID
     * (vcpu->tlb_tag) keeps its translations apart (docs/scheduler.md). */
    void (*vcpu_load)(struct vcpu *vcpu);
    /* Let go of what the CPU still holds of the vCPU before its pages return to the pool
     * (VT-x: VMCLEAR). Also after a vcpu_create that failed part-way. */
    void (*vcpu_destroy)(struct vcpu *vcpu);

    uint64_t (*get_reg)(struct vcpu *vcpu, enum vcpu_reg reg);
    /* Write a guest register. For CR0/CR4 this is the value the guest asked for: the
     * backend keeps the bits VMX/SVM force on hidden behind the read shadow. */
    void (*set_reg)(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value);
    uint64_t (*get_rip)(struct vcpu *vcpu);
    /* Move RIP past an instruction hvlab completed for the guest. This also ends an
     * interrupt shadow the instruction was in (`sti; hlt`: the interrupt that wakes the
     * HLT is taken right after it, not one instruction later). */
    void (*set_rip)(struct vcpu *vcpu, uint64_t rip);
    /* Deliver an event through the guest's IDT at the next entry. The core calls this
     * (hypervisor/interrupts.c) at most once per entry; handlers queue exceptions with
     * vcpu_queue_exception(). */
    void (*inject_event)(struct vcpu *vcpu, const struct guest_event *event);
    /* Would the guest accept an external interrupt at the next entry: RFLAGS.IF = 1 and
     * no interrupt shadow (the instruction after STI or MOV SS)? */
    bool (*interrupts_open)(struct vcpu *vcpu);
    /* Ask for (or stop asking for) an exit as soon as interrupts_open() becomes true:
     * interrupt-window exiting (VMX), a virtual interrupt with the VINTR intercept (SVM). */
    void (*request_interrupt_window)(struct vcpu *vcpu, bool on);
    /* Print the guest's state (registers, segments, control registers) for a report. */
    void (*dump_guest)(struct vcpu *vcpu);

    /* The host time source, for the report ("VMX-preemption timer"); NULL if none. */
    const char *time_source;

    /* The vendor's name for a raw exit code ("EPT violation"), and how many codes exist
     * (the size of the per-reason statistics). */
    const char *(*exit_reason_name)(uint32_t raw_reason);
    uint32_t raw_reason_count;
    /* The manual's name for the hardware's own exit number (vm_exit.hw_code): every
     * code the manual lists has one. */
    const char *(*exit_code_name)(uint64_t hw_code);
};

#endif
