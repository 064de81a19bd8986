/*
 * test_guest_walk.c - Host unit tests for the guest page walk (hypervisor/guest_walk.c):
 * page tables built by hand in guest RAM for each paging mode, entry formats written out
 * from SDM Vol. 3A ("32-Bit Paging", "PAE Paging", "4-Level Paging"), not from the code.
 * The access checks follow "Determination of Access Rights", the error codes "Page-Fault
 * Error Code", the A/D bits "Accessed and Dirty Flags".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hypervisor/guest_walk.h"
#include "tests/unit/host_pages.h"

#define RAM_SIZE  (8ull << 20)
#define P         0x1ull /* present */
#define RW        0x2ull
#define US        0x4ull    /* user */
#define A         0x20ull   /* accessed */
#define D         0x40ull   /* dirty */
#define PS        0x80ull   /* large page */
#define PAT_LARGE 0x1000ull /* PAT of a 2 MiB / 4 MiB / 1 GiB page: not reserved */
#define XD        (1ull << 63)
#define CR0_PE_PG 0x80000001ull
#define CR0_WP    0x10000ull
#define CR4_PSE   0x10ull
#define CR4_PAE   0x20ull
#define CR4_SMEP  0x100000ull
#define CR4_SMAP  0x200000ull
#define EFER_LMA  0x400ull
#define EFER_NXE  0x800ull
#define EFLAGS_AC 0x40000ull
/* #PF error code: P, W/R, U/S, RSVD, I/D (bits 0-4). */
#define E_P       0x1u
#define E_W       0x2u
#define E_U       0x4u
#define E_RSVD    0x8u
#define E_ID      0x10u

enum { RD = GUEST_ACCESS_READ, WR = GUEST_ACCESS_WRITE, EX = GUEST_ACCESS_FETCH };
enum { SUP = 0, USR = 1 };

