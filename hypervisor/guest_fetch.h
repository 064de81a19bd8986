/*
 * guest_fetch.h - read the guest's instruction at CS:RIP, for the exits whose instruction
 * hvlab must decode itself (MMIO accesses; MOV CR under SVM without decode assists).
 */
#ifndef HVLAB_GUEST_FETCH_H
#define HVLAB_GUEST_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/mmio_decode.h"
#include "hypervisor/vcpu.h"

/* Copy up to MMIO_INSN_MAX bytes at CS.base + rip into bytes, through the guest's own page
 * tables (guest_walk.h); returns how many (0: none). Bytes on a page that is not mapped
 * or past the end of RAM are not fetched. */
size_t guest_fetch_instruction(struct vcpu *vcpu, uint64_t rip, uint8_t *bytes);

#endif
