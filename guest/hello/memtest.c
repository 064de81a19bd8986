/*
 * memtest.c - touch one dword per 4 KiB page of upper memory, then read it all back.
 *
 * Under hvlab every first touch of a guest page walks the EPT/NPT tables, so this is
 * the test that shows the guest really owns all the RAM the loader reported.
 *
 * Pages tested:
 *       [1 MiB, 1 MiB + mem_upper KiB)     (Multiboot 0.6.96, 3.3 "Boot information format")
 *   and below 4 GiB                        (paging is off: 32-bit physical addresses)
 *   and inside "available" map entries     (when the loader gave a memory map)
 *   but not [__kernel_start, __kernel_end) (our code, data and stack)
 * The ranges are copied out of the memory map before the first write, because the
 * loader's structures may sit in the very pages we overwrite.
 */
#include "memtest.h"

#include <stdint.h>

#include "print.h"

#define PAGE_SHIFT         12
#define PAGE_SIZE          (1u << PAGE_SHIFT)
#define ADDRESS_LIMIT      (1ull << 32) /* paging off: nothing above 4 GiB is reachable */
#define MEMTEST_MAX_RANGES 32           /* more than any loader's map in practice */
#define MEMTEST_SEED       0x5A3CC3A5u  /* mixed into each page's pattern */

extern char __kernel_start[], __kernel_end[]; /* linker.ld, page aligned */

/* A run of pages [first, end), as page frame numbers. */
struct page_range {
    uint32_t first;
    uint32_t end;
};

static struct page_range ranges[MEMTEST_MAX_RANGES];
static unsigned range_count;

/* The value written to the page at addr: differs from page to page. */
static uint32_t pattern(uint32_t addr) { return addr ^ MEMTEST_SEED; }

/* Append pages [first, end) if not empty and there is room. */
static void add_pages(uint32_t first, uint32_t end)
{
    if (first < end && range_count < MEMTEST_MAX_RANGES) {
        ranges[range_count].first = first;
        ranges[range_count].end = end;
        range_count++;
    }
}

/* Add the whole pages of [start, end) that lie in [lo, hi), leaving out the kernel image. */
static void add_region(uint64_t start, uint64_t end, uint64_t lo, uint64_t hi)
{
    uint32_t kernel_first = (uint32_t)(uintptr_t)__kernel_start >> PAGE_SHIFT;
    uint32_t kernel_end = (uint32_t)(uintptr_t)__kernel_end >> PAGE_SHIFT;

    if (start < lo)
        start = lo;
    if (end > hi)
        end = hi;
    if (start >= end)
        return;

    uint32_t first = (uint32_t)((start + PAGE_SIZE - 1) >> PAGE_SHIFT);
    uint32_t last = (uint32_t)(end >> PAGE_SHIFT);

    add_pages(first, last < kernel_first ? last : kernel_first);
    add_pages(first > kernel_end ? first : kernel_end, last);
}

/* Fill ranges[] from mbi (mem_upper, clipped by the memory map if there is one). */
static void collect_ranges(const struct multiboot_info *mbi)
{
    uint64_t lo = MULTIBOOT_UPPER_MEMORY_START;
    uint64_t hi = lo + (uint64_t)mbi->mem_upper * 1024;

    if (hi > ADDRESS_LIMIT)
        hi = ADDRESS_LIMIT;
    range_count = 0;

    if (!(mbi->flags & MULTIBOOT_INFO_MMAP)) {
        add_region(lo, hi, lo, hi);
        return;
    }
    multiboot_for_each_mmap(e, mbi)
    {
        if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
            add_region(e->base_addr, e->base_addr + e->length, lo, hi);
    }
}

/* Write then read back one dword per page of upper memory; print the result. */
bool memtest_run(const struct multiboot_info *mbi)
{
    uint32_t pages = 0, mismatches = 0, first_bad = 0;
    uint32_t written_sum = 0, read_sum = 0;

    if (!(mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        kprintf("hello: no upper memory size from the loader, RAM not touched\n");
        return false;
    }
    collect_ranges(mbi);

    /* Pass 1: write every page. */
    for (unsigned i = 0; i < range_count; i++) {
        for (uint32_t pfn = ranges[i].first; pfn < ranges[i].end; pfn++) {
            uint32_t addr = pfn << PAGE_SHIFT;
            *(volatile uint32_t *)(uintptr_t)addr = pattern(addr);
            written_sum += pattern(addr);
            pages++;
        }
    }

    /* Pass 2: read every page back, only after all writes (catches aliasing too). */
    for (unsigned i = 0; i < range_count; i++) {
        for (uint32_t pfn = ranges[i].first; pfn < ranges[i].end; pfn++) {
            uint32_t addr = pfn << PAGE_SHIFT;
            uint32_t value = *(volatile uint32_t *)(uintptr_t)addr;
            read_sum += value;
            if (value != pattern(addr) && mismatches++ == 0)
                first_bad = addr;
        }
    }

    if (mismatches == 0 && read_sum == written_sum) {
        kprintf("hello: touched %u pages of RAM, checksum ok\n", pages);
        return true;
    }
    kprintf("hello: touched %u pages of RAM, checksum BAD (%u pages differ, first at 0x%08x)\n",
            pages, mismatches, first_bad);
    return false;
}
