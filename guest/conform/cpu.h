/*
 * cpu.h - control registers, EFER and the paging-structure bits the paging and long-mode
 * checks use. Also included by longmode_switch.S (the C part is hidden from the assembler).
 *
 * See: Intel SDM Vol. 3A, "Control Registers", "Extended Feature Enable Register",
 *      "32-Bit Paging", "4-Level Paging and 5-Level Paging", "Page-Fault Exceptions".
 */
#ifndef CONFORM_CPU_H
#define CONFORM_CPU_H

#define CR0_PG  0x80000000 /* bit 31: paging */
#define CR4_PSE (1 << 4)   /* 4 MiB pages with 32-bit paging */
#define CR4_PAE (1 << 5)   /* physical address extension (required for IA-32e mode) */

#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)  /* IA-32e mode enable */
#define EFER_LMA (1 << 10) /* IA-32e mode active (read-only: CR0.PG with LME) */

/* Paging-structure entry bits (32-bit and 4-level formats agree on these). */
#define PTE_P  (1 << 0) /* present */
#define PTE_RW (1 << 1) /* writable */
#define PTE_PS (1 << 7) /* in a PDE: maps a large page (2 MiB with PAE / 4-level) */

/* #PF error code bits (SDM Vol. 3A, "Page-Fault Exceptions"). */
#define PF_ERROR_PRESENT (1 << 0) /* 0: the page was not present */
#define PF_ERROR_WRITE   (1 << 1) /* 1: the access was a write */

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint32_t read_cr0(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr4(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline void write_cr3(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline void write_cr4(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
#endif /* !__ASSEMBLER__ */
#endif /* CONFORM_CPU_H */
