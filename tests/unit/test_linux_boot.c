/*
 * test_linux_boot.c - Host unit tests for hypervisor/linux_boot.c: the bzImage checks,
 * the kernel's and initrd's places, the E820 map and the zero page.
 * See: Linux Documentation/x86/boot.rst and Documentation/x86/zero-page.rst.
 *
 * Each test crafts a bzImage in memory with the header fields of Debian 12's cloud
 * kernel (protocol 2.15, relocatable, 2 MiB aligned, pref_address 16 MiB), scaled down,
 * then breaks one thing and checks the loader names it. Every byte of the image outside
 * the setup header is 0xCC, so a zero-page byte copied from anywhere else shows.
 *
 *   file 0x0000  boot sector; setup header 0x1F1..0x26C (0x202 + 0x6A)
 *        0x0200  setup code: SETUP_SECTS sectors
 *        0x1000  protected-mode kernel: KERNEL_BYTES (syssize * 16), each byte its offset
 *                + a tail the loader must not load (Debian's signature sits there)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/devices/io_apic.h"
#include "hypervisor/devices/local_apic.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/linux_boot.h"
#include "hypervisor/linux_bootparam.h"
#include "tests/unit/host_pages.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)

#define SETUP_SECTS  7u                                   /* + the boot sector: 0x1000 */
#define SETUP_BYTES  ((SETUP_SECTS + 1) * BZ_SECTOR_SIZE) /* where the kernel starts */
#define KERNEL_BYTES (64 * KIB)
#define TAIL_BYTES   512u
#define IMAGE_BYTES  (SETUP_BYTES + KERNEL_BYTES + TAIL_BYTES)
#define HEADER_END   0x26Cu /* 0x202 + 0x6A, as in Debian's 6.1 kernels */
#define PREF_ADDRESS (16 * MIB)
#define INIT_SIZE    (48 * MIB)
#define ALIGNMENT    (2 * MIB)
#define CMDLINE_SIZE 2047u
#define FILE_JUNK    0xCC /* every file byte outside the header and the kernel */
#define RAM_JUNK     0xAA /* guest RAM before the loader runs */
#define WHY_LEN      256

static uint8_t image[IMAGE_BYTES];
static char why[WHY_LEN];

static void put(unsigned offset, unsigned bytes, uint64_t v)
{
    memcpy(image + offset, &v, bytes);
}

static uint64_t get(const uint8_t *p, unsigned offset, unsigned bytes)
{
    uint64_t v = 0;
    memcpy(&v, p + offset, bytes);
    return v;
}

/* A good bzImage, as described above. */
static void make_image(void)
{
    memset(image, FILE_JUNK, sizeof(image));
    /* The header region itself: fields hvlab does not name stay junk-free but nonzero. */
    for (unsigned i = ZP_SETUP_HEADER; i < HEADER_END; i++)
        image[i] = (uint8_t)(0x40 + i % 32);
    image[HDR_SETUP_SECTS] = SETUP_SECTS;
    put(HDR_SYSSIZE, 4, KERNEL_BYTES / 16);
    put(HDR_BOOT_FLAG, 2, BOOT_FLAG_VALUE);
    image[HDR_LENGTH_BYTE] = HEADER_END - HDR_MAGIC;
    put(HDR_MAGIC, 4, HDR_MAGIC_VALUE);
    put(HDR_VERSION, 2, 0x020F);
    image[HDR_TYPE_OF_LOADER] = 0;
    image[HDR_LOADFLAGS] = LOADFLAGS_LOADED_HIGH;
    put(HDR_CODE32_START, 4, BZ_HIGH_LOAD_ADDRESS);
    put(HDR_RAMDISK_IMAGE, 4, 0);
    put(HDR_RAMDISK_SIZE, 4, 0);
    put(HDR_HEAP_END_PTR, 2, 0);
    put(HDR_CMD_LINE_PTR, 4, 0);
    put(HDR_INITRD_ADDR_MAX, 4, 0x7FFFFFFF);
    put(HDR_KERNEL_ALIGNMENT, 4, ALIGNMENT);
    image[HDR_RELOCATABLE_KERNEL] = 1;
    put(HDR_CMDLINE_SIZE, 4, CMDLINE_SIZE);
    put(HDR_PREF_ADDRESS, 8, PREF_ADDRESS);
    put(HDR_INIT_SIZE, 4, INIT_SIZE);
    for (unsigned i = 0; i < KERNEL_BYTES; i++)
        image[SETUP_BYTES + i] = (uint8_t)(i * 7 + 1);
}

