/*
 * efi_modules.c - read the Multiboot modules named by modules= (see efi_modules.h).
 *
 * The hypervisor leaves boot services before any guest is built, so every file is read
 * here, once, into pages that stay hvlab's; each guest later copies them into its own
 * RAM (hypervisor/multiboot_info.c). See: Multiboot Specification 0.6.96, 3.3 "Boot
 * information format" (mods_count, mods_addr).
 */
#include "boot/efi_modules.h"

#include "boot/efi_files.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"

#define MODULE_FILE_FORMAT "\\guests\\%s"
#define MODULE_PATH_MAX    (BOOT_MODULE_NAME_MAX + 16) /* \guests\ + NAME */
#define MODULE_PROBLEM_MAX 160
/* No module larger than the largest guest RAM can ever be loaded: do not read one. */
#define MODULE_FILE_MAX    GUEST_MEM_MAX

void efi_collect_modules(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, struct boot_info *info,
                         struct hvlab_range *own, size_t *own_count)
{
    static struct boot_module table[BOOT_MODULES_MAX];
    static char names[BOOT_MODULES_MAX][BOOT_MODULE_NAME_MAX];
    static char files[BOOT_MODULES_MAX][MODULE_PATH_MAX];
    static char problems[BOOT_MODULES_MAX][MODULE_PROBLEM_MAX];
    size_t count = 0;
    const char *list = info->options.modules;
    while (count < BOOT_MODULES_MAX &&
           boot_module_list_next(&list, names[count], sizeof(names[count]))) {
        char *file = files[count], *problem = problems[count];
        fmt_snprintf(file, MODULE_PATH_MAX, MODULE_FILE_FORMAT, names[count]);
        CHAR16 path[MODULE_PATH_MAX];
        unsigned n = 0;
        for (; file[n]; n++)
            path[n] = (CHAR16)file[n];
        path[n] = 0;

        struct efi_file_data f;
        struct boot_module *m = &table[count];
        *m = (struct boot_module){names[count], 0, 0, file, problem};
        switch (efi_read_boot_file(st, device, path, MODULE_FILE_MAX, &f, problem,
                                   MODULE_PROBLEM_MAX)) {
        case BOOT_FILE_READ:
            m->data = f.data;
            m->size = f.size;
            m->problem = 0;
            if (f.pages)
                own[(*own_count)++] =
                    (struct hvlab_range){(uint64_t)(uintptr_t)f.data, f.pages * EFI_PAGE_SIZE};
            log_info("boot: module %u \"%s\" read from the boot volume (%s, %lu bytes)",
                     (unsigned)count, m->name, file, (unsigned long)f.size);
            break;
        case BOOT_FILE_UNUSABLE: break; /* efi_read_boot_file wrote why */
        case BOOT_FILE_ABSENT:
            fmt_snprintf(problem, MODULE_PROBLEM_MAX, "no such file on the boot volume");
            break;
        }
        if (m->problem)
            log_error("boot: module %u \"%s\": %s: %s", (unsigned)count, m->name, file,
                      m->problem);
        count++;
    }
    info->modules = table;
    info->module_count = count;
}
