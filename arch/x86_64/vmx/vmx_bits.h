/*
 * vmx_bits.h - Named bits and numbers of Intel VT-x: VM-execution, VM-exit and
 * VM-entry controls, the VMX capability MSRs, basic exit reasons, event
 * (interruption) information, VM-instruction errors, activity and
 * interruptibility states.
 *
 * Follows: Intel SDM Vol. 3C "Virtual Machine Control Structures" (the control
 * tables cited on each group), Vol. 3C "VM Instruction Error Numbers",
 * Vol. 3D Appendix A "VMX Capability Reporting Facility" and Appendix C
 * "VMX Basic Exit Reasons". Sections are cited by title: titles survive SDM
 * revisions, chapter numbers do not.
 *
 * Controls are 32-bit fields; each macro is the bit mask of one control.
 * Capability-MSR bits are 64-bit masks (suffix ull).
 */
#ifndef HVLAB_ARCH_X86_64_VMX_VMX_BITS_H
#define HVLAB_ARCH_X86_64_VMX_VMX_BITS_H

#include <stdint.h>

/* ---- Pin-based controls (VMCS_CTRL_PIN_BASED).
 * See: Table "Definitions of Pin-Based VM-Execution Controls" */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0) /* external interrupts cause VM exits */
#define PIN_NMI_EXITING                (1u << 3) /* NMIs cause VM exits */
#define PIN_VIRTUAL_NMIS               (1u << 5) /* track NMI blocking for the guest */
#define PIN_PREEMPTION_TIMER           (1u << 6) /* activate VMX-preemption timer */
#define PIN_POSTED_INTERRUPTS          (1u << 7) /* process posted interrupts */

/* ---- Primary processor-based controls (VMCS_CTRL_PROC_BASED).
 * See: Table "Definitions of Primary Processor-Based VM-Execution Controls" */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)  /* exit when the guest can take an interrupt */
#define PROC_USE_TSC_OFFSETTING       (1u << 3)  /* add VMCS_CTRL_TSC_OFFSET to RDTSC */
#define PROC_HLT_EXITING              (1u << 7)  /* HLT causes a VM exit */
#define PROC_INVLPG_EXITING           (1u << 9)  /* INVLPG causes a VM exit */
#define PROC_MWAIT_EXITING            (1u << 10) /* MWAIT causes a VM exit */
#define PROC_RDPMC_EXITING            (1u << 11) /* RDPMC causes a VM exit */
#define PROC_RDTSC_EXITING            (1u << 12) /* RDTSC(P) causes a VM exit */
#define PROC_CR3_LOAD_EXITING         (1u << 15) /* MOV to CR3 causes a VM exit */
#define PROC_CR3_STORE_EXITING        (1u << 16) /* MOV from CR3 causes a VM exit */
#define PROC_ACTIVATE_TERTIARY        (1u << 17) /* activate tertiary controls */
#define PROC_CR8_LOAD_EXITING         (1u << 19) /* MOV to CR8 causes a VM exit */
#define PROC_CR8_STORE_EXITING        (1u << 20) /* MOV from CR8 causes a VM exit */
#define PROC_USE_TPR_SHADOW           (1u << 21) /* CR8 accesses use the virtual-APIC page */
#define PROC_NMI_WINDOW_EXITING       (1u << 22) /* exit when the guest can take an NMI */
#define PROC_MOV_DR_EXITING           (1u << 23) /* MOV DR causes a VM exit */
#define PROC_UNCONDITIONAL_IO_EXITING                                                          \
    (1u << 24)                             /* every I/O instruction exits (if no bitmaps) */
#define PROC_USE_IO_BITMAPS     (1u << 25) /* I/O bitmaps A/B select exiting ports */
#define PROC_MONITOR_TRAP_FLAG  (1u << 27) /* exit after each guest instruction */
#define PROC_USE_MSR_BITMAPS    (1u << 28) /* MSR bitmaps select exiting RDMSR/WRMSR */
#define PROC_MONITOR_EXITING    (1u << 29) /* MONITOR causes a VM exit */
#define PROC_PAUSE_EXITING      (1u << 30) /* PAUSE causes a VM exit */
#define PROC_ACTIVATE_SECONDARY (1u << 31) /* use VMCS_CTRL_PROC_BASED2 */

