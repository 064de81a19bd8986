/*
 * memory.c - the global page pool, with zeroing and out-of-memory reports on top of the
 * pure allocator in page_alloc.c. Physical memory is identity-mapped (UEFI's page tables
 * stay in use), so a physical address is also a pointer.
 */
#include "hypervisor/memory.h"

#include "hypervisor/console.h"
#include "hypervisor/panic.h"
#include "hypervisor/string.h"

static struct page_pool pool;

/* Who holds each page of the pool: one byte per page, MEMORY_OWNER_HVLAB or a VM's id.
 * It lives in pages of the pool itself, taken first. */
static uint8_t *owner_of;
static unsigned current_owner = MEMORY_OWNER_HVLAB;

static size_t page_index(uint64_t addr) { return (size_t)((addr - pool.base) / PAGE_SIZE); }

void memory_init(const struct boot_info *info)
{
    if (page_pool_init(&pool, info->pool_base, info->pool_size) != 0)
        panic("memory pool at 0x%lx (%lu bytes) is unusable", (unsigned long)info->pool_base,
              (unsigned long)info->pool_size);
    size_t owner_pages = (pool.page_count + PAGE_SIZE - 1) / PAGE_SIZE;
    owner_of = (uint8_t *)(uintptr_t)page_pool_alloc(&pool, owner_pages, 1);
    if (!owner_of)
        panic("memory pool: no room for its owner map (%lu pages)", (unsigned long)owner_pages);
    memset(owner_of, MEMORY_OWNER_HVLAB, owner_pages * PAGE_SIZE);
    current_owner = MEMORY_OWNER_HVLAB;
    log_info("memory pool: %lu KiB at 0x%lx, %lu pages free (bitmap %lu pages)",
             (unsigned long)(info->pool_size >> 10), (unsigned long)pool.base,
             (unsigned long)pool.free_count, (unsigned long)pool.bitmap_pages);
}

static struct {
    bool open;
    size_t count;
    struct memory_ledger_entry entry[MEMORY_LEDGER_MAX];
} ledger;

void memory_ledger_open(void)
{
    ledger.open = true;
    ledger.count = 0;
}

size_t memory_ledger_close(struct memory_ledger_entry *out, size_t max)
{
    ledger.open = false;
    for (size_t i = 0; i < ledger.count && i < max; i++)
        out[i] = ledger.entry[i];
    return ledger.count;
}

static void ledger_add(const char *what, size_t pages)
{
    for (size_t i = 0; i < ledger.count; i++)
        if (strcmp(ledger.entry[i].what, what) == 0) {
            ledger.entry[i].pages += pages;
            return;
        }
    if (ledger.count < MEMORY_LEDGER_MAX)
        ledger.entry[ledger.count++] = (struct memory_ledger_entry){what, pages};
}

static struct {
    bool on;
    unsigned calls, fail_from;
} counter;

void memory_count_start(unsigned fail_from)
{
    counter.on = true;
    counter.calls = 0;
    counter.fail_from = fail_from;
}

unsigned memory_count_stop(void)
{
    counter.on = false;
    return counter.calls;
}

/* Is this call one that must fail on purpose (memory_count_start)? Says so once. */
static bool fails_on_purpose(size_t count, const char *what)
{
    if (!counter.on || ++counter.calls < counter.fail_from || !counter.fail_from)
        return false;
    if (counter.calls == counter.fail_from)
        log_info("selftest: allocation %u (%s, %lu %s) fails on purpose, and every one "
                 "after it",
                 counter.calls, what, (unsigned long)count, count == 1 ? "page" : "pages");
    return true;
}

void *pages_alloc(size_t count, size_t align_pages, const char *what)
{
    if (fails_on_purpose(count, what))
        return NULL;
    uint64_t addr = page_pool_alloc(&pool, count, align_pages);
    if (!addr) {
        log_error("out of memory: %s needs %lu pages (aligned to %lu); %lu pages free, "
                  "largest free run %lu pages",
                  what, (unsigned long)count, (unsigned long)align_pages,
                  (unsigned long)pool.free_count,
                  (unsigned long)page_pool_largest_free_run(&pool));
        return NULL;
    }
    void *p = (void *)(uintptr_t)addr;
    memset(p, 0, count * PAGE_SIZE);
    memset(owner_of + page_index(addr), (int)current_owner, count);
    if (ledger.open)
        ledger_add(what, count);
    return p;
}

uint64_t pages_source(void *ctx, size_t pages, size_t align_pages)
{
    return (uint64_t)(uintptr_t)pages_alloc(pages, align_pages, ctx);
}

void pages_free(void *pages, size_t count)
{
    uint64_t addr = (uint64_t)(uintptr_t)pages;
    if (page_pool_free(&pool, addr, count) != 0)
        panic("pages_free(%p, %lu): not an allocated run", pages, (unsigned long)count);
    memset(owner_of + page_index(addr), MEMORY_OWNER_HVLAB, count);
}

size_t memory_free_pages(void) { return pool.free_count; }

size_t memory_total_pages(void) { return pool.page_count; }

unsigned memory_set_owner(unsigned owner)
{
    unsigned previous = current_owner;
    current_owner = owner;
    return previous;
}

size_t memory_owned_pages(unsigned owner)
{
    size_t n = 0;
    for (size_t i = 0; i < pool.page_count; i++)
        n += owner_of[i] == owner;
    return n;
}

/* Run by run: each maximal run of the owner's pages is scrubbed, then freed. A run may
 * span two allocations; page_pool_free takes any run of pages in use. */
size_t memory_release_owner(unsigned owner)
{
    if (owner == MEMORY_OWNER_HVLAB)
        panic("memory_release_owner: hvlab's own pages are never released");
    size_t freed = 0;
    for (size_t i = 0; i < pool.page_count;) {
        if (owner_of[i] != owner) {
            i++;
            continue;
        }
        size_t run = 1;
        while (i + run < pool.page_count && owner_of[i + run] == owner)
            run++;
        void *p = (void *)(uintptr_t)(pool.base + i * PAGE_SIZE);
        memset(p, 0, run * PAGE_SIZE); /* scrubbed: the next owner never sees this VM's data */
        pages_free(p, run);
        freed += run;
        i += run;
    }
    return freed;
}