struct fixture {
    struct host_pages src;
    struct guest_memory mem;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[128];
    assert_int_equal(
        guest_memory_create(&f->mem, RAM_SIZE, host_pages_alloc, &f->src, why, sizeof(why)), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    host_pages_free_all(&f->src);
    free(f);
    return 0;
}

static void put32(struct fixture *f, uint64_t gpa, uint32_t v)
{
    assert_int_equal(guest_memory_write(&f->mem, gpa, &v, 4), 0);
}

static void put64(struct fixture *f, uint64_t gpa, uint64_t v)
{
    assert_int_equal(guest_memory_write(&f->mem, gpa, &v, 8), 0);
}

static uint64_t walk_ok(struct fixture *f, const struct guest_paging *p, uint64_t linear)
{
    uint64_t gpa = 0;
    const char *why = 0;
    if (!guest_walk(&f->mem, p, linear, &gpa, &why))
        fail_msg("walk of 0x%llx failed: %s", (unsigned long long)linear, why);
    return gpa;
}

static void walk_fails(struct fixture *f, const struct guest_paging *p, uint64_t linear,
                       const char *reason)
{
    uint64_t gpa;
    const char *why = 0;
    assert_false(guest_walk(&f->mem, p, linear, &gpa, &why));
    assert_string_equal(why, reason);
}

static void test_paging_off_is_identity(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = {.cr0 = 1};
    assert_int_equal(walk_ok(f, &p, 0x123456), 0x123456);
}

/* 32-bit paging: PD at 0x10000; 0xC0001234 -> PDE 0x300 -> PT 0x11000 -> PTE 1 -> 0x5000. */
static void test_32bit_4k_and_4m(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = {.cr0 = CR0_PE_PG, .cr3 = 0x10000};
    put32(f, 0x10000 + 0x300 * 4, 0x11000 | P | RW);
    put32(f, 0x11000 + 1 * 4, 0x5000 | P);
    assert_int_equal(walk_ok(f, &p, 0xC0001234), 0x5234);
    walk_fails(f, &p, 0xC0002000, "PTE not present");
    walk_fails(f, &p, 0x00400000, "PDE not present");

    /* PDE 1 with PS and CR4.PSE: a 4 MiB page at 0x400000; bits 20:13 are PA 39:32. */
    put32(f, 0x10000 + 1 * 4, 0x400000 | PS | P | (1u << 13));
    p.cr4 = CR4_PSE;
    assert_int_equal(walk_ok(f, &p, 0x00523456), 0x100523456ull);
    p.cr4 = 0; /* without PSE, PS is ignored: the PDE points at a (zeroed) page table */
    walk_fails(f, &p, 0x00400000, "PTE not present");
}

/* PAE: PDPT at 0x20000 (32-byte aligned), PDPTE 3 -> PD 0x21000 -> PDE 0 = 2 MiB page. */
static void test_pae_2m_and_4k(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = {.cr0 = CR0_PE_PG, .cr3 = 0x20000, .cr4 = CR4_PAE};
    put64(f, 0x20000 + 3 * 8, 0x21000 | P);
    put64(f, 0x21000 + 0 * 8, 0x600000 | PS | P);
    assert_int_equal(walk_ok(f, &p, 0xC0012345), 0x612345);
    put64(f, 0x21000 + 1 * 8, 0x22000 | P); /* PDE 1 -> PT -> PTE 2 */
    put64(f, 0x22000 + 2 * 8, 0x7000 | P);
    assert_int_equal(walk_ok(f, &p, 0xC0202ABC), 0x7ABC);
    walk_fails(f, &p, 0x00000000, "PDPTE not present");
    put64(f, 0x21000 + 2 * 8, 0x7FFFF000 | P); /* a page table outside 8 MiB of RAM */
    walk_fails(f, &p, 0xC0400000, "paging structure outside guest RAM");
}

/* 4-level: PML4 0x30000 -> PDPT 0x31000 (1 GiB page at entry 1) and PD 0x32000. */
static void test_4level(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = {
        .cr0 = CR0_PE_PG, .cr3 = 0x30000, .cr4 = CR4_PAE, .efer = EFER_LMA};
    put64(f, 0x30000 + 0 * 8, 0x31000 | P);
    put64(f, 0x31000 + 1 * 8, 0x40000000 | PS | P);
    assert_int_equal(walk_ok(f, &p, 0x4ABCDEF0), 0x4ABCDEF0);
    put64(f, 0x31000 + 0 * 8, 0x32000 | P);
    put64(f, 0x32000 + 0 * 8, 0x200000 | PS | P);
    assert_int_equal(walk_ok(f, &p, 0x1234), 0x201234);
    walk_fails(f, &p, 0x8000000000ull, "PML4E not present"); /* PML4 entry 1 */
    walk_fails(f, &p, 0x80000000, "PDPTE not present");
}

static uint64_t get64(struct fixture *f, uint64_t gpa)
{
    uint64_t v;
    assert_int_equal(guest_memory_read(&f->mem, gpa, &v, 8), 0);
    return v;
}

static uint32_t get32(struct fixture *f, uint64_t gpa)
{
    uint32_t v;
    assert_int_equal(guest_memory_read(&f->mem, gpa, &v, 4), 0);
    return v;
}

static struct guest_walk_result access(struct fixture *f, const struct guest_paging *p,
                                       uint64_t linear, int kind, int user)
{
    struct guest_access a = {.kind = (enum guest_access_kind)kind, .user = user};
    struct guest_walk_result r;
    enum guest_walk_status status = guest_walk_access(&f->mem, p, linear, &a, &r);
    assert_int_equal(status, r.status);
    return r;
}

static void access_ok(struct fixture *f, const struct guest_paging *p, uint64_t linear,
                      int kind, int user, uint64_t gpa)
{
    struct guest_walk_result r = access(f, p, linear, kind, user);
    if (r.status != GUEST_WALK_OK)
        fail_msg("access %d/%d of 0x%llx failed: %s (error 0x%x)", kind, user,
                 (unsigned long long)linear, r.why, r.error_code);
    assert_int_equal(r.gpa, gpa);
}

static void access_faults(struct fixture *f, const struct guest_paging *p, uint64_t linear,
                          int kind, int user, uint32_t error_code)
{
    struct guest_walk_result r = access(f, p, linear, kind, user);
    if (r.status != GUEST_WALK_PAGE_FAULT)
        fail_msg("access %d/%d of 0x%llx: status %d, not a #PF", kind, user,
                 (unsigned long long)linear, r.status);
    assert_int_equal(r.error_code, error_code);
    assert_int_equal(r.fault_linear, linear);
    assert_non_null(r.why);
}

/* 4-level: 0x40201123 -> PML4[0] 0x30000 -> PDPT[1] 0x31000 -> PD[1] 0x32000 -> PT[1]
 * 0x33000 -> page 0x100000. flags[0] is the PML4E's, flags[3] the PTE's. */
#define L4_LINEAR 0x40201123ull
#define L4_GPA    0x100123ull
#define L4_PML4E  (0x30000ull + 0 * 8)
#define L4_PDPTE  (0x31000ull + 1 * 8)
#define L4_PDE    (0x32000ull + 1 * 8)
#define L4_PTE    (0x33000ull + 1 * 8)

static struct guest_paging map4(struct fixture *f, const uint64_t flags[4])
{
    put64(f, L4_PML4E, 0x31000 | flags[0]);
    put64(f, L4_PDPTE, 0x32000 | flags[1]);
    put64(f, L4_PDE, 0x33000 | flags[2]);
    put64(f, L4_PTE, 0x100000 | flags[3]);
    return (struct guest_paging){.cr0 = CR0_PE_PG,
                                 .cr3 = 0x30000,
                                 .cr4 = CR4_PAE,
                                 .efer = EFER_LMA,
                                 .phys_addr_bits = 36};
}

static struct guest_paging map4_all(struct fixture *f, uint64_t flags)
{
    const uint64_t all[4] = {flags, flags, flags, flags};
    return map4(f, all);
}

/* 32-bit: 0x00401234 -> PD 0x10000 [1] -> PT 0x11000 [1] -> page 0x5000. */
#define L2_LINEAR 0x00401234ull
#define L2_GPA    0x5234ull
#define L2_PDE    (0x10000ull + 1 * 4)
#define L2_PTE    (0x11000ull + 1 * 4)

static struct guest_paging map2(struct fixture *f, uint32_t pde_flags, uint32_t pte_flags)
{
    put32(f, L2_PDE, 0x11000 | pde_flags);
    put32(f, L2_PTE, 0x5000 | pte_flags);
    return (struct guest_paging){.cr0 = CR0_PE_PG, .cr3 = 0x10000, .phys_addr_bits = 36};
}

/* PAE: 0x40403045 -> PDPT 0x20000 [1] -> PD 0x21000 [2] -> PT 0x22000 [3] -> page 0x7000. */
#define L3_LINEAR 0x40403045ull
#define L3_GPA    0x7045ull
#define L3_PDPTE  (0x20000ull + 1 * 8)
#define L3_PDE    (0x21000ull + 2 * 8)
#define L3_PTE    (0x22000ull + 3 * 8)

static struct guest_paging map3(struct fixture *f, uint64_t pdpte_flags, uint64_t pde_flags,
                                uint64_t pte_flags)
{
    put64(f, L3_PDPTE, 0x21000 | pdpte_flags);
    put64(f, L3_PDE, 0x22000 | pde_flags);
    put64(f, L3_PTE, 0x7000 | pte_flags);
    return (struct guest_paging){
        .cr0 = CR0_PE_PG, .cr3 = 0x20000, .cr4 = CR4_PAE, .phys_addr_bits = 36};
}

/* U/S and R/W count only when 1 in every entry: clearing either in any one level of a
 * 4-level walk takes user access (or writes) away. */
static void test_4level_rights_combined(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW | US);
    access_ok(f, &p, L4_LINEAR, RD, USR, L4_GPA);
    access_ok(f, &p, L4_LINEAR, WR, USR, L4_GPA);
    for (int level = 0; level < 4; level++) {
        uint64_t no_user[4] = {P | RW | US, P | RW | US, P | RW | US, P | RW | US};
        no_user[level] = P | RW;
        p = map4(f, no_user);
        access_faults(f, &p, L4_LINEAR, RD, USR, E_P | E_U);
        access_faults(f, &p, L4_LINEAR, WR, USR, E_P | E_W | E_U);
        access_ok(f, &p, L4_LINEAR, WR, SUP, L4_GPA);

        uint64_t read_only[4] = {P | RW | US, P | RW | US, P | RW | US, P | RW | US};
        read_only[level] = P | US;
        p = map4(f, read_only);
        access_ok(f, &p, L4_LINEAR, RD, USR, L4_GPA);
        access_faults(f, &p, L4_LINEAR, WR, USR, E_P | E_W | E_U);
        p.cr0 |= CR0_WP;
        access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W);
    }
}

