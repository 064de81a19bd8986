/*
 * svm_vcpu.c - build a VMCB for a Multiboot guest: intercepts, permission maps, nested
 * paging, guest state.
 *
 * SVM has no capability MSRs to adjust controls against and no fixed CR0/CR4 bits: the
 * VMCB holds the guest's registers as they are, and VMRUN's consistency checks say what
 * is illegal (svm_check.c explains a refusal). See: AMD APM Vol. 2, "VMRUN Instruction",
 * "VMCB Layout" (Appendix B), "Intercept Operations", "I/O Permission Map", "MSR
 * Permission Map", "Nested Paging", "TLB Control".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu_state.h"
#include "arch/x86_64/guest_msrs.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/memory.h"
#include "hypervisor/string.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/lab.h"

#define PERMISSION_MAP_INTERCEPT_ALL                                                           \
    0xFF                                /* a set bit in the IOPM/MSRPM makes the access exit */
#define FLAT_LIMIT          0xFFFFFFFFu /* 4 GiB (the VMCB limit is byte granular) */
#define GUEST_CODE_SELECTOR 0x08u       /* any GDT-shaped value: the guest loads its own GDT */
#define GUEST_DATA_SELECTOR 0x10u
#define TSS_MIN_LIMIT       0x67u         /* a 32-bit TSS is 104 bytes */
#define DR6_RESET_VALUE     0xFFFF0FF0ull /* See: APM Vol. 2, "Debug-Status Register (DR6)" */
#define DR7_RESET_VALUE     0x400ull      /* bit 10 reads as 1 ("Debug-Control Register") */
/* Segment attributes for the Multiboot start state: flat 32-bit ring 0.
 * See: "VMCB State Save Area" and Multiboot 0.6.96 "Machine state". */
#define ATTR_FLAT_CODE32                                                                       \
    (SVM_ATTR_TYPE_CODE_READ_ACCESSED | SVM_ATTR_S | SVM_ATTR_P | SVM_ATTR_DB | SVM_ATTR_G)
#define ATTR_FLAT_DATA32                                                                       \
    (SVM_ATTR_TYPE_DATA_RW_ACCESSED | SVM_ATTR_S | SVM_ATTR_P | SVM_ATTR_DB | SVM_ATTR_G)
#define ATTR_TSS32_BUSY (SVM_ATTR_TYPE_TSS32_BUSY | SVM_ATTR_P)

/* Intercepts: what makes the guest exit. CPUID, HLT, VMMCALL and every port and MSR
 * access are hvlab's interface to the guest; SHUTDOWN keeps a triple fault from resetting
 * the machine; VMRUN must be intercepted (a consistency check) and the other SVM
 * instructions are, so the guest gets #UD as on a CPU without SVM. Physical interrupts
 * (hvlab's APIC timer) and NMIs come back to hvlab; VINTR is the interrupt window. See:
 * "Intercept Operations", Appendix B "VMCB Layout, Control Area" (vectors 3 and 4). */
static const uint32_t vmcb_held_msrs[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_STAR,
    MSR_IA32_LSTAR,       MSR_IA32_CSTAR,        MSR_IA32_FMASK,        MSR_IA32_KERNEL_GS_BASE,
};

