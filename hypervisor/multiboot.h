/*
 * multiboot.h - the Multiboot (v1) formats, as the loader side sees them: the header a
 * kernel embeds in its image, the values the loader hands over in registers, and the
 * boot information structure the loader builds in guest RAM.
 *
 * See: Multiboot Specification version 0.6.96,
 *      3.1.1 "The layout of Multiboot header", 3.1.2 "The magic fields of Multiboot header",
 *      3.2 "Machine state", 3.3 "Boot information format".
 *
 * The guests keep their own copy (guest/lib/multiboot.h); the hypervisor never includes
 * guest headers, so the two sides only share the specification.
 */
#ifndef HVLAB_MULTIBOOT_H
#define HVLAB_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

/* ---- 3.1.1 "The layout of Multiboot header" --------------------------------------- */

/* The header lies, 4-byte aligned and whole, in the first 8192 bytes of the image. */
#define MULTIBOOT_SEARCH_LIMIT 8192
#define MULTIBOOT_HEADER_ALIGN 4

/*
 * The three mandatory fields. (Offsets 12-28 hold the address fields, valid only with
 * MULTIBOOT_HEADER_ADDRESS_FIELDS, and 32-44 the graphics fields: hvlab reads neither.)
 *
 *   0 magic   4 flags   8 checksum      magic + flags + checksum == 0 (mod 2^32)
 */
struct multiboot_header {
    uint32_t magic;    /* MULTIBOOT_HEADER_MAGIC */
    uint32_t flags;    /* MULTIBOOT_HEADER_*: what the kernel requires or asks for */
    uint32_t checksum; /* makes the three fields sum to zero */
};

_Static_assert(offsetof(struct multiboot_header, flags) == 4, "flags");
_Static_assert(offsetof(struct multiboot_header, checksum) == 8, "checksum");
_Static_assert(sizeof(struct multiboot_header) == 12, "Multiboot header size");

/* ---- 3.1.2 "The magic fields of Multiboot header" ---------------------------------- */

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u

/*
 * Flags bits 0-15 are requirements: a loader that does not understand or cannot meet
 * one of them must refuse the kernel. Bits 16-31 are optional features it may ignore.
 */
#define MULTIBOOT_HEADER_PAGE_ALIGN     (1u << 0)   /* boot modules on 4 KiB boundaries */
#define MULTIBOOT_HEADER_MEMORY_INFO    (1u << 1)   /* pass mem_* (and mmap_* if any) */
#define MULTIBOOT_HEADER_VIDEO_MODE     (1u << 2)   /* pass video mode information */
#define MULTIBOOT_HEADER_ADDRESS_FIELDS (1u << 16)  /* offsets 12-28 are valid */
#define MULTIBOOT_HEADER_REQUIRED_MASK  0x0000FFFFu /* bits 0-15 */

/* ---- 3.2 "Machine state" --------------------------------------------------------- */

/* EAX at the kernel's entry point; EBX holds the boot information's physical address. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

/* ---- 3.3 "Boot information format" ----------------------------------------------- */

/* Bits of multiboot_info.flags: which fields the loader filled in. */
#define MULTIBOOT_INFO_MEMORY           (1u << 0)  /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_BOOT_DEVICE      (1u << 1)  /* boot_device */
#define MULTIBOOT_INFO_CMDLINE          (1u << 2)  /* cmdline */
#define MULTIBOOT_INFO_MODS             (1u << 3)  /* mods_count, mods_addr */
#define MULTIBOOT_INFO_AOUT_SYMS        (1u << 4)  /* syms: a.out symbol table */
#define MULTIBOOT_INFO_ELF_SHDR         (1u << 5)  /* syms: ELF section headers */
#define MULTIBOOT_INFO_MMAP             (1u << 6)  /* mmap_length, mmap_addr */
#define MULTIBOOT_INFO_DRIVES           (1u << 7)  /* drives_length, drives_addr */
#define MULTIBOOT_INFO_CONFIG_TABLE     (1u << 8)  /* config_table */
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)  /* boot_loader_name */
#define MULTIBOOT_INFO_APM_TABLE        (1u << 10) /* apm_table */
#define MULTIBOOT_INFO_VBE              (1u << 11) /* vbe_* */
#define MULTIBOOT_INFO_FRAMEBUFFER      (1u << 12) /* framebuffer_* */

/* mem_lower counts KiB from 0; mem_upper counts KiB from 1 MiB. */
#define MULTIBOOT_KIB                1024u
#define MULTIBOOT_UPPER_MEMORY_START 0x100000u /* 1 MiB */

/*
 * The boot information structure. Every address in it is physical; strings are
 * NUL-terminated.
 *
 *   0 flags           28 syms[4]          64 boot_loader_name   88 framebuffer_addr (64)
 *   4 mem_lower       44 mmap_length      68 apm_table          96 framebuffer_pitch
 *   8 mem_upper       48 mmap_addr        72 vbe_control_info  100 framebuffer_width
 *  12 boot_device     52 drives_length    76 vbe_mode_info     104 framebuffer_height
 *  16 cmdline         56 drives_addr      80 vbe_mode          108 framebuffer_bpp (8)
 *  20 mods_count      60 config_table     82 vbe_interface_seg 109 framebuffer_type (8)
 *  24 mods_addr                           84 vbe_interface_off 110 color_info[6]
 *                                         86 vbe_interface_len 116 end
 */
