/*
 * vmx_snapshot.c - the current VMCS and the VMX capabilities, read into a struct
 * vmentry_state for the VM-entry checker (see vmx_snapshot.h).
 *
 * Some VMCS fields exist only on CPUs that support a feature (the VPID and the EPTP, the
 * secondary controls, the IA32_PAT/IA32_EFER fields, the MSR-bitmap address). VMREAD of a
 * field this CPU lacks fails with VM-instruction error 12, so those fields are read only
 * when the capability MSRs say they exist, and then through vmcs_read_optional(), which
 * returns 0 rather than panicking. Every other field is always present: vmcs_read().
 *
 * Follows the Intel SDM (revision pinned in docs/manuals.md):
 *   See: SDM Vol. 3C, "Guest-State Area", "Host-State Area", "VM-Execution Control Fields",
 *        "VM-Exit Control Fields", "VM-Entry Control Fields"
 *   See: SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility"
 */
#include "arch/x86_64/vmx/vmx_snapshot.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmentry_check.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "hypervisor/console.h"
#include "hypervisor/string.h"

/* CPUID leaves for the address widths. See: SDM Vol. 2A, "CPUID-CPU Identification". */
#define CPUID_LEAF_ADDR_SIZES     0x80000008u /* EAX = physical and linear address widths */
#define ADDR_SIZES_PHYS_MASK      0xFFu       /* EAX bits 7:0: MAXPHYADDR */
#define ADDR_SIZES_LINEAR_SHIFT   8u          /* EAX bits 15:8: linear-address width */
#define ADDR_SIZES_LINEAR_MASK    0xFFu
#define PHYS_ADDR_WIDTH_DEFAULT   36u /* MAXPHYADDR when leaf 80000008H is absent */
#define LINEAR_ADDR_WIDTH_DEFAULT 48u /* 4-level paging */

/* What this CPU lets software enable, gathered once: it decides which MSRs and VMCS
 * fields exist. See: Appendix A, "Secondary Processor-Based VM-Execution Controls". */
struct snapshot_allowed {
    uint64_t basic;          /* IA32_VMX_BASIC */
    uint32_t proc_may_be_1;  /* IA32_VMX_PROCBASED_CTLS bits 63:32 (allowed 1-settings) */
    bool secondary;          /* "activate secondary controls" may be 1 */
    uint32_t proc2_may_be_1; /* IA32_VMX_PROCBASED_CTLS2 bits 63:32; 0 without secondary */
};

/* vmcs_read_optional - VMREAD a field that only some CPUs have; 0 if VMREAD fails. */
static uint64_t vmcs_read_optional(uint32_t field)
{
    uint64_t value = 0;
    if (vmx_vmread(field, &value) != VMX_OK)
        return 0;
    return value;
}

/* read_allowed - the allowed 1-settings that decide which MSRs and fields exist.
 * IA32_VMX_PROCBASED_CTLS2 exists only if "activate secondary controls" may be 1. */
static void read_allowed(struct snapshot_allowed *a)
{
    a->basic = rdmsr(MSR_IA32_VMX_BASIC);
    a->proc_may_be_1 = VMX_CAP_MAY_BE_ONE(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS));
    a->secondary = (a->proc_may_be_1 & PROC_ACTIVATE_SECONDARY) != 0;
    a->proc2_may_be_1 =
        a->secondary ? VMX_CAP_MAY_BE_ONE(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2)) : 0;
}

/* read_caps - what the CPU supports: fixed CR bits, address widths, EPT, event injection.
 * See: Appendix A, "VMX-Fixed Bits in CR0", "VMX-Fixed Bits in CR4", "VPID and EPT
 *      Capabilities", "Miscellaneous Data", "Basic VMX Information". */
