/*
 * guest_memory.c - back guest RAM with host pages and copy in and out of it.
 */
#include "hypervisor/guest_memory.h"

#include "hypervisor/fmt.h"

#define KIB_SHIFT 10
#define MIB_SHIFT 20
#define MIB       (1ull << MIB_SHIFT)

/* Append [gpa, gpa+size) at hpa, merging with the previous chunk when both sides are
 * contiguous and of the same page size. */
static int add_chunk(struct guest_memory *m, uint64_t gpa, uint64_t hpa, uint64_t size,
                     bool large)
{
    if (m->chunk_count) {
        struct guest_ram_chunk *last = &m->chunks[m->chunk_count - 1];
        if (last->large == large && last->gpa + last->size == gpa &&
            last->hpa + last->size == hpa) {
            last->size += size;
            return 0;
        }
    }
    if (m->chunk_count == GUEST_RAM_CHUNKS_MAX)
        return -1;
    m->chunks[m->chunk_count++] = (struct guest_ram_chunk){gpa, hpa, size, large};
    return 0;
}

int guest_memory_create(struct guest_memory *m, uint64_t ram_size, page_source_fn alloc,
                        void *ctx, char *why, size_t why_len)
{
    m->ram_size = ram_size;
    m->chunk_count = 0;
    if (ram_size == 0 || ram_size % GUEST_PAGE_SIZE) {
        fmt_snprintf(why, why_len, "guest RAM size 0x%lx is not a positive multiple of 4 KiB",
                     (unsigned long)ram_size);
        return -1;
    }
    uint64_t gpa = 0;
    while (gpa < ram_size) {
        uint64_t hpa = 0;
        bool large = false;
        /* A whole 2 MiB frame left to fill: try for one aligned 2 MiB run first. */
        if (gpa % GUEST_LARGE_PAGE_SIZE == 0 && ram_size - gpa >= GUEST_LARGE_PAGE_SIZE) {
            hpa = alloc(ctx, GUEST_PAGES_PER_LARGE, GUEST_PAGES_PER_LARGE);
            large = hpa != 0;
        }
        if (!large)
            hpa = alloc(ctx, 1, 1);
        if (!hpa) {
            bool mib = ram_size % MIB == 0;
            fmt_snprintf(why, why_len,
                         "out of memory: guest RAM (%lu %s), none for guest-physical 0x%lx",
                         (unsigned long)(ram_size >> (mib ? MIB_SHIFT : KIB_SHIFT)),
                         mib ? "MiB" : "KiB", (unsigned long)gpa);
            return -1;
        }
        uint64_t size = large ? GUEST_LARGE_PAGE_SIZE : GUEST_PAGE_SIZE;
        if (add_chunk(m, gpa, hpa, size, large) != 0) {
            fmt_snprintf(why, why_len, "guest RAM too fragmented (more than %d chunks)",
                         GUEST_RAM_CHUNKS_MAX);
            return -1;
        }
        gpa += size;
    }
    return 0;
}

bool guest_memory_contains(const struct guest_memory *m, uint64_t gpa, uint64_t len)
{
    return gpa < m->ram_size && len <= m->ram_size - gpa;
}

static const struct guest_ram_chunk *chunk_of(const struct guest_memory *m, uint64_t gpa)
{
    for (size_t i = 0; i < m->chunk_count; i++) {
        const struct guest_ram_chunk *c = &m->chunks[i];
        if (gpa >= c->gpa && gpa - c->gpa < c->size)
            return c;
    }
    return 0;
}

void *guest_memory_host_ptr(const struct guest_memory *m, uint64_t gpa)
{
    const struct guest_ram_chunk *c = chunk_of(m, gpa);
    return c ? (void *)(uintptr_t)(c->hpa + (gpa - c->gpa)) : 0;
}

enum copy_dir { TO_GUEST, FROM_GUEST, FILL_GUEST };

/* Walk [gpa, gpa+len) chunk by chunk; the one loop behind write, read and fill. */
static int copy(const struct guest_memory *m, uint64_t gpa, uint8_t *host, uint8_t fill,
                uint64_t len, enum copy_dir dir)
{
    if (!guest_memory_contains(m, gpa, len))
        return -1;
    while (len) {
        const struct guest_ram_chunk *c = chunk_of(m, gpa);
        uint64_t offset = gpa - c->gpa;
        uint64_t n = c->size - offset < len ? c->size - offset : len;
        uint8_t *guest = (uint8_t *)(uintptr_t)(c->hpa + offset);
        for (uint64_t i = 0; i < n; i++) {
            if (dir == TO_GUEST)
                guest[i] = host[i];
            else if (dir == FROM_GUEST)
                host[i] = guest[i];
            else
                guest[i] = fill;
        }
        if (host)
            host += n;
        gpa += n;
        len -= n;
    }
    return 0;
}

int guest_memory_write(const struct guest_memory *m, uint64_t gpa, const void *src,
                       uint64_t len)
{
    return copy(m, gpa, (uint8_t *)(uintptr_t)src, 0, len, TO_GUEST);
}

int guest_memory_read(const struct guest_memory *m, uint64_t gpa, void *dst, uint64_t len)
{
    return copy(m, gpa, dst, 0, len, FROM_GUEST);
}

int guest_memory_fill(const struct guest_memory *m, uint64_t gpa, uint8_t value, uint64_t len)
{
    return copy(m, gpa, 0, value, len, FILL_GUEST);
}
