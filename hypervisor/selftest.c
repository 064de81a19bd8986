/*
 * selftest.c - deliberate faults in the hypervisor (see selftest.h).
 */
#include "hypervisor/selftest.h"

#include <stdint.h>

#include "hypervisor/console.h"
#include "hypervisor/memory.h"
#include "hypervisor/panic.h"

/* Bits 63:48 must copy bit 47 in a canonical address; this one breaks the rule, so any
 * access raises #GP. See: SDM Vol. 1, "Canonical Addressing". */
#define NON_CANONICAL_ADDRESS 0x8000000000000000ull
#define OOM_RUN_PAGES         256 /* 1 MiB per allocation */

void selftest_run(enum selftest which)
{
    switch (which) {
    case SELFTEST_NONE:
    case SELFTEST_ENTRY: /* done by vm.c, once there is a guest to corrupt */
    case SELFTEST_OOM_AT: /* done by vm.c and memory.c, while each guest is created */ return;
    case SELFTEST_UD:
        log_info("selftest: executing ud2 in the hypervisor");
        __asm__ volatile("ud2");
        break;
    case SELFTEST_GP:
        log_info("selftest: reading non-canonical address 0x%lx",
                 (unsigned long)NON_CANONICAL_ADDRESS);
        (void)*(volatile uint64_t *)(uintptr_t)NON_CANONICAL_ADDRESS;
        break;
    case SELFTEST_PANIC:
        log_info("selftest: calling panic()");
        panic("selftest: deliberate panic (value %d)", 42);
    case SELFTEST_OOM:
        log_info("selftest: allocating 1 MiB runs until the pool is exhausted");
        for (unsigned runs = 0;; runs++) {
            if (!pages_alloc(OOM_RUN_PAGES, 1, "selftest")) {
                panic("selftest: pool exhausted after %u MiB", runs);
            }
        }
    }
    panic("selftest %d returned", (int)which);
}
