/*
 * memmap.c - UEFI memory map -> sorted, merged, firmware-neutral regions.
 *
 * See: UEFI Spec 2.10, "EFI_BOOT_SERVICES.GetMemoryMap()" and "Memory Type Usage after
 * ExitBootServices()" for which types an OS may reuse.
 */
#include "boot/memmap.h"

static const char *const kind_names[MEM_KIND_COUNT] = {
    [MEM_USABLE] = "usable",         [MEM_HVLAB] = "hvlab",
    [MEM_FIRMWARE] = "firmware",     [MEM_ACPI_RECLAIM] = "acpi-reclaim",
    [MEM_ACPI_NVS] = "acpi-nvs",     [MEM_MMIO] = "mmio",
    [MEM_RESERVED] = "reserved",     [MEM_UNUSABLE] = "unusable",
    [MEM_PERSISTENT] = "persistent",
};

const char *mem_kind_name(enum mem_kind kind)
{
    return (unsigned)kind < MEM_KIND_COUNT ? kind_names[kind] : "?";
}

enum mem_kind memmap_kind_of(uint32_t uefi_type)
{
    switch (uefi_type) {
    case UEFI_LOADER_CODE:
    case UEFI_LOADER_DATA:
    case UEFI_BOOT_SERVICES_CODE:
    case UEFI_BOOT_SERVICES_DATA:
    case UEFI_CONVENTIONAL: return MEM_USABLE;
    case UEFI_RUNTIME_SERVICES_CODE:
    case UEFI_RUNTIME_SERVICES_DATA:
    case UEFI_PAL_CODE: return MEM_FIRMWARE;
    case UEFI_ACPI_RECLAIM: return MEM_ACPI_RECLAIM;
    case UEFI_ACPI_NVS: return MEM_ACPI_NVS;
    case UEFI_MMIO:
    case UEFI_MMIO_PORT_SPACE: return MEM_MMIO;
    case UEFI_UNUSABLE: return MEM_UNUSABLE;
    case UEFI_PERSISTENT: return MEM_PERSISTENT;
    default: /* reserved, unaccepted, and types newer than this code: never touch */
        return MEM_RESERVED;
    }
}

/* Append a region, merging with the previous one when they touch and share a kind. */
static void push(struct boot_info *info, uint64_t base, uint64_t length, enum mem_kind kind)
{
    if (length == 0)
        return;
    if (info->mem_count) {
        struct mem_region *last = &info->mem[info->mem_count - 1];
        if (last->kind == kind && last->base + last->length == base) {
            last->length += length;
            return;
        }
    }
    if (info->mem_count == BOOT_MEM_REGIONS_MAX) {
        info->mem_dropped++;
        return;
    }
    info->mem[info->mem_count++] = (struct mem_region){base, length, kind};
}

/* Emit [base, base+length) of `kind`, with the parts inside hvlab's ranges as MEM_HVLAB.
 * The hvlab ranges are few (image, stack, pool), so a simple sweep is enough. */
static void push_with_overlay(struct boot_info *info, uint64_t base, uint64_t length,
                              enum mem_kind kind, const struct hvlab_range *own,
                              size_t own_count)
{
    uint64_t end = base + length, at = base;
    while (at < end) {
        /* The hvlab range that covers `at`, or the nearest one starting after it. */
        uint64_t next_own = end;
        bool inside = false;
        uint64_t own_end = 0;
        for (size_t i = 0; i < own_count; i++) {
            uint64_t ob = own[i].base, oe = own[i].base + own[i].length;
            if (ob <= at && at < oe) {
                inside = true;
                own_end = oe < end ? oe : end;
                break;
            }
            if (ob > at && ob < next_own)
                next_own = ob;
        }
        if (inside) {
            push(info, at, own_end - at, MEM_HVLAB);
            at = own_end;
        } else {
            push(info, at, next_own - at, kind);
            at = next_own;
        }
    }
}

int memmap_convert(const void *descs, size_t count, size_t desc_size,
                   const struct hvlab_range *own, size_t own_count, struct boot_info *info)
{
    if (desc_size < sizeof(struct uefi_memory_descriptor))
        return -1;
    info->mem_count = 0;
    info->mem_dropped = 0;

    /* Sort descriptor indexes by address (insertion sort: maps hold a few hundred). The
     * firmware usually returns them sorted, but the specification does not promise it. */
    enum { MAX_SORTED = 1024 };
    uint16_t order[MAX_SORTED];
    size_t n = count < MAX_SORTED ? count : MAX_SORTED;
    const uint8_t *bytes = descs;
#define DESC(i) ((const struct uefi_memory_descriptor *)(bytes + (size_t)(i)*desc_size))
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && DESC(order[j - 1])->physical_start > DESC(i)->physical_start) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint16_t)i;
    }
    info->mem_dropped += (uint32_t)(count - n);

    for (size_t k = 0; k < n; k++) {
        const struct uefi_memory_descriptor *d = DESC(order[k]);
        push_with_overlay(info, d->physical_start, d->number_of_pages * UEFI_PAGE_SIZE,
                          memmap_kind_of(d->type), own, own_count);
    }
#undef DESC
    return 0;
}