/* ---- Secondary processor-based controls (VMCS_CTRL_PROC_BASED2).
 * See: Table "Definitions of Secondary Processor-Based VM-Execution Controls" */
#define PROC2_VIRTUALIZE_APIC_ACCESSES (1u << 0)  /* virtualize APIC accesses */
#define PROC2_ENABLE_EPT               (1u << 1)  /* enable EPT */
#define PROC2_DESCRIPTOR_TABLE_EXITING (1u << 2)  /* LGDT/LIDT/LLDT/LTR/S* cause VM exits */
#define PROC2_ENABLE_RDTSCP            (1u << 3)  /* RDTSCP does not #UD */
#define PROC2_VIRTUALIZE_X2APIC        (1u << 4)  /* virtualize x2APIC mode */
#define PROC2_ENABLE_VPID              (1u << 5)  /* tag TLB entries with VMCS_CTRL_VPID */
#define PROC2_WBINVD_EXITING           (1u << 6)  /* WBINVD causes a VM exit */
#define PROC2_UNRESTRICTED_GUEST       (1u << 7)  /* guest may run unpaged / real mode */
#define PROC2_APIC_REGISTER_VIRT       (1u << 8)  /* APIC-register virtualization */
#define PROC2_VIRTUAL_INTR_DELIVERY    (1u << 9)  /* virtual-interrupt delivery */
#define PROC2_PAUSE_LOOP_EXITING       (1u << 10) /* PAUSE-loop exiting */
#define PROC2_RDRAND_EXITING           (1u << 11) /* RDRAND causes a VM exit */
#define PROC2_ENABLE_INVPCID           (1u << 12) /* INVPCID does not #UD */
#define PROC2_ENABLE_VMFUNC            (1u << 13) /* enable VM functions */
#define PROC2_VMCS_SHADOWING           (1u << 14) /* VMCS shadowing */
#define PROC2_ENABLE_ENCLS_EXITING     (1u << 15) /* enable ENCLS exiting */
#define PROC2_RDSEED_EXITING           (1u << 16) /* RDSEED causes a VM exit */
#define PROC2_ENABLE_PML               (1u << 17) /* enable page-modification logging */
#define PROC2_EPT_VIOLATION_VE         (1u << 18) /* EPT violations may become #VE */
#define PROC2_CONCEAL_VMX_FROM_PT      (1u << 19) /* conceal VMX from Intel PT */
#define PROC2_ENABLE_XSAVES            (1u << 20) /* enable XSAVES/XRSTORS */
#define PROC2_MODE_BASED_EPT_EXEC      (1u << 22) /* mode-based execute control for EPT */
#define PROC2_SUBPAGE_WRITE_PERM       (1u << 23) /* sub-page write permissions for EPT */
#define PROC2_PT_USES_GUEST_PHYS       (1u << 24) /* Intel PT uses guest physical addresses */
#define PROC2_USE_TSC_SCALING          (1u << 25) /* use TSC scaling */
#define PROC2_ENABLE_USER_WAIT_PAUSE   (1u << 26) /* enable user wait and pause */
#define PROC2_ENABLE_PCONFIG           (1u << 27) /* enable PCONFIG */
#define PROC2_ENABLE_ENCLV_EXITING     (1u << 28) /* enable ENCLV exiting */
#define PROC2_BUS_LOCK_DETECTION       (1u << 30) /* VMM bus-lock detection */
#define PROC2_INSTRUCTION_TIMEOUT      (1u << 31) /* instruction timeout */

/* ---- Primary VM-exit controls (VMCS_CTRL_EXIT).
 * See: Table "Definitions of Primary VM-Exit Controls" */
