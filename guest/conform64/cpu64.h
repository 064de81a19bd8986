/*
 * cpu64.h - the IA-32e-mode names conform64 uses: control-register and EFER bits, the
 * MSRs it programs, paging-entry bits, the CPUID bits it reads, and its GDT layout.
 * Also included by the assembly files (the C part is hidden from the assembler).
 *
 * See: Intel SDM Vol. 3A, "Control Registers", "IA32_EFER MSR", "4-Level Paging and
 *      5-Level Paging", "Page-Fault Exceptions", "Fast System Calls in 64-Bit Mode",
 *      "Segment Descriptors"; Vol. 4, "Model-Specific Registers" (architectural MSRs);
 *      Vol. 2A, "CPUID—CPU Identification"; AMD APM Vol. 2, "SYSCALL and SYSRET".
 */
#ifndef CONFORM64_CPU64_H
#define CONFORM64_CPU64_H

/* CR0 and CR4 bits. */
#define CR0_PE         (1 << 0)   /* protected mode */
#define CR0_MP         (1 << 1)   /* monitor coprocessor: WAIT honours TS */
#define CR0_EM         (1 << 2)   /* emulate x87: must be 0 for SSE */
#define CR0_TS         (1 << 3)   /* task switched: first FPU/SSE use raises #NM */
#define CR0_NE         (1 << 5)   /* native x87 error reporting */
#define CR0_PG         0x80000000 /* paging */
#define CR4_PAE        (1 << 5)   /* physical address extension: required by IA-32e mode */
#define CR4_OSFXSR     (1 << 9)   /* the OS saves SSE state with FXSAVE: SSE allowed */
#define CR4_OSXMMEXCPT (1 << 10)  /* the OS handles #XM */
#define CR4_FSGSBASE   (1 << 16)  /* RDFSBASE/WRFSBASE/RDGSBASE/WRGSBASE allowed */
#define CR4_OSXSAVE    (1 << 18)  /* XSAVE, XGETBV/XSETBV allowed */

/* Model-specific registers. */
#define MSR_SYSENTER_CS    0x174      /* IA32_SYSENTER_CS */
#define MSR_SYSENTER_ESP   0x175      /* IA32_SYSENTER_ESP */
#define MSR_SYSENTER_EIP   0x176      /* IA32_SYSENTER_EIP */
#define MSR_PAT            0x277      /* IA32_PAT */
#define MSR_EFER           0xC0000080 /* IA32_EFER */
#define MSR_STAR           0xC0000081 /* SYSCALL/SYSRET selectors (and 32-bit EIP) */
#define MSR_LSTAR          0xC0000082 /* SYSCALL target RIP from 64-bit mode */
#define MSR_CSTAR          0xC0000083 /* SYSCALL target from compatibility mode (AMD) */
#define MSR_FMASK          0xC0000084 /* RFLAGS bits SYSCALL clears */
#define MSR_FS_BASE        0xC0000100 /* IA32_FS_BASE */
#define MSR_GS_BASE        0xC0000101 /* IA32_GS_BASE */
#define MSR_KERNEL_GS_BASE 0xC0000102 /* what SWAPGS exchanges with GS_BASE */
#define MSR_TSC_AUX        0xC0000103 /* what RDTSCP returns in ECX and RDPID in RAX */

/* IA32_EFER bits. */
#define EFER_SCE (1 << 0)  /* SYSCALL/SYSRET enable */
#define EFER_LME (1 << 8)  /* IA-32e mode enable */
#define EFER_LMA (1 << 10) /* IA-32e mode active (read-only) */
#define EFER_NXE (1 << 11) /* execute-disable bit (63) of paging entries honoured */

/* STAR: bits 47:32 the SYSCALL CS (SS = CS + 8), bits 63:48 the SYSRET base: 64-bit SYSRET
 * loads CS = base + 16 and SS = base + 8, both with RPL 3. */
#define STAR_SYSCALL_SHIFT 32
#define STAR_SYSRET_SHIFT  48

/* RFLAGS bits. */
#define RFLAGS_CF       (1 << 0)
#define RFLAGS_RESERVED (1 << 1) /* always 1 */
#define RFLAGS_TF       (1 << 8)
#define RFLAGS_IF       (1 << 9)
#define RFLAGS_DF       (1 << 10)
#define RFLAGS_AC       (1 << 18)

/* Paging-structure entry bits (4-level paging). */
#define PTE_P        (1 << 0) /* present */
#define PTE_RW       (1 << 1) /* writable */
#define PTE_US       (1 << 2) /* user: CPL 3 may access */
#define PTE_PWT      (1 << 3) /* write-through */
#define PTE_PCD      (1 << 4) /* cache disabled: with PWT, PAT entry 3 (UC) by default */
#define PTE_PS       (1 << 7) /* in a PDE: a 2 MiB page */
#define PTE_XD_SHIFT 63       /* execute-disable, with EFER.NXE */
#define PTE_TABLE                                                                              \
    (PTE_P | PTE_RW | PTE_US) /* a non-leaf entry that leaves the leaf to decide */

