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
    uint64_t cmdline;     /* command line string */
    uint64_t loader_name; /* boot loader name string */
    uint64_t end;         /* first byte after the block */
};

_Static_assert(sizeof(struct multiboot_info) +
                       MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry) ==
                   MULTIBOOT_INFO_FIXED_BYTES,
               "multiboot_info.h states the fixed size");

/* The fields are 32-bit: keep every piece that follows the structure 4-byte aligned. */
_Static_assert(sizeof(struct multiboot_info) % sizeof(uint32_t) == 0, "info size aligned");

/* Bytes a string takes in guest RAM: its characters and the NUL; 0 if left out. */
static uint64_t string_bytes(const char *s) { return s ? (uint64_t)strlen(s) + 1 : 0; }

static struct layout plan(const char *cmdline, const char *loader_name)
{
    struct layout p;
    p.mmap = sizeof(struct multiboot_info);
    p.cmdline = p.mmap + MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
    p.loader_name = p.cmdline + string_bytes(cmdline);
    p.end = p.loader_name + string_bytes(loader_name);
    return p;
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

int multiboot_info_build(const struct guest_memory *m, uint32_t info_gpa, uint32_t load_start,
                         uint32_t load_end, const char *cmdline, const char *loader_name,
                         struct multiboot_boot *out, char *why, size_t why_len)
{
    struct layout p = plan(cmdline, loader_name);
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
    struct multiboot_mmap_entry map[MMAP_ENTRIES];
    fill_mmap(map, m->ram_size);

    if (guest_memory_write(m, info_gpa, &info, sizeof(info)) != 0 ||
        guest_memory_write(m, info.mmap_addr, map, sizeof(map)) != 0 ||
        write_string(m, info_gpa + p.cmdline, cmdline) != 0 ||
        write_string(m, info_gpa + p.loader_name, loader_name) != 0)
        return fail(why, why_len, "writing Multiboot information at 0x%x failed", info_gpa);

    *out = (struct multiboot_boot){
        .eax = MULTIBOOT_BOOTLOADER_MAGIC, .ebx = info_gpa, .info_end = (uint32_t)end};
    return 0;
}
