/*
 * guest_access.h - guest memory as an instruction hvlab emulates sees it: through the
 * guest's own paging (guest_walk.h) with its current CR0/CR3/CR4/EFER, RFLAGS and CPL,
 * and a #PF injected where the guest's walk fails, as the CPU would.
 */
#ifndef HVLAB_GUEST_ACCESS_H
#define HVLAB_GUEST_ACCESS_H

#include <stdint.h>

#include "hypervisor/guest_walk.h"
#include "hypervisor/vcpu.h"

/* The guest's paging state now. */
struct guest_paging vcpu_guest_paging(struct vcpu *vcpu);

/* Walk `len` bytes at guest-linear `linear` for a read or write by the guest at its CPL
 * (A/D bits set as the CPU would): the pieces in *span. On a page fault the #PF is queued
 * (error code, CR2) and ACTION_RESUME returned with *faulted set; a table outside RAM
 * stops the guest (ACTION_END). */
enum exit_action vcpu_walk_data(struct vcpu *vcpu, uint64_t linear, uint64_t len, bool write,
                                struct guest_span *span, bool *faulted);

#endif
