/*
 * elf.h - the parts of the ELF format hvlab's guest loader reads: the identification
 * bytes, the 32-bit ELF header and the 32-bit program header.
 *
 * See: "Executable and Linking Format (ELF) Specification" 1.2 (the ELF32 spec, Book I),
 *      "ELF Header" (with "ELF Identification") and, Book II, "Program Header";
 *      "ELF-64 Object File Format" 1.5, "ELF Header", for the class value of an ELF64
 *      file, which the loader only recognises in order to reject it by name;
 *      the i386 supplement to the System V ABI for EM_386.
 *
 * Every multi-byte field is little-endian in the files hvlab loads (ELFDATA2LSB), which
 * is also the byte order of the x86 host, so a header copied out of the file can be read
 * field by field.
 */
#ifndef HVLAB_ELF_H
#define HVLAB_ELF_H

#include <stddef.h>
#include <stdint.h>

/*
 * "ELF Identification": the first EI_NIDENT bytes of every ELF file, the same for the
 * 32- and 64-bit classes, so they can be checked before knowing the class.
 *
 *   0    4     5     6        7      8           9      16
 *   | 7f 'E' 'L' 'F' | class | data | version | osabi | abiversion | pad |
 */
#define EI_NIDENT  16
#define EI_MAG0    0 /* index of ELFMAG0 ... */
#define EI_MAG1    1
#define EI_MAG2    2
#define EI_MAG3    3 /* ... to ELFMAG3 */
#define EI_CLASS   4 /* ELFCLASS32 or ELFCLASS64 */
#define EI_DATA    5 /* byte order: ELFDATA2LSB or ELFDATA2MSB */
#define EI_VERSION 6 /* EV_CURRENT */

#define ELFMAG0 0x7f /* e_ident[EI_MAG0..3]: the magic number "\177ELF" */
#define ELFMAG1 'E'
#define ELFMAG2 'L'
#define ELFMAG3 'F'
#define ELFMAG  "\177ELF"
#define SELFMAG 4 /* bytes of ELFMAG */

#define ELFCLASS32 1 /* 32-bit objects: what hvlab loads */
#define ELFCLASS64 2 /* 64-bit objects ("ELF-64 Object File Format") */

#define ELFDATA2LSB 1 /* two's complement, little-endian */
#define ELFDATA2MSB 2 /* two's complement, big-endian */

#define EV_CURRENT 1 /* e_ident[EI_VERSION] and e_version */

/* "ELF Header": e_type. */
#define ET_EXEC 2 /* executable file: loaded at fixed addresses */

/* "ELF Header": e_machine (values from the System V ABI's list, "ELF Header"). Only
 * EM_386 is loaded; the others are named so a kernel built for them is refused by name. */
#define EM_386     3   /* Intel 80386: a 32-bit x86 kernel */
#define EM_MIPS    8   /* MIPS */
#define EM_PPC     20  /* 32-bit PowerPC */
#define EM_ARM     40  /* 32-bit Arm */
#define EM_X86_64  62  /* AMD x86-64 */
#define EM_AARCH64 183 /* 64-bit Arm */
#define EM_RISCV   243 /* RISC-V */

/*
 * "ELF Header", 32-bit class: 52 bytes at file offset 0.
 *
 *   0 e_ident[16]  16 e_type  18 e_machine  20 e_version  24 e_entry  28 e_phoff
 *  32 e_shoff  36 e_flags  40 e_ehsize  42 e_phentsize  44 e_phnum  46 e_shentsize
 *  48 e_shnum  50 e_shstrndx
 */