#define EXIT_SAVE_DEBUG_CONTROLS   (1u << 2)  /* save guest DR7 and IA32_DEBUGCTL */
#define EXIT_HOST_ADDR_SPACE_SIZE  (1u << 9)  /* host runs in 64-bit mode after exit */
#define EXIT_LOAD_PERF_GLOBAL_CTRL (1u << 12) /* load host IA32_PERF_GLOBAL_CTRL */
#define EXIT_ACK_INTERRUPT         (1u << 15) /* acknowledge interrupt on exit */
#define EXIT_SAVE_PAT              (1u << 18) /* save guest IA32_PAT */
#define EXIT_LOAD_PAT              (1u << 19) /* load host IA32_PAT */
#define EXIT_SAVE_EFER             (1u << 20) /* save guest IA32_EFER */
#define EXIT_LOAD_EFER             (1u << 21) /* load host IA32_EFER */
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22) /* save VMX-preemption timer value */
#define EXIT_CLEAR_BNDCFGS         (1u << 23) /* clear IA32_BNDCFGS */
#define EXIT_CONCEAL_VMX_FROM_PT   (1u << 24) /* conceal VMX from PT */
#define EXIT_CLEAR_RTIT_CTL        (1u << 25) /* clear IA32_RTIT_CTL */
#define EXIT_CLEAR_LBR_CTL         (1u << 26) /* clear IA32_LBR_CTL */
#define EXIT_LOAD_CET_STATE        (1u << 28) /* load host CET state */
#define EXIT_LOAD_PKRS             (1u << 29) /* load host IA32_PKRS */
#define EXIT_ACTIVATE_SECONDARY    (1u << 31) /* activate secondary VM-exit controls */

/* ---- VM-entry controls (VMCS_CTRL_ENTRY).
 * See: Table "Definitions of VM-Entry Controls" */
#define ENTRY_LOAD_DEBUG_CONTROLS     (1u << 2)  /* load guest DR7 and IA32_DEBUGCTL */
#define ENTRY_IA32E_MODE_GUEST        (1u << 9)  /* guest is in IA-32e mode after entry */
#define ENTRY_TO_SMM                  (1u << 10) /* entry to SMM */
#define ENTRY_DEACTIVATE_DUAL_MONITOR (1u << 11) /* deactivate dual-monitor treatment */
#define ENTRY_LOAD_PERF_GLOBAL_CTRL   (1u << 13) /* load guest IA32_PERF_GLOBAL_CTRL */
#define ENTRY_LOAD_PAT                (1u << 14) /* load guest IA32_PAT */
#define ENTRY_LOAD_EFER               (1u << 15) /* load guest IA32_EFER */
#define ENTRY_LOAD_BNDCFGS            (1u << 16) /* load guest IA32_BNDCFGS */
#define ENTRY_CONCEAL_VMX_FROM_PT     (1u << 17) /* conceal VMX from PT */
#define ENTRY_LOAD_RTIT_CTL           (1u << 18) /* load guest IA32_RTIT_CTL */
#define ENTRY_LOAD_CET_STATE          (1u << 20) /* load guest CET state */
#define ENTRY_LOAD_LBR_CTL            (1u << 21) /* load guest IA32_LBR_CTL */
#define ENTRY_LOAD_PKRS               (1u << 22) /* load guest IA32_PKRS */

/* ---- "Default1" controls: reserved bits that read as 1 in the non-TRUE
 * capability MSRs. The adjuster in vmx_controls.c handles them through the
 * allowed-0 settings; these masks are for documentation and tests.
 * See: Appendix A, "Reserved Controls and Default Settings" */
#define PIN_DEFAULT1   0x00000016u /* bits 1, 2, 4 */
#define PROC_DEFAULT1  0x0401E172u /* bits 1, 4-6, 8, 13-16, 26 */
#define EXIT_DEFAULT1  0x00036DFFu /* bits 0-8, 10, 11, 13, 14, 16, 17 */
#define ENTRY_DEFAULT1 0x000011FFu /* bits 0-8, 12 */

