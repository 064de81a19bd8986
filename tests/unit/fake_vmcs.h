/*
 * fake_vmcs.h - stands in for arch/x86_64/vmx/vmcs.h so that host tests can compile VT-x
 * code that reads the current VMCS (vmx_exit.c): include this first, then the .c file.
 * It takes vmcs.h's include guard, so the real header (VMREAD/VMWRITE as inline asm) is
 * skipped. VMREAD asks the test (fake_vmcs_read); VMWRITE is not expected and aborts.
 */
#ifndef HVLAB_ARCH_VMX_VMCS_H
#define HVLAB_ARCH_VMX_VMCS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "arch/x86_64/vmx/vmcs_fields.h"

/* The test's VMCS: the value of `field`. */
uint64_t fake_vmcs_read(uint32_t field);

static inline uint64_t vmcs_read(uint32_t field) { return fake_vmcs_read(field); }

static inline void vmcs_write(uint32_t field, uint64_t value)
{
    (void)field;
    (void)value;
    abort();
}

#endif