#define PAGE_SIZE    0x1000
#define LARGE_PAGE   0x200000 /* 2 MiB */
#define PAGE_ENTRIES 512
#define IDENTITY_PDS 4 /* 4 page directories x 1 GiB: 0-4 GiB identity-mapped */

/* The window: linear 0xFFFFFFFFC0000000 (PML4 511, PDPT 511, PD 0) + n * 4 KiB, whose page
 * table paging.c fills at run time to map frames where linear != physical. */
#define WINDOW_PML4_INDEX 511
#define WINDOW_PDPT_INDEX 511

/* #PF error code bits (SDM Vol. 3A, "Page-Fault Exceptions"). */
#define PF_ERR_P    (1 << 0) /* 1: protection violation on a present page */
#define PF_ERR_W    (1 << 1) /* 1: write */
#define PF_ERR_U    (1 << 2) /* 1: CPL 3 */
#define PF_ERR_RSVD (1 << 3) /* 1: a reserved bit was set */
#define PF_ERR_ID   (1 << 4) /* 1: instruction fetch */

/* GDT (boot64.S). The order follows the MSRs: SYSCALL CS/SS = KCODE/KDATA; SYSRET (base
 * UCODE32) SS/CS = UDATA/UCODE64; SYSEXIT (64-bit, SYSENTER_CS = KCODE) CS/SS = KCODE + 32
 * (UCODE64) and KCODE + 40 (UDATA_SYSEXIT). The TSS descriptor takes two slots. */
#define SEL_KCODE         0x08 /* 64-bit code, DPL 0 */
#define SEL_KDATA         0x10 /* data, DPL 0 */
#define SEL_UCODE32       0x18 /* 32-bit code, DPL 3 (the SYSRET base) */
#define SEL_UDATA         0x20 /* data, DPL 3 */
#define SEL_UCODE64       0x28 /* 64-bit code, DPL 3 */
#define SEL_UDATA_SYSEXIT 0x30 /* data, DPL 3: what 64-bit SYSEXIT loads into SS */
#define SEL_TSS           0x38 /* 64-bit TSS (16-byte descriptor) */
#define SEL_RPL3          3
#define SEL_RPL_MASK      3

/* Segment descriptor values (SDM Vol. 3A, "Segment Descriptors"): base 0, limit 4 GiB. */
#define DESC_KCODE64 0x00AF9A000000FFFF /* P, DPL 0, code XR, L = 1, G */
#define DESC_KDATA   0x00CF92000000FFFF /* P, DPL 0, data RW, D/B, G */
#define DESC_UCODE32 0x00CFFA000000FFFF /* P, DPL 3, code XR, D = 1, G */
#define DESC_UDATA   0x00CFF2000000FFFF /* P, DPL 3, data RW, D/B, G */
#define DESC_UCODE64 0x00AFFA000000FFFF /* P, DPL 3, code XR, L = 1, G */
#define GDT_ENTRIES  9                  /* 7 descriptors + the TSS's two slots */

/* CPUID bits. */
#define CPUID_1_EDX_SEP            (1u << 11) /* SYSENTER/SYSEXIT */
#define CPUID_1_EDX_PAT            (1u << 16)
#define CPUID_1_EDX_SSE2           (1u << 26)
#define CPUID_1_ECX_XSAVE          (1u << 26)
#define CPUID_1_ECX_OSXSAVE        (1u << 27)
#define CPUID_1_ECX_AVX            (1u << 28)
#define CPUID_7_EBX_FSGSBASE       (1u << 0)
#define CPUID_7_ECX_RDPID          (1u << 22)
#define CPUID_80000001_EDX_SYSCALL (1u << 11)
#define CPUID_80000001_EDX_NX      (1u << 20)
#define CPUID_80000001_EDX_RDTSCP  (1u << 27)
#define CPUID_80000001_EDX_LM      (1u << 29)
#define CPUID_LEAF_EXTENDED7       0x7 /* structured extended features, subleaves in ECX */
#define CPUID_LEAF_XSAVE           0xD /* subleaf 0: EDX:EAX = the XCR0 bits supported */

/* XCR0 bits (SDM Vol. 1, "XSAVE-Supported Features and State-Component Bitmaps"). */
#define XCR0_X87 (1 << 0)
#define XCR0_SSE (1 << 1)
#define XCR0_AVX (1 << 2)

#define STACK_SIZE 0x4000 /* 16 KiB: each of the guest's stacks */

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint64_t read_cr0(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void invlpg(uint64_t linear)
{
    __asm__ volatile("invlpg (%0)" ::"r"(linear) : "memory");
}
#endif /* !__ASSEMBLER__ */
#endif /* CONFORM64_CPU64_H */
