/*
 * vmx_instr.h - the VMX instructions, each returning how it ended.
 *
 * A VMX instruction reports failure in RFLAGS (SDM Vol. 3C, "Conventions" in the VMX
 * instruction reference): CF=1 is VMfailInvalid (no current VMCS, or a bad pointer), ZF=1
 * is VMfailValid (the error number is in the VMCS field VM_INSTRUCTION_ERROR). Callers
 * must check every result; vmcs.c does so for VMREAD/VMWRITE.
 */
#ifndef HVLAB_ARCH_VMX_INSTR_H
#define HVLAB_ARCH_VMX_INSTR_H

#include <stdint.h>

enum vmx_result {
    VMX_OK = 0,
    VMX_FAIL_INVALID = 1, /* CF=1: no valid current VMCS / invalid operand */
    VMX_FAIL_VALID = 2,   /* ZF=1: see VMCS_RO_VM_INSTRUCTION_ERROR */
};

static inline enum vmx_result vmx_result_of(uint8_t cf, uint8_t zf)
{
    return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* Instructions that take the physical address of a 4 KiB region in memory. */
#define DEFINE_VMX_PA_INSTR(name)                                                              \
    static inline enum vmx_result name(uint64_t pa)                                            \
    {                                                                                          \
        uint8_t cf, zf;                                                                        \
        __asm__ volatile(#name " %[pa]; setc %[cf]; setz %[zf]"                                \
                         : [cf] "=qm"(cf), [zf] "=qm"(zf)                                      \
                         : [pa] "m"(pa)                                                        \
                         : "cc", "memory");                                                    \
        return vmx_result_of(cf, zf);                                                          \
    }
DEFINE_VMX_PA_INSTR(vmxon)   /* enter VMX operation with this VMXON region */
DEFINE_VMX_PA_INSTR(vmclear) /* initialise a VMCS, make it inactive and not current */
DEFINE_VMX_PA_INSTR(vmptrld) /* make a VMCS current (and active) */
#undef DEFINE_VMX_PA_INSTR

/* INVEPT / INVVPID: drop cached translations of one context (or all). The operand is a
 * 128-bit descriptor in memory. See: SDM Vol. 3C, "INVEPT", "INVVPID". */
#define INVEPT_SINGLE_CONTEXT  1u /* mappings derived from one EPTP */
#define INVEPT_ALL_CONTEXT     2u /* mappings derived from any EPTP */
#define INVVPID_SINGLE_CONTEXT 1u /* mappings tagged with one VPID */
#define INVVPID_ALL_CONTEXT    2u /* mappings tagged with any VPID but 0 */
struct invept_descriptor {
    uint64_t eptp, reserved;
};
struct invvpid_descriptor {
    uint64_t vpid; /* bits 15:0; the rest must be zero */
    uint64_t linear_address;
};
static inline enum vmx_result vmx_invept(uint64_t type, const struct invept_descriptor *d)
{
    uint8_t cf, zf;
    __asm__ volatile("invept %[d], %[type]; setc %[cf]; setz %[zf]"
                     : [cf] "=qm"(cf), [zf] "=qm"(zf)
                     : [d] "m"(*d), [type] "r"(type)
                     : "cc", "memory");
    return vmx_result_of(cf, zf);
}
static inline enum vmx_result vmx_invvpid(uint64_t type, const struct invvpid_descriptor *d)
{
    uint8_t cf, zf;
    __asm__ volatile("invvpid %[d], %[type]; setc %[cf]; setz %[zf]"
                     : [cf] "=qm"(cf), [zf] "=qm"(zf)
                     : [d] "m"(*d), [type] "r"(type)
                     : "cc", "memory");
    return vmx_result_of(cf, zf);
}

static inline enum vmx_result vmx_vmwrite(uint64_t field, uint64_t value)
{
    uint8_t cf, zf;
    __asm__ volatile("vmwrite %[value], %[field]; setc %[cf]; setz %[zf]"
                     : [cf] "=qm"(cf), [zf] "=qm"(zf)
                     : [field] "r"(field), [value] "rm"(value)
                     : "cc", "memory");
    return vmx_result_of(cf, zf);
}

static inline enum vmx_result vmx_vmread(uint64_t field, uint64_t *value)
{
    uint8_t cf, zf;
    __asm__ volatile("vmread %[field], %[value]; setc %[cf]; setz %[zf]"
                     : [value] "=rm"(*value), [cf] "=qm"(cf), [zf] "=qm"(zf)
                     : [field] "r"(field)
                     : "cc", "memory");
    return vmx_result_of(cf, zf);
}

static inline void vmx_vmxoff(void) { __asm__ volatile("vmxoff" ::: "cc", "memory"); }

#endif
