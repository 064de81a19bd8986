/*
 * cpu_bits.h - architectural register bits: CR0, CR4, EFER, RFLAGS and MSR numbers.
 *
 * Names follow the Intel SDM (revision pinned in docs/manuals.md); each group cites the
 * section that defines it. Pure definitions: safe to include from host unit tests.
 */
#ifndef HVLAB_ARCH_CPU_BITS_H
#define HVLAB_ARCH_CPU_BITS_H

#include <stdint.h>

#define BIT64(n) (UINT64_C(1) << (n))

/* See: SDM Vol. 3A, "Control Registers" (CR0). */
#define CR0_PE BIT64(0)  /* protection enable */
#define CR0_MP BIT64(1)  /* monitor coprocessor */
#define CR0_EM BIT64(2)  /* x87 emulation */
#define CR0_TS BIT64(3)  /* task switched */
#define CR0_ET BIT64(4)  /* extension type (fixed 1 on modern CPUs) */
#define CR0_NE BIT64(5)  /* numeric error reporting via #MF */
#define CR0_WP BIT64(16) /* supervisor write protect */
#define CR0_AM BIT64(18) /* alignment mask */
#define CR0_NW BIT64(29) /* not write-through */
#define CR0_CD BIT64(30) /* cache disable */
#define CR0_PG BIT64(31) /* paging */

/* See: SDM Vol. 3A, "Control Registers" (CR4). */
#define CR4_VME        BIT64(0)  /* virtual-8086 mode extensions */
#define CR4_PVI        BIT64(1)  /* protected-mode virtual interrupts */
#define CR4_TSD        BIT64(2)  /* time stamp disable */
#define CR4_DE         BIT64(3)  /* debugging extensions */
#define CR4_PSE        BIT64(4)  /* page size extensions */
#define CR4_PAE        BIT64(5)  /* physical address extension */
#define CR4_MCE        BIT64(6)  /* machine-check enable */
#define CR4_PGE        BIT64(7)  /* page global enable */
#define CR4_PCE        BIT64(8)  /* performance-counter enable */
#define CR4_OSFXSR     BIT64(9)  /* OS supports FXSAVE/FXRSTOR */
#define CR4_OSXMMEXCPT BIT64(10) /* OS supports unmasked SIMD exceptions */
#define CR4_UMIP       BIT64(11) /* user-mode instruction prevention */
#define CR4_LA57       BIT64(12) /* 5-level paging */
#define CR4_VMXE       BIT64(13) /* VMX enable */
#define CR4_SMXE       BIT64(14) /* SMX enable */
#define CR4_FSGSBASE   BIT64(16) /* RDFSBASE & co. */
#define CR4_PCIDE      BIT64(17) /* process-context identifiers */
#define CR4_OSXSAVE    BIT64(18) /* XSAVE and processor extended states */
#define CR4_SMEP       BIT64(20) /* supervisor-mode execution prevention */
#define CR4_SMAP       BIT64(21) /* supervisor-mode access prevention */
#define CR4_PKE        BIT64(22) /* protection keys for user pages */
#define CR4_CET        BIT64(23) /* control-flow enforcement */

/* See: SDM Vol. 3A, "Extended Feature Enable Register" (IA32_EFER). */
#define EFER_SCE  BIT64(0)  /* SYSCALL enable */
#define EFER_LME  BIT64(8)  /* IA-32e mode enable */
#define EFER_LMA  BIT64(10) /* IA-32e mode active */
#define EFER_NXE  BIT64(11) /* execute-disable enable */
#define EFER_SVME BIT64(12) /* AMD: SVM enable (AMD APM Vol. 2, "Enabling SVM") */

