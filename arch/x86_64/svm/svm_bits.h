/*
 * svm_bits.h - Named numbers of AMD-V (SVM): the VMCB layout, intercept bits, exit codes,
 * the SVM MSRs and CPUID bits, the event-injection format and the EXITINFO1 decodings of
 * the IOIO and nested-page-fault intercepts.
 *
 * Follows: AMD APM Vol. 2, chapter "Secure Virtual Machine" (sections cited by title on
 * each group), Appendix B "Layout of VMCB" and Appendix C "SVM Intercept Exit Codes".
 * Revision pinned in docs/manuals.md. Pure definitions: safe for host unit tests.
 *
 * The VMCB is one 4 KiB page, 4 KiB aligned:
 *
 *   0x000 +--------------------------------+
 *         | control area: intercepts, IOPM/ |  written by hvlab, EXITCODE/EXITINFO*
 *         | MSRPM bases, ASID, NP, EVENTINJ |  written by the CPU on #VMEXIT
 *   0x400 +--------------------------------+
 *         | state-save area: segments, CRs, |  loaded by VMRUN, saved by #VMEXIT
 *         | EFER, RIP, RSP, RAX, PAT...     |  (FS, GS, TR, LDTR & co.: VMLOAD/VMSAVE)
 *   0x1000+--------------------------------+
 */
#ifndef HVLAB_ARCH_X86_64_SVM_SVM_BITS_H
#define HVLAB_ARCH_X86_64_SVM_SVM_BITS_H

#include <stddef.h>
#include <stdint.h>

/* ---- MSRs. See: APM Vol. 2, "SVM Related MSRs" */
#define MSR_VM_CR          0xC0010114u /* SVM control: lock, SVMDIS, ... */
#define MSR_VM_HSAVE_PA    0xC0010117u /* physical address of the host save area */
#define VM_CR_LOCK         (1ull << 3) /* SVMDIS is read-only (firmware locked it) */
#define VM_CR_SVMDIS       (1ull << 4) /* EFER.SVME cannot be set: SVM disabled */
#define SVM_HSAVE_ALIGN_PA 0xFFFull    /* VM_HSAVE_PA bits 11:0 must be zero */

/* ---- CPUID Fn8000_000A: SVM revision and features.
 * See: APM Vol. 2, "Enabling SVM"; APM Vol. 3, "CPUID Fn8000_000A_EDX SVM Features" */
#define CPUID_LEAF_SVM_FEATURES  0x8000000Au
#define CPUID_SVM_EBX_NASID_MASK 0xFFFFFFFFu /* EBX: number of ASIDs */
#define CPUID_SVM_EDX_NP         (1u << 0)   /* nested paging */
#define CPUID_SVM_EDX_LBRV       (1u << 1)   /* LBR virtualization */
#define CPUID_SVM_EDX_SVML       (1u << 2)   /* SVM lock */
#define CPUID_SVM_EDX_NRIPS      (1u << 3)   /* next RIP saved in the VMCB on #VMEXIT */
#define CPUID_SVM_EDX_VMCB_CLEAN (1u << 5)   /* VMCB clean bits */
#define CPUID_SVM_EDX_DECODE     (1u << 7)   /* decode assists (IOIO SEG field, ...) */

/* ---- Intercept vector 3 (VMCB offset 0x00C). See: Appendix B, Table "VMCB Layout,
 * Control Area" */
#define SVM_INTERCEPT_INTR  (1u << 0) /* physical maskable interrupt */
#define SVM_INTERCEPT_NMI   (1u << 1) /* physical NMI */
#define SVM_INTERCEPT_SMI   (1u << 2) /* physical SMI */
#define SVM_INTERCEPT_INIT  (1u << 3) /* physical INIT */
#define SVM_INTERCEPT_VINTR (1u << 4) /* virtual interrupt */

/* VMCB offset 0x060 (virtual interrupt control). See: APM Vol. 2, "Virtual Interrupt
 * Masking" and Appendix B. */
