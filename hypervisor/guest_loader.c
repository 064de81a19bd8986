/*
 * guest_loader.c - check a Multiboot ELF kernel, then copy its segments into guest RAM.
 *
 * See: ELF32 spec, "ELF Header" and "Program Header"; "ELF-64 Object File Format",
 *      "ELF Header" (to name the 64-bit class when rejecting it);
 *      Multiboot Specification 0.6.96, 3.1.1 "The layout of Multiboot header" and
 *      3.1.2 "The magic fields of Multiboot header".
 *
 * Order of work: identification bytes, ELF header, Multiboot header, every program
 * header (in guest RAM, clear of the pages hvlab keeps for itself), entry point; only
 * when all of them pass are segments written to guest RAM. Each refusal says what was
 * found and what hvlab wants, so a student can fix the kernel from the message alone.
 * Every check does its arithmetic in 64 bits, so a hostile 32-bit field cannot wrap.
 * Ranges in messages are printed start-end with the end exclusive.
 */
#include "hypervisor/guest_loader.h"

#include <stdarg.h>
#include <stdbool.h>

#include "boot/boot_options.h"
#include "hypervisor/elf.h"
#include "hypervisor/fmt.h"
#include "hypervisor/multiboot.h"
#include "hypervisor/multiboot_info.h"
#include "hypervisor/string.h"

/* Headers are copied out of the file byte for byte: that reads ELFDATA2LSB fields right
 * only on a little-endian host, which x86 is. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "loader assumes a little-endian host");

/* The highest address a 32-bit kernel running with paging off can reach. */
#define ADDRESS_32BIT_MAX 0xFFFFFFFFull

/*
 * Requirement bits (Multiboot flags 0-15) hvlab meets:
 *   PAGE_ALIGN  - multiboot_info_build puts every boot module (modules=) on a 4 KiB
 *                 page boundary, asked or not;
 *   MEMORY_INFO - multiboot_info_build always passes mem_* and a memory map;
 *   VIDEO_MODE  - hvlab has no display; it passes no video information and says so by
 *                 leaving MULTIBOOT_INFO_VBE and MULTIBOOT_INFO_FRAMEBUFFER clear.
 * Any other bit in 0-15 is a requirement we do not know, so the kernel is refused.
 * Bits 16-31 are optional; ADDRESS_FIELDS (16) is ignored because ELF program headers
 * already say where everything goes.
 */
#define HONOURED_REQUIRED_FLAGS                                                                \
    (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO | MULTIBOOT_HEADER_VIDEO_MODE)

#define WHAT_HVLAB_LOADS "hvlab loads 32-bit x86 kernels (ELFCLASS32, EM_386)"
#define MIB_SHIFT        20

/* e_machine values a refusal names. */
static const struct {
    uint16_t machine;
    const char *name;
} machine_names[] = {
    {EM_MIPS, "EM_MIPS"},
    {EM_PPC, "EM_PPC"},
    {EM_ARM, "EM_ARM, 32-bit Arm"},
    {EM_X86_64, "EM_X86_64, 64-bit x86"},
    {EM_AARCH64, "EM_AARCH64, 64-bit Arm"},
    {EM_RISCV, "EM_RISCV"},
};

/*
 * Guest-physical ranges hvlab keeps for itself in every guest (multiboot_info.h): a
 * segment in the first would be overwritten by the boot information, one in the second
 * would sit where the memory map hvlab passes tells the kernel there is no RAM to use.
 */
static const struct {
    uint32_t start, end;
    const char *what;
} reserved_ranges[] = {
    {MULTIBOOT_INFO_GPA, MULTIBOOT_INFO_RESERVED_END,
     "where hvlab writes the Multiboot information"},
    {GUEST_LOWER_MEMORY_END, GUEST_UPPER_MEMORY_START,
     "the PC BIOS area (EBDA, VGA, ROM) the memory map marks reserved"},
};

/* What every step needs: the image, guest RAM, where to put an error. */
struct loader {
    const struct guest_memory *m;
    const uint8_t *image;
    size_t size;
    struct elf32_ehdr eh;
    char *why;
    size_t why_len;
};

/* Write the reason into why and return -1. */
__attribute__((format(printf, 2, 3))) static int fail(struct loader *l, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fmt_vsnprintf(l->why, l->why_len, format, args);
    va_end(args);
    return -1;
}

