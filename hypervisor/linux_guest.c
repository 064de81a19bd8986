/*
 * linux_guest.c - guest=linux: from the boot layer's files to a vCPU start state (see
 * linux_guest.h). See: Linux Documentation/x86/boot.rst, "The 32-bit Boot Protocol".
 */
#include "hypervisor/linux_guest.h"

#include "hypervisor/acpi_tables.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/linux_boot.h"

#define REASON_MAX            256
#define MIB_SHIFT             20
/* The ACPI tables go where a PC's firmware keeps them, in the BIOS area the E820 map
 * reserves (0xE0000-0xFFFFF), so Linux also finds the RSDP by scanning it (ACPI 6.4,
 * 5.2.5.1 "Finding the RSDP on IA-PC Systems"); boot_params.acpi_rsdp_addr names it too. */
#define LINUX_ACPI_TABLES_GPA 0xE0000u

int linux_guest_load(const struct boot_info *info, const struct boot_guest_image *image,
                     const struct guest_memory *mem, const char *vm_name,
                     struct guest_start *start, char *why, size_t why_len)
{
    const char *cmdline =
        info->options.guest_args[0] ? info->options.guest_args : LINUX_CMDLINE_DEFAULT;
    uint64_t acpi_bytes;
    uint64_t rsdp = acpi_install(mem, LINUX_ACPI_TABLES_GPA, &acpi_bytes);
    if (!rsdp)
        return FAIL_WHY("the ACPI tables do not fit at 0x%x", LINUX_ACPI_TABLES_GPA);
    /* hvlab keeps no usable RAM of a Linux VM: the tables lie in the reserved BIOS area. */
    const struct linux_boot_request request = {
        .kernel = image->data,
        .kernel_size = image->size,
        .initrd = image->initrd,
        .initrd_size = image->initrd_size,
        .cmdline = cmdline,
        .reserved = 0,
        .reserved_count = 0,
        .acpi_rsdp = rsdp,
    };
    struct linux_boot b;
    char reason[REASON_MAX];
    if (linux_boot_load(mem, &request, &b, reason, sizeof(reason)) != 0)
        return FAIL_WHY("%s: %s", image->file, reason);
    log_info("guest \"%s\": Linux boot protocol %u.%02u, kernel at 0x%lx (it needs up to "
             "0x%lx), entry 0x%x, zero page 0x%x, %u E820 entries, %lu MiB RAM",
             vm_name, b.version >> 8, b.version & 0xFFu, (unsigned long)b.kernel_start,
             (unsigned long)b.kernel_end, b.entry, b.zero_page, b.e820_entries,
             (unsigned long)(mem->ram_size >> MIB_SHIFT));
    if (b.initrd_size)
        log_info("guest \"%s\": initrd at 0x%lx-0x%lx (%lu bytes)", vm_name,
                 (unsigned long)b.initrd_start, (unsigned long)(b.initrd_start + b.initrd_size),
                 (unsigned long)b.initrd_size);
    log_info("guest \"%s\": ACPI tables at 0x%x-0x%lx (RSDP 0x%lx)", vm_name,
             LINUX_ACPI_TABLES_GPA, (unsigned long)(LINUX_ACPI_TABLES_GPA + acpi_bytes),
             (unsigned long)rsdp);
    log_info("guest \"%s\": kernel command line \"%s\"", vm_name, cmdline);
    if (info->module_count)
        log_warn("guest \"%s\": modules= are Multiboot modules; a Linux guest ignores them",
                 vm_name);
    /* boot.rst: "%esi must hold the base address of the struct boot_params; %ebp, %edi
     * and %ebx must be zero"; the backends enter with paging and interrupts off in flat
     * 32-bit segments, as for a Multiboot kernel. */
    *start = (struct guest_start){.eip = b.entry, .esi = b.zero_page};
    return 0;
}
