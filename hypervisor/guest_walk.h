/*
 * guest_walk.h - translate a guest-linear address through the guest's own page tables,
 * for the instructions hvlab must read itself (guest_fetch.c). A translation only: the
 * U/S, R/W and NX checks and the A/D updates a CPU makes are not done (hvlab reads code
 * the CPU has just fetched, so those checks already passed).
 *
 * Paging modes (SDM Vol. 3A, "Paging Modes and Control Bits", "32-Bit Paging", "PAE
 * Paging", "4-Level Paging and 5-Level Paging"): none (CR0.PG = 0), 32-bit (CR4.PAE = 0,
 * 4 KiB and, with CR4.PSE, 4 MiB pages incl. PSE-36), PAE (2 MiB pages) and 4-level
 * (EFER.LMA = 1, 2 MiB and 1 GiB pages). 5-level paging (CR4.LA57) is not offered to
 * guests (cr_policy.c).
 */
#ifndef HVLAB_GUEST_WALK_H
#define HVLAB_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

/* The control registers that choose the paging mode and the top table. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
};

/* The guest-physical address of `linear`, in *gpa; false (with *why) if an entry is not
 * present, lies outside guest RAM, or has a reserved bit set that changes its meaning. */
bool guest_walk(const struct guest_memory *mem, const struct guest_paging *p, uint64_t linear,
                uint64_t *gpa, const char **why);

#endif