/* See: SDM Vol. 1, "EFLAGS Register". */
#define RFLAGS_CF            BIT64(0)
#define RFLAGS_FIXED1        BIT64(1) /* reserved, always 1 */
#define RFLAGS_PF            BIT64(2)
#define RFLAGS_AF            BIT64(4)
#define RFLAGS_ZF            BIT64(6)
#define RFLAGS_SF            BIT64(7)
#define RFLAGS_TF            BIT64(8)
#define RFLAGS_IF            BIT64(9)
#define RFLAGS_DF            BIT64(10)
#define RFLAGS_OF            BIT64(11)
#define RFLAGS_NT            BIT64(14)
#define RFLAGS_RF            BIT64(16)
#define RFLAGS_VM            BIT64(17)
#define RFLAGS_AC            BIT64(18) /* with CR4.SMAP: supervisor code may reach user pages */
/* Bits that must be 0: 3, 5, 15 and 22-63. See: SDM Vol. 1, "EFLAGS Register". */
#define RFLAGS_RESERVED_ZERO (BIT64(3) | BIT64(5) | BIT64(15) | ~((BIT64(22)) - 1))

/* Model-specific registers. See: SDM Vol. 4, "Model-Specific Registers (MSRs)". */
#define MSR_IA32_FEATURE_CONTROL 0x03Au
#define MSR_IA32_SYSENTER_CS     0x174u
#define MSR_IA32_SYSENTER_ESP    0x175u
#define MSR_IA32_SYSENTER_EIP    0x176u
#define MSR_IA32_DEBUGCTL        0x1D9u
#define MSR_IA32_PAT             0x277u
#define MSR_IA32_MTRRCAP         0x0FEu
#define MSR_IA32_MTRR_DEF_TYPE   0x2FFu
#define MSR_IA32_TSC             0x010u
#define MSR_IA32_APIC_BASE       0x01Bu
#define MSR_IA32_MISC_ENABLE     0x1A0u
#define MSR_IA32_BIOS_SIGN_ID    0x08Bu /* microcode revision in bits 63:32 */
/* AMD northbridge configuration: no public APM entry; the family 10h-16h BKDGs list it,
 * Linux reads and writes it while probing PCI extended config access (amd_bus.c). */
#define MSR_AMD64_NB_CFG         0xC001001Fu
#define MSR_IA32_EFER            0xC0000080u
#define MSR_IA32_STAR            0xC0000081u
#define MSR_IA32_LSTAR           0xC0000082u
#define MSR_IA32_CSTAR           0xC0000083u
#define MSR_IA32_FMASK           0xC0000084u
#define MSR_IA32_FS_BASE         0xC0000100u
#define MSR_IA32_GS_BASE         0xC0000101u
#define MSR_IA32_KERNEL_GS_BASE  0xC0000102u
#define MSR_IA32_TSC_AUX         0xC0000103u

/* IA32_FEATURE_CONTROL bits. See: SDM Vol. 3C, "Enabling and Entering VMX Operation". */
#define FEATURE_CONTROL_LOCK              BIT64(0)
#define FEATURE_CONTROL_VMXON_IN_SMX      BIT64(1)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT64(2)

/* CPUID leaves and feature bits. See: SDM Vol. 2A, "CPUID—CPU Identification"; AMD APM
 * Vol. 3, "CPUID Fn8000_0001_ECX". */