/* ---- VMX capability MSRs. See: Appendix A "VMX Capability Reporting Facility" */
#define MSR_IA32_VMX_BASIC          0x480u /* "Basic VMX Information" */
#define MSR_IA32_VMX_PINBASED_CTLS  0x481u /* "Pin-Based VM-Execution Controls" */
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482u /* "Primary Processor-Based VM-Execution Controls" */
#define MSR_IA32_VMX_EXIT_CTLS      0x483u /* "Primary VM-Exit Controls" */
#define MSR_IA32_VMX_ENTRY_CTLS     0x484u /* "VM-Entry Controls" */
#define MSR_IA32_VMX_MISC           0x485u /* "Miscellaneous Data" */
#define MSR_IA32_VMX_CR0_FIXED0     0x486u /* "VMX-Fixed Bits in CR0": 1 = must be 1 */
#define MSR_IA32_VMX_CR0_FIXED1     0x487u /* "VMX-Fixed Bits in CR0": 0 = must be 0 */
#define MSR_IA32_VMX_CR4_FIXED0     0x488u /* "VMX-Fixed Bits in CR4": 1 = must be 1 */
#define MSR_IA32_VMX_CR4_FIXED1     0x489u /* "VMX-Fixed Bits in CR4": 0 = must be 0 */
#define MSR_IA32_VMX_VMCS_ENUM      0x48Au /* "VMCS Enumeration" */
#define MSR_IA32_VMX_PROCBASED_CTLS2                                                           \
    0x48Bu /* "Secondary Processor-Based VM-Execution Controls" */
#define MSR_IA32_VMX_EPT_VPID_CAP        0x48Cu /* "VPID and EPT Capabilities" */
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48Du /* TRUE variant: default1 bits may be 0 */
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48Eu
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48Fu
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490u
#define MSR_IA32_VMX_VMFUNC              0x491u /* "VM Functions" */

/* ---- IA32_VMX_BASIC. See: Appendix A, "Basic VMX Information" */
#define VMX_BASIC_REVISION_MASK     0x7FFFFFFFull /* bits 30:0: write into VMXON/VMCS region */
#define VMX_BASIC_REGION_SIZE_SHIFT 32            /* bits 44:32: bytes for VMXON/VMCS region */
#define VMX_BASIC_REGION_SIZE_MASK  0x1FFFull
#define VMX_BASIC_PHYS_ADDR_32BIT   (1ull << 48) /* region addresses limited to 32 bits */
#define VMX_BASIC_DUAL_MONITOR      (1ull << 49) /* dual-monitor treatment of SMI/SMM */
#define VMX_BASIC_MEMORY_TYPE_SHIFT 50           /* bits 53:50: memory type for VMCS access */
#define VMX_BASIC_MEMORY_TYPE_MASK  0xFull
#define VMX_BASIC_MEMORY_TYPE_WB    6u           /* write-back */
#define VMX_BASIC_INS_OUTS_INFO     (1ull << 54) /* INS/OUTS exits report instruction info */
#define VMX_BASIC_TRUE_CTLS         (1ull << 55) /* TRUE controls available (MSRs 48DH-490H) */
#define VMX_BASIC_NO_ERRCODE_CHECK                                                             \
    (1ull << 56) /* may inject HW exceptions with or without error code */

/* ---- IA32_VMX_MISC. See: Appendix A, "Miscellaneous Data" */
#define VMX_MISC_PREEMPT_RATE_MASK  0x1Full     /* bits 4:0: timer ticks every 2^N TSC */
#define VMX_MISC_STORES_LMA         (1ull << 5) /* exit stores EFER.LMA in "IA-32e mode guest" */
#define VMX_MISC_ACTIVITY_HLT       (1ull << 6) /* HLT activity state supported */
#define VMX_MISC_ACTIVITY_SHUTDOWN  (1ull << 7) /* shutdown activity state supported */
#define VMX_MISC_ACTIVITY_WAIT_SIPI (1ull << 8) /* wait-for-SIPI activity state supported */
#define VMX_MISC_CR3_TARGETS_SHIFT  16          /* bits 24:16: number of CR3-target values */
#define VMX_MISC_CR3_TARGETS_MASK   0x1FFull
#define VMX_MISC_MSR_LIST_SHIFT     25 /* bits 27:25: max MSR-list size 512*(N+1) */
#define VMX_MISC_MSR_LIST_MASK      0x7ull
#define VMX_MISC_VMWRITE_ANY        (1ull << 29) /* VMWRITE may write VM-exit info fields */
#define VMX_MISC_ZERO_LEN_INJECT    (1ull << 30) /* inject soft events with length 0 */

