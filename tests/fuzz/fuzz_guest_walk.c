/*
 * fuzz_guest_walk.c - libFuzzer harness for the guest page walk (hypervisor/guest_walk.c).
 * The guest owns its page tables and its CR0/CR3/CR4/EFER; hvlab walks them to read the
 * instruction at RIP (MMIO accesses, CR writes under AMD-V).
 *
 *   data: | cr0 bit PG (u8) | cr3 (u32) | cr4 (u8) | mode (u8) | linear (u64) |
 *         | guest RAM image: the first RAM_BYTES bytes, the rest zero |
 *   cr4:  bit 0 PSE, 1 PAE, 2 SMEP, 3 SMAP, 4 CR0.WP, 5 EFER.NXE, 6 EFLAGS.AC, 7 CPL 3
 *   mode: bit 0 LMA, 2:1 access (read, write, fetch, translate), 4:3 MAXPHYADDR 36/40/46/52
 *
 * Invariants checked for every input (SDM Vol. 3A, "Paging"):
 *   - paging off: the address itself;
 *   - a success keeps the 4 KiB page offset, and in 32-bit paging (no PSE-36 page) and
 *     PAE with a 32-bit linear address the result comes from a present entry;
 *   - the same translation twice gives the same answer (it changes nothing);
 *   - a failure says why, from the walker's own list;
 *   - an access walk that passes translates as the translation does; one that fails
 *     changes no byte of RAM; one that passes only sets A/D bits (5, 6) of entries, and
 *     a second walk changes nothing (and passes, but for a PAE PDPT that aliases a table
 *     whose A/D bits it set); a #PF error code has only bits 4:0, RSVD with P.
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

#define RAM_BYTES    (16u << 10) /* small: tables the fuzzer writes are found quickly */
#define PAGE_OFFSET  0xFFFull
#define AD_BITS      0x60u /* accessed, dirty */
#define EFLAGS_AC    (1ull << 18)
#define PF_ERR_KNOWN (PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER | PF_ERR_RSVD | PF_ERR_FETCH)

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

/* Only A (bit 5) and D (bit 6) may go from 0 to 1, in the low byte of an entry. */
static bool only_ad_set(const uint8_t *before, const uint8_t *after)
{
    for (size_t i = 0; i < RAM_BYTES; i++) {
        uint8_t changed = before[i] ^ after[i];
        if (changed && ((i % 4) || (changed & ~AD_BITS) || (changed & before[i])))
            return false;
    }
    return true;
}

/* The access walk against the translation (translated: to gpa). */
static void check_access(struct guest_paging *p, uint8_t cr4, uint8_t mode, uint64_t linear,
                         bool translated, uint64_t gpa)
{
    static const unsigned widths[] = {36, 40, 46, 52};
    static uint8_t before[RAM_BYTES], after[RAM_BYTES];
    p->cr4 |= ((cr4 & 4) ? CR4_SMEP : 0) | ((cr4 & 8) ? CR4_SMAP : 0);
    p->cr0 |= (cr4 & 16) ? CR0_WP : 0;
    p->efer |= (cr4 & 32) ? EFER_NXE : 0;
    p->rflags = (cr4 & 64) ? EFLAGS_AC : 0;
    p->phys_addr_bits = widths[(mode >> 3) & 3];
    struct guest_access a = {.kind = (enum guest_access_kind)((mode >> 1) & 3),
                             .user = (cr4 & 128) != 0};
    struct guest_walk_result r;
    FUZZ_CHECK(guest_memory_read(&mem, 0, before, RAM_BYTES) == 0, "RAM read");
    enum guest_walk_status st = guest_walk_access(&mem, p, linear, &a, &r);
    FUZZ_CHECK(guest_memory_read(&mem, 0, after, RAM_BYTES) == 0, "RAM read");
    if (st != GUEST_WALK_OK) {
        FUZZ_CHECK(memcmp(before, after, RAM_BYTES) == 0, "a failed walk changed RAM");
        FUZZ_CHECK(r.why != 0, "no reason");
        if (st == GUEST_WALK_PAGE_FAULT) {
            FUZZ_CHECK(!(r.error_code & ~PF_ERR_KNOWN), "error code 0x%x", r.error_code);
            FUZZ_CHECK(!(r.error_code & PF_ERR_RSVD) || (r.error_code & PF_ERR_PRESENT),
                       "RSVD without P: 0x%x", r.error_code);
        }
        return;
    }
    FUZZ_CHECK(translated && r.gpa == gpa, "access 0x%llx, translation 0x%llx",
               (unsigned long long)r.gpa, (unsigned long long)gpa);
    FUZZ_CHECK(only_ad_set(before, after), "a walk changed more than A/D bits");
    /* Passes again, unless the PAE PDPT aliases a table whose A/D bits were just set:
     * bits 6:5 are reserved in a PDPTE (a CPU would still use the PDPTEs it loaded). */
    bool again = guest_walk_access(&mem, p, linear, &a, &r) == GUEST_WALK_OK;
    bool pae = (p->cr4 & CR4_PAE) && !(p->efer & EFER_LMA);
    FUZZ_CHECK(again || (pae && strcmp(r.why, "PDPTE reserved bit set") == 0),
               "second walk: %s", r.why);
    FUZZ_CHECK(guest_memory_read(&mem, 0, before, RAM_BYTES) == 0 &&
                   memcmp(before, after, RAM_BYTES) == 0,
               "a second walk changed RAM");
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
    uint8_t mode = fuzz_u8(&in);
    p.efer = (mode & 1) && (p.cr4 & CR4_PAE) ? (EFER_LME | EFER_LMA) : 0;
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
        check_access(&p, cr4, mode, linear, false, 0);
        return 0;
    }
    FUZZ_CHECK((gpa & PAGE_OFFSET) == (linear & PAGE_OFFSET), "page offset 0x%llx -> 0x%llx",
               (unsigned long long)linear, (unsigned long long)gpa);
    FUZZ_CHECK(gpa < (1ull << 52), "beyond 52 physical bits: 0x%llx", (unsigned long long)gpa);
    if (!(p.cr4 & CR4_PAE) && !(p.cr4 & CR4_PSE))
        FUZZ_CHECK(gpa <= 0xFFFFFFFFull, "32-bit paging without PSE above 4 GiB");
    check_access(&p, cr4, mode, linear, true, gpa);
    return 0;
}
