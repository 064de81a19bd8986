/*
 * efi_main.c - the UEFI entry: gather a struct boot_info, leave boot services, hand over.
 *
 * This is the only code that talks to the firmware (GNU-EFI headers are included under
 * boot/ only). Order of work, see: UEFI Spec 2.10, "EFI_BOOT_SERVICES.ExitBootServices()":
 *   1. banner on the serial port and the UEFI console
 *   2. load options + \hvlab.cfg -> one command line -> boot_options (parsed once)
 *   3. image base/size, CPU vendor, ACPI RSDP, embedded guest kernels
 *   4. reserve the hypervisor's memory pool and a stack
 *   5. GetMemoryMap + ExitBootServices (retried while the map key goes stale)
 *   6. convert the memory map, switch to hvlab's stack, call hv_main()
 */
#include <efi.h>

#include "arch/x86_64/tsc.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/virt_detect.h"
#include "boot/boot_info.h"
#include "boot/cmdline.h"
#include "boot/efi_files.h"
#include "boot/guest_images.h"
#include "boot/memmap.h"
#include "hypervisor/console.h"
#include "hypervisor/string.h"

_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct uefi_memory_descriptor),
               "boot/memmap.h restates EFI_MEMORY_DESCRIPTOR");

#define HVLAB_VERSION            "0.1"
/* Pool pages beyond guest RAM: EPT tables, VMCS/VMXON regions, bitmaps, stacks. */
#define POOL_OVERHEAD_BYTES      (32ull << 20)
#define BOOT_STACK_PAGES         16 /* 64 KiB for hv_main and everything it calls */
#define MEMMAP_SLACK_DESCRIPTORS 16 /* room for the map to grow between calls */
#define EXIT_BOOT_SERVICES_TRIES 4
#define CONFIG_FILE_MAX          2048
#define CONFIG_FILE_PATH         L"\\hvlab.cfg"
#define GUEST_DIR_PATH           L"\\guests\\" /* \guests\NAME.elf overrides the built-in NAME */
#define GUEST_FILE_SUFFIX        L".elf"
#define GUEST_FILE_MAX           (16ull << 20) /* a teaching kernel is far smaller */
#define GUEST_PATH_MAX           (BOOT_GUEST_NAME_MAX + 16) /* \guests\ + NAME + .elf */
#define BOOT_GUESTS_MAX          16
#define OWN_RANGES_FIXED         3 /* image, pool, stack */

/* Switch to a new stack and call fn(arg); never returns. arch/x86_64/stack_switch.S */
__attribute__((noreturn)) void stack_switch_and_call(void *stack_top,
                                                     void (*fn)(const struct boot_info *),
                                                     const struct boot_info *arg);

/* Set by a debugger to let hvlab go on when booted with the load option "gdb". */
volatile int hv_debugger_attached;

static struct boot_info boot_info;
static EFI_SYSTEM_TABLE *st;

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

/* Stop before hand-over: say why on both consoles, then end the run. */
__attribute__((noreturn)) static void boot_fail(const char *what, EFI_STATUS status)
{
    log_error("boot: %s failed (EFI status 0x%lx)", what, (unsigned long)status);
    st->ConOut->OutputString(st->ConOut, L"hvlab: boot failed, see the serial console\r\n");
    platform_shutdown(HV_STATUS_BOOT_FAILED);
}

static void banner(void)
{
    console_init();
    kprintf("\nhvlab " HVLAB_VERSION " - an educational hypervisor (UEFI entry)\n");
    st->ConOut->OutputString(st->ConOut,
                             L"hvlab " HVLAB_VERSION L" - an educational hypervisor\r\n");
}

/* Read \hvlab.cfg from the volume hvlab.efi was loaded from; absent is fine. */
static void read_config_file(EFI_LOADED_IMAGE *image, char *cmdline, size_t cap)
{
    struct efi_file_data cfg;
    if (efi_read_boot_file(st, image->DeviceHandle, CONFIG_FILE_PATH, CONFIG_FILE_MAX, &cfg))
        return;
    if (!cmdline_append_config(cmdline, cap, cfg.data, cfg.size))
        log_warn("boot: hvlab.cfg is longer than %lu characters; cut", (unsigned long)cap - 1);
    log_debug("boot: read %lu bytes of hvlab.cfg", (unsigned long)cfg.size);
    st->BootServices->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)cfg.data, cfg.pages);
}

