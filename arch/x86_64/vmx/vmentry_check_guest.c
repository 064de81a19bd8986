/*
 * vmentry_check_guest.c - VM-entry checks on the guest-state area, except the segment
 * registers (vmentry_check_segments.c). The CPU makes these checks after it has begun
 * loading the guest, so a failure is not an error code from VMLAUNCH: it is a "VM exit"
 * with basic reason 33, "VM-entry failure due to invalid guest state".
 *
 * See: SDM Vol. 3C, "Checks on Guest Control Registers, Debug Registers, and MSRs",
 *      "Checks on Guest Descriptor-Table Registers", "Checks on Guest RIP, RFLAGS, and SSP",
 *      "Checks on Guest Non-Register State".
 * Not checked: IA32_PERF_GLOBAL_CTRL, BNDCFGS, RTIT, CET/SSP, PKRS, the RTM rules for
 * pending debug exceptions, the memory a VMCS link pointer refers to, and the PDPTEs
 * ("Checks on Guest Page-Directory-Pointer-Table Entries").
 */
#include "arch/x86_64/vmx/vmentry_check_internal.h"

/* check_guest_cr_msr - CR0/CR3/CR4, DR7 and the MSRs VM entry loads.
 * See: SDM Vol. 3C, "Checks on Guest Control Registers, Debug Registers, and MSRs". */
static bool check_guest_cr_msr(struct vmentry_ctx *c)
{
    const struct vmentry_guest *g = &c->s->guest;
    const struct vmentry_caps *cap = &c->s->cap;
    const struct vmentry_controls *ctl = &c->s->ctl;
    bool ia32e = ctl->ia32e_mode_guest;
    /* CR0.NW/CD are never checked (VM entry leaves them alone); PE/PG are free with
     * "unrestricted guest", which is what lets a guest start in real mode. */
    uint64_t cr0_unchecked = CR0_NW | CR0_CD | (c->unrestricted_guest ? CR0_PE | CR0_PG : 0);
    uint64_t cr0_missing = cap->cr0_fixed0 & ~g->cr0 & ~cr0_unchecked;
    uint64_t cr0_forbidden = g->cr0 & ~cap->cr0_fixed1 & ~cr0_unchecked;
    uint64_t cr4_missing = cap->cr4_fixed0 & ~g->cr4;
    uint64_t cr4_forbidden = g->cr4 & ~cap->cr4_fixed1;

    vmentry_begin(c, VMENTRY_FAILS_GUEST_STATE, VMENTRY_AREA_GUEST_CR_MSR,
                  SDM_CHECKS_GUEST_CR_MSR);

    if ((cr0_missing & (CR0_PE | CR0_PG)) && ctl->unrestricted_guest &&
        !ctl->activate_secondary)
        return FAIL(c,
                    "guest CR0 %x needs PE/PG: \"unrestricted guest\" is set but has no "
                    "effect while \"activate secondary controls\" is 0",
                    g->cr0);
    if (cr0_missing)
        return FAIL(c,
                    "guest CR0 %x has bits %x clear that IA32_VMX_CR0_FIXED0 requires set "
                    "(PE/PG may be 0 only with \"unrestricted guest\")",
                    g->cr0, cr0_missing);
    if (cr0_forbidden)
        return FAIL(c, "guest CR0 %x sets bits %x that IA32_VMX_CR0_FIXED1 requires clear",
                    g->cr0, cr0_forbidden);
    if ((g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE))
        return FAIL(c, "guest CR0 %x has PG=1 but PE=0: paging needs protected mode", g->cr0);

    if (cr4_missing & CR4_VMXE)
        return FAIL(c,
                    "guest CR4 %x has VMXE (bit 13) clear; IA32_VMX_CR4_FIXED0 requires it "
                    "set: hide it from the guest with the CR4 read shadow",
                    g->cr4);
    if (cr4_missing)
        return FAIL(c, "guest CR4 %x has bits %x clear that IA32_VMX_CR4_FIXED0 requires set",
                    g->cr4, cr4_missing);
    if (cr4_forbidden)
        return FAIL(c, "guest CR4 %x sets bits %x that IA32_VMX_CR4_FIXED1 requires clear",
                    g->cr4, cr4_forbidden);
    if ((g->cr4 & CR4_CET) && !(g->cr0 & CR0_WP))
        return FAIL(c, "guest CR4.CET=1 requires CR0.WP=1 (guest CR0 %x)", g->cr0);

    if (ctl->load_debug_controls && (g->debugctl & DEBUGCTL_RESERVED))
        return FAIL(c, "guest IA32_DEBUGCTL %x sets reserved bits %x", g->debugctl,
                    g->debugctl & DEBUGCTL_RESERVED);

    /* "IA-32e mode guest" means the guest resumes with long mode active. */
    if (ia32e && !(g->cr0 & CR0_PG))
        return FAIL(c,
                    "\"IA-32e mode guest\" is 1 but guest CR0.PG=0 (CR0 %x): long mode "
                    "needs paging",
                    g->cr0);
    if (ia32e && !(g->cr4 & CR4_PAE))
        return FAIL(c, "\"IA-32e mode guest\" is 1 but guest CR4.PAE=0 (CR4 %x)", g->cr4);
    if (!ia32e && (g->cr4 & CR4_PCIDE))
        return FAIL(c,
                    "guest CR4.PCIDE=1 (CR4 %x) but \"IA-32e mode guest\" is 0: PCIDs "
                    "exist only in IA-32e mode",
                    g->cr4);

    if (!vmentry_within_width(g->cr3, cap->phys_addr_width))
        return FAIL(c, "guest CR3 %x sets bits beyond the physical-address width (%u bits)",
                    g->cr3, cap->phys_addr_width);

    if (ctl->load_debug_controls && (g->dr7 & ADDR_HIGH_32))
        return FAIL(c, "guest DR7 %x has bits 63:32 set; they must be 0", g->dr7);

    if (!vmentry_canonical(g->sysenter_esp, cap->linear_addr_width))
        return FAIL(c, "guest IA32_SYSENTER_ESP %x is not canonical", g->sysenter_esp);
    if (!vmentry_canonical(g->sysenter_eip, cap->linear_addr_width))
        return FAIL(c, "guest IA32_SYSENTER_EIP %x is not canonical", g->sysenter_eip);

    if (ctl->load_pat && !vmentry_pat_valid(g->pat))
        return FAIL(c,
                    "guest IA32_PAT %x has an entry that is not a memory type "
                    "(each byte must be 0, 1, 4, 5, 6 or 7)",
                    g->pat);

    if (ctl->load_efer) {
        bool lma = (g->efer & EFER_LMA) != 0;
        bool lme = (g->efer & EFER_LME) != 0;
        if (g->efer & EFER_RESERVED)
            return FAIL(c, "guest IA32_EFER %x sets reserved bits %x", g->efer,
                        g->efer & EFER_RESERVED);
        if (lma != ia32e)
            return FAIL(c,
                        "guest IA32_EFER.LMA is %u but \"IA-32e mode guest\" is %u "
                        "(EFER %x); they must match",
                        lma, ia32e, g->efer);
        if ((g->cr0 & CR0_PG) && lma != lme)
            return FAIL(c,
                        "guest CR0.PG=1 but IA32_EFER.LMA (%u) differs from LME (%u) "
                        "(EFER %x)",
                        lma, lme, g->efer);
    }
    return true;
}

