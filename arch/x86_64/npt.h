/*
 * npt.h - Nested page tables (NPT, AMD-V "nested paging"): the entry format, a builder
 * that turns the guest-physical map of hypervisor/guest_memory.h into 4-level nested
 * page tables, and a software walk of the result.
 *
 * Nested paging is the second stage of address translation under SVM: the guest's own
 * paging (or none, with CR0.PG=0) turns a linear address into a guest-physical address
 * (GPA); the nested page tables, rooted at the VMCB's N_CR3, turn the GPA into a
 * host-physical address. A GPA they do not map causes a #VMEXIT(NPF).
 *
 * Unlike Intel's EPT, nested page tables are ordinary x86-64 long-mode page tables, in
 * the format the host's own paging uses. Every nested walk counts as a user access, so
 * every entry must have U/S set.
 *
 * Follows: AMD APM Vol. 2, "Nested Paging" ("Nested Table Walk", "Nested Page Faults"),
 * and "Long-Mode Page Translation" for the entry formats ("4-Kbyte PTE—Long Mode",
 * "2-Mbyte PDE—Long Mode", "PML4E—Long Mode"). Revision pinned in docs/manuals.md.
 *
 * How a 4-level walk splits a guest-physical address (the same split as EPT's):
 *
 *    63      48 47      39 38      30 29      21 20      12 11           0
 *   +----------+----------+----------+----------+----------+--------------+
 *   | not      |  PML4    |  PDPT    |   PD     |   PT     | offset in    |
 *   | walked   |  index   |  index   |   index  |  index   | the 4K page  |
 *   +----------+----------+----------+----------+----------+--------------+
 *                level 4    level 3    level 2    level 1
 *
 * A long-mode paging entry (PTE, or a PDE with PS=1 that maps a 2 MiB page):
 *
 *    63  62  52 51                12 11  9  8   7   6   5   4     3    2    1   0
 *   +---+------+--------------------+-----+---+---+---+---+-----+-----+----+---+---+
 *   |NX | avl  | physical address   | avl | G |PS | D | A | PCD | PWT | US |RW | P |
 *   +---+------+--------------------+-----+---+---+---+---+-----+-----+----+---+---+
 *
 *   P       present; clear = not present (an NPF with EXITINFO1.P = 0)
 *   RW US   writes allowed / user accesses allowed (ANDed over the walk)
 *   PWT PCD with PAT (bit 7 of a PTE, bit 12 of a 2 MiB PDE): the host PAT entry giving
 *           the memory type; all zero = PAT entry 0 = write-back
 *   PS      in a PDE: maps a 2 MiB page (in a PDPTE: 1 GiB); bit 7 of a PTE is PAT
 *   NX      no instruction fetch (when EFER.NXE is set)
 *   A D     accessed / dirty, set by the CPU
 *
 * hvlab maps guest RAM only, present + writable + user, executable, write-back.
 */
#ifndef HVLAB_ARCH_X86_64_NPT_H
#define HVLAB_ARCH_X86_64_NPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* ---- Entry bits. See: APM Vol. 2, "Long-Mode Page Translation" */
#define NPT_PRESENT  (1ull << 0)  /* P */
#define NPT_WRITE    (1ull << 1)  /* R/W: writes allowed */
#define NPT_USER     (1ull << 2)  /* U/S: user accesses allowed (nested walks are user) */
#define NPT_PWT      (1ull << 3)  /* page-level write-through (PAT index bit 0) */
#define NPT_PCD      (1ull << 4)  /* page-level cache disable (PAT index bit 1) */
#define NPT_ACCESSED (1ull << 5)  /* set by the CPU */
#define NPT_DIRTY    (1ull << 6)  /* leaf: set by the CPU on write */
#define NPT_PS       (1ull << 7)  /* PDE/PDPTE: maps a 2 MiB / 1 GiB page */
#define NPT_GLOBAL   (1ull << 8)  /* leaf: global (ignored in nested tables) */
#define NPT_NX       (1ull << 63) /* no execute (with EFER.NXE) */

#define NPT_ADDR_MASK      0x000FFFFFFFFFF000ull /* bits 51:12 */
#define NPT_ADDR_MASK_2M   0x000FFFFFFFE00000ull /* bits 51:21 (bit 12 of a 2M PDE is PAT) */
#define NPT_PHYS_ADDR_BITS 52

/* ---- Table geometry. See: APM Vol. 2, "4-Kbyte Page Translation" (long mode) */
#define NPT_TABLE_SIZE    4096u
#define NPT_TABLE_ENTRIES 512u
#define NPT_INDEX_BITS    9
#define NPT_INDEX_MASK    0x1FFull
#define NPT_PAGE_SHIFT    12
#define NPT_LEVEL_PML4    4
#define NPT_LEVEL_PDPT    3
#define NPT_LEVEL_PD      2
#define NPT_LEVEL_PT      1
#define NPT_GPA_BITS      48 /* a 4-level walk translates GPA bits 47:0 */