#define SVM_V_IRQ               (1ull << 8) /* a virtual interrupt is pending */
#define SVM_V_INTR_PRIO_SHIFT   16          /* bits 19:16: its priority */
#define SVM_V_INTR_PRIO_HIGHEST (0xFull << SVM_V_INTR_PRIO_SHIFT)
#define SVM_V_IGN_TPR           (1ull << 20) /* ignore the virtual TPR for it */
#define SVM_V_INTR_MASKING      (1ull << 24) /* host RFLAGS.IF masks physical interrupts */
#define SVM_INT_SHADOW          (1ull << 0) /* VMCB 0x068: the guest is in an interrupt shadow */
#define SVM_INTERCEPT_RDTSC     (1u << 14)  /* RDTSC */
#define SVM_INTERCEPT_CPUID     (1u << 18)  /* CPUID */
#define SVM_INTERCEPT_INVD      (1u << 22)  /* INVD */
#define SVM_INTERCEPT_PAUSE     (1u << 23)  /* PAUSE */
#define SVM_INTERCEPT_HLT       (1u << 24)  /* HLT */
#define SVM_INTERCEPT_INVLPG    (1u << 25)  /* INVLPG */
#define SVM_INTERCEPT_INVLPGA   (1u << 26)  /* INVLPGA */
#define SVM_INTERCEPT_IOIO_PROT (1u << 27)  /* IN/OUT/INS/OUTS, per port by the IOPM */
#define SVM_INTERCEPT_MSR_PROT  (1u << 28)  /* RDMSR/WRMSR, per MSR by the MSRPM */
#define SVM_INTERCEPT_TASK_SW   (1u << 29)  /* task switch */
#define SVM_INTERCEPT_SHUTDOWN  (1u << 31)  /* shutdown (triple fault) */

/* ---- Intercept vector 4 (VMCB offset 0x010). See: the same table */
#define SVM_INTERCEPT_VMRUN   (1u << 0) /* VMRUN: must be set, or VMRUN fails */
#define SVM_INTERCEPT_VMMCALL (1u << 1) /* VMMCALL: hvlab's hypercall */
#define SVM_INTERCEPT_VMLOAD  (1u << 2)
#define SVM_INTERCEPT_VMSAVE  (1u << 3)
#define SVM_INTERCEPT_STGI    (1u << 4)
#define SVM_INTERCEPT_CLGI    (1u << 5)
#define SVM_INTERCEPT_SKINIT  (1u << 6)
#define SVM_INTERCEPT_RDTSCP  (1u << 7)
#define SVM_INTERCEPT_WBINVD  (1u << 9)
#define SVM_INTERCEPT_XSETBV  (1u << 13)

/* ---- Other control-area fields. See: Appendix B, Table "VMCB Layout, Control Area" */
#define SVM_TLB_CONTROL_NOTHING   0x00        /* TLB_CONTROL: do nothing */
#define SVM_TLB_CONTROL_FLUSH_ALL 0x01        /* flush the entire TLB (every ASID) on VMRUN */
#define SVM_NP_ENABLE             (1ull << 0) /* offset 0x090 bit 0: nested paging */
#define SVM_INT_SHADOW            (1ull << 0) /* offset 0x068: guest in an interrupt shadow */
#define SVM_IOPM_PAGES            3           /* 12 KiB: one bit per port, 64K ports + 3 bits */
#define SVM_MSRPM_PAGES           2 /* 8 KiB: two bits (read, write) per MSR, 3 ranges */
#define SVM_INTERCEPT_CR_READ(n)  (1u << (n))        /* intercept_cr bits 15:0: CRn reads */
#define SVM_INTERCEPT_CR_WRITE(n) (1u << (16 + (n))) /* intercept_cr bits 31:16: CRn writes */

/* ---- Exit codes (EXITCODE, VMCB offset 0x070). See: Appendix C "SVM Intercept Exit
 * Codes". Groups of 16 (CRs, DRs) and 32 (exceptions) are given as bases. */
