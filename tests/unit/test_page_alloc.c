/*
 * test_page_alloc.c - Host unit tests for hypervisor/page_alloc.c, the first-fit bitmap
 * allocator over one pool of pages.
 *
 * The pool is a buffer from aligned_alloc and "physical address" is the pointer value, as
 * in the identity-mapped hypervisor. Most tests place the buffer at a 2 MiB boundary, so
 * with one bitmap page the managed pages start at buf + 4 KiB:
 *
 *   buf (2 MiB aligned)
 *   | bitmap | page 0 | page 1 | ...                 | page at buf + 2 MiB (index 511) | ...
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/page_alloc.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)

/* ---- helpers ----------------------------------------------------------- */

/* A pool over a fresh buffer of `total_pages` pages (bitmap included). */
struct test_pool {
    uint8_t *buf;
    struct page_pool pool;
};

/* aligned_alloc wants the size to be a multiple of the alignment. */
static uint8_t *buffer(uint64_t bytes, uint64_t align)
{
    uint64_t rounded = (bytes + align - 1) / align * align;
    uint8_t *buf = aligned_alloc(align, rounded);
    assert_non_null(buf);
    return buf;
}

static uint64_t addr_of(const void *p) { return (uint64_t)(uintptr_t)p; }

static void pool_open(struct test_pool *t, size_t total_pages, uint64_t align)
{
    t->buf = buffer(total_pages * PAGE_SIZE, align);
    assert_int_equal(page_pool_init(&t->pool, addr_of(t->buf), total_pages * PAGE_SIZE), 0);
}

static void pool_close(struct test_pool *t) { free(t->buf); }

/* Address of page i of the pool (i counts from the first page after the bitmap). */
static uint64_t page(const struct test_pool *t, size_t i)
{
    return t->pool.base + i * PAGE_SIZE;
}

/* The pool's bookkeeping and bitmap, to show that a rejected call changed nothing. */
struct snapshot {
    struct page_pool pool;
    uint8_t bitmap[PAGE_SIZE];
};

static void take_snapshot(const struct test_pool *t, struct snapshot *s)
{
    s->pool = t->pool;
    memcpy(s->bitmap, t->pool.bitmap, sizeof(s->bitmap));
}

static void assert_unchanged(const struct test_pool *t, const struct snapshot *s)
{
    assert_memory_equal(&t->pool, &s->pool, sizeof(s->pool));
    assert_memory_equal(t->pool.bitmap, s->bitmap, sizeof(s->bitmap));
}

/* ---- init -------------------------------------------------------------- */

