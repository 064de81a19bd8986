/*
 * test_memmap.c - Host unit tests for boot/memmap.c: a UEFI memory map (an array of
 * EFI_MEMORY_DESCRIPTORs, DescriptorSize bytes apart) becomes boot_info's sorted, merged,
 * firmware-neutral regions, with hvlab's own allocations shown as MEM_HVLAB.
 * See: UEFI Spec 2.10, "EFI_BOOT_SERVICES.GetMemoryMap()".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/memmap.h"

#define KIB          1024ull
#define MIB          (1024ull * KIB)
#define PAGES(bytes) ((bytes) / UEFI_PAGE_SIZE)

/* Real firmware (OVMF, most PCs) returns 48-byte descriptors, 8 more than the struct. */
#define FIRMWARE_DESC_SIZE 48

/* ---- helpers: building a memory map ------------------------------------ */

#define MAP_MAX 1200

/* A memory map as GetMemoryMap returns it: descriptors desc_size bytes apart. */
struct map {
    size_t desc_size;
    size_t count;
    uint8_t bytes[MAP_MAX * 64];
};

static struct map *map_new(size_t desc_size)
{
    struct map *m = malloc(sizeof(*m));
    assert_non_null(m);
    /* Junk everywhere, so the padding after each descriptor is never zero by luck. */
    memset(m->bytes, 0xEE, sizeof(m->bytes));
    m->desc_size = desc_size;
    m->count = 0;
    return m;
}

static void map_add(struct map *m, uint32_t type, uint64_t start, uint64_t bytes)
{
    assert_true(m->count < MAP_MAX);
    struct uefi_memory_descriptor d = {
        .type = type,
        .pad = 0xDEADBEEF,
        .physical_start = start,
        .virtual_start = 0xFFFF800000000000ull | start, /* ignored: must not matter */
        .number_of_pages = PAGES(bytes),
        .attribute = 0xF, /* UC|WC|WT|WB: ignored */
    };
    memcpy(m->bytes + m->count * m->desc_size, &d, sizeof(d));
    m->count++;
}

/* boot_info is big (the region array): one static copy, reset before each conversion. */
static struct boot_info info;

static int convert(const struct map *m, const struct hvlab_range *own, size_t own_count)
{
    memset(&info, 0, sizeof(info));
    info.mem_count = 7; /* stale values from an earlier call must not survive */
    info.mem_dropped = 3;
    return memmap_convert(m->bytes, m->count, m->desc_size, own, own_count, &info);
}

static void assert_region(uint32_t i, uint64_t base, uint64_t length, enum mem_kind kind)
{
    assert_true(i < info.mem_count);
    assert_int_equal(info.mem[i].base, base);
    assert_int_equal(info.mem[i].length, length);
    if (info.mem[i].kind != kind)
        fail_msg("region %u is %s, expected %s", i, mem_kind_name(info.mem[i].kind),
                 mem_kind_name(kind));
}

/* ---- type mapping and names -------------------------------------------- */

