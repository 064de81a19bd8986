/*
 * efi_modules.h - read the files of modules= from the boot volume (boot/ only: before
 * ExitBootServices, through efi_files.c).
 */
#ifndef HVLAB_BOOT_EFI_MODULES_H
#define HVLAB_BOOT_EFI_MODULES_H

#include <efi.h>
#include <stddef.h>

#include "boot/boot_info.h"
#include "boot/memmap.h"

/* Read each file of info->options.modules from \guests\ on the volume `device` into
 * info->modules (a row per file, in order; one that cannot be read has its problem
 * set). The pages read are appended to own[*own_count...], at most BOOT_MODULES_MAX,
 * so the memory map marks them as hvlab's. */
void efi_collect_modules(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, struct boot_info *info,
                         struct hvlab_range *own, size_t *own_count);

#endif
