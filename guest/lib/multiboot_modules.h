/*
 * multiboot_modules.h - report and check the boot modules a Multiboot loader handed a
 * guest: one line per module (index, string, size, FNV-1a checksum, first bytes) for the
 * guest to print its own way, and whether each lies where the loader must put it.
 * Used by guest/modcheck (plain lines) and guest/conform64 (TAP notes, 64-bit mode).
 *
 * See: Multiboot Specification 0.6.96, 3.3 "Boot information format" (mods_addr,
 *      mods_count, the module structure).
 */
#ifndef GUEST_MULTIBOOT_MODULES_H
#define GUEST_MULTIBOOT_MODULES_H

#include <stdbool.h>
#include <stdint.h>

#include "multiboot.h"

/* Receives one line of the report, without a newline. */
typedef void (*module_line_fn)(const char *line);

/*
 * With MULTIBOOT_INFO_MODS set in mbi->flags: hand `line` "N modules", then for each
 * module 'module I "STRING" SIZE bytes, page aligned, fnv1a 0x..., starts "..."'
 * (", MISPLACED" where it is not after kernel_end and the module before it, inside RAM,
 * reserved 0; ", UNNAMED" where its string is not a short text inside RAM). Returns
 * whether every module is page aligned, placed and named.
 */
bool multiboot_modules_report(const struct multiboot_info *mbi, uint32_t kernel_end,
                              module_line_fn line);

#endif /* GUEST_MULTIBOOT_MODULES_H */