static void test_kind_of_every_uefi_type(void **state)
{
    (void)state;
    static const struct {
        uint32_t type;
        enum mem_kind kind;
    } table[] = {
        {UEFI_RESERVED, MEM_RESERVED},
        {UEFI_LOADER_CODE, MEM_USABLE},
        {UEFI_LOADER_DATA, MEM_USABLE},
        {UEFI_BOOT_SERVICES_CODE, MEM_USABLE},
        {UEFI_BOOT_SERVICES_DATA, MEM_USABLE},
        {UEFI_RUNTIME_SERVICES_CODE, MEM_FIRMWARE},
        {UEFI_RUNTIME_SERVICES_DATA, MEM_FIRMWARE},
        {UEFI_CONVENTIONAL, MEM_USABLE},
        {UEFI_UNUSABLE, MEM_UNUSABLE},
        {UEFI_ACPI_RECLAIM, MEM_ACPI_RECLAIM},
        {UEFI_ACPI_NVS, MEM_ACPI_NVS},
        {UEFI_MMIO, MEM_MMIO},
        {UEFI_MMIO_PORT_SPACE, MEM_MMIO},
        {UEFI_PAL_CODE, MEM_FIRMWARE},
        {UEFI_PERSISTENT, MEM_PERSISTENT},
        {UEFI_UNACCEPTED, MEM_RESERVED},
        {16, MEM_RESERVED},         /* newer than this code */
        {0x70000000, MEM_RESERVED}, /* OEM-defined range */
        {0x80000000, MEM_RESERVED}, /* OS-loader-defined range */
        {0xFFFFFFFF, MEM_RESERVED},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        enum mem_kind got = memmap_kind_of(table[i].type);
        if (got != table[i].kind)
            fail_msg("UEFI type %#x maps to %s, expected %s", table[i].type, mem_kind_name(got),
                     mem_kind_name(table[i].kind));
    }
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(mem_kind_name(MEM_USABLE), "usable");
    assert_string_equal(mem_kind_name(MEM_HVLAB), "hvlab");
    assert_string_equal(mem_kind_name(MEM_FIRMWARE), "firmware");
    assert_string_equal(mem_kind_name(MEM_ACPI_RECLAIM), "acpi-reclaim");
    assert_string_equal(mem_kind_name(MEM_ACPI_NVS), "acpi-nvs");
    assert_string_equal(mem_kind_name(MEM_MMIO), "mmio");
    assert_string_equal(mem_kind_name(MEM_RESERVED), "reserved");
    assert_string_equal(mem_kind_name(MEM_UNUSABLE), "unusable");
    assert_string_equal(mem_kind_name(MEM_PERSISTENT), "persistent");
    assert_string_equal(mem_kind_name(MEM_KIND_COUNT), "?");
    assert_string_equal(mem_kind_name((enum mem_kind) - 1), "?");
}

/* ---- conversion -------------------------------------------------------- */

static void test_empty_map(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    assert_int_equal(convert(m, NULL, 0), 0);
    assert_int_equal(info.mem_count, 0);
    assert_int_equal(info.mem_dropped, 0);
    free(m);
}

static void test_one_descriptor_per_kind(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    /* 1 MiB apart with gaps between, so nothing merges. */
    map_add(m, UEFI_CONVENTIONAL, 0 * MIB, 64 * KIB);
    map_add(m, UEFI_RUNTIME_SERVICES_CODE, 1 * MIB, 8 * KIB);
    map_add(m, UEFI_ACPI_RECLAIM, 2 * MIB, 4 * KIB);
    map_add(m, UEFI_ACPI_NVS, 3 * MIB, 12 * KIB);
    map_add(m, UEFI_MMIO, 4 * MIB, 4 * KIB);
    map_add(m, UEFI_RESERVED, 5 * MIB, 4 * KIB);
    map_add(m, UEFI_UNUSABLE, 6 * MIB, 4 * KIB);
    map_add(m, UEFI_PERSISTENT, 7 * MIB, 1 * MIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 8);
    assert_int_equal(info.mem_dropped, 0);
    assert_region(0, 0 * MIB, 64 * KIB, MEM_USABLE);
    assert_region(1, 1 * MIB, 8 * KIB, MEM_FIRMWARE);
    assert_region(2, 2 * MIB, 4 * KIB, MEM_ACPI_RECLAIM);
    assert_region(3, 3 * MIB, 12 * KIB, MEM_ACPI_NVS);
    assert_region(4, 4 * MIB, 4 * KIB, MEM_MMIO);
    assert_region(5, 5 * MIB, 4 * KIB, MEM_RESERVED);
    assert_region(6, 6 * MIB, 4 * KIB, MEM_UNUSABLE);
    assert_region(7, 7 * MIB, 1 * MIB, MEM_PERSISTENT);
    free(m);
}

static void test_unsorted_map_is_sorted(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    map_add(m, UEFI_ACPI_RECLAIM, 0x7F00000, 64 * KIB);
    map_add(m, UEFI_CONVENTIONAL, 0x100000, 1 * MIB);
    map_add(m, UEFI_MMIO, 0xFEC00000, 4 * KIB);
    map_add(m, UEFI_RESERVED, 0x0, 4 * KIB);
    map_add(m, UEFI_RUNTIME_SERVICES_DATA, 0x400000, 16 * KIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 5);
    assert_region(0, 0x0, 4 * KIB, MEM_RESERVED);
    assert_region(1, 0x100000, 1 * MIB, MEM_USABLE);
    assert_region(2, 0x400000, 16 * KIB, MEM_FIRMWARE);
    assert_region(3, 0x7F00000, 64 * KIB, MEM_ACPI_RECLAIM);
    assert_region(4, 0xFEC00000, 4 * KIB, MEM_MMIO);
    free(m);
}

