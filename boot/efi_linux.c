/*
 * efi_linux.c - read guest=linux's files (see efi_linux.h).
 *
 * The hypervisor leaves boot services before any guest is built, so both files are read
 * here, once, into pages that stay hvlab's; each Linux VM later copies them into its own
 * RAM by the Linux boot protocol (hypervisor/linux_boot.c).
 */
#include "boot/efi_linux.h"

#include "boot/efi_files.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"

#define LINUX_FILE_FORMAT     "\\linux\\%s"
#define LINUX_PATH_MAX        (BOOT_LINUX_FILE_MAX + 8) /* \linux\ + FILE */
#define LINUX_PROBLEM_MAX     160
/* Debian's cloud kernel is 14 MB; a generic one with its drivers built in is larger. */
#define LINUX_KERNEL_FILE_MAX (64ull << 20)
/* No initrd larger than the largest guest RAM can ever be loaded: do not read one. */
#define LINUX_INITRD_FILE_MAX GUEST_MEM_MAX

/* Read \linux\<name> into *f; its path goes to `file` for messages. */
static enum boot_file_status read_linux_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device,
                                             const char *name, uint64_t max_size, char *file,
                                             struct efi_file_data *f, char *problem)
{
    fmt_snprintf(file, LINUX_PATH_MAX, LINUX_FILE_FORMAT, name);
    CHAR16 path[LINUX_PATH_MAX];
    unsigned n = 0;
    for (; file[n]; n++)
        path[n] = (CHAR16)file[n];
    path[n] = 0;
    enum boot_file_status s =
        efi_read_boot_file(st, device, path, max_size, f, problem, LINUX_PROBLEM_MAX);
    if (s == BOOT_FILE_ABSENT)
        fmt_snprintf(problem, LINUX_PROBLEM_MAX, "no such file on the boot volume");
    return s;
}

static void own_pages(const struct efi_file_data *f, struct hvlab_range *own, size_t *own_count)
{
    if (f->pages)
        own[(*own_count)++] =
            (struct hvlab_range){(uint64_t)(uintptr_t)f->data, f->pages * EFI_PAGE_SIZE};
}

void efi_collect_linux(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, const struct boot_options *o,
                       struct boot_guest_image *table, size_t *count, struct hvlab_range *own,
                       size_t *own_count)
{
    static bool collected;
    static char kernel_file[LINUX_PATH_MAX], initrd_file[LINUX_PATH_MAX];
    static char problem[LINUX_PROBLEM_MAX], initrd_problem[LINUX_PROBLEM_MAX];
    if (collected)
        return;
    collected = true;
    struct boot_guest_image *row = &table[(*count)++];
    *row = (struct boot_guest_image){BOOT_LINUX_GUEST_NAME, 0, 0, kernel_file, problem,
                                     BOOT_GUEST_LINUX,      0, 0};

    struct efi_file_data f;
    if (read_linux_file(st, device, o->linux_kernel, LINUX_KERNEL_FILE_MAX, kernel_file, &f,
                        problem) != BOOT_FILE_READ)
        return; /* the row's problem says why; the guest is reported and skipped */
    if (f.size == 0) {
        fmt_snprintf(problem, LINUX_PROBLEM_MAX, "the file is empty");
        return;
    }
    own_pages(&f, own, own_count);
    row->data = f.data;
    row->size = f.size;
    log_info("boot: guest \"linux\" kernel read from the boot volume (%s, %lu bytes)",
             kernel_file, (unsigned long)f.size);

    enum boot_file_status got = read_linux_file(
        st, device, o->linux_initrd, LINUX_INITRD_FILE_MAX, initrd_file, &f, initrd_problem);
    if (got == BOOT_FILE_READ) {
        own_pages(&f, own, own_count);
        row->initrd = f.data;
        row->initrd_size = f.size;
        log_info("boot: guest \"linux\" initrd read from the boot volume (%s, %lu bytes)",
                 initrd_file, (unsigned long)f.size);
    } else if (got == BOOT_FILE_ABSENT && !o->linux_initrd_given) {
        log_info("boot: guest \"linux\" has no initrd (no %s on the boot volume)", initrd_file);
    } else { /* not started: the kernel would miss the initrd it was given */
        fmt_snprintf(problem, LINUX_PROBLEM_MAX, "initrd %s: %s", initrd_file, initrd_problem);
        return;
    }
    row->problem = 0;
}
