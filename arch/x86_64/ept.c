/*
 * ept.c - build 4-level EPT for a guest's RAM, walk it in software, and check that the
 * CPU supports the EPT hvlab builds.
 *
 * Follows: SDM Vol. 3C, "EPT Translation Mechanism", "Format of Extended-Page-Table
 * Pointer", "EPT and Memory Typing", "EPT Misconfigurations"; Vol. 3D Appendix A,
 * "VPID and EPT Capabilities". Formats are drawn in ept.h.
 */
#include "arch/x86_64/ept.h"

#include "arch/x86_64/vmx/vmx_bits.h"
#include "hypervisor/fmt.h"
#include "hypervisor/lab.h"

/* Everything a leaf holds besides its address: all accesses allowed, write-back, the
 * guest's PAT still combined in (ignore-PAT clear).
 * See: SDM Vol. 3C, "Memory Type Used for Translated Guest-Physical Addresses" */
#define LEAF_FLAGS (EPT_RWX | ((uint64_t)EPT_MT_WB << EPT_MEMTYPE_SHIFT))

/* A non-leaf entry allows everything and lets the leaf decide; its bits 7:3 stay 0
 * (set, they would be an EPT misconfiguration). */
#define NONLEAF_FLAGS EPT_RWX

/* One past the highest guest-physical address a 4-level walk reaches, and the highest
 * host-physical address an entry can hold. */
#define GPA_LIMIT (1ull << EPT_GPA_BITS)
#define HPA_LIMIT (1ull << EPT_PHYS_ADDR_BITS)

/* Tables are identity-mapped pages: the host-physical address is the pointer. */
static uint64_t *table_at(uint64_t hpa) { return (uint64_t *)(uintptr_t)hpa; }

/* Is the leaf at this level a 2 MiB (PD) or 4 KiB (PT) page? */
static unsigned leaf_level_for(uint64_t page_size)
{
    return page_size == EPT_PAGE_SIZE_2M ? EPT_LEVEL_PD : EPT_LEVEL_PT;
}

/* The entry for gpa in the table at leaf_level into *out, creating the tables above it
 * on the way down. EPT_BUILD_NO_MEMORY when a table cannot be allocated, EPT_BUILD_BAD_MAP
 * when a large page is already in the way. */
static int entry_for(struct ept *ept, uint64_t gpa, unsigned leaf_level, page_source_fn alloc,
                     void *ctx, uint64_t **out)
{
    uint64_t *table = table_at(ept->pml4);
    for (unsigned level = EPT_LEVEL_PML4; level > leaf_level; level--) {
        uint64_t *entry = &table[ept_index(gpa, level)];
        if (!(*entry & EPT_PRESENT_MASK)) {
            uint64_t next = alloc(ctx, 1, 1); /* zeroed: 512 not-present entries */
            if (!next)
                return EPT_BUILD_NO_MEMORY;
            ept->table_pages++;
            *entry = next | NONLEAF_FLAGS;
        } else if (*entry & EPT_LARGE_PAGE) {
            return EPT_BUILD_BAD_MAP; /* this range is already one large page */
        }
        table = table_at(*entry & EPT_ADDR_MASK);
    }
    *out = &table[ept_index(gpa, leaf_level)];
    return 0;
}

/* Map one page of page_size (4 KiB or 2 MiB) at gpa to hpa. 0, or an EPT_BUILD_ failure. */
static int map_page(struct ept *ept, uint64_t gpa, uint64_t hpa, uint64_t page_size,
                    page_source_fn alloc, void *ctx)
{
    unsigned level = leaf_level_for(page_size);
    uint64_t *entry;
    int rc = entry_for(ept, gpa, level, alloc, ctx, &entry);
    if (rc != 0)
        return rc;
    if (*entry & EPT_PRESENT_MASK)
        return EPT_BUILD_BAD_MAP; /* two chunks on one page */
    /* LAB vmx-2 BEGIN: the leaf entry in map_page() */
    if (level == EPT_LEVEL_PD) {
        /* See: Table "Format of an EPT Page-Directory Entry (PDE) that Maps a 2-MByte Page" */
        *entry = (hpa & EPT_ADDR_MASK_2M) | LEAF_FLAGS | EPT_LARGE_PAGE;
        ept->pages_2m++;
    } else {
        /* See: Table "Format of an EPT Page-Table Entry that Maps a 4-KByte Page" */
        *entry = (hpa & EPT_ADDR_MASK) | LEAF_FLAGS;
        ept->pages_4k++;
    }
    return 0;
    /* LAB vmx-2 END */
}

/* Can chunk c be mapped with pages of page_size, inside what EPT can address? */
static bool chunk_mappable(const struct guest_ram_chunk *c, uint64_t page_size)
{
    uint64_t misaligned = (c->gpa | c->hpa | c->size) & (page_size - 1);
    return !misaligned && c->gpa <= GPA_LIMIT && c->size <= GPA_LIMIT - c->gpa &&
           c->hpa <= HPA_LIMIT && c->size <= HPA_LIMIT - c->hpa;
}

