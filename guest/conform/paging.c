/*
 * paging.c - the guest turns on its own 32-bit paging (4 KiB pages, no PAE) over hvlab's
 * EPT/NPT: two virtual pages mapped to one physical page see the same bytes, and a
 * not-present page raises #PF with CR2 = the address.
 *
 *   linear 0x00000000-0x003FFFFF -> identity (the kernel, its stack and data)
 *   linear 0x40000000 (ALIAS_A)  -> alias_frame
 *   linear 0x40001000 (ALIAS_B)  -> alias_frame
 *   linear 0x40002000 (HOLE)        not present
 *
 * Paging is on only inside these functions, with interrupts off and no port I/O (hvlab
 * does not emulate string I/O with guest paging on); CR0.PG is cleared before returning.
 *
 * See: Intel SDM Vol. 3A, "32-Bit Paging" (figure "Formats of CR3 and Paging-Structure
 *      Entries with 32-Bit Paging"), "Page-Fault Exceptions".
 */
#include "conform.h"
#include "cpu.h"
#include "idt.h"

#define PAGE_SIZE      4096u
#define ENTRIES        1024u                 /* per page directory / page table */
#define PDE_SPAN       (ENTRIES * PAGE_SIZE) /* 4 MiB per directory entry */
#define IDENTITY_LIMIT PDE_SPAN              /* identity map: the first 4 MiB */
#define ALIAS_A        0x40000000u
#define ALIAS_B        (ALIAS_A + PAGE_SIZE)
#define HOLE           (ALIAS_B + PAGE_SIZE)
#define ALIAS_VALUE    0x600DF00Du
#define ALIAS_VALUE_2  0x5EC0DD00u

#define PDE_INDEX(va) ((va) / PDE_SPAN)
#define PTE_INDEX(va) (((va) / PAGE_SIZE) % ENTRIES)

extern char __kernel_end[]; /* linker.ld */

static uint32_t page_dir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt_identity[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt_alias[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static volatile uint32_t alias_frame[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));

static uint32_t phys(const volatile void *p) { return (uint32_t)(uintptr_t)p; }

/* Build the map drawn above (idempotent). */
static void build_tables(void)
{
    for (uint32_t i = 0; i < ENTRIES; i++) {
        page_dir[i] = 0;
        pt_identity[i] = i * PAGE_SIZE | PTE_P | PTE_RW;
        pt_alias[i] = 0;
    }
    page_dir[PDE_INDEX(0)] = phys(pt_identity) | PTE_P | PTE_RW;
    page_dir[PDE_INDEX(ALIAS_A)] = phys(pt_alias) | PTE_P | PTE_RW;
    pt_alias[PTE_INDEX(ALIAS_A)] = phys(alias_frame) | PTE_P | PTE_RW;
    pt_alias[PTE_INDEX(ALIAS_B)] = phys(alias_frame) | PTE_P | PTE_RW;
}

static void paging_on(void)
{
    write_cr3(phys(page_dir));
    write_cr0(read_cr0() | CR0_PG);
}

static void paging_off(void) { write_cr0(read_cr0() & ~CR0_PG); }

/* The identity map must cover the whole kernel (code, data, stack, these tables). */
static bool kernel_fits(void) { return phys(__kernel_end) <= IDENTITY_LIMIT; }

/* Write through one alias, read through the other, and back through the identity map
 * once paging is off again. */
enum tap_outcome check_paging_alias(void)
{
    if (!kernel_fits())
        return tap_fail("kernel ends at 0x%08x, beyond the 4 MiB identity map",
                        phys(__kernel_end));
    build_tables();
    alias_frame[0] = 0;
    alias_frame[1] = 0;

    paging_on();
    volatile uint32_t *a = (volatile uint32_t *)ALIAS_A, *b = (volatile uint32_t *)ALIAS_B;
    a[0] = ALIAS_VALUE;
    uint32_t via_b = b[0];
    b[1] = ALIAS_VALUE_2;
    uint32_t via_a = a[1];
    uint32_t cr0_on = read_cr0();
    paging_off();

    if (!(cr0_on & CR0_PG))
        return tap_fail("CR0 = 0x%08x with paging on: PG clear", cr0_on);
    if (via_b != ALIAS_VALUE || via_a != ALIAS_VALUE_2)
        return tap_fail("read 0x%08x/0x%08x through the other alias, expected 0x%08x/0x%08x",
                        via_b, via_a, ALIAS_VALUE, ALIAS_VALUE_2);
    if (alias_frame[0] != ALIAS_VALUE || alias_frame[1] != ALIAS_VALUE_2)
        return tap_fail("physical page holds 0x%08x/0x%08x, expected 0x%08x/0x%08x",
                        alias_frame[0], alias_frame[1], ALIAS_VALUE, ALIAS_VALUE_2);
    return TAP_PASS;
}

/* A write to a not-present page: #PF, error code "not present, write", CR2 = address. */
enum tap_outcome check_paging_not_present(void)
{
    if (!kernel_fits())
        return tap_fail("kernel beyond the 4 MiB identity map");
    build_tables();

    uint32_t at;
    trap_expect_fault();
    paging_on();
    __asm__ volatile(GUARDED("movl %[v], (%[p])")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : [v] "r"(ALIAS_VALUE), [p] "r"(HOLE)
                     : "memory");
    paging_off();
    trap_expect_nothing();

    if (trap_fault.count != 1)
        return tap_fail("no #PF for a write to 0x%08x (not present)", HOLE);
    if (trap_fault.vector != EXC_PF)
        return tap_fail("vector %u, expected %u (#PF)", trap_fault.vector, EXC_PF);
    if (trap_fault.cr2 != HOLE)
        return tap_fail("CR2 0x%08x, expected 0x%08x", trap_fault.cr2, HOLE);
    if (trap_fault.error != PF_ERROR_WRITE)
        return tap_fail("error code 0x%x, expected 0x%x (not present, write, ring 0)",
                        trap_fault.error, PF_ERROR_WRITE);
    if (trap_fault.eip != at)
        return tap_fail("saved eip 0x%08x, expected 0x%08x", trap_fault.eip, at);
    return TAP_PASS;
}
