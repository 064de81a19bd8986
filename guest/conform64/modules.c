/*
 * modules.c - the Multiboot modules conform64 was booted with (hvlab: modules=FILE,...):
 * guest/modcheck's report (lib/multiboot_modules.c), one TAP note per line, so a boot
 * test can expect each module's string, size and checksum.
 *
 * See: Multiboot Specification 0.6.96, 3.3 "Boot information format".
 */
#include "conform64.h"
#include "multiboot.h"
#include "multiboot_modules.h"

extern char __kernel_end[]; /* linker64.ld */

static void note_line(const char *line) { tap_note("%s", line); }

enum tap_outcome check_multiboot_modules(void)
{
    const struct multiboot_info *mbi = env.mbi;

    if (!mbi)
        return tap_fail("not started by a Multiboot loader (magic)");
    if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0)
        return tap_skip("no modules (under hvlab: modules=FILE,...)");
    if (!multiboot_modules_report(mbi, (uint32_t)(uintptr_t)__kernel_end, note_line))
        return tap_fail("a module misaligned, misplaced or unnamed (notes)");
    return TAP_PASS;
}