#define SVM_EXIT_CR_READ_BASE        0x000ull /* 0x00-0x0F: read of CR0-CR15 */
#define SVM_EXIT_CR_WRITE_BASE       0x010ull /* 0x10-0x1F: write of CR0-CR15 */
#define SVM_EXIT_DR_READ_BASE        0x020ull /* 0x20-0x2F: read of DR0-DR15 */
#define SVM_EXIT_DR_WRITE_BASE       0x030ull /* 0x30-0x3F: write of DR0-DR15 */
#define SVM_EXIT_EXCEPTION_BASE      0x040ull /* 0x40-0x5F: exception vector 0-31 */
#define SVM_EXIT_INTR                0x060ull
#define SVM_EXIT_NMI                 0x061ull
#define SVM_EXIT_SMI                 0x062ull
#define SVM_EXIT_INIT                0x063ull
#define SVM_EXIT_VINTR               0x064ull
#define SVM_EXIT_CR0_SEL_WRITE       0x065ull
#define SVM_EXIT_IDTR_READ           0x066ull
#define SVM_EXIT_GDTR_READ           0x067ull
#define SVM_EXIT_LDTR_READ           0x068ull
#define SVM_EXIT_TR_READ             0x069ull
#define SVM_EXIT_IDTR_WRITE          0x06Aull
#define SVM_EXIT_GDTR_WRITE          0x06Bull
#define SVM_EXIT_LDTR_WRITE          0x06Cull
#define SVM_EXIT_TR_WRITE            0x06Dull
#define SVM_EXIT_RDTSC               0x06Eull
#define SVM_EXIT_RDPMC               0x06Full
#define SVM_EXIT_PUSHF               0x070ull
#define SVM_EXIT_POPF                0x071ull
#define SVM_EXIT_CPUID               0x072ull
#define SVM_EXIT_RSM                 0x073ull
#define SVM_EXIT_IRET                0x074ull
#define SVM_EXIT_SWINT               0x075ull
#define SVM_EXIT_INVD                0x076ull
#define SVM_EXIT_PAUSE               0x077ull
#define SVM_EXIT_HLT                 0x078ull
#define SVM_EXIT_INVLPG              0x079ull
#define SVM_EXIT_INVLPGA             0x07Aull
#define SVM_EXIT_IOIO                0x07Bull
#define SVM_EXIT_MSR                 0x07Cull
#define SVM_EXIT_TASK_SWITCH         0x07Dull
#define SVM_EXIT_FERR_FREEZE         0x07Eull
#define SVM_EXIT_SHUTDOWN            0x07Full
#define SVM_EXIT_VMRUN               0x080ull
#define SVM_EXIT_VMMCALL             0x081ull
#define SVM_EXIT_VMLOAD              0x082ull
#define SVM_EXIT_VMSAVE              0x083ull
#define SVM_EXIT_STGI                0x084ull
#define SVM_EXIT_CLGI                0x085ull
#define SVM_EXIT_SKINIT              0x086ull
#define SVM_EXIT_RDTSCP              0x087ull
#define SVM_EXIT_ICEBP               0x088ull
#define SVM_EXIT_WBINVD              0x089ull
#define SVM_EXIT_MONITOR             0x08Aull
#define SVM_EXIT_MWAIT               0x08Bull
#define SVM_EXIT_MWAIT_CONDITIONAL   0x08Cull
#define SVM_EXIT_XSETBV              0x08Dull
#define SVM_EXIT_RDPRU               0x08Eull
#define SVM_EXIT_EFER_WRITE_TRAP     0x08Full
#define SVM_EXIT_CR_WRITE_TRAP_BASE  0x090ull /* 0x90-0x9F: CR0-CR15 write trap */
#define SVM_EXIT_INVLPGB             0x0A0ull
#define SVM_EXIT_INVLPGB_ILLEGAL     0x0A1ull
#define SVM_EXIT_INVPCID             0x0A2ull
#define SVM_EXIT_MCOMMIT             0x0A3ull
#define SVM_EXIT_TLBSYNC             0x0A4ull
#define SVM_EXIT_BUSLOCK             0x0A5ull /* bus lock threshold reached */
#define SVM_EXIT_IDLE_HLT            0x0A6ull /* HLT with no interrupt pending (idle HLT) */
#define SVM_EXIT_NPF                 0x400ull /* nested page fault */
#define SVM_EXIT_AVIC_INCOMPLETE_IPI 0x401ull
#define SVM_EXIT_AVIC_NOACCEL        0x402ull
#define SVM_EXIT_VMGEXIT             0x403ull
#define SVM_EXIT_INVALID             (~0ull)     /* -1: VMRUN's consistency checks failed */
#define SVM_EXIT_BUSY                (~0ull - 1) /* -2: the VMSA is busy (SEV-SNP) */
#define SVM_EXIT_IDLE_REQUIRED       (~0ull - 2) /* -3: VMRUN needs the sibling idle (SEV-SNP) */
#define SVM_EXIT_INVALID_PMC         (~0ull - 3) /* -4: invalid PMC state at VMRUN */

