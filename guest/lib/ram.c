/*
 * ram.c - find a guest's free RAM from the Multiboot boot information (see ram.h).
 */
#include "ram.h"

#define PAGE_MASK 0xFFFu /* 4 KiB pages: the low 12 bits of an address */

extern char __kernel_end[]; /* linker.ld: end of the image, .bss and stack included */

bool ram_layout_get(uint32_t magic, const struct multiboot_info *mbi, struct ram_layout *ram)
{
    ram->end = 0;
    ram->free_start = 0;
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(mbi->flags & MULTIBOOT_INFO_MEMORY))
        return false;

    uint64_t end = MULTIBOOT_UPPER_MEMORY_START + (uint64_t)mbi->mem_upper * 1024;
    if (end > RAM_END_LIMIT)
        end = RAM_END_LIMIT;
    ram->end = (uint32_t)end & ~PAGE_MASK;
    ram->free_start = (uint32_t)(uintptr_t)__kernel_end;
    if (ram->free_start > ram->end)
        ram->free_start = ram->end; /* an image that fills RAM leaves nothing free */
    return true;
}
