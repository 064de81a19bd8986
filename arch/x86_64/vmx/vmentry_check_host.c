/*
 * vmentry_check_host.c - VM-entry checks on the host-state area: the state VM exit will
 * load. A failure here makes VMLAUNCH/VMRESUME fail with VM-instruction error 8 ("VM entry
 * with invalid host-state field(s)"): the CPU refuses to enter a guest it could not leave.
 *
 * See: SDM Vol. 3C, "Checks on Host Control Registers, MSRs, and SSP",
 *      "Checks on Host Segment and Descriptor-Table Registers",
 *      "Checks Related to Address-Space Size".
 * Not checked: IA32_PERF_GLOBAL_CTRL, CET/SSP and PKRS (hvlab loads none of them).
 */
#include "arch/x86_64/vmx/vmentry_check_internal.h"

/* check_host_cr_msr - CR0/CR3/CR4 and the MSRs VM exit loads.
 * See: SDM Vol. 3C, "Checks on Host Control Registers, MSRs, and SSP". */
static bool check_host_cr_msr(struct vmentry_ctx *c)
{
    const struct vmentry_host *h = &c->s->host;
    const struct vmentry_caps *cap = &c->s->cap;
    const struct vmentry_controls *ctl = &c->s->ctl;
    bool host64 = ctl->host_addr_space_size;

    vmentry_begin(c, VMENTRY_FAILS_HOST_STATE, VMENTRY_AREA_HOST_CR_MSR,
                  SDM_CHECKS_HOST_CR_MSR);

    /* CR0 and CR4 must hold values allowed in VMX operation (no exceptions for the host). */
    if (cap->cr0_fixed0 & ~h->cr0)
        return FAIL(c, "host CR0 %x has bits %x clear that IA32_VMX_CR0_FIXED0 requires set",
                    h->cr0, cap->cr0_fixed0 & ~h->cr0);
    if (h->cr0 & ~cap->cr0_fixed1)
        return FAIL(c, "host CR0 %x sets bits %x that IA32_VMX_CR0_FIXED1 requires clear",
                    h->cr0, h->cr0 & ~cap->cr0_fixed1);
    if (cap->cr4_fixed0 & ~h->cr4)
        return FAIL(c, "host CR4 %x has bits %x clear that IA32_VMX_CR4_FIXED0 requires set",
                    h->cr4, cap->cr4_fixed0 & ~h->cr4);
    if (h->cr4 & ~cap->cr4_fixed1)
        return FAIL(c, "host CR4 %x sets bits %x that IA32_VMX_CR4_FIXED1 requires clear",
                    h->cr4, h->cr4 & ~cap->cr4_fixed1);
    if ((h->cr4 & CR4_CET) && !(h->cr0 & CR0_WP))
        return FAIL(c, "host CR4.CET=1 requires CR0.WP=1 (host CR0 %x)", h->cr0);

    if (!vmentry_within_width(h->cr3, cap->phys_addr_width))
        return FAIL(c, "host CR3 %x sets bits beyond the physical-address width (%u bits)",
                    h->cr3, cap->phys_addr_width);

    if (!vmentry_canonical(h->sysenter_esp, cap->linear_addr_width))
        return FAIL(c, "host IA32_SYSENTER_ESP %x is not canonical", h->sysenter_esp);
    if (!vmentry_canonical(h->sysenter_eip, cap->linear_addr_width))
        return FAIL(c, "host IA32_SYSENTER_EIP %x is not canonical", h->sysenter_eip);

    if (ctl->exit_load_pat && !vmentry_pat_valid(h->pat))
        return FAIL(c,
                    "host IA32_PAT %x has an entry that is not a memory type "
                    "(each byte must be 0, 1, 4, 5, 6 or 7)",
                    h->pat);

    if (ctl->exit_load_efer) {
        if (h->efer & EFER_RESERVED)
            return FAIL(c, "host IA32_EFER %x sets reserved bits %x", h->efer,
                        h->efer & EFER_RESERVED);
        if (((h->efer & EFER_LMA) != 0) != host64)
            return FAIL(c,
                        "host IA32_EFER.LMA (EFER %x) must equal \"host address-space "
                        "size\" (%u)",
                        h->efer, host64);
        if (((h->efer & EFER_LME) != 0) != host64)
            return FAIL(c,
                        "host IA32_EFER.LME (EFER %x) must equal \"host address-space "
                        "size\" (%u)",
                        h->efer, host64);
    }
    return true;
}

/* check_host_segments - selectors VM exit loads and the bases it restores.
 * See: SDM Vol. 3C, "Checks on Host Segment and Descriptor-Table Registers". */
