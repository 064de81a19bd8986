/*
 * linux_boot.c - check a bzImage, plan guest RAM, write kernel, initrd, command line and
 * zero page (see linux_boot.h for the layout).
 *
 * See: Linux Documentation/x86/boot.rst, "The Real-Mode Kernel Header", "Details of
 *      Header Fields", "Loading The Rest of The Kernel", "The 32-bit Boot Protocol";
 *      Documentation/x86/zero-page.rst.
 *
 * Order of work: the setup header, field by field, with a message naming the offset of
 * what is wrong; then the E820 map, the kernel's place, the initrd's place and the
 * command line's length; only when all of them pass is guest RAM written. Arithmetic on
 * file fields is done in 64 bits, so a hostile header cannot wrap an address.
 */
#include "hypervisor/linux_boot.h"

#include "hypervisor/devices/io_apic.h"
#include "hypervisor/devices/local_apic.h"
#include "hypervisor/fmt.h"
#include "hypervisor/linux_bootparam.h"
#include "hypervisor/multiboot_info.h"
#include "hypervisor/string.h"

/* The setup header's fields are little-endian, as x86 is: copying them byte for byte
 * reads them right. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host");

#define ADDRESS_32BIT_END (1ull << 32) /* ramdisk_image is a 32-bit field */
#define MIB_SHIFT         20
#define PAGE_SIZE_4K      4096u

static uint64_t get(const uint8_t *p, unsigned offset, unsigned bytes)
{
    uint64_t v = 0;
    memcpy(&v, p + offset, bytes);
    return v;
}

static void put(uint8_t *p, unsigned offset, unsigned bytes, uint64_t v)
{
    memcpy(p + offset, &v, bytes);
}

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

/* "2.15" for 0x020F: the minor number is printed in decimal, as boot.rst names them. */
#define VERSION_ARGS(v) (unsigned)((v) >> 8), (unsigned)((v)&0xFFu)

/* The header's identity and version: boot flag, "HdrS", 2.12 <= version < 3.0. */
static int check_identity(const uint8_t *image, size_t size, uint16_t *version, char *why,
                          size_t why_len)
{
    if (size < HDR_VERSION + 2)
        return FAIL_WHY("not a bzImage: %lu bytes, too short for a setup header",
                        (unsigned long)size);
    uint64_t flag = get(image, HDR_BOOT_FLAG, 2);
    if (flag != BOOT_FLAG_VALUE)
        return FAIL_WHY("not a bzImage: no boot flag 0x%04x at 0x%x (found 0x%04x)",
                        BOOT_FLAG_VALUE, HDR_BOOT_FLAG, (unsigned)flag);
    if (get(image, HDR_MAGIC, 4) != HDR_MAGIC_VALUE)
        return FAIL_WHY("not a bzImage: no HdrS magic at 0x%x", HDR_MAGIC);
    uint16_t v = (uint16_t)get(image, HDR_VERSION, 2);
    if (v >> 8 != BOOT_PROTOCOL_MAJOR)
        return FAIL_WHY("boot protocol %u.%02u is newer than the %u.x hvlab knows",
                        VERSION_ARGS(v), BOOT_PROTOCOL_MAJOR);
    if (v < BOOT_PROTOCOL_MIN)
        return FAIL_WHY("boot protocol %u.%02u is older than %u.%02u (hvlab needs "
                        "xloadflags, pref_address and init_size)",
                        VERSION_ARGS(v), VERSION_ARGS(BOOT_PROTOCOL_MIN));
    *version = v;
    return 0;
}

