/*
 * test_npt.c - Host unit tests for arch/x86_64/npt.c: the nested-page-table builder, the
 * software walk and the N_CR3 value.
 *
 * Same method as test_ept.c: guest RAM and tables come from one 2 MiB-aligned arena, and
 * "host-physical address" is the pointer value, as in the identity-mapped hypervisor.
 * Expected values (table counts, the level where a walk stops, entry bits) are worked out
 * by hand from the AMD APM ("Long-Mode Page Translation", "Nested Paging") and written
 * out, so a wrong header constant fails a test too.
 *
 *   arena: | guest RAM runs (2 MiB runs, or 4 KiB pages, maybe with holes) | NPT tables |
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/npt.h"
#include "hypervisor/guest_memory.h"
#include "tests/unit/guest_arena.h"

/* ---- helpers ----------------------------------------------------------- */

static void assert_unmapped(const struct npt *npt, uint64_t gpa, unsigned level)
{
    struct npt_walk w = npt_translate(npt, gpa);
    if (w.mapped || w.level != level)
        fail_msg("gpa 0x%llx: mapped %d, stopped at level %u, expected unmapped at level %u",
                 (unsigned long long)gpa, w.mapped, w.level, level);
    assert_int_equal(w.entry, 0);
    assert_int_equal(w.hpa, 0);
    assert_false(w.write || w.user || w.execute);
}

/* Every entry of every table reachable from the PML4, checked against the guest map. */
struct census {
    size_t tables, pages_4k, pages_2m;
    uint64_t bytes;
};

static void census(const struct guest_memory *m, uint64_t table, unsigned level,
                   uint64_t gpa_base, struct census *c)
{
    const uint64_t *t = (const uint64_t *)(uintptr_t)table;
    assert_int_equal(table % PAGE, 0);
    c->tables++;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i];
        uint64_t span = 1ull << (12 + 9 * (level - 1)); /* 4K, 2M, 1G, 512G */
        uint64_t gpa = gpa_base + i * span;
        if ((e & 1) == 0) {
            assert_int_equal(e, 0); /* not present and nothing else written */
            continue;
        }
        assert_int_equal(e & 7, 7);     /* P, RW, US: nested walks are user accesses */
        assert_int_equal(e >> 52, 0);   /* nothing above the address, NX clear */
        assert_true(gpa < m->ram_size); /* nothing outside RAM is even half-mapped */
        bool leaf = level == 1 || (level == 2 && (e & 0x80));
        if (!leaf) {
            assert_int_equal(e & 0xFFF, 7); /* no PS, PWT/PCD/A/D/G in a table entry */
            census(m, e & 0x000FFFFFFFFFF000ull, level - 1, gpa, c);
            continue;
        }
        assert_true(gpa + span <= m->ram_size); /* a leaf maps RAM only */
        /* write-back: PWT, PCD and PAT clear (PAT is bit 7 of a PTE, bit 12 of a 2M PDE) */
        assert_int_equal(e & 0xFFF, level == 2 ? 0x87 : 0x7);
        assert_int_equal(e & 0x000FFFFFFFFFF000ull, addr_of(guest_memory_host_ptr(m, gpa)));
        if (level == 2)
            c->pages_2m++;
        else
            c->pages_4k++;
        c->bytes += span;
    }
}

/* ---- every page of guest RAM, for several shapes of RAM ------------------ */

enum shape { CONTIGUOUS, FRAGMENTED, MIXED };

/* Probes outside RAM; the case lists the level where each walk must stop. */
#define PROBES 6
static uint64_t probe_gpa(uint64_t ram_size, int i)
{
    const uint64_t fixed[PROBES] = {
        ram_size,         ram_size + PAGE, 1 * GIB, 4 * GIB, 0xFEE00000ull /* local APIC */,
        0xFFFFFFFFFFFFull};
    return fixed[i];
}