static bool check_host_segments(struct vmentry_ctx *c)
{
    const struct vmentry_host *h = &c->s->host;
    unsigned width = c->s->cap.linear_addr_width;
    const struct {
        const char *name;
        uint16_t selector;
    } selectors[] = {
        {"ES", h->es_sel}, {"CS", h->cs_sel}, {"SS", h->ss_sel}, {"DS", h->ds_sel},
        {"FS", h->fs_sel}, {"GS", h->gs_sel}, {"TR", h->tr_sel},
    };
    const struct {
        const char *name;
        uint64_t base;
    } bases[] = {
        {"FS", h->fs_base},     {"GS", h->gs_base}, {"GDTR", h->gdtr_base},
        {"IDTR", h->idtr_base}, {"TR", h->tr_base},
    };

    vmentry_begin(c, VMENTRY_FAILS_HOST_STATE, VMENTRY_AREA_HOST_SEGMENTS,
                  SDM_CHECKS_HOST_SEGMENTS);

    /* VM exit loads selectors at CPL 0 from the GDT: RPL and TI must be 0. */
    for (size_t i = 0; i < sizeof(selectors) / sizeof(selectors[0]); i++) {
        c->reg = selectors[i].name;
        if (selectors[i].selector & (SEL_RPL_MASK | SEL_TI))
            return FAIL(c, "host %r selector %x has RPL or TI set (bits 2:0 must be 0)",
                        selectors[i].selector);
    }

    if (h->cs_sel == SEL_NULL)
        return FAIL(c, "host CS selector is 0; VM exit needs a code segment");
    if (h->tr_sel == SEL_NULL)
        return FAIL(c, "host TR selector is 0; VM exit needs a task register");
    if (h->ss_sel == SEL_NULL && !c->s->ctl.host_addr_space_size)
        return FAIL(c, "host SS selector is 0, allowed only for a 64-bit host "
                       "(\"host address-space size\" = 1)");

    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        c->reg = bases[i].name;
        if (!vmentry_canonical(bases[i].base, width))
            return FAIL(c, "host %r base %x is not canonical", bases[i].base);
    }
    return true;
}

/* check_address_space_size - host, guest and current CPU mode agree on 32/64-bit.
 * See: SDM Vol. 3C, "Checks Related to Address-Space Size". */
static bool check_address_space_size(struct vmentry_ctx *c)
{
    const struct vmentry_host *h = &c->s->host;
    const struct vmentry_controls *ctl = &c->s->ctl;

    vmentry_begin(c, VMENTRY_FAILS_HOST_STATE, VMENTRY_AREA_ADDR_SPACE_SIZE,
                  SDM_CHECKS_ADDR_SPACE_SIZE);

    /* The mode the CPU is in now is the mode VM exit must return to. */
    if (c->s->cap.cpu_in_ia32e_mode && !ctl->host_addr_space_size)
        return FAIL(c, "the CPU runs in IA-32e mode but \"host address-space size\" is 0: "
                       "VM exit would drop the 64-bit host out of long mode");
    if (!c->s->cap.cpu_in_ia32e_mode && ctl->ia32e_mode_guest)
        return FAIL(c, "\"IA-32e mode guest\" is 1 but the CPU is outside IA-32e mode");
    if (!c->s->cap.cpu_in_ia32e_mode && ctl->host_addr_space_size)
        return FAIL(c, "\"host address-space size\" is 1 but the CPU is outside IA-32e mode");

    if (!ctl->host_addr_space_size) {
        if (ctl->ia32e_mode_guest)
            return FAIL(c, "\"IA-32e mode guest\" is 1 but \"host address-space size\" is 0");
        if (h->cr4 & CR4_PCIDE)
            return FAIL(c, "host CR4.PCIDE=1 (CR4 %x) but the host is 32-bit", h->cr4);
        if (h->rip & ADDR_HIGH_32)
            return FAIL(c, "host RIP %x has bits 63:32 set but the host is 32-bit", h->rip);
    } else {
        if (!(h->cr4 & CR4_PAE))
            return FAIL(c, "64-bit host needs CR4.PAE=1 (host CR4 %x)", h->cr4);
        if (!vmentry_canonical(h->rip, c->s->cap.linear_addr_width))
            return FAIL(c, "host RIP %x is not canonical", h->rip);
    }
    return true;
}

/* vmentry_check_host - stage 2: the three host-state groups, in SDM order. */
bool vmentry_check_host(struct vmentry_ctx *c)
{
    return check_host_cr_msr(c) && check_host_segments(c) && check_address_space_size(c);
}