static void test_32bit_rights_and_4m(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map2(f, P | RW, P | RW | US); /* PDE supervisor-only */
    access_faults(f, &p, L2_LINEAR, RD, USR, E_P | E_U);
    access_ok(f, &p, L2_LINEAR, RD, SUP, L2_GPA);
    p = map2(f, P | US, P | RW | US); /* PDE read-only */
    access_ok(f, &p, L2_LINEAR, RD, USR, L2_GPA);
    access_faults(f, &p, L2_LINEAR, WR, USR, E_P | E_W | E_U);
    p = map2(f, P | RW | US, P | RW | US);
    access_ok(f, &p, L2_LINEAR, WR, USR, L2_GPA);
    access_faults(f, &p, 0x00402000, RD, USR, E_U); /* PTE 2 not present */

    /* A 4 MiB page: its PDE alone decides; the page is 4 MiB. */
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | US);
    p.cr4 = CR4_PSE;
    struct guest_walk_result r = access(f, &p, 0x00812345, RD, USR);
    assert_int_equal(r.status, GUEST_WALK_OK);
    assert_int_equal(r.gpa, 0x412345);
    assert_int_equal(r.page_size, 4ull << 20);
    access_faults(f, &p, 0x00812345, WR, USR, E_P | E_W | E_U);
    r = access(f, &p, L2_LINEAR, RD, USR);
    assert_int_equal(r.page_size, 4096);
}

