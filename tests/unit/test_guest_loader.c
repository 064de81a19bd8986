/*
 * test_guest_loader.c - Host unit tests for hypervisor/guest_loader.c (a Multiboot ELF32
 * kernel into guest RAM) and hypervisor/multiboot_info.c (the boot information the
 * kernel finds through EBX).
 * See: ELF32 spec, "ELF Header" and "Program Header"; Multiboot Specification 0.6.96,
 *      3.1.1 "The layout of Multiboot header", 3.3 "Boot information format".
 *
 * Most tests build a small kernel image in memory, break one thing and check the loader
 * names it. The image, like the real guests (guest/linker.ld), has its code at file
 * offset 0x1000 with the Multiboot header first:
 *
 *   file 0x0     ELF header, 2 program headers
 *        0x1000  text: Multiboot header, code     -> 0x100000, R-X, 0x100 bytes
 *        0x2000  data: 0x20 bytes                 -> 0x101000, RW-, memsz 0x1000 (bss)
 *        0x2020  end
 *
 * Guest RAM is 4 MiB of aligned_alloc'd memory, pre-filled with 0xAA so that what the
 * loader wrote (and did not write) shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/host_pages.h"
#include "hypervisor/elf.h"
#include "hypervisor/guest_loader.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/multiboot.h"
#include "hypervisor/multiboot_info.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)

#define RAM_SIZE (4 * MIB)
#define RAM_JUNK 0xAA /* what guest RAM holds before the loader runs */
#define WHY_LEN  256

/* ---- helpers: guest RAM over aligned_alloc ------------------------------- */

struct fixture {
    struct host_pages src;
    struct guest_memory mem;
    char why[WHY_LEN];
};

static struct fixture *fixture_new(uint64_t ram_size)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    char why[WHY_LEN];
    assert_int_equal(
        guest_memory_create(&f->mem, ram_size, host_pages_alloc, &f->src, why, sizeof(why)), 0);
    assert_int_equal(guest_memory_fill(&f->mem, 0, RAM_JUNK, ram_size), 0);
    return f;
}

static void fixture_free(struct fixture *f)
{
    host_pages_free_all(&f->src);
    free(f);
}

static int setup(void **state)
{
    *state = fixture_new(RAM_SIZE);
    return 0;
}

static int teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

static uint8_t ram_byte(const struct fixture *f, uint64_t gpa)
{
    uint8_t b;
    assert_int_equal(guest_memory_read(&f->mem, gpa, &b, 1), 0);
    return b;
}

/* Every byte of [gpa, gpa+len) equals value. */
static void assert_ram_filled(const struct fixture *f, uint64_t gpa, uint8_t value,
                              uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        assert_int_equal(ram_byte(f, gpa + i), value);
}

/* ---- helpers: a synthesized Multiboot ELF32 kernel ----------------------- */

#define TEXT_OFFSET  0x1000u
#define TEXT_PADDR   0x100000u
#define TEXT_SIZE    0x100u
#define DATA_OFFSET  0x2000u
#define DATA_PADDR   0x101000u
#define DATA_FILESZ  0x20u
#define DATA_MEMSZ   0x1000u
#define ENTRY_OFFSET 0xCu /* first instruction: right after the Multiboot header */
#define ENTRY        (TEXT_PADDR + ENTRY_OFFSET)
#define GOOD_FLAGS   (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO)
enum { PH_TEXT, PH_DATA, PH_COUNT };

/* The file, laid out as in the picture at the top. */
struct fake_elf {
    union {
        struct {
            struct elf32_ehdr eh;
            struct elf32_phdr ph[PH_COUNT];
        } hdr;
        uint8_t head[TEXT_OFFSET];
    };
    uint8_t text[DATA_OFFSET - TEXT_OFFSET];
    uint8_t data[DATA_FILESZ];
};
_Static_assert(offsetof(struct fake_elf, text) == TEXT_OFFSET, "text offset");
_Static_assert(offsetof(struct fake_elf, data) == DATA_OFFSET, "data offset");

static uint8_t text_pattern(size_t i) { return (uint8_t)(0x30 + i * 7); }
static uint8_t data_pattern(size_t i) { return (uint8_t)(0xC0 ^ i); }

/* Write a Multiboot header with `flags` (and a correct checksum) at file offset off. */
static void put_multiboot(struct fake_elf *e, size_t off, uint32_t flags)
{
    struct multiboot_header h = {MULTIBOOT_HEADER_MAGIC, flags,
                                 -(MULTIBOOT_HEADER_MAGIC + flags)};
    memcpy((uint8_t *)e + off, &h, sizeof(h));
}

/* Remove the header at the start of text. */
static void drop_multiboot(struct fake_elf *e)
{
    memset(e->text, 0, sizeof(struct multiboot_header));
}

/* A valid kernel: text (R-X) holding the Multiboot header and entry, data + bss (RW-). */
static void fake_elf_init(struct fake_elf *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->hdr.eh.e_ident, ELFMAG, SELFMAG);
    e->hdr.eh.e_ident[EI_CLASS] = ELFCLASS32;
    e->hdr.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->hdr.eh.e_ident[EI_VERSION] = EV_CURRENT;
    e->hdr.eh.e_type = ET_EXEC;
    e->hdr.eh.e_machine = EM_386;
    e->hdr.eh.e_version = EV_CURRENT;
    e->hdr.eh.e_entry = ENTRY;
    e->hdr.eh.e_phoff = offsetof(struct fake_elf, hdr.ph);
    e->hdr.eh.e_ehsize = sizeof(struct elf32_ehdr);
    e->hdr.eh.e_phentsize = sizeof(struct elf32_phdr);
    e->hdr.eh.e_phnum = PH_COUNT;
    e->hdr.ph[PH_TEXT] = (struct elf32_phdr){PT_LOAD,   TEXT_OFFSET, TEXT_PADDR,  TEXT_PADDR,
                                             TEXT_SIZE, TEXT_SIZE,   PF_R | PF_X, 0x1000};
    e->hdr.ph[PH_DATA] = (struct elf32_phdr){PT_LOAD,     DATA_OFFSET, DATA_PADDR,  DATA_PADDR,
                                             DATA_FILESZ, DATA_MEMSZ,  PF_R | PF_W, 0x1000};
    for (size_t i = 0; i < TEXT_SIZE; i++)
        e->text[i] = text_pattern(i);
    for (size_t i = 0; i < DATA_FILESZ; i++)
        e->data[i] = data_pattern(i);
    put_multiboot(e, TEXT_OFFSET, GOOD_FLAGS);
}

