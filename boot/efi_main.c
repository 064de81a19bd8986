/*
 * efi_main.c - the UEFI entry: gather a struct boot_info, leave boot services, hand over.
 *
 * This is the only code that talks to the firmware (GNU-EFI headers are included under
 * boot/ only). Order of work, see: UEFI Spec 2.10, "EFI_BOOT_SERVICES.ExitBootServices()":
 *   1. banner on the serial port and the UEFI console
 *   2. load options + \hvlab.cfg -> one command line -> boot_options (parsed once)
 *   3. image base/size, CPU vendor, ACPI RSDP, embedded guest kernels, modules=
 *   4. reserve the hypervisor's memory pool and a stack
 *   5. the wall-clock time (GetTime), then GetMemoryMap + ExitBootServices (retried while
 *      the map key goes stale)
 *   6. convert the memory map, switch to hvlab's stack, call hv_main()
 */
#include <efi.h>

#include "arch/x86_64/tsc.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/virt_detect.h"
#include "boot/boot_info.h"
#include "boot/cmdline.h"
#include "boot/efi_files.h"
#include "boot/efi_linux.h"
#include "boot/efi_modules.h"
#include "boot/guest_images.h"
#include "boot/memmap.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/string.h"

_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct uefi_memory_descriptor),
               "boot/memmap.h restates EFI_MEMORY_DESCRIPTOR");

#define HVLAB_VERSION            "0.1"
/* Pool pages beyond guest RAM: EPT tables, VMCS/VMXON regions, bitmaps, stacks; and per
 * VM that runs at the same time, its state and tables plus what 2 MiB alignment of its
 * RAM may waste. */
#define POOL_OVERHEAD_BYTES      (32ull << 20)
#define POOL_PER_VM_BYTES        (2ull << 20)
#define BOOT_STACK_PAGES         16 /* 64 KiB for hv_main and everything it calls */
#define MEMMAP_SLACK_DESCRIPTORS 16 /* room for the map to grow between calls */
#define EXIT_BOOT_SERVICES_TRIES 4
#define CONFIG_FILE_MAX          2048
#define CONFIG_FILE_PATH         L"\\hvlab.cfg"
#define GUEST_FILE_FORMAT        "\\guests\\%s.elf" /* overrides the built-in NAME */
#define GUEST_FILE_MAX           (16ull << 20)      /* a teaching kernel is far smaller */
#define GUEST_PATH_MAX           (BOOT_GUEST_NAME_MAX + 16) /* \guests\ + NAME + .elf */
#define GUEST_TABLE_MAX          (2 * BOOT_GUESTS_MAX) /* the guest= names, then built-ins */
#define GUEST_PROBLEM_MAX        160
#define GUEST_NAMES_TEXT_MAX     96 /* "hello, hostile, ..." in a message */
#define FILE_PROBLEM_MAX         128
#define OWN_RANGES_FIXED         3 /* image, pool, stack */
/* EFI_TIME's field ranges (UEFI Spec 2.10, "GetTime()"): a time outside is not used. */
#define EFI_TIME_MONTH_MAX       12
#define EFI_TIME_DAY_MAX         31
#define EFI_TIME_HOUR_MAX        23
#define EFI_TIME_MINUTE_MAX      59
#define EFI_TIME_SECOND_MAX      59

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

/* Read \hvlab.cfg from the volume hvlab.efi was loaded from; absent is fine. A file
 * that cannot be used is skipped whole, with one line that says why. */
