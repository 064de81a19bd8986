/*
 * efi_linux.h - read guest=linux's bzImage and initrd from \linux\ on the boot volume
 * (boot/ only: before ExitBootServices, through efi_files.c).
 */
#ifndef HVLAB_BOOT_EFI_LINUX_H
#define HVLAB_BOOT_EFI_LINUX_H

#include <efi.h>
#include <stddef.h>

#include "boot/boot_info.h"
#include "boot/memmap.h"

/* Ranges it adds to `own` beyond the one row of guest= names it fills: the initrd. */
#define EFI_LINUX_EXTRA_RANGES 1u

/* Append the "linux" guest's row to table[*count] (once: a second guest=linux shares the
 * first one's files): the bzImage \linux\<linux.kernel> and the initrd
 * \linux\<linux.initrd>, read from the volume `device`. A missing kernel, or a missing
 * initrd that linux.initrd= named, sets the row's problem; a missing default initrd only
 * leaves the row without one. The pages read are appended to own[*own_count...]. */
void efi_collect_linux(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, const struct boot_options *o,
                       struct boot_guest_image *table, size_t *count, struct hvlab_range *own,
                       size_t *own_count);

#endif
