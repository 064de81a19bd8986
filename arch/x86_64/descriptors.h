/*
 * descriptors.h - hvlab's own GDT, TSS and IDT.
 *
 * UEFI's tables live in boot-services memory that hvlab no longer owns after
 * ExitBootServices, and the VMCS host-state area needs a TR selector anyway (VM exit
 * loads it), so hvlab installs its own. See: SDM Vol. 3A, "Segment Descriptors",
 * "Task Management in 64-bit Mode", "Interrupt Descriptor Table (IDT)".
 *
 *   selector  descriptor
 *   0x00      null
 *   0x08      64-bit ring-0 code   (L=1)
 *   0x10      ring-0 data          (flat, writable)
 *   0x18      64-bit TSS           (16 bytes: two slots)
 */
#ifndef HVLAB_ARCH_DESCRIPTORS_H
#define HVLAB_ARCH_DESCRIPTORS_H

#include <stdint.h>

#define GDT_SEL_NULL   0x00u
#define GDT_SEL_CODE64 0x08u
#define GDT_SEL_DATA   0x10u
#define GDT_SEL_TSS    0x18u

/* Interrupt-stack-table slots (TSS.IST1..7) for exceptions that must not trust RSP. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

/* The TSS's base, for the VMCS host-state area. */
uint64_t descriptors_tss_base(void);

/* Build and load the GDT (reloading CS, DS, ES, SS, FS, GS), the TSS and the IDT. */
void descriptors_init(void);

#endif