static void read_config_file(EFI_LOADED_IMAGE *image, char *cmdline, size_t cap)
{
    struct efi_file_data cfg;
    char why[FILE_PROBLEM_MAX];
    size_t bad_at;
    enum boot_file_status got = efi_read_boot_file(st, image->DeviceHandle, CONFIG_FILE_PATH,
                                                   CONFIG_FILE_MAX, &cfg, why, sizeof(why));
    if (got == BOOT_FILE_ABSENT)
        return;
    if (got == BOOT_FILE_UNUSABLE) {
        log_warn("hvlab.cfg: %s; not read, only the load options apply", why);
        return;
    }
    if (!cmdline_config_is_text(cfg.data, cfg.size, &bad_at))
        log_warn("hvlab.cfg: not ASCII text (byte 0x%02x at offset %lu; saved as UTF-16?); "
                 "not read, only the load options apply",
                 ((const uint8_t *)cfg.data)[bad_at], (unsigned long)bad_at);
    else if (!cmdline_append_config(cmdline, cap, cfg.data, cfg.size))
        log_warn("hvlab.cfg: longer than %lu characters without its comments; using the "
                 "words that fit",
                 (unsigned long)cap - 1);
    log_debug("boot: read %lu bytes of hvlab.cfg", (unsigned long)cfg.size);
    if (cfg.pages)
        st->BootServices->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)cfg.data, cfg.pages);
}

/* The built-in kernel of this name, or NULL. */
static const struct embedded_guest *built_in_guest(const char *name)
{
    for (size_t i = 0; i < boot_guest_image_count; i++)
        if (strcmp(boot_guest_images[i].name, name) == 0)
            return &boot_guest_images[i];
    return 0;
}

/* "hello, hostile, conform, bench": the built-in kernels, for a message. */
static const char *built_in_names(void)
{
    static char text[GUEST_NAMES_TEXT_MAX];
    size_t used = 0;
    for (size_t i = 0; i < boot_guest_image_count && used < sizeof(text); i++)
        used += fmt_snprintf(text + used, sizeof(text) - used, "%s%s", i ? ", " : "",
                             boot_guest_images[i].name);
    return text;
}

/* The guests hvlab can run: for each name in guest=..., a file \guests\NAME.elf on the
 * boot volume if there is one (so a student can try a kernel without rebuilding hvlab),
 * then the kernels embedded in hvlab.efi. The first with a name wins. A name that is in
 * neither place, or whose file cannot be read, gets a row that says why, so that guest
 * is reported and skipped (never silently replaced by a built-in one). Files read here
 * are added to `own` so the memory map marks them as hvlab's. */
static void collect_guests(EFI_LOADED_IMAGE *image, struct hvlab_range *own, size_t *own_count)
{
    static struct boot_guest_image table[GUEST_TABLE_MAX];
    static char names[BOOT_GUESTS_MAX][BOOT_GUEST_NAME_MAX];
    static char files[GUEST_TABLE_MAX][GUEST_PATH_MAX];
    static char problems[BOOT_GUESTS_MAX][GUEST_PROBLEM_MAX];
    size_t count = 0, asked = 0;
    const char *list = boot_info.options.guest;
    while (asked < BOOT_GUESTS_MAX &&
           boot_guest_list_next(&list, names[asked], sizeof(names[asked]))) {
        const char *name = names[asked];
        char *file = files[count], *problem = problems[asked];
        asked++;
        if (strcmp(name, BOOT_LINUX_GUEST_NAME) == 0) { /* a bzImage of \linux\ */
            efi_collect_linux(st, image->DeviceHandle, &boot_info.options, table, &count, own,
                              own_count);
            continue;
        }
        fmt_snprintf(file, GUEST_PATH_MAX, GUEST_FILE_FORMAT, name);
        CHAR16 path[GUEST_PATH_MAX];
        unsigned n = 0;
        for (; file[n]; n++)
            path[n] = (CHAR16)file[n];
        path[n] = 0;

        struct efi_file_data f;
        switch (efi_read_boot_file(st, image->DeviceHandle, path, GUEST_FILE_MAX, &f, problem,
                                   GUEST_PROBLEM_MAX)) {
        case BOOT_FILE_READ:
            table[count++] = (struct boot_guest_image){
                name, f.data, f.size, file, 0, BOOT_GUEST_MULTIBOOT, 0, 0};
            if (f.pages)
                own[(*own_count)++] =
                    (struct hvlab_range){(uint64_t)(uintptr_t)f.data, f.pages * EFI_PAGE_SIZE};
            log_info("boot: guest \"%s\" read from the boot volume (%s, %lu bytes)", name, file,
                     (unsigned long)f.size);
            break;
        case BOOT_FILE_UNUSABLE:
            table[count++] = (struct boot_guest_image){
                name, 0, 0, file, problem, BOOT_GUEST_MULTIBOOT, 0, 0};
            break;
        case BOOT_FILE_ABSENT:
            if (built_in_guest(name))
                break; /* the built-in row below serves it */
            fmt_snprintf(problem, GUEST_PROBLEM_MAX,
                         "no such file on the boot volume, and no built-in guest has that "
                         "name (built in: %s)",
                         built_in_names());
            table[count++] = (struct boot_guest_image){
                name, 0, 0, file, problem, BOOT_GUEST_MULTIBOOT, 0, 0};
            break;
        }
    }
    for (size_t i = 0; i < boot_guest_image_count && count < GUEST_TABLE_MAX; i++) {
        const struct embedded_guest *g = &boot_guest_images[i];
        fmt_snprintf(files[count], GUEST_PATH_MAX, "built-in %s.elf", g->name);
        table[count] = (struct boot_guest_image){
            g->name, g->data, g->size, files[count], 0, BOOT_GUEST_MULTIBOOT, 0, 0};
        count++;
    }
    boot_info.guests = table;
    boot_info.guest_count = count;
}

