/*
 * hypercall.h - finding hvlab and calling it (the ABI of docs/hypercalls.md).
 *
 * Detection: CPUID.1:ECX[31] says "some hypervisor is present"; CPUID leaf 0x40000000
 * names it ("hvlab"); leaf 0x40000001 gives the ABI version and feature bits.
 * Calls: EAX = call number, EBX/ECX = arguments, then VMCALL (Intel) or VMMCALL (AMD);
 * the result comes back in EAX, negative values are errors. Hypercalls are only made once
 * hv_detect() has seen the hvlab signature.
 *
 * See: Intel SDM Vol. 2A, "CPUID—CPU Identification" (leaves 40000000H-4FFFFFFFH are
 *      never used by the processor); Intel SDM Vol. 3C, "VMCALL—Call to VM Monitor";
 *      AMD APM Vol. 3, "VMMCALL".
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

/* CPUID leaves of the hypervisor range. */
#define HV_CPUID_BASE     0x40000000 /* EAX = highest leaf, EBX:ECX:EDX = signature */
#define HV_CPUID_FEATURES 0x40000001 /* EAX = ABI version, EBX = feature bits */

#define HV_SIGNATURE_LEN   12                    /* bytes in EBX, ECX, EDX */
#define HV_SIGNATURE_HVLAB "hvlab\0\0\0\0\0\0\0" /* padded with NULs to 12 */

/* Leaf 0x40000001 EAX: ABI version = major << 16 | minor. */
#define HV_ABI_MAJOR(v) ((v) >> 16)
#define HV_ABI_MINOR(v) ((v)&0xFFFF)

#define HV_ABI_VERSION_1_1 0x00010001u /* HC_TIME, HC_YIELD, HC_SHUTDOWN added */
#define HV_ABI_VERSION_1_2 0x00010002u /* HC_TICKS_LOST added */

/* Leaf 0x40000001 EBX: feature bits. */
#define HV_FEATURE_CONSOLE_WRITE (1u << 0) /* HC_CONSOLE_WRITE is implemented */
#define HV_FEATURE_MEMORY_SIZE   (1u << 1) /* HC_MEMORY_SIZE is implemented */
#define HV_FEATURE_TIME          (1u << 2) /* HC_TIME (ABI 1.1) */
#define HV_FEATURE_YIELD         (1u << 3) /* HC_YIELD (ABI 1.1) */
#define HV_FEATURE_SHUTDOWN      (1u << 4) /* HC_SHUTDOWN (ABI 1.1) */
#define HV_FEATURE_MMIO_INFO     (1u << 5) /* the hvlab-info MMIO page (ABI 1.1) */
#define HV_FEATURE_TICKS_LOST    (1u << 6) /* HC_TICKS_LOST (ABI 1.2) */

/* The hvlab-info MMIO page (docs/hypercalls.md): register offsets and the magic value. */
#define HV_INFO_MMIO_GPA    0xFEB00000u
#define HV_INFO_REG_MAGIC   0x0u
#define HV_INFO_REG_VERSION 0x4u
#define HV_INFO_REG_SCRATCH 0x8u
#define HV_INFO_MAGIC       0x626C7668u /* "hvlb" */

/* Call numbers (EAX in). */
#define HC_VERSION       0 /* -> ABI version, as in CPUID 0x40000001 EAX */
#define HC_CONSOLE_WRITE 1 /* EBX = guest-physical address, ECX = length -> bytes written */
#define HC_MEMORY_SIZE   2 /* -> guest RAM size in KiB */
#define HC_TIME          3 /* -> nanoseconds since the guest started, in EDX:EAX */
#define HC_YIELD         4 /* wait until an interrupt is pending for the guest -> 0 */
#define HC_SHUTDOWN      5 /* EBX = status byte: the guest ends, as with the debug-exit port */
#define HC_TICKS_LOST    6 /* -> PIT edges that never became an IRQ 0 request, in EDX:EAX */

#define HC_CONSOLE_WRITE_MAX 4096 /* longest buffer HC_CONSOLE_WRITE accepts */

/* Errors (EAX out). */
#define HC_ENOSYS      (-1) /* unknown call number */
#define HC_EFAULT      (-2) /* buffer outside guest RAM */
#define HC_EINVAL      (-3) /* bad length or argument */
#define HC_EWOULDBLOCK (-4) /* HC_YIELD: no interrupt source is armed, nothing would wake it */

/* What CPUID told us about the hypervisor under us. */
struct hv_info {
    bool present;                         /* CPUID.1:ECX[31] */
    uint32_t max_leaf;                    /* leaf 0x40000000 EAX */
    char signature[HV_SIGNATURE_LEN + 1]; /* NUL-terminated */
    bool is_hvlab;                        /* signature matched, hypercalls allowed */
    uint32_t abi_version;                 /* leaf 0x40000001 EAX (hvlab only) */
    uint32_t features;                    /* leaf 0x40000001 EBX (hvlab only) */
};

/* Fill *hv from CPUID and pick VMCALL or VMMCALL from the CPU vendor. */
void hv_detect(struct hv_info *hv);

/* True if hypercalls use VMMCALL (AMD CPU), false for VMCALL; valid after hv_detect(). */
bool hv_uses_vmmcall(void);

/* Make hypercall nr with two arguments; returns EAX. Only after hv_detect() found hvlab. */
int32_t hypercall(uint32_t nr, uint32_t arg0, uint32_t arg1);

/* The same for calls that answer in EDX:EAX (HC_TIME, HC_TICKS_LOST): EDX goes in as 0, so a call that
 * only sets EAX (an error) comes back with the high half 0. */
uint64_t hypercall_edx_eax(uint32_t nr, uint32_t arg0, uint32_t arg1);

#endif /* GUEST_HYPERCALL_H */
