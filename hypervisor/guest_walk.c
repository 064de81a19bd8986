/*
 * guest_walk.c - the guest's page walk with the CPU's checks (see guest_walk.h).
 *
 * One entry, as PAE and 4-level paging lay it out (a 32-bit entry is bits 31:0; M is the
 * guest's MAXPHYADDR). See: SDM Vol. 3A, "32-Bit Paging", "PAE Paging", "4-Level Paging
 * and 5-Level Paging" (the entry-format tables), "Access Rights", "Accessed and Dirty
 * Flags", "Page-Fault Exceptions".
 *
 *    63   62:52     51:M  (M-1):12  11:9  8  7   6  5  4    3    2    1    0
 *   +----+---------+-----+---------+-----+--+---+--+--+----+----+----+----+---+
 *   | XD | ignored | rsvd| address | ign |G |PS |D |A |PCD |PWT |U/S |R/W | P |
 *   +----+---------+-----+---------+-----+--+---+--+--+----+----+----+----+---+
 *   PAE: bits 62:M are reserved too. XD is reserved while EFER.NXE = 0. A large page
 *   (PS = 1) has PAT at bit 12 and reserved bits from 13 up to its address.
 */
#include "hypervisor/guest_walk.h"

#include "arch/x86_64/cpu_bits.h"

/* Entry bits, the same in every mode. */
#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITABLE (1ull << 1)  /* R/W: 0 = read-only for this region */
#define PTE_USER     (1ull << 2)  /* U/S: 0 = supervisor-only for this region */
#define PTE_ACCESSED (1ull << 5)  /* A: the entry was used for a translation */
#define PTE_DIRTY    (1ull << 6)  /* D: leaf only, the page was written */
#define PTE_LARGE    (1ull << 7)  /* PS: the entry maps a page; reserved in a PML4E */
#define PTE_XD       (1ull << 63) /* execute-disable if EFER.NXE, else reserved */

/* Address fields and table geometry. */
#define ADDR_MASK_52   0x000FFFFFFFFFF000ull /* bits 51:12 of a PAE / 4-level entry */
#define ADDR_MASK_32   0xFFFFF000ull         /* bits 31:12 of a 32-bit entry */
#define CR3_PAE_MASK   0xFFFFFFE0ull         /* PAE: the PDPT is 32-byte aligned */
#define PSE36_LOW      13 /* 4 MiB PDE bits 20:13 are physical bits 39:32 (PSE-36) */
#define PSE36_HIGH     32
#define PSE36_MASK     0xFFull
#define PAGE_4M_MASK   0xFFC00000ull
#define PAGE_SIZE_4M   (1ull << 22)
#define LINEAR_32      0xFFFFFFFFull
#define INDEX_MASK_32  0x3FFu /* 1024 entries per 32-bit table */
#define ENTRY_BYTES_32 4
#define PDE_SHIFT_32   22 /* linear bits 31:22 pick the PDE */
#define INDEX_BITS_64  9  /* 512 entries per PAE / 4-level table */
#define ENTRY_BYTES_64 8
#define PAGE_SHIFT_4K  12
#define PDPT_SHIFT     30 /* PAE: linear bits 31:30 pick one of 4 PDPTEs */

/* Reserved-bit ranges (the entry-format tables of each mode). */
#define PHYS_BITS_MAX      52 /* MAXPHYADDR is at most 52 */
#define PHYS_BITS_MIN      32
#define PSE36_PHYS_MAX     40 /* 4 MiB PDE: M = min(40, MAXPHYADDR) */
#define PSE36_RSVD_HIGH    21 /* 4 MiB PDE: bits 21:(M-19) reserved */
#define PSE36_RSVD_OFFSET  19
#define LARGE_RSVD_LOW     13 /* bit 12 is PAT; 13 up to the address are reserved */
#define LARGE_2M_RSVD_HI   20 /* 2 MiB page: bits 20:13 */
#define LARGE_1G_RSVD_HI   29 /* 1 GiB page: bits 29:13 */
#define PAE_RSVD_HIGH      62 /* PAE PDE / PTE: bits 62:M */
#define LONG_RSVD_HIGH     51 /* 4-level: bits 51:M (62:52 are ignored) */
#define PDPTE_PAE_TOP      63 /* PAE PDPTE: bits 63:M, 8:5 and 2:1 */
#define PDPTE_PAE_LOW_A_HI 2
#define PDPTE_PAE_LOW_A_LO 1
#define PDPTE_PAE_LOW_B_HI 8
#define PDPTE_PAE_LOW_B_LO 5