static int setup(void **state)
{
    (void)state;
    make_image();
    why[0] = '\0';
    return 0;
}

/* The loader's verdict on the image as it is now. */
static int check(struct linux_kernel_header *h)
{
    return linux_header_check(image, sizeof(image), h, why, sizeof(why));
}

static void assert_refused(const char *text)
{
    struct linux_kernel_header h;
    assert_int_equal(check(&h), -1);
    if (!strstr(why, text))
        fail_msg("expected \"%s\" in \"%s\"", text, why);
}

/* ---- the setup header ------------------------------------------------------------- */

static void test_good_header(void **state)
{
    (void)state;
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
    assert_int_equal(h.version, 0x020F);
    assert_int_equal(h.setup_bytes, SETUP_BYTES);
    assert_int_equal(h.kernel_bytes, KERNEL_BYTES); /* syssize, not the rest of the file */
    assert_int_equal(h.header_end, HEADER_END);
    assert_true(h.relocatable);
    assert_int_equal(h.alignment, ALIGNMENT);
    assert_int_equal(h.pref_address, PREF_ADDRESS);
    assert_int_equal(h.init_size, INIT_SIZE);
    assert_int_equal(h.initrd_addr_max, 0x7FFFFFFF);
    assert_int_equal(h.cmdline_size, CMDLINE_SIZE);
}

static void test_not_a_bzimage(void **state)
{
    (void)state;
    struct linux_kernel_header h;
    assert_int_equal(linux_header_check(image, 0x100, &h, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "not a bzImage: 256 bytes, too short"));

    put(HDR_MAGIC, 4, 0x464C457F); /* an ELF's first bytes, at the wrong place */
    assert_refused("not a bzImage: no HdrS magic at 0x202");
    make_image();
    put(HDR_BOOT_FLAG, 2, 0);
    assert_refused("not a bzImage: no boot flag 0xaa55 at 0x1fe (found 0x0000)");
}

static void test_protocol_too_old_or_too_new(void **state)
{
    (void)state;
    put(HDR_VERSION, 2, 0x020B);
    assert_refused("boot protocol 2.11 is older than 2.12");
    put(HDR_VERSION, 2, 0x0200);
    assert_refused("boot protocol 2.00 is older than 2.12");
    put(HDR_VERSION, 2, 0x0300);
    assert_refused("boot protocol 3.00 is newer than the 2.x hvlab knows");
    put(HDR_VERSION, 2, 0x020C); /* 2.12 itself is fine */
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
}

static void test_header_extent(void **state)
{
    (void)state;
    image[HDR_LENGTH_BYTE] = 0x5E; /* ends at 0x260: no init_size */
    assert_refused("setup header ends at 0x260 (0x202 + byte 0x5e at 0x201), before its "
                   "init_size field at 0x260");
    image[HDR_LENGTH_BYTE] = 0x8F; /* 0x291: into the zero page's EDD buffer */
    assert_refused("setup header ends at 0x291, past 0x290");
    image[HDR_LENGTH_BYTE] = 0x8E; /* 0x290 is the longest header the zero page holds */
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
}

static void test_setup_sects_zero_means_four(void **state)
{
    (void)state;
    image[HDR_SETUP_SECTS] = 0;
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
    assert_int_equal(h.setup_bytes, (BZ_SETUP_SECTS_LEGACY + 1) * BZ_SECTOR_SIZE);
}

