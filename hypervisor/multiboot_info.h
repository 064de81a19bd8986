/*
 * multiboot_info.h - build the Multiboot boot information a kernel finds through EBX.
 *
 * See: Multiboot Specification 0.6.96, 3.2 "Machine state" and
 *      3.3 "Boot information format" (structures in hypervisor/multiboot.h).
 *
 * The information goes in lower memory, in one block starting at info_gpa:
 *
 *   info_gpa  | struct multiboot_info                      |  116 bytes
 *             | memory map: 3 x struct multiboot_mmap_entry |   72 bytes
 *             | modules: N x struct multiboot_module        |   16 bytes each (if any)
 *             | command line, NUL-terminated                 |  (if given)
 *             | boot loader name, NUL-terminated             |  (if given)
 *             | module 0's string, module 1's string, ...    |  (if any)
 *   info_end  +----------------------------------------------+  <= GUEST_LOWER_MEMORY_END
 *
 * The modules themselves go in upper memory, after the kernel, each on a page boundary
 * (3.3 lets a loader put them anywhere; page alignment is what MULTIBOOT_HEADER_PAGE_ALIGN
 * asks for, and hvlab gives it to every kernel):
 *
 *   load_start .. load_end     the kernel (segments with their .bss)
 *   modules_start              max(load_end, 1 MiB) rounded up to 4 KiB: module 0
 *   next page boundary         module 1, ... (an empty module takes no page)
 *   modules_end                <= ram_size
 *
 * So nothing overlaps: the block is below 640 KiB, the kernel ends before the first
 * module, and each module ends before the next one starts.
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

/* Boot modules one kernel gets at most (boot_options.h: BOOT_MODULES_MAX). */
#define MULTIBOOT_MODULES_MAX         16u
#define MULTIBOOT_MODULE_ALIGN        0x1000u /* every module starts on a 4 KiB page */
#define MULTIBOOT_MODULE_STRUCT_BYTES 16u     /* sizeof(struct multiboot_module) */

/* 3.2 "Machine state": what the vCPU's registers hold at the kernel's entry point. */
struct multiboot_boot {
    uint32_t eax;           /* MULTIBOOT_BOOTLOADER_MAGIC, 0x2BADB002 */
    uint32_t ebx;           /* info_gpa: physical address of struct multiboot_info */
    uint32_t info_end;      /* first byte after the block (exclusive) */
    uint32_t modules_start; /* module 0's first byte (0: no modules) */
    uint32_t modules_end;   /* the last module's end (exclusive; 0: no modules) */
};

/* One file to hand over as a boot module: its bytes and its string (3.3 "string"). */
struct multiboot_module_file {
    const char *string; /* NUL-terminated, not NULL */
    const uint8_t *data;
    uint64_t size;
};

/*
 * Write the boot information, memory map and strings into guest RAM at info_gpa
 * (4-byte aligned), and the module_count modules (0..MULTIBOOT_MODULES_MAX; modules may
 * be NULL when 0) after the kernel as drawn above, setting MULTIBOOT_INFO_MODS when
 * there is at least one. cmdline or loader_name may be NULL: that field is then left
 * out and its flag clear. The block must end at or below GUEST_LOWER_MEMORY_END and must
 * not overlap the loaded kernel [load_start, load_end); every module must fit in guest
 * RAM, which must reach past 1 MiB. Returns 0 and fills *out, or -1 with the reason in
 * why (nothing written).
 */
int multiboot_info_build(const struct guest_memory *m, uint32_t info_gpa, uint32_t load_start,
                         uint32_t load_end, const char *cmdline, const char *loader_name,
                         const struct multiboot_module_file *modules, unsigned module_count,
                         struct multiboot_boot *out, char *why, size_t why_len);

#endif