/* ---- EVENTINJ (VMCB offset 0x0A8), also the format of EXITINTINFO.
 * See: APM Vol. 2, "Event Injection"
 *
 *    63                32 31  30     12 11  10   8 7        0
 *   +--------------------+---+---------+----+------+----------+
 *   | error code         | V | reserved| EV | TYPE |  VECTOR  |
 *   +--------------------+---+---------+----+------+----------+
 */
#define SVM_EVENT_VECTOR_MASK      0xFFull
#define SVM_EVENT_TYPE_SHIFT       8
#define SVM_EVENT_TYPE_MASK        0x7ull
#define SVM_EVENT_TYPE_INTR        0ull /* external or virtual interrupt */
#define SVM_EVENT_TYPE_NMI         2ull
#define SVM_EVENT_TYPE_EXCEPTION   3ull         /* fault or trap */
#define SVM_EVENT_TYPE_SOFT_INT    4ull         /* INTn */
#define SVM_EVENT_ERROR_CODE_VALID (1ull << 11) /* EV: push the error code */
#define SVM_EVENT_VALID            (1ull << 31) /* V: inject this event */
#define SVM_EVENT_ERROR_CODE_SHIFT 32

/* ---- IOIO intercept EXITINFO1. See: APM Vol. 2, "IOIO Intercepts", Figure "EXITINFO1
 * for IOIO Intercept". EXITINFO2 holds the RIP of the next instruction.
 *
 *    31        16 15  13 12  10  9   8   7    6    5    4    3    2   1   0
 *   +------------+------+------+---+---+---+----+----+----+----+----+---+----+
 *   | port       | rsvd | SEG  |A64|A32|A16|SZ32|SZ16|SZ8 |REP |STR |   |TYPE|
 *   +------------+------+------+---+---+---+----+----+----+----+----+---+----+
 */
#define SVM_IOIO_TYPE_IN    (1ull << 0) /* 1 = IN/INS, 0 = OUT/OUTS */
#define SVM_IOIO_STRING     (1ull << 2) /* INS/OUTS */
#define SVM_IOIO_REP        (1ull << 3) /* REP prefix */
#define SVM_IOIO_SZ8        (1ull << 4) /* operand size: one of SZ8, SZ16, SZ32 */
#define SVM_IOIO_SZ16       (1ull << 5)
#define SVM_IOIO_SZ32       (1ull << 6)
#define SVM_IOIO_A16        (1ull << 7) /* address size: one of A16, A32, A64 */
#define SVM_IOIO_A32        (1ull << 8)
#define SVM_IOIO_A64        (1ull << 9)
#define SVM_IOIO_SEG_SHIFT  10 /* effective segment (0 = ES .. 5 = GS), decode assists */
#define SVM_IOIO_SEG_MASK   (7ull << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_PORT_SHIFT 16
#define SVM_IOIO_PORT_MASK  (0xFFFFull << SVM_IOIO_PORT_SHIFT)

/* Segment numbers of the SEG field (the instruction-encoding order). */
enum svm_segment { SVM_SEG_ES, SVM_SEG_CS, SVM_SEG_SS, SVM_SEG_DS, SVM_SEG_FS, SVM_SEG_GS };

/* ---- MSR intercept EXITINFO1. See: APM Vol. 2, "MSR Intercepts" */
#define SVM_MSR_EXITINFO1_READ  0 /* RDMSR */
#define SVM_MSR_EXITINFO1_WRITE 1 /* WRMSR */

/* ---- Nested page fault EXITINFO1: a #PF error code, plus where the fault happened.
 * EXITINFO2 holds the faulting guest-physical address. See: APM Vol. 2, "Nested Page
 * Faults (#NPF)" and "Page-Fault Error Code" */
#define SVM_NPF_PRESENT          (1ull << 0) /* P: the entry was present (a protection fault) */
#define SVM_NPF_WRITE            (1ull << 1) /* RW: the access was a write */
#define SVM_NPF_USER             (1ull << 2) /* US: user access (always, for nested walks) */
#define SVM_NPF_RESERVED         (1ull << 3) /* RSV: a reserved bit was set in an entry */
#define SVM_NPF_FETCH            (1ull << 4) /* ID: instruction fetch */
#define SVM_NPF_FINAL_GPA        (1ull << 32) /* while translating the final guest-physical address */
#define SVM_NPF_GUEST_PAGE_TABLE (1ull << 33) /* while translating a guest page-table access */

/* ---- Instruction lengths, for a CPU without NRIP save (QEMU TCG). See: APM Vol. 3,
 * the opcode tables. IOIO does not need one: EXITINFO2 holds the next RIP. */