/* The guests hvlab can run: for each name in guest=..., a file \guests\NAME.elf on the
 * boot volume if there is one (so a student can try a kernel without rebuilding hvlab),
 * then the kernels embedded in hvlab.efi. The first with a name wins. Files read here are
 * added to `own` so the memory map marks them as hvlab's. */
static void collect_guests(EFI_LOADED_IMAGE *image, struct hvlab_range *own, size_t *own_count)
{
    static struct boot_guest_image table[BOOT_GUESTS_MAX];
    static char names[BOOT_GUESTS_MAX][BOOT_GUEST_NAME_MAX];
    size_t count = 0;
    const char *list = boot_info.options.guest;
    while (count < BOOT_GUESTS_MAX &&
           boot_guest_list_next(&list, names[count], sizeof(names[count]))) {
        CHAR16 path[GUEST_PATH_MAX];
        unsigned n = 0;
        for (const CHAR16 *d = GUEST_DIR_PATH; *d; d++)
            path[n++] = *d;
        for (const char *c = names[count]; *c; c++)
            path[n++] = (CHAR16)*c;
        for (const CHAR16 *e = GUEST_FILE_SUFFIX; *e; e++)
            path[n++] = *e;
        path[n] = 0;

        struct efi_file_data file;
        if (efi_read_boot_file(st, image->DeviceHandle, path, GUEST_FILE_MAX, &file) == 0) {
            table[count] = (struct boot_guest_image){names[count], file.data, file.size};
            own[(*own_count)++] = (struct hvlab_range){(uint64_t)(uintptr_t)file.data,
                                                       file.pages * EFI_PAGE_SIZE};
            log_info("boot: guest \"%s\" read from the boot volume (\\guests\\%s.elf, "
                     "%lu bytes)",
                     names[count], names[count], (unsigned long)file.size);
            count++;
        }
    }
    for (size_t i = 0; i < boot_guest_image_count && count < BOOT_GUESTS_MAX; i++)
        table[count++] = boot_guest_images[i];
    boot_info.guests = table;
    boot_info.guest_count = count;
}

static void collect_cmdline(EFI_LOADED_IMAGE *image)
{
    read_config_file(image, boot_info.cmdline, sizeof(boot_info.cmdline));
    size_t before = strlen(boot_info.cmdline);
    if (image->LoadOptionsSize &&
        !cmdline_append_ucs2(boot_info.cmdline, sizeof(boot_info.cmdline), image->LoadOptions,
                             image->LoadOptionsSize)) {
        if (strlen(boot_info.cmdline) != before) /* appended, but not all of it */
            log_warn("boot: load options longer than %lu characters; cut",
                     (unsigned long)sizeof(boot_info.cmdline) - 1);
        else /* boot managers may pass binary data there */
            log_debug("boot: %u bytes of non-text load options ignored",
                      image->LoadOptionsSize);
    }

    unsigned problems = boot_options_parse(boot_info.cmdline, &boot_info.options);
    for (unsigned i = 0; i < problems && i < BOOT_OPTION_PROBLEMS_MAX; i++)
        log_warn("option ignored: %s", boot_info.options.problems[i]);
    if (problems > BOOT_OPTION_PROBLEMS_MAX)
        log_warn("%u more option problems not shown", problems - BOOT_OPTION_PROBLEMS_MAX);
    console_set_level(boot_info.options.log_level);
}

static int guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

static void find_acpi_rsdp(void)
{
    for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
        if (guid_equal(&t->VendorGuid, &acpi20_guid)) {
            boot_info.acpi_rsdp = (uint64_t)(uintptr_t)t->VendorTable;
            boot_info.acpi_revision = 2;
            return; /* the 2.0 table wins over the 1.0 one */
        }
        if (guid_equal(&t->VendorGuid, &acpi10_guid) && !boot_info.acpi_rsdp)
            boot_info.acpi_rsdp = (uint64_t)(uintptr_t)t->VendorTable;
    }
}

static uint64_t allocate_pages(UINTN pages, const char *what)
{
    EFI_PHYSICAL_ADDRESS addr = 0;
    EFI_STATUS s =
        st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &addr);
    if (s != EFI_SUCCESS)
        boot_fail(what, s);
    return addr;
}

/* Get the map and exit boot services. The map key changes whenever the firmware
 * allocates; ExitBootServices then fails with EFI_INVALID_PARAMETER and we try again
 * (no allocation and no console output are allowed in between). */
