/*
 * memtest.h - hello's RAM test: one dword per 4 KiB page of upper memory.
 */
#ifndef HELLO_MEMTEST_H
#define HELLO_MEMTEST_H

#include <stdbool.h>

#include "multiboot.h"

/*
 * Write a pattern to the first dword of every usable upper-memory page outside the
 * kernel image, read it back and print one result line. Returns true if all matched.
 * Destroys whatever the loader left in those pages (the Multiboot info included), so
 * it must be the last user of mbi.
 */
bool memtest_run(const struct multiboot_info *mbi);

#endif /* HELLO_MEMTEST_H */
