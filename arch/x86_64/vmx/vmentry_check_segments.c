/*
 * vmentry_check_segments.c - VM-entry checks on the guest segment registers: the part of
 * the guest state students most often get wrong. VM entry loads CS, SS, DS, ES, FS, GS,
 * TR and LDTR straight from the VMCS (selector, base, limit, access rights) without
 * reading any descriptor table, so the VMCS itself must describe segments the CPU could
 * legally hold. A failure is a VM exit with basic reason 33 ("invalid guest state").
 *
 * The checks follow the SDM's own order: selectors, bases, limits, then access rights
 * sub-field by sub-field (type, S, DPL, P, reserved, D/B, G, reserved), then TR, then LDTR.
 * Terms, as the SDM defines them:
 *   "virtual-8086"  RFLAGS.VM = 1 in the guest-state area;
 *   "IA-32e mode"   the "IA-32e mode guest" VM-entry control is 1;
 *   "usable"        the unusable bit (access rights bit 16) is 0.
 *
 * See: SDM Vol. 3C, "Checks on Guest Segment Registers";
 *      SDM Vol. 3C, "Guest Register State" (table "Format of Access Rights").
 */
#include "arch/x86_64/vmx/vmentry_check_internal.h"

struct named_segment {
    const char *name;
    const struct vmentry_segment *seg;
};

#define NSEGS(array) (sizeof(array) / sizeof((array)[0]))

/* rpl - the selector's requested privilege level; usable - the unusable bit is 0. */
static uint32_t rpl(const struct vmentry_segment *seg) { return seg->selector & SEL_RPL_MASK; }
static bool usable(const struct vmentry_segment *seg)
{
    return seg_ar_usable(seg->access_rights);
}

/* cs_or_usable - most access-rights checks apply "if the register is CS or if it is usable". */
static bool cs_or_usable(const struct vmentry_ctx *c, const struct vmentry_segment *seg)
{
    return seg == &c->s->guest.cs || usable(seg);
}

/* limit_matches_g - G=1 needs a page-multiple limit; a limit above 1 MiB needs G=1. */
static bool limit_matches_g(struct vmentry_ctx *c, const struct vmentry_segment *seg)
{
    bool g = seg->access_rights & SEG_AR_G;

    if ((seg->limit & SEG_LIMIT_LOW_12) != SEG_LIMIT_LOW_12 && g)
        return FAIL(c, "guest %r limit %x does not end in fff, so G must be 0 (AR %x)",
                    seg->limit, seg->access_rights);
    if ((seg->limit & SEG_LIMIT_HIGH_12) != 0 && !g)
        return FAIL(c, "guest %r limit %x is above 1 MiB, so G must be 1 (AR %x)", seg->limit,
                    seg->access_rights);
    return true;
}

/* check_selectors - "Selector fields": TR/LDTR in the GDT, SS.RPL = CS.RPL. */
static bool check_selectors(struct vmentry_ctx *c, bool v86)
{
    const struct vmentry_guest *g = &c->s->guest;

    if (g->tr.selector & SEL_TI)
        return FAIL(c, "guest TR selector %x has TI=1; the TSS descriptor must be in the GDT",
                    g->tr.selector);
    if (usable(&g->ldtr) && (g->ldtr.selector & SEL_TI))
        return FAIL(c, "guest LDTR selector %x has TI=1; the LDT descriptor must be in the GDT",
                    g->ldtr.selector);
    if (!v86 && !c->unrestricted_guest && rpl(&g->ss) != rpl(&g->cs))
        return FAIL(c,
                    "guest SS.RPL (selector %x) differs from CS.RPL (selector %x); both "
                    "are the CPL",
                    g->ss.selector, g->cs.selector);
    return true;
}

/* check_bases - "Base-address fields": real-mode style bases in virtual-8086, canonical or
 * 32-bit bases elsewhere. */