static void test_sizes(void **state)
{
    (void)state;
    put(HDR_SYSSIZE, 4, 0);
    assert_refused("syssize at 0x1f4 is 0");
    /* One paragraph more than the file holds after the setup code. */
    put(HDR_SYSSIZE, 4, (KERNEL_BYTES + TAIL_BYTES) / 16 + 1);
    assert_refused("is too short: 7 setup sectors + 1 and syssize");
    put(HDR_SYSSIZE, 4, (KERNEL_BYTES + TAIL_BYTES) / 16); /* exactly the rest: fine */
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
    make_image();
    image[HDR_SETUP_SECTS] = 0xFF; /* setup code past the end of the file */
    assert_refused("is too short: 255 setup sectors");
    make_image();
    put(HDR_INIT_SIZE, 4, KERNEL_BYTES - 1);
    assert_refused("init_size 0xffff (at 0x260) is smaller than the kernel's 0x10000 bytes");
}

static void test_loadflags_and_alignment(void **state)
{
    (void)state;
    image[HDR_LOADFLAGS] = 0;
    assert_refused("loadflags 0x00 (at 0x211) lack LOADED_HIGH");
    make_image();
    put(HDR_KERNEL_ALIGNMENT, 4, 3 * MIB);
    assert_refused("kernel_alignment 0x300000 (at 0x230): not a power of two");
    put(HDR_KERNEL_ALIGNMENT, 4, 0x800);
    assert_refused("kernel_alignment 0x800");
    image[HDR_RELOCATABLE_KERNEL] = 0; /* a fixed kernel's alignment does not matter */
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
    make_image();
    put(HDR_PREF_ADDRESS, 8, 4 * GIB);
    assert_refused("pref_address 0x100000000 (at 0x258) is not a page below 4 GiB");
}

/* ---- where the kernel goes -------------------------------------------------------- */

static void test_kernel_place(void **state)
{
    (void)state;
    struct linux_kernel_header h;
    uint64_t load, low, end;
    assert_int_equal(check(&h), 0);
    linux_kernel_place(&h, &load, &low, &end);
    assert_int_equal(load, PREF_ADDRESS); /* relocatable: at its preferred address */
    assert_int_equal(low, PREF_ADDRESS);
    assert_int_equal(end, PREF_ADDRESS + INIT_SIZE);

    h.pref_address = PREF_ADDRESS + 4096; /* not aligned: rounded up to kernel_alignment */
    linux_kernel_place(&h, &load, &low, &end);
    assert_int_equal(load, PREF_ADDRESS + ALIGNMENT);
    assert_int_equal(end, PREF_ADDRESS + ALIGNMENT + INIT_SIZE);

    /* Not relocatable: loaded at 1 MiB, it moves itself to pref_address and needs
     * init_size there. */
    h.relocatable = false;
    h.pref_address = PREF_ADDRESS;
    linux_kernel_place(&h, &load, &low, &end);
    assert_int_equal(load, BZ_HIGH_LOAD_ADDRESS);
    assert_int_equal(low, BZ_HIGH_LOAD_ADDRESS);
    assert_int_equal(end, PREF_ADDRESS + INIT_SIZE);
    /* ... and with no preference, it runs where it is loaded. */
    h.pref_address = 0;
    linux_kernel_place(&h, &load, &low, &end);
    assert_int_equal(load, BZ_HIGH_LOAD_ADDRESS);
    assert_int_equal(end, BZ_HIGH_LOAD_ADDRESS + INIT_SIZE);
}

/* ---- the E820 map ----------------------------------------------------------------- */

static void assert_entry(const struct linux_mem_range *e, uint64_t base, uint64_t size,
                         uint32_t type)
{
    if (e->base != base || e->size != size || e->type != type)
        fail_msg("entry 0x%llx+0x%llx type %u, expected 0x%llx+0x%llx type %u",
                 (unsigned long long)e->base, (unsigned long long)e->size, e->type,
                 (unsigned long long)base, (unsigned long long)size, type);
}