/* How far the header goes, and where the kernel starts and ends in the file. */
static int check_extent(const uint8_t *image, size_t size, struct linux_kernel_header *h,
                        char *why, size_t why_len)
{
    unsigned length_byte = image[HDR_LENGTH_BYTE];
    h->header_end = HDR_MAGIC + length_byte;
    if (h->header_end < HDR_INIT_SIZE + 4)
        return FAIL_WHY("setup header ends at 0x%x (0x%x + byte 0x%02x at 0x%x), before "
                        "its init_size field at 0x%x",
                        h->header_end, HDR_MAGIC, length_byte, HDR_LENGTH_BYTE, HDR_INIT_SIZE);
    if (h->header_end > ZP_EDD_MBR_SIG_BUFFER)
        return FAIL_WHY("setup header ends at 0x%x, past 0x%x where the zero page's next "
                        "field starts",
                        h->header_end, ZP_EDD_MBR_SIG_BUFFER);
    if (h->header_end > size)
        return FAIL_WHY("setup header ends at 0x%x, past the end of the %lu-byte file",
                        h->header_end, (unsigned long)size);
    unsigned sects = image[HDR_SETUP_SECTS];
    if (sects == 0)
        sects = BZ_SETUP_SECTS_LEGACY;
    uint64_t setup = (uint64_t)(sects + 1) * BZ_SECTOR_SIZE;
    uint64_t kernel = get(image, HDR_SYSSIZE, 4) * 16;
    if (kernel == 0)
        return FAIL_WHY("syssize at 0x%x is 0: no protected-mode kernel", HDR_SYSSIZE);
    if (setup + kernel > size)
        return FAIL_WHY("file of %lu bytes is too short: %u setup sectors + 1 and syssize "
                        "0x%lx bytes (at 0x%x) need %lu",
                        (unsigned long)size, sects, (unsigned long)kernel, HDR_SYSSIZE,
                        (unsigned long)(setup + kernel));
    h->setup_bytes = (uint32_t)setup;
    h->kernel_bytes = (uint32_t)kernel;
    return 0;
}

/* How the kernel wants to be loaded: high, relocatable or not, aligned, in init_size. */
static int check_loading(const uint8_t *image, struct linux_kernel_header *h, char *why,
                         size_t why_len)
{
    h->loadflags = image[HDR_LOADFLAGS];
    if (!(h->loadflags & LOADFLAGS_LOADED_HIGH))
        return FAIL_WHY("loadflags 0x%02x (at 0x%x) lack LOADED_HIGH: a zImage loaded at "
                        "0x10000, which hvlab does not load",
                        h->loadflags, HDR_LOADFLAGS);
    h->relocatable = image[HDR_RELOCATABLE_KERNEL] != 0;
    h->alignment = (uint32_t)get(image, HDR_KERNEL_ALIGNMENT, 4);
    h->pref_address = get(image, HDR_PREF_ADDRESS, 8);
    h->init_size = (uint32_t)get(image, HDR_INIT_SIZE, 4);
    h->initrd_addr_max = (uint32_t)get(image, HDR_INITRD_ADDR_MAX, 4);
    h->cmdline_size = (uint32_t)get(image, HDR_CMDLINE_SIZE, 4);
    if (h->relocatable &&
        (h->alignment < PAGE_SIZE_4K || (h->alignment & (h->alignment - 1)) != 0))
        return FAIL_WHY("relocatable kernel with kernel_alignment 0x%x (at 0x%x): not a "
                        "power of two of at least 4 KiB",
                        h->alignment, HDR_KERNEL_ALIGNMENT);
    if (h->pref_address >= ADDRESS_32BIT_END || h->pref_address % PAGE_SIZE_4K != 0)
        return FAIL_WHY("pref_address 0x%lx (at 0x%x) is not a page below 4 GiB",
                        (unsigned long)h->pref_address, HDR_PREF_ADDRESS);
    if (h->init_size < h->kernel_bytes)
        return FAIL_WHY("init_size 0x%x (at 0x%x) is smaller than the kernel's 0x%x bytes",
                        h->init_size, HDR_INIT_SIZE, h->kernel_bytes);
    return 0;
}

int linux_header_check(const uint8_t *image, size_t size, struct linux_kernel_header *h,
                       char *why, size_t why_len)
{
    *h = (struct linux_kernel_header){0};
    if (check_identity(image, size, &h->version, why, why_len) != 0 ||
        check_extent(image, size, h, why, why_len) != 0 ||
        check_loading(image, h, why, why_len) != 0)
        return -1;
    return 0;
}

void linux_kernel_place(const struct linux_kernel_header *h, uint64_t *load, uint64_t *low,
                        uint64_t *end)
{
    /* boot.rst, pref_address: "A relocating bootloader should attempt to load at this
     * address. A non-relocatable kernel will unconditionally move itself and to run at
     * this address." A kernel with no preference runs where LOADED_HIGH puts it. */
    uint64_t runs_at = h->pref_address ? h->pref_address : BZ_HIGH_LOAD_ADDRESS;
    if (h->relocatable) {
        *load = *low = align_up(runs_at, h->alignment);
        *end = *load + h->init_size;
        return;
    }
    *load = BZ_HIGH_LOAD_ADDRESS;
    uint64_t image_end = *load + h->kernel_bytes, needs_end = runs_at + h->init_size;
    *low = runs_at < *load ? runs_at : *load;
    *end = image_end > needs_end ? image_end : needs_end;
}

