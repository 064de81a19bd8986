/*
 * guest_walk.h - translate a guest-linear address through the guest's own page tables as
 * the CPU would for one access: the access-rights checks (U/S, R/W, NX, WP, SMEP, SMAP),
 * the reserved bits, the page-fault error code, and the accessed/dirty bits. hvlab needs it
 * to emulate string I/O and MMIO instructions with guest paging on, and to read the
 * instruction bytes behind an exit (guest_fetch.c, translation only).
 *
 * Paging modes (SDM Vol. 3A, "Paging Modes and Control Bits", "32-Bit Paging", "PAE
 * Paging", "4-Level Paging and 5-Level Paging"): none (CR0.PG = 0), 32-bit (CR4.PAE = 0,
 * 4 KiB and, with CR4.PSE, 4 MiB pages incl. PSE-36), PAE (2 MiB pages) and 4-level
 * (EFER.LMA = 1, 2 MiB and 1 GiB pages). 5-level paging (CR4.LA57) is not offered to
 * guests (cr_policy.c); nor are protection keys (no PK error bit) or implicit supervisor
 * accesses (descriptor-table reads), which hvlab does not emulate.
 *
 * One walk translates one address. An access that crosses a page boundary is the caller's
 * job: guest_walk_span() walks each page it touches and reports the first fault. Segment
 * checks, canonical-address #GP/#SS and alignment checks come before paging and are the
 * caller's job too.
 */
#ifndef HVLAB_GUEST_WALK_H
#define HVLAB_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* The guest state that chooses the paging mode, the top table and the access rights. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t rflags;         /* EFLAGS.AC matters for SMAP */
    unsigned phys_addr_bits; /* the guest's MAXPHYADDR (CPUID 80000008H:EAX[7:0]); 0: 52 */
};

/* The access being made. See: SDM Vol. 3A, "Access Rights" (CPL 3 is a user-mode access,
 * CPL 0-2 supervisor-mode). TRANSLATE checks nothing and sets no A/D bit: for bytes the
 * CPU itself already fetched, whose checks already passed. */
enum guest_access_kind {
    GUEST_ACCESS_READ,
    GUEST_ACCESS_WRITE,
    GUEST_ACCESS_FETCH,
    GUEST_ACCESS_TRANSLATE,
};

struct guest_access {
    enum guest_access_kind kind;
    bool user; /* CPL = 3 */
};

/* #PF error code. See: SDM Vol. 3A, "Page-Fault Exceptions", figure "Page-Fault Error Code".
 * Bit 5 (PK), 6 (SS), 15 (SGX) are never reported: hvlab offers none of those features. */
#define PF_ERR_PRESENT (1u << 0) /* P: 0 = not present, 1 = protection or reserved bit */
#define PF_ERR_WRITE   (1u << 1) /* W/R: the access was a write */
#define PF_ERR_USER    (1u << 2) /* U/S: the access was user-mode (CPL 3) */
#define PF_ERR_RSVD    (1u << 3) /* RSVD: a reserved bit was set in an entry */
#define PF_ERR_FETCH   (1u << 4) /* I/D: instruction fetch (with SMEP, or PAE and NXE) */

enum guest_walk_status {
    GUEST_WALK_OK,
    GUEST_WALK_PAGE_FAULT,  /* inject #PF with error_code; CR2 = fault_linear */
    GUEST_WALK_OUTSIDE_RAM, /* a paging-structure entry is not in guest RAM: stop the guest */
    GUEST_WALK_BAD_LENGTH,  /* guest_walk_span: len not 1..GUEST_SPAN_BYTES_MAX */
};

struct guest_walk_result {
    enum guest_walk_status status;
    uint64_t gpa;          /* OK: the guest-physical address */
    uint64_t page_size;    /* OK: 4 KiB, 2 MiB, 4 MiB or 1 GiB; 4 KiB with paging off */
    uint32_t error_code;   /* PAGE_FAULT: PF_ERR_* */
    uint64_t fault_linear; /* PAGE_FAULT: the linear address for CR2 */
    const char *why;       /* not OK: a reason for reports */
};

/* Walk `linear` for access `a`. On success, and only then, the accessed flag is set in
 * every entry used and the dirty flag in the leaf on a write, in guest memory. */
enum guest_walk_status guest_walk_access(const struct guest_memory *mem,
                                         const struct guest_paging *p, uint64_t linear,
                                         const struct guest_access *a,
                                         struct guest_walk_result *r);

/* An access of len bytes at linear may touch two pages: each page's piece. */
#define GUEST_SPAN_BYTES_MAX GUEST_PAGE_SIZE
#define GUEST_SPAN_PIECES    2
struct guest_span {
    unsigned count;
    struct {
        uint64_t gpa, len;
    } piece[GUEST_SPAN_PIECES];
};

/* Walk every page of [linear, linear + len) in order. The first failure is returned in r
 * (for a fault on the second page, CR2 is that page's first byte) and no A/D bit is set;
 * when all pages pass, A/D bits are set for each. r->gpa is the first piece's. */
enum guest_walk_status guest_walk_span(const struct guest_memory *mem,
                                       const struct guest_paging *p, uint64_t linear,
                                       uint64_t len, const struct guest_access *a,
                                       struct guest_span *s, struct guest_walk_result *r);

/* Translation only (GUEST_ACCESS_TRANSLATE): the guest-physical address of `linear` in
 * *gpa; false (with *why, if why is not NULL) if an entry is not present or outside RAM. */
bool guest_walk(const struct guest_memory *mem, const struct guest_paging *p, uint64_t linear,
                uint64_t *gpa, const char **why);

#endif