struct ram_case {
    uint64_t ram_size;
    enum shape shape;
    bool allow_2m;
    size_t chunks, pages_2m, pages_4k, tables;
    unsigned stop_level[PROBES];
};

static void test_ram_case(void **state)
{
    const struct ram_case *rc = *state;
    struct arena a;
    arena_open(&a, rc->ram_size + rc->ram_size / 2 + 4 * MIB);
    a.refuse_runs = rc->shape == FRAGMENTED;
    a.hole_every = rc->shape == FRAGMENTED ? 7 : 0;
    a.alternate = rc->shape == MIXED;
    struct guest_memory *m = new_guest(&a, rc->ram_size);
    assert_int_equal(m->chunk_count, rc->chunks);

    struct npt npt;
    assert_int_equal(npt_build(&npt, m, rc->allow_2m, arena_alloc, &a), 0);
    assert_int_equal(npt.pages_2m, rc->pages_2m);
    assert_int_equal(npt.pages_4k, rc->pages_4k);
    assert_int_equal(npt.table_pages, rc->tables);
    assert_int_equal(a.given - rc->ram_size / PAGE, rc->tables); /* no page taken unsaid */

    /* Every 4 KiB page, first and last byte. */
    for (uint64_t gpa = 0; gpa < rc->ram_size; gpa += PAGE) {
        const struct guest_ram_chunk *c = chunk_holding(m, gpa);
        bool large = c->large && rc->allow_2m;
        for (uint64_t off = 0; off < PAGE; off += PAGE - 1) {
            struct npt_walk w = npt_translate(&npt, gpa + off);
            if (!w.mapped || w.hpa != addr_of(guest_memory_host_ptr(m, gpa + off)))
                fail_msg("gpa 0x%llx: mapped %d hpa 0x%llx", (unsigned long long)(gpa + off),
                         w.mapped, (unsigned long long)w.hpa);
            assert_true(w.write && w.user && w.execute);
            assert_int_equal(w.page_size, large ? 2 * MIB : 4 * KIB);
            assert_int_equal(w.level, large ? 2 : 1);
            assert_int_equal(w.entry & 0x000FFFFFFFFFF000ull, w.hpa & ~(w.page_size - 1));
        }
    }

    for (int i = 0; i < PROBES; i++)
        assert_unmapped(&npt, probe_gpa(rc->ram_size, i), rc->stop_level[i]);
    assert_unmapped(&npt, 1ull << 48, 0); /* past the 48-bit reach: not walked */

    struct census c = {0};
    census(m, npt.pml4, 4, 0, &c);
    assert_int_equal(c.tables, rc->tables);
    assert_int_equal(c.pages_2m, rc->pages_2m);
    assert_int_equal(c.pages_4k, rc->pages_4k);
    assert_int_equal(c.bytes, rc->ram_size);

    free(m);
    arena_close(&a);
}

/* Table counts: PML4 + PDPT + PD, plus one PT per 2 MiB frame mapped with 4 KiB pages.
 * Stop levels: RAM is below 1 GiB, so PML4[0] and PDPT[0] are present. A probe just
 * past RAM stops in the PT (1) if its 2 MiB frame has one, else in the PD (2); 1 GiB,
 * 4 GiB and the APIC page have no PDPT entry (3); the top 48-bit address no PML4 entry (4). */
static const struct ram_case ram_64m = {64 * MIB, CONTIGUOUS, true, 1,
                                        32,       0,          3,    {2, 2, 3, 3, 3, 4}};
static const struct ram_case ram_17m = {/* 8 x 2 MiB + 1 MiB tail in one PT */
                                        17 * MIB, CONTIGUOUS, true, 2,
                                        8,        256,        4,    {1, 1, 3, 3, 3, 4}};
static const struct ram_case ram_6m12k = {/* 3 x 2 MiB + 3 pages */
                                          6 * MIB + 12 * KIB, CONTIGUOUS, true, 2, 3, 3, 4,
                                          {1, 1, 3, 3, 3, 4}};
