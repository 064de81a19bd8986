/*
 * host_pages.h - a page_source_fn for host unit tests: zeroed, aligned buffers from
 * aligned_alloc, where the pointer value stands for the host-physical address (as it
 * does in hvlab, whose memory is identity-mapped). Every buffer is remembered so the
 * test can free them all.
 */
#ifndef HVLAB_TEST_HOST_PAGES_H
#define HVLAB_TEST_HOST_PAGES_H

#include <stddef.h>
#include <stdint.h>

#define HOST_PAGES_ALLOCS_MAX 2048

struct host_pages {
    size_t count;
    void *allocs[HOST_PAGES_ALLOCS_MAX];
};

/* page_source_fn (hypervisor/guest_memory.h): ctx is a struct host_pages. */
uint64_t host_pages_alloc(void *ctx, size_t pages, size_t align_pages);

/* Free every buffer handed out and reset the count. */
void host_pages_free_all(struct host_pages *src);

#endif
