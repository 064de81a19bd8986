/*
 * ept.h - Extended Page Tables (EPT): the format of EPT paging-structure entries and of
 * the EPT pointer (EPTP), a builder that turns the guest-physical map of
 * hypervisor/guest_memory.h into 4-level EPT, and a software walk of the result.
 *
 * EPT is the second stage of address translation under VT-x: the guest's own paging turns
 * a linear address into a guest-physical address (GPA); EPT turns the GPA into a
 * host-physical address (HPA). A GPA that EPT does not map causes an "EPT violation" exit.
 *
 * Follows: SDM Vol. 3C, "EPT Translation Mechanism" (entry formats: Tables "Format of an
 * EPT PML4 Entry (PML4E) that References an EPT Page-Directory-Pointer Table", "Format of
 * an EPT Page-Directory Entry (PDE) that Maps a 2-MByte Page", "Format of an EPT
 * Page-Table Entry that Maps a 4-KByte Page"), "Format of Extended-Page-Table Pointer",
 * "EPT and Memory Typing", "Accessed and Dirty Flags for EPT", "EPT Misconfigurations".
 * Revision pinned in docs/manuals.md.
 *
 * How a 4-level walk splits a guest-physical address
 * (See: SDM Vol. 3C, "Translation of Guest-Physical Addresses Using EPT"):
 *
 *    63      48 47      39 38      30 29      21 20      12 11           0
 *   +----------+----------+----------+----------+----------+--------------+
 *   | not      |  PML4    |  PDPT    |   PD     |   PT     | offset in    |
 *   | walked   |  index   |  index   |  index   |  index   | the 4K page  |
 *   +----------+----------+----------+----------+----------+--------------+
 *                level 4    level 3    level 2    level 1
 *
 *   A PDE with EPT_LARGE_PAGE set is a leaf: bits 20:0 are then the offset in a 2 MiB page.
 *   EPTP -> PML4 table -> PDPT -> PD -> PT -> 4 KiB page; each table is one 4 KiB page of
 *   512 eight-byte entries, indexed by 9 bits of the GPA.
 *
 * An EPT paging-structure entry (a PTE, or a PDE that maps a 2 MiB page; "leaf" fields
 * are reserved or ignored in an entry that points to the next table):
 *
 *    63  62   52 51                  12 11  10   9   8   7    6   5  3   2   1   0
 *   +---+-------+----------------------+---+----+---+---+----+----+----+---+---+---+
 *   |SVE|ignored| physical address     |ign| UX | D | A | PS |IPAT| MT | X | W | R |
 *   +---+-------+----------------------+---+----+---+---+----+----+----+---+---+---+
 *
 *   R W X   read / write / execute allowed; all three clear = not present
 *   MT      leaf: memory type of the page (enum ept_memory_type)
 *   IPAT    leaf: ignore the guest's PAT, use MT alone
 *   PS      PDE: 1 = this entry maps a 2 MiB page (must be 0 in a PML4E)
 *   A D     accessed (any entry) / dirty (leaf), set by the CPU when EPTP enables A/D
 *   UX      user-mode execute (only with mode-based execute control)
 *   address next table, or the page (2 MiB page: bits 51:21)
 *   SVE     leaf: suppress #VE (only with EPT-violation #VE)
 *   62:52   ignored here (57-61 belong to extensions hvlab does not enable)
 *
 * "Not present" means bits 2:0 are all zero. In a non-leaf entry bits 7:3 must be zero
 * (an EPT misconfiguration otherwise). hvlab only maps guest RAM, RWX, write-back.
 */
#ifndef HVLAB_ARCH_X86_64_EPT_H
#define HVLAB_ARCH_X86_64_EPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* ---- Paging-structure entry bits. See: SDM Vol. 3C, "EPT Translation Mechanism" */
#define EPT_READ          (1ull << 0) /* reads allowed from the region */
#define EPT_WRITE         (1ull << 1) /* writes allowed to the region */
#define EPT_EXECUTE       (1ull << 2) /* instruction fetches allowed from the region */
#define EPT_MEMTYPE_SHIFT 3           /* leaf bits 5:3: enum ept_memory_type of the page */
#define EPT_MEMTYPE_MASK  (7ull << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT    (1ull << 6)  /* leaf: use the EPT memory type alone, not with PAT */
#define EPT_LARGE_PAGE    (1ull << 7)  /* PDE: maps a 2 MiB page (PDPTE: 1 GiB) */
#define EPT_ACCESSED      (1ull << 8)  /* set by the CPU when EPT A/D flags are enabled */
#define EPT_DIRTY         (1ull << 9)  /* leaf: set on write when EPT A/D flags are enabled */
#define EPT_USER_EXECUTE  (1ull << 10) /* user-mode fetches (mode-based execute control only) */
#define EPT_SUPPRESS_VE   (1ull << 63) /* leaf: no #VE for violations on this page */