static void read_caps(struct vmentry_caps *cap, const struct snapshot_allowed *a)
{
    /* CR0 and CR4 in VMX operation: FIXED0 bits must be 1, FIXED1 zeros must be 0. */
    cap->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    cap->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    cap->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    cap->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    /* Address widths: CPUID leaf 80000008H, if this CPU has it. */
    cap->phys_addr_width = PHYS_ADDR_WIDTH_DEFAULT;
    cap->linear_addr_width = LINEAR_ADDR_WIDTH_DEFAULT;
    if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax >= CPUID_LEAF_ADDR_SIZES) {
        uint32_t eax = cpuid(CPUID_LEAF_ADDR_SIZES, 0).eax;
        cap->phys_addr_width = (uint8_t)(eax & ADDR_SIZES_PHYS_MASK);
        cap->linear_addr_width =
            (uint8_t)((eax >> ADDR_SIZES_LINEAR_SHIFT) & ADDR_SIZES_LINEAR_MASK);
    }

    /* EPT: IA32_VMX_EPT_VPID_CAP exists only if EPT or VPID may be enabled. */
    if (a->proc2_may_be_1 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID)) {
        uint64_t ept = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
        cap->ept_walk_length_4 = (ept & EPT_CAP_WALK_LENGTH_4) != 0;
        cap->ept_walk_length_5 = (ept & EPT_CAP_WALK_LENGTH_5) != 0;
        cap->ept_uc = (ept & EPT_CAP_MEMTYPE_UC) != 0;
        cap->ept_wb = (ept & EPT_CAP_MEMTYPE_WB) != 0;
        cap->ept_accessed_dirty = (ept & EPT_CAP_ACCESSED_DIRTY) != 0;
        cap->ept_shadow_stack = (ept & EPT_CAP_SUPERVISOR_SHADOW_STACK) != 0;
    }

    /* Event injection: which events and lengths VM entry accepts. */
    cap->monitor_trap_flag = (a->proc_may_be_1 & PROC_MONITOR_TRAP_FLAG) != 0;
    cap->zero_length_injection = (rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_ZERO_LEN_INJECT) != 0;
    cap->any_error_code = (a->basic & VMX_BASIC_NO_ERRCODE_CHECK) != 0;

    /* The CPU running VMLAUNCH: IA32_EFER.LMA of the host right now. */
    cap->cpu_in_ia32e_mode = (rdmsr(MSR_IA32_EFER) & EFER_LMA) != 0;
}

/* capture_word - one control word: the value in the VMCS and its capability MSR's halves. */
static void capture_word(struct vmentry_control_word *w, uint32_t value, uint64_t cap_msr)
{
    w->captured = true;
    w->value = value;
    w->must_be_1 = VMX_CAP_MUST_BE_ONE(cap_msr);
    w->may_be_1 = VMX_CAP_MAY_BE_ONE(cap_msr);
}

/* read_control_words - the five control words, each checked against the right MSR: the
 * TRUE variant when IA32_VMX_BASIC bit 55 says it exists (vmx_control_cap_msr).
 * See: Appendix A, "Basic VMX Information"; SDM Vol. 3C, "Algorithms for Determining VMX
 *      Capabilities". */
static void read_control_words(struct vmentry_controls *ctl, const struct snapshot_allowed *a)
{
    uint64_t basic = a->basic;

    capture_word(&ctl->pin_based, (uint32_t)vmcs_read(VMCS_CTRL_PIN_BASED),
                 rdmsr(vmx_control_cap_msr(basic, MSR_IA32_VMX_PINBASED_CTLS,
                                           MSR_IA32_VMX_TRUE_PINBASED_CTLS)));
    capture_word(&ctl->proc_based, (uint32_t)vmcs_read(VMCS_CTRL_PROC_BASED),
                 rdmsr(vmx_control_cap_msr(basic, MSR_IA32_VMX_PROCBASED_CTLS,
                                           MSR_IA32_VMX_TRUE_PROCBASED_CTLS)));
    capture_word(
        &ctl->exit, (uint32_t)vmcs_read(VMCS_CTRL_EXIT),
        rdmsr(vmx_control_cap_msr(basic, MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS)));
    capture_word(&ctl->entry, (uint32_t)vmcs_read(VMCS_CTRL_ENTRY),
                 rdmsr(vmx_control_cap_msr(basic, MSR_IA32_VMX_ENTRY_CTLS,
                                           MSR_IA32_VMX_TRUE_ENTRY_CTLS)));

    /* Secondary controls: no TRUE variant; the field exists only with secondary support. */
    if (a->secondary)
        capture_word(&ctl->proc_based2, (uint32_t)vmcs_read_optional(VMCS_CTRL_PROC_BASED2),
                     rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2));
    else
        ctl->proc_based2.captured = false;
}

/* read_controls - the control words, decoded, and the other control fields.
 * See: SDM Vol. 3C, "VM-Execution Control Fields", "VM-Exit Control Fields",
 *      "VM-Entry Control Fields". */