/* PAE: PDPTEs carry no U/S or R/W (bits 2:1 are reserved), the PDE and PTE combine. */
static void test_pae_rights(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map3(f, P, P | RW | US, P | RW | US);
    access_ok(f, &p, L3_LINEAR, WR, USR, L3_GPA);
    p = map3(f, P, P | US, P | RW | US);
    access_faults(f, &p, L3_LINEAR, WR, USR, E_P | E_W | E_U);
    p = map3(f, P, P | RW | US, P | RW);
    access_faults(f, &p, L3_LINEAR, RD, USR, E_P | E_U);
    put64(f, 0x21000 + 3 * 8, 0x600000 | PS | P | US); /* PDE 3: a 2 MiB page */
    struct guest_walk_result r = access(f, &p, 0x40612345, RD, USR);
    assert_int_equal(r.status, GUEST_WALK_OK);
    assert_int_equal(r.gpa, 0x612345);
    assert_int_equal(r.page_size, 2ull << 20);
}

/* Supervisor writes to a read-only page: allowed with CR0.WP = 0, faulting with WP = 1. */
static void test_wp(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P);
    access_ok(f, &p, L4_LINEAR, WR, SUP, L4_GPA);
    assert_true(get64(f, L4_PTE) & D);
    p = map4_all(f, P);
    p.cr0 |= CR0_WP;
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W);
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA);
    p = map2(f, P, P); /* the same in 32-bit paging */
    access_ok(f, &p, L2_LINEAR, WR, SUP, L2_GPA);
    p.cr0 |= CR0_WP;
    access_faults(f, &p, L2_LINEAR, WR, SUP, E_P | E_W);
}

/* SMEP: no supervisor fetch from a user page; I/D is reported whenever SMEP is on. */
static void test_smep(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW | US);
    access_ok(f, &p, L4_LINEAR, EX, SUP, L4_GPA);
    p.cr4 |= CR4_SMEP;
    access_faults(f, &p, L4_LINEAR, EX, SUP, E_P | E_ID);
    access_ok(f, &p, L4_LINEAR, EX, USR, L4_GPA);
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA); /* data is not SMEP's business */
    const uint64_t sup_pdpte[4] = {P | RW | US, P | RW, P | RW | US, P | RW | US};
    p = map4(f, sup_pdpte);
    p.cr4 |= CR4_SMEP;
    access_ok(f, &p, L4_LINEAR, EX, SUP, L4_GPA); /* a supervisor page */
    access_faults(f, &p, L4_LINEAR, EX, USR, E_P | E_U | E_ID);

    p = map2(f, P | US, P | US); /* 32-bit paging: SMEP applies, I/D with it */
    p.cr4 = CR4_SMEP;
    access_faults(f, &p, L2_LINEAR, EX, SUP, E_P | E_ID);
    access_faults(f, &p, 0x00402000, EX, USR, E_U | E_ID);
    p.cr4 = 0;
    access_faults(f, &p, 0x00402000, EX, USR, E_U); /* no SMEP, no NX: no I/D */
}

/* SMAP: supervisor data accesses to user pages fault unless EFLAGS.AC = 1; with AC = 1
 * writes follow the R/W and WP rules. */
