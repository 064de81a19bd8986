/*
 * guest_walk.c - the guest's page walk, translation only (see guest_walk.h).
 */
#include "hypervisor/guest_walk.h"

#include "arch/x86_64/cpu_bits.h"

#define PTE_PRESENT    (1ull << 0)
#define PTE_LARGE      (1ull << 7)           /* PS: the entry maps a page, not a table */
#define ADDR_MASK_52   0x000FFFFFFFFFF000ull /* bits 51:12 of a PAE / 4-level entry */
#define ADDR_MASK_32   0xFFFFF000ull         /* bits 31:12 of a 32-bit entry */
#define CR3_PAE_MASK   0xFFFFFFE0ull         /* PAE: the PDPT is 32-byte aligned */
#define PSE36_LOW      13 /* 4 MiB PDE bits 20:13 are physical bits 39:32 (PSE-36) */
#define PSE36_HIGH     32
#define PSE36_MASK     0xFFull
#define PAGE_4M_MASK   0xFFC00000ull
#define LINEAR_32      0xFFFFFFFFull
#define INDEX_MASK_32  0x3FFu /* 1024 entries per 32-bit table */
#define ENTRY_BYTES_32 4
#define PDE_SHIFT_32   22 /* linear bits 31:22 pick the PDE */
#define INDEX_BITS_64  9  /* 512 entries per PAE / 4-level table */
#define ENTRY_BYTES_64 8
#define PAGE_SHIFT_4K  12
#define PDPT_SHIFT     30 /* PAE: linear bits 31:30 pick one of 4 PDPTEs */

static bool fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

/* One entry of `size` bytes at gpa. */
static bool read_entry(const struct guest_memory *mem, uint64_t gpa, unsigned size,
                       uint64_t *entry)
{
    *entry = 0;
    return guest_memory_read(mem, gpa, entry, size) == 0;
}

/* 32-bit paging: a page directory of 1024 4-byte entries, then a page table. */
static bool walk_32(const struct guest_memory *mem, const struct guest_paging *p,
                    uint32_t linear, uint64_t *gpa, const char **why)
{
    uint64_t pde, pte;
    uint64_t at = (p->cr3 & ADDR_MASK_32) + (linear >> PDE_SHIFT_32) * ENTRY_BYTES_32;
    if (!read_entry(mem, at, ENTRY_BYTES_32, &pde))
        return fail(why, "page directory outside guest RAM");
    if (!(pde & PTE_PRESENT))
        return fail(why, "PDE not present");
    if ((pde & PTE_LARGE) && (p->cr4 & CR4_PSE)) {
        uint64_t high = ((pde >> PSE36_LOW) & PSE36_MASK) << PSE36_HIGH;
        *gpa = high | (pde & PAGE_4M_MASK) | (linear & ~PAGE_4M_MASK & LINEAR_32);
        return true;
    }
    at = (pde & ADDR_MASK_32) + ((linear >> PAGE_SHIFT_4K) & INDEX_MASK_32) * ENTRY_BYTES_32;
    if (!read_entry(mem, at, ENTRY_BYTES_32, &pte))
        return fail(why, "page table outside guest RAM");
    if (!(pte & PTE_PRESENT))
        return fail(why, "PTE not present");
    *gpa = (pte & ADDR_MASK_32) | (linear & (GUEST_PAGE_SIZE - 1));
    return true;
}

/* PAE and 4-level paging: 8-byte entries, 9 index bits per level below the top; `levels`
 * tables from `table` (the PDPT for PAE, the PML4 for 4-level). Levels 3 and 2 (PDPTE in
 * 4-level mode, PDE) may map a 1 GiB or 2 MiB page. */
static bool walk_64(const struct guest_memory *mem, uint64_t table, unsigned levels,
                    uint64_t linear, uint64_t *gpa, const char **why)
{
    static const char *const not_present[] = {"", "PTE not present", "PDE not present",
                                              "PDPTE not present", "PML4E not present"};
    for (unsigned level = levels; level >= 1; level--) {
        unsigned shift = PAGE_SHIFT_4K + INDEX_BITS_64 * (level - 1);
        uint64_t index = (linear >> shift) & ((1ull << INDEX_BITS_64) - 1);
        uint64_t entry;
        if (!read_entry(mem, table + index * ENTRY_BYTES_64, ENTRY_BYTES_64, &entry))
            return fail(why, "paging structure outside guest RAM");
        if (!(entry & PTE_PRESENT))
            return fail(why, not_present[level]);
        bool large = (level == 2 || (level == 3 && levels == 4)) && (entry & PTE_LARGE);
        if (level == 1 || large) {
            uint64_t offset_mask = (1ull << shift) - 1;
            *gpa = (entry & ADDR_MASK_52 & ~offset_mask) | (linear & offset_mask);
            return true;
        }
        table = entry & ADDR_MASK_52;
    }
    return fail(why, "no level maps the address");
}

bool guest_walk(const struct guest_memory *mem, const struct guest_paging *p, uint64_t linear,
                uint64_t *gpa, const char **why)
{
    if (!(p->cr0 & CR0_PG)) {
        *gpa = linear;
        return true;
    }
    if (!(p->cr4 & CR4_PAE))
        return walk_32(mem, p, (uint32_t)linear, gpa, why);
    if (p->efer & EFER_LMA)
        return walk_64(mem, p->cr3 & ADDR_MASK_52, 4, linear, gpa, why);
    /* PAE: the 4 PDPTEs (CPUs load them at MOV CR3; hvlab reads them now), then 2 levels. */
    uint64_t pdpte;
    uint64_t at = (p->cr3 & CR3_PAE_MASK) + ((uint32_t)linear >> PDPT_SHIFT) * ENTRY_BYTES_64;
    if (!read_entry(mem, at, ENTRY_BYTES_64, &pdpte))
        return fail(why, "PDPT outside guest RAM");
    if (!(pdpte & PTE_PRESENT))
        return fail(why, "PDPTE not present");
    return walk_64(mem, pdpte & ADDR_MASK_52, 2, (uint32_t)linear, gpa, why);
}
