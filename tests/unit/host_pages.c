/*
 * host_pages.c - the unit tests' page source (see host_pages.h).
 */
#include "tests/unit/host_pages.h"

#include <stdlib.h>
#include <string.h>

#include "hypervisor/guest_memory.h"

uint64_t host_pages_alloc(void *ctx, size_t pages, size_t align_pages)
{
    struct host_pages *src = ctx;
    if (src->count == HOST_PAGES_ALLOCS_MAX)
        return 0;
    void *p = aligned_alloc(align_pages * GUEST_PAGE_SIZE, pages * GUEST_PAGE_SIZE);
    if (!p)
        return 0;
    memset(p, 0, pages * GUEST_PAGE_SIZE);
    src->allocs[src->count++] = p;
    return (uint64_t)(uintptr_t)p;
}

void host_pages_free_all(struct host_pages *src)
{
    for (size_t i = 0; i < src->count; i++)
        free(src->allocs[i]);
    src->count = 0;
}
