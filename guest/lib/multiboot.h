/*
 * multiboot.h - the Multiboot (v1) header fields and boot information structure.
 *
 * See: Multiboot Specification version 0.6.96,
 *      3.1.1 "The layout of Multiboot header", 3.1.2 "The magic fields of Multiboot header",
 *      3.2 "Machine state", 3.3 "Boot information format".
 *
 * Also included by boot.S, so the C part is hidden from the assembler.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

/* 3.1.1: the header must lie, 4-byte aligned, in the first 8192 bytes of the image. */
#define MULTIBOOT_SEARCH_LIMIT 8192
#define MULTIBOOT_HEADER_ALIGN 4

/* 3.1.2: header magic and the flags we ask for. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_PAGE_ALIGN   (1 << 0) /* align boot modules on 4 KiB pages */
#define MULTIBOOT_MEMORY_INFO  (1 << 1) /* pass mem_lower/mem_upper (and mmap if any) */
#define MULTIBOOT_HEADER_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
/*
 * Bit 16 (address fields valid) stays clear: the loader reads the ELF program headers
 * instead. QEMU -kernel takes the same path for a 32-bit ELF.
 */

/* 3.2: EAX holds this value when the loader jumps to the kernel. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* 3.3: bits of multiboot_info.flags telling which fields are valid. */
#define MULTIBOOT_INFO_MEMORY  (1u << 0) /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_CMDLINE (1u << 2) /* cmdline */
#define MULTIBOOT_INFO_MODS    (1u << 3) /* mods_count, mods_addr */
#define MULTIBOOT_INFO_MMAP    (1u << 6) /* mmap_length, mmap_addr */

/* 3.3: memory map entry types. */
#define MULTIBOOT_MEMORY_AVAILABLE 1 /* all other values: reserved */

/* 3.3: mem_upper counts KiB starting at 1 MiB. */
#define MULTIBOOT_UPPER_MEMORY_START 0x100000

#ifndef __ASSEMBLER__

#include <stdint.h>

/*
 * 3.3 "Boot information format", up to the VBE fields:
 *
 *   0  flags          16 cmdline        44 mmap_length   64 boot_loader_name
 *   4  mem_lower      20 mods_count     48 mmap_addr     68 apm_table
 *   8  mem_upper      24 mods_addr      52 drives_length 72 vbe_control_info ...
 *  12  boot_device    28 syms[4]        56 drives_addr
 *                                       60 config_table
 */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB from 0, at most 640 */
    uint32_t mem_upper; /* KiB from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline; /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];     /* a.out symbol table or ELF section headers */
    uint32_t mmap_length; /* bytes of memory map */
    uint32_t mmap_addr;   /* physical address of the first entry */
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct multiboot_info, mem_lower) == 4, "mem_lower");
_Static_assert(__builtin_offsetof(struct multiboot_info, mem_upper) == 8, "mem_upper");
_Static_assert(__builtin_offsetof(struct multiboot_info, cmdline) == 16, "cmdline");
_Static_assert(__builtin_offsetof(struct multiboot_info, syms) == 28, "syms");
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_length) == 44, "mmap_length");
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(__builtin_offsetof(struct multiboot_info, boot_loader_name) == 64, "loader");
_Static_assert(__builtin_offsetof(struct multiboot_info, vbe_mode) == 80, "vbe_mode");
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot_info size");

/*
 * 3.3 memory map entry. `size` sits at offset -4 and does not count itself: the next
 * entry starts size + 4 bytes after this one.
 *
 *   0 size   4 base_addr (64 bits)   12 length (64 bits)   20 type
 */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct multiboot_mmap_entry, base_addr) == 4, "base_addr");
_Static_assert(__builtin_offsetof(struct multiboot_mmap_entry, length) == 12, "length");
_Static_assert(__builtin_offsetof(struct multiboot_mmap_entry, type) == 20, "type");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry size");

/*
 * 3.3 boot module: [mod_start, mod_end) holds the module, string its NUL-terminated
 * string (hvlab: the file name given in modules=).
 *
 *   0 mod_start   4 mod_end   8 string   12 reserved (0)
 */
struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
};

_Static_assert(sizeof(struct multiboot_module) == 16, "module structure size");

/* Step to the entry after e (spec 3.3: entries are size + 4 bytes apart). */
static inline const struct multiboot_mmap_entry *
multiboot_mmap_next(const struct multiboot_mmap_entry *e)
{
    return (const struct multiboot_mmap_entry *)((uintptr_t)e + e->size + sizeof(e->size));
}

/* Iterate over every memory map entry of mbi (the caller checks MULTIBOOT_INFO_MMAP). */
#define multiboot_for_each_mmap(e, mbi)                                                        \
    for (const struct multiboot_mmap_entry *e =                                                \
             (const struct multiboot_mmap_entry *)(uintptr_t)(mbi)->mmap_addr;                 \
         (uintptr_t)e < (mbi)->mmap_addr + (mbi)->mmap_length; e = multiboot_mmap_next(e))

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_MULTIBOOT_H */