static void read_controls(struct vmentry_controls *ctl, const struct snapshot_allowed *a)
{
    read_control_words(ctl, a);

    uint32_t pin = ctl->pin_based.value;
    uint32_t proc = ctl->proc_based.value;
    uint32_t proc2 = ctl->proc_based2.value; /* 0 when not captured */
    uint32_t exit_ctl = ctl->exit.value;
    uint32_t entry_ctl = ctl->entry.value;

    /* Pin-based VM-execution controls. */
    ctl->nmi_exiting = (pin & PIN_NMI_EXITING) != 0;
    ctl->virtual_nmis = (pin & PIN_VIRTUAL_NMIS) != 0;

    /* Primary processor-based VM-execution controls. */
    ctl->nmi_window_exiting = (proc & PROC_NMI_WINDOW_EXITING) != 0;
    ctl->use_io_bitmaps = (proc & PROC_USE_IO_BITMAPS) != 0;
    ctl->use_msr_bitmaps = (proc & PROC_USE_MSR_BITMAPS) != 0;
    ctl->activate_secondary = (proc & PROC_ACTIVATE_SECONDARY) != 0;

    /* Secondary processor-based VM-execution controls, as written. */
    ctl->enable_ept = (proc2 & PROC2_ENABLE_EPT) != 0;
    ctl->enable_vpid = (proc2 & PROC2_ENABLE_VPID) != 0;
    ctl->unrestricted_guest = (proc2 & PROC2_UNRESTRICTED_GUEST) != 0;
    ctl->vmcs_shadowing = (proc2 & PROC2_VMCS_SHADOWING) != 0;

    /* Other VM-execution control fields. The VPID, the EPTP and the MSR-bitmap address
     * exist only on CPUs that allow the control that uses them. */
    ctl->cr3_target_count = (uint32_t)vmcs_read(VMCS_CTRL_CR3_TARGET_COUNT);
    if (a->proc2_may_be_1 & PROC2_ENABLE_VPID)
        ctl->vpid = (uint16_t)vmcs_read_optional(VMCS_CTRL_VPID);
    ctl->io_bitmap_a = vmcs_read(VMCS_CTRL_IO_BITMAP_A);
    ctl->io_bitmap_b = vmcs_read(VMCS_CTRL_IO_BITMAP_B);
    if (a->proc_may_be_1 & PROC_USE_MSR_BITMAPS)
        ctl->msr_bitmap = vmcs_read_optional(VMCS_CTRL_MSR_BITMAP);
    if (a->proc2_may_be_1 & PROC2_ENABLE_EPT)
        ctl->eptp = vmcs_read_optional(VMCS_CTRL_EPT_POINTER);

    /* VM-exit controls and the VM-exit MSR lists. */
    ctl->host_addr_space_size = (exit_ctl & EXIT_HOST_ADDR_SPACE_SIZE) != 0;
    ctl->exit_load_pat = (exit_ctl & EXIT_LOAD_PAT) != 0;
    ctl->exit_load_efer = (exit_ctl & EXIT_LOAD_EFER) != 0;
    ctl->exit_msr_store_count = (uint32_t)vmcs_read(VMCS_CTRL_EXIT_MSR_STORE_COUNT);
    ctl->exit_msr_store_addr = vmcs_read(VMCS_CTRL_EXIT_MSR_STORE_ADDR);
    ctl->exit_msr_load_count = (uint32_t)vmcs_read(VMCS_CTRL_EXIT_MSR_LOAD_COUNT);
    ctl->exit_msr_load_addr = vmcs_read(VMCS_CTRL_EXIT_MSR_LOAD_ADDR);

    /* VM-entry controls, the VM-entry MSR list and event injection. */
    ctl->load_debug_controls = (entry_ctl & ENTRY_LOAD_DEBUG_CONTROLS) != 0;
    ctl->ia32e_mode_guest = (entry_ctl & ENTRY_IA32E_MODE_GUEST) != 0;
    ctl->load_pat = (entry_ctl & ENTRY_LOAD_PAT) != 0;
    ctl->load_efer = (entry_ctl & ENTRY_LOAD_EFER) != 0;
    ctl->entry_msr_load_count = (uint32_t)vmcs_read(VMCS_CTRL_ENTRY_MSR_LOAD_COUNT);
    ctl->entry_msr_load_addr = vmcs_read(VMCS_CTRL_ENTRY_MSR_LOAD_ADDR);
    ctl->entry_intr_info = (uint32_t)vmcs_read(VMCS_CTRL_ENTRY_INTR_INFO);
    ctl->entry_exception_error_code = (uint32_t)vmcs_read(VMCS_CTRL_ENTRY_EXCEPTION_ERRCODE);
    ctl->entry_instruction_length = (uint32_t)vmcs_read(VMCS_CTRL_ENTRY_INSTR_LEN);
}

