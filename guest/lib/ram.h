/*
 * ram.h - which guest RAM a kernel may use: where RAM ends, and where its own image ends.
 *
 * Guest RAM as a Multiboot kernel sees it (paging off, so addresses are guest-physical):
 *
 *   0          640 KiB        1 MiB                __kernel_end              end
 *   | lower RAM | hole (BIOS) | image: code, data, | free RAM ................ |
 *   | Multiboot |             | bss and the stack  | (nobody else uses it)     |
 *   | info here |             |                    |                           |
 *
 * "end" is 1 MiB + mem_upper KiB: the spec defines mem_upper as the RAM from 1 MiB up to
 * the first hole, so [1 MiB, end) is one run of RAM and no memory map walk is needed.
 * Free RAM starts at the first page after the image. hvlab keeps the boot information at
 * 0x1000; other loaders may put it above the image (QEMU -kernel does), so a guest reads
 * what it needs from it before it writes to free RAM.
 *
 * See: Multiboot Specification 0.6.96, 3.3 "Boot information format" (mem_upper).
 */
#ifndef GUEST_RAM_H
#define GUEST_RAM_H

#include <stdbool.h>
#include <stdint.h>

#include "multiboot.h"

/* Highest end we report: paging is off, so only the first 4 GiB are addressable, and a
 * 32-bit end address must stay representable (the last page below 4 GiB is left out). */
#define RAM_END_LIMIT 0xFFFFF000u

struct ram_layout {
    uint32_t end;        /* first address past RAM (page aligned) */
    uint32_t free_start; /* first address after this kernel's image and stack */
};

/* Fill *ram from the boot information; false if the loader gave no memory size (then
 * nothing is known about RAM and *ram is left zero). */
bool ram_layout_get(uint32_t magic, const struct multiboot_info *mbi, struct ram_layout *ram);

/* KiB in [start, end), rounded down. */
static inline uint32_t ram_kib(uint32_t start, uint32_t end) { return (end - start) >> 10; }

#endif /* GUEST_RAM_H */