/* Level numbers, the same in every mode; a PAE PDPT is level 3 as in 4-level paging. */
#define LEVEL_PT   1
#define LEVEL_PD   2
#define LEVEL_PDPT 3
#define LEVEL_PML4 4
#define LEVELS_MAX 4

static const char *const not_present[] = {"", "PTE not present", "PDE not present",
                                          "PDPTE not present", "PML4E not present"};
static const char *const reserved_set[] = {"", "PTE reserved bit set", "PDE reserved bit set",
                                           "PDPTE reserved bit set", "PML4E reserved bit set"};

/* One walk in progress: the rights combined over the entries so far, and the A/D bits to
 * set in them if the access succeeds. */
struct walk {
    const struct guest_memory *mem;
    const struct guest_paging *p;
    const struct guest_access *a;
    struct guest_walk_result *r;
    uint64_t linear; /* 32 bits unless EFER.LMA */
    unsigned m;      /* MAXPHYADDR */
    bool user_page;  /* U/S = 1 in every entry */
    bool writable;   /* R/W = 1 in every entry */
    bool no_exec;    /* XD = 1 in some entry (EFER.NXE = 1) */
    unsigned used;
    struct ad_update {
        uint64_t gpa, set;
        unsigned bytes;
    } ad[LEVELS_MAX];
};

/* Bits hi:lo, empty if hi < lo. */
static uint64_t bit_range(unsigned hi, unsigned lo)
{
    if (hi < lo)
        return 0;
    uint64_t upto_hi = hi >= 63 ? ~0ull : (1ull << (hi + 1)) - 1;
    return upto_hi & ~((1ull << lo) - 1);
}

static bool checking(const struct walk *w) { return w->a->kind != GUEST_ACCESS_TRANSLATE; }

static bool nx_enabled(const struct walk *w) { return (w->p->efer & EFER_NXE) != 0; }

/* The error-code bits that describe the access. I/D is reported only with SMEP, or with
 * PAE/4-level paging and NXE. See: SDM Vol. 3A, "Page-Fault Error Code". */
static uint32_t access_bits(const struct walk *w)
{
    const struct guest_paging *p = w->p;
    uint32_t bits = w->a->user ? PF_ERR_USER : 0;
    if (w->a->kind == GUEST_ACCESS_WRITE)
        bits |= PF_ERR_WRITE;
    bool fetch_reported = (p->cr4 & CR4_SMEP) || ((p->cr4 & CR4_PAE) && nx_enabled(w));
    if (w->a->kind == GUEST_ACCESS_FETCH && fetch_reported)
        bits |= PF_ERR_FETCH;
    return bits;
}

static bool page_fault(struct walk *w, uint32_t cause, const char *why)
{
    w->r->status = GUEST_WALK_PAGE_FAULT;
    w->r->error_code = cause | access_bits(w);
    w->r->fault_linear = w->linear;
    w->r->why = why;
    return false;
}

/* Read the entry at gpa; a missing table stops the guest, a clear P bit is a #PF. */
static bool fetch_entry(struct walk *w, uint64_t gpa, unsigned bytes, unsigned level,
                        const char *outside, uint64_t *entry)
{
    *entry = 0;
    if (guest_memory_read(w->mem, gpa, entry, bytes) != 0) {
        w->r->status = GUEST_WALK_OUTSIDE_RAM;
        w->r->why = outside;
        return false;
    }
    if (!(*entry & PTE_PRESENT))
        return page_fault(w, 0, not_present[level]);
    return true;
}

/* A present entry with a reserved bit set gives no translation: #PF with P and RSVD. */
static bool reserved_clear(struct walk *w, uint64_t entry, uint64_t reserved, unsigned level)
{
    if (checking(w) && (entry & reserved))
        return page_fault(w, PF_ERR_PRESENT | PF_ERR_RSVD, reserved_set[level]);
    return true;
}

