/*
 * guest_arena.h - guest RAM and page tables for the EPT and NPT unit tests: pages handed
 * out from one 2 MiB-aligned buffer, front to back, where the pointer value stands for
 * the host-physical address (as in the identity-mapped hypervisor). The knobs shape the
 * guest RAM that guest_memory_create builds over it:
 *   refuse_runs  never give more than one page (no 2 MiB runs: all chunks 4 KiB)
 *   hole_every   after every N single pages skip one, so 4 KiB runs are not contiguous
 *   alternate    refuse every second multi-page request (large and 4 KiB chunks mix)
 *   limit        fail once this many pages were handed out (out-of-memory tests)
 */
#ifndef HVLAB_TEST_GUEST_ARENA_H
#define HVLAB_TEST_GUEST_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

#define KIB  1024ull
#define MIB  (1024ull * KIB)
#define GIB  (1024ull * MIB)
#define PAGE (4 * KIB)

struct arena {
    uint8_t *base;
    size_t pages, next, given, singles, runs_asked;
    bool refuse_runs, alternate;
    size_t hole_every, limit;
};

static inline uint64_t addr_of(const void *p) { return (uint64_t)(uintptr_t)p; }

/* A buffer of `bytes` (rounded up to 2 MiB), filled with garbage: the source must hand
 * out zeroed pages. */
void arena_open(struct arena *a, uint64_t bytes);
void arena_close(struct arena *a);

/* page_source_fn over the arena (ctx is the struct arena). */
uint64_t arena_alloc(void *ctx, size_t pages, size_t align_pages);

/* Guest RAM of ram_size over the arena (calloc'ed; free() it). */
struct guest_memory *new_guest(struct arena *a, uint64_t ram_size);

/* The chunk holding gpa, found without guest_memory.c's helpers. */
const struct guest_ram_chunk *chunk_holding(const struct guest_memory *m, uint64_t gpa);

#endif