static int load(struct fixture *f, const struct fake_elf *e, size_t size,
                struct guest_image *out)
{
    f->why[0] = '\0';
    return guest_load_elf(&f->mem, (const uint8_t *)e, size, out, f->why, sizeof(f->why));
}

/* The image must be refused with a reason containing `expected`, RAM left as it was. */
static void assert_rejected(struct fixture *f, const struct fake_elf *e, size_t size,
                            const char *expected)
{
    struct guest_image out = {0};
    int rc = load(f, e, size, &out);
    if (rc == 0 || !strstr(f->why, expected))
        fail_msg("rc %d, why \"%s\", expected \"%s\"", rc, f->why, expected);
    assert_ram_filled(f, TEXT_PADDR, RAM_JUNK, DATA_PADDR + DATA_MEMSZ - TEXT_PADDR);
}

/* ---- loading a good image ------------------------------------------------- */

static void test_good_image_loads(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.entry, ENTRY);
    assert_int_equal(out.load_start, TEXT_PADDR);
    assert_int_equal(out.load_end, DATA_PADDR + DATA_MEMSZ);
    assert_int_equal(out.multiboot_flags, GOOD_FLAGS);
    assert_int_equal(out.segments, PH_COUNT);
}

static void test_segment_bytes_land_at_paddr(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);

    uint8_t text[TEXT_SIZE], data[DATA_FILESZ];
    assert_int_equal(guest_memory_read(&f->mem, TEXT_PADDR, text, sizeof(text)), 0);
    assert_memory_equal(text, e.text, sizeof(text));
    assert_int_equal(guest_memory_read(&f->mem, DATA_PADDR, data, sizeof(data)), 0);
    assert_memory_equal(data, e.data, sizeof(data));
}

static void test_bss_zeroed_and_nothing_else_touched(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);

    assert_ram_filled(f, DATA_PADDR + DATA_FILESZ, 0, DATA_MEMSZ - DATA_FILESZ);
    /* Between the segments, just below and just above: still junk. */
    assert_ram_filled(f, TEXT_PADDR + TEXT_SIZE, RAM_JUNK, DATA_PADDR - TEXT_PADDR - TEXT_SIZE);
    assert_int_equal(ram_byte(f, TEXT_PADDR - 1), RAM_JUNK);
    assert_int_equal(ram_byte(f, DATA_PADDR + DATA_MEMSZ), RAM_JUNK);
}

/* A higher-half kernel: linked at 0xC0100000, loaded at 1 MiB; the entry moves with it. */
static void test_entry_moves_from_vaddr_to_paddr(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    const uint32_t high = 0xC0000000u;
    e.hdr.ph[PH_TEXT].p_vaddr += high;
    e.hdr.ph[PH_DATA].p_vaddr += high;
    e.hdr.eh.e_entry = ENTRY + high;
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.entry, ENTRY);
    assert_int_equal(ram_byte(f, TEXT_PADDR + TEXT_SIZE - 1), text_pattern(TEXT_SIZE - 1));
}

/* Guest RAM is 2 MiB chunks anywhere in host memory: a segment may straddle two. */
static void test_segment_across_a_chunk_boundary(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    const uint32_t paddr = GUEST_LARGE_PAGE_SIZE - TEXT_SIZE / 2;
    e.hdr.ph[PH_TEXT].p_paddr = e.hdr.ph[PH_TEXT].p_vaddr = paddr;
    e.hdr.eh.e_entry = paddr + ENTRY_OFFSET;
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.load_start, DATA_PADDR); /* now the lower segment */
    assert_int_equal(out.load_end, paddr + TEXT_SIZE);
    uint8_t text[TEXT_SIZE];
    assert_int_equal(guest_memory_read(&f->mem, paddr, text, sizeof(text)), 0);
    assert_memory_equal(text, e.text, sizeof(text));
}

/* Program headers that are not PT_LOAD (PT_NOTE, PT_GNU_STACK, ...) are not loaded. */
static void test_other_program_headers_ignored(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_type = 0x6474e551;   /* PT_GNU_STACK */
    e.hdr.ph[PH_DATA].p_offset = 0xFFFFFFF0; /* nonsense, never looked at */
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.segments, 1);
    assert_int_equal(out.load_end, TEXT_PADDR + TEXT_SIZE);
    assert_int_equal(ram_byte(f, DATA_PADDR), RAM_JUNK);
}

/* ---- ELF identification and header ---------------------------------------- */

static void test_too_small(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    assert_rejected(*state, &e, EI_NIDENT - 1, "file too small for ELF identification");
    assert_rejected(*state, &e, sizeof(struct elf32_ehdr) - 1, "too small for an ELF32 header");
}

static void test_bad_magic(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_ident[EI_MAG1] = 'e';
    assert_rejected(*state, &e, sizeof(e), "not an ELF file: magic is 7f 65 4c 46");
}

static void test_elf64_named(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_ident[EI_CLASS] = ELFCLASS64;
    assert_rejected(f, &e, sizeof(e), "ELF class 2 (ELFCLASS64");
    assert_string_equal(f->why, "ELF class 2 (ELFCLASS64, a 64-bit file): hvlab loads 32-bit "
                                "x86 kernels (ELFCLASS32, EM_386)");
    e.hdr.eh.e_ident[EI_CLASS] = 0; /* ELFCLASSNONE */
    assert_rejected(f, &e, sizeof(e), "ELF class 0x0 is neither ELFCLASS32 (1) nor ELFCLASS64");
}

static void test_big_endian(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    assert_rejected(*state, &e, sizeof(e), "ELF data encoding 0x2 is not little-endian");
}

static void test_bad_version(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_version = 0;
    assert_rejected(*state, &e, sizeof(e), "ELF version 0x0");
}

static void test_x86_64_machine(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_machine = EM_X86_64;
    assert_rejected(*state, &e, sizeof(e),
                    "ELF machine 0x3e (EM_X86_64, 64-bit x86): hvlab loads 32-bit x86 "
                    "kernels (ELFCLASS32, EM_386)");
}