/* A PC's layout: 639 KiB, the hole up to 1 MiB, the rest of RAM, the two APIC pages. */
static void assert_pc_layout(uint64_t ram_size)
{
    struct linux_mem_range t[LINUX_E820_MAX];
    int n = linux_e820_build(ram_size, 0, 0, t, LINUX_E820_MAX, why, sizeof(why));
    assert_int_equal(n, 5);
    assert_entry(&t[0], 0, 0x9FC00, E820_TYPE_RAM);
    assert_entry(&t[1], 0x9FC00, 0x100000 - 0x9FC00, E820_TYPE_RESERVED);
    assert_entry(&t[2], 0x100000, ram_size - 0x100000, E820_TYPE_RAM);
    assert_entry(&t[3], 0xFEC00000, 0x1000, E820_TYPE_RESERVED);
    assert_entry(&t[4], 0xFEE00000, 0x1000, E820_TYPE_RESERVED);
}

static void test_e820_128m_and_1g(void **state)
{
    (void)state;
    assert_pc_layout(128 * MIB);
    assert_pc_layout(1 * GIB);
}

/* Reserved ranges are cut out of usable RAM with their own type, in address order
 * whatever order they come in. */
static void test_e820_reserved_ranges(void **state)
{
    (void)state;
    const struct linux_mem_range reserved[] = {
        {128 * MIB - 64 * KIB, 64 * KIB, E820_TYPE_ACPI}, /* at the very top */
        {0x80000, 0x1000, E820_TYPE_RESERVED},            /* in lower memory */
        {32 * MIB, 8 * KIB, E820_TYPE_NVS},
    };
    struct linux_mem_range t[LINUX_E820_MAX];
    int n = linux_e820_build(128 * MIB, reserved, 3, t, LINUX_E820_MAX, why, sizeof(why));
    assert_int_equal(n, 10);
    assert_entry(&t[0], 0, 0x80000, E820_TYPE_RAM);
    assert_entry(&t[1], 0x80000, 0x1000, E820_TYPE_RESERVED);
    assert_entry(&t[2], 0x81000, 0x9FC00 - 0x81000, E820_TYPE_RAM);
    assert_entry(&t[3], 0x9FC00, 0x100000 - 0x9FC00, E820_TYPE_RESERVED);
    assert_entry(&t[4], 0x100000, 31 * MIB, E820_TYPE_RAM);
    assert_entry(&t[5], 32 * MIB, 8 * KIB, E820_TYPE_NVS);
    assert_entry(&t[6], 32 * MIB + 8 * KIB, 96 * MIB - 72 * KIB, E820_TYPE_RAM);
    assert_entry(&t[7], 128 * MIB - 64 * KIB, 64 * KIB, E820_TYPE_ACPI);
    assert_entry(&t[8], 0xFEC00000, IO_APIC_MMIO_SIZE, E820_TYPE_RESERVED);
    assert_entry(&t[9], LAPIC_BASE_DEFAULT, LAPIC_PAGE_SIZE, E820_TYPE_RESERVED);
}

static void test_e820_bad_reserved_ranges(void **state)
{
    (void)state;
    struct linux_mem_range t[LINUX_E820_MAX];
    const struct linux_mem_range beyond[] = {{128 * MIB - 4096, 8192, E820_TYPE_ACPI}};
    assert_int_equal(linux_e820_build(128 * MIB, beyond, 1, t, LINUX_E820_MAX, why, WHY_LEN),
                     -1);
    assert_string_equal(why,
                        "reserved range 0x7fff000-0x8001000 is not inside usable guest RAM");
    const struct linux_mem_range in_hole[] = {{0xE0000, 0x1000, E820_TYPE_ACPI}};
    assert_int_equal(linux_e820_build(128 * MIB, in_hole, 1, t, LINUX_E820_MAX, why, WHY_LEN),
                     -1);
    const struct linux_mem_range overlap[] = {{4 * MIB, 8192, E820_TYPE_ACPI},
                                              {4 * MIB + 4096, 4096, E820_TYPE_NVS}};
    assert_int_equal(linux_e820_build(128 * MIB, overlap, 2, t, LINUX_E820_MAX, why, WHY_LEN),
                     -1);
    assert_non_null(strstr(why, "overlap"));
    assert_int_equal(linux_e820_build(128 * MIB, overlap, LINUX_RESERVED_MAX + 1, t,
                                      LINUX_E820_MAX, why, WHY_LEN),
                     -1);
    assert_non_null(strstr(why, "more than the 8 hvlab maps"));
    assert_int_equal(linux_e820_build(128 * MIB, 0, 0, t, 4, why, WHY_LEN), -1);
    assert_non_null(strstr(why, "needs more than 4 entries"));
}