/* Fold the entry's rights into the walk and note its A bit for later. */
static void use_entry(struct walk *w, uint64_t gpa, unsigned bytes, uint64_t entry)
{
    w->user_page = w->user_page && (entry & PTE_USER);
    w->writable = w->writable && (entry & PTE_WRITABLE);
    w->no_exec = w->no_exec || (nx_enabled(w) && (entry & PTE_XD));
    if (checking(w))
        w->ad[w->used++] = (struct ad_update){.gpa = gpa, .set = PTE_ACCESSED, .bytes = bytes};
}

/* Why the access is not allowed on a page with the walk's combined rights, or NULL.
 * See: SDM Vol. 3A, "Determination of Access Rights". */
static const char *access_denied(const struct walk *w)
{
    const struct guest_paging *p = w->p;
    bool user = w->a->user;
    bool smap_blocks = (p->cr4 & CR4_SMAP) && !(p->rflags & RFLAGS_AC) && w->user_page;
    if (user && !w->user_page)
        return "user-mode access to a supervisor page";
    switch (w->a->kind) {
    case GUEST_ACCESS_FETCH:
        if (!user && w->user_page && (p->cr4 & CR4_SMEP))
            return "SMEP: supervisor fetch from a user page";
        return w->no_exec ? "fetch from an execute-disable page" : 0;
    case GUEST_ACCESS_WRITE:
        if (!user && smap_blocks)
            return "SMAP: supervisor write to a user page with EFLAGS.AC clear";
        if (!w->writable && (user || (p->cr0 & CR0_WP)))
            return user ? "user-mode write to a read-only page"
                        : "supervisor write to a read-only page with CR0.WP set";
        return 0;
    case GUEST_ACCESS_READ:
        return !user && smap_blocks
                   ? "SMAP: supervisor read of a user page with EFLAGS.AC clear"
                   : 0;
    case GUEST_ACCESS_TRANSLATE: return 0;
    }
    return 0;
}

/* The last entry maps the page: check the rights, mark the leaf dirty on a write. */
static bool leaf(struct walk *w, uint64_t gpa, uint64_t page_size)
{
    if (checking(w)) {
        const char *denied = access_denied(w);
        if (denied)
            return page_fault(w, PF_ERR_PRESENT, denied);
        if (w->a->kind == GUEST_ACCESS_WRITE)
            w->ad[w->used - 1].set |= PTE_DIRTY;
    }
    w->r->status = GUEST_WALK_OK;
    w->r->gpa = gpa;
    w->r->page_size = page_size;
    w->r->why = 0;
    return true;
}

/* Set the noted A/D bits that are clear, atomically at the entry's width, so the rest of
 * an entry a guest vCPU writes at the same time is kept. See: "Accessed and Dirty Flags". */
static void set_ad_bits(const struct walk *w)
{
    for (unsigned i = 0; i < w->used; i++) {
        const struct ad_update *u = &w->ad[i];
        void *host = guest_memory_host_ptr(w->mem, u->gpa); /* read already: in RAM */
        if (u->bytes == ENTRY_BYTES_64) {
            uint64_t *e = host;
            if ((__atomic_load_n(e, __ATOMIC_RELAXED) & u->set) != u->set)
                __atomic_fetch_or(e, u->set, __ATOMIC_SEQ_CST);
        } else {
            uint32_t *e = host;
            if ((__atomic_load_n(e, __ATOMIC_RELAXED) & u->set) != u->set)
                __atomic_fetch_or(e, (uint32_t)u->set, __ATOMIC_SEQ_CST);
        }
    }
}

/* 4 MiB PDE: bits 21:(M-19), M = min(40, MAXPHYADDR). See: "32-Bit Paging". */
static uint64_t reserved_4m(const struct walk *w)
{
    unsigned m = w->m < PSE36_PHYS_MAX ? w->m : PSE36_PHYS_MAX;
    return bit_range(PSE36_RSVD_HIGH, m - PSE36_RSVD_OFFSET);
}

/* 32-bit paging: a page directory of 1024 4-byte entries, then a page table. No bit is
 * reserved except in a 4 MiB PDE. */