#define SVM_LEN_CPUID   2 /* 0F A2 */
#define SVM_LEN_HLT     1 /* F4 */
#define SVM_LEN_VMMCALL 3 /* 0F 01 D9 */
#define SVM_LEN_MSR     2 /* RDMSR 0F 32, WRMSR 0F 30 */
#define SVM_LEN_SVM_OP  3 /* VMRUN/VMLOAD/VMSAVE/STGI/CLGI/SKINIT/INVLPGA: 0F 01 D8-DF */
#define SVM_LEN_XSETBV  3 /* 0F 01 D1 */

/* ---- EXITINFO1 of a MOV CRx intercept, with decode assists. See: APM Vol. 2, "Decode
 * Assists", "MOV CRx Instructions". */
#define SVM_CR_EXITINFO1_MOV      (1ull << 63) /* the instruction was a MOV CRx */
#define SVM_CR_EXITINFO1_GPR_MASK 0xFull       /* bits 3:0: the GPR number */

/* ---- Segment attributes in the VMCB: descriptor bits 47:40 and 55:52 packed into 12
 * bits. See: APM Vol. 2, "VMCB State Save Area" (segment attribute format)
 *
 *    11   10   9    8    7   6  5   4   3    0
 *   +----+----+----+----+---+-----+---+------+
 *   | G  | DB | L  |AVL | P | DPL | S | TYPE |
 *   +----+----+----+----+---+-----+---+------+
 */
#define SVM_ATTR_TYPE_DATA_RW_ACCESSED   0x3u       /* read/write data, accessed */
#define SVM_ATTR_TYPE_CODE_READ_ACCESSED 0xBu       /* execute/read code, accessed */
#define SVM_ATTR_TYPE_LDT                0x2u       /* system: LDT */
#define SVM_ATTR_TYPE_TSS32_BUSY         0xBu       /* system: busy 32-bit TSS */
#define SVM_ATTR_S                       (1u << 4)  /* code or data (not system) */
#define SVM_ATTR_P                       (1u << 7)  /* present */
#define SVM_ATTR_L                       (1u << 9)  /* 64-bit code */
#define SVM_ATTR_DB                      (1u << 10) /* 32-bit default size */
#define SVM_ATTR_G                       (1u << 11) /* limit in 4 KiB units */

/* ---- The VMCB. See: Appendix B "Layout of VMCB", Tables "VMCB Layout, Control Area"
 * and "VMCB Layout, State Save Area". Reserved ranges are padding; only the fields
 * hvlab uses are named, each with its offset asserted below. */
struct __attribute__((packed)) vmcb_segment {
    uint16_t selector;
    uint16_t attrib; /* the 12-bit format above */
    uint32_t limit;  /* byte granular (the CPU expands G itself) */
    uint64_t base;
};

struct __attribute__((packed)) vmcb_control {
    uint32_t intercept_cr;         /* 0x000: bits 15:0 CR reads, 31:16 CR writes */
    uint32_t intercept_dr;         /* 0x004: bits 15:0 DR reads, 31:16 DR writes */
    uint32_t intercept_exceptions; /* 0x008: one bit per vector */
    uint32_t intercept_misc1;      /* 0x00C: intercept vector 3 (SVM_INTERCEPT_INTR...) */
    uint32_t intercept_misc2;      /* 0x010: intercept vector 4 (SVM_INTERCEPT_VMRUN...) */
    uint32_t intercept_misc3;      /* 0x014: intercept vector 5 (INVLPGB...) */
    uint8_t reserved_018[0x03C - 0x018];
    uint16_t pause_filter_threshold; /* 0x03C */
    uint16_t pause_filter_count;     /* 0x03E */
    uint64_t iopm_base_pa;           /* 0x040: I/O permission map, 4 KiB aligned */
    uint64_t msrpm_base_pa;          /* 0x048: MSR permission map, 4 KiB aligned */
    uint64_t tsc_offset;             /* 0x050 */
    uint32_t guest_asid;             /* 0x058 */
    uint8_t tlb_control;             /* 0x05C */
    uint8_t reserved_05d[3];
    uint64_t virtual_interrupt;  /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, ... */
    uint64_t interrupt_shadow;   /* 0x068: SVM_INT_SHADOW */
    uint64_t exitcode;           /* 0x070 */
    uint64_t exitinfo1;          /* 0x078 */
    uint64_t exitinfo2;          /* 0x080 */
    uint64_t exitintinfo;        /* 0x088: event being delivered at #VMEXIT (EVENTINJ format) */
    uint64_t np_control;         /* 0x090: SVM_NP_ENABLE */
    uint64_t avic_apic_bar;      /* 0x098 */
    uint64_t ghcb_pa;            /* 0x0A0 */
    uint64_t eventinj;           /* 0x0A8: event to inject at VMRUN */
    uint64_t n_cr3;              /* 0x0B0: nested page table root (PML4) */
    uint64_t lbr_virtualization; /* 0x0B8 */
    uint32_t vmcb_clean;         /* 0x0C0: 0 = the CPU reloads everything */
    uint32_t reserved_0c4;
    uint64_t next_rip;                   /* 0x0C8: nRIP, with NRIP save */
    uint8_t bytes_fetched;               /* 0x0D0 */
    uint8_t guest_instruction_bytes[15]; /* 0x0D1 */
    uint8_t reserved_0e0[0x400 - 0x0E0];
};