/* ---- where the initrd goes -------------------------------------------------------- */

static void test_initrd_place(void **state)
{
    (void)state;
    struct linux_mem_range t[LINUX_E820_MAX];
    int n = linux_e820_build(128 * MIB, 0, 0, t, LINUX_E820_MAX, why, sizeof(why));
    uint64_t at = 0;
    /* As high as RAM allows, page-aligned. */
    assert_true(
        linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 1000001, &at));
    assert_int_equal(at, (128 * MIB - 1000001) & ~0xFFFull);
    /* ... or as initrd_addr_max allows (its last byte at most there). */
    assert_true(
        linux_initrd_place(t, (size_t)n, 128 * MIB, 100 * MIB - 1, 64 * MIB, 8192, &at));
    assert_int_equal(at, 100 * MIB - 8192);
    /* Never below the kernel's end. */
    assert_false(
        linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 64 * MIB + 1, &at));
    assert_true(
        linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 64 * MIB, &at));
    assert_int_equal(at, 64 * MIB);

    /* Below a reserved range at the top of RAM, not on it. */
    const struct linux_mem_range acpi[] = {{128 * MIB - 64 * KIB, 64 * KIB, E820_TYPE_ACPI}};
    n = linux_e820_build(128 * MIB, acpi, 1, t, LINUX_E820_MAX, why, sizeof(why));
    assert_true(linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 4096, &at));
    assert_int_equal(at, 128 * MIB - 64 * KIB - 4096);

    /* A reserved range in the middle: the usable range above it is the higher place. */
    const struct linux_mem_range middle[] = {{100 * MIB, 8 * KIB, E820_TYPE_NVS}};
    n = linux_e820_build(128 * MIB, middle, 1, t, LINUX_E820_MAX, why, sizeof(why));
    assert_true(linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 4096, &at));
    assert_int_equal(at, 128 * MIB - 4096);
    /* ... unless it is too small: then below the reserved range. */
    assert_true(
        linux_initrd_place(t, (size_t)n, 128 * MIB, 0x7FFFFFFF, 64 * MIB, 30 * MIB, &at));
    assert_int_equal(at, 70 * MIB);
}

/* ---- the whole load --------------------------------------------------------------- */

struct guest {
    struct host_pages src;
    struct guest_memory mem;
};

static struct guest *guest_new(uint64_t ram_size)
{
    struct guest *g = calloc(1, sizeof(*g));
    assert_non_null(g);
    assert_int_equal(
        guest_memory_create(&g->mem, ram_size, host_pages_alloc, &g->src, why, sizeof(why)), 0);
    assert_int_equal(guest_memory_fill(&g->mem, 0, RAM_JUNK, ram_size), 0);
    return g;
}

static void guest_free(struct guest *g)
{
    host_pages_free_all(&g->src);
    free(g);
}

static uint8_t initrd[3 * 4096 + 17];

static struct linux_boot_request request(const char *cmdline)
{
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 13 + 5);
    return (struct linux_boot_request){
        .kernel = image,
        .kernel_size = sizeof(image),
        .initrd = initrd,
        .initrd_size = sizeof(initrd),
        .cmdline = cmdline,
    };
}