static void exit_boot_services(EFI_HANDLE image, EFI_MEMORY_DESCRIPTOR **map, UINTN *count,
                               UINTN *desc_size)
{
    UINTN size = 0, key, capacity;
    UINT32 version;
    EFI_BOOT_SERVICES *bs = st->BootServices;

    bs->GetMemoryMap(&size, NULL, &key, desc_size, &version); /* asks for the size */
    capacity = size + MEMMAP_SLACK_DESCRIPTORS * *desc_size;
    EFI_STATUS s = bs->AllocatePool(EfiLoaderData, capacity, (void **)map);
    if (s != EFI_SUCCESS)
        boot_fail("AllocatePool for the memory map", s);
    log_info("boot: exiting UEFI boot services");

    for (int attempt = 1; attempt <= EXIT_BOOT_SERVICES_TRIES; attempt++) {
        size = capacity;
        s = bs->GetMemoryMap(&size, *map, &key, desc_size, &version);
        if (s != EFI_SUCCESS)
            boot_fail("GetMemoryMap", s);
        s = bs->ExitBootServices(image, key);
        if (s == EFI_SUCCESS) {
            *count = size / *desc_size;
            return;
        }
    }
    boot_fail("ExitBootServices (map key kept changing)", s);
}

EFI_STATUS efi_main(EFI_HANDLE image_handle, EFI_SYSTEM_TABLE *system_table)
{
    st = system_table;
    boot_info.tsc_entry = rdtsc(); /* early: everything before is the firmware's time */
    boot_info.magic = BOOT_INFO_MAGIC;
    banner();

    EFI_LOADED_IMAGE *image;
    EFI_STATUS s =
        st->BootServices->HandleProtocol(image_handle, &loaded_image_guid, (void **)&image);
    if (s != EFI_SUCCESS)
        boot_fail("HandleProtocol(LoadedImage)", s);
    boot_info.image_base = (uint64_t)(uintptr_t)image->ImageBase;
    boot_info.image_size = image->ImageSize;
    collect_cmdline(image);
    log_info("boot: image base 0x%lx", (unsigned long)boot_info.image_base);

    virt_detect(boot_info.cpu_vendor);
    find_acpi_rsdp();
    struct hvlab_range own[OWN_RANGES_FIXED + BOOT_GUESTS_MAX];
    size_t own_count = OWN_RANGES_FIXED;
    collect_guests(image, own, &own_count);

    UINTN pool_pages = (boot_info.options.guest_mem + POOL_OVERHEAD_BYTES) / EFI_PAGE_SIZE;
    boot_info.pool_base = allocate_pages(pool_pages, "AllocatePages for the memory pool");
    boot_info.pool_size = (uint64_t)pool_pages * EFI_PAGE_SIZE;
    uint64_t stack = allocate_pages(BOOT_STACK_PAGES, "AllocatePages for the stack");
    uint64_t stack_top = stack + BOOT_STACK_PAGES * EFI_PAGE_SIZE;

    if (boot_info.options.gdb_wait) {
        /* Firmware arms a 5-minute watchdog for boot applications; a debugging session
         * may take longer. See: UEFI Spec 2.10, "EFI_BOOT_SERVICES.SetWatchdogTimer()". */
        st->BootServices->SetWatchdogTimer(0, 0, 0, NULL);
        log_info("gdb: waiting; in gdb: add-symbol-file build/hvlab.so -o 0x%lx, "
                 "then set var hv_debugger_attached=1",
                 (unsigned long)boot_info.image_base);
        while (!hv_debugger_attached)
            __asm__ volatile("pause");
    }

    EFI_MEMORY_DESCRIPTOR *map;
    UINTN count, desc_size;
    exit_boot_services(image_handle, &map, &count, &desc_size);
    boot_info.tsc_boot_services_done = rdtsc();
    /* From here on: no firmware service, no UEFI console. */
    __asm__ volatile("cli"); /* the firmware's interrupt handlers are no longer ours to run */

    own[0] = (struct hvlab_range){boot_info.image_base, boot_info.image_size};
    own[1] = (struct hvlab_range){boot_info.pool_base, boot_info.pool_size};
    own[2] = (struct hvlab_range){stack, BOOT_STACK_PAGES * EFI_PAGE_SIZE};
    memmap_convert(map, count, desc_size, own, own_count, &boot_info);
    stack_switch_and_call((void *)(uintptr_t)stack_top, hv_main, &boot_info);
}
