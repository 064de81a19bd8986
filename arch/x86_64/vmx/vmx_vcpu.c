/*
 * vmx_vcpu.c - build a VMCS for a Multiboot guest: controls, host state, guest state.
 *
 * Every control value is computed from the capability MSRs (vmx_adjust_controls): bits
 * the CPU requires are forced on, the bits hvlab needs are checked, and a missing one is
 * reported by name. See: SDM Vol. 3C, "Virtual Machine Control Structures" and
 * "VM-Execution Control Fields", "VM-Exit Control Fields", "VM-Entry Control Fields",
 * "Guest-State Area", "Host-State Area"; Appendix A for the capability MSRs.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/fpu_state.h"
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmentry_state.h"
#include "arch/x86_64/vmx/vmx.h"
#include "arch/x86_64/vmx/vmx_msrs.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/memory.h"
#include "hypervisor/string.h"
#include "hypervisor/lab.h"

#define IO_BITMAP_PAGES        2     /* A: ports 0000-7FFF, B: 8000-FFFF */
#define MSR_BITMAP_PAGES       1     /* read low/high, write low/high: 1 KiB each */
#define VMCS_LINK_POINTER_NONE ~0ull /* "no shadow VMCS": must be all ones */
#define DR7_RESET_VALUE        0x400ull /* bit 10 reads as 1 (SDM Vol. 3B, "Debug Control Register") */
#define FLAT_LIMIT             0xFFFFFFFFu /* 4 GiB with G=1 */
#define GUEST_CODE_SELECTOR    0x08u /* any GDT-shaped value: the guest loads its own GDT */
#define GUEST_DATA_SELECTOR    0x10u
#define BITMAP_INTERCEPT_ALL   0xFF /* a set bit in an I/O or MSR bitmap makes the access exit */
#define CR_MASK_LOW32          0xFFFFFFFFull /* CR0/CR4 bits 63:32 are reserved: not masked */
#define TSS_MIN_LIMIT          0x67u         /* a 32-bit TSS is 104 bytes */

/* Segment access rights for the Multiboot start state: flat 32-bit ring 0.
 * See: "Guest Register State" (access-rights format) and Multiboot 0.6.96 "Machine state". */
#define AR_FLAT_CODE32                                                                         \
    (SEG_TYPE_CODE_READ_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G)
#define AR_FLAT_DATA32 (SEG_TYPE_DATA_RW_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G)
#define AR_TSS32_BUSY  (SEG_TYPE_TSS_BUSY | SEG_AR_P)
#define AR_UNUSABLE    SEG_AR_UNUSABLE

/* Read a control capability MSR (the TRUE variant when it exists), adjust, write. */
static int set_controls(uint32_t field, uint32_t plain_msr, uint32_t true_msr,
                        const struct vmx_control_request *req,
                        const struct vmx_control_name *names, char *why, size_t why_len)
{
    uint32_t msr =
        true_msr ? vmx_control_cap_msr(vmx_caps.basic, plain_msr, true_msr) : plain_msr;
    uint32_t value;
    if (vmx_adjust_controls(rdmsr(msr), req, names, &value, why, why_len) != 0)
        return -1;
    vmcs_write(field, value);
    log_debug("%s: 0x%08x", req->what, value);
    return 0;
}

