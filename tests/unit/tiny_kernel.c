/*
 * tiny_kernel.c - see tiny_kernel.h.
 */
#include "tests/unit/tiny_kernel.h"

#include <stddef.h>
#include <string.h>

#include "hypervisor/multiboot.h"

void tiny_elf_init(struct tiny_elf *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->hdr.eh.e_ident, ELFMAG, SELFMAG);
    e->hdr.eh.e_ident[EI_CLASS] = ELFCLASS32;
    e->hdr.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->hdr.eh.e_ident[EI_VERSION] = EV_CURRENT;
    e->hdr.eh.e_type = ET_EXEC;
    e->hdr.eh.e_machine = EM_386;
    e->hdr.eh.e_version = EV_CURRENT;
    e->hdr.eh.e_entry = TINY_TEXT_PADDR + sizeof(struct multiboot_header);
    e->hdr.eh.e_phoff = offsetof(struct tiny_elf, hdr.ph);
    e->hdr.eh.e_ehsize = sizeof(struct elf32_ehdr);
    e->hdr.eh.e_phentsize = sizeof(struct elf32_phdr);
    e->hdr.eh.e_phnum = 1;
    e->hdr.ph =
        (struct elf32_phdr){PT_LOAD,        TINY_TEXT_OFFSET, TINY_TEXT_PADDR, TINY_TEXT_PADDR,
                            TINY_TEXT_SIZE, TINY_TEXT_SIZE,   PF_R | PF_X,     0x1000};
    uint32_t flags = MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO;
    struct multiboot_header h = {MULTIBOOT_HEADER_MAGIC, flags,
                                 -(MULTIBOOT_HEADER_MAGIC + flags)};
    memcpy(e->text, &h, sizeof(h));
}
