/*
 * efi_files.h - read whole files from the volume hvlab.efi was loaded from (boot/ only:
 * it uses the UEFI Simple File System protocol, before ExitBootServices).
 */
#ifndef HVLAB_BOOT_EFI_FILES_H
#define HVLAB_BOOT_EFI_FILES_H

#include <efi.h>
#include <stdint.h>

struct efi_file_data {
    void *data;     /* in EfiLoaderData pages, which stay hvlab's after boot services */
    uint64_t size;  /* bytes read */
    uint64_t pages; /* 4 KiB pages allocated */
};

/* Read `path` (e.g. L"\\hvlab.cfg") from the boot volume into fresh pages. Returns 0, or
 * -1 if there is no such file or volume (normal: both files are optional), if it is
 * larger than max_size, or if reading fails (those two are logged). */
int efi_read_boot_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, const CHAR16 *path,
                       uint64_t max_size, struct efi_file_data *out);

#endif
