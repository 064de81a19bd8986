/*
 * vm.h - run one guest kernel from start to end.
 */
#ifndef HVLAB_VM_H
#define HVLAB_VM_H

#include "arch/x86_64/platform.h"
#include "boot/boot_info.h"
#include "hypervisor/virt_ops.h"

/* Load guest `name` (one of info->guests) into fresh guest RAM, run it until it ends,
 * report how it ended and its exits, and give its memory back: every page its creation
 * and run took, also when creation fails (then one line says what was missing). Returns
 * HV_STATUS_OK if the guest exited with status 0, HV_STATUS_GUEST_FAILED otherwise.
 * `position` is the guest's place in guest= (0 = first), which selftest=oom-at=K[+K...]
 * reads; tsc_hz (0 if unknown) turns the watchdog= option into TSC ticks. */
enum hv_status vm_run_guest(const struct boot_info *info, const struct virt_ops *ops,
                            const char *name, unsigned position, uint64_t tsc_hz);

#endif