static const struct ram_case ram_8m_fragmented = {/* 2048 pages in runs of 7: 293 chunks */
                                                  8 * MIB, FRAGMENTED,
                                                  true,    293,
                                                  0,       2048,
                                                  3 + 4,   {2, 2, 3, 3, 3, 4}};
static const struct ram_case ram_16m_mixed = {/* frames 0,2,4,6 large; 1,3,5,7 4 KiB */
                                              16 * MIB, MIXED,   true,  8,
                                              4,        4 * 512, 3 + 4, {2, 2, 3, 3, 3, 4}};
static const struct ram_case ram_64m_no_2m = {/* allow_2m false: 32 PTs */
                                              64 * MIB, CONTIGUOUS, false,  1,
                                              0,        16384,      3 + 32, {2, 2, 3, 3, 3, 4}};
static const struct ram_case ram_6m12k_no_2m = {
    6 * MIB + 12 * KIB, CONTIGUOUS, false, 2, 0, 1539, 3 + 4, {1, 1, 3, 3, 3, 4}};

/* ---- N_CR3 --------------------------------------------------------------- */

static void test_n_cr3(void **state)
{
    (void)state;
    struct arena a;
    arena_open(&a, 8 * MIB);
    struct guest_memory *m = new_guest(&a, 2 * MIB);
    struct npt npt;
    assert_int_equal(npt_build(&npt, m, true, arena_alloc, &a), 0);
    assert_int_equal(npt.pml4 % PAGE, 0);
    assert_true(npt.pml4 >= addr_of(a.base) && npt.pml4 < addr_of(a.base) + a.pages * PAGE);
    /* CR3 format: PML4 address in bits 51:12; PWT (bit 3) and PCD (bit 4) clear = WB. */
    assert_int_equal(npt_n_cr3(&npt), npt.pml4);
    assert_int_equal(npt_n_cr3(&npt) & 0xFFF, 0);
    free(m);
    arena_close(&a);
}

/* ---- out of memory ------------------------------------------------------- */

/* 17 MiB needs PML4, PDPT, PD and one PT: each fewer page fails, exactly 4 succeeds. */
static void test_out_of_memory(void **state)
{
    (void)state;
    for (size_t allowed = 0; allowed <= 4; allowed++) {
        struct arena a;
        arena_open(&a, 24 * MIB);
        struct guest_memory *m = new_guest(&a, 17 * MIB);
        a.limit = a.given + allowed;
        struct npt npt;
        int rc = npt_build(&npt, m, true, arena_alloc, &a);
        assert_int_equal(rc, allowed == 4 ? 0 : NPT_BUILD_NO_MEMORY);
        assert_int_equal(a.given - 17 * MIB / PAGE, allowed);
        if (rc == 0)
            assert_int_equal(npt.table_pages, 4);
        free(m);
        arena_close(&a);
    }
}

/* ---- hand-made maps: sparse, and malformed -------------------------------- */

/* A map guest_memory_create never makes (holes, RAM above 1 GiB and 512 GiB), built by
 * hand; hpa values are never dereferenced by the builder. */
