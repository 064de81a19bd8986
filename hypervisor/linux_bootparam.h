/*
 * linux_bootparam.h - the Linux x86 boot protocol's formats, as a boot loader sees them:
 * the setup header inside a bzImage and the zero page (struct boot_params) the loader
 * hands to the kernel. Byte offsets, not a C structure: both are packed little-endian
 * layouts the kernel documents by offset, and naming each offset keeps every line of
 * the loader next to its row in the documents.
 *
 * See: the Linux kernel's Documentation/x86/boot.rst ("The Linux/x86 Boot Protocol",
 *      "The Real-Mode Kernel Header", "Details of Header Fields", "The 32-bit Boot
 *      Protocol") and Documentation/x86/zero-page.rst ("Zero Page").
 *
 * A bzImage file:
 *
 *   0x0000  | boot sector (legacy, unused) ... setup header at 0x1F1 .. 0x202+[0x201]  |
 *   0x0200  | the real-mode setup code: setup_sects sectors of 512 bytes               |
 *   (setup_sects + 1) * 512                                                             |
 *           | the protected-mode kernel (32/64-bit code + compressed payload), which   |
 *           |   a loader copies to its load address and enters at its start            |
 *
 * The zero page (4 KiB) a 32-bit-protocol loader builds, all zero except:
 *
 *   0x070  acpi_rsdp_addr      0x1E8  e820_entries      0x1F1..  the setup header copy
 *   0x2D0  e820_table[128] of 20 bytes each (ends at 0xCD0)
 */
#ifndef HVLAB_LINUX_BOOTPARAM_H
#define HVLAB_LINUX_BOOTPARAM_H

/* ---- the bzImage file (boot.rst, "The Real-Mode Kernel Header") ------------------- */

#define BZ_SECTOR_SIZE        512u /* setup_sects counts 512-byte sectors */
#define BZ_SETUP_SECTS_LEGACY 4u   /* "If this field is 0, the real value is 4." */

/* ---- the setup header: the same offsets in the file and in the zero page ----------- */

#define HDR_SETUP_SECTS        0x1F1u /* u8: real-mode setup size in sectors (0 = 4) */
#define HDR_SYSSIZE            0x1F4u /* u32: protected-mode code size in 16-byte paras */
#define HDR_VID_MODE           0x1FAu /* u16, write: video mode; 0xFFFF = "normal" */
#define HDR_BOOT_FLAG          0x1FEu /* u16: 0xAA55 */
#define HDR_JUMP               0x200u /* u8 jump instruction, then the header's length: */
#define HDR_LENGTH_BYTE        0x201u /* "0x0202 + byte value at offset 0x0201" is its end */
#define HDR_MAGIC              0x202u /* u32: "HdrS" */
#define HDR_VERSION            0x206u /* u16: boot protocol version, major << 8 | minor */
#define HDR_TYPE_OF_LOADER     0x210u /* u8, write: boot loader identifier */
#define HDR_LOADFLAGS          0x211u /* u8, modify: LOADFLAGS_* */
#define HDR_CODE32_START       0x214u /* u32, modify: the 32-bit entry (load address) */
#define HDR_RAMDISK_IMAGE      0x218u /* u32, write: initrd load address */
#define HDR_RAMDISK_SIZE       0x21Cu /* u32, write: initrd size */
#define HDR_HEAP_END_PTR       0x224u /* u16, write: end of setup stack/heap - 0x200 */
#define HDR_CMD_LINE_PTR       0x228u /* u32, write: command line's physical address */
#define HDR_INITRD_ADDR_MAX    0x22Cu /* u32 (2.03+): highest address of initrd's last byte */
#define HDR_KERNEL_ALIGNMENT   0x230u /* u32 (2.05+): alignment a relocatable kernel needs */
#define HDR_RELOCATABLE_KERNEL 0x234u /* u8 (2.05+): nonzero: loadable at any aligned addr */
#define HDR_XLOADFLAGS         0x236u /* u16 (2.12+): XLF_* */
#define HDR_CMDLINE_SIZE       0x238u /* u32 (2.06+): command line size without its NUL */
#define HDR_PREF_ADDRESS       0x258u /* u64 (2.10+): preferred load address */
#define HDR_INIT_SIZE          0x260u /* u32 (2.10+): memory needed from the start address */

