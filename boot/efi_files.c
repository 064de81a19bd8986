/*
 * efi_files.c - whole-file reads from the boot volume (see efi_files.h).
 * See: UEFI Spec 2.10, "Simple File System Protocol" and "File Protocol"
 * (SetPosition(0xFFFFFFFFFFFFFFFF) moves to the end of the file, so GetPosition then
 * gives its size).
 */
#include "boot/efi_files.h"

#include "hypervisor/fmt.h"

#define POSITION_END_OF_FILE 0xFFFFFFFFFFFFFFFFull

static EFI_GUID file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

static enum boot_file_status read_open_file(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE file,
                                            uint64_t max_size, struct efi_file_data *out,
                                            char *why, size_t why_len)
{
    UINT64 size = 0;
    if (file->SetPosition(file, POSITION_END_OF_FILE) != EFI_SUCCESS ||
        file->GetPosition(file, &size) != EFI_SUCCESS ||
        file->SetPosition(file, 0) != EFI_SUCCESS) {
        fmt_snprintf(why, why_len, "cannot find its size (SetPosition/GetPosition failed)");
        return BOOT_FILE_UNUSABLE;
    }
    if (size == 0) {
        *out = (struct efi_file_data){0, 0, 0};
        return BOOT_FILE_READ;
    }
    if (size > max_size) {
        fmt_snprintf(why, why_len, "%lu bytes, more than the %lu hvlab reads",
                     (unsigned long)size, (unsigned long)max_size);
        return BOOT_FILE_UNUSABLE;
    }
    EFI_PHYSICAL_ADDRESS addr = 0;
    UINTN pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
    EFI_STATUS s =
        st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &addr);
    if (s != EFI_SUCCESS) {
        fmt_snprintf(why, why_len, "no memory to read its %lu bytes (EFI status 0x%lx)",
                     (unsigned long)size, (unsigned long)s);
        return BOOT_FILE_UNUSABLE;
    }
    UINTN got = size;
    s = file->Read(file, &got, (void *)(uintptr_t)addr);
    if (s != EFI_SUCCESS || got != size) {
        fmt_snprintf(why, why_len,
                     "reading it failed after %lu of %lu bytes (EFI status 0x%lx)",
                     (unsigned long)got, (unsigned long)size, (unsigned long)s);
        st->BootServices->FreePages(addr, pages);
        return BOOT_FILE_UNUSABLE;
    }
    *out = (struct efi_file_data){(void *)(uintptr_t)addr, size, pages};
    return BOOT_FILE_READ;
}

enum boot_file_status efi_read_boot_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device,
                                         const CHAR16 *path, uint64_t max_size,
                                         struct efi_file_data *out, char *why, size_t why_len)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
    EFI_FILE_HANDLE root, file;
    enum boot_file_status result = BOOT_FILE_ABSENT;

    /* No file system behind the image (e.g. loaded by GRUB from an ISO): no files. */
    if (st->BootServices->HandleProtocol(device, &file_system_guid, (void **)&fs) !=
            EFI_SUCCESS ||
        fs->OpenVolume(fs, &root) != EFI_SUCCESS)
        return BOOT_FILE_ABSENT;
    if (root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0) == EFI_SUCCESS) {
        result = read_open_file(st, file, max_size, out, why, why_len);
        file->Close(file);
    }
    root->Close(root);
    return result;
}
