/*
 * segment.h - the guests' flat GDT (built in boot.S) and its selectors.
 *
 * Multiboot leaves GDTR possibly invalid (spec 0.6.96, 3.2 "Machine state"), so boot.S
 * loads this table before touching any segment register. Included by assembly.
 *
 * See: Intel SDM Vol. 3A, 3.4.2 "Segment Selectors", 3.4.5 "Segment Descriptors",
 *      3.4.5.1 "Code- and Data-Segment Descriptor Types".
 *
 * Segment descriptor, high dword (the low dword is base 15..0 : limit 15..0):
 *
 *   31     24 23 22 21 20 19   16 15 14 13 12 11  8 7      0
 *  | base    | G |D/B| L |AVL| limit | P | DPL | S | type | base    |
 *  | 31..24  |   |   |   |   | 19..16|   |     |   |      | 23..16  |
 */
#ifndef GUEST_SEGMENT_H
#define GUEST_SEGMENT_H

#define GDT_SEL_NULL   0x00 /* index 0: the null descriptor */
#define GDT_SEL_CODE   0x08 /* index 1, TI = 0, RPL = 0: flat 32-bit code */
#define GDT_SEL_DATA   0x10 /* index 2, TI = 0, RPL = 0: flat 32-bit data */
#define GDT_SEL_CODE64 0x18 /* index 3, TI = 0, RPL = 0: 64-bit code (IA-32e mode only) */

/* Access byte (bits 15..8 of the high dword). */
#define SEG_ACCESS_PRESENT   (1 << 7) /* P */
#define SEG_ACCESS_CODE_DATA (1 << 4) /* S: code or data, not system */
#define SEG_TYPE_CODE_XR     0xA      /* execute/read */
#define SEG_TYPE_DATA_RW     0x2      /* read/write */

/* Flags nibble (bits 23..20 of the high dword). */
#define SEG_FLAG_GRANULARITY_4K (1 << 3) /* G: limit counts 4 KiB units */
#define SEG_FLAG_32BIT          (1 << 2) /* D/B: 32-bit default operand size */
#define SEG_FLAG_LONG           (1 << 1) /* L: 64-bit code segment (D must be 0) */

/* Base 0, limit 0xFFFFF pages = the whole 4 GiB. */
#define SEG_LOW_FLAT    0x0000FFFF /* base 15..0 = 0, limit 15..0 = 0xFFFF */
#define SEG_LIMIT_19_16 0xF
#define SEG_HIGH(type, flags)                                                                  \
    (((flags) << 20) | (SEG_LIMIT_19_16 << 16) |                                               \
     ((SEG_ACCESS_PRESENT | SEG_ACCESS_CODE_DATA | (type)) << 8))

#define SEG_HIGH_FLAT_CODE SEG_HIGH(SEG_TYPE_CODE_XR, SEG_FLAG_GRANULARITY_4K | SEG_FLAG_32BIT)
#define SEG_HIGH_FLAT_DATA SEG_HIGH(SEG_TYPE_DATA_RW, SEG_FLAG_GRANULARITY_4K | SEG_FLAG_32BIT)
/* SDM Vol. 3A, "Code-Segment Descriptor in 64-bit Mode": base and limit ignored. */
#define SEG_HIGH_CODE64    SEG_HIGH(SEG_TYPE_CODE_XR, SEG_FLAG_GRANULARITY_4K | SEG_FLAG_LONG)

#endif /* GUEST_SEGMENT_H */