/* "ELF Identification": magic, class, byte order, version. */
static int check_ident(struct loader *l)
{
    const uint8_t *id = l->image;
    if (l->size == 0)
        return fail(l, "empty file (0 bytes): not an ELF kernel");
    if (l->size < EI_NIDENT)
        return fail(l, "file too small for ELF identification: 0x%lx bytes, need 0x%x",
                    (unsigned long)l->size, EI_NIDENT);
    if (memcmp(id, ELFMAG, SELFMAG) != 0)
        return fail(l, "not an ELF file: magic is %02x %02x %02x %02x, expected 7f 45 4c 46",
                    id[EI_MAG0], id[EI_MAG1], id[EI_MAG2], id[EI_MAG3]);
    if (id[EI_CLASS] == ELFCLASS64)
        return fail(l, "ELF class %u (ELFCLASS64, a 64-bit file): " WHAT_HVLAB_LOADS,
                    ELFCLASS64);
    if (id[EI_CLASS] != ELFCLASS32)
        return fail(
            l, "ELF class 0x%x is neither ELFCLASS32 (%u) nor ELFCLASS64: " WHAT_HVLAB_LOADS,
            id[EI_CLASS], ELFCLASS32);
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(l, "ELF data encoding 0x%x is not little-endian (%u): x86 kernels are",
                    id[EI_DATA], ELFDATA2LSB);
    if (id[EI_VERSION] != EV_CURRENT)
        return fail(l, "ELF identification version 0x%x, expected %u", id[EI_VERSION],
                    EV_CURRENT);
    return 0;
}

/* The name of an e_machine value, for a refusal. */
static const char *machine_name(uint16_t machine)
{
    for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
        if (machine_names[i].machine == machine)
            return machine_names[i].name;
    return "a machine hvlab does not know";
}