static void test_other_machine(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_machine = EM_ARM;
    assert_rejected(*state, &e, sizeof(e),
                    "ELF machine 0x28 (EM_ARM, 32-bit Arm): hvlab loads");
    e.hdr.eh.e_machine = EM_AARCH64;
    assert_rejected(*state, &e, sizeof(e), "ELF machine 0xb7 (EM_AARCH64, 64-bit Arm)");
    e.hdr.eh.e_machine = EM_RISCV;
    assert_rejected(*state, &e, sizeof(e), "ELF machine 0xf3 (EM_RISCV)");
    e.hdr.eh.e_machine = 0x1234;
    assert_rejected(*state, &e, sizeof(e),
                    "ELF machine 0x1234 (a machine hvlab does not know): hvlab loads");
}

static void test_not_executable_type(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_type = 3; /* ET_DYN: a shared object or PIE */
    assert_rejected(*state, &e, sizeof(e), "ELF type 0x3 is not an executable");
}

static void test_bad_header_sizes(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_ehsize = 64; /* an ELF64 header size */
    assert_rejected(*state, &e, sizeof(e), "ELF header size 0x40, expected 0x34");
    fake_elf_init(&e);
    e.hdr.eh.e_phentsize = 56;
    assert_rejected(*state, &e, sizeof(e), "program header size 0x38, expected 0x20");
}

static void test_no_program_headers(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_phnum = 0;
    assert_rejected(*state, &e, sizeof(e), "no program headers");
}

static void test_phdr_table_beyond_end(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_phoff = sizeof(e) - sizeof(struct elf32_phdr);
    assert_rejected(*state, &e, sizeof(e),
                    "program header table at 0x2000-0x2040 lies beyond the end of a "
                    "0x2020-byte file");
    fake_elf_init(&e);
    e.hdr.eh.e_phoff = 0xFFFFFFF0; /* would wrap in 32 bits */
    assert_rejected(*state, &e, sizeof(e), "program header table at 0xfffffff0");
}

/* ---- program headers ------------------------------------------------------ */

static void test_truncated_segment(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    assert_rejected(
        *state, &e, sizeof(e) - 8,
        "truncated file: segment 1 needs bytes 0x2000-0x2020 of a 0x2018-byte file");
}

static void test_segment_offset_wraps(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_offset = 0xFFFFFFF0;
    assert_rejected(*state, &e, sizeof(e),
                    "truncated file: segment 1 needs bytes 0xfffffff0-0x100000010");
}

static void test_memsz_below_filesz(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_memsz = 0x10;
    assert_rejected(*state, &e, sizeof(e),
                    "segment 1: memory size 0x10 is smaller than its file size 0x20");
}

static void test_segment_outside_ram(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = RAM_SIZE - DATA_MEMSZ / 2;
    assert_rejected(*state, &e, sizeof(e),
                    "kernel larger than guest RAM: segment 1 at 0x3ff800-0x400800 ends past "
                    "guest RAM (0x0-0x400000, 4 MiB): it needs mem=5M or more");
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = 0x8000000; /* 128 MiB */
    assert_rejected(*state, &e, sizeof(e),
                    "segment 1 at 0x8000000-0x8001000 lies beyond the end of guest RAM "
                    "(0x0-0x400000, 4 MiB): it needs mem=129M or more");
}

static void test_segment_address_overflow(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = 0xFFFFF800u;
    assert_rejected(*state, &e, sizeof(e),
                    "segment 1: address 0xfffff800 + memory size 0x1000 overflows 32 bits");
}

/* A .bss so large the kernel cannot fit in guest RAM, even the most mem= gives. */
static void test_kernel_larger_than_ram(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_memsz = 0x10000000; /* 256 MiB of .bss */
    assert_rejected(*state, &e, sizeof(e),
                    "kernel larger than guest RAM: segment 1 at 0x101000-0x10101000 ends past "
                    "guest RAM (0x0-0x400000, 4 MiB): it needs mem=258M or more");
    e.hdr.ph[PH_DATA].p_memsz = 0x40000000; /* 1 GiB: more than mem= allows */
    assert_rejected(*state, &e, sizeof(e),
                    "it needs 1026 MiB, more than mem= allows (1024 MiB)");
    /* The last byte of RAM is still RAM. */
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = RAM_SIZE - DATA_MEMSZ;
    struct guest_image out;
    assert_int_equal(load(*state, &e, sizeof(e), &out), 0);
}

/* hvlab's own ranges in guest RAM: the page of the Multiboot information and the PC BIOS
 * area the memory map marks reserved. A segment may touch them but not overlap them. */
static void test_segment_in_reserved_ranges(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    struct guest_image out;
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = MULTIBOOT_INFO_GPA;
    assert_rejected(f, &e, sizeof(e),
                    "segment 1 at 0x1000-0x2000 overlaps 0x1000-0x2000, where hvlab writes the "
                    "Multiboot information");
    e.hdr.ph[PH_DATA].p_paddr = MULTIBOOT_INFO_RESERVED_END - 1;
    assert_rejected(f, &e, sizeof(e), "segment 1 at 0x1fff-0x2fff overlaps 0x1000-0x2000");
    e.hdr.ph[PH_DATA].p_paddr = MULTIBOOT_INFO_GPA - DATA_MEMSZ + 1;
    assert_rejected(f, &e, sizeof(e), "segment 1 at 0x1-0x1001 overlaps 0x1000-0x2000");
    e.hdr.ph[PH_DATA].p_paddr = GUEST_LOWER_MEMORY_END - 0x10;
    assert_rejected(f, &e, sizeof(e),
                    "segment 1 at 0x9fbf0-0xa0bf0 overlaps 0x9fc00-0x100000, the PC BIOS area "
                    "(EBDA, VGA, ROM) the memory map marks reserved");
    e.hdr.ph[PH_DATA].p_paddr = GUEST_UPPER_MEMORY_START - 1;
    assert_rejected(f, &e, sizeof(e),
                    "segment 1 at 0xfffff-0x100fff overlaps 0x9fc00-0x100000");
    /* The segment before the first problem is named by its own index. */
    fake_elf_init(&e);
    e.hdr.ph[PH_TEXT].p_paddr = 0xA0000; /* VGA memory */
    assert_rejected(f, &e, sizeof(e), "segment 0 at 0xa0000-0xa0100 overlaps 0x9fc00-0x100000");

    /* Touching on either side is fine: RAM between them is the kernel's. */
    fake_elf_init(&e);
    e.hdr.ph[PH_DATA].p_paddr = MULTIBOOT_INFO_RESERVED_END;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    e.hdr.ph[PH_DATA].p_paddr = GUEST_LOWER_MEMORY_END - DATA_MEMSZ;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    e.hdr.ph[PH_DATA].p_paddr = MULTIBOOT_INFO_GPA - DATA_MEMSZ;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
}