static int setup_controls(struct vmx_vcpu *vv, uint64_t cr4_valid, char *why, size_t why_len)
{
    /* Pin-based: host interrupts and NMIs exit instead of reaching the guest's IDT. The
     * VMX-preemption timer is hvlab's time source (vmx_backend.c): checked here, turned
     * on by the run loop only while there is a deadline. */
    static const struct vmx_control_request pin = {
        "pin-based controls", PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING,
        PIN_PREEMPTION_TIMER};
    /* Primary: HLT exits; port and MSR accesses are decided by bitmaps (all ones).
     * Interrupt-window exiting must exist; the run loop turns it on when needed. MOV to
     * and from CR8 exit: without them (and without a TPR shadow) a 64-bit guest's CR8
     * would be the real CPU's TPR, not its local APIC's (SDM Vol. 3C, "Primary
     * Processor-Based VM-Execution Controls"; cr.c ties CR8 to the model's TPR). */
    static const struct vmx_control_request proc = {
        "primary processor-based controls",
        PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
            PROC_ACTIVATE_SECONDARY | PROC_INTERRUPT_WINDOW_EXITING | PROC_CR8_LOAD_EXITING |
            PROC_CR8_STORE_EXITING,
        0};
    /* Secondary: EPT, and unrestricted guest so the guest may run with paging off. The
     * optional ones let guest instructions work that would otherwise raise #UD. */
    static const struct vmx_control_request proc2 = {
        "secondary processor-based controls", PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST,
        PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES | PROC2_ENABLE_VPID};
    /* Exit: return to a 64-bit host, acknowledge the interrupt that caused the exit,
     * swap IA32_EFER between guest and host; keep the preemption timer's count across
     * exits when the CPU can, so an unchanged deadline needs no VMWRITE per entry. */
    static const struct vmx_control_request exit = {
        "VM-exit controls",
        EXIT_HOST_ADDR_SPACE_SIZE | EXIT_ACK_INTERRUPT | EXIT_SAVE_EFER | EXIT_LOAD_EFER,
        EXIT_SAVE_PREEMPTION_TIMER};
    /* Entry: load the guest's IA32_EFER (the Multiboot guest starts outside IA-32e). */
    static const struct vmx_control_request entry = {"VM-entry controls", ENTRY_LOAD_EFER, 0};

    if (set_controls(VMCS_CTRL_PIN_BASED, MSR_IA32_VMX_PINBASED_CTLS,
                     MSR_IA32_VMX_TRUE_PINBASED_CTLS, &pin, vmx_pin_control_names, why,
                     why_len) ||
        set_controls(VMCS_CTRL_PROC_BASED, MSR_IA32_VMX_PROCBASED_CTLS,
                     MSR_IA32_VMX_TRUE_PROCBASED_CTLS, &proc, vmx_proc_control_names, why,
                     why_len) ||
        set_controls(VMCS_CTRL_PROC_BASED2, MSR_IA32_VMX_PROCBASED_CTLS2, 0, &proc2,
                     vmx_proc2_control_names, why, why_len) ||
        set_controls(VMCS_CTRL_EXIT, MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS, &exit,
                     vmx_exit_control_names, why, why_len) ||
        set_controls(VMCS_CTRL_ENTRY, MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
                     &entry, vmx_entry_control_names, why, why_len))
        return -1;

    /* Every port and every MSR exits: bitmaps of all ones. See: "I/O-Bitmap Addresses",
     * "MSR-Bitmap Address". */
    uint8_t *io = pages_alloc(IO_BITMAP_PAGES, 1, "I/O bitmaps");
    if (!io)
        return FAIL_WHY("out of memory: I/O bitmaps");
    uint8_t *msr = pages_alloc(MSR_BITMAP_PAGES, 1, "MSR bitmap");
    if (!msr)
        return FAIL_WHY("out of memory: MSR bitmap");
    memset(io, BITMAP_INTERCEPT_ALL, IO_BITMAP_PAGES * PAGE_SIZE);
    memset(msr, BITMAP_INTERCEPT_ALL, MSR_BITMAP_PAGES * PAGE_SIZE);
    vmcs_write(VMCS_CTRL_IO_BITMAP_A, (uint64_t)(uintptr_t)io);
    vmcs_write(VMCS_CTRL_IO_BITMAP_B, (uint64_t)(uintptr_t)io + PAGE_SIZE);
    vmcs_write(VMCS_CTRL_MSR_BITMAP, (uint64_t)(uintptr_t)msr);

    vmcs_write(VMCS_CTRL_EXCEPTION_BITMAP, 0); /* guest exceptions go to the guest's IDT */
    vmcs_write(VMCS_CTRL_CR3_TARGET_COUNT, 0);
    vmcs_write(VMCS_CTRL_ENTRY_INTR_INFO, 0);

    /* CR0/CR4: hvlab owns the bits VMX fixes (set in FIXED0 or clear in FIXED1), except
     * PE and PG, which unrestricted guest hands back to the guest, and every CR4 bit the
     * guest's CPUID does not offer (so setting one exits and faults: cr.c). The guest
     * reads its own value from the read shadow; changing an owned bit exits. See:
     * "Guest/Host Masks and Read Shadows for CR0 and CR4". */
    vv->cr0_owned =
        (vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1) & ~(CR0_PE | CR0_PG) & CR_MASK_LOW32;
    vv->cr4_owned = (vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | ~cr4_valid) & CR_MASK_LOW32;
    vmcs_write(VMCS_CTRL_CR0_GUEST_HOST_MASK, vv->cr0_owned);
    vmcs_write(VMCS_CTRL_CR4_GUEST_HOST_MASK, vv->cr4_owned);
    return 0;
}

