/*
 * efi_files.h - read whole files from the volume hvlab.efi was loaded from (boot/ only:
 * it uses the UEFI Simple File System protocol, before ExitBootServices).
 */
#ifndef HVLAB_BOOT_EFI_FILES_H
#define HVLAB_BOOT_EFI_FILES_H

#include <efi.h>
#include <stddef.h>
#include <stdint.h>

struct efi_file_data {
    void *data;     /* in EfiLoaderData pages, which stay hvlab's after boot services;
                       NULL for an empty file */
    uint64_t size;  /* bytes read */
    uint64_t pages; /* 4 KiB pages allocated (0 for an empty file) */
};

enum boot_file_status {
    BOOT_FILE_READ,     /* *out holds the file */
    BOOT_FILE_ABSENT,   /* no such file, or no file system behind the image: both normal */
    BOOT_FILE_UNUSABLE, /* it is there but was not read: why says why (too large, ...) */
};

/* Read `path` (e.g. L"\\hvlab.cfg") from the boot volume into fresh pages; a file larger
 * than max_size is not read. Logs nothing: the caller words the message. */
enum boot_file_status efi_read_boot_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device,
                                         const CHAR16 *path, uint64_t max_size,
                                         struct efi_file_data *out, char *why, size_t why_len);

#endif