#define BOOT_FLAG_VALUE 0xAA55u
#define HDR_MAGIC_VALUE 0x53726448u /* "HdrS", little-endian */

/* boot.rst, "Details of Header Fields": loadflags. */
#define LOADFLAGS_LOADED_HIGH  (1u << 0) /* protected-mode code loads at 0x100000 */
#define LOADFLAGS_CAN_USE_HEAP (1u << 7) /* write: heap_end_ptr is valid */

/* type_of_loader: "0xFF: undefined", for a loader with no assigned ID. */
#define TYPE_OF_LOADER_UNDEFINED 0xFFu
/* vid_mode: 0xFFFF = "normal" (80x25 text, no mode prompt). */
#define VID_MODE_NORMAL          0xFFFFu
/* heap_end_ptr: boot.rst's memory layout example for a modern bzImage puts the setup
 * code, stack and heap in one 64 KiB segment; its end (0x10000) minus 0x200. */
#define HEAP_END_PTR_VALUE       0xFE00u

/* Protocol versions hvlab relies on (boot.rst, "The Linux/x86 Boot Protocol"): 2.12 added
 * xloadflags; every field above exists from 2.12 on. A major version other than 2 would
 * be a protocol this loader has never seen. */
#define BOOT_PROTOCOL_MIN   0x020Cu /* 2.12 */
#define BOOT_PROTOCOL_MAJOR 2u

/* The 32-bit entry of a non-relocatable kernel, and where the protocol loads every
 * protected-mode kernel that sets LOADED_HIGH ("the protected-mode code is loaded at
 * 0x100000"). */
#define BZ_HIGH_LOAD_ADDRESS 0x100000u

/* ---- the zero page (zero-page.rst) ------------------------------------------------ */

#define ZERO_PAGE_SIZE            0x1000u
#define ZP_ACPI_RSDP_ADDR         0x070u /* u64: physical address of the ACPI RSDP (0: search) */
#define ZP_E820_ENTRIES           0x1E8u /* u8: entries in e820_table */
#define ZP_SENTINEL               0x1EFu /* u8: nonzero tells the kernel the page was not zeroed */
#define ZP_SETUP_HEADER           0x1F1u /* the setup header copy starts here */
#define ZP_EDD_MBR_SIG_BUFFER     0x290u /* first field after the setup header */
#define ZP_E820_TABLE             0x2D0u /* struct boot_e820_entry[E820_MAX_ENTRIES_ZEROPAGE] */
#define E820_MAX_ENTRIES_ZEROPAGE 128u

/* struct boot_e820_entry: u64 addr, u64 size, u32 type, packed (20 bytes). The types are
 * those of the ACPI specification's address range types (ACPI 6.4, 15 "System Address
 * Map Interfaces", Table 15.1). */
#define E820_ENTRY_SIZE    20u
#define E820_ENTRY_ADDR    0u
#define E820_ENTRY_SIZE_AT 8u
#define E820_ENTRY_TYPE    16u
#define E820_TYPE_RAM      1u /* AddressRangeMemory: usable */
#define E820_TYPE_RESERVED 2u /* AddressRangeReserved */
#define E820_TYPE_ACPI     3u /* AddressRangeACPI: ACPI tables, reclaimable */
#define E820_TYPE_NVS      4u /* AddressRangeNVS */

_Static_assert(ZP_E820_TABLE + E820_MAX_ENTRIES_ZEROPAGE * E820_ENTRY_SIZE <= ZERO_PAGE_SIZE,
               "the E820 table fits the zero page");

#endif
