/*
 * multiboot_info.h - build the Multiboot boot information a kernel finds through EBX.
 *
 * See: Multiboot Specification 0.6.96, 3.2 "Machine state" and
 *      3.3 "Boot information format" (structures in hypervisor/multiboot.h).
 *
 * Everything goes in lower memory, in one block starting at info_gpa:
 *
 *   info_gpa  | struct multiboot_info                      |  116 bytes
 *             | memory map: 3 x struct multiboot_mmap_entry |   72 bytes
 *             | command line, NUL-terminated                 |  (if given)
 *             | boot loader name, NUL-terminated             |  (if given)
 *   info_end  +----------------------------------------------+  <= GUEST_LOWER_MEMORY_END
 *
 * The memory map the kernel sees (guest RAM is [0, ram_size)):
 *
 *   0x0       - 0x9FC00    available  (lower memory: mem_lower = 639 KiB)
 *   0x9FC00   - 0x100000   reserved   (where a PC has its EBDA, VGA memory and BIOS ROM)
 *   0x100000  - ram_size   available  (upper memory: mem_upper = (ram_size - 1 MiB) / 1 KiB)
 *
 * The block sits in "available" memory: 3.3 leaves it to the kernel not to overwrite the
 * boot information before it is done reading it.
 */
#ifndef HVLAB_MULTIBOOT_INFO_H
#define HVLAB_MULTIBOOT_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* The top of the lower memory hvlab reports: 639 KiB, keeping the last KiB below
 * 640 KiB reserved as a PC BIOS keeps it for its extended data area. */
#define GUEST_LOWER_MEMORY_END   0x9FC00u
/* Upper memory starts at 1 MiB (MULTIBOOT_UPPER_MEMORY_START). */
#define GUEST_UPPER_MEMORY_START 0x100000u

/* Where hvlab puts the boot information: low memory, below any kernel (which loads at
 * 1 MiB and up) and above the real-mode IVT/BDA area a kernel may look at. One page is
 * reserved for it; the guest loader refuses a kernel with a segment there. */
#define MULTIBOOT_INFO_GPA          0x1000u
#define MULTIBOOT_INFO_RESERVED_END 0x2000u
/* The block without its strings: the structure and the 3-entry memory map. */
#define MULTIBOOT_INFO_FIXED_BYTES  (116u + 3u * 24u)

/* 3.2 "Machine state": what the vCPU's registers hold at the kernel's entry point. */
struct multiboot_boot {
    uint32_t eax;      /* MULTIBOOT_BOOTLOADER_MAGIC, 0x2BADB002 */
    uint32_t ebx;      /* info_gpa: physical address of struct multiboot_info */
    uint32_t info_end; /* first byte after the block (exclusive) */
};

/*
 * Write the boot information, memory map and strings into guest RAM at info_gpa
 * (4-byte aligned). cmdline or loader_name may be NULL: that field is then left out and
 * its flag clear. The block must end at or below GUEST_LOWER_MEMORY_END and must not
 * overlap the loaded kernel [load_start, load_end). Guest RAM must reach past 1 MiB.
 * Returns 0 and fills *out, or -1 with the reason in why (nothing written).
 */
int multiboot_info_build(const struct guest_memory *m, uint32_t info_gpa, uint32_t load_start,
                         uint32_t load_end, const char *cmdline, const char *loader_name,
                         struct multiboot_boot *out, char *why, size_t why_len);

#endif
