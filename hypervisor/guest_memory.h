/*
 * guest_memory.h - a guest's physical address space: which guest-physical ranges are
 * RAM, and which host pages back them.
 *
 * Guest RAM is [0, ram_size). It is backed by runs of host pages from the pool: 2 MiB
 * aligned runs where the pool can give them (so EPT/NPT can map them with 2 MiB pages),
 * 4 KiB pages otherwise. Everything outside guest RAM is unmapped, so a guest access
 * there exits to the hypervisor. The hypervisor owns this map; the EPT/NPT builders in
 * arch/x86_64/ translate it into the hardware format.
 *
 *   guest-physical  0          2M         4M            ram_size
 *                   | chunk 0  | chunk 1  | ...  | 4K.. |
 *   host-physical   anywhere in the pool, each chunk contiguous
 */
#ifndef HVLAB_GUEST_MEMORY_H
#define HVLAB_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE       4096ull
#define GUEST_LARGE_PAGE_SIZE (2ull << 20) /* 2 MiB */
#define GUEST_PAGES_PER_LARGE (GUEST_LARGE_PAGE_SIZE / GUEST_PAGE_SIZE)
#define GUEST_RAM_CHUNKS_MAX  1024

/* One run of guest RAM backed by contiguous host memory. */
struct guest_ram_chunk {
    uint64_t gpa;  /* guest-physical start */
    uint64_t hpa;  /* host-physical start (identity-mapped: also a host pointer) */
    uint64_t size; /* bytes, a multiple of 4 KiB */
    bool large;    /* gpa, hpa and size are 2 MiB multiples: map with 2 MiB pages */
};

struct guest_memory {
    uint64_t ram_size;
    size_t chunk_count;
    struct guest_ram_chunk chunks[GUEST_RAM_CHUNKS_MAX];
};

/* Where backing pages come from: `pages` contiguous, zeroed pages aligned to
 * `align_pages` pages; returns the host-physical address or 0 when out of memory.
 * The hypervisor passes its page pool; unit tests pass a malloc-based source. */
typedef uint64_t (*page_source_fn)(void *ctx, size_t pages, size_t align_pages);

/* Back [0, ram_size) with host memory. Returns 0, or -1 with the reason in why. */
int guest_memory_create(struct guest_memory *m, uint64_t ram_size, page_source_fn alloc,
                        void *ctx, char *why, size_t why_len);

/* Is [gpa, gpa+len) entirely guest RAM? (len 0 counts as inside if gpa < ram_size.) */
bool guest_memory_contains(const struct guest_memory *m, uint64_t gpa, uint64_t len);

/* Host pointer to guest-physical gpa, or NULL if outside RAM. Valid up to the end of the
 * chunk holding gpa: use guest_memory_read/write for ranges that may cross chunks. */
void *guest_memory_host_ptr(const struct guest_memory *m, uint64_t gpa);

/* Copy to/from guest RAM, across chunks. -1 (and nothing copied) if any byte is outside. */
int guest_memory_write(const struct guest_memory *m, uint64_t gpa, const void *src,
                       uint64_t len);
int guest_memory_read(const struct guest_memory *m, uint64_t gpa, void *dst, uint64_t len);

/* Fill guest RAM with a byte value (e.g. zero a .bss); -1 if any byte is outside. */
int guest_memory_fill(const struct guest_memory *m, uint64_t gpa, uint8_t value, uint64_t len);

#endif