/* ---- IA32_VMX_EPT_VPID_CAP. See: Appendix A, "VPID and EPT Capabilities" */
#define EPT_CAP_EXECUTE_ONLY            (1ull << 0)  /* EPT entries may be execute-only */
#define EPT_CAP_WALK_LENGTH_4           (1ull << 6)  /* page-walk length 4 */
#define EPT_CAP_WALK_LENGTH_5           (1ull << 7)  /* page-walk length 5 */
#define EPT_CAP_MEMTYPE_UC              (1ull << 8)  /* EPT structures may be uncacheable */
#define EPT_CAP_MEMTYPE_WB              (1ull << 14) /* EPT structures may be write-back */
#define EPT_CAP_PAGE_2MB                (1ull << 16) /* PDE may map a 2-MByte page */
#define EPT_CAP_PAGE_1GB                (1ull << 17) /* PDPTE may map a 1-GByte page */
#define EPT_CAP_INVEPT                  (1ull << 20) /* INVEPT supported */
#define EPT_CAP_ACCESSED_DIRTY          (1ull << 21) /* accessed and dirty flags for EPT */
#define EPT_CAP_ADVANCED_EXIT_INFO      (1ull << 22) /* advanced EPT-violation exit information */
#define EPT_CAP_SUPERVISOR_SHADOW_STACK (1ull << 23) /* supervisor shadow-stack control */
#define EPT_CAP_INVEPT_SINGLE_CONTEXT   (1ull << 25) /* single-context INVEPT */
#define EPT_CAP_INVEPT_ALL_CONTEXT      (1ull << 26) /* all-context INVEPT */
#define VPID_CAP_INVVPID                (1ull << 32) /* INVVPID supported */
#define VPID_CAP_INVVPID_ADDRESS        (1ull << 40) /* individual-address INVVPID */
#define VPID_CAP_INVVPID_SINGLE_CONTEXT (1ull << 41) /* single-context INVVPID */
#define VPID_CAP_INVVPID_ALL_CONTEXT    (1ull << 42) /* all-context INVVPID */
#define VPID_CAP_INVVPID_SINGLE_GLOBALS                                                        \
    (1ull << 43) /* single-context-retaining-globals INVVPID */

/* ---- Basic exit reasons (bits 15:0 of VMCS_RO_EXIT_REASON).
 * See: Appendix C "VMX Basic Exit Reasons", Table "Basic Exit Reasons".
 * Gaps (35, 38, 42, 71) are unused by the manual. */