static bool walk_32(struct walk *w)
{
    uint64_t pde, pte;
    uint64_t at = (w->p->cr3 & ADDR_MASK_32) + (w->linear >> PDE_SHIFT_32) * ENTRY_BYTES_32;
    if (!fetch_entry(w, at, ENTRY_BYTES_32, LEVEL_PD, "page directory outside guest RAM", &pde))
        return false;
    if ((pde & PTE_LARGE) && (w->p->cr4 & CR4_PSE)) {
        if (!reserved_clear(w, pde, reserved_4m(w), LEVEL_PD))
            return false;
        use_entry(w, at, ENTRY_BYTES_32, pde);
        uint64_t high = ((pde >> PSE36_LOW) & PSE36_MASK) << PSE36_HIGH;
        return leaf(w, high | (pde & PAGE_4M_MASK) | (w->linear & ~PAGE_4M_MASK & LINEAR_32),
                    PAGE_SIZE_4M);
    }
    use_entry(w, at, ENTRY_BYTES_32, pde);
    at = (pde & ADDR_MASK_32) + ((w->linear >> PAGE_SHIFT_4K) & INDEX_MASK_32) * ENTRY_BYTES_32;
    if (!fetch_entry(w, at, ENTRY_BYTES_32, LEVEL_PT, "page table outside guest RAM", &pte))
        return false;
    use_entry(w, at, ENTRY_BYTES_32, pte);
    return leaf(w, (pte & ADDR_MASK_32) | (w->linear & (GUEST_PAGE_SIZE - 1)), GUEST_PAGE_SIZE);
}

/* Reserved bits of a PAE or 4-level entry at `level`. */
static uint64_t reserved_64(const struct walk *w, unsigned level, bool large)
{
    bool four_level = (w->p->efer & EFER_LMA) != 0;
    uint64_t r = bit_range(four_level ? LONG_RSVD_HIGH : PAE_RSVD_HIGH, w->m);
    if (!nx_enabled(w))
        r |= PTE_XD;
    if (level == LEVEL_PML4)
        r |= PTE_LARGE;
    if (large)
        r |= bit_range(level == LEVEL_PDPT ? LARGE_1G_RSVD_HI : LARGE_2M_RSVD_HI,
                       LARGE_RSVD_LOW);
    return r;
}

/* PAE and 4-level paging: 8-byte entries, 9 index bits per level below the top; `levels`
 * tables from `table` (the PD for PAE, the PML4 for 4-level). Levels 3 (4-level only) and
 * 2 may map a 1 GiB or 2 MiB page. */
static bool walk_64(struct walk *w, uint64_t table, unsigned levels)
{
    for (unsigned level = levels; level >= LEVEL_PT; level--) {
        unsigned shift = PAGE_SHIFT_4K + INDEX_BITS_64 * (level - 1);
        uint64_t index = (w->linear >> shift) & ((1ull << INDEX_BITS_64) - 1);
        uint64_t at = table + index * ENTRY_BYTES_64, entry;
        if (!fetch_entry(w, at, ENTRY_BYTES_64, level, "paging structure outside guest RAM",
                         &entry))
            return false;
        bool large = (level == LEVEL_PD || (level == LEVEL_PDPT && levels == LEVEL_PML4)) &&
                     (entry & PTE_LARGE);
        if (!reserved_clear(w, entry, reserved_64(w, level, large), level))
            return false;
        use_entry(w, at, ENTRY_BYTES_64, entry);
        if (level == LEVEL_PT || large) {
            uint64_t offset_mask = (1ull << shift) - 1;
            return leaf(w, (entry & ADDR_MASK_52 & ~offset_mask) | (w->linear & offset_mask),
                        1ull << shift);
        }
        table = entry & ADDR_MASK_52;
    }
    return page_fault(w, 0, "no level maps the address");
}

/* PAE: one of 4 PDPTEs, then 2 levels. PDPTEs carry no rights and no A bit. A CPU loads
 * them at MOV CR3 (a reserved bit is a #GP there); hvlab reads them now, so a reserved
 * bit the guest wrote since is reported as a reserved-bit #PF, even the A/D bits of a
 * PDE or PTE that aliases the PDPTE (bits 6:5 are reserved here). */