static void test_empty_file(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    assert_rejected(*state, &e, 0, "empty file (0 bytes): not an ELF kernel");
}

/* ---- Multiboot header ----------------------------------------------------- */

static void test_no_multiboot_header(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    drop_multiboot(&e);
    assert_rejected(*state, &e, sizeof(e), "no Multiboot header in the first 8 KiB");
}

/* 3.1.1: the header must lie whole in the first 8192 bytes. */
static void test_multiboot_header_beyond_8k(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    drop_multiboot(&e);
    put_multiboot(&e, MULTIBOOT_SEARCH_LIMIT, GOOD_FLAGS); /* first bytes of data */
    assert_rejected(*state, &e, sizeof(e), "no Multiboot header in the first 8 KiB");
}

static void test_multiboot_header_straddling_8k(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    drop_multiboot(&e);
    put_multiboot(&e, MULTIBOOT_SEARCH_LIMIT - MULTIBOOT_HEADER_ALIGN, GOOD_FLAGS);
    assert_rejected(*state, &e, sizeof(e), "no Multiboot header");
}

static void test_multiboot_header_last_place_in_8k(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    drop_multiboot(&e);
    put_multiboot(&e, MULTIBOOT_SEARCH_LIMIT - sizeof(struct multiboot_header),
                  MULTIBOOT_HEADER_MEMORY_INFO);
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.multiboot_flags, MULTIBOOT_HEADER_MEMORY_INFO);
}

static void test_multiboot_header_unaligned(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    drop_multiboot(&e);
    put_multiboot(&e, TEXT_OFFSET + 2, GOOD_FLAGS);
    assert_rejected(*state, &e, sizeof(e), "no Multiboot header");
}

static void test_multiboot_bad_checksum(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.text[offsetof(struct multiboot_header, checksum)] ^= 1;
    assert_rejected(*state, &e, sizeof(e),
                    "Multiboot header checksum is wrong: at file offset 0x1000");
}

/* A magic with a bad checksum may be data; a good header after it is the one used. */
static void test_multiboot_bad_checksum_then_good_header(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    put_multiboot(&e, 0x800, 0);
    e.head[0x800 + offsetof(struct multiboot_header, checksum)] ^= 1;
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.multiboot_flags, GOOD_FLAGS);
}

static void test_multiboot_unknown_required_flag(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    put_multiboot(&e, TEXT_OFFSET, GOOD_FLAGS | (1u << 3));
    assert_rejected(*state, &e, sizeof(e),
                    "Multiboot header flags 0xb require bit 3, which hvlab cannot honour");
    put_multiboot(&e, TEXT_OFFSET, 1u << 15);
    assert_rejected(*state, &e, sizeof(e), "require bit 15");
}

/* Bit 2 (video mode) is ignored; bits 16-31 are optional. */
static void test_multiboot_flags_hvlab_accepts(void **state)
{
    struct fixture *f = *state;
    const uint32_t flags =
        GOOD_FLAGS | MULTIBOOT_HEADER_VIDEO_MODE | MULTIBOOT_HEADER_ADDRESS_FIELDS | (1u << 31);
    struct fake_elf e;
    fake_elf_init(&e);
    put_multiboot(&e, TEXT_OFFSET, flags);
    struct guest_image out;
    assert_int_equal(load(f, &e, sizeof(e), &out), 0);
    assert_int_equal(out.multiboot_flags, flags);
}

/* ---- entry point ----------------------------------------------------------- */

static void test_entry_outside_segments(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_entry = 2 * MIB;
    assert_rejected(*state, &e, sizeof(e),
                    "entry point 0x200000 is not inside any loaded executable segment");
}

static void test_entry_in_data_segment(void **state)
{
    struct fake_elf e;
    fake_elf_init(&e);
    e.hdr.eh.e_entry = DATA_PADDR;
    assert_rejected(*state, &e, sizeof(e),
                    "entry point 0x101000 lies in segment 1, which is not executable");
}

/* ---- the real guests (built by `make guests`) ------------------------------ */

/* Read a whole file into a malloc'd buffer; NULL if it is not there. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    uint8_t *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *size = (size_t)n;
    return buf;
}

/* Load build/guest/<name>.elf and compare every PT_LOAD segment with the file. */
static void check_real_guest(struct fixture *f, const char *path)
{
    size_t size;
    uint8_t *file = read_file(path, &size);
    if (!file)
        skip(); /* not built: run `make guests` */

    struct guest_image out;
    int rc = guest_load_elf(&f->mem, file, size, &out, f->why, sizeof(f->why));
    if (rc != 0)
        fail_msg("%s: %s", path, f->why);

    struct elf32_ehdr eh;
    memcpy(&eh, file, sizeof(eh));
    assert_int_equal(out.entry, eh.e_entry); /* linked where it runs */
    assert_int_equal(out.load_start, TEXT_PADDR);
    assert_int_equal(out.multiboot_flags,
                     MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO);
    unsigned loads = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf32_phdr ph;
        memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        loads++;
        uint8_t *in_ram = malloc(ph.p_memsz);
        assert_non_null(in_ram);
        assert_int_equal(guest_memory_read(&f->mem, ph.p_paddr, in_ram, ph.p_memsz), 0);
        assert_memory_equal(in_ram, file + ph.p_offset, ph.p_filesz);
        for (uint32_t b = ph.p_filesz; b < ph.p_memsz; b++)
            assert_int_equal(in_ram[b], 0);
        free(in_ram);
    }
    assert_int_equal(out.segments, loads);
    free(file);
}

static void test_real_hello_elf(void **state)
{
    check_real_guest(*state, "build/guest/hello.elf");
}

