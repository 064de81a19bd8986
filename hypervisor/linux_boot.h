/*
 * linux_boot.h - load a Linux bzImage (and an initrd) into guest RAM by the kernel's own
 * x86 boot protocol, 2.12 or later, and say how to enter it.
 *
 * See: Linux Documentation/x86/boot.rst, "The 32-bit Boot Protocol" (formats and offsets
 *      in hypervisor/linux_bootparam.h) and Documentation/x86/zero-page.rst.
 *
 * The loader checks the whole setup header and plans every placement first, and only
 * then writes guest RAM, so a refused kernel leaves guest RAM untouched. Guest RAM of a
 * Linux VM (ram_size 128 MiB, Debian's 6.1 kernel):
 *
 *   0x0000_0000  usable      (the real-mode IVT and BIOS data area a PC has here)
 *   0x0000_1000  zero page   struct boot_params: zeroed, setup header copied, E820 map
 *   0x0000_2000  cmdline     the kernel command line, NUL-terminated
 *   0x0009_FC00  reserved    EBDA, VGA memory, option and BIOS ROMs, up to 1 MiB
 *   0x0010_0000  usable
 *   pref_address (16 MiB)    the protected-mode kernel, entered at its first byte;
 *                            it needs init_size bytes from there to decompress itself
 *   ... the initrd, page-aligned, as high as RAM and initrd_addr_max allow
 *   ram_size
 *   (not RAM)    0xFEC0_0000 I/O APIC page, 0xFEE0_0000 local APIC page: reserved
 *
 * Ranges of guest RAM that hvlab keeps for itself (ACPI tables, ...) are passed in: the
 * E820 map reports them with their own type, and nothing is placed on them.
 */
#ifndef HVLAB_LINUX_BOOT_H
#define HVLAB_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* Where the loader puts what the kernel reads at entry: low memory, below the EBDA
 * (the protocol lets the command line sit anywhere below 0xA0000), clear of page 0. */
#define LINUX_ZERO_PAGE_GPA 0x1000u
#define LINUX_CMDLINE_GPA   0x2000u
#define LINUX_CMDLINE_END   0x3000u /* one page for the command line and its NUL */

#define LINUX_RESERVED_MAX 8u    /* ranges of guest RAM hvlab keeps, per VM */
#define LINUX_E820_MAX     32u   /* the map hvlab builds: 5 + 2 per reserved range */
#define LINUX_INITRD_ALIGN 4096u /* the initrd starts on a page boundary */

/* The setup header fields the loader uses, read from the file and checked. */
struct linux_kernel_header {
    uint16_t version;         /* boot protocol, major << 8 | minor (0x020F: 2.15) */
    uint32_t setup_bytes;     /* (setup_sects + 1) * 512: where the kernel starts */
    uint32_t kernel_bytes;    /* syssize * 16: the protected-mode kernel's size */
    uint32_t header_end;      /* 0x202 + the byte at 0x201 (exclusive) */
    uint8_t loadflags;        /* LOADFLAGS_* as the file has them */
    bool relocatable;         /* relocatable_kernel != 0 */
    uint32_t alignment;       /* kernel_alignment: a power of two */
    uint64_t pref_address;    /* where it prefers to (or, not relocatable, will) run */
    uint32_t init_size;       /* bytes it needs from its start address */
    uint32_t initrd_addr_max; /* the highest address the initrd's last byte may have */
    uint32_t cmdline_size;    /* the longest command line, without its NUL */
};

/* One range of the guest-physical address space with its E820 type (E820_TYPE_*). */
struct linux_mem_range {
    uint64_t base;
    uint64_t size;
    uint32_t type;
};

/* What to load. */
struct linux_boot_request {
    const uint8_t *kernel; /* the bzImage file */
    size_t kernel_size;
    const uint8_t *initrd; /* NULL (and initrd_size 0): no initrd */
    size_t initrd_size;
    const char *cmdline;                    /* NUL-terminated, not NULL */
    const struct linux_mem_range *reserved; /* guest RAM hvlab keeps (may be NULL if 0) */
    size_t reserved_count;                  /* 0..LINUX_RESERVED_MAX */
    uint64_t acpi_rsdp;                     /* the RSDP's guest-physical address; 0: none */
};

/* Where everything went, and the entry state of boot.rst's "32-bit Boot Protocol". */
struct linux_boot {
    uint16_t version;      /* the kernel's boot protocol */
    uint32_t entry;        /* EIP: the kernel's first byte (code32_start) */
    uint32_t zero_page;    /* ESI: struct boot_params */
    uint64_t kernel_start; /* load address */
    uint64_t kernel_end;   /* end of the memory it needs at first (init_size), exclusive */
    uint64_t initrd_start; /* 0: no initrd */
    uint64_t initrd_size;
    unsigned e820_entries;
};

/* Check image[0, size) as a bzImage of boot protocol 2.12+ that loads high; fill *h.
 * Returns 0, or -1 with the reason ("not a bzImage: no HdrS magic at 0x202"). */
int linux_header_check(const uint8_t *image, size_t size, struct linux_kernel_header *h,
                       char *why, size_t why_len);

/* The kernel's load address and the memory [*low, *end) it needs at first:
 * relocatable: pref_address rounded up to kernel_alignment, needing init_size from there;
 * not: 0x100000, from where it moves itself to pref_address and needs init_size there. */
void linux_kernel_place(const struct linux_kernel_header *h, uint64_t *load, uint64_t *low,
                        uint64_t *end);

/* The guest's E820 map for RAM [0, ram_size) with a PC's layout (lower memory, the
 * 0x9FC00-1 MiB hole, upper memory), each range of `reserved` cut out of usable RAM with
 * its own type, and the I/O APIC and local APIC pages; sorted by address. Returns the
 * entry count, or -1 with the reason (a reserved range outside usable RAM, overlapping
 * another, or more than LINUX_RESERVED_MAX). */
int linux_e820_build(uint64_t ram_size, const struct linux_mem_range *reserved,
                     size_t reserved_count, struct linux_mem_range *table, size_t cap,
                     char *why, size_t why_len);

/* Where an initrd of `size` bytes goes: the highest page-aligned address whose range
 * ends by min(ram_size, initrd_addr_max + 1, 4 GiB), lies in one usable E820 range and
 * starts at or above `floor` (the kernel's end). False if there is no such place. */
bool linux_initrd_place(const struct linux_mem_range *e820, size_t entries, uint64_t ram_size,
                        uint32_t initrd_addr_max, uint64_t floor, uint64_t size, uint64_t *gpa);

/* Write the zero page into page[0, ZERO_PAGE_SIZE): all zero but the setup header copied
 * from the file ([0x1F1, header_end)) and the fields a loader writes (boot.rst, "Details
 * of Header Fields"), the E820 map and the ACPI RSDP (if not 0). */
void linux_zero_page_build(uint8_t *page, const uint8_t *image,
                           const struct linux_kernel_header *h, const struct linux_boot *b,
                           const struct linux_mem_range *e820, size_t entries,
                           uint64_t acpi_rsdp);

/* Check the request, plan the placements, then write the kernel, the initrd, the command
 * line and the zero page into guest RAM m. Returns 0 and fills *out, or -1 with the
 * reason (guest RAM untouched). */
int linux_boot_load(const struct guest_memory *m, const struct linux_boot_request *r,
                    struct linux_boot *out, char *why, size_t why_len);

#endif
