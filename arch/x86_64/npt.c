/*
 * npt.c - build 4-level nested page tables for a guest's RAM and walk them in software.
 *
 * Follows: AMD APM Vol. 2, "Nested Paging" and "Long-Mode Page Translation". Formats are
 * drawn in npt.h. The structure mirrors ept.c: only the entry format differs.
 */
#include "arch/x86_64/npt.h"
#include "hypervisor/lab.h"

/* Every entry hvlab writes: present, writable, user (nested walks are user accesses:
 * without U/S every access would fault). PWT = PCD = PAT = 0 selects host PAT entry 0,
 * write-back; NX clear. See: APM Vol. 2, "Nested Table Walk". */
#define TABLE_FLAGS (NPT_PRESENT | NPT_WRITE | NPT_USER)
#define LEAF_FLAGS  (NPT_PRESENT | NPT_WRITE | NPT_USER)

#define GPA_LIMIT (1ull << NPT_GPA_BITS)
#define HPA_LIMIT (1ull << NPT_PHYS_ADDR_BITS)

/* Tables are identity-mapped pages: the host-physical address is the pointer. */
static uint64_t *table_at(uint64_t hpa) { return (uint64_t *)(uintptr_t)hpa; }

/* The entry for gpa in the table at leaf_level into *out, creating the tables above it
 * on the way down. NPT_BUILD_NO_MEMORY when a table cannot be allocated, NPT_BUILD_BAD_MAP
 * when a large page is already in the way. */
static int entry_for(struct npt *npt, uint64_t gpa, unsigned leaf_level, page_source_fn alloc,
                     void *ctx, uint64_t **out)
{
    uint64_t *table = table_at(npt->pml4);
    for (unsigned level = NPT_LEVEL_PML4; level > leaf_level; level--) {
        uint64_t *entry = &table[npt_index(gpa, level)];
        if (!(*entry & NPT_PRESENT)) {
            uint64_t next = alloc(ctx, 1, 1); /* zeroed: 512 not-present entries */
            if (!next)
                return NPT_BUILD_NO_MEMORY;
            npt->table_pages++;
            *entry = next | TABLE_FLAGS;
        } else if (*entry & NPT_PS) {
            return NPT_BUILD_BAD_MAP; /* this range is already one large page */
        }
        table = table_at(*entry & NPT_ADDR_MASK);
    }
    *out = &table[npt_index(gpa, leaf_level)];
    return 0;
}

/* Map one page of page_size (4 KiB or 2 MiB) at gpa to hpa. 0, or an NPT_BUILD_ failure. */
static int map_page(struct npt *npt, uint64_t gpa, uint64_t hpa, uint64_t page_size,
                    page_source_fn alloc, void *ctx)
{
    unsigned level = page_size == NPT_PAGE_SIZE_2M ? NPT_LEVEL_PD : NPT_LEVEL_PT;
    uint64_t *entry;
    int rc = entry_for(npt, gpa, level, alloc, ctx, &entry);
    if (rc != 0)
        return rc;
    if (*entry & NPT_PRESENT)
        return NPT_BUILD_BAD_MAP; /* two chunks on one page */
    /* LAB svm-2 BEGIN: the leaf entry in map_page() */
    if (level == NPT_LEVEL_PD) {
        /* See: "2-Mbyte PDE—Long Mode" */
        *entry = (hpa & NPT_ADDR_MASK_2M) | LEAF_FLAGS | NPT_PS;
        npt->pages_2m++;
    } else {
        /* See: "4-Kbyte PTE—Long Mode" */
        *entry = (hpa & NPT_ADDR_MASK) | LEAF_FLAGS;
        npt->pages_4k++;
    }
    return 0;
    /* LAB svm-2 END */
}

/* Can chunk c be mapped with pages of page_size, inside what the tables can address? */
static bool chunk_mappable(const struct guest_ram_chunk *c, uint64_t page_size)
{
    uint64_t misaligned = (c->gpa | c->hpa | c->size) & (page_size - 1);
    return !misaligned && c->gpa <= GPA_LIMIT && c->size <= GPA_LIMIT - c->gpa &&
           c->hpa <= HPA_LIMIT && c->size <= HPA_LIMIT - c->hpa;
}

int npt_build(struct npt *npt, const struct guest_memory *m, bool allow_2m,
              page_source_fn alloc, void *ctx)
{
    *npt = (struct npt){0};
    npt->pml4 = alloc(ctx, 1, 1);
    if (!npt->pml4)
        return NPT_BUILD_NO_MEMORY;
    npt->table_pages = 1;

    for (size_t i = 0; i < m->chunk_count; i++) {
        const struct guest_ram_chunk *c = &m->chunks[i];
        uint64_t page_size = c->large && allow_2m ? NPT_PAGE_SIZE_2M : NPT_PAGE_SIZE_4K;
        if (!chunk_mappable(c, page_size))
            return NPT_BUILD_BAD_MAP;
        for (uint64_t offset = 0; offset < c->size; offset += page_size) {
            int rc = map_page(npt, c->gpa + offset, c->hpa + offset, page_size, alloc, ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

uint64_t npt_n_cr3(const struct npt *npt) { return npt->pml4 & NPT_N_CR3_ADDR_MASK; }

struct npt_walk npt_translate(const struct npt *npt, uint64_t gpa)
{
    struct npt_walk walk = {0};
    if (gpa >= GPA_LIMIT)
        return walk; /* level 0: a 4-level walk has no index for these bits */

    /* R/W and U/S are ANDed over every entry used; one NX bit forbids fetches.
     * See: APM Vol. 2, "Page-Protection Checks" ("Access Rights" in long mode). */
    bool write = true, user = true, execute = true;
    uint64_t table = npt->pml4;
    for (unsigned level = NPT_LEVEL_PML4; level >= NPT_LEVEL_PT; level--) {
        uint64_t entry = table_at(table)[npt_index(gpa, level)];
        walk.level = level;
        walk.entry = entry;
        if (!(entry & NPT_PRESENT))
            return walk; /* not present: a nested page fault for any access */
        write = write && (entry & NPT_WRITE);
        user = user && (entry & NPT_USER);
        execute = execute && !(entry & NPT_NX);

        /* A PTE is always a leaf; a PDE or PDPTE is one when PS is set (hvlab writes no
         * 1 GiB leaves, but the walk follows the manual). */
        bool leaf = level == NPT_LEVEL_PT ||
                    ((level == NPT_LEVEL_PD || level == NPT_LEVEL_PDPT) && (entry & NPT_PS));
        if (leaf) {
            uint64_t page_size = 1ull << NPT_LEVEL_SHIFT(level);
            walk.mapped = true;
            walk.page_size = page_size;
            walk.hpa = (entry & NPT_ADDR_MASK & ~(page_size - 1)) | (gpa & (page_size - 1));
            walk.write = write;
            walk.user = user;
            walk.execute = execute;
            return walk;
        }
        table = entry & NPT_ADDR_MASK;
    }
    return walk; /* not reached: level 1 always returns above */
}