static void test_smap(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW | US);
    p.cr4 |= CR4_SMAP;
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P);
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W);
    access_ok(f, &p, L4_LINEAR, RD, USR, L4_GPA);
    access_ok(f, &p, L4_LINEAR, EX, SUP, L4_GPA); /* fetches are SMEP's */
    p.rflags = EFLAGS_AC;
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA);
    access_ok(f, &p, L4_LINEAR, WR, SUP, L4_GPA);

    const uint64_t ro_pte[4] = {P | RW | US, P | RW | US, P | RW | US, P | US};
    p = map4(f, ro_pte);
    p.cr4 |= CR4_SMAP;
    p.rflags = EFLAGS_AC;
    access_ok(f, &p, L4_LINEAR, WR, SUP, L4_GPA); /* WP = 0 */
    p.cr0 |= CR0_WP;
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W);
    p.rflags = 0;
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P);

    const uint64_t sup_pte[4] = {P | RW | US, P | RW | US, P | RW | US, P | RW};
    p = map4(f, sup_pte);
    p.cr4 |= CR4_SMAP;
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA); /* a supervisor page: SMAP allows */

    p = map2(f, P | RW | US, P | RW | US); /* 32-bit paging has SMAP too */
    p.cr4 = CR4_SMAP;
    access_faults(f, &p, L2_LINEAR, RD, SUP, E_P);
    p.rflags = EFLAGS_AC;
    access_ok(f, &p, L2_LINEAR, RD, SUP, L2_GPA);
}

/* NX: with EFER.NXE, XD = 1 in any entry forbids fetches; without NXE bit 63 is reserved. */
static void test_nx(void **state)
{
    struct fixture *f = *state;
    for (int level = 0; level < 4; level++) {
        uint64_t flags[4] = {P | RW | US, P | RW | US, P | RW | US, P | RW | US};
        flags[level] |= XD;
        struct guest_paging p = map4(f, flags);
        p.efer |= EFER_NXE;
        access_faults(f, &p, L4_LINEAR, EX, SUP, E_P | E_ID);
        access_faults(f, &p, L4_LINEAR, EX, USR, E_P | E_U | E_ID);
        access_ok(f, &p, L4_LINEAR, RD, USR, L4_GPA);
        access_ok(f, &p, L4_LINEAR, WR, USR, L4_GPA);
        p.efer &= ~EFER_NXE;
        access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);
        access_faults(f, &p, L4_LINEAR, EX, USR, E_P | E_U | E_RSVD); /* no I/D: NXE = 0 */
    }
    struct guest_paging p = map4_all(f, P | RW | US);
    p.efer |= EFER_NXE;
    access_ok(f, &p, L4_LINEAR, EX, USR, L4_GPA);
    access_faults(f, &p, 0x80000000, EX, USR, E_U | E_ID); /* not present, I/D with NXE */

    p = map3(f, P, P | RW | US, P | RW | US | XD); /* PAE */
    p.efer = EFER_NXE;
    access_faults(f, &p, L3_LINEAR, EX, USR, E_P | E_U | E_ID);
    access_ok(f, &p, L3_LINEAR, RD, USR, L3_GPA);
    p.efer = 0;
    access_faults(f, &p, L3_LINEAR, RD, USR, E_P | E_U | E_RSVD);
}

static void rsvd_4level(struct fixture *f, int level, uint64_t bit)
{
    uint64_t flags[4] = {P | RW, P | RW, P | RW, P | RW};
    flags[level] |= bit;
    struct guest_paging p = map4(f, flags);
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W | E_RSVD);
}

/* Reserved bits: above MAXPHYADDR, PS in a PML4E, the low bits of large pages, PAE PDPTE
 * bits; ignored bits, PAT and non-present entries are not checked. */
