/*
 * cmdline.h - assemble hvlab's command line from its two sources:
 *   1. the file \hvlab.cfg on the boot volume (one option per line, '#' comments), and
 *   2. the image's UEFI load options (UCS-2 text, e.g. from GRUB's chainloader line).
 * Pure code, shared by boot/efi_main.c and the unit tests.
 */
#ifndef HVLAB_BOOT_CMDLINE_H
#define HVLAB_BOOT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is config-file text plain ASCII (printable, tabs, line ends)? If not, *bad_at is the
 * first other byte: a file saved as UTF-16 or with a byte-order mark starts with one. */
bool cmdline_config_is_text(const char *text, size_t len, size_t *bad_at);

/* Append config-file text: comments dropped, lines joined by spaces. False if cut. */
bool cmdline_append_config(char *dst, size_t cap, const char *text, size_t len);

/* Append UCS-2 load options (up to `bytes` bytes or the first NUL). Returns false and
 * appends nothing if they are not printable ASCII text: firmware boot managers may pass
 * binary data there. */
bool cmdline_append_ucs2(char *dst, size_t cap, const uint16_t *text, size_t bytes);

#endif