static void test_load_128m(void **state)
{
    (void)state;
    struct guest *g = guest_new(128 * MIB);
    struct linux_boot_request r = request("console=ttyS0 quiet panic=-1");
    r.acpi_rsdp = 0xE0000;
    struct linux_boot b;
    assert_int_equal(linux_boot_load(&g->mem, &r, &b, why, sizeof(why)), 0);
    assert_int_equal(b.version, 0x020F);
    assert_int_equal(b.entry, PREF_ADDRESS);
    assert_int_equal(b.zero_page, LINUX_ZERO_PAGE_GPA);
    assert_int_equal(b.kernel_start, PREF_ADDRESS);
    assert_int_equal(b.kernel_end, PREF_ADDRESS + INIT_SIZE);
    uint64_t initrd_at = (128 * MIB - sizeof(initrd)) & ~0xFFFull;
    assert_int_equal(b.initrd_start, initrd_at);
    assert_int_equal(b.initrd_size, sizeof(initrd));
    assert_int_equal(b.e820_entries, 5);

    /* The kernel: syssize * 16 bytes after the setup code, and not the file's tail. */
    uint8_t *kernel = malloc(KERNEL_BYTES + 1);
    assert_int_equal(guest_memory_read(&g->mem, PREF_ADDRESS, kernel, KERNEL_BYTES + 1), 0);
    assert_memory_equal(kernel, image + SETUP_BYTES, KERNEL_BYTES);
    assert_int_equal(kernel[KERNEL_BYTES], RAM_JUNK);
    free(kernel);
    uint8_t copy[sizeof(initrd)];
    assert_int_equal(guest_memory_read(&g->mem, initrd_at, copy, sizeof(copy)), 0);
    assert_memory_equal(copy, initrd, sizeof(initrd));
    char cmdline[64];
    assert_int_equal(guest_memory_read(&g->mem, LINUX_CMDLINE_GPA, cmdline, sizeof(cmdline)),
                     0);
    assert_string_equal(cmdline, "console=ttyS0 quiet panic=-1");

    /* The zero page's loader-written fields. */
    uint8_t zp[ZERO_PAGE_SIZE];
    assert_int_equal(guest_memory_read(&g->mem, LINUX_ZERO_PAGE_GPA, zp, sizeof(zp)), 0);
    assert_int_equal(zp[HDR_TYPE_OF_LOADER], TYPE_OF_LOADER_UNDEFINED);
    assert_int_equal(zp[HDR_LOADFLAGS], LOADFLAGS_LOADED_HIGH | LOADFLAGS_CAN_USE_HEAP);
    assert_int_equal(get(zp, HDR_HEAP_END_PTR, 2), HEAP_END_PTR_VALUE);
    assert_int_equal(get(zp, HDR_VID_MODE, 2), VID_MODE_NORMAL);
    assert_int_equal(get(zp, HDR_CODE32_START, 4), PREF_ADDRESS);
    assert_int_equal(get(zp, HDR_RAMDISK_IMAGE, 4), initrd_at);
    assert_int_equal(get(zp, HDR_RAMDISK_SIZE, 4), sizeof(initrd));
    assert_int_equal(get(zp, HDR_CMD_LINE_PTR, 4), LINUX_CMDLINE_GPA);
    assert_int_equal(get(zp, ZP_ACPI_RSDP_ADDR, 8), 0xE0000);
    assert_int_equal(zp[ZP_E820_ENTRIES], 5);
    assert_int_equal(get(zp, ZP_E820_TABLE + 2 * E820_ENTRY_SIZE + E820_ENTRY_ADDR, 8),
                     1 * MIB);
    assert_int_equal(get(zp, ZP_E820_TABLE + 2 * E820_ENTRY_SIZE + E820_ENTRY_SIZE_AT, 8),
                     127 * MIB);
    assert_int_equal(get(zp, ZP_E820_TABLE + 2 * E820_ENTRY_SIZE + E820_ENTRY_TYPE, 4),
                     E820_TYPE_RAM);
    assert_int_equal(get(zp, ZP_E820_TABLE + 4 * E820_ENTRY_SIZE + E820_ENTRY_ADDR, 8),
                     LAPIC_BASE_DEFAULT);
    guest_free(g);
}

