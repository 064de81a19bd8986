/*
 * vmentry_check.c - the VM-entry checker's table of contents, its message formatter, and
 * the checks on the VMX controls (the ones whose failure is VM-instruction error 7).
 *
 * A VM entry is checked in three stages, and the CPU reports each stage differently:
 *   1. VMX controls            -> VMLAUNCH fails, VM-instruction error 7
 *   2. host-state area         -> VMLAUNCH fails, VM-instruction error 8
 *   3. guest-state area        -> "VM exit" with basic reason 33
 * This file holds stage 1; vmentry_check_host.c holds stage 2; vmentry_check_guest.c and
 * vmentry_check_segments.c hold stage 3.
 *
 * See: SDM Vol. 3C, "Checks on VMX Controls" (subsections "VM-Execution Control Fields",
 *      "VM-Exit Control Fields", "VM-Entry Control Fields").
 * Not checked (hvlab does not use them): APIC virtualization, posted interrupts, PML,
 * VMCS shadowing bitmaps, #VE, SMM controls, IA32_PERF_GLOBAL_CTRL, CET, PKRS.
 */
#include "arch/x86_64/vmx/vmentry_check_internal.h"
#include "arch/x86_64/vmx/vmx_bits.h"

/* ---- Message formatting: a tiny bounded string builder (no libc). ---- */

struct msgbuf {
    char *buf;
    size_t len; /* characters written, not counting the NUL */
    size_t cap; /* bytes in buf, including room for the NUL */
};

/* put_char - append one character; silently drop it when the buffer is full. */
static void put_char(struct msgbuf *m, char ch)
{
    if (m->len + 1 < m->cap) {
        m->buf[m->len++] = ch;
        m->buf[m->len] = '\0';
    }
}

/* put_str - append a NUL-terminated string. */
static void put_str(struct msgbuf *m, const char *str)
{
    while (*str != '\0')
        put_char(m, *str++);
}

/* put_hex - value as 0x followed by lowercase hex digits, no leading zeros. */
static void put_hex(struct msgbuf *m, uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    enum { NIBBLE_BITS = 4, NIBBLE_MASK = 0xF };
    int shift = 60;

    put_str(m, "0x");
    while (shift > 0 && ((value >> shift) & NIBBLE_MASK) == 0)
        shift -= NIBBLE_BITS;
    for (; shift >= 0; shift -= NIBBLE_BITS)
        put_char(m, digits[(value >> shift) & NIBBLE_MASK]);
}

/* put_dec - value in decimal. */
static void put_dec(struct msgbuf *m, uint64_t value)
{
    enum { DECIMAL_BASE = 10, MAX_DIGITS = 20 };
    char tmp[MAX_DIGITS];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + value % DECIMAL_BASE);
        value /= DECIMAL_BASE;
    } while (value != 0);
    while (n > 0)
        put_char(m, tmp[--n]);
}

void vmentry_begin(struct vmentry_ctx *c, enum vmentry_failure failure, const char *area,
                   const char *section)
{
    c->failure = failure;
    c->area = area;
    c->section = section;
    c->reg = NULL;
}

bool vmentry_fail(struct vmentry_ctx *c, const char *text, uint64_t v1, uint64_t v2,
                  uint64_t v3)
{
    const uint64_t values[] = {v1, v2, v3};
    const size_t nvalues = sizeof(values) / sizeof(values[0]);
    struct msgbuf m = {c->out->message, 0, sizeof(c->out->message)};
    size_t next = 0;

    c->out->failure = c->failure;
    c->out->area = c->area;
    c->out->section = c->section;
    c->out->message[0] = '\0';
    for (; *text != '\0'; text++) {
        if (text[0] != '%' || text[1] == '\0') {
            put_char(&m, *text);
            continue;
        }
        text++;
        if (*text == 'r')
            put_str(&m, c->reg != NULL ? c->reg : "?");
        else if (*text == 'x' && next < nvalues)
            put_hex(&m, values[next++]);
        else if (*text == 'u' && next < nvalues)
            put_dec(&m, values[next++]);
        else
            put_char(&m, *text);
    }
    return false;
}

/* ---- Address helpers. ---- */