static void test_reserved_bits(void **state)
{
    struct fixture *f = *state;
    for (int level = 0; level < 4; level++) {
        rsvd_4level(f, level, 1ull << 36); /* MAXPHYADDR 36: bits 51:36 */
        rsvd_4level(f, level, 1ull << 51);
    }
    rsvd_4level(f, 0, PS);
    uint64_t ignored[4] = {P | RW | (1ull << 52), P | RW | (1ull << 62), P | RW, P | RW};
    struct guest_paging p = map4(f, ignored); /* 4-level: bits 62:52 are ignored */
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA);
    p.phys_addr_bits = 40; /* bit 36 is an address bit now (a page outside RAM is fine) */
    put64(f, L4_PTE, (1ull << 36) | 0x100000 | P);
    access_ok(f, &p, L4_LINEAR, RD, SUP, (1ull << 36) | L4_GPA);

    /* Large pages: PAT (bit 12) is fine, bits 13 and up to the address are reserved. */
    p = map4_all(f, P | RW);
    put64(f, L4_PDE, 0x200000 | PS | P | PAT_LARGE);
    access_ok(f, &p, L4_LINEAR, RD, SUP, 0x201123);
    put64(f, L4_PDE, 0x200000 | PS | P | (1ull << 13));
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);
    put64(f, L4_PDE, 0x200000 | PS | P | (1ull << 20));
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);
    put64(f, L4_PDPTE, 0x40000000 | PS | P | PAT_LARGE);
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_LINEAR);
    put64(f, L4_PDPTE, 0x40000000 | PS | P | (1ull << 29));
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);

    /* A reserved bit in a non-present entry is not looked at; above one it is found first. */
    put64(f, L4_PDPTE, (1ull << 40));
    access_faults(f, &p, L4_LINEAR, RD, SUP, 0);
    p = map4_all(f, P | RW);
    put64(f, L4_PML4E, 0x31000 | P | (1ull << 40));
    put64(f, L4_PTE, 0);
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);

    /* PAE: bits 62:M of PDEs and PTEs, and PDPTE bits 2:1, 8:5, 63:M. */
    p = map3(f, P, P | RW, P | RW | (1ull << 52));
    access_faults(f, &p, L3_LINEAR, RD, SUP, E_P | E_RSVD);
    p = map3(f, P, P | RW | (1ull << 36), P | RW);
    access_faults(f, &p, L3_LINEAR, RD, SUP, E_P | E_RSVD);
    const uint64_t pdpte_bits[] = {RW, US, A, PS, 1ull << 8, 1ull << 36, XD};
    for (size_t i = 0; i < sizeof(pdpte_bits) / sizeof(pdpte_bits[0]); i++) {
        p = map3(f, P | pdpte_bits[i], P | RW, P | RW);
        p.efer = EFER_NXE; /* even with NXE: a PDPTE has no XD */
        access_faults(f, &p, L3_LINEAR, RD, SUP, E_P | E_RSVD);
    }
    p = map3(f, P | 0x18, P | RW, P | RW); /* PWT and PCD are allowed */
    access_ok(f, &p, L3_LINEAR, RD, SUP, L3_GPA);

    /* 32-bit 4 MiB page, MAXPHYADDR 36: bits 16:13 are PA 35:32, 21:17 reserved. */
    p = map2(f, P | RW, P | RW);
    p.cr4 = CR4_PSE;
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | (1u << 16) | PAT_LARGE);
    access_ok(f, &p, 0x00812345, RD, SUP, (8ull << 32) | 0x412345);
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | (1u << 17));
    access_faults(f, &p, 0x00812345, RD, SUP, E_P | E_RSVD);
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | (1u << 21));
    access_faults(f, &p, 0x00812345, RD, SUP, E_P | E_RSVD);
    p.phys_addr_bits = 40; /* bit 17 is PA 36 now; bit 21 stays reserved */
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | (1u << 17));
    access_ok(f, &p, 0x00812345, RD, SUP, (16ull << 32) | 0x412345);
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | (1u << 21));
    access_faults(f, &p, 0x00812345, RD, SUP, E_P | E_RSVD);
    put32(f, L2_PTE, 0xFFFFF000u | 0xF00 | P); /* a 4 KiB PTE has no reserved bit */
    access_ok(f, &p, L2_LINEAR, RD, SUP, 0xFFFFF234);
}

/* Every error-code bit, alone and together. */
static void test_error_code_bits(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW);
    put64(f, L4_PTE, 0);
    access_faults(f, &p, L4_LINEAR, RD, SUP, 0);
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_W);
    access_faults(f, &p, L4_LINEAR, RD, USR, E_U);
    access_faults(f, &p, L4_LINEAR, EX, SUP, 0); /* no SMEP, no NXE: I/D is 0 */
    p.efer |= EFER_NXE;
    access_faults(f, &p, L4_LINEAR, EX, SUP, E_ID);
    put64(f, L4_PTE, 0x100000 | P | RW);
    access_faults(f, &p, L4_LINEAR, WR, USR, E_P | E_W | E_U);
    put64(f, L4_PTE, 0x100000 | P | RW | PS); /* PS in a PTE is PAT: fine */
    access_ok(f, &p, L4_LINEAR, WR, SUP, L4_GPA);
    put64(f, L4_PTE, 0x100000 | P | RW | (1ull << 45));
    access_faults(f, &p, L4_LINEAR, WR, USR, E_P | E_W | E_U | E_RSVD);
    access_faults(f, &p, L4_LINEAR, EX, USR, E_P | E_U | E_RSVD | E_ID);
    /* CR2 is the address as the mode sees it: 32 bits outside long mode. */
    p = map2(f, P, 0);
    struct guest_walk_result r = access(f, &p, 0x100000000ull | L2_LINEAR, RD, SUP);
    assert_int_equal(r.status, GUEST_WALK_PAGE_FAULT);
    assert_int_equal(r.fault_linear, L2_LINEAR);
}