static void test_real_hostile_elf(void **state)
{
    check_real_guest(*state, "build/guest/hostile.elf");
}

/* ---- broken copies of hello (guest/guest.mk, tools/mkbadelf.c) ----------- */

/* build/guest/bad/NAME.elf, loaded into the 64 MiB of guest RAM a guest gets by default,
 * must be refused with nothing written; its reason goes to `why`. Returns the file (the
 * caller frees it) so that expected addresses come from its own program headers, not from
 * today's size of hello. */
static uint8_t *refuse_bad_guest(const char *name, char *why, size_t why_size)
{
    char path[64];
    snprintf(path, sizeof(path), "build/guest/bad/%s.elf", name);
    size_t size;
    uint8_t *file = read_file(path, &size);
    if (!file)
        skip(); /* not built: run `make bad-guests` */
    struct fixture *f = fixture_new(64 * MIB);
    struct guest_image out;
    int rc = guest_load_elf(&f->mem, file, size, &out, why, why_size);
    assert_int_equal(rc, -1);
    assert_ram_filled(f, GUEST_UPPER_MEMORY_START, RAM_JUNK, 0x10000); /* nothing written */
    fixture_free(f);
    return file;
}

/* The why of a refused file must be `expected` exactly. */
static void assert_why(const char *name, const char *why, const char *expected)
{
    if (strcmp(why, expected) != 0)
        fail_msg("build/guest/bad/%s.elf: why \"%s\", expected \"%s\"", name, why, expected);
}

static struct elf32_phdr program_header(const uint8_t *file, unsigned i)
{
    struct elf32_ehdr eh;
    struct elf32_phdr ph;
    memcpy(&eh, file, sizeof(eh));
    memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
    return ph;
}

static void check_bad_guest(const char *name, const char *expected)
{
    char why[256];
    free(refuse_bad_guest(name, why, sizeof(why)));
    assert_why(name, why, expected);
}

static void test_bad_guest_files(void **state)
{
    (void)state;
    check_bad_guest("class64", "ELF class 2 (ELFCLASS64, a 64-bit file): hvlab loads 32-bit "
                               "x86 kernels (ELFCLASS32, EM_386)");
    check_bad_guest("arm", "ELF machine 0x28 (EM_ARM, 32-bit Arm): hvlab loads 32-bit x86 "
                           "kernels (ELFCLASS32, EM_386)");
    check_bad_guest("nomb", "no Multiboot header in the first 8 KiB (magic 0x1badb002, 4-byte "
                            "aligned)");
}

/* lowseg's first segment was moved onto the Multiboot information page. */
static void test_bad_guest_low_segment(void **state)
{
    (void)state;
    char why[256], expected[256];
    uint8_t *file = refuse_bad_guest("lowseg", why, sizeof(why));
    struct elf32_phdr ph = program_header(file, 0);
    snprintf(expected, sizeof(expected),
             "segment 0 at 0x%x-0x%x overlaps 0x1000-0x2000, where hvlab writes the "
             "Multiboot information",
             ph.p_paddr, ph.p_paddr + ph.p_memsz);
    assert_why("lowseg", why, expected);
    free(file);
}

/* huge's last segment grew past 64 MiB: the message names it and the smallest mem= in
 * MiB that holds it. */
static void test_bad_guest_huge(void **state)
{
    (void)state;
    char why[256], expected[256];
    uint8_t *file = refuse_bad_guest("huge", why, sizeof(why));
    struct elf32_phdr ph = program_header(file, 2);
    uint32_t end = ph.p_paddr + ph.p_memsz;
    snprintf(expected, sizeof(expected),
             "kernel larger than guest RAM: segment 2 at 0x%x-0x%x ends past guest RAM "
             "(0x0-0x4000000, 64 MiB): it needs mem=",
             ph.p_paddr, end);
    if (strncmp(why, expected, strlen(expected)) != 0)
        fail_msg("huge: why \"%s\", expected it to start \"%s\"", why, expected);
    unsigned mib = 0;
    char rest[16] = "";
    assert_int_equal(sscanf(why + strlen(expected), "%uM%15[ a-z]", &mib, rest), 2);
    assert_string_equal(rest, " or more");
    assert_true((uint64_t)mib * MIB >= end && (uint64_t)(mib - 1) * MIB < end);
    free(file);
}

/* ---- Multiboot boot information ------------------------------------------- */

#define INFO_GPA     0x1000u
#define MMAP_ENTRIES 3
#define INFO_FIXED                                                                             \
    (sizeof(struct multiboot_info) + MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry))
#define KERNEL_START TEXT_PADDR
#define KERNEL_END   (TEXT_PADDR + 0x10000u)
#define CMDLINE      "test=console-write verbose"
#define LOADER_NAME  "hvlab"

static int build(struct fixture *f, uint32_t gpa, uint32_t start, uint32_t end,
                 const char *cmdline, const char *name, struct multiboot_boot *out)
{
    f->why[0] = '\0';
    return multiboot_info_build(&f->mem, gpa, start, end, cmdline, name, 0, 0, out, f->why,
                                sizeof(f->why));
}

static struct multiboot_info read_info(const struct fixture *f, uint32_t gpa)
{
    struct multiboot_info info;
    assert_int_equal(guest_memory_read(&f->mem, gpa, &info, sizeof(info)), 0);
    return info;
}

static void test_info_fields(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA, KERNEL_START, KERNEL_END, CMDLINE, LOADER_NAME, &boot),
                     0);
    assert_int_equal(boot.eax, 0x2BADB002);
    assert_int_equal(boot.ebx, INFO_GPA);
    assert_int_equal(boot.info_end,
                     INFO_GPA + INFO_FIXED + sizeof(CMDLINE) + sizeof(LOADER_NAME));

    struct multiboot_info info = read_info(f, INFO_GPA);
    assert_int_equal(info.flags, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
                                     MULTIBOOT_INFO_MMAP | MULTIBOOT_INFO_BOOT_LOADER_NAME);
    assert_int_equal(info.mem_lower, 639);
    assert_int_equal(info.mem_upper, (RAM_SIZE - MIB) / KIB);
    assert_int_equal(info.mmap_addr, INFO_GPA + sizeof(struct multiboot_info));
    assert_int_equal(info.mmap_length, MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry));
    assert_int_equal(info.cmdline, INFO_GPA + INFO_FIXED);
    assert_int_equal(info.boot_loader_name, INFO_GPA + INFO_FIXED + sizeof(CMDLINE));
    /* Fields whose flag is clear are zero, not junk. */
    assert_int_equal(info.boot_device, 0);
    assert_int_equal(info.mods_count, 0);
    assert_int_equal(info.framebuffer_addr, 0);
    /* Nothing written past the block. */
    assert_int_equal(ram_byte(f, boot.info_end), RAM_JUNK);
    assert_int_equal(ram_byte(f, INFO_GPA - 1), RAM_JUNK);
}

