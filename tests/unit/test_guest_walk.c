/*
 * test_guest_walk.c - Host unit tests for the guest page walk (hypervisor/guest_walk.c):
 * page tables built by hand in guest RAM for each paging mode, entry formats written out
 * from SDM Vol. 3A ("32-Bit Paging", "PAE Paging", "4-Level Paging"), not from the code.
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
#define PS        0x80ull /* large page */
#define CR0_PE_PG 0x80000001ull
#define CR4_PSE   0x10ull
#define CR4_PAE   0x20ull
#define EFER_LMA  0x400ull

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paging_off_is_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_32bit_4k_and_4m, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pae_2m_and_4k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4level, setup, teardown),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
