/*
 * efi_files.c - whole-file reads from the boot volume (see efi_files.h).
 * See: UEFI Spec 2.10, "Simple File System Protocol" and "File Protocol"
 * (SetPosition(0xFFFFFFFFFFFFFFFF) moves to the end of the file, so GetPosition then
 * gives its size).
 */
#include "boot/efi_files.h"

#include "hypervisor/console.h"

#define POSITION_END_OF_FILE 0xFFFFFFFFFFFFFFFFull
#define PATH_TEXT_MAX        96

static EFI_GUID file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

/* The path as ASCII, for messages. */
static const char *path_text(const CHAR16 *path)
{
    static char text[PATH_TEXT_MAX];
    unsigned n = 0;
    for (; path[n] && n + 1 < sizeof(text); n++)
        text[n] = (char)path[n];
    text[n] = '\0';
    return text;
}

static int read_open_file(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE file, const CHAR16 *path,
                          uint64_t max_size, struct efi_file_data *out)
{
    UINT64 size = 0;
    if (file->SetPosition(file, POSITION_END_OF_FILE) != EFI_SUCCESS ||
        file->GetPosition(file, &size) != EFI_SUCCESS ||
        file->SetPosition(file, 0) != EFI_SUCCESS) {
        log_warn("boot: cannot find the size of %s", path_text(path));
        return -1;
    }
    if (size == 0 || size > max_size) {
        log_warn("boot: %s is %lu bytes; expected 1..%lu", path_text(path), (unsigned long)size,
                 (unsigned long)max_size);
        return -1;
    }
    EFI_PHYSICAL_ADDRESS addr = 0;
    UINTN pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
    if (st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &addr) !=
        EFI_SUCCESS) {
        log_warn("boot: no memory to read %s", path_text(path));
        return -1;
    }
    UINTN got = size;
    if (file->Read(file, &got, (void *)(uintptr_t)addr) != EFI_SUCCESS || got != size) {
        log_warn("boot: reading %s failed", path_text(path));
        st->BootServices->FreePages(addr, pages);
        return -1;
    }
    *out = (struct efi_file_data){(void *)(uintptr_t)addr, size, pages};
    return 0;
}

int efi_read_boot_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device, const CHAR16 *path,
                       uint64_t max_size, struct efi_file_data *out)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
    EFI_FILE_HANDLE root, file;
    int result = -1;

    /* No file system behind the image (e.g. loaded by GRUB from an ISO): no files. */
    if (st->BootServices->HandleProtocol(device, &file_system_guid, (void **)&fs) !=
            EFI_SUCCESS ||
        fs->OpenVolume(fs, &root) != EFI_SUCCESS)
        return -1;
    if (root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0) == EFI_SUCCESS) {
        result = read_open_file(st, file, path, max_size, out);
        file->Close(file);
    }
    root->Close(root);
    return result;
}
