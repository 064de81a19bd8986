/*
 * vcpu.h - one virtual CPU: its guest registers, its backend state and its statistics.
 */
#ifndef HVLAB_VCPU_H
#define HVLAB_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/cr_policy.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/msr_policy.h"
#include "hypervisor/virt_ops.h"
#include "hypervisor/vm_exit.h"

struct virtual_platform;

#define VCPU_NO_DEADLINE     UINT64_MAX
#define VCPU_ARCH_STATE_MAX  256 /* bytes for the backend's own per-vCPU state (vcpu->arch) */
#define VCPU_RAW_REASONS_MAX 128 /* statistics slots; VMX has ~80 reasons, SVM maps into it */

/* The guest's general-purpose registers while it is not running, in instruction-encoding
 * order (see enum guest_gpr). RSP is kept by the hardware in the VMCS/VMCB: gprs[GPR_RSP]
 * is unused. The entry/exit assembly saves and restores this array. */
struct guest_regs {
    uint64_t gprs[GPR_COUNT];
};

/* What a halted vCPU waits for (wait.c): an interrupt after HLT, or after HC_YIELD
 * (which returns an error instead of stopping the guest when nothing can wake it). */
enum vcpu_wait {
    VCPU_RUNNING,
    VCPU_WAIT_HLT,
    VCPU_WAIT_YIELD,
};

/* Why a guest stopped, for the end-of-run report. */
enum guest_end {
    GUEST_RUNNING,
    GUEST_EXITED,   /* wrote its status to the debug-exit port */
    GUEST_STOPPED,  /* hvlab stopped it: it did something it may not */
    GUEST_REBOOTED, /* it reset the machine (stop_reason says how: "i8042 reset") */
};

struct input_focus; /* input_focus.h */

struct vcpu {
    struct guest_regs regs;
    const struct virt_ops *ops;
    void *arch; /* the backend's own state (struct vmx_vcpu, ...): in arch_state */
    /* Room for it inside the vCPU, so it is the VM's own memory; each backend checks that
     * its struct fits. */
    _Alignas(16) uint8_t arch_state[VCPU_ARCH_STATE_MAX];
    /* The TLB tag of this VM: its VPID (VT-x) or ASID (AMD-V), never 0 (the host's), and
     * no two VMs that exist at the same time share one (vm.c). */
    uint16_t tlb_tag;
    const struct guest_memory *mem;
    struct virtual_platform *platform; /* the guest's devices and clock */
    const char *guest_name;
    unsigned watchdog_s;   /* stop the guest after this many seconds without an exit */
    uint64_t watchdog_tsc; /* the same in TSC ticks (0: no watchdog) */
    /* The watchdog, a classic one: every exit of the guest's own "kicks" it; it looks every
     * watchdog_tsc ticks, and a guest that was not kicked since the last look is stuck. */
    bool watchdog_kicked;
    uint64_t watchdog_last_look_tsc;
    uint64_t watchdog_look_tsc; /* when it looks next: the deadline only moves then */
    uint64_t deadline_tsc; /* the backend makes the guest exit by then (VCPU_NO_DEADLINE) */
    bool takes_host_input; /* hvlab's serial input goes to this VM's UART (wait.c) */
    struct input_focus *input_focus; /* its group's focus (0: input is always its own) */
    unsigned input_seat;             /* its seat there (its place in guest=) */

    /* A guest in HLT or HC_YIELD takes no CPU time: the scheduler runs others and wakes it
     * when an interrupt is pending for it (wait.c). */
    enum vcpu_wait waiting;
    uint64_t wait_start_tsc;

    /* Event delivery (hypervisor/interrupts.c). */
    struct guest_event pending_event; /* delivered at the next entry, before any interrupt */
    bool window_requested;            /* interrupt-window exiting is on */
    uint64_t interrupts_injected;

    enum guest_end end;
    uint8_t exit_status;   /* GUEST_EXITED: the byte written to the debug-exit port */
    char stop_reason[160]; /* GUEST_STOPPED: one line saying what the guest did;
                              GUEST_REBOOTED: how it reset the machine */

    uint64_t msr_store[MSR_STORE_SLOTS]; /* MSRs the guest may write (msr_policy.c) */

    /* What the guest's CPUID lets it set in CR4 and XCR0 (cr_policy.h), and its XCR0:
     * neither vendor switches XCR0 at entry and exit, so hvlab loads it (vm.c). */
    struct guest_cpu_limits limits;
    uint64_t xcr0;
    void *fpu_area; /* its x87/SSE/AVX state while another VM has the CPU (fpu_state.h) */

    uint64_t exits;
    uint64_t exits_by_reason[VCPU_RAW_REASONS_MAX];
};

/* GPR access by instruction encoding (RSP goes through the backend). Inline: every
 * handler uses them, on the exit path. */
static inline uint64_t vcpu_gpr(struct vcpu *vcpu, enum guest_gpr reg)
{
    if (reg == GPR_RSP)
        return vcpu->ops->get_reg(vcpu, VCPU_REG_RSP);
    return vcpu->regs.gprs[reg];
}

static inline void vcpu_set_gpr(struct vcpu *vcpu, enum guest_gpr reg, uint64_t value)
{
    if (reg == GPR_RSP)
        vcpu->ops->set_reg(vcpu, VCPU_REG_RSP, value);
    else
        vcpu->regs.gprs[reg] = value;
}

/* Move RIP past the instruction that exited. */
void vcpu_skip_instruction(struct vcpu *vcpu, const struct vm_exit *exit);

/* What an exit handler tells the run loop. */
enum exit_action {
    ACTION_RESUME, /* enter the guest again */
    ACTION_END,    /* the guest is done (vcpu->end says how); the hypervisor goes on */
    ACTION_WAIT,   /* the guest waits for an interrupt (vcpu->waiting): run others */
};

/* Queue an exception for the guest (#GP(0), #UD, ...), delivered at the next entry. */
enum exit_action vcpu_queue_exception(struct vcpu *vcpu, uint8_t vector, bool has_error_code,
                                      uint32_t error_code);

/* Stop the guest for something it did: records one line that says what, and returns
 * ACTION_END. The run loop then reports it with the exit, RIP and guest state. */
enum exit_action vcpu_stop(struct vcpu *vcpu, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
