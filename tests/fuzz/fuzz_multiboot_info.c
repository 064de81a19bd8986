/*
 * fuzz_multiboot_info.c - libFuzzer harness for the Multiboot-information builder
 * (hypervisor/multiboot_info.c). Its inputs come from the user and the kernel: the
 * guest's command line (after "--"), RAM size (mem=), and where the kernel was loaded.
 *
 *   data: | RAM (u8 kind, u32) | info address (u8 kind, u32) | load start, end (2 x u32) |
 *         | flags u8: bit 0 no cmdline, bit 1 no loader name, bits 2-7 module count |
 *         | module sizes (count x u16) | cmdline length u16 |
 *         | cmdline bytes | loader name bytes |       (strings end at their first NUL)
 *
 * Modules (0..17: one past the limit) get fixed strings and bytes of a pattern; with any,
 * the RAM claimed is at most BACKED, since the builder writes them above 1 MiB.
 *
 * Guest RAM: BACKED bytes of junk-filled host pages (fuzz_ram.h); the view the builder
 * gets claims RAM sizes from below 1 MiB to 4 GiB. Everything is written below 640 KiB,
 * so a write above BACKED finds no chunk and crashes: that too would be a bug.
 *
 * Invariants checked for every input:
 *   - it succeeds exactly when, computed here: at most 16 modules, the address is 4-byte
 *     aligned, RAM reaches past 1 MiB, the block (116 + 72 bytes + 16 per module + the
 *     strings with their NULs) ends at or below 0x9FC00 and does not overlap
 *     [load start, load end), and every module, placed page by page from the first page
 *     at or after max(load end, 1 MiB), ends inside RAM;
 *   - refused: a reason, and RAM untouched; built: EAX/EBX/end as 3.2 says, nothing
 *     written outside the block, and the block reads back as Multiboot 0.6.96 3.3 lays
 *     it out (flags, mem_lower/upper, the 3-entry map, the modules where computed with
 *     their strings and bytes, both strings, all else zero).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/multiboot.h"
#include "hypervisor/multiboot_info.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_ram.h"

#define BACKED   0x110000ull /* 1 MiB + 64 KiB */
#define GIB4     (1ull << 32)
#define MIB1     0x100000ull
#define FIXED    116u /* struct multiboot_info */
#define MAP_SIZE 72u  /* 3 entries of 24 bytes */
#define STR_MAX  0x1000u
#define WHY_LEN  256
#define MOD_MAX  16u     /* MULTIBOOT_MODULES_MAX */
#define MOD_SIZE 0x3001u /* sizes 0..0x3000: a few pages, some not whole */
#define PAGE     0x1000ull

static const char *const mod_strings[MOD_MAX + 1] = {
    "env.txt", "",  "initrd.img", "m", "a-rather-longer-name.bin",
    "x",       "y", "z",          "0", "1",
    "2",       "3", "4",          "5", "6",
    "7",       "8",
};
static uint8_t pattern[MOD_SIZE + MOD_MAX + 1];

struct mods {
    unsigned count;
    struct multiboot_module_file file[MOD_MAX + 1];
    uint64_t start[MOD_MAX + 1], end[MOD_MAX + 1]; /* where they must go */
    bool fit;                                      /* all inside RAM */
    uint64_t strings;                              /* bytes of their strings */
};

static uint64_t page_up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

/* Where the modules must go, computed apart from the builder. */
static void place(struct mods *md, uint32_t load_end, uint64_t ram_size)
{
    uint64_t at = page_up(load_end > MIB1 ? load_end : MIB1);
    md->fit = true;
    md->strings = 0;
    for (unsigned i = 0; i < md->count; i++) {
        md->start[i] = page_up(at);
        md->end[i] = md->start[i] + md->file[i].size;
        md->fit &= md->end[i] <= ram_size;
        md->strings += strlen(md->file[i].string) + 1;
        at = md->end[i];
    }
}

static struct guest_memory *ram; /* the backing */
static struct guest_memory view; /* what the builder sees */

/* A value near an edge that matters here; kind picks the edge. */
static uint64_t near_edge(uint8_t kind, uint32_t v, const uint64_t *edges, unsigned n)
{
    int64_t off = (int32_t)v % 0x400;
    if (kind % 4 == 3)
        return v;
    return edges[(kind / 4) % n] + (uint64_t)off;
}

/* The view: ram_size as chosen, chunks clipped to it. */
static void make_view(uint64_t ram_size)
{
    view = *ram;
    view.ram_size = ram_size;
    view.chunk_count = 0;
    for (size_t i = 0; i < ram->chunk_count && ram->chunks[i].gpa < ram_size; i++) {
        view.chunks[i] = ram->chunks[i];
        if (view.chunks[i].gpa + view.chunks[i].size > ram_size)
            view.chunks[i].size = ram_size - view.chunks[i].gpa;
        view.chunk_count++;
    }
}

