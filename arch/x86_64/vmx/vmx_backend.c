/*
 * vmx_backend.c - the VT-x backend's ops table and its run step: one VM entry, one exit.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmx.h"
#include "arch/x86_64/vmx/vmx_msrs.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_names.h"
#include "arch/x86_64/vmx/vmx_snapshot.h"
#include "hypervisor/console.h"

#define VMX_FAILURE_TEXT_MAX 128

_Static_assert(VMCS_HOST_RSP == 0x6C14, "vmx_entry.S hard-codes this encoding");

/* Enter the guest; on return, decode the exit. A failed entry (the VMLAUNCH/VMRESUME
 * instruction failing, or a VM exit "due to VM-entry failure") is explained by the
 * VM-entry checker and returns -1. See: SDM Vol. 3C, "VM Entries" and "VM-Entry
 * Failures During or After Loading Guest State". */
/* The host time source: the VMX-preemption timer counts down from the VMCS value during
 * VMX non-root operation, one tick per 2^rate TSC ticks, and exits (reason 52) at zero.
 * It is turned on only while there is a deadline, so a guest without one pays nothing;
 * with "save VMX-preemption timer value" the count carries on across exits, and is only
 * rewritten when the deadline moves (it then runs late by the time spent in hvlab, which
 * the run loop's own clock reads make up for). See: SDM Vol. 3C, "VMX-Preemption Timer". */
static void arm_deadline(struct vcpu *vcpu, struct vmx_vcpu *vv)
{
    bool want = vcpu->deadline_tsc != VCPU_NO_DEADLINE && vv->has_preemption_timer;
    if (want != ((vv->pin_controls & PIN_PREEMPTION_TIMER) != 0)) {
        vv->pin_controls ^= PIN_PREEMPTION_TIMER;
        vmcs_write(VMCS_CTRL_PIN_BASED, vv->pin_controls);
        /* "Save VMX-preemption timer value" must be 0 while the timer is off (SDM Vol.
         * 3C, "VM-Exit Control Fields" checks in "Checks on VMX Controls"). */
        if (vv->timer_saved_on_exit) {
            uint64_t exit_ctls = vmcs_read(VMCS_CTRL_EXIT);
            vmcs_write(VMCS_CTRL_EXIT, want ? exit_ctls | EXIT_SAVE_PREEMPTION_TIMER
                                            : exit_ctls & ~EXIT_SAVE_PREEMPTION_TIMER);
        }
        vv->armed_deadline = VCPU_NO_DEADLINE; /* a fresh count is needed */
    }
    if (!want)
        return;
    if (vv->timer_saved_on_exit && vcpu->deadline_tsc == vv->armed_deadline)
        return;
    vv->armed_deadline = vcpu->deadline_tsc;
    uint64_t now = rdtsc();
    uint64_t ticks =
        vcpu->deadline_tsc > now ? (vcpu->deadline_tsc - now) >> vv->preemption_rate : 0;
    vmcs_write(VMCS_GUEST_PREEMPTION_TIMER, ticks > UINT32_MAX ? UINT32_MAX : ticks);
}

int vmx_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
    struct vmx_vcpu *vv = vcpu->arch;
    arm_deadline(vcpu, vv);
    const char *instr = vv->launched ? "VMRESUME" : "VMLAUNCH";
    /* CR2 is not in the VMCS: the guest's goes into the CPU for its run (another VM or
     * hvlab may have changed it) and comes back with its exit. */
    if (read_cr2() != vv->cr2)
        write_cr2(vv->cr2);
    int r = vmx_enter(&vcpu->regs, vv->launched);
    vv->cr2 = read_cr2();

    if (r != VMX_OK) {
        char text[VMX_FAILURE_TEXT_MAX];
        log_error("%s failed: %s", instr,
                  vmx_failure_text((enum vmx_result)r, text, sizeof(text)));
        vmx_explain_entry_failure();
        return -1;
    }
    vv->launched = true;
    uint32_t reason = (uint32_t)vmcs_read(VMCS_RO_EXIT_REASON);
    if (reason & EXIT_REASON_ENTRY_FAILURE) {
        uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
        uint64_t qualification = vmcs_read(VMCS_RO_EXIT_QUALIFICATION);
        log_error("VM entry failed: exit reason %u (%s), qualification 0x%lx", basic,
                  vmx_exit_reason_name(basic), (unsigned long)qualification);
        /* The qualification numbers the list entry that failed, from 1. See: SDM Vol. 3C,
         * "VM-Entry Failures During or After Loading Guest State". */
        if (basic == VMX_EXIT_ENTRY_FAIL_MSR_LOADING)
            log_error("the guest's MSR-load list entry %lu (MSR 0x%x) held a value WRMSR "
                      "would refuse (vmx_msrs.c)",
                      (unsigned long)qualification,
                      vmx_msrs_index(vv, (unsigned)qualification - 1));
        else
            vmx_explain_entry_failure();
        return -1;
    }
    vmx_exit_decode(exit, reason);
    return 0;
}

const struct virt_ops vmx_ops = {
    .name = "Intel VT-x",
    .enable = vmx_enable,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_run = vmx_vcpu_run,
    .vcpu_load = vmx_vcpu_load,
    .vcpu_destroy = vmx_vcpu_destroy,
    .get_reg = vmx_get_reg,
    .set_reg = vmx_set_reg,
    .get_rip = vmx_get_rip,
    .set_rip = vmx_set_rip,
    .inject_event = vmx_inject_event,
    .interrupts_open = vmx_interrupts_open,
    .request_interrupt_window = vmx_request_interrupt_window,
    .time_source = "VMX-preemption timer",
    .dump_guest = vmx_dump_guest,
    .exit_reason_name = vmx_exit_reason_name,
    .raw_reason_count = VMX_EXIT_REASON_COUNT,
    .exit_code_name = vmx_exit_code_name,
};
