/*
 * guest_arena.c - the EPT/NPT tests' page source (see guest_arena.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/guest_arena.h"

void arena_open(struct arena *a, uint64_t bytes)
{
    uint64_t rounded = (bytes + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
    *a = (struct arena){.pages = rounded / PAGE, .limit = SIZE_MAX};
    a->base = aligned_alloc(2 * MIB, rounded);
    assert_non_null(a->base);
    memset(a->base, 0xA5, rounded);
}

void arena_close(struct arena *a) { free(a->base); }

uint64_t arena_alloc(void *ctx, size_t pages, size_t align_pages)
{
    struct arena *a = ctx;
    if (a->given + pages > a->limit)
        return 0;
    if (pages > 1 && (a->refuse_runs || (a->alternate && a->runs_asked++ % 2)))
        return 0;
    size_t start = (a->next + align_pages - 1) / align_pages * align_pages;
    if (start + pages > a->pages)
        return 0;
    a->next = start + pages;
    if (pages == 1 && a->hole_every && ++a->singles % a->hole_every == 0)
        a->next++;
    a->given += pages;
    memset(a->base + start * PAGE, 0, pages * PAGE);
    return addr_of(a->base + start * PAGE);
}

struct guest_memory *new_guest(struct arena *a, uint64_t ram_size)
{
    struct guest_memory *m = calloc(1, sizeof(*m));
    char why[128];
    assert_non_null(m);
    assert_int_equal(guest_memory_create(m, ram_size, arena_alloc, a, why, sizeof(why)), 0);
    return m;
}

const struct guest_ram_chunk *chunk_holding(const struct guest_memory *m, uint64_t gpa)
{
    for (size_t i = 0; i < m->chunk_count; i++)
        if (gpa >= m->chunks[i].gpa && gpa < m->chunks[i].gpa + m->chunks[i].size)
            return &m->chunks[i];
    fail_msg("gpa 0x%llx is in no chunk", (unsigned long long)gpa);
    return NULL;
}
