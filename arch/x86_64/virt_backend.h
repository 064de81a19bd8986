/*
 * virt_backend.h - pick the hardware virtualization backend for this CPU.
 */
#ifndef HVLAB_ARCH_VIRT_BACKEND_H
#define HVLAB_ARCH_VIRT_BACKEND_H

#include <stddef.h>

#include "arch/x86_64/virt_detect.h"
#include "hypervisor/virt_ops.h"

/* The ops table for `kind`, or NULL with the reason in why. */
const struct virt_ops *virt_backend_for(enum virt_kind kind, char *why, size_t why_len);

#endif
