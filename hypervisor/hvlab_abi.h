/*
 * hvlab_abi.h - what a guest can rely on: CPUID leaves, hypercalls, ports.
 * This header is the code side of docs/hypercalls.md; change both together.
 */
#ifndef HVLAB_ABI_H
#define HVLAB_ABI_H

/* CPUID leaves 0x40000000-0x4FFFFFFF are never used by Intel or AMD processors and are
 * where hypervisors identify themselves. See: SDM Vol. 2A, CPUID; AMD APM Vol. 3,
 * Appendix E "Obtaining Processor Information Via the CPUID Instruction". */
#define HVLAB_CPUID_LEAF_IDENT    0x40000000u /* EAX = max leaf, EBX:ECX:EDX = signature */
#define HVLAB_CPUID_LEAF_FEATURES 0x40000001u /* EAX = ABI version, EBX = feature bits */
#define HVLAB_CPUID_LEAF_MAX      HVLAB_CPUID_LEAF_FEATURES
#define HVLAB_CPUID_RANGE_LAST    0x4FFFFFFFu
#define HVLAB_SIGNATURE           "hvlab" /* padded with NULs to 12 bytes */

#define HVLAB_ABI_VERSION           0x00010002u /* major << 16 | minor: 1.2 */
#define HVLAB_FEATURE_CONSOLE_WRITE (1u << 0)
#define HVLAB_FEATURE_MEMORY_SIZE   (1u << 1)
#define HVLAB_FEATURE_TIME          (1u << 2)
#define HVLAB_FEATURE_YIELD         (1u << 3)
#define HVLAB_FEATURE_SHUTDOWN      (1u << 4)
#define HVLAB_FEATURE_MMIO_INFO     (1u << 5) /* the hvlab-info MMIO page below */
#define HVLAB_FEATURE_TICKS_LOST    (1u << 6) /* HC_TICKS_LOST (ABI 1.2) */
#define HVLAB_FEATURES_ALL                                                                     \
    (HVLAB_FEATURE_CONSOLE_WRITE | HVLAB_FEATURE_MEMORY_SIZE | HVLAB_FEATURE_TIME |            \
     HVLAB_FEATURE_YIELD | HVLAB_FEATURE_SHUTDOWN | HVLAB_FEATURE_MMIO_INFO |                 \
     HVLAB_FEATURE_TICKS_LOST)

/* Hypercall numbers (guest EAX). */
enum hypercall {
    HC_VERSION = 0,
    HC_CONSOLE_WRITE = 1, /* EBX = guest-physical buffer, ECX = length */
    HC_MEMORY_SIZE = 2,   /* -> guest RAM in KiB */
    HC_TIME = 3,          /* -> nanoseconds since the guest started: RAX, and EDX:EAX */
    HC_YIELD = 4,         /* wait until an interrupt is pending for the guest -> 0 */
    HC_SHUTDOWN = 5,      /* EBX = status byte: the guest ends, as with the debug-exit port */
    HC_TICKS_LOST = 6,    /* -> PIT edges that never became an IRQ 0 request: EDX:EAX */
};
#define HC_CONSOLE_WRITE_MAX 4096u

/* Hypercall errors, returned in EAX as negative numbers. */
#define HC_ENOSYS      (-1) /* unknown call */
#define HC_EFAULT      (-2) /* buffer outside guest RAM */
#define HC_EINVAL      (-3) /* bad length or argument */
#define HC_EWOULDBLOCK (-4) /* HC_YIELD: no interrupt source is armed, nothing would wake it */

/* The hvlab-info MMIO page (hypervisor/devices/hvlab_info.c): outside guest RAM, just
 * below the PC's I/O APIC (0xFEC00000), where no PC chipset device sits. */
#define HVLAB_INFO_MMIO_BASE   0xFEB00000u
#define HVLAB_INFO_MMIO_SIZE   0x1000u
#define HVLAB_INFO_REG_MAGIC   0x0u        /* read: HVLAB_INFO_MAGIC */
#define HVLAB_INFO_REG_VERSION 0x4u        /* read: HVLAB_ABI_VERSION */
#define HVLAB_INFO_REG_SCRATCH 0x8u        /* read/write */
#define HVLAB_INFO_MAGIC       0x626C7668u /* "hvlb" in memory order */

/* Guest-visible I/O ports. */
#define HVLAB_DEBUG_EXIT_PORT 0xF4u /* OUT a byte: the guest ends with that status */

#endif
