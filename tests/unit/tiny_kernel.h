/*
 * tiny_kernel.h - a Multiboot kernel of one segment, built in memory, for unit tests that
 * create real VMs (vm_create) over the fake backend: its code never runs, the fake vCPU
 * makes up the exits, but the loader checks and loads it like any guest.
 *
 *   file offset 0       ELF header, one PT_LOAD program header
 *               0x1000  Multiboot header (the segment's first bytes), loaded at 1 MiB
 */
#ifndef HVLAB_TESTS_TINY_KERNEL_H
#define HVLAB_TESTS_TINY_KERNEL_H

#include <stdint.h>

#include "hypervisor/elf.h"

#define TINY_TEXT_OFFSET 0x1000u
#define TINY_TEXT_PADDR  0x100000u /* where the segment is loaded (guest-physical) */
#define TINY_TEXT_SIZE   0x100u

struct tiny_elf {
    union {
        struct {
            struct elf32_ehdr eh;
            struct elf32_phdr ph;
        } hdr;
        uint8_t head[TINY_TEXT_OFFSET];
    };
    uint8_t text[TINY_TEXT_SIZE];
};

/* Fill e: headers, and the Multiboot header at the start of the segment; entry right
 * after it. */
void tiny_elf_init(struct tiny_elf *e);

#endif