struct __attribute__((packed)) vmcb_save {
    struct vmcb_segment es, cs, ss, ds, fs, gs; /* 0x400.. 0x450 */
    struct vmcb_segment gdtr, ldtr, idtr, tr;   /* 0x460.. 0x490 (GDTR/IDTR: limit, base) */
    uint8_t reserved_4a0[0x4CB - 0x4A0];
    uint8_t cpl; /* 0x4CB */
    uint32_t reserved_4cc;
    uint64_t efer; /* 0x4D0 */
    uint8_t reserved_4d8[0x548 - 0x4D8];
    uint64_t cr4;    /* 0x548 */
    uint64_t cr3;    /* 0x550 */
    uint64_t cr0;    /* 0x558 */
    uint64_t dr7;    /* 0x560 */
    uint64_t dr6;    /* 0x568 */
    uint64_t rflags; /* 0x570 */
    uint64_t rip;    /* 0x578 */
    uint8_t reserved_580[0x5D8 - 0x580];
    uint64_t rsp;                                        /* 0x5D8 */
    uint64_t s_cet, ssp, isst_addr;                      /* 0x5E0 */
    uint64_t rax;                                        /* 0x5F8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x628 */
    uint64_t cr2;                                        /* 0x640 */
    uint8_t reserved_648[0x668 - 0x648];
    uint64_t g_pat;  /* 0x668: guest PAT, used with nested paging */
    uint64_t dbgctl; /* 0x670 */
    uint8_t reserved_678[0x1000 - 0x678];
};

struct __attribute__((packed)) vmcb {
    struct vmcb_control control; /* 0x000 */
    struct vmcb_save save;       /* 0x400 */
};

#define VMCB_SIZE 4096u

/* Offsets as listed in Appendix B (state-save offsets there are relative to 0x400). */
#define VMCB_OFF(field) offsetof(struct vmcb, field)
_Static_assert(sizeof(struct vmcb_segment) == 16,
               "VMCB segment: selector, attrib, limit, base");
