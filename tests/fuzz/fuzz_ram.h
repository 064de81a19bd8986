/*
 * fuzz_ram.h - guest RAM for the harnesses, made once and reused for every input: host
 * pages from tests/unit/host_pages.c (each chunk its own heap block, so AddressSanitizer
 * sees a write past a chunk), filled with a junk byte so that what the code under test
 * wrote, and where, shows.
 *
 *   guest-physical 0                 lo          hi                ram_size
 *                  | junk            | may change | junk            |
 */
#ifndef HVLAB_TESTS_FUZZ_RAM_H
#define HVLAB_TESTS_FUZZ_RAM_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

#define FUZZ_RAM_JUNK 0xAA /* what guest RAM holds before each input */

/* Guest RAM of ram_size bytes (a 4 KiB multiple), junk-filled; exits on failure. The
 * memory lives until the process ends. */
struct guest_memory *fuzz_ram_new(uint64_t ram_size);

/* Offset of the first byte of [0, ram_size) outside [lo, hi) that is not junk, or
 * UINT64_MAX if there is none (lo = hi = 0: check all of RAM). */
uint64_t fuzz_ram_first_changed(const struct guest_memory *m, uint64_t lo, uint64_t hi);

/* Put the junk back into [lo, hi) (clamped to RAM). */
void fuzz_ram_reset(const struct guest_memory *m, uint64_t lo, uint64_t hi);

#endif
