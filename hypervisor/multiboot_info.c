/*
 * multiboot_info.c - lay out and write the Multiboot boot information in guest RAM.
 *
 * See: Multiboot Specification 0.6.96, 3.2 "Machine state", 3.3 "Boot information
 *      format". The layout is drawn in multiboot_info.h.
 */
#include "hypervisor/multiboot_info.h"

#include <stdarg.h>

#include "hypervisor/fmt.h"
#include "hypervisor/multiboot.h"
#include "hypervisor/string.h"

/* Entries of the memory map: lower memory, the hole below 1 MiB, upper memory. */
enum { MMAP_LOWER, MMAP_HOLE, MMAP_UPPER, MMAP_ENTRIES };

/* Where each piece goes, as offsets from info_gpa (64-bit: a long string cannot wrap). */
struct layout {
    uint64_t mmap;        /* memory map */
    uint64_t mods;        /* module structures */
    uint64_t cmdline;     /* command line string */
    uint64_t loader_name; /* boot loader name string */
    uint64_t mod_strings; /* the modules' strings, one after the other */
    uint64_t end;         /* first byte after the block */
};

/* The highest address a 32-bit field can name, plus one: module ends must stay below. */
#define ADDRESS_32BIT_LIMIT (1ull << 32)

_Static_assert(sizeof(struct multiboot_module) == MULTIBOOT_MODULE_STRUCT_BYTES,
               "multiboot_info.h states the module structure size");

_Static_assert(sizeof(struct multiboot_info) +
                       MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry) ==
                   MULTIBOOT_INFO_FIXED_BYTES,
               "multiboot_info.h states the fixed size");

/* The fields are 32-bit: keep every piece that follows the structure 4-byte aligned. */
_Static_assert(sizeof(struct multiboot_info) % sizeof(uint32_t) == 0, "info size aligned");

/* Bytes a string takes in guest RAM: its characters and the NUL; 0 if left out. */
static uint64_t string_bytes(const char *s) { return s ? (uint64_t)strlen(s) + 1 : 0; }

static struct layout plan(const char *cmdline, const char *loader_name,
                          const struct multiboot_module_file *modules, unsigned module_count)
{
    struct layout p;
    p.mmap = sizeof(struct multiboot_info);
    p.mods = p.mmap + MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
    p.cmdline = p.mods + (uint64_t)module_count * sizeof(struct multiboot_module);
    p.loader_name = p.cmdline + string_bytes(cmdline);
    p.mod_strings = p.loader_name + string_bytes(loader_name);
    p.end = p.mod_strings;
    for (unsigned i = 0; i < module_count; i++)
        p.end += string_bytes(modules[i].string);
    return p;
}

static uint64_t page_up(uint64_t a)
{
    return (a + MULTIBOOT_MODULE_ALIGN - 1) & ~(uint64_t)(MULTIBOOT_MODULE_ALIGN - 1);
}

/* Where module 0 goes: the first page after the kernel, and never below 1 MiB (lower
 * memory holds the boot information; 640 KiB-1 MiB is reserved in the memory map). */
static uint64_t modules_start(uint32_t load_end)
{
    return page_up(load_end > GUEST_UPPER_MEMORY_START ? load_end : GUEST_UPPER_MEMORY_START);
}

/* Write the reason into why and return -1. */
__attribute__((format(printf, 3, 4))) static int fail(char *why, size_t why_len,
                                                      const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fmt_vsnprintf(why, why_len, format, args);
    va_end(args);
    return -1;
}

/* 3.3 memory map: guest RAM as the PC layout the kernel expects (multiboot_info.h). */
static void fill_mmap(struct multiboot_mmap_entry map[MMAP_ENTRIES], uint64_t ram_size)
{
    map[MMAP_LOWER] = (struct multiboot_mmap_entry){
        MULTIBOOT_MMAP_ENTRY_SIZE, 0, GUEST_LOWER_MEMORY_END, MULTIBOOT_MEMORY_AVAILABLE};
    map[MMAP_HOLE] = (struct multiboot_mmap_entry){
        MULTIBOOT_MMAP_ENTRY_SIZE, GUEST_LOWER_MEMORY_END,
        GUEST_UPPER_MEMORY_START - GUEST_LOWER_MEMORY_END, MULTIBOOT_MEMORY_RESERVED};
    map[MMAP_UPPER] = (struct multiboot_mmap_entry){
        MULTIBOOT_MMAP_ENTRY_SIZE, GUEST_UPPER_MEMORY_START,
        ram_size - GUEST_UPPER_MEMORY_START, MULTIBOOT_MEMORY_AVAILABLE};
}

/* Copy a NUL-terminated string (if any) to gpa. */
static int write_string(const struct guest_memory *m, uint64_t gpa, const char *s)
{
    return s ? guest_memory_write(m, gpa, s, string_bytes(s)) : 0;
}

/* Place each module at the next page boundary from modules_start(), into mods[]; the
 * end of the last in *mods_end. -1 with the reason if one does not fit in guest RAM. */