static bool check_bases(struct vmentry_ctx *c, const struct named_segment *segs, size_t n,
                        bool v86)
{
    const struct vmentry_guest *g = &c->s->guest;
    unsigned width = c->s->cap.linear_addr_width;
    const struct named_segment canonical[] = {{"TR", &g->tr}, {"FS", &g->fs}, {"GS", &g->gs}};
    const struct named_segment low32[] = {{"SS", &g->ss}, {"DS", &g->ds}, {"ES", &g->es}};

    for (size_t i = 0; v86 && i < n; i++) {
        c->reg = segs[i].name;
        if (segs[i].seg->base != (uint64_t)segs[i].seg->selector << SEG_V86_BASE_SHIFT)
            return FAIL(c, "virtual-8086 guest: %r base %x must be selector %x times 16",
                        segs[i].seg->base, segs[i].seg->selector);
    }
    for (size_t i = 0; i < NSEGS(canonical); i++) {
        c->reg = canonical[i].name;
        if (!vmentry_canonical(canonical[i].seg->base, width))
            return FAIL(c, "guest %r base %x is not canonical", canonical[i].seg->base);
    }
    if (usable(&g->ldtr) && !vmentry_canonical(g->ldtr.base, width))
        return FAIL(c, "guest LDTR is usable but its base %x is not canonical", g->ldtr.base);
    if (g->cs.base & ADDR_HIGH_32)
        return FAIL(c, "guest CS base %x has bits 63:32 set; they must be 0", g->cs.base);
    for (size_t i = 0; i < NSEGS(low32); i++) {
        c->reg = low32[i].name;
        if (usable(low32[i].seg) && (low32[i].seg->base & ADDR_HIGH_32))
            return FAIL(c, "guest %r is usable but base %x has bits 63:32 set",
                        low32[i].seg->base);
    }
    return true;
}

/* Type field of CS, SS, DS, ES, FS, GS outside virtual-8086 mode. */
static bool check_types(struct vmentry_ctx *c, const struct named_segment *data, size_t n)
{
    const struct vmentry_guest *g = &c->s->guest;
    uint32_t cs_type = seg_ar_type(g->cs.access_rights);
    uint32_t ss_type = seg_ar_type(g->ss.access_rights);
    bool cs_code =
        cs_type == SEG_TYPE_CODE_ACCESSED || cs_type == SEG_TYPE_CODE_READ_ACCESSED ||
        cs_type == SEG_TYPE_CODE_CONF_ACCESSED || cs_type == SEG_TYPE_CODE_CONF_READ_ACCESSED;

    if (!cs_code && !(c->unrestricted_guest && cs_type == SEG_TYPE_DATA_RW_ACCESSED))
        return FAIL(c,
                    "guest CS type is %u (AR %x); it must be 9, 11, 13 or 15 (accessed "
                    "code), or 3 with \"unrestricted guest\"",
                    cs_type, g->cs.access_rights);
    if (usable(&g->ss) && ss_type != SEG_TYPE_DATA_RW_ACCESSED &&
        ss_type != SEG_TYPE_DATA_RW_ACCESSED_DOWN)
        return FAIL(c,
                    "guest SS type is %u (AR %x); a usable SS must be 3 or 7 (read/write "
                    "accessed data)",
                    ss_type, g->ss.access_rights);
    for (size_t i = 0; i < n; i++) {
        uint32_t ar = data[i].seg->access_rights, type = seg_ar_type(ar);
        c->reg = data[i].name;
        if (!usable(data[i].seg))
            continue;
        if (!(type & SEG_TYPE_ACCESSED))
            return FAIL(c, "guest %r type %u (AR %x) is not accessed: set type bit 0", type,
                        ar);
        if ((type & SEG_TYPE_CODE) && !(type & SEG_TYPE_READABLE))
            return FAIL(c,
                        "guest %r type %u (AR %x) is execute-only code; a data register "
                        "needs readable code",
                        type, ar);
    }
    return true;
}