static int setup_intercepts(struct vmcb_control *c, uint32_t asid, char *why, size_t why_len)
{
    c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_VINTR | SVM_INTERCEPT_NMI |
                         SVM_INTERCEPT_CPUID | SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA |
                         SVM_INTERCEPT_IOIO_PROT | SVM_INTERCEPT_MSR_PROT |
                         SVM_INTERCEPT_SHUTDOWN;
    c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                         SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                         SVM_INTERCEPT_SKINIT;
    c->intercept_exceptions = 0; /* guest exceptions go to the guest's IDT */
    /* CR0 and CR4 writes and XSETBV: SVM has no CR masks, and the CPU (QEMU TCG at least)
     * would let the guest set a bit its CPUID does not offer (CR4.VMXE), NW without CD, or
     * load XCR0 for the host too; hvlab applies the architectural checks (cr.c). CR8
     * reads and writes exit too: CR8 is the TPR of the VM's local APIC model, which
     * V_TPR alone would not follow (APM Vol. 2, "Virtual Interrupt Control"). */
    c->intercept_cr = SVM_INTERCEPT_CR_WRITE(0) | SVM_INTERCEPT_CR_WRITE(4) |
                      SVM_INTERCEPT_CR_READ(8) | SVM_INTERCEPT_CR_WRITE(8);
    c->intercept_misc2 |= SVM_INTERCEPT_XSETBV;

    /* With virtual interrupt masking, the host's RFLAGS.IF at VMRUN (1: svm_entry.S)
     * decides whether physical interrupts end the guest's run, not the guest's IF; the
     * guest's IF masks only the virtual interrupts hvlab gives it. See: "Virtual
     * Interrupt Masking". */
    c->virtual_interrupt = SVM_V_INTR_MASKING;

    /* Every port and every MSR exits: permission maps of all ones, physically contiguous
     * and 4 KiB aligned (the pool is identity-mapped). MSRs outside the MSRPM's three
     * ranges always exit when MSR_PROT is set. The one exception: the MSRs the VMCB
     * itself holds, below. See: "I/O Permission Map", "MSR Intercepts". */
    uint8_t *iopm = pages_alloc(SVM_IOPM_PAGES, 1, "SVM I/O permission map");
    if (!iopm)
        return FAIL_WHY("out of memory: SVM I/O permission map");
    uint8_t *msrpm = pages_alloc(SVM_MSRPM_PAGES, 1, "SVM MSR permission map");
    if (!msrpm)
        return FAIL_WHY("out of memory: SVM MSR permission map");
    memset(iopm, PERMISSION_MAP_INTERCEPT_ALL, SVM_IOPM_PAGES * PAGE_SIZE);
    memset(msrpm, PERMISSION_MAP_INTERCEPT_ALL, SVM_MSRPM_PAGES * PAGE_SIZE);
    c->iopm_base_pa = (uint64_t)(uintptr_t)iopm;
    c->msrpm_base_pa = (uint64_t)(uintptr_t)msrpm;

    /* The SYSENTER and SYSCALL MSRs and KernelGsBase live in the VMCB's state-save area
     * (VMLOAD/VMSAVE switch them with the guest, svm_entry.S), so the guest may use the
     * real registers: no exit, and its values really take effect. The allow-list
     * (hypervisor/msr_policy.c) lets it write them anyway; under VT-x they exit and are
     * stored. See: APM Vol. 2, "VMSAVE and VMLOAD Instructions". */
    for (size_t i = 0; i < sizeof(vmcb_held_msrs) / sizeof(vmcb_held_msrs[0]); i++)
        svm_msrpm_set(msrpm, vmcb_held_msrs[i], false, false);

    /* ASID 0 is the host's; each VM that exists has its own (vcpu->tlb_tag), so the TLB
     * keeps every VM's translations apart and a switch between VMs flushes nothing. An
     * ASID is reused by a later VM, so the first VMRUN of each VM flushes what an earlier
     * one left. See: APM Vol. 2, "TLB Control", "Address Space Identifiers". */
    c->guest_asid = asid;
    c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
    c->vmcb_clean = 0; /* nothing cached: the CPU reads every VMCB field */
    c->eventinj = 0;
    return 0;
}

/* Nested paging over guest memory. Long mode always has 2 MiB pages, so large chunks
 * use them. See: "Nested Paging", "Enabling Nested Paging". */
static int setup_npt(struct svm_vcpu *sv, const struct guest_memory *mem, char *why,
                     size_t why_len)
{
    int rc = npt_build(&sv->npt, mem, true, pages_source, "nested page tables");
    if (rc == NPT_BUILD_NO_MEMORY)
        return FAIL_WHY("out of memory: nested page table (%lu allocated before it)",
                        (unsigned long)sv->npt.table_pages);
    if (rc != 0)
        return FAIL_WHY("guest RAM's map cannot be written as nested page tables (a "
                        "hypervisor bug)");
    sv->vmcb->control.np_control = SVM_NP_ENABLE;
    sv->vmcb->control.n_cr3 = npt_n_cr3(&sv->npt);
    log_info("NPT built: %lu MiB guest RAM in %lu x 2 MiB + %lu x 4 KiB pages, %lu table "
             "pages",
             (unsigned long)(mem->ram_size >> 20), (unsigned long)sv->npt.pages_2m,
             (unsigned long)sv->npt.pages_4k, (unsigned long)sv->npt.table_pages);
    return 0;
}

/* AMD-V has no counterpart of the VMX-preemption timer: the host's local APIC timer
 * takes its place (lapic.h), programmed once per boot. */
static void setup_time_source(struct svm_vcpu *sv, uint64_t tsc_hz)
{
    static int lapic_state; /* 0: not tried, 1: works, -1: unusable */
    if (lapic_state == 0)
        lapic_state = lapic_timer_init(tsc_hz) ? 1 : -1;
    sv->has_timer = lapic_state > 0;
    svm_timer_forget();
    if (sv->has_timer)
        lapic_timer_stop(); /* nothing left over from the previous guest */
}

static void write_segment(struct vmcb_segment *s, uint16_t selector, uint64_t base,
                          uint32_t limit, uint16_t attrib)
{
    *s = (struct vmcb_segment){
        .selector = selector, .attrib = attrib, .limit = limit, .base = base};
}

/* Guest state: the machine state a Multiboot loader leaves. See: Multiboot 0.6.96,
 * "Machine state": protected mode, paging off, flat CS/DS/ES/FS/GS/SS, EAX = 0x2BADB002,
 * EBX = the boot information, interrupts off. With nested paging the guest may run with
 * CR0.PG = 0 (its addresses are then guest-physical). See: "VMCB State Save Area". */
