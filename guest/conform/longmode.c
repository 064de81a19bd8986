/*
 * longmode.c - the guest switches itself to IA-32e (long) mode over hvlab's EPT/NPT,
 * runs 64-bit code, and comes back to 32-bit protected mode with paging off.
 *
 * Page tables (4-level, 2 MiB pages) map the first 16 MiB 1:1:
 *
 *   CR3 -> pml4[0] -> pdpt[0] -> pd[0..7] = 0, 2 MiB, ... 14 MiB  (PS = 1)
 *
 * Under hvlab this exercises the CR0/CR4/EFER exits (EFER.LME is on the MSR allow-list),
 * VT-x's "IA-32e mode guest" entry control / AMD-V's EFER.LMA in the VMCB, and a guest
 * that changes paging mode while EPT/NPT stay the same.
 *
 * See: Intel SDM Vol. 3A, "4-Level Paging and 5-Level Paging", "Initializing IA-32e Mode";
 *      AMD APM Vol. 2, "Enabling and Activating Long Mode".
 */
#include "conform.h"
#include "cpu.h"
#include "longmode.h"
#include "segment.h"

#define PAGE_SIZE      4096u
#define ENTRIES_64     512u
#define LARGE_PAGE     0x200000u /* 2 MiB */
#define IDENTITY_PAGES 8u        /* 8 x 2 MiB = 16 MiB */
#define TRIP_VALUE     (((uint64_t)TRIP_VALUE_HIGH << 32) | TRIP_VALUE_LOW)
#define TRIP_EXPECTED  (TRIP_VALUE << TRIP_VALUE_SHIFT)

extern char __kernel_end[]; /* linker.ld */

static uint64_t pml4[ENTRIES_64] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pdpt[ENTRIES_64] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pd[ENTRIES_64] __attribute__((aligned(PAGE_SIZE)));

static uint32_t phys(const void *p) { return (uint32_t)(uintptr_t)p; }

static void build_tables(void)
{
    for (unsigned i = 0; i < ENTRIES_64; i++)
        pml4[i] = pdpt[i] = pd[i] = 0;
    pml4[0] = phys(pdpt) | PTE_P | PTE_RW;
    pdpt[0] = phys(pd) | PTE_P | PTE_RW;
    for (unsigned i = 0; i < IDENTITY_PAGES; i++)
        pd[i] = (uint64_t)i * LARGE_PAGE | PTE_P | PTE_RW | PTE_PS;
}

/* After the trip: paging off, PAE off, EFER.LME and LMA clear. */
static enum tap_outcome check_back_in_protected_mode(void)
{
    uint32_t cr0 = read_cr0(), cr4 = read_cr4();
    uint32_t efer = (uint32_t)rdmsr(MSR_EFER);

    if (cr0 & CR0_PG)
        return tap_fail("back in protected mode: CR0 = 0x%08x, PG still set", cr0);
    if (cr4 & CR4_PAE)
        return tap_fail("back in protected mode: CR4 = 0x%08x, PAE still set", cr4);
    if (efer & (EFER_LME | EFER_LMA))
        return tap_fail("back in protected mode: EFER = 0x%08x, LME/LMA still set", efer);
    return TAP_PASS;
}

/* One trip; `go64` also runs the 64-bit code. */
static void trip(struct long_mode_trip *t, bool go64)
{
    *t = (struct long_mode_trip){0};
    build_tables();
    long_mode_trip(phys(pml4), t, go64);
}

/* CR4.PAE + EFER.LME + CR0.PG: EFER.LMA reads 1 (compatibility mode), then back out. */
enum tap_outcome check_long_mode_lma(void)
{
    struct long_mode_trip t;

    if (phys(__kernel_end) > IDENTITY_PAGES * LARGE_PAGE)
        return tap_fail("kernel ends at 0x%08x, beyond the 16 MiB identity map",
                        phys(__kernel_end));
    trip(&t, false);
    if (!(t.efer_on & EFER_LMA))
        return tap_fail("EFER = 0x%08x after CR0.PG = 1 with LME and PAE: LMA clear",
                        t.efer_on);
    return check_back_in_protected_mode();
}

/* Far jump to a 64-bit code segment, 64-bit arithmetic above 4 GiB, far return. */
enum tap_outcome check_long_mode_64bit(void)
{
    struct long_mode_trip t;

    trip(&t, true);
    if (t.returned != TRIP_REACHED)
        return tap_fail("the far return to compatibility mode did not arrive");
    if (t.cs64 != GDT_SEL_CODE64)
        return tap_fail("CS = 0x%04x in 64-bit mode, expected 0x%04x", t.cs64, GDT_SEL_CODE64);
    if (t.value64 != TRIP_EXPECTED)
        return tap_fail("64-bit code stored 0x%08x%08x, expected 0x%08x%08x",
                        (uint32_t)(t.value64 >> 32), (uint32_t)t.value64,
                        (uint32_t)(TRIP_EXPECTED >> 32), (uint32_t)TRIP_EXPECTED);
    return check_back_in_protected_mode();
}