static void test_info_mmap_entries(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA, KERNEL_START, KERNEL_END, CMDLINE, LOADER_NAME, &boot),
                     0);
    struct multiboot_info info = read_info(f, INFO_GPA);
    const struct {
        uint64_t base, length;
        uint32_t type;
    } expected[MMAP_ENTRIES] = {
        {0, 0x9FC00, MULTIBOOT_MEMORY_AVAILABLE},
        {0x9FC00, 0x100000 - 0x9FC00, MULTIBOOT_MEMORY_RESERVED},
        {0x100000, RAM_SIZE - 0x100000, MULTIBOOT_MEMORY_AVAILABLE},
    };
    /* Walk the map as a kernel does: each entry is size + 4 bytes after the last. */
    uint64_t gpa = info.mmap_addr;
    for (unsigned i = 0; i < MMAP_ENTRIES; i++) {
        struct multiboot_mmap_entry m;
        assert_int_equal(guest_memory_read(&f->mem, gpa, &m, sizeof(m)), 0);
        assert_int_equal(m.size, 20);
        assert_int_equal(m.base_addr, expected[i].base);
        assert_int_equal(m.length, expected[i].length);
        assert_int_equal(m.type, expected[i].type);
        gpa += m.size + sizeof(m.size);
    }
    assert_int_equal(gpa, info.mmap_addr + info.mmap_length);
}

static void test_info_strings(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA, KERNEL_START, KERNEL_END, CMDLINE, LOADER_NAME, &boot),
                     0);
    struct multiboot_info info = read_info(f, INFO_GPA);
    char cmdline[sizeof(CMDLINE)], name[sizeof(LOADER_NAME)];
    assert_int_equal(guest_memory_read(&f->mem, info.cmdline, cmdline, sizeof(cmdline)), 0);
    assert_int_equal(guest_memory_read(&f->mem, info.boot_loader_name, name, sizeof(name)), 0);
    assert_memory_equal(cmdline, CMDLINE, sizeof(CMDLINE)); /* with its NUL */
    assert_memory_equal(name, LOADER_NAME, sizeof(LOADER_NAME));
}

/* NULL strings: their fields and flags stay clear. */
static void test_info_without_strings(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA, KERNEL_START, KERNEL_END, NULL, NULL, &boot), 0);
    assert_int_equal(boot.info_end, INFO_GPA + INFO_FIXED);
    struct multiboot_info info = read_info(f, INFO_GPA);
    assert_int_equal(info.flags, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MMAP);
    assert_int_equal(info.cmdline, 0);
    assert_int_equal(info.boot_loader_name, 0);
}

static void test_info_too_big_for_lower_memory(void **state)
{
    struct fixture *f = *state;
    size_t len = GUEST_LOWER_MEMORY_END; /* a command line as long as lower memory */
    char *huge = malloc(len + 1);
    assert_non_null(huge);
    memset(huge, 'x', len);
    huge[len] = '\0';
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA, KERNEL_START, KERNEL_END, huge, LOADER_NAME, &boot),
                     -1);
    assert_non_null(strstr(f->why, "does not fit below 0x9fc00"));
    assert_ram_filled(f, INFO_GPA, RAM_JUNK, INFO_FIXED); /* nothing written */
    free(huge);

    /* A block that ends exactly at the limit fits. */
    uint32_t gpa = GUEST_LOWER_MEMORY_END - INFO_FIXED;
    assert_int_equal(build(f, gpa, KERNEL_START, KERNEL_END, NULL, NULL, &boot), 0);
    assert_int_equal(boot.info_end, GUEST_LOWER_MEMORY_END);
    assert_int_equal(build(f, gpa + 4, KERNEL_START, KERNEL_END, NULL, NULL, &boot), -1);
}

static void test_info_overlaps_kernel(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    uint32_t end = INFO_GPA + INFO_FIXED;
    /* A kernel loaded low, starting one byte before the block ends. */
    assert_int_equal(build(f, INFO_GPA, end - 1, 0x8000, NULL, NULL, &boot), -1);
    assert_non_null(strstr(f->why, "overlaps the kernel at"));
    /* ... and one that ends inside it. */
    assert_int_equal(build(f, INFO_GPA, 0x800, INFO_GPA + 1, NULL, NULL, &boot), -1);
    assert_non_null(strstr(f->why, "Multiboot information at 0x1000-0x10bc overlaps"));
    /* Touching is fine on either side. */
    assert_int_equal(build(f, INFO_GPA, end, 0x8000, NULL, NULL, &boot), 0);
    assert_int_equal(build(f, INFO_GPA, 0x800, INFO_GPA, NULL, NULL, &boot), 0);
}

static void test_info_unaligned(void **state)
{
    struct fixture *f = *state;
    struct multiboot_boot boot;
    assert_int_equal(build(f, INFO_GPA + 2, KERNEL_START, KERNEL_END, NULL, NULL, &boot), -1);
    assert_non_null(strstr(f->why, "0x1002 is not 4-byte aligned"));
}

static void test_info_needs_upper_memory(void **state)
{
    (void)state;
    struct fixture *small = fixture_new(MIB);
    struct multiboot_boot boot;
    assert_int_equal(build(small, INFO_GPA, KERNEL_START, KERNEL_END, NULL, NULL, &boot), -1);
    assert_non_null(strstr(small->why, "does not reach past 1 MiB"));
    fixture_free(small);
}

/* ---- Multiboot modules ------------------------------------------------------ */

#define PAGE    0x1000u
#define MODS_AT (INFO_GPA + INFO_FIXED) /* the module structures follow the map */