/* EPT over guest memory. See: "EPT Translation Mechanism", "Format of Extended-Page-Table
 * Pointer"; capabilities in IA32_VMX_EPT_VPID_CAP (Appendix A, "VPID and EPT
 * Capabilities"). */
static int setup_ept(struct vmx_vcpu *vv, const struct guest_memory *mem, char *why,
                     size_t why_len)
{
    uint64_t cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    if (!ept_caps_sufficient(cap, why, why_len))
        return -1;
    int rc = ept_build(&vv->ept, mem, ept_caps_allow_2m(cap), pages_source, "EPT tables");
    if (rc == EPT_BUILD_NO_MEMORY)
        return FAIL_WHY("out of memory: EPT page table (%lu allocated before it)",
                        (unsigned long)vv->ept.table_pages);
    if (rc != 0)
        return FAIL_WHY("guest RAM's map cannot be written as EPT (a hypervisor bug)");
    vmcs_write(VMCS_CTRL_EPT_POINTER, ept_pointer(&vv->ept, false));
    log_info("EPT built: %lu MiB guest RAM in %lu x 2 MiB + %lu x 4 KiB pages, %lu table "
             "pages",
             (unsigned long)(mem->ram_size >> 20), (unsigned long)vv->ept.pages_2m,
             (unsigned long)vv->ept.pages_4k, (unsigned long)vv->ept.table_pages);
    return 0;
}

/* The VM's TLB tag. With "enable VPID" its translations are tagged with its own VPID
 * (vcpu->tlb_tag), so VM entries and exits, and switches between VMs, flush nothing; off,
 * every entry and exit flushes what VPID 0 holds. Later VMs reuse VPIDs and EPT pages,
 * so before the first entry INVVPID and INVEPT drop what an earlier VM left under them.
 * See: SDM Vol. 3C, "Virtual-Processor Identifiers (VPIDs)", "Guidelines for Use of the
 * INVVPID Instruction", "Guidelines for Use of the INVEPT Instruction". */
static int setup_tlb_tag(struct vcpu *vcpu, struct vmx_vcpu *vv, char *why, size_t why_len)
{
    uint64_t cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    uint32_t proc2 = (uint32_t)vmcs_read(VMCS_CTRL_PROC_BASED2);
    bool invvpid = (cap & VPID_CAP_INVVPID) &&
                   (cap & (VPID_CAP_INVVPID_SINGLE_CONTEXT | VPID_CAP_INVVPID_ALL_CONTEXT));
    if ((proc2 & PROC2_ENABLE_VPID) && !invvpid) {
        proc2 &= ~PROC2_ENABLE_VPID; /* a VPID that cannot be flushed cannot be reused */
        vmcs_write(VMCS_CTRL_PROC_BASED2, proc2);
    }
    vv->vpid = (proc2 & PROC2_ENABLE_VPID) ? vcpu->tlb_tag : 0;
    char text[96];
    if (vv->vpid) {
        vmcs_write(VMCS_CTRL_VPID, vv->vpid);
        struct invvpid_descriptor d = {.vpid = vv->vpid};
        uint64_t type = (cap & VPID_CAP_INVVPID_SINGLE_CONTEXT) ? INVVPID_SINGLE_CONTEXT
                                                                : INVVPID_ALL_CONTEXT;
        enum vmx_result r = vmx_invvpid(type, &d);
        if (r != VMX_OK)
            return FAIL_WHY("INVVPID of VPID %u failed: %s", vv->vpid,
                            vmx_failure_text(r, text, sizeof(text)));
    }
    if (cap & EPT_CAP_INVEPT) {
        struct invept_descriptor d = {.eptp = ept_pointer(&vv->ept, false)};
        uint64_t type =
            (cap & EPT_CAP_INVEPT_SINGLE_CONTEXT) ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;
        enum vmx_result r = vmx_invept(type, &d);
        if (r != VMX_OK)
            return FAIL_WHY("INVEPT failed: %s", vmx_failure_text(r, text, sizeof(text)));
    }
    return 0;
}