/* A in every entry used and D in the leaf on a write, only on success; a translation sets
 * nothing; a PAE PDPTE has no A bit; 32-bit entries are written 4 bytes wide. */
static void test_accessed_dirty(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW | US);
    assert_true(guest_walk(&f->mem, &p, L4_LINEAR, &(uint64_t){0}, 0));
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P | RW | US); /* translation: untouched */
    access_ok(f, &p, L4_LINEAR, RD, USR, L4_GPA);
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P | RW | US | A);
    assert_int_equal(get64(f, L4_PDPTE), 0x32000 | P | RW | US | A);
    assert_int_equal(get64(f, L4_PDE), 0x33000 | P | RW | US | A);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW | US | A);
    access_ok(f, &p, L4_LINEAR, EX, USR, L4_GPA);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW | US | A);
    access_ok(f, &p, L4_LINEAR, WR, USR, L4_GPA);
    assert_int_equal(get64(f, L4_PDE), 0x33000 | P | RW | US | A); /* no D above the leaf */
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW | US | A | D);

    /* A write to a 2 MiB page dirties the PDE, its leaf. */
    p = map4_all(f, P | RW);
    put64(f, L4_PDE, 0x200000 | PS | P | RW | XD);
    p.efer |= EFER_NXE;
    access_ok(f, &p, L4_LINEAR, WR, SUP, 0x201123);
    assert_int_equal(get64(f, L4_PDE), 0x200000 | PS | P | RW | XD | A | D);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW); /* not used */

    /* Faults set nothing: protection, reserved bit, not present below. */
    p = map4_all(f, P);
    p.cr0 |= CR0_WP;
    access_faults(f, &p, L4_LINEAR, WR, SUP, E_P | E_W);
    access_faults(f, &p, L4_LINEAR, RD, USR, E_P | E_U);
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P);
    put64(f, L4_PTE, 0x100000 | P | (1ull << 40));
    access_faults(f, &p, L4_LINEAR, RD, SUP, E_P | E_RSVD);
    put64(f, L4_PTE, 0);
    access_faults(f, &p, L4_LINEAR, RD, SUP, 0);
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P);
    assert_int_equal(get64(f, L4_PDPTE), 0x32000 | P);
    assert_int_equal(get64(f, L4_PDE), 0x33000 | P);

    /* PAE: A in PDE and PTE, the PDPTE (bit 5 reserved) untouched. */
    p = map3(f, P, P | RW, P | RW);
    access_ok(f, &p, L3_LINEAR, WR, SUP, L3_GPA);
    assert_int_equal(get64(f, L3_PDPTE), 0x21000 | P);
    assert_int_equal(get64(f, L3_PDE), 0x22000 | P | RW | A);
    assert_int_equal(get64(f, L3_PTE), 0x7000 | P | RW | A | D);

    /* 32-bit: 4-byte entries; the neighbours stay as they were. */
    p = map2(f, P | RW, P | RW);
    put32(f, L2_PDE + 4, 0xDEAD0000);
    put32(f, L2_PTE + 4, 0xBEEF0000);
    access_ok(f, &p, L2_LINEAR, WR, SUP, L2_GPA);
    assert_int_equal(get32(f, L2_PDE), 0x11000 | P | RW | A);
    assert_int_equal(get32(f, L2_PTE), 0x5000 | P | RW | A | D);
    assert_int_equal(get32(f, L2_PDE + 4), 0xDEAD0000);
    assert_int_equal(get32(f, L2_PTE + 4), 0xBEEF0000);
    p.cr4 = CR4_PSE; /* and a 4 MiB leaf gets D */
    put32(f, 0x10000 + 2 * 4, 0x400000 | PS | P | RW);
    access_ok(f, &p, 0x00812345, WR, SUP, 0x412345);
    assert_int_equal(get32(f, 0x10000 + 2 * 4), 0x400000 | PS | P | RW | A | D);

    /* Bits already set stay set; paging off has no entries to mark. */
    p = map4_all(f, P | RW | A | D);
    access_ok(f, &p, L4_LINEAR, RD, SUP, L4_GPA);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW | A | D);
    struct guest_paging off = {.cr0 = 1, .cr4 = CR4_SMAP | CR4_SMEP};
    access_ok(f, &off, 0x3000, WR, SUP, 0x3000);
}

