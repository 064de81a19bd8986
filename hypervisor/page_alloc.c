/*
 * page_alloc.c - first-fit bitmap page allocator (see page_alloc.h for the layout).
 */
#include "hypervisor/page_alloc.h"

static bool page_used(const struct page_pool *p, size_t i)
{
    return (p->bitmap[i / 8] >> (i % 8)) & 1u;
}

static void mark(struct page_pool *p, size_t first, size_t count, bool used)
{
    for (size_t i = first; i < first + count; i++) {
        uint8_t bit = (uint8_t)(1u << (i % 8));
        if (used)
            p->bitmap[i / 8] |= bit;
        else
            p->bitmap[i / 8] &= (uint8_t)~bit;
    }
}

int page_pool_init(struct page_pool *p, uint64_t base, uint64_t bytes)
{
    if (base % PAGE_SIZE || bytes < 2 * PAGE_SIZE)
        return -1;
    size_t total = (size_t)(bytes / PAGE_SIZE);
    /* The bitmap needs one bit per page it manages; it manages the pages it leaves. */
    size_t bitmap_pages = (total + 8 * PAGE_SIZE) / (8 * PAGE_SIZE + 1);
    if (bitmap_pages == 0)
        bitmap_pages = 1;
    while (bitmap_pages * PAGE_SIZE * 8 < total - bitmap_pages)
        bitmap_pages++;
    if (bitmap_pages >= total)
        return -1;

    p->bitmap = (uint8_t *)(uintptr_t)base;
    p->bitmap_pages = bitmap_pages;
    p->base = base + bitmap_pages * PAGE_SIZE;
    p->page_count = total - bitmap_pages;
    p->free_count = p->page_count;
    for (size_t i = 0; i < bitmap_pages * PAGE_SIZE; i++)
        p->bitmap[i] = 0;
    return 0;
}

uint64_t page_pool_alloc(struct page_pool *p, size_t count, size_t align_pages)
{
    if (count == 0 || count > p->free_count || align_pages == 0 ||
        (align_pages & (align_pages - 1)))
        return 0;
    /* Alignment is of the physical address, not of the index into the pool. */
    uint64_t align_bytes = (uint64_t)align_pages * PAGE_SIZE;
    uint64_t first_addr = (p->base + align_bytes - 1) & ~(align_bytes - 1);
    for (size_t start = (size_t)((first_addr - p->base) / PAGE_SIZE);
         start + count <= p->page_count; start += align_pages) {
        size_t run = 0;
        while (run < count && !page_used(p, start + run))
            run++;
        if (run == count) {
            mark(p, start, count, true);
            p->free_count -= count;
            return p->base + (uint64_t)start * PAGE_SIZE;
        }
    }
    return 0;
}

int page_pool_free(struct page_pool *p, uint64_t addr, size_t count)
{
    if (addr < p->base || addr % PAGE_SIZE || count == 0)
        return -1;
    size_t first = (size_t)((addr - p->base) / PAGE_SIZE);
    if (first >= p->page_count || count > p->page_count - first)
        return -1;
    for (size_t i = first; i < first + count; i++)
        if (!page_used(p, i))
            return -1;
    mark(p, first, count, false);
    p->free_count += count;
    return 0;
}

size_t page_pool_largest_free_run(const struct page_pool *p)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < p->page_count; i++) {
        run = page_used(p, i) ? 0 : run + 1;
        if (run > best)
            best = run;
    }
    return best;
}
