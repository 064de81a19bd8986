/*
 * boot_report.c - the first lines hv_main prints: a summary of struct boot_info.
 * The whole memory map is printed with log=debug; the default shows totals per kind.
 */
#include "hypervisor/boot_report.h"

#include "boot/memmap.h"
#include "hypervisor/console.h"

static void report_memory_map(const struct boot_info *info)
{
    uint64_t totals[MEM_KIND_COUNT] = {0};
    unsigned counts[MEM_KIND_COUNT] = {0};

    for (uint32_t i = 0; i < info->mem_count; i++) {
        const struct mem_region *r = &info->mem[i];
        totals[r->kind] += r->length;
        counts[r->kind]++;
        log_debug("  %016lx-%016lx %-12s %8lu KiB", (unsigned long)r->base,
                  (unsigned long)(r->base + r->length - 1), mem_kind_name(r->kind),
                  (unsigned long)(r->length >> 10));
    }
    log_info("memory map: %u regions, %lu MiB usable RAM", info->mem_count,
             (unsigned long)(totals[MEM_USABLE] >> 20));
    for (int k = 0; k < MEM_KIND_COUNT; k++)
        if (counts[k])
            log_info("  %-12s %3u regions %10lu KiB", mem_kind_name((enum mem_kind)k),
                     counts[k], (unsigned long)(totals[k] >> 10));
    if (info->mem_dropped)
        log_warn("memory map: %u regions did not fit in boot_info and were dropped",
                 info->mem_dropped);
}

void boot_report(const struct boot_info *info)
{
    log_info("handed over from the boot layer (booted via %s); firmware services are no "
             "longer used",
             info->options.boot_via);
    log_info("image at 0x%lx (%lu KiB), CPU vendor %s", (unsigned long)info->image_base,
             (unsigned long)(info->image_size >> 10), info->cpu_vendor);
    log_info("cmdline: \"%s\"", info->cmdline);
    log_info("options: log=%s guest=%s mem=%luM watchdog=%u",
             log_level_name(info->options.log_level), info->options.guest,
             (unsigned long)(info->options.guest_mem >> 20), info->options.watchdog_s);
    if (info->acpi_rsdp)
        log_info("ACPI %s RSDP at 0x%lx", info->acpi_revision >= 2 ? "2.0+" : "1.0",
                 (unsigned long)info->acpi_rsdp);
    else
        log_warn("no ACPI RSDP in the UEFI configuration table");
    report_memory_map(info);
}