static void test_init_rejects_misaligned_base(void **state)
{
    (void)state;
    uint8_t *buf = buffer(8 * PAGE_SIZE, PAGE_SIZE);
    struct page_pool pool, before;
    memset(&pool, 0xA5, sizeof(pool));
    before = pool;

    assert_int_equal(page_pool_init(&pool, addr_of(buf) + 1, 4 * PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(&pool, addr_of(buf) + 2048, 4 * PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(&pool, addr_of(buf) + PAGE_SIZE - 8, 4 * PAGE_SIZE), -1);
    assert_memory_equal(&pool, &before, sizeof(pool));
    free(buf);
}

static void test_init_rejects_too_small(void **state)
{
    (void)state;
    uint8_t *buf = buffer(2 * PAGE_SIZE, PAGE_SIZE);
    struct page_pool pool;

    assert_int_equal(page_pool_init(&pool, addr_of(buf), 0), -1);
    assert_int_equal(page_pool_init(&pool, addr_of(buf), PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(&pool, addr_of(buf), 2 * PAGE_SIZE - 1), -1);

    /* Two pages is the minimum: one for the bitmap, one to hand out. */
    assert_int_equal(page_pool_init(&pool, addr_of(buf), 2 * PAGE_SIZE), 0);
    assert_int_equal(pool.bitmap_pages, 1);
    assert_int_equal(pool.page_count, 1);
    assert_int_equal(pool.free_count, 1);
    assert_int_equal(pool.base, addr_of(buf) + PAGE_SIZE);
    assert_ptr_equal(pool.bitmap, buf);
    free(buf);
}

static void test_init_ignores_partial_last_page(void **state)
{
    (void)state;
    uint8_t *buf = buffer(4 * PAGE_SIZE, PAGE_SIZE);
    struct page_pool pool;
    assert_int_equal(page_pool_init(&pool, addr_of(buf), 3 * PAGE_SIZE + 100), 0);
    assert_int_equal(pool.bitmap_pages, 1);
    assert_int_equal(pool.page_count, 2);
    free(buf);
}

static void test_init_clears_bitmap(void **state)
{
    (void)state;
    uint8_t *buf = buffer(16 * PAGE_SIZE, PAGE_SIZE);
    memset(buf, 0xFF, 16 * PAGE_SIZE); /* what the firmware left there */
    struct page_pool pool;
    assert_int_equal(page_pool_init(&pool, addr_of(buf), 16 * PAGE_SIZE), 0);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(pool.free_count, 15);
    assert_int_equal(page_pool_largest_free_run(&pool), 15);
    free(buf);
}

/* One bitmap page holds 8 * 4096 = 32768 bits. 1 + 32768 pages fit one bitmap page;
 * one page more needs a second bitmap page, which then leaves 32768 pages again. */
static void test_init_accounts_bitmap_pages(void **state)
{
    (void)state;
    const size_t bits_per_page = 8 * PAGE_SIZE;
    struct test_pool t;

    pool_open(&t, 1 + bits_per_page, PAGE_SIZE);
    assert_int_equal(t.pool.bitmap_pages, 1);
    assert_int_equal(t.pool.page_count, bits_per_page);
    assert_int_equal(t.pool.free_count, bits_per_page);
    assert_int_equal(t.pool.base, addr_of(t.buf) + PAGE_SIZE);
    pool_close(&t);

    pool_open(&t, 2 + bits_per_page, PAGE_SIZE);
    assert_int_equal(t.pool.bitmap_pages, 2);
    assert_int_equal(t.pool.page_count, bits_per_page);
    assert_int_equal(t.pool.base, addr_of(t.buf) + 2 * PAGE_SIZE);
    /* The whole pool in one run ends exactly at the end of the buffer. */
    assert_int_equal(page_pool_alloc(&t.pool, bits_per_page, 1), t.pool.base);
    assert_int_equal(t.pool.free_count, 0);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), 0);
    assert_int_equal(t.pool.base + bits_per_page * PAGE_SIZE,
                     addr_of(t.buf) + (2 + bits_per_page) * PAGE_SIZE);
    pool_close(&t);
}

/* ---- alloc ------------------------------------------------------------- */

static void test_alloc_single_pages_first_fit(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 9, PAGE_SIZE); /* 1 bitmap page + 8 pages */
    assert_int_equal(t.pool.page_count, 8);

    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(page_pool_alloc(&t.pool, 1, 1), page(&t, i));
        assert_int_equal(t.pool.free_count, 7 - i);
    }
    pool_close(&t);
}

static void test_alloc_rejects_bad_arguments(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 9, PAGE_SIZE);
    struct snapshot s;
    take_snapshot(&t, &s);

    assert_int_equal(page_pool_alloc(&t.pool, 0, 1), 0); /* zero pages */
    assert_int_equal(page_pool_alloc(&t.pool, 1, 0), 0); /* alignment 0 */
    assert_int_equal(page_pool_alloc(&t.pool, 1, 3), 0); /* not a power of two */
    assert_int_equal(page_pool_alloc(&t.pool, 1, 6), 0);
    assert_int_equal(page_pool_alloc(&t.pool, 9, 1), 0); /* more than the pool */
    assert_unchanged(&t, &s);
    pool_close(&t);
}

static void test_alloc_contiguous_runs(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 17, PAGE_SIZE); /* 16 pages */

    assert_int_equal(page_pool_alloc(&t.pool, 3, 1), page(&t, 0)); /* pages 0-2 */
    assert_int_equal(page_pool_alloc(&t.pool, 5, 1), page(&t, 3)); /* pages 3-7 */
    assert_int_equal(page_pool_alloc(&t.pool, 2, 1), page(&t, 8)); /* pages 8-9 */
    assert_int_equal(t.pool.free_count, 6);

    /* Free the first run: a 4-page request skips the 3-page hole. */
    assert_int_equal(page_pool_free(&t.pool, page(&t, 0), 3), 0);
    assert_int_equal(page_pool_alloc(&t.pool, 4, 1), page(&t, 10));
    /* A 3-page request fits the hole exactly. */
    assert_int_equal(page_pool_alloc(&t.pool, 3, 1), page(&t, 0));
    assert_int_equal(t.pool.free_count, 2);
    assert_int_equal(page_pool_largest_free_run(&t.pool), 2);
    pool_close(&t);
}