enum vmx_exit_reason {
    VMX_EXIT_EXCEPTION_NMI = 0, /* exception or non-maskable interrupt (NMI) */
    VMX_EXIT_EXTERNAL_INTERRUPT = 1,
    VMX_EXIT_TRIPLE_FAULT = 2,
    VMX_EXIT_INIT_SIGNAL = 3,
    VMX_EXIT_SIPI = 4,   /* start-up IPI */
    VMX_EXIT_IO_SMI = 5, /* I/O system-management interrupt */
    VMX_EXIT_OTHER_SMI = 6,
    VMX_EXIT_INTERRUPT_WINDOW = 7,
    VMX_EXIT_NMI_WINDOW = 8,
    VMX_EXIT_TASK_SWITCH = 9,
    VMX_EXIT_CPUID = 10,
    VMX_EXIT_GETSEC = 11,
    VMX_EXIT_HLT = 12,
    VMX_EXIT_INVD = 13,
    VMX_EXIT_INVLPG = 14,
    VMX_EXIT_RDPMC = 15,
    VMX_EXIT_RDTSC = 16,
    VMX_EXIT_RSM = 17,
    VMX_EXIT_VMCALL = 18,
    VMX_EXIT_VMCLEAR = 19,
    VMX_EXIT_VMLAUNCH = 20,
    VMX_EXIT_VMPTRLD = 21,
    VMX_EXIT_VMPTRST = 22,
    VMX_EXIT_VMREAD = 23,
    VMX_EXIT_VMRESUME = 24,
    VMX_EXIT_VMWRITE = 25,
    VMX_EXIT_VMXOFF = 26,
    VMX_EXIT_VMXON = 27,
    VMX_EXIT_CR_ACCESS = 28, /* control-register accesses */
    VMX_EXIT_MOV_DR = 29,
    VMX_EXIT_IO_INSTRUCTION = 30,
    VMX_EXIT_RDMSR = 31,
    VMX_EXIT_WRMSR = 32,
    VMX_EXIT_ENTRY_FAIL_GUEST_STATE = 33, /* VM-entry failure due to invalid guest state */
    VMX_EXIT_ENTRY_FAIL_MSR_LOADING = 34, /* VM-entry failure due to MSR loading */
    VMX_EXIT_MWAIT = 36,
    VMX_EXIT_MONITOR_TRAP_FLAG = 37,
    VMX_EXIT_MONITOR = 39,
    VMX_EXIT_PAUSE = 40,
    VMX_EXIT_ENTRY_FAIL_MCE = 41, /* VM-entry failure due to machine-check event */
    VMX_EXIT_TPR_BELOW_THRESHOLD = 43,
    VMX_EXIT_APIC_ACCESS = 44,
    VMX_EXIT_VIRTUALIZED_EOI = 45,
    VMX_EXIT_GDTR_IDTR_ACCESS = 46,
    VMX_EXIT_LDTR_TR_ACCESS = 47,
    VMX_EXIT_EPT_VIOLATION = 48,
    VMX_EXIT_EPT_MISCONFIG = 49,
    VMX_EXIT_INVEPT = 50,
    VMX_EXIT_RDTSCP = 51,
    VMX_EXIT_PREEMPTION_TIMER = 52, /* VMX-preemption timer expired */
    VMX_EXIT_INVVPID = 53,
    VMX_EXIT_WBINVD = 54, /* WBINVD or WBNOINVD */
    VMX_EXIT_XSETBV = 55,
    VMX_EXIT_APIC_WRITE = 56,
    VMX_EXIT_RDRAND = 57,
    VMX_EXIT_INVPCID = 58,
    VMX_EXIT_VMFUNC = 59,
    VMX_EXIT_ENCLS = 60,
    VMX_EXIT_RDSEED = 61,
    VMX_EXIT_PML_FULL = 62, /* page-modification log full */
    VMX_EXIT_XSAVES = 63,
    VMX_EXIT_XRSTORS = 64,
    VMX_EXIT_PCONFIG = 65,
    VMX_EXIT_SPP_EVENT = 66, /* SPP-related event */
    VMX_EXIT_UMWAIT = 67,
    VMX_EXIT_TPAUSE = 68,
    VMX_EXIT_LOADIWKEY = 69,
    VMX_EXIT_ENCLV = 70,
    VMX_EXIT_ENQCMD_PASID_FAIL = 72,  /* ENQCMD PASID translation failure */
    VMX_EXIT_ENQCMDS_PASID_FAIL = 73, /* ENQCMDS PASID translation failure */
    VMX_EXIT_BUS_LOCK = 74,
    VMX_EXIT_INSTRUCTION_TIMEOUT = 75,
    VMX_EXIT_SEAMCALL = 76,
    VMX_EXIT_TDCALL = 77,
    VMX_EXIT_RDMSRLIST = 78,
    VMX_EXIT_WRMSRLIST = 79,
    VMX_EXIT_REASON_COUNT = 80, /* size of a table indexed by basic reason */
};