static void test_sparse_map(void **state)
{
    (void)state;
    struct arena a;
    arena_open(&a, 4 * MIB);
    static struct guest_memory m;
    m = (struct guest_memory){.ram_size = 0, .chunk_count = 3};
    m.chunks[0] = (struct guest_ram_chunk){0x1000, 0x70000000, PAGE, false};
    m.chunks[1] = (struct guest_ram_chunk){1 * GIB, 0x80000000, 4 * MIB, true};
    m.chunks[2] = (struct guest_ram_chunk){512 * GIB, 0x90000000, 2 * MIB, true};
    struct npt npt;
    assert_int_equal(npt_build(&npt, &m, true, arena_alloc, &a), 0);
    /* PML4; PDPT 0 -> PD 0 -> PT 0, PD 1; PDPT 1 -> PD 0 */
    assert_int_equal(npt.table_pages, 7);
    assert_int_equal(npt.pages_4k, 1);
    assert_int_equal(npt.pages_2m, 3);

    struct npt_walk w = npt_translate(&npt, 0x1234);
    assert_true(w.mapped);
    assert_int_equal(w.hpa, 0x70000234);
    w = npt_translate(&npt, 1 * GIB + 0x323456);
    assert_int_equal(w.hpa, 0x80323456);
    assert_int_equal(w.page_size, 2 * MIB);
    w = npt_translate(&npt, 512 * GIB + 5);
    assert_int_equal(w.hpa, 0x90000005);
    assert_unmapped(&npt, 0, 1);                 /* the PT exists, entry 0 does not */
    assert_unmapped(&npt, 1 * GIB + 4 * MIB, 2); /* PD 1 has two entries */
    assert_unmapped(&npt, 512 * GIB + 2 * MIB, 2);
    assert_unmapped(&npt, 2 * GIB, 3);
    assert_unmapped(&npt, 1024 * GIB, 4); /* PML4 entry 2 */
    arena_close(&a);
}

static int build_one_chunk(struct guest_ram_chunk c1, struct guest_ram_chunk c2, size_t count,
                           bool allow_2m)
{
    struct arena a;
    arena_open(&a, 4 * MIB);
    static struct guest_memory m;
    m = (struct guest_memory){.ram_size = 0, .chunk_count = count};
    m.chunks[0] = c1;
    m.chunks[1] = c2;
    struct npt npt;
    int rc = npt_build(&npt, &m, allow_2m, arena_alloc, &a);
    arena_close(&a);
    return rc;
}

static void test_malformed_map(void **state)
{
    (void)state;
    const struct guest_ram_chunk none = {0, 0, 0, false};
    /* well formed, as a control */
    assert_int_equal(
        build_one_chunk((struct guest_ram_chunk){0, 0x40000000, 2 * MIB, true}, none, 1, true),
        0);
    /* two chunks on the same 4 KiB page */
    assert_int_equal(build_one_chunk((struct guest_ram_chunk){0, 0x40000000, PAGE, false},
                                     (struct guest_ram_chunk){0, 0x50000000, PAGE, false}, 2,
                                     true),
                     NPT_BUILD_BAD_MAP);
    /* a 4 KiB chunk inside a 2 MiB one, and a 2 MiB one over an existing PT */
    assert_int_equal(build_one_chunk((struct guest_ram_chunk){0, 0x40000000, 2 * MIB, true},
                                     (struct guest_ram_chunk){PAGE, 0x50000000, PAGE, false}, 2,
                                     true),
                     NPT_BUILD_BAD_MAP);
    assert_int_equal(build_one_chunk((struct guest_ram_chunk){PAGE, 0x50000000, PAGE, false},
                                     (struct guest_ram_chunk){0, 0x40000000, 2 * MIB, true}, 2,
                                     true),
                     NPT_BUILD_BAD_MAP);
    /* misaligned: gpa not on 4 KiB, a large chunk's hpa not on 2 MiB */
    assert_int_equal(build_one_chunk((struct guest_ram_chunk){0x800, 0x40000000, PAGE, false},
                                     none, 1, true),
                     NPT_BUILD_BAD_MAP);
    assert_int_equal(
        build_one_chunk((struct guest_ram_chunk){0, 0x40001000, 2 * MIB, true}, none, 1, true),
        NPT_BUILD_BAD_MAP);
    /* ...which 4 KiB pages can map when 2 MiB pages are not allowed */
    assert_int_equal(
        build_one_chunk((struct guest_ram_chunk){0, 0x40001000, 2 * MIB, true}, none, 1, false),
        0);
    /* crossing the 48-bit guest-physical limit */
    assert_int_equal(build_one_chunk((struct guest_ram_chunk){(1ull << 48) - PAGE, 0x40000000,
                                                              2 * PAGE, false},
                                     none, 1, true),
                     NPT_BUILD_BAD_MAP);
}