/* Alignment is of the physical address: page 0 sits at buf + 4 KiB, an odd page. */
static void test_alloc_alignment_is_physical(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 1 + 1024, 2 * MIB); /* 1024 pages: buf + 4 KiB .. buf + 4 MiB + 4 KiB */
    uint64_t buf = addr_of(t.buf);

    assert_int_equal(page_pool_alloc(&t.pool, 1, 2), buf + 2 * PAGE_SIZE);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 4), buf + 4 * PAGE_SIZE);
    assert_int_equal(page_pool_alloc(&t.pool, 2, 16), buf + 16 * PAGE_SIZE);

    /* 512 pages aligned to 512 pages: a 2 MiB page for the EPT. */
    uint64_t big = page_pool_alloc(&t.pool, 512, 512);
    assert_int_equal(big, buf + 2 * MIB);
    assert_int_equal(big % (2 * MIB), 0);
    /* The next 2 MiB boundary (buf + 4 MiB) has only one page after it. */
    assert_int_equal(page_pool_alloc(&t.pool, 512, 512), 0);
    assert_int_equal(t.pool.free_count, 1024 - 1 - 1 - 2 - 512);

    /* Unaligned requests still fill the holes below, first fit. */
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), buf + 1 * PAGE_SIZE);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), buf + 3 * PAGE_SIZE);
    pool_close(&t);
}

static void test_alloc_exhaustion(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 17, PAGE_SIZE); /* 16 pages */

    for (size_t i = 0; i < 16; i++)
        assert_int_equal(page_pool_alloc(&t.pool, 1, 1), page(&t, i));
    assert_int_equal(t.pool.free_count, 0);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), 0);
    assert_int_equal(t.pool.free_count, 0);
    assert_int_equal(page_pool_largest_free_run(&t.pool), 0);

    /* Two free pages that do not touch: enough pages, no run of two. */
    assert_int_equal(page_pool_free(&t.pool, page(&t, 3), 1), 0);
    assert_int_equal(page_pool_free(&t.pool, page(&t, 5), 1), 0);
    struct snapshot s;
    take_snapshot(&t, &s);
    assert_int_equal(page_pool_alloc(&t.pool, 2, 1), 0);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 8), 0); /* pages 3 and 5 are not 8-aligned */
    assert_unchanged(&t, &s);
    assert_int_equal(t.pool.free_count, 2);
    assert_int_equal(page_pool_largest_free_run(&t.pool), 1);
    pool_close(&t);
}

/* ---- free -------------------------------------------------------------- */

static void test_free_then_reuse(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 9, PAGE_SIZE);

    uint64_t a = page_pool_alloc(&t.pool, 1, 1);
    uint64_t b = page_pool_alloc(&t.pool, 2, 1);
    uint64_t c = page_pool_alloc(&t.pool, 1, 1);
    assert_int_equal(a, page(&t, 0));
    assert_int_equal(b, page(&t, 1));
    assert_int_equal(c, page(&t, 3));
    assert_int_equal(t.pool.free_count, 4);

    assert_int_equal(page_pool_free(&t.pool, b, 2), 0);
    assert_int_equal(t.pool.free_count, 6);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), b); /* the first free page again */
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), b + PAGE_SIZE);
    assert_int_equal(page_pool_alloc(&t.pool, 1, 1), page(&t, 4));

    assert_int_equal(page_pool_free(&t.pool, a, 1), 0);
    assert_int_equal(page_pool_free(&t.pool, c, 1), 0);
    assert_int_equal(page_pool_free(&t.pool, b, 2), 0);
    assert_int_equal(page_pool_free(&t.pool, page(&t, 4), 1), 0);
    assert_int_equal(t.pool.free_count, 8);
    assert_int_equal(page_pool_largest_free_run(&t.pool), 8);
    pool_close(&t);
}

static void test_double_free_rejected(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 9, PAGE_SIZE);
    uint64_t a = page_pool_alloc(&t.pool, 2, 1);
    assert_int_equal(page_pool_free(&t.pool, a, 2), 0);

    struct snapshot s;
    take_snapshot(&t, &s);
    assert_int_equal(page_pool_free(&t.pool, a, 2), -1);
    assert_int_equal(page_pool_free(&t.pool, a, 1), -1);
    assert_int_equal(page_pool_free(&t.pool, a + PAGE_SIZE, 1), -1);
    assert_unchanged(&t, &s);
    assert_int_equal(t.pool.free_count, 8);
    pool_close(&t);
}