/* DPL field of CS, SS, DS, ES, FS, GS outside virtual-8086 mode. SS.DPL is the CPL. */
static bool check_dpls(struct vmentry_ctx *c, const struct named_segment *data, size_t n)
{
    const struct vmentry_guest *g = &c->s->guest;
    uint32_t cs_type = seg_ar_type(g->cs.access_rights);
    uint32_t cs_dpl = seg_ar_dpl(g->cs.access_rights), ss_dpl = seg_ar_dpl(g->ss.access_rights);
    bool conforming = cs_type & SEG_TYPE_CONFORMING;

    if (cs_type == SEG_TYPE_DATA_RW_ACCESSED && cs_dpl != 0)
        return FAIL(c, "guest CS type is 3 (real-mode style) so CS.DPL must be 0, not %u",
                    cs_dpl);
    if ((cs_type & SEG_TYPE_CODE) && !conforming && cs_dpl != ss_dpl)
        return FAIL(c, "guest CS is non-conforming code, so CS.DPL (%u) must equal SS.DPL (%u)",
                    cs_dpl, ss_dpl);
    if ((cs_type & SEG_TYPE_CODE) && conforming && cs_dpl > ss_dpl)
        return FAIL(c,
                    "guest CS is conforming code, so CS.DPL (%u) must not exceed SS.DPL (%u)",
                    cs_dpl, ss_dpl);
    if (!c->unrestricted_guest && ss_dpl != rpl(&g->ss))
        return FAIL(c, "guest SS.DPL (%u) must equal SS.RPL (selector %x)", ss_dpl,
                    g->ss.selector);
    if (ss_dpl != 0 && cs_type == SEG_TYPE_DATA_RW_ACCESSED)
        return FAIL(c, "guest CS type is 3 (real-mode style) so SS.DPL must be 0, not %u",
                    ss_dpl);
    if (ss_dpl != 0 && !(g->cr0 & CR0_PE))
        return FAIL(c, "guest CR0.PE=0 (real mode) so SS.DPL must be 0, not %u", ss_dpl);
    for (size_t i = 0; i < n && !c->unrestricted_guest; i++) {
        uint32_t ar = data[i].seg->access_rights, type = seg_ar_type(ar);
        /* The rule covers types 0-11 (data, non-conforming code), not conforming code. */
        bool conforming_code = (type & SEG_TYPE_CODE) && (type & SEG_TYPE_CONFORMING);
        c->reg = data[i].name;
        if (usable(data[i].seg) && !conforming_code && seg_ar_dpl(ar) < rpl(data[i].seg))
            return FAIL(c, "guest %r.DPL (%u) is below its selector's RPL (selector %x)",
                        seg_ar_dpl(ar), data[i].seg->selector);
    }
    return true;
}

/* Remaining access-rights sub-fields of CS, SS, DS, ES, FS, GS, each in SDM order. */
static bool check_other_ar(struct vmentry_ctx *c, const struct named_segment *segs, size_t n)
{
    const struct vmentry_guest *g = &c->s->guest;

    for (size_t i = 0; i < n; i++) {
        c->reg = segs[i].name;
        if (cs_or_usable(c, segs[i].seg) && !(segs[i].seg->access_rights & SEG_AR_S))
            return FAIL(c, "guest %r AR %x has S=0 (system); it must be a code/data segment",
                        segs[i].seg->access_rights);
    }
    if (!check_dpls(c, segs + 2, n - 2)) /* segs[0] is CS, segs[1] SS: DPL rules differ */
        return false;
    for (size_t i = 0; i < n; i++) {
        c->reg = segs[i].name;
        if (cs_or_usable(c, segs[i].seg) && !(segs[i].seg->access_rights & SEG_AR_P))
            return FAIL(c,
                        "guest %r AR %x has P=0; a usable segment must be present (mark "
                        "unused ones unusable, bit 16)",
                        segs[i].seg->access_rights);
    }
    for (size_t i = 0; i < n; i++) {
        c->reg = segs[i].name;
        if (cs_or_usable(c, segs[i].seg) && (segs[i].seg->access_rights & SEG_AR_RESERVED_11_8))
            return FAIL(c, "guest %r AR %x sets reserved bits 11:8",
                        segs[i].seg->access_rights);
    }
    if (c->s->ctl.ia32e_mode_guest && (g->cs.access_rights & SEG_AR_L) &&
        (g->cs.access_rights & SEG_AR_DB))
        return FAIL(c, "guest CS AR %x has both L=1 and D/B=1; 64-bit code needs D/B=0",
                    g->cs.access_rights);
    for (size_t i = 0; i < n; i++) {
        c->reg = segs[i].name;
        if (cs_or_usable(c, segs[i].seg) && !limit_matches_g(c, segs[i].seg))
            return false;
    }
    for (size_t i = 0; i < n; i++) {
        c->reg = segs[i].name;
        if (cs_or_usable(c, segs[i].seg) &&
            (segs[i].seg->access_rights & SEG_AR_RESERVED_31_17))
            return FAIL(c, "guest %r AR %x sets reserved bits 31:17",
                        segs[i].seg->access_rights);
    }
    return true;
}