int ept_build(struct ept *ept, const struct guest_memory *m, bool allow_2m,
              page_source_fn alloc, void *ctx)
{
    *ept = (struct ept){0};
    ept->pml4 = alloc(ctx, 1, 1);
    if (!ept->pml4)
        return EPT_BUILD_NO_MEMORY;
    ept->table_pages = 1;

    for (size_t i = 0; i < m->chunk_count; i++) {
        const struct guest_ram_chunk *c = &m->chunks[i];
        uint64_t page_size = c->large && allow_2m ? EPT_PAGE_SIZE_2M : EPT_PAGE_SIZE_4K;
        if (!chunk_mappable(c, page_size))
            return EPT_BUILD_BAD_MAP;
        for (uint64_t offset = 0; offset < c->size; offset += page_size) {
            int rc = map_page(ept, c->gpa + offset, c->hpa + offset, page_size, alloc, ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

uint64_t ept_pointer(const struct ept *ept, bool enable_ad)
{
    /* See: Table "Format of Extended-Page-Table Pointer" */
    uint64_t eptp = (ept->pml4 & EPTP_PML4_MASK) | EPT_MT_WB |
                    ((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT);
    if (enable_ad)
        eptp |= EPTP_ENABLE_AD;
    return eptp;
}

struct ept_walk ept_translate(const struct ept *ept, uint64_t gpa)
{
    struct ept_walk walk = {0};
    if (gpa >= GPA_LIMIT)
        return walk; /* level 0: a 4-level walk has no index for these bits */

    /* Access rights are the AND over every entry used.
     * See: SDM Vol. 3C, "EPT Violations" */
    bool read = true, write = true, execute = true;
    uint64_t table = ept->pml4;
    for (unsigned level = EPT_LEVEL_PML4; level >= EPT_LEVEL_PT; level--) {
        uint64_t entry = table_at(table)[ept_index(gpa, level)];
        walk.level = level;
        walk.entry = entry;
        if (!(entry & EPT_PRESENT_MASK))
            return walk; /* not present: an EPT violation for any access */
        read = read && (entry & EPT_READ);
        write = write && (entry & EPT_WRITE);
        execute = execute && (entry & EPT_EXECUTE);

        /* A PT entry is always a leaf; a PD or PDPT entry is one when bit 7 is set
         * (hvlab writes no 1 GiB leaves, but the walk follows the manual). */
        bool leaf =
            level == EPT_LEVEL_PT ||
            ((level == EPT_LEVEL_PD || level == EPT_LEVEL_PDPT) && (entry & EPT_LARGE_PAGE));
        if (leaf) {
            uint64_t page_size = 1ull << EPT_LEVEL_SHIFT(level);
            walk.mapped = true;
            walk.page_size = page_size;
            walk.hpa = (entry & EPT_ADDR_MASK & ~(page_size - 1)) | (gpa & (page_size - 1));
            walk.read = read;
            walk.write = write;
            walk.execute = execute;
            walk.memory_type = (unsigned)((entry & EPT_MEMTYPE_MASK) >> EPT_MEMTYPE_SHIFT);
            return walk;
        }
        table = entry & EPT_ADDR_MASK;
    }
    return walk; /* not reached: level 1 always returns above */
}

const char *ept_memory_type_name(unsigned type)
{
    switch (type) {
    case EPT_MT_UC: return "UC";
    case EPT_MT_WC: return "WC";
    case EPT_MT_WT: return "WT";
    case EPT_MT_WP: return "WP";
    case EPT_MT_WB: return "WB";
    default: return "reserved";
    }
}

/* What hvlab's EPT needs from IA32_VMX_EPT_VPID_CAP.
 * See: SDM Vol. 3D Appendix A, "VPID and EPT Capabilities" */
static const struct {
    uint64_t bit;
    const char *name;
} required_caps[] = {
    {EPT_CAP_WALK_LENGTH_4, "page-walk length 4"},
    {EPT_CAP_MEMTYPE_WB, "write-back (WB) EPT paging structures"},
};

bool ept_caps_sufficient(uint64_t ept_vpid_cap, char *why, size_t why_len)
{
    bool ok = true;
    size_t used = 0; /* characters the message wants so far (may exceed why_len) */
    if (why_len)
        why[0] = '\0';
    for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
        if (ept_vpid_cap & required_caps[i].bit)
            continue;
        size_t room = used < why_len ? why_len - used : 0;
        used +=
            (size_t)fmt_snprintf(room ? why + used : why, room, "%s%s (bit %d)",
                                 ok ? "IA32_VMX_EPT_VPID_CAP lacks " : ", ",
                                 required_caps[i].name, __builtin_ctzll(required_caps[i].bit));
        ok = false;
    }
    return ok;
}

bool ept_caps_allow_2m(uint64_t ept_vpid_cap) { return (ept_vpid_cap & EPT_CAP_PAGE_2MB) != 0; }