static void setup_guest_state(struct vcpu *vcpu, struct vmcb_save *s,
                              const struct guest_start *start)
{
    /* LAB svm-3 BEGIN: setup_guest_state() */
    write_segment(&s->cs, GUEST_CODE_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_CODE32);
    write_segment(&s->ds, GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_DATA32);
    write_segment(&s->es, GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_DATA32);
    write_segment(&s->fs, GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_DATA32);
    write_segment(&s->gs, GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_DATA32);
    write_segment(&s->ss, GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, ATTR_FLAT_DATA32);
    write_segment(&s->tr, 0, 0, TSS_MIN_LIMIT, ATTR_TSS32_BUSY);
    write_segment(&s->ldtr, 0, 0, 0, 0); /* null LDT */
    write_segment(&s->gdtr, 0, 0, 0, 0);
    write_segment(&s->idtr, 0, 0, 0, 0);
    s->cpl = 0; /* SVM keeps the CPL in the VMCB, not in SS.DPL */

    /* EFER first (set_reg derives LMA from it and CR0); SVME stays set in the guest's
     * EFER, a consistency check, and hidden from the guest by svm_get_reg. */
    s->efer = EFER_SVME;
    svm_set_reg(vcpu, VCPU_REG_CR0, CR0_PE | CR0_ET);
    svm_set_reg(vcpu, VCPU_REG_CR4, 0);
    s->cr3 = 0;
    s->cr2 = 0;
    s->dr6 = DR6_RESET_VALUE;
    s->dr7 = DR7_RESET_VALUE;
    s->g_pat = PAT_RESET_VALUE; /* with nested paging, the guest's PAT (must be valid) */
    s->dbgctl = 0;

    s->rip = start->eip;
    s->rsp = 0;                /* Multiboot: "ESP undefined", the kernel sets its own */
    s->rflags = RFLAGS_FIXED1; /* IF = 0 */
    memset(&vcpu->regs, 0, sizeof(vcpu->regs));
    vcpu->regs.gprs[GPR_RAX] = start->eax; /* copied into the VMCB's RAX before each VMRUN */
    vcpu->regs.gprs[GPR_RBX] = start->ebx;
    s->rax = start->eax;
    /* LAB svm-3 END */
}

int svm_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                    const struct guest_start *start, char *why, size_t why_len)
{
    _Static_assert(sizeof(struct svm_vcpu) <= VCPU_ARCH_STATE_MAX,
                   "struct svm_vcpu outgrows vcpu->arch_state");
    struct svm_vcpu *sv = (struct svm_vcpu *)vcpu->arch_state;
    memset(sv, 0, sizeof(*sv));
    vcpu->arch = sv;

    /* The VMCB: one zeroed, 4 KiB-aligned page. A second page takes hvlab's own FS, GS,
     * TR, LDTR and syscall MSRs while the guest's are loaded (VMSAVE/VMLOAD). See:
     * "VMRUN Instruction", "VMSAVE and VMLOAD Instructions". */
    sv->vmcb = pages_alloc(1, 1, "VMCB");
    if (!sv->vmcb)
        return FAIL_WHY("out of memory: VMCB");
    void *host_state = pages_alloc(1, 1, "SVM host VMSAVE area");
    if (!host_state)
        return FAIL_WHY("out of memory: SVM host VMSAVE area");
    sv->host_state_pa = (uint64_t)(uintptr_t)host_state;

    if (setup_intercepts(&sv->vmcb->control, vcpu->tlb_tag, why, why_len) != 0 ||
        setup_npt(sv, mem, why, why_len) != 0)
        return -1;
    /* The guest's x87/SSE/AVX registers, kept here while another VM runs (fpu_state.h). */
    vcpu->fpu_area = fpu_state_alloc();
    if (!vcpu->fpu_area)
        return FAIL_WHY("out of memory: FPU/SSE/AVX state");
    setup_time_source(sv, vcpu->platform->tsc_hz);
    sv->has_tsc_aux = cpu_has_tsc_aux();
    sv->host_tsc_aux = sv->has_tsc_aux ? rdmsr(MSR_IA32_TSC_AUX) : 0;
    sv->guest_tsc_aux = 0;
    setup_guest_state(vcpu, &sv->vmcb->save, start);
    vcpu->regs.gprs[GPR_RSI] = start->esi; /* Linux's zero page (virt_ops.h) */
    log_info("VMCB ready: guest enters at 0x%x in 32-bit protected mode, paging off, "
             "ASID %u",
             start->eip, vcpu->tlb_tag);
    return 0;
}

/* Switching VMs needs nothing from the VMCB side: each VMRUN names its VMCB, and the ASID
 * tags keep the TLB apart. The host APIC timer was armed for another VM's deadline, and
 * the x87/SSE/AVX registers hold another VM's state (fpu_state.h). */
void svm_vcpu_load(struct vcpu *vcpu)
{
    svm_timer_forget();
    fpu_state_switch(vcpu->fpu_area, vcpu->xcr0);
}

/* Nothing to let go of: outside VMRUN the CPU keeps no VMCB state that software must
 * flush, and hvlab never marks a field clean (vmcb_clean = 0), so a reused page is read
 * afresh (APM Vol. 2, "VMCB Clean Bits"). */
void svm_vcpu_destroy(struct vcpu *vcpu) { fpu_state_forget(vcpu->fpu_area); }