/* read_guest_segment - one guest segment register: selector and hidden descriptor cache. */
static void read_guest_segment(struct vmentry_segment *seg, uint32_t selector_field,
                               uint32_t base_field, uint32_t limit_field, uint32_t ar_field)
{
    seg->selector = (uint16_t)vmcs_read(selector_field);
    seg->base = vmcs_read(base_field);
    seg->limit = (uint32_t)vmcs_read(limit_field);
    seg->access_rights = (uint32_t)vmcs_read(ar_field);
}

/* read_guest - the guest-state area. The IA32_PAT and IA32_EFER fields exist only if the
 * CPU can load (VM entry) or save (VM exit) that MSR.
 * See: SDM Vol. 3C, "Guest-State Area" ("Guest Register State", "Guest Non-Register State"). */
static void read_guest(struct vmentry_guest *g, const struct vmentry_controls *ctl)
{
    uint32_t entry_may_be_1 = ctl->entry.may_be_1;
    uint32_t exit_may_be_1 = ctl->exit.may_be_1;

    /* Control registers, debug register, MSRs. */
    g->cr0 = vmcs_read(VMCS_GUEST_CR0);
    g->cr3 = vmcs_read(VMCS_GUEST_CR3);
    g->cr4 = vmcs_read(VMCS_GUEST_CR4);
    g->dr7 = vmcs_read(VMCS_GUEST_DR7);
    g->debugctl = vmcs_read(VMCS_GUEST_IA32_DEBUGCTL);
    g->sysenter_esp = vmcs_read(VMCS_GUEST_IA32_SYSENTER_ESP);
    g->sysenter_eip = vmcs_read(VMCS_GUEST_IA32_SYSENTER_EIP);
    if ((entry_may_be_1 & ENTRY_LOAD_PAT) || (exit_may_be_1 & EXIT_SAVE_PAT))
        g->pat = vmcs_read_optional(VMCS_GUEST_IA32_PAT);
    if ((entry_may_be_1 & ENTRY_LOAD_EFER) || (exit_may_be_1 & EXIT_SAVE_EFER))
        g->efer = vmcs_read_optional(VMCS_GUEST_IA32_EFER);

    /* RIP, RSP, RFLAGS. */
    g->rip = vmcs_read(VMCS_GUEST_RIP);
    g->rsp = vmcs_read(VMCS_GUEST_RSP);
    g->rflags = vmcs_read(VMCS_GUEST_RFLAGS);

    /* Segment registers: selector, base, limit, access rights. */
    read_guest_segment(&g->es, VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT,
                       VMCS_GUEST_ES_AR);
    read_guest_segment(&g->cs, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT,
                       VMCS_GUEST_CS_AR);
    read_guest_segment(&g->ss, VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT,
                       VMCS_GUEST_SS_AR);
    read_guest_segment(&g->ds, VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT,
                       VMCS_GUEST_DS_AR);
    read_guest_segment(&g->fs, VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT,
                       VMCS_GUEST_FS_AR);
    read_guest_segment(&g->gs, VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT,
                       VMCS_GUEST_GS_AR);
    read_guest_segment(&g->ldtr, VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_BASE,
                       VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR);
    read_guest_segment(&g->tr, VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT,
                       VMCS_GUEST_TR_AR);

    /* Descriptor-table registers: base and limit only. */
    g->gdtr_base = vmcs_read(VMCS_GUEST_GDTR_BASE);
    g->gdtr_limit = (uint32_t)vmcs_read(VMCS_GUEST_GDTR_LIMIT);
    g->idtr_base = vmcs_read(VMCS_GUEST_IDTR_BASE);
    g->idtr_limit = (uint32_t)vmcs_read(VMCS_GUEST_IDTR_LIMIT);

    /* Guest non-register state. */
    g->activity_state = (uint32_t)vmcs_read(VMCS_GUEST_ACTIVITY_STATE);
    g->interruptibility = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
    g->pending_debug = vmcs_read(VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
    g->vmcs_link_pointer = vmcs_read(VMCS_GUEST_VMCS_LINK_POINTER);
}

/* read_host - the host-state area. The IA32_PAT and IA32_EFER fields exist only if the
 * CPU can load that MSR on VM exit. See: SDM Vol. 3C, "Host-State Area". */
static void read_host(struct vmentry_host *h, const struct vmentry_controls *ctl)
{
    uint32_t exit_may_be_1 = ctl->exit.may_be_1;

    /* Control registers, RSP and RIP. */
    h->cr0 = vmcs_read(VMCS_HOST_CR0);
    h->cr3 = vmcs_read(VMCS_HOST_CR3);
    h->cr4 = vmcs_read(VMCS_HOST_CR4);
    h->rsp = vmcs_read(VMCS_HOST_RSP);
    h->rip = vmcs_read(VMCS_HOST_RIP);

    /* Segment selectors (no LDTR: the host gets a null LDTR on every VM exit). */
    h->es_sel = (uint16_t)vmcs_read(VMCS_HOST_ES_SELECTOR);
    h->cs_sel = (uint16_t)vmcs_read(VMCS_HOST_CS_SELECTOR);
    h->ss_sel = (uint16_t)vmcs_read(VMCS_HOST_SS_SELECTOR);
    h->ds_sel = (uint16_t)vmcs_read(VMCS_HOST_DS_SELECTOR);
    h->fs_sel = (uint16_t)vmcs_read(VMCS_HOST_FS_SELECTOR);
    h->gs_sel = (uint16_t)vmcs_read(VMCS_HOST_GS_SELECTOR);
    h->tr_sel = (uint16_t)vmcs_read(VMCS_HOST_TR_SELECTOR);

    /* Base addresses of FS, GS, TR, GDTR and IDTR. */
    h->fs_base = vmcs_read(VMCS_HOST_FS_BASE);
    h->gs_base = vmcs_read(VMCS_HOST_GS_BASE);
    h->tr_base = vmcs_read(VMCS_HOST_TR_BASE);
    h->gdtr_base = vmcs_read(VMCS_HOST_GDTR_BASE);
    h->idtr_base = vmcs_read(VMCS_HOST_IDTR_BASE);

    /* MSRs. */
    h->sysenter_esp = vmcs_read(VMCS_HOST_IA32_SYSENTER_ESP);
    h->sysenter_eip = vmcs_read(VMCS_HOST_IA32_SYSENTER_EIP);
    if (exit_may_be_1 & EXIT_LOAD_EFER)
        h->efer = vmcs_read_optional(VMCS_HOST_IA32_EFER);
    if (exit_may_be_1 & EXIT_LOAD_PAT)
        h->pat = vmcs_read_optional(VMCS_HOST_IA32_PAT);
}

void vmx_snapshot_read(struct vmentry_state *s)
{
    struct snapshot_allowed allowed;

    memset(s, 0, sizeof(*s)); /* fields this CPU lacks stay 0 */
    read_allowed(&allowed);
    read_caps(&s->cap, &allowed);
    read_controls(&s->ctl, &allowed);
    read_guest(&s->guest, &s->ctl); /* needs the entry/exit capabilities read above */
    read_host(&s->host, &s->ctl);
}

/* Too large for the hypervisor stack; one caller at a time (see vmx_snapshot.h). */
static struct vmentry_state entry_snapshot;

void vmx_explain_entry_failure(void)
{
    struct vmentry_finding finding;

    vmx_snapshot_read(&entry_snapshot);
    if (vmentry_check(&entry_snapshot, &finding)) {
        kprintf("hvlab: VM-entry checker: no failing check found "
                "(the CPU rejected a rule hvlab does not check yet)\n");
        return;
    }

    /* An incomplete snapshot cites CPUID, which lives in Vol. 2A; every check is in 3C. */
    const char *volume = finding.failure == VMENTRY_BAD_SNAPSHOT ? "2A" : "3C";
    kprintf("hvlab: VM-entry checker: %s\n", vmentry_failure_name(finding.failure));
    kprintf("  area: %s\n", finding.area);
    kprintf("  rule: %s\n", finding.message);
    kprintf("  see: SDM Vol. %s, \"%s\"\n", volume, finding.section);
}