#define EPT_RWX              (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_PRESENT_MASK     EPT_RWX        /* an entry with bits 2:0 clear is not present */
#define EPT_NONLEAF_RESERVED (0x1Full << 3) /* bits 7:3 must be 0 in a non-leaf entry */

/* Physical address in an entry: bits (N-1):12 where N is the physical-address width,
 * at most 52, so bits 51:12. A 2 MiB page's address is bits 51:21 (20:12 reserved). */
#define EPT_PHYS_ADDR_BITS 52
#define EPT_ADDR_MASK      0x000FFFFFFFFFF000ull /* bits 51:12 */
#define EPT_ADDR_MASK_2M   0x000FFFFFFFE00000ull /* bits 51:21 */

/* ---- Table geometry.
 * See: SDM Vol. 3C, "Translation of Guest-Physical Addresses Using EPT" */
#define EPT_TABLE_SIZE    4096u /* every paging structure is one 4 KiB page */
#define EPT_TABLE_ENTRIES 512u  /* of 8-byte entries */
#define EPT_INDEX_BITS    9     /* GPA bits per level */
#define EPT_INDEX_MASK    0x1FFull
#define EPT_PAGE_SHIFT    12 /* bits 11:0: offset in a 4 KiB page */
#define EPT_LEVELS        4  /* PML4, PDPT, PD, PT */
#define EPT_LEVEL_PML4    4
#define EPT_LEVEL_PDPT    3
#define EPT_LEVEL_PD      2
#define EPT_LEVEL_PT      1
#define EPT_GPA_BITS      48 /* a 4-level walk translates GPA bits 47:0 */

/* First GPA bit indexing the table at `level` (1 = PT: 12, 2 = PD: 21, 3: 30, 4: 39);
 * it is also log2 of the region one entry at that level covers. */
#define EPT_LEVEL_SHIFT(level) (EPT_PAGE_SHIFT + ((level)-1) * EPT_INDEX_BITS)
#define EPT_PAGE_SIZE_4K       (1ull << EPT_LEVEL_SHIFT(EPT_LEVEL_PT))
#define EPT_PAGE_SIZE_2M       (1ull << EPT_LEVEL_SHIFT(EPT_LEVEL_PD))

/* Index into the table at `level` for a guest-physical address. */
static inline unsigned ept_index(uint64_t gpa, unsigned level)
{
    return (unsigned)((gpa >> EPT_LEVEL_SHIFT(level)) & EPT_INDEX_MASK);
}

/* ---- Memory types: leaf bits 5:3 and EPTP bits 2:0. Other values are reserved (an EPT
 * misconfiguration in a leaf). See: SDM Vol. 3C, "EPT and Memory Typing";
 * Vol. 3A, "Methods of Caching Available" */
enum ept_memory_type {
    EPT_MT_UC = 0, /* uncacheable */
    EPT_MT_WC = 1, /* write combining */
    EPT_MT_WT = 4, /* write-through */
    EPT_MT_WP = 5, /* write-protected */
    EPT_MT_WB = 6, /* write-back: what guest RAM uses */
};

/* ---- EPT pointer (VMCS field "EPT pointer").
 * See: SDM Vol. 3C, "Format of Extended-Page-Table Pointer"
 *
 *    63      52 51                   12 11    8  7    6   5        3 2       0
 *   +----------+-----------------------+-------+----+----+----------+---------+
 *   | reserved | PML4 table address    | rsvd  | SS | AD | walk - 1 | memtype |
 *   +----------+-----------------------+-------+----+----+----------+---------+
 */
#define EPTP_MEMTYPE_MASK      0x7ull /* bits 2:0: memory type of the EPT tables */
#define EPTP_WALK_LENGTH_SHIFT 3      /* bits 5:3: page-walk length minus one */
#define EPTP_WALK_LENGTH_MASK  (7ull << EPTP_WALK_LENGTH_SHIFT)
#define EPTP_ENABLE_AD         (1ull << 6)   /* CPU sets accessed/dirty flags in EPT entries */
#define EPTP_ENFORCE_SSS       (1ull << 7)   /* supervisor shadow-stack access rights */
#define EPTP_PML4_MASK         EPT_ADDR_MASK /* bits 51:12: physical address of the PML4 */