/* Is zero-page byte i one the loader writes (outside the header copy)? */
static bool loader_field(unsigned i, unsigned e820_entries)
{
    return (i >= ZP_ACPI_RSDP_ADDR && i < ZP_ACPI_RSDP_ADDR + 8) || i == ZP_E820_ENTRIES ||
           (i >= ZP_E820_TABLE && i < ZP_E820_TABLE + e820_entries * E820_ENTRY_SIZE);
}

/* Only [0x1F1, header_end) comes from the file: every other byte is zero unless the
 * loader writes it (the sentinel at 0x1EF stays 0 although the file has 0xCC there). */
static void test_header_copy_touches_nothing_else(void **state)
{
    (void)state;
    struct linux_kernel_header h;
    assert_int_equal(check(&h), 0);
    struct linux_mem_range e820[LINUX_E820_MAX];
    int n = linux_e820_build(128 * MIB, 0, 0, e820, LINUX_E820_MAX, why, sizeof(why));
    struct linux_boot b = {.kernel_start = PREF_ADDRESS};
    uint8_t zp[ZERO_PAGE_SIZE];
    memset(zp, 0x5A, sizeof(zp)); /* the builder must zero the page itself */
    linux_zero_page_build(zp, image, &h, &b, e820, (size_t)n, 0x12345678);
    assert_int_equal(zp[ZP_SENTINEL], 0);
    for (unsigned i = 0; i < ZERO_PAGE_SIZE; i++) {
        if (i >= ZP_SETUP_HEADER && i < HEADER_END)
            continue;
        if (!loader_field(i, (unsigned)n) && zp[i] != 0)
            fail_msg("zero page byte 0x%x is 0x%02x, not 0", i, zp[i]);
    }
    /* Header bytes the loader does not write are the file's. */
    static const unsigned written[][2] = {
        {HDR_VID_MODE, 2},     {HDR_TYPE_OF_LOADER, 1}, {HDR_LOADFLAGS, 1},
        {HDR_CODE32_START, 4}, {HDR_RAMDISK_IMAGE, 4},  {HDR_RAMDISK_SIZE, 4},
        {HDR_HEAP_END_PTR, 2}, {HDR_CMD_LINE_PTR, 4},
    };
    for (unsigned i = ZP_SETUP_HEADER; i < HEADER_END; i++) {
        bool w = false;
        for (size_t k = 0; k < sizeof(written) / sizeof(written[0]); k++)
            w |= i >= written[k][0] && i < written[k][0] + written[k][1];
        if (!w && zp[i] != image[i])
            fail_msg("zero page byte 0x%x is 0x%02x, the file has 0x%02x", i, zp[i], image[i]);
    }
    /* No RSDP given: the field stays 0. */
    linux_zero_page_build(zp, image, &h, &b, e820, (size_t)n, 0);
    assert_int_equal(get(zp, ZP_ACPI_RSDP_ADDR, 8), 0);
}

/* A refused load leaves guest RAM as it was. */
static void assert_load_refused(struct guest *g, const struct linux_boot_request *r,
                                const char *text)
{
    struct linux_boot b;
    assert_int_equal(linux_boot_load(&g->mem, r, &b, why, sizeof(why)), -1);
    if (!strstr(why, text))
        fail_msg("expected \"%s\" in \"%s\"", text, why);
    uint8_t page[ZERO_PAGE_SIZE];
    assert_int_equal(guest_memory_read(&g->mem, LINUX_ZERO_PAGE_GPA, page, sizeof(page)), 0);
    for (size_t i = 0; i < sizeof(page); i++)
        assert_int_equal(page[i], RAM_JUNK);
}