struct elf32_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;      /* ET_EXEC */
    uint16_t e_machine;   /* EM_386 */
    uint32_t e_version;   /* EV_CURRENT */
    uint32_t e_entry;     /* virtual address of the first instruction */
    uint32_t e_phoff;     /* file offset of the program header table */
    uint32_t e_shoff;     /* file offset of the section header table (unused here) */
    uint32_t e_flags;     /* processor-specific; none defined for EM_386 */
    uint16_t e_ehsize;    /* bytes of this header */
    uint16_t e_phentsize; /* bytes of one program header */
    uint16_t e_phnum;     /* program headers in the table */
    uint16_t e_shentsize; /* bytes of one section header */
    uint16_t e_shnum;     /* section headers in the table */
    uint16_t e_shstrndx;  /* section holding the section names */
};

_Static_assert(offsetof(struct elf32_ehdr, e_type) == 16, "e_type");
_Static_assert(offsetof(struct elf32_ehdr, e_machine) == 18, "e_machine");
_Static_assert(offsetof(struct elf32_ehdr, e_version) == 20, "e_version");
_Static_assert(offsetof(struct elf32_ehdr, e_entry) == 24, "e_entry");
_Static_assert(offsetof(struct elf32_ehdr, e_phoff) == 28, "e_phoff");
_Static_assert(offsetof(struct elf32_ehdr, e_shoff) == 32, "e_shoff");
_Static_assert(offsetof(struct elf32_ehdr, e_flags) == 36, "e_flags");
_Static_assert(offsetof(struct elf32_ehdr, e_ehsize) == 40, "e_ehsize");
_Static_assert(offsetof(struct elf32_ehdr, e_phentsize) == 42, "e_phentsize");
_Static_assert(offsetof(struct elf32_ehdr, e_phnum) == 44, "e_phnum");
_Static_assert(offsetof(struct elf32_ehdr, e_shentsize) == 46, "e_shentsize");
_Static_assert(offsetof(struct elf32_ehdr, e_shnum) == 48, "e_shnum");
_Static_assert(offsetof(struct elf32_ehdr, e_shstrndx) == 50, "e_shstrndx");
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header size");

/* "Program Header": p_type. Other types (PT_NOTE, PT_GNU_STACK, ...) are not loaded. */
#define PT_NULL 0 /* unused entry */
#define PT_LOAD 1 /* loadable segment: p_filesz bytes from the file, zeroes to p_memsz */

/* "Program Header": p_flags, the segment's permissions. */
#define PF_X (1u << 0) /* execute */
#define PF_W (1u << 1) /* write */
#define PF_R (1u << 2) /* read */

/*
 * "Program Header", 32-bit class: 32 bytes, e_phnum of them at e_phoff.
 *
 *   0 p_type  4 p_offset  8 p_vaddr  12 p_paddr  16 p_filesz  20 p_memsz  24 p_flags
 *  28 p_align
 */
struct elf32_phdr {
    uint32_t p_type;   /* PT_LOAD, ... */
    uint32_t p_offset; /* file offset of the segment's first byte */
    uint32_t p_vaddr;  /* virtual address of that byte */
    uint32_t p_paddr;  /* physical address: where a Multiboot loader puts it */
    uint32_t p_filesz; /* bytes in the file */
    uint32_t p_memsz;  /* bytes in memory (>= p_filesz; the rest is zeroed, e.g. .bss) */
    uint32_t p_flags;  /* PF_R | PF_W | PF_X */
    uint32_t p_align;  /* alignment in memory and in the file */
};

_Static_assert(offsetof(struct elf32_phdr, p_offset) == 4, "p_offset");
_Static_assert(offsetof(struct elf32_phdr, p_vaddr) == 8, "p_vaddr");
_Static_assert(offsetof(struct elf32_phdr, p_paddr) == 12, "p_paddr");
_Static_assert(offsetof(struct elf32_phdr, p_filesz) == 16, "p_filesz");
_Static_assert(offsetof(struct elf32_phdr, p_memsz) == 20, "p_memsz");
_Static_assert(offsetof(struct elf32_phdr, p_flags) == 24, "p_flags");
_Static_assert(offsetof(struct elf32_phdr, p_align) == 28, "p_align");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header size");

#endif