_Static_assert(sizeof(struct vmcb) == VMCB_SIZE, "the VMCB is one 4 KiB page");
_Static_assert(VMCB_OFF(control.intercept_cr) == 0x000, "APM: intercept CR reads/writes");
_Static_assert(VMCB_OFF(control.intercept_dr) == 0x004, "APM: intercept DR reads/writes");
_Static_assert(VMCB_OFF(control.intercept_exceptions) == 0x008, "APM: exception intercepts");
_Static_assert(VMCB_OFF(control.intercept_misc1) == 0x00C, "APM: intercept vector 3");
_Static_assert(VMCB_OFF(control.intercept_misc2) == 0x010, "APM: intercept vector 4");
_Static_assert(VMCB_OFF(control.iopm_base_pa) == 0x040, "APM: IOPM_BASE_PA");
_Static_assert(VMCB_OFF(control.msrpm_base_pa) == 0x048, "APM: MSRPM_BASE_PA");
_Static_assert(VMCB_OFF(control.tsc_offset) == 0x050, "APM: TSC_OFFSET");
_Static_assert(VMCB_OFF(control.guest_asid) == 0x058, "APM: guest ASID");
_Static_assert(VMCB_OFF(control.tlb_control) == 0x05C, "APM: TLB_CONTROL");
_Static_assert(VMCB_OFF(control.virtual_interrupt) == 0x060, "APM: V_TPR/V_IRQ...");
_Static_assert(VMCB_OFF(control.interrupt_shadow) == 0x068, "APM: INTERRUPT_SHADOW");
_Static_assert(VMCB_OFF(control.exitcode) == 0x070, "APM: EXITCODE");
_Static_assert(VMCB_OFF(control.exitinfo1) == 0x078, "APM: EXITINFO1");
_Static_assert(VMCB_OFF(control.exitinfo2) == 0x080, "APM: EXITINFO2");
_Static_assert(VMCB_OFF(control.exitintinfo) == 0x088, "APM: EXITINTINFO");
_Static_assert(VMCB_OFF(control.np_control) == 0x090, "APM: NP_ENABLE");
_Static_assert(VMCB_OFF(control.eventinj) == 0x0A8, "APM: EVENTINJ");
_Static_assert(VMCB_OFF(control.n_cr3) == 0x0B0, "APM: N_CR3");
_Static_assert(VMCB_OFF(control.vmcb_clean) == 0x0C0, "APM: VMCB clean bits");
_Static_assert(VMCB_OFF(control.next_rip) == 0x0C8, "APM: nRIP");
_Static_assert(VMCB_OFF(control.bytes_fetched) == 0x0D0, "APM: number of bytes fetched");
_Static_assert(VMCB_OFF(save) == 0x400, "APM: the state-save area starts at 0x400");
_Static_assert(VMCB_OFF(save.es) == 0x400 + 0x000, "APM: ES");
_Static_assert(VMCB_OFF(save.cs) == 0x400 + 0x010, "APM: CS");
_Static_assert(VMCB_OFF(save.ss) == 0x400 + 0x020, "APM: SS");
_Static_assert(VMCB_OFF(save.ds) == 0x400 + 0x030, "APM: DS");
_Static_assert(VMCB_OFF(save.fs) == 0x400 + 0x040, "APM: FS");
_Static_assert(VMCB_OFF(save.gs) == 0x400 + 0x050, "APM: GS");
_Static_assert(VMCB_OFF(save.gdtr) == 0x400 + 0x060, "APM: GDTR");
_Static_assert(VMCB_OFF(save.ldtr) == 0x400 + 0x070, "APM: LDTR");
_Static_assert(VMCB_OFF(save.idtr) == 0x400 + 0x080, "APM: IDTR");
_Static_assert(VMCB_OFF(save.tr) == 0x400 + 0x090, "APM: TR");
_Static_assert(VMCB_OFF(save.cpl) == 0x400 + 0x0CB, "APM: CPL");
_Static_assert(VMCB_OFF(save.efer) == 0x400 + 0x0D0, "APM: EFER");
_Static_assert(VMCB_OFF(save.cr4) == 0x400 + 0x148, "APM: CR4");
_Static_assert(VMCB_OFF(save.cr3) == 0x400 + 0x150, "APM: CR3");
_Static_assert(VMCB_OFF(save.cr0) == 0x400 + 0x158, "APM: CR0");
_Static_assert(VMCB_OFF(save.dr7) == 0x400 + 0x160, "APM: DR7");
_Static_assert(VMCB_OFF(save.dr6) == 0x400 + 0x168, "APM: DR6");
_Static_assert(VMCB_OFF(save.rflags) == 0x400 + 0x170, "APM: RFLAGS");
_Static_assert(VMCB_OFF(save.rip) == 0x400 + 0x178, "APM: RIP");
_Static_assert(VMCB_OFF(save.rsp) == 0x400 + 0x1D8, "APM: RSP");
_Static_assert(VMCB_OFF(save.rax) == 0x400 + 0x1F8, "APM: RAX");
_Static_assert(VMCB_OFF(save.star) == 0x400 + 0x200, "APM: STAR");
_Static_assert(VMCB_OFF(save.sysenter_cs) == 0x400 + 0x228, "APM: SYSENTER_CS");
_Static_assert(VMCB_OFF(save.cr2) == 0x400 + 0x240, "APM: CR2");
_Static_assert(VMCB_OFF(save.g_pat) == 0x400 + 0x268, "APM: G_PAT");
_Static_assert(VMCB_OFF(save.dbgctl) == 0x400 + 0x270, "APM: DBGCTL");

#endif /* HVLAB_ARCH_X86_64_SVM_SVM_BITS_H */