static void test_bad_free_rejected_without_change(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 9, PAGE_SIZE);                 /* 8 pages */
    uint64_t a = page_pool_alloc(&t.pool, 2, 1); /* pages 0-1 */
    uint64_t last = page_pool_alloc(&t.pool, 1, 1);
    assert_int_equal(last, page(&t, 2));

    struct snapshot s;
    take_snapshot(&t, &s);
    assert_int_equal(page_pool_free(&t.pool, 0, 1), -1);              /* null */
    assert_int_equal(page_pool_free(&t.pool, addr_of(t.buf), 1), -1); /* the bitmap */
    assert_int_equal(page_pool_free(&t.pool, a + 1, 1), -1);          /* misaligned */
    assert_int_equal(page_pool_free(&t.pool, a + 2048, 1), -1);
    assert_int_equal(page_pool_free(&t.pool, a, 0), -1);              /* no pages */
    assert_int_equal(page_pool_free(&t.pool, page(&t, 8), 1), -1);    /* one past the end */
    assert_int_equal(page_pool_free(&t.pool, page(&t, 1000), 1), -1); /* far outside */
    assert_int_equal(page_pool_free(&t.pool, a, 9), -1);              /* runs off the end */
    assert_int_equal(page_pool_free(&t.pool, a, SIZE_MAX), -1);
    assert_int_equal(page_pool_free(&t.pool, page(&t, 2), 2), -1); /* page 3 is free */
    assert_int_equal(page_pool_free(&t.pool, a, 4), -1);           /* page 3 is free */
    assert_unchanged(&t, &s);

    /* The real runs are still there to free. */
    assert_int_equal(page_pool_free(&t.pool, a, 2), 0);
    assert_int_equal(page_pool_free(&t.pool, last, 1), 0);
    assert_int_equal(t.pool.free_count, 8);
    pool_close(&t);
}

/* ---- largest free run -------------------------------------------------- */

static void test_largest_free_run(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 17, PAGE_SIZE); /* 16 pages */
    assert_int_equal(page_pool_largest_free_run(&t.pool), 16);

    uint64_t a = page_pool_alloc(&t.pool, 4, 1); /* 0-3 */
    uint64_t b = page_pool_alloc(&t.pool, 1, 1); /* 4 */
    uint64_t c = page_pool_alloc(&t.pool, 6, 1); /* 5-10 */
    uint64_t d = page_pool_alloc(&t.pool, 1, 1); /* 11; 12-15 free */
    assert_int_equal(d, page(&t, 11));
    assert_int_equal(page_pool_largest_free_run(&t.pool), 4);

    assert_int_equal(page_pool_free(&t.pool, c, 6), 0); /* 5-10 free */
    assert_int_equal(page_pool_largest_free_run(&t.pool), 6);
    assert_int_equal(page_pool_free(&t.pool, b, 1), 0); /* 4-10 free */
    assert_int_equal(page_pool_largest_free_run(&t.pool), 7);
    assert_int_equal(page_pool_free(&t.pool, a, 4), 0); /* 0-10 free */
    assert_int_equal(page_pool_largest_free_run(&t.pool), 11);
    pool_close(&t);
}

/* ---- randomized, against a shadow model -------------------------------- */

#define SHADOW_PAGES 256
#define MAX_LIVE     128

struct live_run {
    uint64_t addr;
    size_t count;
    uint8_t tag; /* written into every byte of the run while it is allocated */
};

/* xorshift64: a fixed, libc-independent sequence. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* What first fit should return, worked out on the shadow bitmap (0 = no run). */
static uint64_t shadow_first_fit(const bool *used, uint64_t base, size_t count, size_t align)
{
    for (size_t start = 0; start + count <= SHADOW_PAGES; start++) {
        if ((base + start * PAGE_SIZE) % (align * PAGE_SIZE))
            continue;
        size_t run = 0;
        while (run < count && !used[start + run])
            run++;
        if (run == count)
            return base + start * PAGE_SIZE;
    }
    return 0;
}

static size_t shadow_largest_run(const bool *used)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < SHADOW_PAGES; i++) {
        run = used[i] ? 0 : run + 1;
        best = run > best ? run : best;
    }
    return best;
}

static void fill(uint64_t addr, size_t count, uint8_t tag)
{
    memset((void *)(uintptr_t)addr, tag, count * PAGE_SIZE);
}