/* The time source (vmx_backend.c, arm_deadline): the VMX-preemption timer ticks once
 * every 2^N TSC ticks, N = IA32_VMX_MISC bits 4:0 (SDM Vol. 3C, "VMX-Preemption Timer").
 * The control starts off; the entry/interrupt-window bits are cached for the run loop. */
static void setup_time_source(struct vmx_vcpu *vv)
{
    uint32_t pin = (uint32_t)vmcs_read(VMCS_CTRL_PIN_BASED);
    vv->has_preemption_timer = (pin & PIN_PREEMPTION_TIMER) != 0;
    vv->pin_controls = pin & ~PIN_PREEMPTION_TIMER;
    vmcs_write(VMCS_CTRL_PIN_BASED, vv->pin_controls);
    vv->proc_controls =
        (uint32_t)vmcs_read(VMCS_CTRL_PROC_BASED) & ~PROC_INTERRUPT_WINDOW_EXITING;
    vmcs_write(VMCS_CTRL_PROC_BASED, vv->proc_controls);
    vv->preemption_rate = (unsigned)(rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_PREEMPT_RATE_MASK);
    uint64_t exit_ctls = vmcs_read(VMCS_CTRL_EXIT);
    vv->timer_saved_on_exit = (exit_ctls & EXIT_SAVE_PREEMPTION_TIMER) != 0;
    /* Off with the timer: saving its value is allowed only while it is active. */
    vmcs_write(VMCS_CTRL_EXIT, exit_ctls & ~EXIT_SAVE_PREEMPTION_TIMER);
    vv->armed_deadline = VCPU_NO_DEADLINE;
    if (!vv->has_preemption_timer)
        log_warn("no VMX-preemption timer on this CPU: no watchdog, and timer interrupts "
                 "reach the guest only when it exits by itself");
}

/* Host state: what the CPU loads on every VM exit -- hvlab's own GDT/TSS/IDT, page
 * tables and 64-bit code. HOST_RSP is written by vmx_enter() on each entry. */
static void setup_host_state(void)
{
    /* LAB vmx-3 BEGIN: setup_host_state() */
    extern const uint8_t vmx_exit_stub[]; /* vmx_entry.S */
    struct descriptor_table_reg gdtr = read_gdtr(), idtr = read_idtr();

    vmcs_write(VMCS_HOST_CR0, read_cr0());
    vmcs_write(VMCS_HOST_CR3, read_cr3());
    vmcs_write(VMCS_HOST_CR4, read_cr4());
    vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);

    vmcs_write(VMCS_HOST_CS_SELECTOR, GDT_SEL_CODE64);
    vmcs_write(VMCS_HOST_SS_SELECTOR, GDT_SEL_DATA);
    vmcs_write(VMCS_HOST_DS_SELECTOR, GDT_SEL_DATA);
    vmcs_write(VMCS_HOST_ES_SELECTOR, GDT_SEL_DATA);
    vmcs_write(VMCS_HOST_FS_SELECTOR, GDT_SEL_DATA);
    vmcs_write(VMCS_HOST_GS_SELECTOR, GDT_SEL_DATA);
    vmcs_write(VMCS_HOST_TR_SELECTOR, GDT_SEL_TSS);

    vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_IA32_FS_BASE));
    vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_IA32_GS_BASE));
    vmcs_write(VMCS_HOST_TR_BASE, descriptors_tss_base());
    vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);

    vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
    vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
    vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
    vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
    /* LAB vmx-3 END */
}