static void test_adjacent_same_kind_merge(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    /* Loader, boot-services and free memory are all usable once boot services exit;
     * given out of order, they still meet after sorting. */
    map_add(m, UEFI_CONVENTIONAL, 2 * MIB, 1 * MIB);
    map_add(m, UEFI_LOADER_CODE, 0, 1 * MIB);
    map_add(m, UEFI_BOOT_SERVICES_DATA, 1 * MIB, 1 * MIB);
    map_add(m, UEFI_RUNTIME_SERVICES_CODE, 3 * MIB, 8 * KIB);
    map_add(m, UEFI_RUNTIME_SERVICES_DATA, 3 * MIB + 8 * KIB, 8 * KIB);
    map_add(m, UEFI_MMIO, 0xFEC00000, 4 * KIB);
    map_add(m, UEFI_MMIO_PORT_SPACE, 0xFEC01000, 4 * KIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 3);
    assert_region(0, 0, 3 * MIB, MEM_USABLE);
    assert_region(1, 3 * MIB, 16 * KIB, MEM_FIRMWARE);
    assert_region(2, 0xFEC00000, 8 * KIB, MEM_MMIO);
    free(m);
}

static void test_no_merge_across_gap_or_kind(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    map_add(m, UEFI_CONVENTIONAL, 0, 1 * MIB);
    map_add(m, UEFI_CONVENTIONAL, 1 * MIB + 4 * KIB, 1 * MIB); /* one page gap */
    map_add(m, UEFI_ACPI_NVS, 2 * MIB + 4 * KIB, 4 * KIB);     /* touches, other kind */
    map_add(m, UEFI_CONVENTIONAL, 2 * MIB + 8 * KIB, 4 * KIB); /* touches, other kind */
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 4);
    assert_region(0, 0, 1 * MIB, MEM_USABLE);
    assert_region(1, 1 * MIB + 4 * KIB, 1 * MIB, MEM_USABLE);
    assert_region(2, 2 * MIB + 4 * KIB, 4 * KIB, MEM_ACPI_NVS);
    assert_region(3, 2 * MIB + 8 * KIB, 4 * KIB, MEM_USABLE);
    free(m);
}

static void test_zero_page_descriptor_ignored(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    map_add(m, UEFI_CONVENTIONAL, 0, 1 * MIB);
    map_add(m, UEFI_ACPI_NVS, 1 * MIB, 0); /* empty: would otherwise split the run */
    map_add(m, UEFI_CONVENTIONAL, 1 * MIB, 1 * MIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 1);
    assert_region(0, 0, 2 * MIB, MEM_USABLE);
    free(m);
}

/* ---- descriptor size --------------------------------------------------- */

static void test_steps_by_firmware_desc_size(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE); /* 8 junk bytes after each descriptor */
    map_add(m, UEFI_BOOT_SERVICES_CODE, 0x1000, 0x9F000);
    map_add(m, UEFI_RESERVED, 0xA0000, 0x60000);
    map_add(m, UEFI_CONVENTIONAL, 0x100000, 0x700000);
    map_add(m, UEFI_ACPI_RECLAIM, 0x800000, 0x10000);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 4);
    assert_region(0, 0x1000, 0x9F000, MEM_USABLE);
    assert_region(1, 0xA0000, 0x60000, MEM_RESERVED);
    assert_region(2, 0x100000, 0x700000, MEM_USABLE);
    assert_region(3, 0x800000, 0x10000, MEM_ACPI_RECLAIM);
    free(m);

    /* Any larger size works the same way. */
    m = map_new(64);
    map_add(m, UEFI_ACPI_NVS, 0x2000, 0x1000);
    map_add(m, UEFI_CONVENTIONAL, 0x0, 0x2000);
    assert_int_equal(convert(m, NULL, 0), 0);
    assert_int_equal(info.mem_count, 2);
    assert_region(0, 0x0, 0x2000, MEM_USABLE);
    assert_region(1, 0x2000, 0x1000, MEM_ACPI_NVS);
    free(m);
}