#define NPT_LEVEL_SHIFT(level) (NPT_PAGE_SHIFT + ((level)-1) * NPT_INDEX_BITS)
#define NPT_PAGE_SIZE_4K       (1ull << NPT_LEVEL_SHIFT(NPT_LEVEL_PT))
#define NPT_PAGE_SIZE_2M       (1ull << NPT_LEVEL_SHIFT(NPT_LEVEL_PD))

/* Index into the table at `level` for a guest-physical address. */
static inline unsigned npt_index(uint64_t gpa, unsigned level)
{
    return (unsigned)((gpa >> NPT_LEVEL_SHIFT(level)) & NPT_INDEX_MASK);
}

/* N_CR3 (VMCB offset 0x0B0) has the format of CR3: PML4 address in bits 51:12, PWT bit 3,
 * PCD bit 4. See: APM Vol. 2, "Nested Paging" ("Nested Paging VMRUN and #VMEXIT"). */
#define NPT_N_CR3_ADDR_MASK NPT_ADDR_MASK

_Static_assert(NPT_TABLE_ENTRIES * sizeof(uint64_t) == NPT_TABLE_SIZE,
               "a table is 512 eight-byte entries in one 4 KiB page");
_Static_assert(NPT_LEVEL_SHIFT(NPT_LEVEL_PML4) + NPT_INDEX_BITS == NPT_GPA_BITS,
               "the PML4 index is GPA bits 47:39");
_Static_assert(NPT_PAGE_SIZE_4K == GUEST_PAGE_SIZE && NPT_PAGE_SIZE_2M == GUEST_LARGE_PAGE_SIZE,
               "leaf sizes match guest_memory's page sizes");
_Static_assert(NPT_ADDR_MASK == (((1ull << NPT_PHYS_ADDR_BITS) - 1) & ~(NPT_PAGE_SIZE_4K - 1)),
               "entry address is bits 51:12");
_Static_assert(NPT_ADDR_MASK_2M == (NPT_ADDR_MASK & ~(NPT_PAGE_SIZE_2M - 1)),
               "a 2 MiB page's address is bits 51:21");

/* ---- The builder. */

/* Built nested page tables. Tables are identity-mapped pages (host-physical == pointer). */
struct npt {
    uint64_t pml4;      /* host-physical address of the PML4 table: N_CR3 */
    size_t table_pages; /* paging-structure pages allocated (PML4 included) */
    size_t pages_4k;    /* leaf PTEs written */
    size_t pages_2m;    /* leaf 2 MiB PDEs written */
};

/* Map every chunk of m, and nothing else, present/writable/user, executable, write-back:
 * `large` chunks with 2 MiB PDEs when allow_2m, all else with 4 KiB PTEs. Tables come
 * from alloc(ctx, 1, 1). Returns 0, NPT_BUILD_NO_MEMORY when alloc fails, or
 * NPT_BUILD_BAD_MAP when the map is malformed (chunks overlap, are misaligned, or reach
 * past the 48-bit GPA range). On failure the tables allocated so far stay allocated (the
 * caller rolls the pool back, hypervisor/memory.h). */
#define NPT_BUILD_NO_MEMORY (-1)
#define NPT_BUILD_BAD_MAP   (-2)
int npt_build(struct npt *npt, const struct guest_memory *m, bool allow_2m,
              page_source_fn alloc, void *ctx);

/* The N_CR3 value for the VMCB: the PML4 address, PWT = PCD = 0 (write-back tables). */
uint64_t npt_n_cr3(const struct npt *npt);

/* Result of a software walk, as the CPU would do it. */
struct npt_walk {
    bool mapped;        /* a present leaf maps gpa */
    uint64_t hpa;       /* host-physical address of gpa (when mapped) */
    uint64_t page_size; /* 4 KiB, 2 MiB or 1 GiB (when mapped) */
    bool write, user;   /* effective R/W and U/S: AND over every entry walked */
    bool execute;       /* no entry on the walk has NX */
    unsigned level;     /* where the walk stopped: 4 = PML4 .. 1 = PT; 0 = not walked */
    uint64_t entry;     /* the last entry read (0 when level is 0) */
};

/* Walk npt's tables for gpa. Used by unit tests and by the nested-page-fault report. */
struct npt_walk npt_translate(const struct npt *npt, uint64_t gpa);

#endif /* HVLAB_ARCH_X86_64_NPT_H */
