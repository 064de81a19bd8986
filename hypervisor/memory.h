/*
 * memory.h - the hypervisor's page allocator (one global pool over boot_info's pool).
 */
#ifndef HVLAB_MEMORY_H
#define HVLAB_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "hypervisor/page_alloc.h"

/* Take the pool the boot layer reserved. Panics if it cannot be used. */
void memory_init(const struct boot_info *info);

/* Allocate `count` zeroed pages aligned to `align_pages` pages, for `what` (named in the
 * report). On exhaustion, logs what was asked and what is left and returns NULL. */
void *pages_alloc(size_t count, size_t align_pages, const char *what);

/* pages_alloc as a page_source_fn (hypervisor/guest_memory.h), for the guest-RAM, EPT
 * and NPT builders: ctx is the `what` string named in an out-of-memory report. */
uint64_t pages_source(void *ctx, size_t pages, size_t align_pages);

/* Return pages from pages_alloc; panics on a double or foreign free (a hypervisor bug). */
void pages_free(void *pages, size_t count);

/* Every page has an owner: hvlab itself, or the VM whose creation took it (its id,
 * 1..MEMORY_OWNER_MAX). A VM's pages go back when it ends, whichever order VMs end in:
 * memory_release_owner scrubs (zeroes) each page before it is free again, so no VM ever
 * sees another's data. pages_alloc tags with the owner set last (memory_set_owner,
 * which returns the one before); pages_free gives a page back to hvlab's name. */
#define MEMORY_OWNER_HVLAB 0u
#define MEMORY_OWNER_MAX   255u /* one byte per page */
unsigned memory_set_owner(unsigned owner);
size_t memory_owned_pages(unsigned owner);
/* Scrub and free every page `owner` holds; returns how many. */
size_t memory_release_owner(unsigned owner);

/* The ledger: while open, every pages_alloc is tallied by its `what`, so a VM's footprint
 * can be reported per purpose ("VMCS", "EPT tables", ...). Same `what` strings merge. */
#define MEMORY_LEDGER_MAX 16
struct memory_ledger_entry {
    const char *what;
    size_t pages;
};
void memory_ledger_open(void);
/* Close it; fills up to max entries and returns how many there are. */
size_t memory_ledger_close(struct memory_ledger_entry *out, size_t max);

/* Fault injection, for selftest=oom-at=K (hypervisor/vm.c) and the unit tests: after
 * memory_count_start every pages_alloc call is counted, and from the fail_from-th on
 * (1-based; 0 = none) each fails as if the pool had run dry there, so that no fallback
 * (guest RAM's 4 KiB pages when a 2 MiB run is refused) hides the failure.
 * memory_count_stop ends it and returns the calls counted, failed ones included. */
void memory_count_start(unsigned fail_from);
unsigned memory_count_stop(void);

/* Pages still free, and pages in the pool. */
size_t memory_free_pages(void);
size_t memory_total_pages(void);

#endif