/* vmentry_check_guest_regs - the first guest-state group (control registers and MSRs). */
bool vmentry_check_guest_regs(struct vmentry_ctx *c) { return check_guest_cr_msr(c); }

/* check_guest_dtr - GDTR/IDTR bases canonical, limits 16-bit.
 * See: SDM Vol. 3C, "Checks on Guest Descriptor-Table Registers". */
static bool check_guest_dtr(struct vmentry_ctx *c)
{
    const struct vmentry_guest *g = &c->s->guest;
    unsigned width = c->s->cap.linear_addr_width;

    vmentry_begin(c, VMENTRY_FAILS_GUEST_STATE, VMENTRY_AREA_GUEST_DTR, SDM_CHECKS_GUEST_DTR);
    if (!vmentry_canonical(g->gdtr_base, width))
        return FAIL(c, "guest GDTR base %x is not canonical", g->gdtr_base);
    if (!vmentry_canonical(g->idtr_base, width))
        return FAIL(c, "guest IDTR base %x is not canonical", g->idtr_base);
    if (g->gdtr_limit & DTR_LIMIT_RESERVED)
        return FAIL(c, "guest GDTR limit %x is wider than 16 bits (bits 31:16 must be 0)",
                    g->gdtr_limit);
    if (g->idtr_limit & DTR_LIMIT_RESERVED)
        return FAIL(c, "guest IDTR limit %x is wider than 16 bits (bits 31:16 must be 0)",
                    g->idtr_limit);
    return true;
}

/* injecting - the valid bit is set and the event has this interruption type. */
static bool injecting(const struct vmentry_ctx *c, uint32_t type)
{
    uint32_t info = c->s->ctl.entry_intr_info;
    return (info & INJ_VALID) && ((info & INJ_TYPE_MASK) >> INJ_TYPE_SHIFT) == type;
}

