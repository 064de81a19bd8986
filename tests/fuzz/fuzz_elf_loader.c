/*
 * fuzz_elf_loader.c - libFuzzer harness for the guest kernel loader
 * (hypervisor/guest_loader.c) and the Multiboot information written after it, as
 * hypervisor/vm.c runs them. The input is the kernel file, as a user puts it on the boot
 * volume (\guests\NAME.elf).
 *
 * Invariants checked for every input:
 *   rejected: a reason is given and guest RAM is untouched, every byte;
 *   loaded:   at least one segment, load_start < load_end <= RAM size, the entry point
 *             inside [load_start, load_end), no Multiboot requirement bit hvlab cannot
 *             honour; RAM outside [load_start, load_end) untouched; and inside it exactly
 *             what this file's own reading of the program headers predicts (file bytes,
 *             zeroes up to p_memsz, later segments over earlier ones, junk elsewhere);
 *   then:     the Multiboot information either fits below the kernel-free lower memory
 *             and does not overlap the kernel, or is refused with nothing written.
 * Writing outside guest RAM's host buffers is caught by AddressSanitizer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/elf.h"
#include "hypervisor/guest_loader.h"
#include "hypervisor/multiboot.h"
#include "hypervisor/multiboot_info.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_ram.h"

/* Just past the largest real guest (conform ends at 0x118000), so segments can fall off
 * the end of RAM without the scans getting slow. */
#define RAM_SIZE           0x120000ull
#define MULTIBOOT_INFO_GPA 0x1000u /* as hypervisor/vm.c */
#define LOADER_NAME        "hvlab"
#define GUEST_CMDLINE      "test=fuzz"
#define WHY_LEN            256

/* Multiboot requirement bits (0-15) guest_loader.c honours; any other one is refused. */
#define HONOURED                                                                               \
    (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO | MULTIBOOT_HEADER_VIDEO_MODE)

static struct guest_memory *ram;
static uint8_t expected[RAM_SIZE]; /* the model of guest RAM after a successful load */
static uint8_t actual[RAM_SIZE];   /* what the load range holds */

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Our own reading of the program headers (ELF32 "Program Header"): PT_LOAD segments with
 * memory, applied in table order. Only called after the loader accepted the file, but it
 * checks its own bounds so a loader that accepted a bad file fails here, not by a crash. */
