/*
 * page_alloc.h - a physical page allocator over one contiguous pool.
 *
 * The pool is the run of pages the boot layer reserved from the firmware. One bit per
 * 4 KiB page (1 = in use) lives in the first pages of the pool itself. Allocation is
 * first-fit with an alignment, so a caller can ask for "512 pages aligned to 512" to back
 * a 2 MiB EPT mapping. Pure code: the unit tests run it over a malloc'ed buffer.
 *
 *   pool_base                                                  pool_base + bytes
 *   | bitmap pages | page | page | ...                                   | page |
 */
#ifndef HVLAB_PAGE_ALLOC_H
#define HVLAB_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE  4096ull
#define PAGE_SHIFT 12

struct page_pool {
    uint64_t base;       /* physical address of page 0 of the pool (after the bitmap) */
    size_t page_count;   /* pages managed */
    size_t free_count;   /* pages not in use */
    uint8_t *bitmap;     /* page_count bits, 1 = in use */
    size_t bitmap_pages; /* pages at the pool's start that hold the bitmap */
};

/* Take [base, base+bytes) (identity-mapped, page aligned). Returns -1 if the range is
 * misaligned or too small to hold its own bitmap and one page. */
int page_pool_init(struct page_pool *pool, uint64_t base, uint64_t bytes);

/* Allocate `count` contiguous pages whose first page is aligned to `align_pages` pages
 * (a power of two; 1 = any). Returns the physical address, or 0 when no such run is free. */
uint64_t page_pool_alloc(struct page_pool *pool, size_t count, size_t align_pages);

/* Free a run returned by page_pool_alloc. Returns -1 (and frees nothing) if the run is
 * outside the pool, misaligned, or not entirely in use: a double free is caught. */
int page_pool_free(struct page_pool *pool, uint64_t addr, size_t count);

/* Largest free run, in pages (for out-of-memory reports). */
size_t page_pool_largest_free_run(const struct page_pool *pool);

#endif
