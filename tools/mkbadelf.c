/*
 * mkbadelf.c - write a copy of a good guest kernel with one thing broken, for the tests
 * of the guest loader's refusals (tests/unit/test_guest_loader.c and
 * tests/boot/bad_guests.test). A host program, built and run by guest/guest.mk; the
 * files it makes are build products, never committed.
 *
 *   build/tools/mkbadelf KIND IN.elf OUT.elf
 *
 * KIND says what is broken; everything else is IN.elf byte for byte, so the loader has
 * exactly one reason to refuse each file:
 *   arm     e_machine is EM_ARM: a well-formed ELF32 file, for another CPU
 *   nomb    the Multiboot header's magic is zeroed: no header in the first 8 KiB
 *   lowseg  the first PT_LOAD segment moves (p_paddr) to MULTIBOOT_INFO_GPA, the page
 *           where hvlab writes the Multiboot information
 *   huge    the last PT_LOAD segment grows by HUGE_EXTRA_BYTES of .bss (p_memsz): more
 *           than the default 64 MiB of guest RAM
 * (A 64-bit kernel needs no tool: `objcopy -O elf64-x86-64` converts a real one.)
 *
 * See: ELF32 spec, "ELF Header" and "Program Header"; Multiboot Specification 0.6.96,
 *      3.1.1 "The layout of Multiboot header".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/elf.h"
#include "hypervisor/multiboot.h"
#include "hypervisor/multiboot_info.h"

#define HUGE_EXTRA_BYTES (128u << 20) /* 128 MiB of .bss */
#define FILE_MAX         (16u << 20)  /* what hvlab reads of a guest file */

static void die(const char *what, const char *path)
{
    fprintf(stderr, "mkbadelf: %s: %s\n", path, what);
    exit(1);
}

static uint8_t *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    uint8_t *buf = malloc(FILE_MAX);
    if (!buf)
        die("out of memory", path);
    *size = fread(buf, 1, FILE_MAX, f);
    fclose(f);
    return buf;
}

/* The first PT_LOAD program header (the last one if want_last), copied into *ph;
 * returns where it lies in the image, or NULL if there is none. */
static uint8_t *load_segment(uint8_t *image, const struct elf32_ehdr *eh, int want_last,
                             struct elf32_phdr *ph)
{
    uint8_t *found = NULL;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        uint8_t *at = image + eh->e_phoff + i * sizeof(*ph);
        struct elf32_phdr p;
        memcpy(&p, at, sizeof(p));
        if (p.p_type != PT_LOAD)
            continue;
        found = at;
        *ph = p;
        if (!want_last)
            break;
    }
    return found;
}

/* Zero the magic of the first Multiboot header in the search area (3.1.1). */
static int drop_multiboot(uint8_t *image, size_t size)
{
    size_t limit = size < MULTIBOOT_SEARCH_LIMIT ? size : MULTIBOOT_SEARCH_LIMIT;
    for (size_t off = 0; off + sizeof(uint32_t) <= limit; off += MULTIBOOT_HEADER_ALIGN) {
        uint32_t magic;
        memcpy(&magic, image + off, sizeof(magic));
        if (magic == MULTIBOOT_HEADER_MAGIC) {
            memset(image + off, 0, sizeof(magic));
            return 0;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkbadelf arm|nomb|lowseg|huge IN.elf OUT.elf\n");
        return 2;
    }
    const char *kind = argv[1], *in = argv[2], *out = argv[3];
    size_t size;
    uint8_t *image = read_whole(in, &size);
    struct elf32_ehdr eh;
    if (size < sizeof(eh) || memcmp(image, ELFMAG, SELFMAG) != 0 ||
        image[EI_CLASS] != ELFCLASS32)
        die("not an ELF32 file", in);
    memcpy(&eh, image, sizeof(eh));
    if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(struct elf32_phdr) > size)
        die("program headers beyond the end of the file", in);

    struct elf32_phdr ph;
    uint8_t *where;
    if (strcmp(kind, "arm") == 0) {
        eh.e_machine = EM_ARM;
        memcpy(image, &eh, sizeof(eh));
    } else if (strcmp(kind, "nomb") == 0) {
        if (drop_multiboot(image, size) != 0)
            die("no Multiboot header to remove", in);
    } else if (strcmp(kind, "lowseg") == 0 || strcmp(kind, "huge") == 0) {
        int last = strcmp(kind, "huge") == 0;
        if (!(where = load_segment(image, &eh, last, &ph)))
            die("no PT_LOAD segment", in);
        if (last)
            ph.p_memsz += HUGE_EXTRA_BYTES;
        else
            ph.p_paddr = MULTIBOOT_INFO_GPA;
        memcpy(where, &ph, sizeof(ph));
    } else {
        die("unknown KIND (arm, nomb, lowseg or huge)", kind);
    }

    FILE *f = fopen(out, "wb");
    if (!f || fwrite(image, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", out);
    free(image);
    return 0;
}