/* check_guest_rip_rflags - RIP fits the code size; RFLAGS is a value the CPU could hold.
 * See: SDM Vol. 3C, "Checks on Guest RIP, RFLAGS, and SSP". */
static bool check_guest_rip_rflags(struct vmentry_ctx *c)
{
    const struct vmentry_guest *g = &c->s->guest;
    bool ia32e = c->s->ctl.ia32e_mode_guest;
    bool code64 = ia32e && (g->cs.access_rights & SEG_AR_L); /* guest resumes in 64-bit mode */

    vmentry_begin(c, VMENTRY_FAILS_GUEST_STATE, VMENTRY_AREA_GUEST_RIP_RFLAGS,
                  SDM_CHECKS_GUEST_RIP_RFLAGS);

    if (!code64 && (g->rip & ADDR_HIGH_32))
        return FAIL(c,
                    "guest RIP %x has bits 63:32 set but the guest does not resume in "
                    "64-bit code (IA-32e mode guest and CS.L both 1)",
                    g->rip);
    if (code64 && !vmentry_canonical(g->rip, c->s->cap.linear_addr_width))
        return FAIL(c, "guest RIP %x is not canonical", g->rip);

    if (g->rflags & RFLAGS_RESERVED_ZERO)
        return FAIL(c, "guest RFLAGS %x sets reserved bits %x (3, 5, 15 and 63:22 must be 0)",
                    g->rflags, g->rflags & RFLAGS_RESERVED_ZERO);
    if (!(g->rflags & RFLAGS_FIXED1))
        return FAIL(c, "guest RFLAGS %x has bit 1 clear; it must be 1 (use 0x2, not 0)",
                    g->rflags);
    if ((g->rflags & RFLAGS_VM) && (ia32e || !(g->cr0 & CR0_PE)))
        return FAIL(c,
                    "guest RFLAGS.VM=1 (RFLAGS %x) but virtual-8086 mode needs "
                    "protected mode outside IA-32e mode",
                    g->rflags);
    if (injecting(c, INJ_TYPE_EXTERNAL_INTERRUPT) && !(g->rflags & RFLAGS_IF))
        return FAIL(c, "injecting an external interrupt but guest RFLAGS.IF=0 (RFLAGS %x)",
                    g->rflags);
    return true;
}

/* injection_allowed - may the pending event be delivered in this activity state? */
static bool injection_allowed(const struct vmentry_ctx *c, uint32_t activity)
{
    uint32_t vector = c->s->ctl.entry_intr_info & INJ_VECTOR_MASK;
    bool ext = injecting(c, INJ_TYPE_EXTERNAL_INTERRUPT), nmi = injecting(c, INJ_TYPE_NMI);
    bool hw = injecting(c, INJ_TYPE_HARDWARE_EXCEPTION),
         mtf = injecting(c, INJ_TYPE_OTHER_EVENT);

    if (!(c->s->ctl.entry_intr_info & INJ_VALID) || activity == GUEST_ACTIVITY_ACTIVE)
        return true;
    if (activity == GUEST_ACTIVITY_HLT) /* whatever would wake a halted CPU */
        return ext || nmi || (hw && (vector == VEC_DB || vector == VEC_MC)) ||
               (mtf && vector == OTHER_EVENT_MTF_VECTOR);
    if (activity == GUEST_ACTIVITY_SHUTDOWN)
        return nmi || (hw && vector == VEC_MC);
    return false; /* wait-for-SIPI: nothing */
}

/* check_guest_non_register - activity, interruptibility, pending #DB, VMCS link pointer.
 * See: SDM Vol. 3C, "Checks on Guest Non-Register State". */