/* ---- Exit-reason field (VMCS_RO_EXIT_REASON). See: Table "Format of Exit Reason" */
#define EXIT_REASON_BASIC_MASK        0xFFFFu    /* bits 15:0: enum vmx_exit_reason */
#define EXIT_REASON_BUS_LOCK_DETECTED (1u << 26) /* a bus lock preceded this exit */
#define EXIT_REASON_ENCLAVE_MODE      (1u << 27) /* exit was incident to enclave mode */
#define EXIT_REASON_PENDING_MTF       (1u << 28) /* pending MTF VM exit (SMM) */
#define EXIT_REASON_FROM_VMX_ROOT     (1u << 29) /* VM exit from VMX root operation (SMM) */
#define EXIT_REASON_ENTRY_FAILURE     (1u << 31) /* VM-entry failure, not a real exit */

/* ---- Interruption information: VM-entry interruption information
 * (VMCS_CTRL_ENTRY_INTR_INFO), VM-exit interruption information and
 * IDT-vectoring information share one layout.
 * See: Tables "Format of the VM-Entry Interruption-Information Field",
 * "Format of the VM-Exit Interruption-Information Field",
 * "Format of the IDT-Vectoring Information Field"
 *
 *    31  30        13   12   11  10   8 7        0
 *   +---+------------+----+----+------+----------+
 *   | V |  reserved  | NU | EV | type |  vector  |
 *   +---+------------+----+----+------+----------+
 */
#define INTR_INFO_VECTOR_MASK      0xFFu /* bits 7:0: vector of interrupt/exception */
#define INTR_INFO_TYPE_SHIFT       8     /* bits 10:8: enum vmx_intr_type */
#define INTR_INFO_TYPE_MASK        0x7u
#define INTR_INFO_ERROR_CODE_VALID (1u << 11) /* error code is delivered / was saved */
#define INTR_INFO_NMI_UNBLOCKING   (1u << 12) /* NMI unblocking due to IRET (exit only) */
#define INTR_INFO_VALID            (1u << 31) /* the field holds an event */

/* Interruption type, bits 10:8. */
enum vmx_intr_type {
    VMX_INTR_TYPE_EXTERNAL = 0,          /* external interrupt */
    VMX_INTR_TYPE_NMI = 2,               /* non-maskable interrupt */
    VMX_INTR_TYPE_HW_EXCEPTION = 3,      /* hardware exception (#PF, #GP, ...) */
    VMX_INTR_TYPE_SW_INTERRUPT = 4,      /* software interrupt (INT n) */
    VMX_INTR_TYPE_PRIV_SW_EXCEPTION = 5, /* privileged software exception (INT1) */
    VMX_INTR_TYPE_SW_EXCEPTION = 6,      /* software exception (INT3, INTO) */
    VMX_INTR_TYPE_OTHER_EVENT = 7,       /* other event (entry only, e.g. pending MTF) */
};

/* ---- VM-instruction error numbers (VMCS_RO_VM_INSTRUCTION_ERROR), valid
 * after a VMX instruction fails with ZF=1 (VMfailValid).
 * See: "VM Instruction Error Numbers", Table "VM-Instruction Error Numbers" */
enum vmx_instruction_error {
    VMX_ERR_VMCALL_IN_ROOT = 1,
    VMX_ERR_VMCLEAR_INVALID_ADDR = 2,
    VMX_ERR_VMCLEAR_VMXON_POINTER = 3,
    VMX_ERR_VMLAUNCH_NON_CLEAR = 4,
    VMX_ERR_VMRESUME_NON_LAUNCHED = 5,
    VMX_ERR_VMRESUME_AFTER_VMXOFF = 6,
    VMX_ERR_ENTRY_INVALID_CONTROL = 7,
    VMX_ERR_ENTRY_INVALID_HOST_STATE = 8,
    VMX_ERR_VMPTRLD_INVALID_ADDR = 9,
    VMX_ERR_VMPTRLD_VMXON_POINTER = 10,
    VMX_ERR_VMPTRLD_BAD_REVISION = 11,
    VMX_ERR_UNSUPPORTED_COMPONENT = 12,
    VMX_ERR_VMWRITE_READ_ONLY = 13,
    VMX_ERR_VMXON_IN_ROOT = 15,
    VMX_ERR_ENTRY_INVALID_EXECUTIVE_VMCS = 16,
    VMX_ERR_ENTRY_NON_LAUNCHED_EXECUTIVE = 17,
    VMX_ERR_ENTRY_EXECUTIVE_NOT_VMXON = 18,
    VMX_ERR_VMCALL_NON_CLEAR = 19,
    VMX_ERR_VMCALL_INVALID_EXIT_CONTROL = 20,
    VMX_ERR_VMCALL_BAD_MSEG_REVISION = 22,
    VMX_ERR_VMXOFF_DUAL_MONITOR = 23,
    VMX_ERR_VMCALL_INVALID_SMM_FEATURES = 24,
    VMX_ERR_ENTRY_INVALID_EXECUTIVE_CTRL = 25,
    VMX_ERR_ENTRY_BLOCKED_BY_MOV_SS = 26,
    VMX_ERR_INVALID_INVEPT_INVVPID = 28,
    VMX_ERR_COUNT = 29, /* size of a table indexed by number */
};