/* check_tr - "Access-rights fields" for TR: a present, usable, busy TSS. */
static bool check_tr(struct vmentry_ctx *c)
{
    const struct vmentry_segment *tr = &c->s->guest.tr;
    uint32_t ar = tr->access_rights, type = seg_ar_type(ar);
    bool ia32e = c->s->ctl.ia32e_mode_guest;

    c->reg = "TR";
    if (ia32e && type != SEG_TYPE_TSS_BUSY)
        return FAIL(c,
                    "guest TR type is %u (AR %x); an IA-32e guest needs 11 (busy 64-bit "
                    "TSS)",
                    type, ar);
    if (!ia32e && type != SEG_TYPE_TSS16_BUSY && type != SEG_TYPE_TSS_BUSY)
        return FAIL(c,
                    "guest TR type is %u (AR %x); it must be 3 or 11 (busy TSS), even for "
                    "a guest that never uses it",
                    type, ar);
    if (ar & SEG_AR_S)
        return FAIL(c, "guest TR AR %x has S=1; a TSS is a system descriptor (S=0)", ar);
    if (!(ar & SEG_AR_P))
        return FAIL(c, "guest TR AR %x has P=0; TR must be present", ar);
    if (ar & SEG_AR_RESERVED_11_8)
        return FAIL(c, "guest TR AR %x sets reserved bits 11:8", ar);
    if (!limit_matches_g(c, tr))
        return false;
    if (ar & SEG_AR_UNUSABLE)
        return FAIL(c, "guest TR AR %x is marked unusable; TR must always be usable", ar);
    if (ar & SEG_AR_RESERVED_31_17)
        return FAIL(c, "guest TR AR %x sets reserved bits 31:17", ar);
    return true;
}

/* check_ldtr - "Access-rights fields" for LDTR: if usable, a present LDT descriptor. */
static bool check_ldtr(struct vmentry_ctx *c)
{
    const struct vmentry_segment *ldtr = &c->s->guest.ldtr;
    uint32_t ar = ldtr->access_rights;

    c->reg = "LDTR";
    if (!usable(ldtr)) /* an unusable LDTR is not checked further */
        return true;
    if (seg_ar_type(ar) != SEG_TYPE_LDT)
        return FAIL(c,
                    "guest LDTR is usable but its type is %u (AR %x), not 2 (LDT); "
                    "or mark it unusable (0x10000)",
                    seg_ar_type(ar), ar);
    if (ar & SEG_AR_S)
        return FAIL(c, "guest LDTR AR %x has S=1; an LDT is a system descriptor (S=0)", ar);
    if (!(ar & SEG_AR_P))
        return FAIL(c, "guest LDTR AR %x has P=0; a usable LDTR must be present", ar);
    if (ar & SEG_AR_RESERVED_11_8)
        return FAIL(c, "guest LDTR AR %x sets reserved bits 11:8", ar);
    if (!limit_matches_g(c, ldtr))
        return false;
    if (ar & SEG_AR_RESERVED_31_17)
        return FAIL(c, "guest LDTR AR %x sets reserved bits 31:17", ar);
    return true;
}

/* vmentry_check_guest_segments - all segment-register checks, in SDM order.
 * See: SDM Vol. 3C, "Checks on Guest Segment Registers". */
bool vmentry_check_guest_segments(struct vmentry_ctx *c)
{
    const struct vmentry_guest *g = &c->s->guest;
    bool v86 = g->rflags & RFLAGS_VM;
    /* The SDM's order: CS, SS, then the data registers DS, ES, FS, GS. */
    const struct named_segment segs[] = {{"CS", &g->cs}, {"SS", &g->ss}, {"DS", &g->ds},
                                         {"ES", &g->es}, {"FS", &g->fs}, {"GS", &g->gs}};
    const struct named_segment *data = segs + 2;
    const size_t ndata = NSEGS(segs) - 2;

    vmentry_begin(c, VMENTRY_FAILS_GUEST_STATE, VMENTRY_AREA_GUEST_SEGMENTS,
                  SDM_CHECKS_GUEST_SEGMENTS);

    if (!check_selectors(c, v86) || !check_bases(c, segs, NSEGS(segs), v86))
        return false;

    if (v86) {
        /* Virtual-8086 segments are fixed: 64 KiB, DPL 3, read/write accessed data. */
        for (size_t i = 0; i < NSEGS(segs); i++) {
            c->reg = segs[i].name;
            if (segs[i].seg->limit != SEG_V86_LIMIT)
                return FAIL(c, "virtual-8086 guest: %r limit is %x; it must be 0xffff",
                            segs[i].seg->limit);
        }
        for (size_t i = 0; i < NSEGS(segs); i++) {
            c->reg = segs[i].name;
            if (segs[i].seg->access_rights != SEG_V86_ACCESS_RIGHTS)
                return FAIL(c, "virtual-8086 guest: %r AR is %x; it must be 0xf3",
                            segs[i].seg->access_rights);
        }
    } else if (!check_types(c, data, ndata) || !check_other_ar(c, segs, NSEGS(segs))) {
        return false;
    }
    return check_tr(c) && check_ldtr(c);
}