/* "ELF Header": an i386 executable whose program header table lies inside the file. */
static int check_header(struct loader *l)
{
    const struct elf32_ehdr *eh = &l->eh;
    if (l->size < sizeof(*eh))
        return fail(l, "file too small for an ELF32 header: 0x%lx bytes, need 0x%lx",
                    (unsigned long)l->size, (unsigned long)sizeof(*eh));
    memcpy(&l->eh, l->image, sizeof(l->eh));
    if (eh->e_version != EV_CURRENT)
        return fail(l, "ELF version 0x%x, expected %u", eh->e_version, EV_CURRENT);
    if (eh->e_type != ET_EXEC)
        return fail(l, "ELF type 0x%x is not an executable (ET_EXEC, %u)", eh->e_type, ET_EXEC);
    if (eh->e_machine != EM_386)
        return fail(l, "ELF machine 0x%x (%s): " WHAT_HVLAB_LOADS, eh->e_machine,
                    machine_name(eh->e_machine));
    if (eh->e_ehsize != sizeof(struct elf32_ehdr))
        return fail(l, "ELF header size 0x%x, expected 0x%lx", eh->e_ehsize,
                    (unsigned long)sizeof(struct elf32_ehdr));
    if (eh->e_phentsize != sizeof(struct elf32_phdr))
        return fail(l, "program header size 0x%x, expected 0x%lx", eh->e_phentsize,
                    (unsigned long)sizeof(struct elf32_phdr));
    if (eh->e_phnum == 0)
        return fail(l, "no program headers (e_phnum is 0): nothing to load");
    uint64_t table_end = (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
    if (table_end > l->size)
        return fail(l,
                    "program header table at 0x%x-0x%lx lies beyond the end of a "
                    "0x%lx-byte file",
                    eh->e_phoff, (unsigned long)table_end, (unsigned long)l->size);
    return 0;
}

/*
 * 3.1.1: the first 4-byte aligned spot in the first 8 KiB holding the magic with a
 * matching checksum. A magic with a bad checksum is skipped (it may be data that just
 * looks like one), but reported if no good header follows.
 */
static int find_multiboot_header(struct loader *l, struct multiboot_header *found)
{
    size_t limit = l->size < MULTIBOOT_SEARCH_LIMIT ? l->size : MULTIBOOT_SEARCH_LIMIT;
    bool bad_checksum = false;
    struct multiboot_header first_bad = {0};
    size_t first_bad_offset = 0;

    for (size_t off = 0; off + sizeof(*found) <= limit; off += MULTIBOOT_HEADER_ALIGN) {
        struct multiboot_header h;
        memcpy(&h, l->image + off, sizeof(h));
        if (h.magic != MULTIBOOT_HEADER_MAGIC)
            continue;
        if ((uint32_t)(h.magic + h.flags + h.checksum) == 0) {
            *found = h;
            return 0;
        }
        if (!bad_checksum) {
            bad_checksum = true;
            first_bad = h;
            first_bad_offset = off;
        }
    }
    if (bad_checksum)
        return fail(l,
                    "Multiboot header checksum is wrong: at file offset 0x%lx, magic 0x%x "
                    "+ flags 0x%x + checksum 0x%x = 0x%x, must be 0",
                    (unsigned long)first_bad_offset, first_bad.magic, first_bad.flags,
                    first_bad.checksum,
                    (uint32_t)(first_bad.magic + first_bad.flags + first_bad.checksum));
    return fail(l, "no Multiboot header in the first %u KiB (magic 0x%x, 4-byte aligned)",
                MULTIBOOT_SEARCH_LIMIT / MULTIBOOT_KIB, MULTIBOOT_HEADER_MAGIC);
}

/* 3.1.2: refuse a kernel that sets a requirement bit (0-15) hvlab cannot meet. */
static int check_multiboot_flags(struct loader *l, uint32_t flags)
{
    uint32_t unmet = flags & MULTIBOOT_HEADER_REQUIRED_MASK & ~HONOURED_REQUIRED_FLAGS;
    if (unmet == 0)
        return 0;
    unsigned bit = 0;
    while (!(unmet & (1u << bit)))
        bit++;
    return fail(l,
                "Multiboot header flags 0x%x require bit %u, which hvlab cannot honour "
                "(bits 0-15 are requirements)",
                flags, bit);
}

/* Program header i, copied out of the table check_header bounded. */
static struct elf32_phdr phdr_at(const struct loader *l, unsigned i)
{
    struct elf32_phdr ph;
    memcpy(&ph, l->image + l->eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
    return ph;
}

/* A PT_LOAD segment that has bytes in memory (empty ones are skipped entirely). */
static bool loadable(const struct elf32_phdr *ph)
{
    return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

/* Segment i reaches past the end of guest RAM: say how much RAM the kernel needs. */
static int beyond_ram(struct loader *l, unsigned i, const struct elf32_phdr *ph,
                      uint64_t mem_end)
{
    uint64_t ram = l->m->ram_size;
    uint64_t need_mib = (mem_end + (1ull << MIB_SHIFT) - 1) >> MIB_SHIFT;
    char need[64];
    if (need_mib << MIB_SHIFT <= GUEST_MEM_MAX)
        fmt_snprintf(need, sizeof(need), "it needs mem=%luM or more", (unsigned long)need_mib);
    else
        fmt_snprintf(need, sizeof(need), "it needs %lu MiB, more than mem= allows (%lu MiB)",
                     (unsigned long)need_mib, (unsigned long)(GUEST_MEM_MAX >> MIB_SHIFT));
    if (ph->p_paddr >= ram)
        return fail(l,
                    "segment %u at 0x%x-0x%lx lies beyond the end of guest RAM (0x0-0x%lx, "
                    "%lu MiB): %s",
                    i, ph->p_paddr, (unsigned long)mem_end, (unsigned long)ram,
                    (unsigned long)(ram >> MIB_SHIFT), need);
    return fail(l,
                "kernel larger than guest RAM: segment %u at 0x%x-0x%lx ends past guest RAM "
                "(0x0-0x%lx, %lu MiB): %s",
                i, ph->p_paddr, (unsigned long)mem_end, (unsigned long)ram,
                (unsigned long)(ram >> MIB_SHIFT), need);
}

/* "Program Header": segment i's bytes are in the file, its memory is in guest RAM and
 * clear of the ranges hvlab reserves. */
static int check_segment(struct loader *l, unsigned i, const struct elf32_phdr *ph)
{
    uint64_t file_end = (uint64_t)ph->p_offset + ph->p_filesz;
    uint64_t mem_end = (uint64_t)ph->p_paddr + ph->p_memsz;

    if (ph->p_filesz != 0 && file_end > l->size)
        return fail(l, "truncated file: segment %u needs bytes 0x%x-0x%lx of a 0x%lx-byte file",
                    i, ph->p_offset, (unsigned long)file_end, (unsigned long)l->size);
    if (ph->p_memsz < ph->p_filesz)
        return fail(l, "segment %u: memory size 0x%x is smaller than its file size 0x%x", i,
                    ph->p_memsz, ph->p_filesz);
    if (ph->p_memsz == 0)
        return 0; /* occupies nothing: not loaded */
    if (mem_end > ADDRESS_32BIT_MAX)
        return fail(l, "segment %u: address 0x%x + memory size 0x%x overflows 32 bits", i,
                    ph->p_paddr, ph->p_memsz);
    if (mem_end > l->m->ram_size)
        return beyond_ram(l, i, ph, mem_end);
    if (!guest_memory_contains(l->m, ph->p_paddr, ph->p_memsz))
        return fail(l, "segment %u at 0x%x-0x%lx lies outside guest RAM (0x0-0x%lx)", i,
                    ph->p_paddr, (unsigned long)mem_end, (unsigned long)l->m->ram_size);
    for (size_t r = 0; r < sizeof(reserved_ranges) / sizeof(reserved_ranges[0]); r++)
        if (ph->p_paddr < reserved_ranges[r].end && reserved_ranges[r].start < mem_end)
            return fail(l, "segment %u at 0x%x-0x%lx overlaps 0x%x-0x%x, %s", i, ph->p_paddr,
                        (unsigned long)mem_end, reserved_ranges[r].start,
                        reserved_ranges[r].end, reserved_ranges[r].what);
    return 0;
}

/*
 * e_entry is a virtual address: find the executable segment whose [p_vaddr, p_vaddr +
 * p_memsz) holds it and move it by that segment's p_paddr - p_vaddr (the same for a
 * kernel linked where it runs, as hvlab's guests are).
 */
static int find_entry(struct loader *l, uint32_t *entry)
{
    uint32_t e = l->eh.e_entry;
    for (unsigned i = 0; i < l->eh.e_phnum; i++) {
        struct elf32_phdr ph = phdr_at(l, i);
        if (!loadable(&ph) || e < ph.p_vaddr || e - ph.p_vaddr >= ph.p_memsz)
            continue;
        if (!(ph.p_flags & PF_X))
            return fail(l,
                        "entry point 0x%x lies in segment %u, which is not executable "
                        "(p_flags 0x%x lacks PF_X)",
                        e, i, ph.p_flags);
        *entry = ph.p_paddr + (e - ph.p_vaddr);
        return 0;
    }
    return fail(l, "entry point 0x%x is not inside any loaded executable segment", e);
}

/* Copy p_filesz bytes of every loadable segment to p_paddr and zero the rest. */
static int copy_segments(struct loader *l)
{
    for (unsigned i = 0; i < l->eh.e_phnum; i++) {
        struct elf32_phdr ph = phdr_at(l, i);
        if (!loadable(&ph))
            continue;
        bool has_file_bytes = ph.p_filesz != 0;
        if ((has_file_bytes &&
             guest_memory_write(l->m, ph.p_paddr, l->image + ph.p_offset, ph.p_filesz) != 0) ||
            guest_memory_fill(l->m, (uint64_t)ph.p_paddr + ph.p_filesz, 0,
                              ph.p_memsz - ph.p_filesz) != 0)
            return fail(l, "segment %u: copy to guest RAM at 0x%x failed", i, ph.p_paddr);
    }
    return 0;
}

int guest_load_elf(const struct guest_memory *m, const uint8_t *image, size_t size,
                   struct guest_image *out, char *why, size_t why_len)
{
    struct loader l = {.m = m, .image = image, .size = size, .why = why, .why_len = why_len};
    struct multiboot_header mb = {0};
    struct guest_image img = {.load_start = (uint32_t)ADDRESS_32BIT_MAX};

    if (check_ident(&l) != 0 || check_header(&l) != 0)
        return -1;
    if (find_multiboot_header(&l, &mb) != 0 || check_multiboot_flags(&l, mb.flags) != 0)
        return -1;
    img.multiboot_flags = mb.flags;

    for (unsigned i = 0; i < l.eh.e_phnum; i++) {
        struct elf32_phdr ph = phdr_at(&l, i);
        if (ph.p_type != PT_LOAD)
            continue;
        if (check_segment(&l, i, &ph) != 0)
            return -1;
        if (!loadable(&ph))
            continue;
        img.segments++;
        if (ph.p_paddr < img.load_start)
            img.load_start = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > img.load_end)
            img.load_end = ph.p_paddr + ph.p_memsz; /* no wrap: check_segment */
    }
    if (img.segments == 0)
        return fail(&l, "no PT_LOAD segment with memory to load");
    if (find_entry(&l, &img.entry) != 0 || copy_segments(&l) != 0)
        return -1;
    *out = img;
    return 0;
}
