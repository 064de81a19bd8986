/*
 * multiboot_modules.c - the boot modules' report (see multiboot_modules.h).
 *
 * A module must be page aligned (hvlab's promise, and what the Multiboot header's
 * MULTIBOOT_PAGE_ALIGN flag asks for modules), after the kernel and after the module
 * before it (hvlab loads them in order), and end inside RAM (below mem_upper's end).
 * The checksum is FNV-1a, 32-bit, so a shell can recompute it for a test's files.
 *
 * See: Multiboot Specification 0.6.96, 3.1.2 "The magic fields of Multiboot header",
 *      3.3 "Boot information format".
 */
#include "multiboot_modules.h"
#include "print.h"

#define PAGE_SIZE      4096u
#define PREVIEW_BYTES  16          /* first bytes of a module shown */
#define FNV1A_OFFSET   0x811C9DC5u /* FNV-1a, 32-bit */
#define FNV1A_PRIME    0x01000193u
#define NAME_MAX_BYTES 256u /* a module string longer than this is not a name */
#define LINE_BYTES     (NAME_MAX_BYTES + 96u)
#define KIB            1024u

static uint32_t fnv1a(const uint8_t *p, uint32_t n)
{
    uint32_t h = FNV1A_OFFSET;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV1A_PRIME;
    return h;
}

/* The printable start of a module, for the transcript. */
static void preview(const uint8_t *p, uint32_t n, char out[PREVIEW_BYTES + 1])
{
    uint32_t i = 0;
    for (; i < n && i < PREVIEW_BYTES; i++)
        out[i] = p[i] >= ' ' && p[i] <= '~' && p[i] != '"' ? (char)p[i] : '.';
    out[i] = '\0';
}

/* A module string: a non-null address in RAM, a NUL within NAME_MAX_BYTES, before RAM ends. */
static bool is_name(uint32_t string, uint64_t ram_end)
{
    const char *s = (const char *)(uintptr_t)string;
    if (string == 0)
        return false;
    for (uint32_t i = 0; i < NAME_MAX_BYTES && string + (uint64_t)i < ram_end; i++)
        if (s[i] == '\0')
            return true;
    return false;
}

bool multiboot_modules_report(const struct multiboot_info *mbi, uint32_t kernel_end,
                              module_line_fn line)
{
    const struct multiboot_module *mods =
        (const struct multiboot_module *)(uintptr_t)mbi->mods_addr;
    uint64_t ram_end = MULTIBOOT_UPPER_MEMORY_START + (uint64_t)mbi->mem_upper * KIB;
    uint32_t after = kernel_end;
    char text[LINE_BYTES];
    bool ok = true;

    ksnprintf(text, sizeof(text), "%u modules", mbi->mods_count);
    line(text);
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        const struct multiboot_module *m = &mods[i];
        uint32_t size = m->mod_end - m->mod_start;
        bool aligned = m->mod_start % PAGE_SIZE == 0;
        bool placed = m->mod_start >= after && m->mod_end >= m->mod_start &&
                      m->mod_end <= ram_end && m->reserved == 0;
        bool named = is_name(m->string, ram_end);
        const uint8_t *data = (const uint8_t *)(uintptr_t)m->mod_start;
        char start[PREVIEW_BYTES + 1];
        preview(data, size, start);
        ksnprintf(text, sizeof(text),
                  "module %u \"%s\" %u bytes%s%s%s, fnv1a 0x%08x, starts \"%s\"", i,
                  named ? (const char *)(uintptr_t)m->string : "", size,
                  aligned ? ", page aligned" : "", placed ? "" : ", MISPLACED",
                  named ? "" : ", UNNAMED", fnv1a(data, size), start);
        line(text);
        ok &= aligned && placed && named;
        after = m->mod_end;
    }
    return ok;
}