static void predict(const uint8_t *file, size_t size, const struct guest_image *img)
{
    memset(expected + img->load_start, FUZZ_RAM_JUNK, img->load_end - img->load_start);
    FUZZ_CHECK(size >= sizeof(struct elf32_ehdr), "accepted a 0x%zx-byte file", size);
    uint32_t phoff = le32(file + offsetof(struct elf32_ehdr, e_phoff));
    uint16_t phnum = le16(file + offsetof(struct elf32_ehdr, e_phnum));
    unsigned loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t at = phoff + (uint64_t)i * sizeof(struct elf32_phdr);
        FUZZ_CHECK(at + sizeof(struct elf32_phdr) <= size, "phdr %u beyond the file", i);
        struct elf32_phdr ph;
        memcpy(&ph, file + at, sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        loaded++;
        uint64_t end = (uint64_t)ph.p_paddr + ph.p_memsz;
        FUZZ_CHECK(ph.p_filesz <= ph.p_memsz, "segment %u filesz > memsz", i);
        FUZZ_CHECK(end <= RAM_SIZE, "segment %u at 0x%x-0x%llx is outside RAM", i, ph.p_paddr,
                   (unsigned long long)end);
        FUZZ_CHECK(ph.p_paddr >= img->load_start && end <= img->load_end,
                   "segment %u outside the reported load range", i);
        /* A segment with no file bytes (all .bss) may name any offset. */
        FUZZ_CHECK(ph.p_filesz == 0 || (uint64_t)ph.p_offset + ph.p_filesz <= size,
                   "segment %u beyond the file", i);
        if (ph.p_filesz)
            memcpy(expected + ph.p_paddr, file + ph.p_offset, ph.p_filesz);
        memset(expected + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    FUZZ_CHECK(loaded == img->segments, "loader says %u segments, headers say %u",
               img->segments, loaded);
}

static void check_loaded(const uint8_t *file, size_t size, const struct guest_image *img)
{
    FUZZ_CHECK(img->segments >= 1, "loaded no segment");
    FUZZ_CHECK(img->load_start < img->load_end && img->load_end <= RAM_SIZE,
               "load range 0x%x-0x%x, RAM 0x%llx", img->load_start, img->load_end, RAM_SIZE);
    FUZZ_CHECK(img->entry >= img->load_start && img->entry < img->load_end,
               "entry 0x%x outside 0x%x-0x%x", img->entry, img->load_start, img->load_end);
    FUZZ_CHECK((img->multiboot_flags & MULTIBOOT_HEADER_REQUIRED_MASK & ~HONOURED) == 0,
               "accepted Multiboot flags 0x%x", img->multiboot_flags);
    uint64_t changed = fuzz_ram_first_changed(ram, img->load_start, img->load_end);
    FUZZ_CHECK(changed == UINT64_MAX, "wrote 0x%llx, outside the load range 0x%x-0x%x",
               (unsigned long long)changed, img->load_start, img->load_end);
    predict(file, size, img);
    uint64_t len = img->load_end - img->load_start;
    FUZZ_CHECK(guest_memory_read(ram, img->load_start, actual, len) == 0, "read back");
    if (memcmp(actual, expected + img->load_start, len) == 0)
        return;
    for (uint64_t i = 0; i < len; i++)
        FUZZ_CHECK(actual[i] == expected[img->load_start + i],
                   "RAM 0x%llx holds 0x%02x, expected 0x%02x",
                   (unsigned long long)(img->load_start + i), actual[i],
                   expected[img->load_start + i]);
}

/* hvlab's next step after a load; it must not clobber the kernel. */
static void check_multiboot_info(const struct guest_image *img)
{
    struct multiboot_boot mb;
    char why[WHY_LEN] = "";
    if (multiboot_info_build(ram, MULTIBOOT_INFO_GPA, img->load_start, img->load_end,
                             GUEST_CMDLINE, LOADER_NAME, 0, 0, &mb, why, sizeof(why)) != 0) {
        FUZZ_CHECK(why[0] != '\0', "refused without a reason");
        uint64_t changed = fuzz_ram_first_changed(ram, img->load_start, img->load_end);
        FUZZ_CHECK(changed == UINT64_MAX, "refused, but wrote 0x%llx",
                   (unsigned long long)changed);
        return;
    }
    FUZZ_CHECK(mb.ebx == MULTIBOOT_INFO_GPA && mb.info_end > mb.ebx &&
                   mb.info_end <= GUEST_LOWER_MEMORY_END,
               "block 0x%x-0x%x", mb.ebx, mb.info_end);
    FUZZ_CHECK(mb.info_end <= img->load_start || mb.ebx >= img->load_end,
               "block 0x%x-0x%x overlaps the kernel 0x%x-0x%x", mb.ebx, mb.info_end,
               img->load_start, img->load_end);
    fuzz_ram_reset(ram, mb.ebx, mb.info_end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ram)
        ram = fuzz_ram_new(RAM_SIZE);
    struct guest_image img;
    char why[WHY_LEN] = "";
    memset(&img, 0xA5, sizeof(img));

    if (guest_load_elf(ram, data, size, &img, why, sizeof(why)) != 0) {
        FUZZ_CHECK(why[0] != '\0', "rejected without a reason");
        FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL, "reason not terminated");
        uint64_t changed = fuzz_ram_first_changed(ram, 0, 0);
        FUZZ_CHECK(changed == UINT64_MAX, "rejected (%s), but wrote 0x%llx", why,
                   (unsigned long long)changed);
        return 0;
    }
    check_loaded(data, size, &img);
    check_multiboot_info(&img);
    fuzz_ram_reset(ram, img.load_start, img.load_end);
    return 0;
}