/* The four VMCS fields of one guest segment register. */
struct segment_fields {
    uint32_t selector, base, limit, access_rights;
};
#define GUEST_SEGMENT(seg)                                                                     \
    ((struct segment_fields){VMCS_GUEST_##seg##_SELECTOR, VMCS_GUEST_##seg##_BASE,             \
                             VMCS_GUEST_##seg##_LIMIT, VMCS_GUEST_##seg##_AR})

static void write_segment(struct segment_fields f, uint16_t selector, uint64_t base,
                          uint32_t limit, uint32_t access_rights)
{
    vmcs_write(f.selector, selector);
    vmcs_write(f.base, base);
    vmcs_write(f.limit, limit);
    vmcs_write(f.access_rights, access_rights);
}

/* Guest state: the machine state a Multiboot loader leaves. See: Multiboot 0.6.96,
 * "Machine state": protected mode, paging off, A20 on, flat CS/DS/ES/FS/GS/SS,
 * EAX = 0x2BADB002, EBX = the boot information, interrupts off. */
static void setup_guest_state(struct vcpu *vcpu, struct vmx_vcpu *vv,
                              const struct guest_start *start)
{
    /* LAB vmx-3 BEGIN: setup_guest_state() */
    write_segment(GUEST_SEGMENT(CS), GUEST_CODE_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_CODE32);
    write_segment(GUEST_SEGMENT(DS), GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_DATA32);
    write_segment(GUEST_SEGMENT(ES), GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_DATA32);
    write_segment(GUEST_SEGMENT(FS), GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_DATA32);
    write_segment(GUEST_SEGMENT(GS), GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_DATA32);
    write_segment(GUEST_SEGMENT(SS), GUEST_DATA_SELECTOR, 0, FLAT_LIMIT, AR_FLAT_DATA32);
    /* VM entry wants a usable busy TSS in TR even though the guest never uses it. */
    write_segment(GUEST_SEGMENT(TR), 0, 0, TSS_MIN_LIMIT, AR_TSS32_BUSY);
    write_segment(GUEST_SEGMENT(LDTR), 0, 0, 0, AR_UNUSABLE);
    vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0);
    vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);

    /* CR0: protected mode without paging as the guest sees it; the bits VMX forces on
     * (NE) are set in the real CR0 and hidden by the read shadow. */
    vmcs_write(VMCS_GUEST_IA32_EFER, 0); /* first: setting CR0 derives long mode from it */
    vv->cr0_shadow = CR0_PE | CR0_ET;
    vv->cr4_shadow = 0;
    vmcs_write(VMCS_CTRL_CR0_READ_SHADOW, vv->cr0_shadow);
    vmcs_write(VMCS_CTRL_CR4_READ_SHADOW, vv->cr4_shadow);
    vmx_set_reg(vcpu, VCPU_REG_CR0, vv->cr0_shadow);
    vmx_set_reg(vcpu, VCPU_REG_CR4, vv->cr4_shadow);
    vmcs_write(VMCS_GUEST_CR3, 0);
    vmcs_write(VMCS_GUEST_DR7, DR7_RESET_VALUE);
    vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
    vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, 0);
    vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
    vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, 0);

    vmcs_write(VMCS_GUEST_RIP, start->eip);
    vmcs_write(VMCS_GUEST_RSP, 0); /* Multiboot: "ESP undefined", the kernel sets its own */
    vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_FIXED1); /* IF = 0 */
    vmcs_write(VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_ACTIVE);
    vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmcs_write(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
    vmcs_write(VMCS_GUEST_VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);

    memset(&vcpu->regs, 0, sizeof(vcpu->regs));
    vcpu->regs.gprs[GPR_RAX] = start->eax;
    vcpu->regs.gprs[GPR_RBX] = start->ebx;
    /* LAB vmx-3 END */
}

/* The guest's x87/SSE/AVX registers, kept here while another VM runs (fpu_state.h). */
static int setup_fpu_area(struct vcpu *vcpu, char *why, size_t why_len)
{
    vcpu->fpu_area = fpu_state_alloc();
    return vcpu->fpu_area ? 0 : FAIL_WHY("out of memory: FPU/SSE/AVX state");
}