/* A table outside guest RAM stops the guest: not a #PF. */
static void test_table_outside_ram(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW);
    put64(f, L4_PDPTE, 0x7FF00000 | P | RW);
    struct guest_walk_result r = access(f, &p, L4_LINEAR, RD, SUP);
    assert_int_equal(r.status, GUEST_WALK_OUTSIDE_RAM);
    assert_string_equal(r.why, "paging structure outside guest RAM");
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P | RW); /* no A: the walk failed */
    p.cr3 = 0x7FF00000;
    assert_int_equal(access(f, &p, L4_LINEAR, RD, SUP).status, GUEST_WALK_OUTSIDE_RAM);
    p = map2(f, P, P);
    put32(f, L2_PDE, 0x7FF00000 | P);
    r = access(f, &p, L2_LINEAR, RD, SUP);
    assert_int_equal(r.status, GUEST_WALK_OUTSIDE_RAM);
    assert_string_equal(r.why, "page table outside guest RAM");
    p = map3(f, P, P, P);
    p.cr3 = 0x7FFFF000;
    assert_int_equal(access(f, &p, L3_LINEAR, RD, SUP).status, GUEST_WALK_OUTSIDE_RAM);
}

/* An access across a page boundary: each page walked, the first fault reported with CR2
 * at the failing page, and no A/D bit set unless every page passes. */
static void test_span(void **state)
{
    struct fixture *f = *state;
    struct guest_paging p = map4_all(f, P | RW);
    put64(f, L4_PTE + 8, 0x150000 | P | RW); /* PTE 2: the next page, elsewhere */
    struct guest_access wr = {.kind = GUEST_ACCESS_WRITE};
    struct guest_span s;
    struct guest_walk_result r;
    uint64_t last = 0x40201FFEull;
    assert_int_equal(guest_walk_span(&f->mem, &p, last, 4, &wr, &s, &r), GUEST_WALK_OK);
    assert_int_equal(s.count, 2);
    assert_int_equal(s.piece[0].gpa, 0x100FFE);
    assert_int_equal(s.piece[0].len, 2);
    assert_int_equal(s.piece[1].gpa, 0x150000);
    assert_int_equal(s.piece[1].len, 2);
    assert_int_equal(r.gpa, 0x100FFE);
    assert_true(get64(f, L4_PTE) & D);
    assert_true(get64(f, L4_PTE + 8) & D);

    assert_int_equal(guest_walk_span(&f->mem, &p, L4_LINEAR, 8, &wr, &s, &r), GUEST_WALK_OK);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.piece[0].len, 8);

    p = map4_all(f, P | RW);
    put64(f, L4_PTE + 8, 0);
    assert_int_equal(guest_walk_span(&f->mem, &p, last, 4, &wr, &s, &r), GUEST_WALK_PAGE_FAULT);
    assert_int_equal(r.error_code, E_W);
    assert_int_equal(r.fault_linear, 0x40202000);
    assert_int_equal(s.count, 0);
    assert_int_equal(get64(f, L4_PTE), 0x100000 | P | RW); /* the first page: no A/D */
    assert_int_equal(get64(f, L4_PML4E), 0x31000 | P | RW);

    put64(f, L4_PTE, 0); /* both fail: the first is reported */
    guest_walk_span(&f->mem, &p, last, 4, &wr, &s, &r);
    assert_int_equal(r.fault_linear, last);

    assert_int_equal(guest_walk_span(&f->mem, &p, last, 0, &wr, &s, &r), GUEST_WALK_BAD_LENGTH);
    assert_int_equal(guest_walk_span(&f->mem, &p, last, 4097, &wr, &s, &r),
                     GUEST_WALK_BAD_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paging_off_is_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_32bit_4k_and_4m, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pae_2m_and_4k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4level_rights_combined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_32bit_rights_and_4m, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pae_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserved_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_code_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accessed_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_outside_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span, setup, teardown),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
