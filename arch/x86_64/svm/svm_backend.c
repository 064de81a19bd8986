/*
 * svm_backend.c - the AMD-V backend's ops table and its run step: one VMRUN, one #VMEXIT.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "arch/x86_64/svm/svm_names.h"
#include "arch/x86_64/tsc.h"
#include "hypervisor/console.h"

/* Enter the guest; on return, decode the exit. The guest's RAX lives in the VMCB (VMRUN
 * loads it, #VMEXIT saves it): it is copied from and back to vcpu->regs around the run,
 * so the core sees one GPR array, as under VT-x. A VMRUN the CPU refused comes back as
 * VMEXIT_INVALID and is explained by the VMCB checker. See: APM Vol. 2, "VMRUN
 * Instruction", "#VMEXIT". */
/* The time source: the host APIC timer, one-shot, armed for the deadline; if it fires
 * while the guest runs, the INTR intercept ends the run (lapic.h). It keeps counting
 * while hvlab handles exits, so it is reprogrammed only when the deadline moves or after
 * it fired; if it fires in hvlab, the next VMRUN exits at once and the run loop looks. */
static struct {
    bool valid;
    uint64_t deadline; /* the deadline the APIC timer was last set for */
    uint64_t fired;    /* lapic_timer_interrupts() at that time */
} armed;               /* one APIC timer per CPU: this is the CPU's, not a VM's */

void svm_timer_forget(void) { armed.valid = false; }

static void arm_deadline(struct vcpu *vcpu, struct svm_vcpu *sv)
{
    if (!sv->has_timer)
        return;
    uint64_t fired = lapic_timer_interrupts();
    if (armed.valid && vcpu->deadline_tsc == armed.deadline && fired == armed.fired)
        return;
    armed.valid = true;
    armed.deadline = vcpu->deadline_tsc;
    armed.fired = fired;
    if (vcpu->deadline_tsc == VCPU_NO_DEADLINE) {
        lapic_timer_stop();
        return;
    }
    uint64_t now = rdtsc();
    lapic_timer_arm(vcpu->deadline_tsc > now ? vcpu->deadline_tsc - now : 0);
}

int svm_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
    struct svm_vcpu *sv = vcpu->arch;
    struct vmcb *vmcb = sv->vmcb;

    arm_deadline(vcpu, sv);
    vmcb->save.rax = vcpu->regs.gprs[GPR_RAX];
    bool swap_tsc_aux = sv->has_tsc_aux && sv->guest_tsc_aux != sv->host_tsc_aux;
    if (swap_tsc_aux)
        wrmsr(MSR_IA32_TSC_AUX, sv->guest_tsc_aux);
    svm_enter(&vcpu->regs, (uint64_t)(uintptr_t)vmcb, sv->host_state_pa);
    if (swap_tsc_aux) /* the guest cannot write it (WRMSR exits): no read-back needed */
        wrmsr(MSR_IA32_TSC_AUX, sv->host_tsc_aux);
    vcpu->regs.gprs[GPR_RAX] = vmcb->save.rax;

    /* The first VMRUN flushed the TLB; the event injected (if any) was delivered. See:
     * "TLB Control", "Event Injection" (EVENTINJ is consumed by VMRUN). */
    vmcb->control.tlb_control = SVM_TLB_CONTROL_NOTHING;
    vmcb->control.eventinj = 0;

    /* The low 32 bits only: QEMU TCG stores VMEXIT_INVALID as 0x00000000ffffffff. */
    if ((uint32_t)vmcb->control.exitcode == (uint32_t)SVM_EXIT_INVALID) {
        log_error("VMRUN failed: #VMEXIT with %s (the VMCB failed VMRUN's consistency "
                  "checks)",
                  svm_exit_code_name(SVM_EXIT_INVALID));
        svm_explain_invalid(vmcb);
        return -1;
    }
    svm_exit_decode(vcpu, exit);
    return 0;
}

const struct virt_ops svm_ops = {
    .name = "AMD-V",
    .enable = svm_enable,
    .vcpu_create = svm_vcpu_create,
    .vcpu_run = svm_vcpu_run,
    .vcpu_load = svm_vcpu_load,
    .vcpu_destroy = svm_vcpu_destroy,
    .get_reg = svm_get_reg,
    .set_reg = svm_set_reg,
    .get_rip = svm_get_rip,
    .set_rip = svm_set_rip,
    .inject_event = svm_inject_event,
    .interrupts_open = svm_interrupts_open,
    .request_interrupt_window = svm_request_interrupt_window,
    .time_source = "local APIC timer",
    .dump_guest = svm_dump_guest,
    .exit_reason_name = svm_raw_reason_name,
    .raw_reason_count = SVM_RAW_REASON_COUNT,
    .exit_code_name = svm_exit_code_name,
};