static bool check_guest_non_register(struct vmentry_ctx *c)
{
    const struct vmentry_guest *g = &c->s->guest;
    const struct vmentry_controls *ctl = &c->s->ctl;
    uint32_t activity = g->activity_state;
    uint32_t intr = g->interruptibility;
    uint64_t pending = g->pending_debug;
    bool sti = intr & BLOCKING_BY_STI, mov_ss = intr & BLOCKING_BY_MOV_SS;

    vmentry_begin(c, VMENTRY_FAILS_GUEST_STATE, VMENTRY_AREA_GUEST_NON_REGISTER,
                  SDM_CHECKS_GUEST_NON_REGISTER);

    /* Activity state. */
    if (activity > GUEST_ACTIVITY_WAIT_FOR_SIPI)
        return FAIL(c,
                    "activity state %u is not 0 (active), 1 (HLT), 2 (shutdown) or "
                    "3 (wait-for-SIPI)",
                    activity);
    if (activity == GUEST_ACTIVITY_HLT && seg_ar_dpl(g->ss.access_rights) != 0)
        return FAIL(c, "activity state is HLT but SS.DPL (the CPL) is %u; only CPL 0 can halt",
                    seg_ar_dpl(g->ss.access_rights));
    if ((sti || mov_ss) && activity != GUEST_ACTIVITY_ACTIVE)
        return FAIL(c,
                    "interruptibility %x blocks by STI/MOV SS, so activity state must be "
                    "0 (active), not %u",
                    intr, activity);
    if (!injection_allowed(c, activity))
        return FAIL(c,
                    "activity state %u cannot take the injected event (interruption info "
                    "%x); HLT takes only ext. int., NMI, #DB, #MC, MTF",
                    activity, ctl->entry_intr_info);

    /* Interruptibility state. */
    if (intr & INTERRUPTIBILITY_RESERVED)
        return FAIL(c, "interruptibility state %x sets reserved bits %x (31:5 must be 0)", intr,
                    intr & INTERRUPTIBILITY_RESERVED);
    if (sti && mov_ss)
        return FAIL(c, "interruptibility state %x blocks by both STI and MOV SS; at most one",
                    intr);
    if (sti && !(g->rflags & RFLAGS_IF))
        return FAIL(c, "interruptibility state %x blocks by STI but RFLAGS.IF=0 (RFLAGS %x)",
                    intr, g->rflags);
    if (injecting(c, INJ_TYPE_EXTERNAL_INTERRUPT) && (sti || mov_ss))
        return FAIL(c,
                    "injecting an external interrupt while interruptibility state %x "
                    "blocks by STI or MOV SS",
                    intr);
    if (injecting(c, INJ_TYPE_NMI) && mov_ss)
        return FAIL(c, "injecting an NMI while interruptibility state %x blocks by MOV SS",
                    intr);
    if (intr & BLOCKING_BY_SMI)
        return FAIL(c,
                    "interruptibility state %x sets blocking by SMI, but the CPU is not "
                    "in SMM",
                    intr);
    if (ctl->virtual_nmis && injecting(c, INJ_TYPE_NMI) && (intr & BLOCKING_BY_NMI))
        return FAIL(c, "injecting a virtual NMI while interruptibility state %x blocks NMIs",
                    intr);
    if ((intr & ENCLAVE_INTERRUPTION) && mov_ss)
        return FAIL(c,
                    "interruptibility state %x sets enclave interruption with MOV-SS "
                    "blocking",
                    intr);

    /* Pending debug exceptions. */
    if (pending & PENDING_DBG_RESERVED)
        return FAIL(c, "pending debug exceptions %x sets reserved bits %x", pending,
                    pending & PENDING_DBG_RESERVED);
    if (sti || mov_ss || activity == GUEST_ACTIVITY_HLT) {
        /* A single-step trap is pending exactly when TF is set and BTF is not. */
        bool single_step = (g->rflags & RFLAGS_TF) && !(g->debugctl & DEBUGCTL_BTF);
        if (single_step && !(pending & PENDING_DBG_BS))
            return FAIL(c,
                        "RFLAGS.TF=1 and DEBUGCTL.BTF=0 while blocked/halted, so pending "
                        "debug exceptions %x must set BS (bit 14)",
                        pending);
        if (!single_step && (pending & PENDING_DBG_BS))
            return FAIL(c,
                        "pending debug exceptions %x sets BS (bit 14) but RFLAGS.TF=0 or "
                        "DEBUGCTL.BTF=1",
                        pending);
    }

    /* VMCS link pointer: all ones means "none"; anything else must be a real VMCS. */
    if (g->vmcs_link_pointer != VMCS_LINK_POINTER_NONE) {
        uint64_t link = g->vmcs_link_pointer;
        if (link & PAGE_OFFSET_MASK)
            return FAIL(c,
                        "VMCS link pointer %x is not 4-KiB aligned; without VMCS "
                        "shadowing set it to 0xffffffffffffffff",
                        link);
        if (!vmentry_within_width(link, c->s->cap.phys_addr_width))
            return FAIL(c,
                        "VMCS link pointer %x is beyond the physical-address width; "
                        "set it to 0xffffffffffffffff",
                        link);
        if (!c->vmcs_shadowing)
            return FAIL(c,
                        "VMCS link pointer is %x, not all ones: the CPU then checks the "
                        "VMCS it points to; hvlab uses no shadowing, so use ~0",
                        link);
    }
    return true;
}

/* vmentry_check_guest_rest - the guest-state groups after the segment registers. */
bool vmentry_check_guest_rest(struct vmentry_ctx *c)
{
    return check_guest_dtr(c) && check_guest_rip_rflags(c) && check_guest_non_register(c);
}