static void test_desc_size_too_small_rejected(void **state)
{
    (void)state;
    struct map *m = map_new(sizeof(struct uefi_memory_descriptor));
    map_add(m, UEFI_CONVENTIONAL, 0, 1 * MIB);
    memset(&info, 0, sizeof(info));
    info.mem_count = 5;

    assert_int_equal(memmap_convert(m->bytes, 1, 39, NULL, 0, &info), -1);
    assert_int_equal(memmap_convert(m->bytes, 1, 24, NULL, 0, &info), -1);
    assert_int_equal(memmap_convert(m->bytes, 1, 0, NULL, 0, &info), -1);
    assert_int_equal(info.mem_count, 5); /* untouched */
    free(m);
}

/* ---- hvlab's own ranges ------------------------------------------------ */

static void test_hvlab_range_in_the_middle(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    map_add(m, UEFI_CONVENTIONAL, 1 * MIB, 1 * MIB);
    const struct hvlab_range own[] = {{1 * MIB + 256 * KIB, 64 * KIB}};
    assert_int_equal(convert(m, own, 1), 0);

    assert_int_equal(info.mem_count, 3);
    assert_region(0, 1 * MIB, 256 * KIB, MEM_USABLE);
    assert_region(1, 1 * MIB + 256 * KIB, 64 * KIB, MEM_HVLAB);
    assert_region(2, 1 * MIB + 320 * KIB, 704 * KIB, MEM_USABLE);
    free(m);
}

static void test_hvlab_range_at_edges(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    map_add(m, UEFI_LOADER_DATA, 1 * MIB, 1 * MIB);
    map_add(m, UEFI_ACPI_RECLAIM, 2 * MIB, 16 * KIB);
    map_add(m, UEFI_LOADER_CODE, 4 * MIB, 1 * MIB);
    map_add(m, UEFI_ACPI_RECLAIM, 5 * MIB, 16 * KIB);
    map_add(m, UEFI_LOADER_DATA, 8 * MIB, 64 * KIB);
    const struct hvlab_range own[] = {
        {1 * MIB, 128 * KIB},           /* at the start of a descriptor */
        {5 * MIB - 32 * KIB, 32 * KIB}, /* at the end of one */
        {8 * MIB, 64 * KIB},            /* exactly one whole descriptor */
    };
    assert_int_equal(convert(m, own, 3), 0);

    assert_int_equal(info.mem_count, 7);
    assert_region(0, 1 * MIB, 128 * KIB, MEM_HVLAB);
    assert_region(1, 1 * MIB + 128 * KIB, 896 * KIB, MEM_USABLE);
    assert_region(2, 2 * MIB, 16 * KIB, MEM_ACPI_RECLAIM);
    assert_region(3, 4 * MIB, 1 * MIB - 32 * KIB, MEM_USABLE);
    assert_region(4, 5 * MIB - 32 * KIB, 32 * KIB, MEM_HVLAB);
    assert_region(5, 5 * MIB, 16 * KIB, MEM_ACPI_RECLAIM);
    assert_region(6, 8 * MIB, 64 * KIB, MEM_HVLAB);
    free(m);
}

static void test_hvlab_range_spanning_two_descriptors(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    map_add(m, UEFI_LOADER_DATA, 1 * MIB, 1 * MIB);
    map_add(m, UEFI_CONVENTIONAL, 2 * MIB, 1 * MIB);
    const struct hvlab_range own[] = {{1 * MIB + 512 * KIB, 1 * MIB}};
    assert_int_equal(convert(m, own, 1), 0);

    /* One hvlab region across the descriptor boundary, not two. */
    assert_int_equal(info.mem_count, 3);
    assert_region(0, 1 * MIB, 512 * KIB, MEM_USABLE);
    assert_region(1, 1 * MIB + 512 * KIB, 1 * MIB, MEM_HVLAB);
    assert_region(2, 2 * MIB + 512 * KIB, 512 * KIB, MEM_USABLE);
    free(m);
}