static int build_mods(struct fixture *f, uint32_t end, const struct multiboot_module_file *mods,
                      unsigned count, struct multiboot_boot *out)
{
    f->why[0] = '\0';
    return multiboot_info_build(&f->mem, INFO_GPA, KERNEL_START, end, CMDLINE, LOADER_NAME,
                                mods, count, out, f->why, sizeof(f->why));
}

static struct multiboot_module read_mod(const struct fixture *f, uint32_t mods_addr, unsigned i)
{
    struct multiboot_module m;
    assert_int_equal(guest_memory_read(&f->mem, mods_addr + i * sizeof(m), &m, sizeof(m)), 0);
    return m;
}

static void assert_guest_string(const struct fixture *f, uint32_t gpa, const char *s)
{
    char back[64];
    assert_true(strlen(s) < sizeof(back));
    assert_int_equal(guest_memory_read(&f->mem, gpa, back, strlen(s) + 1), 0);
    assert_string_equal(back, s);
}

/* Three modules (one empty): in order, each page aligned after the kernel, the bytes and
 * strings where the structures say, and nothing overlapping the kernel or the block. */
static void test_modules_placed_after_kernel(void **state)
{
    struct fixture *f = *state;
    static uint8_t big[5000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7 + 1);
    const struct multiboot_module_file mods[] = {
        {"env.txt", (const uint8_t *)"hello modules", 13},
        {"big.bin", big, sizeof(big)},
        {"empty", NULL, 0},
    };
    struct multiboot_boot boot;
    assert_int_equal(build_mods(f, KERNEL_END, mods, 3, &boot), 0);
    struct multiboot_info info = read_info(f, INFO_GPA);
    assert_int_equal(info.flags, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
                                     MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MMAP |
                                     MULTIBOOT_INFO_BOOT_LOADER_NAME);
    assert_int_equal(info.mods_count, 3);
    assert_int_equal(info.mods_addr, MODS_AT);
    /* The strings come after the structures; the block grew by both. */
    assert_int_equal(info.cmdline, INFO_GPA + INFO_FIXED + 3 * 16);
    assert_int_equal(boot.info_end, INFO_GPA + INFO_FIXED + 3 * 16 + sizeof(CMDLINE) +
                                        sizeof(LOADER_NAME) + sizeof("env.txt") +
                                        sizeof("big.bin") + sizeof("empty"));
    assert_guest_string(f, info.cmdline, CMDLINE);
    assert_guest_string(f, info.boot_loader_name, LOADER_NAME);

    const uint32_t want_start[] = {KERNEL_END, KERNEL_END + PAGE, KERNEL_END + 3 * PAGE};
    for (unsigned i = 0; i < 3; i++) {
        struct multiboot_module m = read_mod(f, info.mods_addr, i);
        assert_int_equal(m.mod_start, want_start[i]);
        assert_int_equal(m.mod_start % PAGE, 0);
        assert_int_equal(m.mod_end - m.mod_start, mods[i].size);
        assert_int_equal(m.reserved, 0);
        assert_guest_string(f, m.string, mods[i].string);
        assert_true(m.string >= info.boot_loader_name && m.string < boot.info_end);
        assert_true(m.mod_start >= KERNEL_END); /* never on the kernel */
        uint8_t back[sizeof(big)];
        assert_int_equal(guest_memory_read(&f->mem, m.mod_start, back, mods[i].size), 0);
        assert_memory_equal(back, mods[i].data ? mods[i].data : back, mods[i].size);
    }
    assert_int_equal(boot.modules_start, KERNEL_END);
    assert_int_equal(boot.modules_end, KERNEL_END + 3 * PAGE);
    /* The tail of a module's last page is not written. */
    assert_int_equal(ram_byte(f, KERNEL_END + 13), RAM_JUNK);
    assert_int_equal(ram_byte(f, KERNEL_END + PAGE + sizeof(big)), RAM_JUNK);
    assert_int_equal(ram_byte(f, boot.info_end), RAM_JUNK);
}

/* Module 0 goes on the first page boundary at or after the kernel's end, and never below
 * 1 MiB (a kernel loaded low leaves lower memory to the boot information). */
static void test_modules_start(void **state)
{
    struct fixture *f = *state;
    const struct multiboot_module_file one[] = {{"m", (const uint8_t *)"x", 1}};
    struct multiboot_boot boot;
    assert_int_equal(build_mods(f, KERNEL_END + 1, one, 1, &boot), 0);
    assert_int_equal(boot.modules_start, KERNEL_END + PAGE);
    assert_int_equal(boot.modules_end, KERNEL_END + PAGE + 1);
    assert_int_equal(build_mods(f, KERNEL_END - 1, one, 1, &boot), 0);
    assert_int_equal(boot.modules_start, KERNEL_END);
    f->why[0] = '\0';
    assert_int_equal(multiboot_info_build(&f->mem, INFO_GPA, 0x4000, 0x8000, NULL, NULL, one, 1,
                                          &boot, f->why, sizeof(f->why)),
                     0);
    assert_int_equal(boot.modules_start, MIB);
    /* No modules: flag clear, fields zero, nothing placed. */
    assert_int_equal(build_mods(f, KERNEL_END, NULL, 0, &boot), 0);
    struct multiboot_info info = read_info(f, INFO_GPA);
    assert_int_equal(info.flags & MULTIBOOT_INFO_MODS, 0);
    assert_int_equal(info.mods_count, 0);
    assert_int_equal(info.mods_addr, 0);
    assert_int_equal(boot.modules_start, 0);
    assert_int_equal(boot.modules_end, 0);
}

/* A module that would end past guest RAM is refused, named, and nothing is written; one
 * that ends exactly at the end of RAM fits. */