/* ---- the walk over hand-written tables ------------------------------------ */

/* R/W and U/S are ANDed over the walk, one NX anywhere forbids fetches; a 1 GiB PDPTE
 * leaf is followed; PAT/PCD/PWT bits do not hide the address. */
static void test_walk_semantics(void **state)
{
    (void)state;
    uint64_t *t = aligned_alloc(PAGE, 4 * PAGE);
    assert_non_null(t);
    memset(t, 0, 4 * PAGE);
    uint64_t *pml4 = t, *pdpt = t + 512, *pd = t + 1024, *pt = t + 1536;
    const uint64_t NX = 1ull << 63;
    pml4[0] = addr_of(pdpt) | 0x5;             /* P, US: no writes below */
    pdpt[0] = addr_of(pd) | 0x3;               /* P, RW: no user accesses below */
    pdpt[1] = 0x80000000ull | 0x7 | 0x80;      /* 1 GiB leaf, P RW US */
    pd[0] = addr_of(pt) | 0x7 | NX;            /* NX on a non-leaf entry */
    pt[1] = 0x12345000ull | 0x7 | 0x18 | 0x80; /* P RW US, PCD PWT, PAT */
    pt[3] = 0x23456000ull | 0x2;               /* RW but not present */
    struct npt npt = {.pml4 = addr_of(pml4)};

    struct npt_walk w = npt_translate(&npt, 0x1ABC);
    assert_true(w.mapped);
    assert_int_equal(w.hpa, 0x12345ABC);
    assert_int_equal(w.level, 1);
    assert_int_equal(w.page_size, 4 * KIB);
    assert_int_equal(w.entry, pt[1]);
    assert_false(w.write);   /* the PML4E denies writes */
    assert_false(w.user);    /* the PDPTE denies user accesses */
    assert_false(w.execute); /* the PDE has NX */

    w = npt_translate(&npt, 0x3000);
    assert_false(w.mapped);
    assert_int_equal(w.level, 1);
    assert_int_equal(w.entry, pt[3]); /* the entry read, though not present */

    /* 1 GiB leaf under the PML4E (P, US). */
    w = npt_translate(&npt, 1 * GIB + 0x3456789);
    assert_true(w.mapped);
    assert_int_equal(w.level, 3);
    assert_int_equal(w.page_size, 1 * GIB);
    assert_int_equal(w.hpa, 0x83456789);
    assert_false(w.write);
    assert_true(w.user);
    assert_true(w.execute);

    w = npt_translate(&npt, 0x2000);
    assert_false(w.mapped);
    assert_int_equal(w.level, 1);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        {"64 MiB, 2 MiB pages", test_ram_case, NULL, NULL, (void *)&ram_64m},
        {"17 MiB, 4 KiB tail", test_ram_case, NULL, NULL, (void *)&ram_17m},
        {"6 MiB + 12 KiB", test_ram_case, NULL, NULL, (void *)&ram_6m12k},
        {"8 MiB fragmented", test_ram_case, NULL, NULL, (void *)&ram_8m_fragmented},
        {"16 MiB mixed", test_ram_case, NULL, NULL, (void *)&ram_16m_mixed},
        {"64 MiB, allow_2m false", test_ram_case, NULL, NULL, (void *)&ram_64m_no_2m},
        {"6 MiB + 12 KiB, allow_2m false", test_ram_case, NULL, NULL, (void *)&ram_6m12k_no_2m},
        cmocka_unit_test(test_n_cr3),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_sparse_map),
        cmocka_unit_test(test_malformed_map),
        cmocka_unit_test(test_walk_semantics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