bool vmentry_canonical(uint64_t addr, unsigned width)
{
    if (width >= ADDRESS_BITS)
        return true;
    /* Bits 63:width-1 must be all 0 or all 1 (a sign extension of bit width-1). */
    uint64_t upper = addr >> (width - 1);
    return upper == 0 || upper == (UINT64_MAX >> (width - 1));
}

bool vmentry_within_width(uint64_t addr, unsigned width)
{
    return width >= ADDRESS_BITS || (addr >> width) == 0;
}

bool vmentry_pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < PAT_ENTRIES; i++) {
        uint64_t type = (pat >> (i * PAT_ENTRY_BITS)) & PAT_ENTRY_MASK;
        if (type != PAT_TYPE_UC && type != PAT_TYPE_WC && type != PAT_TYPE_WT &&
            type != PAT_TYPE_WP && type != PAT_TYPE_WB && type != PAT_TYPE_UC_MINUS)
            return false;
    }
    return true;
}

/* ---- Stage 0: is the snapshot complete enough to judge? ---- */

/* check_snapshot - the address widths every later check depends on must be filled in. */
static bool check_snapshot(struct vmentry_ctx *c)
{
    const struct vmentry_caps *cap = &c->s->cap;

    vmentry_begin(c, VMENTRY_BAD_SNAPSHOT, VMENTRY_AREA_SNAPSHOT, SDM_CPUID);
    if (cap->phys_addr_width < PHYS_ADDR_WIDTH_MIN ||
        cap->phys_addr_width > PHYS_ADDR_WIDTH_MAX)
        return FAIL(c, "cap.phys_addr_width is %u; fill it from CPUID.80000008H:EAX[7:0]",
                    cap->phys_addr_width);
    if (cap->linear_addr_width < LINEAR_ADDR_WIDTH_MIN ||
        cap->linear_addr_width > LINEAR_ADDR_WIDTH_MAX)
        return FAIL(c, "cap.linear_addr_width is %u; fill it from CPUID.80000008H:EAX[15:8]",
                    cap->linear_addr_width);
    return true;
}

/* ---- Stage 1: "Checks on VMX Controls". ---- */

/* control_word_ok - bits the capability MSR forbids or requires. c->reg names the word. */
static bool control_word_ok(struct vmentry_ctx *c, const struct vmentry_control_word *w)
{
    if (!w->captured)
        return true;
    if ((w->value & w->must_be_1) != w->must_be_1)
        return FAIL(c, "%r %x clears bits %x that the capability MSR requires to be 1",
                    w->value, w->must_be_1 & ~w->value);
    if ((w->value & ~w->may_be_1) != 0)
        return FAIL(c, "%r %x sets bits %x that the capability MSR does not allow", w->value,
                    w->value & ~w->may_be_1);
    return true;
}

/* bitmap_ok - a 4-KiB bitmap page: aligned, and reachable within MAXPHYADDR. */
static bool bitmap_ok(struct vmentry_ctx *c, uint64_t addr)
{
    if ((addr & PAGE_OFFSET_MASK) != 0)
        return FAIL(c, "%r address %x is not 4-KiB aligned (bits 11:0 must be 0)", addr);
    if (!vmentry_within_width(addr, c->s->cap.phys_addr_width))
        return FAIL(c, "%r address %x is beyond the physical-address width (%u bits)", addr,
                    c->s->cap.phys_addr_width);
    return true;
}

/* msr_area_ok - a VM-exit/VM-entry MSR list: 16-byte aligned, whole list within MAXPHYADDR. */
static bool msr_area_ok(struct vmentry_ctx *c, uint32_t count, uint64_t addr)
{
    unsigned width = c->s->cap.phys_addr_width;
    uint64_t last = addr + (uint64_t)count * MSR_AREA_ENTRY_SIZE - 1;

    if (count == 0)
        return true;
    if ((addr & MSR_AREA_ALIGN_MASK) != 0)
        return FAIL(c, "%r address %x is not 16-byte aligned (bits 3:0 must be 0)", addr);
    if (!vmentry_within_width(addr, width) || !vmentry_within_width(last, width))
        return FAIL(c, "%r area %x..%x (%u entries) goes beyond the physical-address width",
                    addr, last, count);
    return true;
}