/* ---- the E820 map ---------------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

/* Append one entry; -1 if the table is full. */
static int add(struct linux_mem_range *t, size_t cap, size_t *n, uint64_t base, uint64_t size,
               uint32_t type)
{
    if (size == 0)
        return 0;
    if (*n == cap)
        return -1;
    t[(*n)++] = (struct linux_mem_range){base, size, type};
    return 0;
}

/* Usable RAM [base, end), with the reserved ranges inside it (sorted) cut out. */
static int add_usable(struct linux_mem_range *t, size_t cap, size_t *n, uint64_t base,
                      uint64_t end, const struct linux_mem_range *sorted, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const struct linux_mem_range *r = &sorted[i];
        if (r->base < base || r->base >= end)
            continue;
        if (add(t, cap, n, base, r->base - base, E820_TYPE_RAM) != 0 ||
            add(t, cap, n, r->base, r->size, r->type) != 0)
            return -1;
        base = r->base + r->size;
    }
    return add(t, cap, n, base, end - base, E820_TYPE_RAM);
}

int linux_e820_build(uint64_t ram_size, const struct linux_mem_range *reserved,
                     size_t reserved_count, struct linux_mem_range *table, size_t cap,
                     char *why, size_t why_len)
{
    /* A PC's RAM: lower memory, the hole for the EBDA, VGA and ROMs, upper memory. */
    const struct linux_mem_range usable[] = {
        {0, GUEST_LOWER_MEMORY_END, E820_TYPE_RAM},
        {GUEST_UPPER_MEMORY_START, ram_size - GUEST_UPPER_MEMORY_START, E820_TYPE_RAM},
    };
    struct linux_mem_range sorted[LINUX_RESERVED_MAX];
    if (ram_size <= GUEST_UPPER_MEMORY_START)
        return FAIL_WHY("guest RAM of 0x%lx bytes ends below 1 MiB", (unsigned long)ram_size);
    if (reserved_count > LINUX_RESERVED_MAX)
        return FAIL_WHY("%lu reserved ranges, more than the %u hvlab maps",
                        (unsigned long)reserved_count, LINUX_RESERVED_MAX);
    /* Sort by base (insertion: a handful of ranges), checking each as it comes in. */
    for (size_t i = 0; i < reserved_count; i++) {
        struct linux_mem_range r = reserved[i];
        bool inside = false;
        for (size_t u = 0; u < sizeof(usable) / sizeof(usable[0]); u++)
            inside |= r.base >= usable[u].base && r.size <= usable[u].size &&
                      r.base - usable[u].base <= usable[u].size - r.size;
        if (r.size == 0 || !inside)
            return FAIL_WHY("reserved range 0x%lx-0x%lx is not inside usable guest RAM",
                            (unsigned long)r.base, (unsigned long)(r.base + r.size));
        size_t j = i;
        for (; j > 0 && sorted[j - 1].base > r.base; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = r;
        for (size_t k = 0; k < i + 1; k++)
            if (k != j && overlaps(sorted[k].base, sorted[k].size, r.base, r.size))
                return FAIL_WHY("reserved ranges 0x%lx-0x%lx and 0x%lx-0x%lx overlap",
                                (unsigned long)sorted[k].base,
                                (unsigned long)(sorted[k].base + sorted[k].size),
                                (unsigned long)r.base, (unsigned long)(r.base + r.size));
    }
    size_t n = 0;
    if (add_usable(table, cap, &n, usable[0].base, GUEST_LOWER_MEMORY_END, sorted,
                   reserved_count) != 0 ||
        add(table, cap, &n, GUEST_LOWER_MEMORY_END,
            GUEST_UPPER_MEMORY_START - GUEST_LOWER_MEMORY_END, E820_TYPE_RESERVED) != 0 ||
        add_usable(table, cap, &n, GUEST_UPPER_MEMORY_START, ram_size, sorted,
                   reserved_count) != 0 ||
        /* The interrupt controllers' pages: not RAM, and not to be given to a device. */
        add(table, cap, &n, IO_APIC_DEFAULT_BASE, IO_APIC_MMIO_SIZE, E820_TYPE_RESERVED) != 0 ||
        add(table, cap, &n, LAPIC_BASE_DEFAULT, LAPIC_PAGE_SIZE, E820_TYPE_RESERVED) != 0)
        return FAIL_WHY("the E820 map needs more than %lu entries", (unsigned long)cap);
    return (int)n;
}

/* ---- placements ------------------------------------------------------------------ */

bool linux_initrd_place(const struct linux_mem_range *e820, size_t entries, uint64_t ram_size,
                        uint32_t initrd_addr_max, uint64_t floor, uint64_t size, uint64_t *gpa)
{
    uint64_t top = (uint64_t)initrd_addr_max + 1;
    if (top > ram_size)
        top = ram_size;
    if (top > ADDRESS_32BIT_END)
        top = ADDRESS_32BIT_END;
    /* The usable ranges from the highest down: the first that holds it wins. */
    for (size_t i = entries; i-- > 0;) {
        const struct linux_mem_range *r = &e820[i];
        uint64_t end = r->base + r->size < top ? r->base + r->size : top;
        if (r->type != E820_TYPE_RAM || end < size)
            continue;
        uint64_t at = align_down(end - size, LINUX_INITRD_ALIGN);
        if (at >= r->base && at >= floor) {
            *gpa = at;
            return true;
        }
    }
    return false;
}

/* Is [base, base+size) inside one usable E820 range? */
static bool in_usable(const struct linux_mem_range *e820, size_t entries, uint64_t base,
                      uint64_t size)
{
    for (size_t i = 0; i < entries; i++)
        if (e820[i].type == E820_TYPE_RAM && base >= e820[i].base &&
            base + size <= e820[i].base + e820[i].size)
            return true;
    return false;
}

/* Where the kernel, the initrd and the boot data go; -1 with the reason if one of them
 * has no room. */
static int plan(const struct linux_boot_request *r, const struct linux_kernel_header *h,
                uint64_t ram_size, const struct linux_mem_range *e820, size_t entries,
                struct linux_boot *b, char *why, size_t why_len)
{
    size_t cmdline_len = strlen(r->cmdline);
    if (cmdline_len > h->cmdline_size)
        return FAIL_WHY("command line of %lu characters is longer than the kernel's "
                        "cmdline_size %u",
                        (unsigned long)cmdline_len, h->cmdline_size);
    if (cmdline_len >= LINUX_CMDLINE_END - LINUX_CMDLINE_GPA)
        return FAIL_WHY("command line of %lu characters is longer than the %u hvlab keeps",
                        (unsigned long)cmdline_len, LINUX_CMDLINE_END - LINUX_CMDLINE_GPA - 1);
    if (!in_usable(e820, entries, LINUX_ZERO_PAGE_GPA, ZERO_PAGE_SIZE) ||
        !in_usable(e820, entries, LINUX_CMDLINE_GPA, LINUX_CMDLINE_END - LINUX_CMDLINE_GPA))
        return FAIL_WHY("a reserved range covers the zero page or command line at 0x%x-0x%x",
                        LINUX_ZERO_PAGE_GPA, LINUX_CMDLINE_END);

    uint64_t low;
    linux_kernel_place(h, &b->kernel_start, &low, &b->kernel_end);
    if (b->kernel_end > ADDRESS_32BIT_END ||
        !in_usable(e820, entries, low, b->kernel_end - low))
        return FAIL_WHY("the kernel needs usable guest RAM at 0x%lx-0x%lx (loaded at 0x%lx, "
                        "init_size 0x%x), the VM has %lu MiB: give it at least %lu MiB",
                        (unsigned long)low, (unsigned long)b->kernel_end,
                        (unsigned long)b->kernel_start, h->init_size,
                        (unsigned long)(ram_size >> MIB_SHIFT),
                        (unsigned long)((b->kernel_end + (1u << MIB_SHIFT) - 1) >> MIB_SHIFT));
    b->initrd_start = b->initrd_size = 0;
    if (r->initrd_size) {
        if (!linux_initrd_place(e820, entries, ram_size, h->initrd_addr_max, b->kernel_end,
                                r->initrd_size, &b->initrd_start))
            return FAIL_WHY("initrd of %lu bytes does not fit between the kernel's end "
                            "0x%lx and min(RAM end 0x%lx, initrd_addr_max 0x%x)",
                            (unsigned long)r->initrd_size, (unsigned long)b->kernel_end,
                            (unsigned long)ram_size, h->initrd_addr_max);
        b->initrd_size = r->initrd_size;
    }
    b->version = h->version;
    b->entry = (uint32_t)b->kernel_start; /* boot.rst: "the start address of loaded 32/64-bit
                                             kernel" */
    b->zero_page = LINUX_ZERO_PAGE_GPA;
    b->e820_entries = (unsigned)entries;
    return 0;
}

/* ---- the zero page --------------------------------------------------------------- */

void linux_zero_page_build(uint8_t *page, const uint8_t *image,
                           const struct linux_kernel_header *h, const struct linux_boot *b,
                           const struct linux_mem_range *e820, size_t entries,
                           uint64_t acpi_rsdp)
{
    /* boot.rst, "The 32-bit Boot Protocol": "The memory for struct boot_params should be
     * allocated and initialized to all zero. Then the setup header from offset 0x01f1 of
     * kernel image on should be loaded into struct boot_params". Copying more (the whole
     * first page) would hand over the file's bytes as if they were loader-written fields,
     * e.g. a nonzero sentinel at 0x1EF. */
    memset(page, 0, ZERO_PAGE_SIZE);
    memcpy(page + ZP_SETUP_HEADER, image + ZP_SETUP_HEADER, h->header_end - ZP_SETUP_HEADER);

    /* The fields a loader writes (boot.rst, "Details of Header Fields"). */
    page[HDR_TYPE_OF_LOADER] = TYPE_OF_LOADER_UNDEFINED;
    page[HDR_LOADFLAGS] = (uint8_t)(h->loadflags | LOADFLAGS_CAN_USE_HEAP);
    put(page, HDR_HEAP_END_PTR, 2, HEAP_END_PTR_VALUE);
    put(page, HDR_VID_MODE, 2, VID_MODE_NORMAL);
    put(page, HDR_CODE32_START, 4, b->kernel_start);
    put(page, HDR_RAMDISK_IMAGE, 4, b->initrd_start);
    put(page, HDR_RAMDISK_SIZE, 4, b->initrd_size);
    put(page, HDR_CMD_LINE_PTR, 4, LINUX_CMDLINE_GPA);

    /* The fields of struct boot_params beyond the header (zero-page.rst). */
    if (acpi_rsdp)
        put(page, ZP_ACPI_RSDP_ADDR, 8, acpi_rsdp);
    page[ZP_E820_ENTRIES] = (uint8_t)entries;
    for (size_t i = 0; i < entries && i < E820_MAX_ENTRIES_ZEROPAGE; i++) {
        unsigned at = ZP_E820_TABLE + (unsigned)i * E820_ENTRY_SIZE;
        put(page, at + E820_ENTRY_ADDR, 8, e820[i].base);
        put(page, at + E820_ENTRY_SIZE_AT, 8, e820[i].size);
        put(page, at + E820_ENTRY_TYPE, 4, e820[i].type);
    }
}

int linux_boot_load(const struct guest_memory *m, const struct linux_boot_request *r,
                    struct linux_boot *out, char *why, size_t why_len)
{
    struct linux_kernel_header h;
    struct linux_mem_range e820[LINUX_E820_MAX];
    struct linux_boot b = {0};
    if (linux_header_check(r->kernel, r->kernel_size, &h, why, why_len) != 0)
        return -1;
    int entries = linux_e820_build(m->ram_size, r->reserved, r->reserved_count, e820,
                                   LINUX_E820_MAX, why, why_len);
    if (entries < 0 || plan(r, &h, m->ram_size, e820, (size_t)entries, &b, why, why_len) != 0)
        return -1;

    /* Everything is checked: write guest RAM. "Loading The Rest of The Kernel": the
     * protected-mode kernel is what follows the setup sectors in the file. */
    uint8_t page[ZERO_PAGE_SIZE];
    linux_zero_page_build(page, r->kernel, &h, &b, e820, (size_t)entries, r->acpi_rsdp);
    if (guest_memory_write(m, b.kernel_start, r->kernel + h.setup_bytes, h.kernel_bytes) != 0 ||
        (b.initrd_size &&
         guest_memory_write(m, b.initrd_start, r->initrd, b.initrd_size) != 0) ||
        guest_memory_write(m, LINUX_CMDLINE_GPA, r->cmdline, strlen(r->cmdline) + 1) != 0 ||
        guest_memory_write(m, LINUX_ZERO_PAGE_GPA, page, sizeof(page)) != 0)
        return FAIL_WHY("writing guest RAM failed after the checks passed (a loader bug)");
    *out = b;
    return 0;
}