static void collect_cmdline(EFI_LOADED_IMAGE *image)
{
    read_config_file(image, boot_info.cmdline, sizeof(boot_info.cmdline));
    size_t before = strlen(boot_info.cmdline); /* hvlab.cfg's words end here */
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

    /* One line per bad word, named after where it was written. */
    unsigned problems = boot_options_parse(boot_info.cmdline, &boot_info.options);
    for (unsigned i = 0; i < problems && i < BOOT_OPTION_PROBLEMS_MAX; i++)
        log_warn("%s: %s",
                 boot_info.options.problem_at[i] < before ? "hvlab.cfg" : "load options",
                 boot_info.options.problems[i]);
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

/* The time of day from the firmware's RTC, as each VM's RTC will start from it. The time
 * is taken as the firmware gives it (no time zone applied): the guest's clock then reads
 * what the machine's own CMOS clock reads. See: UEFI Spec 2.10, "GetTime()", "EFI_TIME". */
static void read_wall_clock(void)
{
    EFI_TIME t;
    EFI_STATUS s = st->RuntimeServices->GetTime(&t, NULL);
    boot_info.wall_clock.tsc = rdtsc();
    if (s != EFI_SUCCESS || t.Month < 1 || t.Month > EFI_TIME_MONTH_MAX || t.Day < 1 ||
        t.Day > EFI_TIME_DAY_MAX || t.Hour > EFI_TIME_HOUR_MAX ||
        t.Minute > EFI_TIME_MINUTE_MAX || t.Second > EFI_TIME_SECOND_MAX) {
        log_warn("boot: GetTime failed (status 0x%lx): guests' clocks start at 2000-01-01",
                 (unsigned long)s);
        return;
    }
    boot_info.wall_clock = (struct boot_wall_clock){
        .valid = true,
        .year = t.Year,
        .month = t.Month,
        .day = t.Day,
        .hour = t.Hour,
        .minute = t.Minute,
        .second = t.Second,
        .tsc = boot_info.wall_clock.tsc,
    };
    log_info("boot: wall clock %04u-%02u-%02u %02u:%02u:%02u (UEFI GetTime)", t.Year, t.Month,
             t.Day, t.Hour, t.Minute, t.Second);
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
    struct hvlab_range
        own[OWN_RANGES_FIXED + BOOT_GUESTS_MAX + EFI_LINUX_EXTRA_RANGES + BOOT_MODULES_MAX];
    size_t own_count = OWN_RANGES_FIXED;
    collect_guests(image, own, &own_count);
    efi_collect_modules(st, image->DeviceHandle, &boot_info, own, &own_count);

    /* Enough for the group of guest= that needs the most memory at once. */
    unsigned peak_vms;
    uint64_t peak_mem = boot_guest_list_peak_mem(boot_info.options.guest,
                                                 boot_info.options.guest_mem, &peak_vms);
    UINTN pool_pages =
        (peak_mem + peak_vms * POOL_PER_VM_BYTES + POOL_OVERHEAD_BYTES) / EFI_PAGE_SIZE;
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

    read_wall_clock();
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
