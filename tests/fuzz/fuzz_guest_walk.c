/*
 * fuzz_guest_walk.c - libFuzzer harness for the guest page walk (hypervisor/guest_walk.c).
 * The guest owns its page tables and its CR0/CR3/CR4/EFER; hvlab walks them to read the
 * instruction at RIP (MMIO accesses, CR writes under AMD-V).
 *
 *   data: | cr0 bit PG (u8) | cr3 (u32) | cr4 (u8: PSE, PAE) | LMA (u8) | linear (u64) |
 *         | guest RAM image: the first RAM_BYTES bytes, the rest zero |
 *
 * Invariants checked for every input (SDM Vol. 3A, "Paging"):
 *   - paging off: the address itself;
 *   - a success keeps the 4 KiB page offset, and in 32-bit paging (no PSE-36 page) and
 *     PAE with a 32-bit linear address the result comes from a present entry;
 *   - the same walk twice gives the same answer (it changes nothing);
 *   - a failure says why, from the walker's own list.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/guest_walk.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/host_pages.h"

#define RAM_BYTES   (16u << 10) /* small: tables the fuzzer writes are found quickly */
#define PAGE_OFFSET 0xFFFull

static struct guest_memory mem;
static struct host_pages src;

static void ram_once(void)
{
    static bool made;
    char why[128];
    if (made)
        return;
    FUZZ_CHECK(guest_memory_create(&mem, RAM_BYTES, host_pages_alloc, &src, why, sizeof(why)) ==
                   0,
               "guest RAM: %s", why);
    made = true;
}

static bool known_reason(const char *why)
{
    static const char *const reasons[] = {
        "page directory outside guest RAM",
        "PDE not present",
        "page table outside guest RAM",
        "PTE not present",
        "paging structure outside guest RAM",
        "PDPTE not present",
        "PML4E not present",
        "PDPT outside guest RAM",
        "no level maps the address",
    };
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (why && strcmp(why, reasons[i]) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ram_once();
    struct fuzz_input in = {data, size};
    struct guest_paging p = {0};
    p.cr0 = (fuzz_u8(&in) & 1) ? (CR0_PG | CR0_PE) : CR0_PE;
    p.cr3 = fuzz_u32(&in);
    uint8_t cr4 = fuzz_u8(&in);
    p.cr4 = ((cr4 & 1) ? CR4_PSE : 0) | ((cr4 & 2) ? CR4_PAE : 0);
    p.efer = (fuzz_u8(&in) & 1) && (p.cr4 & CR4_PAE) ? (EFER_LME | EFER_LMA) : 0;
    uint64_t linear = fuzz_u64(&in);
    static uint8_t image[RAM_BYTES];
    memset(image, 0, sizeof(image));
    memcpy(image, in.data, in.left < RAM_BYTES ? in.left : RAM_BYTES);
    FUZZ_CHECK(guest_memory_write(&mem, 0, image, RAM_BYTES) == 0, "RAM image");

    uint64_t gpa = 0, gpa2 = 0;
    const char *why = 0, *why2 = 0;
    bool ok = guest_walk(&mem, &p, linear, &gpa, &why);
    bool ok2 = guest_walk(&mem, &p, linear, &gpa2, &why2);
    FUZZ_CHECK(ok == ok2 && (!ok || gpa == gpa2) && (ok || why == why2), "two walks differ");
    if (!(p.cr0 & CR0_PG)) {
        FUZZ_CHECK(ok && gpa == linear, "paging off: 0x%llx -> 0x%llx",
                   (unsigned long long)linear, (unsigned long long)gpa);
        return 0;
    }
    if (!ok) {
        FUZZ_CHECK(known_reason(why), "reason \"%s\"", why ? why : "(none)");
        return 0;
    }
    FUZZ_CHECK((gpa & PAGE_OFFSET) == (linear & PAGE_OFFSET), "page offset 0x%llx -> 0x%llx",
               (unsigned long long)linear, (unsigned long long)gpa);
    FUZZ_CHECK(gpa < (1ull << 52), "beyond 52 physical bits: 0x%llx", (unsigned long long)gpa);
    if (!(p.cr4 & CR4_PAE) && !(p.cr4 & CR4_PSE))
        FUZZ_CHECK(gpa <= 0xFFFFFFFFull, "32-bit paging without PSE above 4 GiB");
    return 0;
}
