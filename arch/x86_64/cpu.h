/*
 * cpu.h - thin wrappers over privileged x86-64 instructions (CPUID, MSRs, control
 * registers, descriptor tables). One instruction each; the names say which.
 */
#ifndef HVLAB_ARCH_CPU_H
#define HVLAB_ARCH_CPU_H

#include <stdint.h>

#include "arch/x86_64/cpu_bits.h"

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

#define DEFINE_CR_ACCESSORS(n)                                                                 \
    static inline uint64_t read_cr##n(void)                                                    \
    {                                                                                          \
        uint64_t v;                                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                      \
        return v;                                                                              \
    }                                                                                          \
    static inline void write_cr##n(uint64_t v)                                                 \
    {                                                                                          \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                             \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

/* XCR0 (SDM Vol. 2C, "XGETBV", "XSETBV"): needs CR4.OSXSAVE. */
static inline uint64_t xgetbv(uint32_t xcr)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t xcr, uint64_t value)
{
    __asm__ volatile("xsetbv"
                     :
                     : "c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

/* PAUSE: a spin-wait hint (SDM Vol. 2B, "PAUSE—Spin Loop Hint"). */
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* Let pending interrupts in for one instruction boundary (STI's shadow covers the NOP),
 * then mask them again: how hvlab takes an interrupt it armed (lapic.c). */
static inline void cpu_take_pending_interrupts(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

/* The operand of LGDT/LIDT/SGDT/SIDT. See: SDM Vol. 3A, "Global Descriptor Table Register". */
struct __attribute__((packed)) descriptor_table_reg {
    uint16_t limit;
    uint64_t base;
};
_Static_assert(sizeof(struct descriptor_table_reg) == 10, "GDTR/IDTR operand is 10 bytes");

static inline struct descriptor_table_reg read_gdtr(void)
{
    struct descriptor_table_reg r;
    __asm__ volatile("sgdt %0" : "=m"(r));
    return r;
}

static inline struct descriptor_table_reg read_idtr(void)
{
    struct descriptor_table_reg r;
    __asm__ volatile("sidt %0" : "=m"(r));
    return r;
}

static inline uint16_t read_tr(void)
{
    uint16_t sel;
    __asm__ volatile("str %0" : "=r"(sel));
    return sel;
}

#define DEFINE_SEG_READER(name)                                                                \
    static inline uint16_t read_##name(void)                                                   \
    {                                                                                          \
        uint16_t sel;                                                                          \
        __asm__ volatile("mov %%" #name ", %0" : "=r"(sel));                                   \
        return sel;                                                                            \
    }
DEFINE_SEG_READER(cs)
DEFINE_SEG_READER(ss)
DEFINE_SEG_READER(ds)
DEFINE_SEG_READER(es)
DEFINE_SEG_READER(fs)
DEFINE_SEG_READER(gs)
#undef DEFINE_SEG_READER

static inline void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