/* eptp_ok - the EPTP fields this CPU supports. See: "Extended-Page-Table Pointer (EPTP)". */
static bool eptp_ok(struct vmentry_ctx *c)
{
    const struct vmentry_caps *cap = &c->s->cap;
    uint64_t eptp = c->s->ctl.eptp;
    uint64_t type = eptp & EPTP_MEMTYPE_MASK;
    uint64_t walk = eptp & EPTP_WALK_MASK;
    uint64_t reserved = EPTP_RESERVED_11_8 | (cap->ept_shadow_stack ? 0 : EPTP_SSS_ENABLE);

    if (!((type == EPTP_MEMTYPE_UC && cap->ept_uc) || (type == EPTP_MEMTYPE_WB && cap->ept_wb)))
        return FAIL(c,
                    "EPTP %x has memory type %u; use 6 (WB) or 0 (UC), whichever "
                    "IA32_VMX_EPT_VPID_CAP reports as supported",
                    eptp, type);
    if (!((walk == EPTP_WALK_4_LEVELS && cap->ept_walk_length_4) ||
          (walk == EPTP_WALK_5_LEVELS && cap->ept_walk_length_5)))
        return FAIL(c,
                    "EPTP %x has page-walk length field %u; it must be 3 (4-level EPT) "
                    "or 4 if 5-level EPT is supported",
                    eptp, walk >> EPTP_WALK_SHIFT);
    if ((eptp & EPTP_AD_ENABLE) && !cap->ept_accessed_dirty)
        return FAIL(c, "EPTP %x sets bit 6 (EPT accessed/dirty flags) but this CPU lacks them",
                    eptp);
    if ((eptp & reserved) != 0)
        return FAIL(c,
                    "EPTP %x sets reserved bits %x (11:8 must be 0; bit 7 needs "
                    "supervisor shadow-stack support)",
                    eptp, eptp & reserved);
    if (!vmentry_within_width(eptp, cap->phys_addr_width))
        return FAIL(c, "EPTP %x sets bits beyond the physical-address width (%u bits)", eptp,
                    cap->phys_addr_width);
    return true;
}

/* check_execution_controls - VM-execution control fields, in SDM order.
 * See: SDM Vol. 3C, "Checks on VMX Controls", subsection "VM-Execution Control Fields". */
static bool check_execution_controls(struct vmentry_ctx *c)
{
    const struct vmentry_controls *ctl = &c->s->ctl;

    vmentry_begin(c, VMENTRY_FAILS_CONTROLS, VMENTRY_AREA_EXEC_CONTROLS,
                  SDM_CHECKS_VMX_CONTROLS);

    /* Reserved bits of each control word must match the capability MSRs. */
    c->reg = "pin-based VM-execution controls";
    if (!control_word_ok(c, &ctl->pin_based))
        return false;
    c->reg = "primary processor-based controls";
    if (!control_word_ok(c, &ctl->proc_based))
        return false;
    c->reg = "secondary processor-based controls";
    if (ctl->activate_secondary && !control_word_ok(c, &ctl->proc_based2))
        return false;

    if (ctl->cr3_target_count > CR3_TARGET_COUNT_MAX)
        return FAIL(c, "CR3-target count is %u; it must not be greater than 4",
                    ctl->cr3_target_count);

    /* "use I/O bitmaps": both bitmap pages must be valid physical pages. */
    if (ctl->use_io_bitmaps) {
        c->reg = "I/O bitmap A";
        if (!bitmap_ok(c, ctl->io_bitmap_a))
            return false;
        c->reg = "I/O bitmap B";
        if (!bitmap_ok(c, ctl->io_bitmap_b))
            return false;
    }
    c->reg = "MSR bitmap";
    if (ctl->use_msr_bitmaps && !bitmap_ok(c, ctl->msr_bitmap))
        return false;

    if (!ctl->nmi_exiting && ctl->virtual_nmis)
        return FAIL(c, "\"virtual NMIs\" is 1 but \"NMI exiting\" is 0 (virtual NMIs need it)");
    if (!ctl->virtual_nmis && ctl->nmi_window_exiting)
        return FAIL(c, "\"NMI-window exiting\" is 1 but \"virtual NMIs\" is 0");

    if (c->enable_vpid && ctl->vpid == 0)
        return FAIL(c, "\"enable VPID\" is 1 but the VPID is 0 (VPID 0 belongs to the host)");

    if (c->enable_ept && !eptp_ok(c))
        return false;

    if (c->unrestricted_guest && !c->enable_ept)
        return FAIL(c, "\"unrestricted guest\" is 1 but \"enable EPT\" is 0: a guest running "
                       "with paging off needs EPT to translate its addresses");
    return true;
}