static void test_hvlab_range_clipped_to_the_map(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    map_add(m, UEFI_CONVENTIONAL, 1 * MIB, 1 * MIB);
    map_add(m, UEFI_CONVENTIONAL, 4 * MIB, 1 * MIB);
    /* Runs past the first descriptor into a hole the map does not describe. */
    const struct hvlab_range own[] = {{1 * MIB + 768 * KIB, 1 * MIB}};
    assert_int_equal(convert(m, own, 1), 0);

    assert_int_equal(info.mem_count, 3);
    assert_region(0, 1 * MIB, 768 * KIB, MEM_USABLE);
    assert_region(1, 1 * MIB + 768 * KIB, 256 * KIB, MEM_HVLAB);
    assert_region(2, 4 * MIB, 1 * MIB, MEM_USABLE);
    free(m);
}

static void test_several_hvlab_ranges_in_one_descriptor(void **state)
{
    (void)state;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    map_add(m, UEFI_CONVENTIONAL, 0, 1 * MIB);
    /* Given out of order, plus an empty range that must change nothing. */
    const struct hvlab_range own[] = {
        {512 * KIB, 8 * KIB},
        {128 * KIB, 4 * KIB},
        {256 * KIB, 0},
    };
    assert_int_equal(convert(m, own, 3), 0);

    assert_int_equal(info.mem_count, 5);
    assert_region(0, 0, 128 * KIB, MEM_USABLE);
    assert_region(1, 128 * KIB, 4 * KIB, MEM_HVLAB);
    assert_region(2, 132 * KIB, 380 * KIB, MEM_USABLE);
    assert_region(3, 512 * KIB, 8 * KIB, MEM_HVLAB);
    assert_region(4, 520 * KIB, 504 * KIB, MEM_USABLE);
    free(m);
}

/* ---- too many regions -------------------------------------------------- */

static void test_region_overflow_counted(void **state)
{
    (void)state;
    const size_t n = BOOT_MEM_REGIONS_MAX + 44;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    /* Alternating kinds, page after page: nothing can merge. */
    for (size_t i = 0; i < n; i++)
        map_add(m, i % 2 ? UEFI_RESERVED : UEFI_CONVENTIONAL, i * 4 * KIB, 4 * KIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, BOOT_MEM_REGIONS_MAX);
    assert_int_equal(info.mem_dropped, 44);
    assert_region(0, 0, 4 * KIB, MEM_USABLE);
    assert_region(1, 4 * KIB, 4 * KIB, MEM_RESERVED);
    assert_region(BOOT_MEM_REGIONS_MAX - 1, (BOOT_MEM_REGIONS_MAX - 1) * 4 * KIB, 4 * KIB,
                  MEM_RESERVED);
    free(m);
}

static void test_huge_map_never_silently_cut(void **state)
{
    (void)state;
    /* More descriptors than the converter sorts (1024): the rest are counted. */
    const size_t n = 1100;
    struct map *m = map_new(FIRMWARE_DESC_SIZE);
    for (size_t i = 0; i < n; i++)
        map_add(m, UEFI_CONVENTIONAL, i * 4 * KIB, 4 * KIB);
    assert_int_equal(convert(m, NULL, 0), 0);

    assert_int_equal(info.mem_count, 1);
    assert_int_equal(info.mem_dropped, n - 1024);
    assert_region(0, 0, 1024 * 4 * KIB, MEM_USABLE);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_of_every_uefi_type),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_empty_map),
        cmocka_unit_test(test_one_descriptor_per_kind),
        cmocka_unit_test(test_unsorted_map_is_sorted),
        cmocka_unit_test(test_adjacent_same_kind_merge),
        cmocka_unit_test(test_no_merge_across_gap_or_kind),
        cmocka_unit_test(test_zero_page_descriptor_ignored),
        cmocka_unit_test(test_steps_by_firmware_desc_size),
        cmocka_unit_test(test_desc_size_too_small_rejected),
        cmocka_unit_test(test_hvlab_range_in_the_middle),
        cmocka_unit_test(test_hvlab_range_at_edges),
        cmocka_unit_test(test_hvlab_range_spanning_two_descriptors),
        cmocka_unit_test(test_hvlab_range_clipped_to_the_map),
        cmocka_unit_test(test_several_hvlab_ranges_in_one_descriptor),
        cmocka_unit_test(test_region_overflow_counted),
        cmocka_unit_test(test_huge_map_never_silently_cut),
    };
    return cmocka_run_group_tests_name("memmap: UEFI memory map to regions", tests, NULL, NULL);
}