static void assert_filled(uint64_t addr, size_t count, uint8_t tag)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
    for (size_t i = 0; i < count * PAGE_SIZE; i += 512)
        assert_int_equal(p[i], tag);
    assert_int_equal(p[count * PAGE_SIZE - 1], tag);
}

static void test_random_sequence_matches_shadow(void **state)
{
    (void)state;
    struct test_pool t;
    pool_open(&t, 1 + SHADOW_PAGES, 64 * KIB); /* page 0 is at buf + 4 KiB */
    assert_int_equal(t.pool.page_count, SHADOW_PAGES);
    const uint64_t lo = t.pool.base, hi = t.pool.base + SHADOW_PAGES * PAGE_SIZE;

    bool used[SHADOW_PAGES] = {false};
    struct live_run live[MAX_LIVE];
    size_t live_count = 0, shadow_free = SHADOW_PAGES;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    uint8_t next_tag = 1;

    for (int step = 0; step < 4000; step++) {
        uint64_t r = next_random(&seed);
        bool do_alloc = live_count == 0 || (live_count < MAX_LIVE && r % 100 < 55);
        if (do_alloc) {
            size_t count = 1 + (size_t)((r >> 8) % 12);
            size_t align = (size_t)1 << ((r >> 16) % 5); /* 1, 2, 4, 8 or 16 */
            uint64_t want = shadow_first_fit(used, lo, count, align);
            uint64_t got = page_pool_alloc(&t.pool, count, align);
            assert_int_equal(got, want);
            if (got) {
                /* Inside the managed pages, never on the bitmap, aligned, not in use. */
                assert_true(got >= lo && got + count * PAGE_SIZE <= hi);
                assert_true(got >= addr_of(t.buf) + t.pool.bitmap_pages * PAGE_SIZE);
                assert_int_equal(got % (align * PAGE_SIZE), 0);
                size_t first = (size_t)((got - lo) / PAGE_SIZE);
                for (size_t i = first; i < first + count; i++) {
                    assert_false(used[i]);
                    used[i] = true;
                }
                shadow_free -= count;
                uint8_t tag = next_tag++ | 1; /* odd tags never look like a clear bitmap */
                fill(got, count, tag);
                live[live_count++] = (struct live_run){got, count, tag};
            }
        } else {
            size_t k = (size_t)((r >> 8) % live_count);
            struct live_run run = live[k];
            /* Nobody else wrote into this run while it was ours. */
            assert_filled(run.addr, run.count, run.tag);
            assert_int_equal(page_pool_free(&t.pool, run.addr, run.count), 0);
            size_t first = (size_t)((run.addr - lo) / PAGE_SIZE);
            for (size_t i = first; i < first + run.count; i++)
                used[i] = false;
            shadow_free += run.count;
            live[k] = live[--live_count];
            /* Now and then, free it again: always refused. */
            if (r % 7 == 0)
                assert_int_equal(page_pool_free(&t.pool, run.addr, run.count), -1);
        }
        assert_int_equal(t.pool.free_count, shadow_free);
        if (step % 16 == 0)
            assert_int_equal(page_pool_largest_free_run(&t.pool), shadow_largest_run(used));
    }

    while (live_count) {
        struct live_run run = live[--live_count];
        assert_filled(run.addr, run.count, run.tag);
        assert_int_equal(page_pool_free(&t.pool, run.addr, run.count), 0);
    }
    assert_int_equal(t.pool.free_count, SHADOW_PAGES);
    assert_int_equal(page_pool_largest_free_run(&t.pool), SHADOW_PAGES);
    pool_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_misaligned_base),
        cmocka_unit_test(test_init_rejects_too_small),
        cmocka_unit_test(test_init_ignores_partial_last_page),
        cmocka_unit_test(test_init_clears_bitmap),
        cmocka_unit_test(test_init_accounts_bitmap_pages),
        cmocka_unit_test(test_alloc_single_pages_first_fit),
        cmocka_unit_test(test_alloc_rejects_bad_arguments),
        cmocka_unit_test(test_alloc_contiguous_runs),
        cmocka_unit_test(test_alloc_alignment_is_physical),
        cmocka_unit_test(test_alloc_exhaustion),
        cmocka_unit_test(test_free_then_reuse),
        cmocka_unit_test(test_double_free_rejected),
        cmocka_unit_test(test_bad_free_rejected_without_change),
        cmocka_unit_test(test_largest_free_run),
        cmocka_unit_test(test_random_sequence_matches_shadow),
    };
    return cmocka_run_group_tests_name("page_alloc: bitmap page pool", tests, NULL, NULL);
}
