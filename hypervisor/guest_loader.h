/*
 * guest_loader.h - load a Multiboot (v1) kernel, a 32-bit ELF executable, into guest RAM.
 *
 * See: ELF32 spec, "ELF Header" and "Program Header"; Multiboot Specification 0.6.96,
 *      3.1.1 "The layout of Multiboot header", 3.1.2 "The magic fields of Multiboot header".
 *
 * The loader checks the whole image first and only then writes guest RAM, so a rejected
 * image leaves guest RAM untouched:
 *
 *   file:   | ELF header | program headers | ... | segment 0 bytes | segment 1 bytes |
 *                                                  |                 |
 *   guest:  0 ... p_paddr: [ p_filesz bytes | zeroes up to p_memsz ] ... ram_size
 *
 * In messages, "segment N" is entry N of the program header table, counted from 0 as
 * `readelf -l` numbers them.
 */
#ifndef HVLAB_GUEST_LOADER_H
#define HVLAB_GUEST_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* What was loaded; all addresses guest-physical. */
struct guest_image {
    uint32_t entry;           /* where to start the vCPU (e_entry, moved to p_paddr) */
    uint32_t load_start;      /* lowest p_paddr of a loaded segment */
    uint32_t load_end;        /* highest p_paddr + p_memsz (exclusive) */
    uint32_t multiboot_flags; /* flags word of the kernel's Multiboot header */
    unsigned segments;        /* PT_LOAD segments loaded */
};

/*
 * Check image[0, size) as a 32-bit i386 Multiboot ELF executable and copy its PT_LOAD
 * segments to their physical addresses (p_paddr) in guest RAM, zero-filling each up to
 * p_memsz. Returns 0 and fills *out, or -1 with the reason (numbers in hex) in why.
 */
int guest_load_elf(const struct guest_memory *m, const uint8_t *image, size_t size,
                   struct guest_image *out, char *why, size_t why_len);

#endif
