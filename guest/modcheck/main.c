/*
 * modcheck - a guest that reports what its Multiboot loader handed it beyond a kernel:
 * the boot modules (modules= under hvlab), the memory map's first entry, and whether
 * page 0 and the last page of RAM are memory it can use.
 *
 * One line per finding on COM1, then status 0 (every check held) or 1 through the
 * debug-exit port. For each module: its index, string, size, a checksum and its first
 * bytes, so a boot test can tell the right file came in the right place (the report is
 * lib/multiboot_modules.c, which guest/conform64 shares).
 * See: Multiboot Specification 0.6.96, 3.3 "Boot information format".
 */
#include <stdbool.h>
#include <stdint.h>

#include "debug_exit.h"
#include "multiboot.h"
#include "multiboot_modules.h"
#include "print.h"
#include "uart.h"

#define STATUS_OK     0
#define STATUS_FAILED 1
#define PAGE_SIZE     4096u
#define PROBE_PATTERN 0x5AA5C33Cu
#define LOWER_END_KIB 640u /* a PC's lower memory at most: mem_lower fits below */

extern char __kernel_end[]; /* guest/linker.ld */

/* Write a pattern over the page at `addr`, read it back, restore it. The address goes
 * through an empty asm so the compiler cannot treat address 0 as a null pointer. */
static bool page_is_ram(uint32_t addr)
{
    __asm__("" : "+r"(addr));
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)addr;
    bool ok = true;
    for (uint32_t i = 0; i < PAGE_SIZE / sizeof(*p); i++) {
        uint32_t old = p[i], want = PROBE_PATTERN ^ i;
        p[i] = want;
        ok &= p[i] == want;
        p[i] = old;
    }
    return ok;
}

/* The first memory map entry must say page 0 is available RAM, and it must be. */
static bool check_low_memory(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MULTIBOOT_INFO_MMAP)) {
        kprintf("modcheck: no memory map\n");
        return false;
    }
    const struct multiboot_mmap_entry *e =
        (const struct multiboot_mmap_entry *)(uintptr_t)mbi->mmap_addr;
    uint64_t last = e->base_addr + e->length - 1;
    bool usable =
        e->base_addr == 0 && e->length >= PAGE_SIZE && e->type == MULTIBOOT_MEMORY_AVAILABLE;
    kprintf("modcheck: memory map entry 0: 0x%08x-0x%08x %s\n", (uint32_t)e->base_addr,
            (uint32_t)last, e->type == MULTIBOOT_MEMORY_AVAILABLE ? "available" : "reserved");
    bool ram = page_is_ram(0);
    kprintf("modcheck: page 0 %s\n", ram ? "is RAM (written and read back)" : "is not RAM");
    return usable && ram;
}

/* mem_upper says where RAM ends: the last page below must be RAM. */
static bool check_memory_size(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MULTIBOOT_INFO_MEMORY) || mbi->mem_lower > LOWER_END_KIB) {
        kprintf("modcheck: no usable memory sizes\n");
        return false;
    }
    uint64_t end = MULTIBOOT_UPPER_MEMORY_START + (uint64_t)mbi->mem_upper * 1024;
    uint32_t last_page = (uint32_t)(end - PAGE_SIZE);
    bool ram = page_is_ram(last_page);
    kprintf("modcheck: memory %u KiB lower, %u KiB upper: RAM ends at %u MiB; last page "
            "0x%08x %s\n",
            mbi->mem_lower, mbi->mem_upper, (uint32_t)(end >> 20), last_page,
            ram ? "is RAM" : "is not RAM");
    return ram;
}

/* One line of the module report (lib/multiboot_modules.c), as "modcheck: ..." */
static void module_line(const char *line) { kprintf("modcheck: %s\n", line); }

/* Each module: page aligned, after the kernel and the one before, inside RAM. */
static bool check_modules(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MULTIBOOT_INFO_MODS)) {
        kprintf("modcheck: no modules\n");
        return true;
    }
    return multiboot_modules_report(mbi, (uint32_t)(uintptr_t)__kernel_end, module_line);
}

static __attribute__((noreturn)) void finish(uint8_t status)
{
    kprintf("modcheck: done, status %u\n", status);
    uart_flush();
    debug_exit(status);
}

/* Entry from boot.S with the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    uart_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        kprintf("modcheck: bad Multiboot magic 0x%08x\n", magic);
        finish(STATUS_FAILED);
    }
    bool ok = check_modules(mbi); /* first: before anything is written to RAM */
    ok &= check_low_memory(mbi);  /* memory map entry 0 and page 0 */
    ok &= check_memory_size(mbi); /* mem_upper and the last page of RAM */
    finish(ok ? STATUS_OK : STATUS_FAILED);
}
