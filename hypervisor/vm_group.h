/*
 * vm_group.h - run the guests of guest=: each '+' group at the same time (scheduler.c),
 * the ','-separated groups one after another.
 */
#ifndef HVLAB_VM_GROUP_H
#define HVLAB_VM_GROUP_H

#include "boot/boot_info.h"
#include "hypervisor/scheduler.h"
#include "hypervisor/virt_ops.h"

/* Create every VM of group g (ids 1..count: their TLB tags and memory owners; the first
 * takes hvlab's serial input), run them together until all have ended, give every page
 * back. One row per guest of g goes to rows (a guest that did not start: "not started").
 * Returns HV_STATUS_OK if every guest of g exited with status 0. tsc_hz (0 if unknown)
 * turns watchdog= and slice= into TSC ticks. */
enum hv_status vm_run_group(const struct boot_info *info, const struct virt_ops *hw,
                            const struct boot_guest_group *g, uint64_t tsc_hz,
                            struct vm_summary *rows);

/* Every group of guest= in turn (A+B runs A and B together, then ",C" runs C): a guest
 * that is stopped stops no other. With more than one guest, the final report follows
 * (sched_report). Returns the worst status. */
enum hv_status vm_run_guests(const struct boot_info *info, const struct virt_ops *hw,
                             uint64_t tsc_hz);

#endif