static bool walk_pae(struct walk *w)
{
    uint64_t pdpte;
    uint64_t at = (w->p->cr3 & CR3_PAE_MASK) + (w->linear >> PDPT_SHIFT) * ENTRY_BYTES_64;
    if (!fetch_entry(w, at, ENTRY_BYTES_64, LEVEL_PDPT, "PDPT outside guest RAM", &pdpte))
        return false;
    uint64_t reserved = bit_range(PDPTE_PAE_TOP, w->m) |
                        bit_range(PDPTE_PAE_LOW_A_HI, PDPTE_PAE_LOW_A_LO) |
                        bit_range(PDPTE_PAE_LOW_B_HI, PDPTE_PAE_LOW_B_LO);
    if (!reserved_clear(w, pdpte, reserved, LEVEL_PDPT))
        return false;
    return walk_64(w, pdpte & ADDR_MASK_52, LEVEL_PD);
}

static unsigned phys_bits(const struct guest_paging *p)
{
    if (p->phys_addr_bits == 0 || p->phys_addr_bits > PHYS_BITS_MAX)
        return PHYS_BITS_MAX;
    return p->phys_addr_bits < PHYS_BITS_MIN ? PHYS_BITS_MIN : p->phys_addr_bits;
}

/* Run one walk; true on success (the A/D bits noted, not yet set). */
static bool walk_one(struct walk *w, const struct guest_memory *mem,
                     const struct guest_paging *p, uint64_t linear,
                     const struct guest_access *a, struct guest_walk_result *r)
{
    *w = (struct walk){.mem = mem,
                       .p = p,
                       .a = a,
                       .r = r,
                       .linear = linear,
                       .m = phys_bits(p),
                       .user_page = true,
                       .writable = true};
    *r = (struct guest_walk_result){0};
    if (!(p->cr0 & CR0_PG)) { /* no entries, no rights: the address itself */
        *r = (struct guest_walk_result){
            .status = GUEST_WALK_OK, .gpa = linear, .page_size = GUEST_PAGE_SIZE};
        return true;
    }
    if (!(p->efer & EFER_LMA))
        w->linear = linear & LINEAR_32;
    if (!(p->cr4 & CR4_PAE))
        return walk_32(w);
    if (p->efer & EFER_LMA)
        return walk_64(w, p->cr3 & ADDR_MASK_52, LEVEL_PML4);
    return walk_pae(w);
}

enum guest_walk_status guest_walk_access(const struct guest_memory *mem,
                                         const struct guest_paging *p, uint64_t linear,
                                         const struct guest_access *a,
                                         struct guest_walk_result *r)
{
    struct walk w;
    if (walk_one(&w, mem, p, linear, a, r))
        set_ad_bits(&w);
    return r->status;
}

enum guest_walk_status guest_walk_span(const struct guest_memory *mem,
                                       const struct guest_paging *p, uint64_t linear,
                                       uint64_t len, const struct guest_access *a,
                                       struct guest_span *s, struct guest_walk_result *r)
{
    struct walk w[GUEST_SPAN_PIECES];
    struct guest_walk_result piece[GUEST_SPAN_PIECES];
    s->count = 0;
    if (len == 0 || len > GUEST_SPAN_BYTES_MAX) {
        *r = (struct guest_walk_result){.status = GUEST_WALK_BAD_LENGTH,
                                        .why = "access length not 1..4096 bytes"};
        return r->status;
    }
    /* All pages first, then the A/D bits: a fault on the second page leaves none set. */
    for (uint64_t at = linear, left = len; left;) {
        uint64_t take = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));
        take = take < left ? take : left;
        unsigned i = s->count;
        if (!walk_one(&w[i], mem, p, at, a, &piece[i])) {
            s->count = 0;
            *r = piece[i];
            return r->status;
        }
        s->piece[i].gpa = piece[i].gpa;
        s->piece[i].len = take;
        s->count++;
        at += take;
        left -= take;
    }
    for (unsigned i = 0; i < s->count; i++)
        set_ad_bits(&w[i]);
    *r = piece[0];
    return r->status;
}

bool guest_walk(const struct guest_memory *mem, const struct guest_paging *p, uint64_t linear,
                uint64_t *gpa, const char **why)
{
    const struct guest_access translate = {.kind = GUEST_ACCESS_TRANSLATE};
    struct guest_walk_result r;
    if (guest_walk_access(mem, p, linear, &translate, &r) == GUEST_WALK_OK) {
        *gpa = r.gpa;
        return true;
    }
    if (why)
        *why = r.why;
    return false;
}
