/*
 * cmdline.h - read `name=value` words from the Multiboot command line.
 *
 * hvlab passes the words after `--` in its load options (e.g. `guest=victim -- passes=3`)
 * as the guest's command line; words are separated by spaces.
 *
 * See: Multiboot Specification 0.6.96, 3.3 "Boot information format" (cmdline, flags bit 2).
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdint.h>

#include "multiboot.h"

/* The command line the loader passed, or "" if there is none. */
const char *cmdline_get(uint32_t magic, const struct multiboot_info *mbi);

/* The value of the first `name=N` word of cmdline, N in decimal; fallback when there is no
 * such word or N is not a decimal number below 2^32. */
uint32_t cmdline_uint(const char *cmdline, const char *name, uint32_t fallback);

#endif /* GUEST_CMDLINE_H */