struct multiboot_info {
    uint32_t flags;       /* MULTIBOOT_INFO_*: which fields below are valid */
    uint32_t mem_lower;   /* KiB of memory from 0, at most 640 */
    uint32_t mem_upper;   /* KiB of memory from 1 MiB up to the first hole */
    uint32_t boot_device; /* BIOS drive and partitions the image came from */
    uint32_t cmdline;     /* address of the kernel command line */
    uint32_t mods_count;  /* boot modules loaded with the kernel */
    uint32_t mods_addr;   /* address of the first module structure */
    uint32_t syms[4];     /* a.out symbol table or ELF section header table */
    uint32_t mmap_length; /* bytes of memory map */
    uint32_t mmap_addr;   /* address of the first multiboot_mmap_entry */
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table; /* ROM configuration table (BIOS INT 15h, AH=C0h) */
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;
    uint8_t color_info[6];
} __attribute__((packed));

_Static_assert(offsetof(struct multiboot_info, mem_lower) == 4, "mem_lower");
_Static_assert(offsetof(struct multiboot_info, mem_upper) == 8, "mem_upper");
_Static_assert(offsetof(struct multiboot_info, boot_device) == 12, "boot_device");
_Static_assert(offsetof(struct multiboot_info, cmdline) == 16, "cmdline");
_Static_assert(offsetof(struct multiboot_info, mods_count) == 20, "mods_count");
_Static_assert(offsetof(struct multiboot_info, syms) == 28, "syms");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44, "mmap_length");
_Static_assert(offsetof(struct multiboot_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(offsetof(struct multiboot_info, drives_length) == 52, "drives_length");
_Static_assert(offsetof(struct multiboot_info, config_table) == 60, "config_table");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64, "boot_loader_name");
_Static_assert(offsetof(struct multiboot_info, apm_table) == 68, "apm_table");
_Static_assert(offsetof(struct multiboot_info, vbe_control_info) == 72, "vbe_control_info");
_Static_assert(offsetof(struct multiboot_info, vbe_mode) == 80, "vbe_mode");
_Static_assert(offsetof(struct multiboot_info, vbe_interface_len) == 86, "vbe_interface_len");
_Static_assert(offsetof(struct multiboot_info, framebuffer_addr) == 88, "framebuffer_addr");
_Static_assert(offsetof(struct multiboot_info, framebuffer_pitch) == 96, "framebuffer_pitch");
_Static_assert(offsetof(struct multiboot_info, framebuffer_bpp) == 108, "framebuffer_bpp");
_Static_assert(offsetof(struct multiboot_info, framebuffer_type) == 109, "framebuffer_type");
_Static_assert(offsetof(struct multiboot_info, color_info) == 110, "color_info");
_Static_assert(sizeof(struct multiboot_info) == 116, "Multiboot information size");

/*
 * One memory map entry. mmap_addr points at `size`, which does not count itself: the
 * next entry starts size + 4 bytes further on.
 *
 *   0 size   4 base_addr (64)   12 length (64)   20 type   24 end
 */
struct multiboot_mmap_entry {
    uint32_t size;      /* bytes of this entry after this field: MULTIBOOT_MMAP_ENTRY_SIZE */
    uint64_t base_addr; /* first byte of the range */
    uint64_t length;    /* bytes in the range */
    uint32_t type;      /* MULTIBOOT_MEMORY_* */
} __attribute__((packed));

_Static_assert(offsetof(struct multiboot_mmap_entry, base_addr) == 4, "base_addr");
_Static_assert(offsetof(struct multiboot_mmap_entry, length) == 12, "length");
_Static_assert(offsetof(struct multiboot_mmap_entry, type) == 20, "type");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry size");

/* The value of `size` for the entries hvlab writes (the entry minus its size field). */
#define MULTIBOOT_MMAP_ENTRY_SIZE                                                              \
    (sizeof(struct multiboot_mmap_entry) - sizeof(((struct multiboot_mmap_entry *)0)->size))
_Static_assert(MULTIBOOT_MMAP_ENTRY_SIZE == 20, "mmap entry size field");

/*
 * One boot module (mods_addr points at the first of mods_count). The module occupies
 * [mod_start, mod_end); string is the address of its NUL-terminated string.
 *
 *   0 mod_start   4 mod_end   8 string   12 reserved (0)   16 end
 */
struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end; /* exclusive */
    uint32_t string;
    uint32_t reserved; /* must be 0 */
};

_Static_assert(offsetof(struct multiboot_module, mod_end) == 4, "mod_end");
_Static_assert(offsetof(struct multiboot_module, string) == 8, "string");
_Static_assert(offsetof(struct multiboot_module, reserved) == 12, "reserved");
_Static_assert(sizeof(struct multiboot_module) == 16, "module structure size");

/* Memory map types: 1 is RAM the kernel may use; every other value means reserved. */
#define MULTIBOOT_MEMORY_AVAILABLE 1
#define MULTIBOOT_MEMORY_RESERVED  2

#endif
