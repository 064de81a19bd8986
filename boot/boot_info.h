/*
 * boot_info.h - what the boot layer hands to the hypervisor.
 *
 * The UEFI entry (boot/efi_main.c) fills one struct boot_info before ExitBootServices and
 * passes it to hv_main(). Everything in it is firmware-neutral: the hypervisor never sees a
 * UEFI type, and a future Multiboot entry could fill the same structure.
 */
#ifndef HVLAB_BOOT_INFO_H
#define HVLAB_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_options.h"

#define BOOT_INFO_MAGIC      0x68766c6162696e66ull /* "hvlabinf": catches a wrong pointer */
#define BOOT_MEM_REGIONS_MAX 256
#define BOOT_CMDLINE_MAX     512

/* Kinds of physical memory, independent of the firmware's own names. */
enum mem_kind {
    MEM_USABLE,       /* free RAM (after boot services exited) */
    MEM_HVLAB,        /* hvlab's image, boot stack and memory pool */
    MEM_FIRMWARE,     /* UEFI runtime services code and data: never touch */
    MEM_ACPI_RECLAIM, /* ACPI tables: readable, reclaimable after parsing */
    MEM_ACPI_NVS,     /* ACPI non-volatile storage */
    MEM_MMIO,         /* memory-mapped I/O ranges reported by the firmware */
    MEM_RESERVED,     /* reserved or unknown: never touch */
    MEM_UNUSABLE,     /* RAM with errors */
    MEM_PERSISTENT,   /* persistent memory (NVDIMM) */
    MEM_KIND_COUNT
};

struct mem_region {
    uint64_t base;   /* physical address, page aligned */
    uint64_t length; /* bytes */
    enum mem_kind kind;
};

/* How a guest kernel image is loaded. */
enum boot_guest_format {
    BOOT_GUEST_MULTIBOOT, /* a Multiboot ELF kernel (hypervisor/guest_loader.c) */
    BOOT_GUEST_LINUX,     /* guest=linux: a bzImage and its initrd from \linux\ on the
                             boot volume, by the Linux boot protocol (linux_boot.c) */
};

/* A guest kernel image the boot layer found: a file \guests\NAME.elf on the boot
 * volume, or one built into hvlab.efi. A name of guest= found nowhere, or a file that
 * could not be read, gets a row too, with no data and the reason in `problem`. */
struct boot_guest_image {
    const char *name;
    const uint8_t *data;
    size_t size;
    const char *file;    /* where it comes from, for messages: "\guests\NAME.elf" or
                            "built-in NAME.elf" */
    const char *problem; /* why this guest cannot be loaded, or NULL */
    enum boot_guest_format format;
    const uint8_t *initrd; /* BOOT_GUEST_LINUX: the initrd's bytes (NULL: none) */
    size_t initrd_size;
};

/* A file of modules= (boot_options.h), read from \guests\NAME on the boot volume while
 * boot services were up; every guest gets its own copy as a Multiboot module. A file
 * that is missing or could not be read has no data and the reason in `problem`: then no
 * guest is started (each says why), since a kernel would miss what it was given. */
struct boot_module {
    const char *name;    /* the file name as given: the module's string */
    const uint8_t *data; /* NULL for an empty file */
    size_t size;
    const char *file;    /* "\guests\NAME", for messages */
    const char *problem; /* why this module cannot be loaded, or NULL */
};

/* A wall-clock time as the firmware keeps it (UEFI GetTime: the machine's RTC, in whatever
 * zone it is set to), in plain numbers. */
struct boot_wall_clock {
    bool valid;     /* false: the firmware could not say (then nothing below is set) */
    uint16_t year;  /* e.g. 2026 */
    uint8_t month;  /* 1-12 */
    uint8_t day;    /* 1-31 */
    uint8_t hour;   /* 0-23 */
    uint8_t minute; /* 0-59 */
    uint8_t second; /* 0-59 */
    uint64_t tsc;   /* the TSC when it was read: the time of a later moment follows */
};

struct boot_info {
    uint64_t magic;

    /* Physical memory map, sorted by address, adjacent regions of one kind merged. */
    struct mem_region mem[BOOT_MEM_REGIONS_MAX];
    uint32_t mem_count;
    uint32_t mem_dropped; /* regions that did not fit (reported, never silent) */

    uint64_t acpi_rsdp;     /* physical address of the ACPI RSDP, 0 if none */
    uint32_t acpi_revision; /* 0 = ACPI 1.0 RSDP, 2 = ACPI 2.0+ XSDP */

    uint64_t image_base; /* where the firmware loaded hvlab.efi */
    uint64_t image_size;
    uint64_t pool_base; /* pages reserved for the hypervisor's page allocator */
    uint64_t pool_size;

    char cpu_vendor[13];   /* CPUID leaf 0 vendor string, NUL-terminated */
    const char *boot_path; /* "UEFI" or "UEFI (chainloaded by GRUB)" etc. */

    char cmdline[BOOT_CMDLINE_MAX]; /* the load options as one ASCII line */
    struct boot_options options;    /* cmdline, parsed once (boot/boot_options.c) */

    const struct boot_guest_image *guests; /* guest kernels available to load */
    size_t guest_count;

    const struct boot_module *modules; /* modules=, in order (none: count 0) */
    size_t module_count;

    /* Boot cost (make bench): the TSC when the firmware entered hvlab (all before is the
     * firmware's), and when ExitBootServices had succeeded. */
    uint64_t tsc_entry;
    uint64_t tsc_boot_services_done;

    struct boot_wall_clock wall_clock; /* read just before ExitBootServices: each VM's RTC
                                          starts from it (hypervisor/devices/cmos_rtc.h) */
};

/* The hypervisor's entry point; never returns (it ends in platform_shutdown()). */
__attribute__((noreturn)) void hv_main(const struct boot_info *info);

#endif