static int place_modules(const struct guest_memory *m, uint32_t load_end,
                         const struct multiboot_module_file *modules, unsigned count,
                         struct multiboot_module *mods, uint64_t *mods_end, char *why,
                         size_t why_len)
{
    uint64_t first = modules_start(load_end), at = first;
    for (unsigned i = 0; i < count; i++) {
        uint64_t start = page_up(at), end = start + modules[i].size;
        if (end > m->ram_size || end >= ADDRESS_32BIT_LIMIT)
            return fail(why, why_len,
                        "module %u \"%s\" (%lu bytes) does not fit in guest RAM: it would "
                        "take 0x%lx-0x%lx, RAM ends at 0x%lx (modules go after the kernel, "
                        "from 0x%lx, each page aligned)",
                        i, modules[i].string, (unsigned long)modules[i].size,
                        (unsigned long)start, (unsigned long)end, (unsigned long)m->ram_size,
                        (unsigned long)first);
        mods[i] = (struct multiboot_module){(uint32_t)start, (uint32_t)end, 0, 0};
        at = end;
    }
    *mods_end = at;
    return 0;
}

int multiboot_info_build(const struct guest_memory *m, uint32_t info_gpa, uint32_t load_start,
                         uint32_t load_end, const char *cmdline, const char *loader_name,
                         const struct multiboot_module_file *modules, unsigned module_count,
                         struct multiboot_boot *out, char *why, size_t why_len)
{
    if (module_count > MULTIBOOT_MODULES_MAX)
        return fail(why, why_len, "%u modules: hvlab passes at most %u", module_count,
                    MULTIBOOT_MODULES_MAX);
    for (unsigned i = 0; i < module_count; i++)
        if (!modules[i].string || (modules[i].size && !modules[i].data))
            return fail(why, why_len, "module %u has no string or no data", i);
    struct layout p = plan(cmdline, loader_name, modules, module_count);
    uint64_t end = (uint64_t)info_gpa + p.end;

    if (info_gpa % sizeof(uint32_t) != 0)
        return fail(why, why_len, "Multiboot information address 0x%x is not 4-byte aligned",
                    info_gpa);
    if (m->ram_size <= GUEST_UPPER_MEMORY_START)
        return fail(why, why_len,
                    "guest RAM (0x0-0x%lx) does not reach past 1 MiB: no upper "
                    "memory for a Multiboot kernel",
                    (unsigned long)m->ram_size);
    if (end > GUEST_LOWER_MEMORY_END)
        return fail(why, why_len,
                    "Multiboot information at 0x%x-0x%lx does not fit below "
                    "0x%x (end of lower memory)",
                    info_gpa, (unsigned long)end, GUEST_LOWER_MEMORY_END);
    if (info_gpa < load_end && load_start < end)
        return fail(why, why_len,
                    "Multiboot information at 0x%x-0x%lx overlaps the kernel "
                    "at 0x%x-0x%x",
                    info_gpa, (unsigned long)end, load_start, load_end);
    struct multiboot_module mods[MULTIBOOT_MODULES_MAX];
    uint64_t mods_end = 0;
    if (place_modules(m, load_end, modules, module_count, mods, &mods_end, why, why_len) != 0)
        return -1;

    /* 3.3: the fields we fill, and the flags saying so; everything else stays 0. */
    struct multiboot_info info = {0};
    info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MMAP;
    info.mem_lower = GUEST_LOWER_MEMORY_END / MULTIBOOT_KIB;
    info.mem_upper = (uint32_t)((m->ram_size - MULTIBOOT_UPPER_MEMORY_START) / MULTIBOOT_KIB);
    info.mmap_addr = info_gpa + (uint32_t)p.mmap;
    info.mmap_length = MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
    if (cmdline) {
        info.flags |= MULTIBOOT_INFO_CMDLINE;
        info.cmdline = info_gpa + (uint32_t)p.cmdline;
    }
    if (loader_name) {
        info.flags |= MULTIBOOT_INFO_BOOT_LOADER_NAME;
        info.boot_loader_name = info_gpa + (uint32_t)p.loader_name;
    }
    if (module_count) {
        info.flags |= MULTIBOOT_INFO_MODS;
        info.mods_count = module_count;
        info.mods_addr = info_gpa + (uint32_t)p.mods;
    }
    uint64_t string_at = info_gpa + p.mod_strings;
    for (unsigned i = 0; i < module_count; i++) {
        mods[i].string = (uint32_t)string_at;
        string_at += string_bytes(modules[i].string);
    }
    struct multiboot_mmap_entry map[MMAP_ENTRIES];
    fill_mmap(map, m->ram_size);

    int bad = guest_memory_write(m, info_gpa, &info, sizeof(info)) != 0 ||
              guest_memory_write(m, info.mmap_addr, map, sizeof(map)) != 0 ||
              (module_count && guest_memory_write(m, info_gpa + p.mods, mods,
                                                  module_count * sizeof(mods[0])) != 0) ||
              write_string(m, info_gpa + p.cmdline, cmdline) != 0 ||
              write_string(m, info_gpa + p.loader_name, loader_name) != 0;
    for (unsigned i = 0; i < module_count && !bad; i++)
        bad = write_string(m, mods[i].string, modules[i].string) != 0 ||
              (modules[i].size &&
               guest_memory_write(m, mods[i].mod_start, modules[i].data, modules[i].size) != 0);
    if (bad)
        return fail(why, why_len, "writing Multiboot information at 0x%x failed", info_gpa);

    *out = (struct multiboot_boot){.eax = MULTIBOOT_BOOTLOADER_MAGIC,
                                   .ebx = info_gpa,
                                   .info_end = (uint32_t)end,
                                   .modules_start = module_count ? mods[0].mod_start : 0,
                                   .modules_end = module_count ? (uint32_t)mods_end : 0};
    return 0;
}