int vmx_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                    const struct guest_start *start, char *why, size_t why_len)
{
    _Static_assert(sizeof(struct vmx_vcpu) <= VCPU_ARCH_STATE_MAX,
                   "struct vmx_vcpu outgrows vcpu->arch_state");
    struct vmx_vcpu *vv = (struct vmx_vcpu *)vcpu->arch_state;
    memset(vv, 0, sizeof(*vv));
    vcpu->arch = vv;

    /* The VMCS region: revision identifier first, then VMCLEAR to initialise it and
     * VMPTRLD to make it current. See: "VMCS Region", "Software Use of VMCS". */
    uint32_t *vmcs = pages_alloc(1, 1, "VMCS");
    if (!vmcs)
        return FAIL_WHY("out of memory: VMCS");
    vmcs[0] = vmx_caps.revision;
    vv->vmcs = (uint64_t)(uintptr_t)vmcs;
    char text[96];
    enum vmx_result r = vmclear(vv->vmcs);
    if (r != VMX_OK)
        return FAIL_WHY("VMCLEAR failed: %s", vmx_failure_text(r, text, sizeof(text)));
    r = vmptrld(vv->vmcs);
    if (r != VMX_OK)
        return FAIL_WHY("VMPTRLD failed: %s", vmx_failure_text(r, text, sizeof(text)));

    if (setup_controls(vv, vcpu->limits.cr4_valid, why, why_len) != 0 ||
        vmx_msrs_setup(vv, why, why_len) != 0 || setup_fpu_area(vcpu, why, why_len) != 0 ||
        setup_ept(vv, mem, why, why_len) != 0 || setup_tlb_tag(vcpu, vv, why, why_len) != 0)
        return -1;
    setup_time_source(vv);
    setup_host_state();
    setup_guest_state(vcpu, vv, start);
    vcpu->regs.gprs[GPR_RSI] = start->esi; /* Linux's zero page (virt_ops.h) */
    if (vv->vpid)
        log_info("VMCS ready: guest enters at 0x%x in 32-bit protected mode, paging off, "
                 "VPID %u",
                 start->eip, vv->vpid);
    else
        log_info("VMCS ready: guest enters at 0x%x in 32-bit protected mode, paging off "
                 "(no VPID: every entry and exit flushes the TLB)",
                 start->eip);
    return 0;
}

/* The scheduler switches to this VM: its VMCS becomes current, the preemption timer is
 * written afresh at the next entry (the count saved at its last exit is stale by the
 * time it was off the CPU), and its x87/SSE/AVX state is loaded. See: SDM Vol. 3C,
 * "VMPTRLD". */
void vmx_vcpu_load(struct vcpu *vcpu)
{
    struct vmx_vcpu *vv = vcpu->arch;
    char text[96];
    enum vmx_result r = vmptrld(vv->vmcs);
    if (r != VMX_OK)
        log_error("VMPTRLD of guest \"%s\"'s VMCS failed: %s", vcpu->guest_name,
                  vmx_failure_text(r, text, sizeof(text)));
    vv->armed_deadline = VCPU_NO_DEADLINE;
    fpu_state_switch(vcpu->fpu_area, vcpu->xcr0);
}

/* A VMCS region may hold processor-cached state until VMCLEAR writes it back and makes
 * it inactive; only then may its memory be reused (SDM Vol. 3C, "Software Use of
 * Virtual-Machine Control Structures"). */
void vmx_vcpu_destroy(struct vcpu *vcpu)
{
    struct vmx_vcpu *vv = vcpu->arch;
    fpu_state_forget(vcpu->fpu_area);
    if (!vv || !vv->vmcs)
        return;
    char text[96];
    enum vmx_result r = vmclear(vv->vmcs);
    if (r != VMX_OK)
        log_error("VMCLEAR of guest \"%s\"'s VMCS failed: %s", vcpu->guest_name,
                  vmx_failure_text(r, text, sizeof(text)));
    vv->vmcs = 0;
}