_Static_assert(EPT_TABLE_ENTRIES * sizeof(uint64_t) == EPT_TABLE_SIZE,
               "an EPT table is 512 eight-byte entries in one 4 KiB page");
_Static_assert(EPT_TABLE_ENTRIES == 1u << EPT_INDEX_BITS, "9 GPA bits index a table");
_Static_assert(EPT_LEVEL_SHIFT(EPT_LEVEL_PML4) + EPT_INDEX_BITS == EPT_GPA_BITS,
               "the PML4 index is GPA bits 47:39");
_Static_assert(EPT_PAGE_SIZE_4K == GUEST_PAGE_SIZE && EPT_PAGE_SIZE_2M == GUEST_LARGE_PAGE_SIZE,
               "EPT leaf sizes match guest_memory's page sizes");
_Static_assert(EPT_ADDR_MASK == (((1ull << EPT_PHYS_ADDR_BITS) - 1) & ~(EPT_PAGE_SIZE_4K - 1)),
               "entry address is bits 51:12");
_Static_assert(EPT_ADDR_MASK_2M == (EPT_ADDR_MASK & ~(EPT_PAGE_SIZE_2M - 1)),
               "a 2 MiB page's address is bits 51:21");
_Static_assert(EPT_MEMTYPE_MASK == 0x38ull && EPT_LARGE_PAGE == 0x80ull,
               "memory type is bits 5:3, large page is bit 7");

/* ---- The builder. */

/* A built EPT hierarchy. Tables are identity-mapped pages (host-physical == pointer). */
struct ept {
    uint64_t pml4;      /* host-physical address of the PML4 table */
    size_t table_pages; /* paging-structure pages allocated (PML4 included) */
    size_t pages_4k;    /* leaf PTEs written */
    size_t pages_2m;    /* leaf 2 MiB PDEs written */
};

/* Map every chunk of m, and nothing else, read/write/execute with memory type WB: `large`
 * chunks with 2 MiB PDEs when allow_2m (see ept_caps_allow_2m), all else with 4 KiB PTEs.
 * Tables come from alloc(ctx, 1, 1). Returns 0, EPT_BUILD_NO_MEMORY when alloc fails,
 * or EPT_BUILD_BAD_MAP when the map is malformed (chunks overlap, are misaligned, or reach
 * past the 48-bit GPA range). On failure the tables allocated so far stay allocated (the
 * pool is not given back: the caller rolls it back, hypervisor/memory.h). */
#define EPT_BUILD_NO_MEMORY (-1)
#define EPT_BUILD_BAD_MAP   (-2)
int ept_build(struct ept *ept, const struct guest_memory *m, bool allow_2m,
              page_source_fn alloc, void *ctx);

/* The EPTP to write into the VMCS: WB tables, 4-level walk, PML4 address; A/D flags only
 * when enable_ad (the CPU must report EPT_CAP_ACCESSED_DIRTY). */
uint64_t ept_pointer(const struct ept *ept, bool enable_ad);

/* Result of a software walk, as the CPU would do it. */
struct ept_walk {
    bool mapped;               /* a leaf maps gpa */
    uint64_t hpa;              /* host-physical address of gpa (when mapped) */
    uint64_t page_size;        /* 4 KiB or 2 MiB (when mapped) */
    bool read, write, execute; /* effective rights: AND over every entry walked */
    unsigned memory_type;      /* enum ept_memory_type of the leaf (when mapped) */
    unsigned level;            /* level where the walk stopped: 4 = PML4 .. 1 = PT;
                           * 0 = not walked, gpa is beyond the 48-bit range */
    uint64_t entry;            /* the last entry read (0 when level is 0) */
};

/* Walk ept's tables for gpa. Used by unit tests and by the EPT-violation report. */
struct ept_walk ept_translate(const struct ept *ept, uint64_t gpa);

/* "UC", "WC", "WT", "WP", "WB", or "reserved". */
const char *ept_memory_type_name(unsigned type);

/* Does IA32_VMX_EPT_VPID_CAP allow hvlab's EPT (page-walk length 4, WB tables)?
 * If not, why names every missing capability. */
bool ept_caps_sufficient(uint64_t ept_vpid_cap, char *why, size_t why_len);

/* May a PDE map a 2 MiB page? Pass the answer to ept_build as allow_2m. */
bool ept_caps_allow_2m(uint64_t ept_vpid_cap);

#endif /* HVLAB_ARCH_X86_64_EPT_H */
