/*
 * memmap.h - convert the UEFI memory map into hvlab's firmware-neutral regions.
 *
 * Pure code (no GNU-EFI header): the descriptor layout is restated here from the UEFI
 * specification, and boot/efi_main.c checks that it matches GNU-EFI's with _Static_assert.
 */
#ifndef HVLAB_BOOT_MEMMAP_H
#define HVLAB_BOOT_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

/* EFI_MEMORY_DESCRIPTOR. See: UEFI Spec 2.10, "EFI_BOOT_SERVICES.GetMemoryMap()".
 * The firmware's descriptor size may be larger than this struct: always step by the
 * DescriptorSize it returns. */
struct uefi_memory_descriptor {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages; /* 4 KiB pages */
    uint64_t attribute;
};
_Static_assert(offsetof(struct uefi_memory_descriptor, physical_start) == 8, "UEFI layout");
_Static_assert(offsetof(struct uefi_memory_descriptor, number_of_pages) == 24, "UEFI layout");
_Static_assert(sizeof(struct uefi_memory_descriptor) == 40, "UEFI layout");

/* EFI_MEMORY_TYPE values. See: UEFI Spec 2.10, "Memory Type Usage before ExitBootServices()". */
enum uefi_memory_type {
    UEFI_RESERVED = 0,
    UEFI_LOADER_CODE = 1,
    UEFI_LOADER_DATA = 2,
    UEFI_BOOT_SERVICES_CODE = 3,
    UEFI_BOOT_SERVICES_DATA = 4,
    UEFI_RUNTIME_SERVICES_CODE = 5,
    UEFI_RUNTIME_SERVICES_DATA = 6,
    UEFI_CONVENTIONAL = 7,
    UEFI_UNUSABLE = 8,
    UEFI_ACPI_RECLAIM = 9,
    UEFI_ACPI_NVS = 10,
    UEFI_MMIO = 11,
    UEFI_MMIO_PORT_SPACE = 12,
    UEFI_PAL_CODE = 13,
    UEFI_PERSISTENT = 14,
    UEFI_UNACCEPTED = 15,
};

#define UEFI_PAGE_SIZE 4096ull

/* A range the boot layer allocated for hvlab (image, stack, pool): reported as MEM_HVLAB. */
struct hvlab_range {
    uint64_t base;
    uint64_t length;
};

/*
 * Convert `count` descriptors of `desc_size` bytes each (as GetMemoryMap returned them)
 * into info->mem: firmware types mapped to enum mem_kind, the ranges in `own` marked
 * MEM_HVLAB, the result sorted and merged. Boot-services and loader memory not in `own`
 * become MEM_USABLE, since boot services have exited by the time hvlab runs.
 * Returns 0, or -1 if desc_size is too small to be a descriptor.
 */
int memmap_convert(const void *descs, size_t count, size_t desc_size,
                   const struct hvlab_range *own, size_t own_count, struct boot_info *info);

/* Map one UEFI memory type to hvlab's kind (before the MEM_HVLAB overlay). */
enum mem_kind memmap_kind_of(uint32_t uefi_type);

/* Short name of a kind, for the memory map printout ("usable", "acpi-nvs", ...). */
const char *mem_kind_name(enum mem_kind kind);

#endif