/* check_exit_controls - VM-exit control word and MSR lists.
 * See: SDM Vol. 3C, "Checks on VMX Controls", subsection "VM-Exit Control Fields". */
static bool check_exit_controls(struct vmentry_ctx *c)
{
    const struct vmentry_controls *ctl = &c->s->ctl;

    vmentry_begin(c, VMENTRY_FAILS_CONTROLS, VMENTRY_AREA_EXIT_CONTROLS,
                  SDM_CHECKS_VMX_CONTROLS);
    c->reg = "VM-exit controls";
    if (!control_word_ok(c, &ctl->exit))
        return false;
    /* "If the 'activate VMX-preemption timer' VM-execution control is 0, the 'save
     * VMX-preemption timer value' VM-exit control must also be 0." */
    if (ctl->exit.captured && ctl->pin_based.captured &&
        (ctl->exit.value & EXIT_SAVE_PREEMPTION_TIMER) &&
        !(ctl->pin_based.value & PIN_PREEMPTION_TIMER))
        return FAIL(c, "\"save VMX-preemption timer value\" is 1 but \"activate "
                       "VMX-preemption timer\" is 0");
    c->reg = "VM-exit MSR-store";
    if (!msr_area_ok(c, ctl->exit_msr_store_count, ctl->exit_msr_store_addr))
        return false;
    c->reg = "VM-exit MSR-load";
    return msr_area_ok(c, ctl->exit_msr_load_count, ctl->exit_msr_load_addr);
}

/* has_error_code - exceptions that push an error code. See: "Exception and Interrupt Vectors". */
static bool has_error_code(uint32_t vector)
{
    return vector == VEC_DF || vector == VEC_TS || vector == VEC_NP || vector == VEC_SS ||
           vector == VEC_GP || vector == VEC_PF || vector == VEC_AC || vector == VEC_CP;
}

/* event_injection_ok - the event to inject (if any) is one the CPU can deliver.
 * See: SDM Vol. 3C, "VM-Entry Control Fields" and "VM-Entry Controls for Event Injection". */
static bool event_injection_ok(struct vmentry_ctx *c)
{
    const struct vmentry_controls *ctl = &c->s->ctl;
    uint32_t info = ctl->entry_intr_info;
    uint32_t type = (info & INJ_TYPE_MASK) >> INJ_TYPE_SHIFT;
    uint32_t vector = info & INJ_VECTOR_MASK;
    bool deliver = (info & INJ_DELIVER_ERROR_CODE) != 0;
    /* Error codes are pushed only in protected mode (always, unless "unrestricted guest"). */
    bool protected_mode = !c->unrestricted_guest || (c->s->guest.cr0 & CR0_PE);

    if (!(info & INJ_VALID))
        return true;

    if (type == INJ_TYPE_RESERVED ||
        (type == INJ_TYPE_OTHER_EVENT && !c->s->cap.monitor_trap_flag))
        return FAIL(c, "interruption info %x uses reserved interruption type %u", info, type);

    if (type == INJ_TYPE_NMI && vector != VEC_NMI)
        return FAIL(c, "interruption info %x injects an NMI with vector %u; NMIs use vector 2",
                    info, vector);
    if (type == INJ_TYPE_HARDWARE_EXCEPTION && vector > VEC_LAST_EXCEPTION)
        return FAIL(c, "interruption info %x: hardware exception vector %u is above 31", info,
                    vector);
    if (type == INJ_TYPE_OTHER_EVENT && vector != OTHER_EVENT_MTF_VECTOR)
        return FAIL(c, "interruption info %x: type 7 (other event) needs vector 0, not %u",
                    info, vector);

    /* The deliver-error-code bit must match what the exception itself would push. */
    if (!protected_mode || type != INJ_TYPE_HARDWARE_EXCEPTION) {
        if (deliver)
            return FAIL(c,
                        "interruption info %x sets deliver-error-code, but only hardware "
                        "exceptions in protected mode push one (type %u)",
                        info, type);
    } else if (!c->s->cap.any_error_code && deliver && !has_error_code(vector)) {
        return FAIL(c,
                    "interruption info %x sets deliver-error-code but exception %u pushes "
                    "no error code",
                    info, vector);
    } else if (!c->s->cap.any_error_code && !deliver && has_error_code(vector)) {
        return FAIL(c,
                    "interruption info %x: exception %u pushes an error code, so "
                    "deliver-error-code (bit 11) must be 1",
                    info, vector);
    }

    if (info & INJ_RESERVED)
        return FAIL(c, "interruption info %x sets reserved bits %x (bits 30:12 must be 0)",
                    info, info & INJ_RESERVED);
    if (deliver && (ctl->entry_exception_error_code & INJ_ERROR_CODE_RESERVED))
        return FAIL(c, "exception error code %x sets bits 31:16, which must be 0",
                    ctl->entry_exception_error_code);

    if (type == INJ_TYPE_SOFTWARE_INTERRUPT || type == INJ_TYPE_PRIV_SOFTWARE_EXCEPTION ||
        type == INJ_TYPE_SOFTWARE_EXCEPTION) {
        uint32_t len = ctl->entry_instruction_length;
        if (len > INJ_INSTRUCTION_LENGTH_MAX || (len == 0 && !c->s->cap.zero_length_injection))
            return FAIL(c,
                        "software event (type %u) needs an instruction length of 1-15, "
                        "not %u",
                        type, len);
    }
    return true;
}