/* ---- Activity state (VMCS_GUEST_ACTIVITY_STATE). See: "Guest Non-Register State" */
enum vmx_activity_state {
    VMX_ACTIVITY_ACTIVE = 0,    /* executing instructions normally */
    VMX_ACTIVITY_HLT = 1,       /* halted by HLT */
    VMX_ACTIVITY_SHUTDOWN = 2,  /* after a triple fault */
    VMX_ACTIVITY_WAIT_SIPI = 3, /* application processor waiting for SIPI */
};

/* ---- Interruptibility state (VMCS_GUEST_INTERRUPTIBILITY).
 * See: Table "Format of Interruptibility State" */
#define INTERRUPTIBILITY_STI     (1u << 0) /* blocking by STI */
#define INTERRUPTIBILITY_MOV_SS  (1u << 1) /* blocking by MOV SS / POP SS */
#define INTERRUPTIBILITY_SMI     (1u << 2) /* blocking by SMI */
#define INTERRUPTIBILITY_NMI     (1u << 3) /* blocking by NMI */
#define INTERRUPTIBILITY_ENCLAVE (1u << 4) /* enclave interruption */

/* ---- Layout checks against the manual. */
_Static_assert(PROC_ACTIVATE_SECONDARY == 0x80000000u, "activate secondary controls is bit 31");
_Static_assert(PROC2_UNRESTRICTED_GUEST == 0x80u, "unrestricted guest is bit 7");
_Static_assert((PIN_DEFAULT1 &
                (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS |
                 PIN_PREEMPTION_TIMER | PIN_POSTED_INTERRUPTS)) == 0,
               "no defined pin-based control is a default1 bit");
_Static_assert((EXIT_DEFAULT1 & (EXIT_SAVE_DEBUG_CONTROLS | EXIT_HOST_ADDR_SPACE_SIZE |
                                 EXIT_ACK_INTERRUPT | EXIT_LOAD_EFER)) ==
                   EXIT_SAVE_DEBUG_CONTROLS,
               "save debug controls is the one defined exit control that is default1");
_Static_assert((ENTRY_DEFAULT1 & (ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_IA32E_MODE_GUEST)) ==
                   ENTRY_LOAD_DEBUG_CONTROLS,
               "load debug controls is default1, IA-32e mode is not");
_Static_assert(MSR_IA32_VMX_TRUE_PINBASED_CTLS - MSR_IA32_VMX_PINBASED_CTLS == 0xC &&
                   MSR_IA32_VMX_TRUE_ENTRY_CTLS - MSR_IA32_VMX_ENTRY_CTLS == 0xC,
               "each TRUE capability MSR sits 0CH above its plain MSR");
_Static_assert(VMX_EXIT_IO_INSTRUCTION == 30 && VMX_EXIT_EPT_VIOLATION == 48 &&
                   VMX_EXIT_LOADIWKEY == 69,
               "Appendix C numbering");
_Static_assert(INTR_INFO_VALID == 0x80000000u, "interruption info valid bit is bit 31");

#endif /* HVLAB_ARCH_X86_64_VMX_VMX_BITS_H */