static void test_modules_do_not_fit(void **state)
{
    struct fixture *f = *state;
    static uint8_t data[RAM_SIZE];
    memset(data, 0x11, sizeof(data));
    uint64_t room = RAM_SIZE - KERNEL_END - PAGE; /* after one page for module 0 */
    struct multiboot_module_file mods[] = {{"first", data, 1}, {"second", data, room + 1}};
    struct multiboot_boot boot;
    assert_int_equal(build_mods(f, KERNEL_END, mods, 2, &boot), -1);
    char want[WHY_LEN];
    snprintf(want, sizeof(want),
             "module 1 \"second\" (%lu bytes) does not fit in guest RAM: it would take "
             "0x%x-0x%lx, RAM ends at 0x%lx (modules go after the kernel, from 0x%x, each "
             "page aligned)",
             (unsigned long)(room + 1), KERNEL_END + PAGE, (unsigned long)(RAM_SIZE + 1),
             (unsigned long)RAM_SIZE, KERNEL_END);
    assert_string_equal(f->why, want);
    assert_ram_filled(f, INFO_GPA, RAM_JUNK, INFO_FIXED);
    assert_ram_filled(f, KERNEL_END, RAM_JUNK, 2 * PAGE);

    mods[1].size = room;
    assert_int_equal(build_mods(f, KERNEL_END, mods, 2, &boot), 0);
    assert_int_equal(boot.modules_end, RAM_SIZE);
    /* An empty module at the very end of RAM fits too. */
    const struct multiboot_module_file at_end[] = {{"fill", data, RAM_SIZE - KERNEL_END},
                                                   {"none", NULL, 0}};
    assert_int_equal(build_mods(f, KERNEL_END, at_end, 2, &boot), 0);
    assert_int_equal(boot.modules_end, RAM_SIZE);
}

/* At most 16 modules; 16 with the longest names, and the longest command line, still fit
 * the page hvlab keeps for the boot information. */
static void test_modules_limits(void **state)
{
    struct fixture *f = *state;
    struct multiboot_module_file mods[MULTIBOOT_MODULES_MAX + 1];
    static const char name[] = "0123456789012345678901234567890"; /* 31 characters */
    for (unsigned i = 0; i <= MULTIBOOT_MODULES_MAX; i++)
        mods[i] = (struct multiboot_module_file){name, (const uint8_t *)name, sizeof(name)};
    struct multiboot_boot boot;
    assert_int_equal(build_mods(f, KERNEL_END, mods, MULTIBOOT_MODULES_MAX + 1, &boot), -1);
    assert_string_equal(f->why, "17 modules: hvlab passes at most 16");
    assert_ram_filled(f, INFO_GPA, RAM_JUNK, INFO_FIXED);

    char cmdline[256];
    memset(cmdline, 'c', sizeof(cmdline) - 1);
    cmdline[sizeof(cmdline) - 1] = '\0';
    f->why[0] = '\0';
    assert_int_equal(multiboot_info_build(&f->mem, INFO_GPA, KERNEL_START, KERNEL_END, cmdline,
                                          LOADER_NAME, mods, MULTIBOOT_MODULES_MAX, &boot,
                                          f->why, sizeof(f->why)),
                     0);
    assert_true(boot.info_end <= MULTIBOOT_INFO_RESERVED_END);
    struct multiboot_info info = read_info(f, INFO_GPA);
    struct multiboot_module last = read_mod(f, info.mods_addr, MULTIBOOT_MODULES_MAX - 1);
    assert_int_equal(last.mod_start, KERNEL_END + (MULTIBOOT_MODULES_MAX - 1) * PAGE);
    assert_guest_string(f, last.string, name);

    /* A module with bytes but no data, or no string, is refused. */
    const struct multiboot_module_file bad[] = {{"x", NULL, 1}};
    assert_int_equal(build_mods(f, KERNEL_END, bad, 1, &boot), -1);
    assert_string_equal(f->why, "module 0 has no string or no data");
}

/* The two together, as the hypervisor will use them. */
static void test_load_then_build_info(void **state)
{
    struct fixture *f = *state;
    struct fake_elf e;
    fake_elf_init(&e);
    struct guest_image img;
    struct multiboot_boot boot;
    assert_int_equal(load(f, &e, sizeof(e), &img), 0);
    assert_int_equal(
        build(f, INFO_GPA, img.load_start, img.load_end, CMDLINE, LOADER_NAME, &boot), 0);
    assert_true(boot.info_end <= img.load_start);
    /* The kernel is intact: its Multiboot header is still at the start of text. */
    struct multiboot_header h;
    assert_int_equal(guest_memory_read(&f->mem, TEXT_PADDR, &h, sizeof(h)), 0);
    assert_int_equal(h.magic, MULTIBOOT_HEADER_MAGIC);
    assert_int_equal(h.flags, GOOD_FLAGS);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good_image_loads),
        T(test_segment_bytes_land_at_paddr),
        T(test_bss_zeroed_and_nothing_else_touched),
        T(test_entry_moves_from_vaddr_to_paddr),
        T(test_segment_across_a_chunk_boundary),
        T(test_other_program_headers_ignored),
        T(test_too_small),
        T(test_bad_magic),
        T(test_elf64_named),
        T(test_big_endian),
        T(test_bad_version),
        T(test_x86_64_machine),
        T(test_other_machine),
        T(test_not_executable_type),
        T(test_bad_header_sizes),
        T(test_no_program_headers),
        T(test_phdr_table_beyond_end),
        T(test_truncated_segment),
        T(test_segment_offset_wraps),
        T(test_memsz_below_filesz),
        T(test_segment_outside_ram),
        T(test_segment_address_overflow),
        T(test_kernel_larger_than_ram),
        T(test_segment_in_reserved_ranges),
        T(test_empty_file),
        T(test_no_multiboot_header),
        T(test_multiboot_header_beyond_8k),
        T(test_multiboot_header_straddling_8k),
        T(test_multiboot_header_last_place_in_8k),
        T(test_multiboot_header_unaligned),
        T(test_multiboot_bad_checksum),
        T(test_multiboot_bad_checksum_then_good_header),
        T(test_multiboot_unknown_required_flag),
        T(test_multiboot_flags_hvlab_accepts),
        T(test_entry_outside_segments),
        T(test_entry_in_data_segment),
        T(test_real_hello_elf),
        T(test_real_hostile_elf),
        T(test_bad_guest_files),
        T(test_bad_guest_low_segment),
        T(test_bad_guest_huge),
        T(test_info_fields),
        T(test_info_mmap_entries),
        T(test_info_strings),
        T(test_info_without_strings),
        T(test_info_too_big_for_lower_memory),
        T(test_info_overlaps_kernel),
        T(test_info_unaligned),
        T(test_info_needs_upper_memory),
        T(test_load_then_build_info),
        T(test_modules_placed_after_kernel),
        T(test_modules_start),
        T(test_modules_do_not_fit),
        T(test_modules_limits),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