static void test_initrd_too_big(void **state)
{
    (void)state;
    /* 64 MiB of RAM: the kernel fits (16 + 48 MiB), the initrd has no room above it. */
    struct guest *g = guest_new(64 * MIB);
    struct linux_boot_request r = request("console=ttyS0");
    assert_load_refused(g, &r,
                        "initrd of 12305 bytes does not fit between the kernel's end "
                        "0x4000000 and min(RAM end 0x4000000");
    r.initrd = 0;
    r.initrd_size = 0; /* no initrd: it boots */
    struct linux_boot b;
    assert_int_equal(linux_boot_load(&g->mem, &r, &b, why, sizeof(why)), 0);
    assert_int_equal(b.initrd_start, 0);
    guest_free(g);
}

static void test_kernel_too_big_for_ram(void **state)
{
    (void)state;
    struct guest *g = guest_new(32 * MIB);
    struct linux_boot_request r = request("console=ttyS0");
    assert_load_refused(g, &r,
                        "the kernel needs usable guest RAM at 0x1000000-0x4000000 "
                        "(loaded at 0x1000000, init_size 0x3000000), the VM has 32 "
                        "MiB: give it at least 64 MiB");
    guest_free(g);
}

static void test_cmdline_too_long(void **state)
{
    (void)state;
    struct guest *g = guest_new(128 * MIB);
    put(HDR_CMDLINE_SIZE, 4, 16);
    struct linux_boot_request r = request("console=ttyS0 q"); /* 15: fits */
    struct linux_boot b;
    assert_int_equal(linux_boot_load(&g->mem, &r, &b, why, sizeof(why)), 0);
    guest_free(g);
    g = guest_new(128 * MIB);
    r.cmdline = "console=ttyS0 qu"; /* 16: cmdline_size does not count the NUL */
    assert_int_equal(linux_boot_load(&g->mem, &r, &b, why, sizeof(why)), 0);
    guest_free(g);
    g = guest_new(128 * MIB);
    r.cmdline = "console=ttyS0 qui";
    assert_load_refused(g, &r,
                        "command line of 17 characters is longer than the kernel's "
                        "cmdline_size 16");
    guest_free(g);
}

static void test_bad_image_leaves_ram_alone(void **state)
{
    (void)state;
    struct guest *g = guest_new(128 * MIB);
    put(HDR_VERSION, 2, 0x020A);
    struct linux_boot_request r = request("console=ttyS0");
    assert_load_refused(g, &r, "boot protocol 2.10 is older than 2.12");
    make_image();
    const struct linux_mem_range low[] = {{LINUX_CMDLINE_GPA, 4096, E820_TYPE_ACPI}};
    r.reserved = low;
    r.reserved_count = 1;
    assert_load_refused(g, &r, "a reserved range covers the zero page or command line");
    const struct linux_mem_range in_kernel[] = {{40 * MIB, 4096, E820_TYPE_ACPI}};
    r.reserved = in_kernel;
    assert_load_refused(g, &r, "the kernel needs usable guest RAM at 0x1000000-0x4000000");
    guest_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_header, setup),
        cmocka_unit_test_setup(test_not_a_bzimage, setup),
        cmocka_unit_test_setup(test_protocol_too_old_or_too_new, setup),
        cmocka_unit_test_setup(test_header_extent, setup),
        cmocka_unit_test_setup(test_setup_sects_zero_means_four, setup),
        cmocka_unit_test_setup(test_sizes, setup),
        cmocka_unit_test_setup(test_loadflags_and_alignment, setup),
        cmocka_unit_test_setup(test_kernel_place, setup),
        cmocka_unit_test_setup(test_e820_128m_and_1g, setup),
        cmocka_unit_test_setup(test_e820_reserved_ranges, setup),
        cmocka_unit_test_setup(test_e820_bad_reserved_ranges, setup),
        cmocka_unit_test_setup(test_initrd_place, setup),
        cmocka_unit_test_setup(test_load_128m, setup),
        cmocka_unit_test_setup(test_header_copy_touches_nothing_else, setup),
        cmocka_unit_test_setup(test_initrd_too_big, setup),
        cmocka_unit_test_setup(test_kernel_too_big_for_ram, setup),
        cmocka_unit_test_setup(test_cmdline_too_long, setup),
        cmocka_unit_test_setup(test_bad_image_leaves_ram_alone, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