/* check_entry_controls - VM-entry control word, event injection, MSR-load list.
 * See: SDM Vol. 3C, "Checks on VMX Controls", subsection "VM-Entry Control Fields". */
static bool check_entry_controls(struct vmentry_ctx *c)
{
    const struct vmentry_controls *ctl = &c->s->ctl;

    vmentry_begin(c, VMENTRY_FAILS_CONTROLS, VMENTRY_AREA_ENTRY_CONTROLS,
                  SDM_CHECKS_VMX_CONTROLS);
    c->reg = "VM-entry controls";
    if (!control_word_ok(c, &ctl->entry))
        return false;
    if (!event_injection_ok(c))
        return false;
    c->reg = "VM-entry MSR-load";
    return msr_area_ok(c, ctl->entry_msr_load_count, ctl->entry_msr_load_addr);
}

/* vmentry_check_controls - stage 1: the three control-field groups, in SDM order. */
bool vmentry_check_controls(struct vmentry_ctx *c)
{
    return check_execution_controls(c) && check_exit_controls(c) && check_entry_controls(c);
}

/* ---- The table of contents. ---- */

bool vmentry_check(const struct vmentry_state *s, struct vmentry_finding *out)
{
    const struct vmentry_controls *ctl = &s->ctl;
    struct vmentry_ctx c = {
        .s = s,
        .out = out,
        /* A secondary control has no effect unless "activate secondary controls" is 1. */
        .unrestricted_guest = ctl->activate_secondary && ctl->unrestricted_guest,
        .enable_ept = ctl->activate_secondary && ctl->enable_ept,
        .enable_vpid = ctl->activate_secondary && ctl->enable_vpid,
        .vmcs_shadowing = ctl->activate_secondary && ctl->vmcs_shadowing,
    };

    out->failure = VMENTRY_OK;
    out->area = NULL;
    out->section = NULL;
    out->message[0] = '\0';

    return check_snapshot(&c)              /* a complete snapshot */
           && vmentry_check_controls(&c)   /* VM-instruction error 7 */
           && vmentry_check_host(&c)       /* VM-instruction error 8 */
           && vmentry_check_guest_regs(&c) /* exit reason 33 from here on */
           && vmentry_check_guest_segments(&c) && vmentry_check_guest_rest(&c);
}

const char *vmentry_failure_name(enum vmentry_failure failure)
{
    switch (failure) {
    case VMENTRY_OK: return "VM entry checks passed";
    case VMENTRY_BAD_SNAPSHOT: return "incomplete vmentry_state snapshot";
    case VMENTRY_FAILS_CONTROLS:
        return "VM-instruction error 7 (VM entry with invalid control field(s))";
    case VMENTRY_FAILS_HOST_STATE:
        return "VM-instruction error 8 (VM entry with invalid host-state field(s))";
    case VMENTRY_FAILS_GUEST_STATE:
        return "VM exit reason 33 (VM-entry failure due to invalid guest state)";
    }
    return "unknown VM-entry failure";
}