static size_t take_string(struct fuzz_input *in, size_t max, char *out)
{
    size_t n = 0;
    while (n < max && in->left && *in->data) {
        out[n++] = (char)*in->data++;
        in->left--;
    }
    out[n] = '\0';
    return n;
}

static void check_string(uint32_t at, const char *s, uint32_t lo, uint64_t hi)
{
    size_t n = strlen(s) + 1;
    FUZZ_CHECK(at >= lo && at + n <= hi, "string at 0x%x outside the block", at);
    static char back[STR_MAX + 1];
    FUZZ_CHECK(guest_memory_read(ram, at, back, n) == 0 && memcmp(back, s, n) == 0,
               "string at 0x%x reads back wrong", at);
}

/* Each module structure as placed, its string in the block, its bytes in RAM; then its
 * range back to junk, so that only the block may differ from junk afterwards. */
static void check_modules(const struct mods *md, uint32_t mods_addr, uint32_t strings_lo,
                          uint64_t end)
{
    for (unsigned i = 0; i < md->count; i++) {
        struct multiboot_module m;
        FUZZ_CHECK(guest_memory_read(ram, mods_addr + i * sizeof(m), &m, sizeof(m)) == 0,
                   "module %u structure", i);
        FUZZ_CHECK(m.mod_start == md->start[i] && m.mod_end == md->end[i] && m.reserved == 0,
                   "module %u at 0x%x-0x%x, want 0x%llx-0x%llx", i, m.mod_start, m.mod_end,
                   (unsigned long long)md->start[i], (unsigned long long)md->end[i]);
        check_string(m.string, md->file[i].string, strings_lo, end);
        static uint8_t back[MOD_SIZE];
        FUZZ_CHECK(md->file[i].size == 0 || /* an empty one may sit at the end of RAM */
                       (guest_memory_read(ram, m.mod_start, back, md->file[i].size) == 0 &&
                        memcmp(back, md->file[i].data, md->file[i].size) == 0),
                   "module %u bytes read back wrong", i);
        fuzz_ram_reset(ram, m.mod_start, m.mod_end);
    }
}