#define CPUID_LEAF_VENDOR         0x0u        /* EAX = highest basic leaf, vendor string */
#define CPUID_LEAF_FEATURES       0x1u        /* "Feature Information" */
#define CPUID_LEAF_EXT_MAX        0x80000000u /* EAX = highest extended leaf */
#define CPUID_LEAF_EXT_FEATURES   0x80000001u
#define CPUID_LEAF_EXT_FEATURES7  0x7u /* "Structured Extended Feature Flags", subleaf 0 */
#define CPUID_LEAF_XSAVE          0xDu /* "Processor Extended State Enumeration" */
#define CPUID_1_ECX_VMX           (1u << 5)
#define CPUID_1_ECX_SMX           (1u << 6)  /* safer mode extensions (GETSEC) */
#define CPUID_1_ECX_PCID          (1u << 17) /* process-context identifiers (CR4.PCIDE) */
#define CPUID_1_ECX_X2APIC        (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE  (1u << 24) /* the local APIC timer's TSC-deadline mode */
#define CPUID_1_ECX_XSAVE         (1u << 26) /* XSAVE/XRSTOR, XSETBV/XGETBV, XCR0 */
#define CPUID_1_ECX_OSXSAVE       (1u << 27) /* a copy of CR4.OSXSAVE */
#define CPUID_1_ECX_HYPERVISOR    (1u << 31) /* reserved for hypervisors to report presence */
#define CPUID_1_EDX_VME           (1u << 1)
#define CPUID_1_EDX_DE            (1u << 2)
#define CPUID_1_EDX_PSE           (1u << 3)
#define CPUID_1_EDX_TSC           (1u << 4)
#define CPUID_1_EDX_PAE           (1u << 6)
#define CPUID_1_EDX_MCE           (1u << 7)
#define CPUID_1_EDX_PGE           (1u << 13)
#define CPUID_1_EDX_FXSR          (1u << 24)
#define CPUID_1_EDX_SSE           (1u << 25)
#define CPUID_7_EBX_FSGSBASE      (1u << 0)
#define CPUID_7_EBX_SMEP          (1u << 7)
#define CPUID_7_EBX_MPX           (1u << 14)
#define CPUID_7_EBX_SMAP          (1u << 20)
#define CPUID_7_ECX_UMIP          (1u << 2)
#define CPUID_7_ECX_PKU           (1u << 3)
#define CPUID_7_ECX_OSPKE         (1u << 4)
#define CPUID_7_ECX_CET_SS        (1u << 7)
#define CPUID_7_EDX_CET_IBT       (1u << 20)
#define CPUID_7_EDX_AMX_BF16      (1u << 22)
#define CPUID_7_EDX_AMX_TILE      (1u << 24)
#define CPUID_7_EDX_AMX_INT8      (1u << 25)
#define CPUID_D_SUBLEAF_XCR0      0u /* EDX:EAX = the XCR0 bits the CPU supports */
#define CPUID_D_SUBLEAF_FLAGS     1u /* EAX = XSAVEOPT, XSAVEC, XGETBV1, XSAVES, XFD */
#define CPUID_D_SUBLEAF_LAST      63u
#define CPUID_D1_EAX_XSAVES       (1u << 3) /* XSAVES/XRSTORS and IA32_XSS */
#define CPUID_D1_EAX_XFD          (1u << 4) /* extended feature disable (IA32_XFD) */
#define CPUID_7_ECX_RDPID         (1u << 22)
#define CPUID_80000001_ECX_SVM    (1u << 2)
#define CPUID_80000001_EDX_RDTSCP (1u << 27)

/* XCR0 state components. See: SDM Vol. 1, "XSAVE-Supported Features and State-Component
 * Bitmaps"; Vol. 2C, "XSETBV—Set Extended Control Register". */
#define XCR_XCR0       0u       /* ECX of XSETBV/XGETBV: the only XCR XSETBV may write */
#define XCR0_X87       BIT64(0) /* always 1 */
#define XCR0_SSE       BIT64(1)
#define XCR0_AVX       BIT64(2)
#define XCR0_BNDREGS   BIT64(3)
#define XCR0_BNDCSR    BIT64(4)
#define XCR0_OPMASK    BIT64(5)
#define XCR0_ZMM_HI256 BIT64(6)
#define XCR0_HI16_ZMM  BIT64(7)
#define XCR0_PKRU      BIT64(9)
#define XCR0_TILECFG   BIT64(17)
#define XCR0_TILEDATA  BIT64(18)
#define XCR0_AVX512    (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_MPX       (XCR0_BNDREGS | XCR0_BNDCSR)
#define XCR0_AMX       (XCR0_TILECFG | XCR0_TILEDATA)

#endif