static void check_block(uint32_t gpa, uint64_t end, uint64_t ram_size, const char *cmdline,
                        const char *name, const struct mods *md)
{
    struct multiboot_info info, want = {0};
    uint32_t strings_lo = gpa + FIXED + MAP_SIZE + md->count * 16u;
    FUZZ_CHECK(guest_memory_read(ram, gpa, &info, sizeof(info)) == 0, "read back");
    want.flags =
        MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MMAP | (cmdline ? MULTIBOOT_INFO_CMDLINE : 0) |
        (name ? MULTIBOOT_INFO_BOOT_LOADER_NAME : 0) | (md->count ? MULTIBOOT_INFO_MODS : 0);
    want.mods_count = md->count;
    want.mods_addr = md->count ? gpa + FIXED + MAP_SIZE : 0;
    want.mem_lower = 639; /* KiB: 0x9FC00 */
    want.mem_upper = (uint32_t)((ram_size - MIB1) / 1024);
    want.mmap_addr = gpa + FIXED;
    want.mmap_length = MAP_SIZE;
    want.cmdline = info.cmdline;                   /* checked below */
    want.boot_loader_name = info.boot_loader_name; /* checked below */
    FUZZ_CHECK(memcmp(&info, &want, sizeof(info)) == 0,
               "info: flags 0x%x mem %u/%u mmap 0x%x+%u (want 0x%x %u/%u 0x%x+%u)", info.flags,
               info.mem_lower, info.mem_upper, info.mmap_addr, info.mmap_length, want.flags,
               want.mem_lower, want.mem_upper, want.mmap_addr, want.mmap_length);
    check_modules(md, info.mods_addr, strings_lo, end);
    if (cmdline)
        check_string(info.cmdline, cmdline, strings_lo, end);
    else
        FUZZ_CHECK(info.cmdline == 0, "cmdline 0x%x without the flag", info.cmdline);
    if (name)
        check_string(info.boot_loader_name, name, strings_lo, end);
    else
        FUZZ_CHECK(info.boot_loader_name == 0, "name 0x%x without the flag",
                   info.boot_loader_name);

    const struct multiboot_mmap_entry map[3] = {
        {MULTIBOOT_MMAP_ENTRY_SIZE, 0, 0x9FC00, MULTIBOOT_MEMORY_AVAILABLE},
        {MULTIBOOT_MMAP_ENTRY_SIZE, 0x9FC00, MIB1 - 0x9FC00, MULTIBOOT_MEMORY_RESERVED},
        {MULTIBOOT_MMAP_ENTRY_SIZE, MIB1, ram_size - MIB1, MULTIBOOT_MEMORY_AVAILABLE},
    };
    struct multiboot_mmap_entry got[3];
    FUZZ_CHECK(guest_memory_read(ram, gpa + FIXED, got, sizeof(got)) == 0 &&
                   memcmp(got, map, sizeof(map)) == 0,
               "memory map for RAM 0x%llx reads back wrong", (unsigned long long)ram_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t ram_edges[] = {MIB1, 4ull << 20, 1ull << 30, GIB4};
    static const uint64_t gpa_edges[] = {MULTIBOOT_INFO_GPA, GUEST_LOWER_MEMORY_END - 0x200, 0,
                                         GIB4 - 0x100};
    static char cmdline[STR_MAX + 1], name[STR_MAX + 1];
    if (!ram) {
        ram = fuzz_ram_new(BACKED);
        for (size_t i = 0; i < sizeof(pattern); i++)
            pattern[i] = (uint8_t)(i * 13 + 5);
    }
    struct fuzz_input in = {data, size};
    uint8_t kind = fuzz_u8(&in);
    uint64_t ram_size = near_edge(kind, fuzz_u32(&in), ram_edges, 4) & ~0xFFFull;
    if (ram_size == 0 || ram_size > GIB4)
        ram_size = GIB4;
    kind = fuzz_u8(&in);
    uint32_t gpa = (uint32_t)near_edge(kind, fuzz_u32(&in), gpa_edges, 4);
    uint32_t load_start = fuzz_u32(&in), load_end = fuzz_u32(&in);
    uint8_t flags = fuzz_u8(&in);
    static struct mods md;
    md.count = (flags >> 2) % (MOD_MAX + 2);
    for (unsigned i = 0; i < md.count; i++)
        md.file[i] = (struct multiboot_module_file){mod_strings[i], pattern + i,
                                                    fuzz_u16(&in) % MOD_SIZE};
    if (md.count && ram_size > BACKED)
        ram_size = BACKED; /* the modules are written: keep them in backed RAM */
    size_t cmd_max = fuzz_u16(&in) % (STR_MAX + 1);
    size_t cmd_len = take_string(&in, cmd_max, cmdline);
    if (in.left) { /* past the cmdline's NUL (if it had one) */
        in.data++;
        in.left--;
    }
    size_t name_len = take_string(&in, STR_MAX, name);
    const char *cmd = (flags & 1) ? NULL : cmdline;
    const char *nm = (flags & 2) ? NULL : name;
    make_view(ram_size);

    place(&md, load_end, ram_size);
    uint64_t end = (uint64_t)gpa + FIXED + MAP_SIZE + md.count * 16u + (cmd ? cmd_len + 1 : 0) +
                   (nm ? name_len + 1 : 0) + md.strings;
    bool ok_want = md.count <= MOD_MAX && gpa % 4 == 0 && ram_size > MIB1 &&
                   end <= GUEST_LOWER_MEMORY_END && !(gpa < load_end && load_start < end) &&
                   md.fit;

    struct multiboot_boot mb;
    char why[WHY_LEN] = "";
    bool ok = multiboot_info_build(&view, gpa, load_start, load_end, cmd, nm, md.file, md.count,
                                   &mb, why, sizeof(why)) == 0;
    FUZZ_CHECK(ok == ok_want, "info at 0x%x-0x%llx, kernel 0x%x-0x%x, RAM 0x%llx: %s", gpa,
               (unsigned long long)end, load_start, load_end, (unsigned long long)ram_size,
               ok ? "built" : why);
    if (!ok) {
        FUZZ_CHECK(why[0] && memchr(why, '\0', sizeof(why)), "refused without a reason");
        uint64_t changed = fuzz_ram_first_changed(ram, 0, 0);
        FUZZ_CHECK(changed == UINT64_MAX, "refused (%s), but wrote 0x%llx", why,
                   (unsigned long long)changed);
        return 0;
    }
    FUZZ_CHECK(mb.eax == MULTIBOOT_BOOTLOADER_MAGIC && mb.ebx == gpa && mb.info_end == end,
               "machine state 0x%x 0x%x 0x%x", mb.eax, mb.ebx, mb.info_end);
    FUZZ_CHECK(mb.modules_start == (md.count ? md.start[0] : 0) &&
                   mb.modules_end == (md.count ? md.end[md.count - 1] : 0),
               "modules reported at 0x%x-0x%x", mb.modules_start, mb.modules_end);
    check_block(gpa, end, ram_size, cmd, nm, &md); /* puts the modules' RAM back to junk */
    uint64_t changed = fuzz_ram_first_changed(ram, gpa, end);
    FUZZ_CHECK(changed == UINT64_MAX, "wrote 0x%llx, outside the block 0x%x-0x%llx",
               (unsigned long long)changed, gpa, (unsigned long long)end);
    fuzz_ram_reset(ram, gpa, end);
    return 0;
}
