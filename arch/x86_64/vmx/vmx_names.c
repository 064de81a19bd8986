/*
 * vmx_names.c - Name tables for VT-x numbers (see vmx_names.h).
 *
 * Tables are indexed by the hardware number where the numbers are dense
 * (exit reasons, instruction errors) and searched where they are sparse
 * (VMCS encodings, control bits). Gaps in an indexed table are NULL and read
 * as "unknown". Wording: Intel SDM Vol. 3D Appendix C "VMX Basic Exit
 * Reasons", Vol. 3C "VM Instruction Error Numbers".
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmcs_fields.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_names.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* See: Appendix C "VMX Basic Exit Reasons", Table "Basic Exit Reasons" */
static const char *const exit_reason_names[VMX_EXIT_REASON_COUNT] = {
    [VMX_EXIT_EXCEPTION_NMI] = "Exception or non-maskable interrupt (NMI)",
    [VMX_EXIT_EXTERNAL_INTERRUPT] = "External interrupt",
    [VMX_EXIT_TRIPLE_FAULT] = "Triple fault",
    [VMX_EXIT_INIT_SIGNAL] = "INIT signal",
    [VMX_EXIT_SIPI] = "Start-up IPI (SIPI)",
    [VMX_EXIT_IO_SMI] = "I/O system-management interrupt (SMI)",
    [VMX_EXIT_OTHER_SMI] = "Other SMI",
    [VMX_EXIT_INTERRUPT_WINDOW] = "Interrupt window",
    [VMX_EXIT_NMI_WINDOW] = "NMI window",
    [VMX_EXIT_TASK_SWITCH] = "Task switch",
    [VMX_EXIT_CPUID] = "CPUID",
    [VMX_EXIT_GETSEC] = "GETSEC",
    [VMX_EXIT_HLT] = "HLT",
    [VMX_EXIT_INVD] = "INVD",
    [VMX_EXIT_INVLPG] = "INVLPG",
    [VMX_EXIT_RDPMC] = "RDPMC",
    [VMX_EXIT_RDTSC] = "RDTSC",
    [VMX_EXIT_RSM] = "RSM",
    [VMX_EXIT_VMCALL] = "VMCALL",
    [VMX_EXIT_VMCLEAR] = "VMCLEAR",
    [VMX_EXIT_VMLAUNCH] = "VMLAUNCH",
    [VMX_EXIT_VMPTRLD] = "VMPTRLD",
    [VMX_EXIT_VMPTRST] = "VMPTRST",
    [VMX_EXIT_VMREAD] = "VMREAD",
    [VMX_EXIT_VMRESUME] = "VMRESUME",
    [VMX_EXIT_VMWRITE] = "VMWRITE",
    [VMX_EXIT_VMXOFF] = "VMXOFF",
    [VMX_EXIT_VMXON] = "VMXON",
    [VMX_EXIT_CR_ACCESS] = "Control-register accesses",
    [VMX_EXIT_MOV_DR] = "MOV DR",
    [VMX_EXIT_IO_INSTRUCTION] = "I/O instruction",
    [VMX_EXIT_RDMSR] = "RDMSR",
    [VMX_EXIT_WRMSR] = "WRMSR",
    [VMX_EXIT_ENTRY_FAIL_GUEST_STATE] = "VM-entry failure due to invalid guest state",
    [VMX_EXIT_ENTRY_FAIL_MSR_LOADING] = "VM-entry failure due to MSR loading",
    [VMX_EXIT_MWAIT] = "MWAIT",
    [VMX_EXIT_MONITOR_TRAP_FLAG] = "Monitor trap flag",
    [VMX_EXIT_MONITOR] = "MONITOR",
    [VMX_EXIT_PAUSE] = "PAUSE",
    [VMX_EXIT_ENTRY_FAIL_MCE] = "VM-entry failure due to machine-check event",
    [VMX_EXIT_TPR_BELOW_THRESHOLD] = "TPR below threshold",
    [VMX_EXIT_APIC_ACCESS] = "APIC access",
    [VMX_EXIT_VIRTUALIZED_EOI] = "Virtualized EOI",
    [VMX_EXIT_GDTR_IDTR_ACCESS] = "Access to GDTR or IDTR",
    [VMX_EXIT_LDTR_TR_ACCESS] = "Access to LDTR or TR",
    [VMX_EXIT_EPT_VIOLATION] = "EPT violation",
    [VMX_EXIT_EPT_MISCONFIG] = "EPT misconfiguration",
    [VMX_EXIT_INVEPT] = "INVEPT",
    [VMX_EXIT_RDTSCP] = "RDTSCP",
    [VMX_EXIT_PREEMPTION_TIMER] = "VMX-preemption timer expired",
    [VMX_EXIT_INVVPID] = "INVVPID",
    [VMX_EXIT_WBINVD] = "WBINVD or WBNOINVD",
    [VMX_EXIT_XSETBV] = "XSETBV",
    [VMX_EXIT_APIC_WRITE] = "APIC write",
    [VMX_EXIT_RDRAND] = "RDRAND",
    [VMX_EXIT_INVPCID] = "INVPCID",
    [VMX_EXIT_VMFUNC] = "VMFUNC",
    [VMX_EXIT_ENCLS] = "ENCLS",
    [VMX_EXIT_RDSEED] = "RDSEED",
    [VMX_EXIT_PML_FULL] = "Page-modification log full",
    [VMX_EXIT_XSAVES] = "XSAVES",
    [VMX_EXIT_XRSTORS] = "XRSTORS",
    [VMX_EXIT_PCONFIG] = "PCONFIG",
    [VMX_EXIT_SPP_EVENT] = "SPP-related event",
    [VMX_EXIT_UMWAIT] = "UMWAIT",
    [VMX_EXIT_TPAUSE] = "TPAUSE",
    [VMX_EXIT_LOADIWKEY] = "LOADIWKEY",
    [VMX_EXIT_ENCLV] = "ENCLV",
    [VMX_EXIT_ENQCMD_PASID_FAIL] = "ENQCMD PASID translation failure",
    [VMX_EXIT_ENQCMDS_PASID_FAIL] = "ENQCMDS PASID translation failure",
    [VMX_EXIT_BUS_LOCK] = "Bus lock",
    [VMX_EXIT_INSTRUCTION_TIMEOUT] = "Instruction timeout",
    [VMX_EXIT_SEAMCALL] = "SEAMCALL",
    [VMX_EXIT_TDCALL] = "TDCALL",
    [VMX_EXIT_RDMSRLIST] = "RDMSRLIST",
    [VMX_EXIT_WRMSRLIST] = "WRMSRLIST",
};

const char *vmx_exit_reason_name(uint32_t basic_reason)
{
    if (basic_reason < ARRAY_LEN(exit_reason_names) && exit_reason_names[basic_reason])
        return exit_reason_names[basic_reason];
    return "unknown exit reason";
}

const char *vmx_exit_code_name(uint64_t code)
{
    return code <= EXIT_REASON_BASIC_MASK ? vmx_exit_reason_name((uint32_t)code)
                                          : "unknown exit reason";
}

/* See: "VM Instruction Error Numbers", Table "VM-Instruction Error Numbers" */
static const char *const instruction_error_names[VMX_ERR_COUNT] = {
    [VMX_ERR_VMCALL_IN_ROOT] = "VMCALL executed in VMX root operation",
    [VMX_ERR_VMCLEAR_INVALID_ADDR] = "VMCLEAR with invalid physical address",
    [VMX_ERR_VMCLEAR_VMXON_POINTER] = "VMCLEAR with VMXON pointer",
    [VMX_ERR_VMLAUNCH_NON_CLEAR] = "VMLAUNCH with non-clear VMCS",
    [VMX_ERR_VMRESUME_NON_LAUNCHED] = "VMRESUME with non-launched VMCS",
    [VMX_ERR_VMRESUME_AFTER_VMXOFF] =
        "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)",
    [VMX_ERR_ENTRY_INVALID_CONTROL] = "VM entry with invalid control field(s)",
    [VMX_ERR_ENTRY_INVALID_HOST_STATE] = "VM entry with invalid host-state field(s)",
    [VMX_ERR_VMPTRLD_INVALID_ADDR] = "VMPTRLD with invalid physical address",
    [VMX_ERR_VMPTRLD_VMXON_POINTER] = "VMPTRLD with VMXON pointer",
    [VMX_ERR_VMPTRLD_BAD_REVISION] = "VMPTRLD with incorrect VMCS revision identifier",
    [VMX_ERR_UNSUPPORTED_COMPONENT] = "VMREAD/VMWRITE from/to unsupported VMCS component",
    [VMX_ERR_VMWRITE_READ_ONLY] = "VMWRITE to read-only VMCS component",
    [VMX_ERR_VMXON_IN_ROOT] = "VMXON executed in VMX root operation",
    [VMX_ERR_ENTRY_INVALID_EXECUTIVE_VMCS] = "VM entry with invalid executive-VMCS pointer",
    [VMX_ERR_ENTRY_NON_LAUNCHED_EXECUTIVE] = "VM entry with non-launched executive VMCS",
    [VMX_ERR_ENTRY_EXECUTIVE_NOT_VMXON] =
        "VM entry with executive-VMCS pointer not VMXON pointer",
    [VMX_ERR_VMCALL_NON_CLEAR] = "VMCALL with non-clear VMCS",
    [VMX_ERR_VMCALL_INVALID_EXIT_CONTROL] = "VMCALL with invalid VM-exit control fields",
    [VMX_ERR_VMCALL_BAD_MSEG_REVISION] = "VMCALL with incorrect MSEG revision identifier",
    [VMX_ERR_VMXOFF_DUAL_MONITOR] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [VMX_ERR_VMCALL_INVALID_SMM_FEATURES] = "VMCALL with invalid SMM-monitor features",
    [VMX_ERR_ENTRY_INVALID_EXECUTIVE_CTRL] =
        "VM entry with invalid VM-execution control fields in executive VMCS",
    [VMX_ERR_ENTRY_BLOCKED_BY_MOV_SS] = "VM entry with events blocked by MOV SS",
    [VMX_ERR_INVALID_INVEPT_INVVPID] = "Invalid operand to INVEPT/INVVPID",
};

const char *vmx_instruction_error_name(uint32_t number)
{
    if (number < ARRAY_LEN(instruction_error_names) && instruction_error_names[number])
        return instruction_error_names[number];
    return "unknown VM-instruction error";
}

/* VMCS field names are the enum identifiers minus "VMCS_", produced by the
 * preprocessor so the printed name can never drift from the code. */
struct vmcs_field_entry {
    uint16_t encoding;
    const char *name;
};
#define VMCS_PREFIX_LEN (sizeof("VMCS_") - 1)
#define FIELD(f)                                                                               \
    {                                                                                          \
        f, &#f[VMCS_PREFIX_LEN]                                                                \
    }

/* Same order and grouping as Appendix B "Field Encoding in VMCS". */
static const struct vmcs_field_entry vmcs_field_names[] = {
    /* 16-bit control, guest-state, host-state */
    FIELD(VMCS_CTRL_VPID),
    FIELD(VMCS_CTRL_POSTED_INTR_NOTIFY_VECTOR),
    FIELD(VMCS_CTRL_EPTP_INDEX),
    FIELD(VMCS_GUEST_ES_SELECTOR),
    FIELD(VMCS_GUEST_CS_SELECTOR),
    FIELD(VMCS_GUEST_SS_SELECTOR),
    FIELD(VMCS_GUEST_DS_SELECTOR),
    FIELD(VMCS_GUEST_FS_SELECTOR),
    FIELD(VMCS_GUEST_GS_SELECTOR),
    FIELD(VMCS_GUEST_LDTR_SELECTOR),
    FIELD(VMCS_GUEST_TR_SELECTOR),
    FIELD(VMCS_GUEST_INTR_STATUS),
    FIELD(VMCS_GUEST_PML_INDEX),
    FIELD(VMCS_HOST_ES_SELECTOR),
    FIELD(VMCS_HOST_CS_SELECTOR),
    FIELD(VMCS_HOST_SS_SELECTOR),
    FIELD(VMCS_HOST_DS_SELECTOR),
    FIELD(VMCS_HOST_FS_SELECTOR),
    FIELD(VMCS_HOST_GS_SELECTOR),
    FIELD(VMCS_HOST_TR_SELECTOR),
    /* 64-bit control */
    FIELD(VMCS_CTRL_IO_BITMAP_A),
    FIELD(VMCS_CTRL_IO_BITMAP_B),
    FIELD(VMCS_CTRL_MSR_BITMAP),
    FIELD(VMCS_CTRL_EXIT_MSR_STORE_ADDR),
    FIELD(VMCS_CTRL_EXIT_MSR_LOAD_ADDR),
    FIELD(VMCS_CTRL_ENTRY_MSR_LOAD_ADDR),
    FIELD(VMCS_CTRL_EXECUTIVE_VMCS_POINTER),
    FIELD(VMCS_CTRL_PML_ADDR),
    FIELD(VMCS_CTRL_TSC_OFFSET),
    FIELD(VMCS_CTRL_VIRTUAL_APIC_ADDR),
    FIELD(VMCS_CTRL_APIC_ACCESS_ADDR),
    FIELD(VMCS_CTRL_POSTED_INTR_DESC_ADDR),
    FIELD(VMCS_CTRL_VMFUNC_CONTROLS),
    FIELD(VMCS_CTRL_EPT_POINTER),
    FIELD(VMCS_CTRL_EOI_EXIT_BITMAP0),
    FIELD(VMCS_CTRL_EOI_EXIT_BITMAP1),
    FIELD(VMCS_CTRL_EOI_EXIT_BITMAP2),
    FIELD(VMCS_CTRL_EOI_EXIT_BITMAP3),
    FIELD(VMCS_CTRL_EPTP_LIST_ADDR),
    FIELD(VMCS_CTRL_VMREAD_BITMAP),
    FIELD(VMCS_CTRL_VMWRITE_BITMAP),
    FIELD(VMCS_CTRL_VE_INFO_ADDR),
    FIELD(VMCS_CTRL_XSS_EXITING_BITMAP),
    FIELD(VMCS_CTRL_TSC_MULTIPLIER),
    /* 64-bit read-only, guest-state, host-state */
    FIELD(VMCS_RO_GUEST_PHYSICAL_ADDRESS),
    FIELD(VMCS_GUEST_VMCS_LINK_POINTER),
    FIELD(VMCS_GUEST_IA32_DEBUGCTL),
    FIELD(VMCS_GUEST_IA32_PAT),
    FIELD(VMCS_GUEST_IA32_EFER),
    FIELD(VMCS_GUEST_IA32_PERF_GLOBAL_CTRL),
    FIELD(VMCS_GUEST_PDPTE0),
    FIELD(VMCS_GUEST_PDPTE1),
    FIELD(VMCS_GUEST_PDPTE2),
    FIELD(VMCS_GUEST_PDPTE3),
    FIELD(VMCS_GUEST_IA32_BNDCFGS),
    FIELD(VMCS_HOST_IA32_PAT),
    FIELD(VMCS_HOST_IA32_EFER),
    FIELD(VMCS_HOST_IA32_PERF_GLOBAL_CTRL),
    /* 32-bit control */
    FIELD(VMCS_CTRL_PIN_BASED),
    FIELD(VMCS_CTRL_PROC_BASED),
    FIELD(VMCS_CTRL_EXCEPTION_BITMAP),
    FIELD(VMCS_CTRL_PF_ERRCODE_MASK),
    FIELD(VMCS_CTRL_PF_ERRCODE_MATCH),
    FIELD(VMCS_CTRL_CR3_TARGET_COUNT),
    FIELD(VMCS_CTRL_EXIT),
    FIELD(VMCS_CTRL_EXIT_MSR_STORE_COUNT),
    FIELD(VMCS_CTRL_EXIT_MSR_LOAD_COUNT),
    FIELD(VMCS_CTRL_ENTRY),
    FIELD(VMCS_CTRL_ENTRY_MSR_LOAD_COUNT),
    FIELD(VMCS_CTRL_ENTRY_INTR_INFO),
    FIELD(VMCS_CTRL_ENTRY_EXCEPTION_ERRCODE),
    FIELD(VMCS_CTRL_ENTRY_INSTR_LEN),
    FIELD(VMCS_CTRL_TPR_THRESHOLD),
    FIELD(VMCS_CTRL_PROC_BASED2),
    FIELD(VMCS_CTRL_PLE_GAP),
    FIELD(VMCS_CTRL_PLE_WINDOW),
    /* 32-bit read-only */
    FIELD(VMCS_RO_VM_INSTRUCTION_ERROR),
    FIELD(VMCS_RO_EXIT_REASON),
    FIELD(VMCS_RO_EXIT_INTR_INFO),
    FIELD(VMCS_RO_EXIT_INTR_ERRCODE),
    FIELD(VMCS_RO_IDT_VECTORING_INFO),
    FIELD(VMCS_RO_IDT_VECTORING_ERRCODE),
    FIELD(VMCS_RO_EXIT_INSTR_LEN),
    FIELD(VMCS_RO_EXIT_INSTR_INFO),
    /* 32-bit guest-state, host-state */
    FIELD(VMCS_GUEST_ES_LIMIT),
    FIELD(VMCS_GUEST_CS_LIMIT),
    FIELD(VMCS_GUEST_SS_LIMIT),
    FIELD(VMCS_GUEST_DS_LIMIT),
    FIELD(VMCS_GUEST_FS_LIMIT),
    FIELD(VMCS_GUEST_GS_LIMIT),
    FIELD(VMCS_GUEST_LDTR_LIMIT),
    FIELD(VMCS_GUEST_TR_LIMIT),
    FIELD(VMCS_GUEST_GDTR_LIMIT),
    FIELD(VMCS_GUEST_IDTR_LIMIT),
    FIELD(VMCS_GUEST_ES_AR),
    FIELD(VMCS_GUEST_CS_AR),
    FIELD(VMCS_GUEST_SS_AR),
    FIELD(VMCS_GUEST_DS_AR),
    FIELD(VMCS_GUEST_FS_AR),
    FIELD(VMCS_GUEST_GS_AR),
    FIELD(VMCS_GUEST_LDTR_AR),
    FIELD(VMCS_GUEST_TR_AR),
    FIELD(VMCS_GUEST_INTERRUPTIBILITY),
    FIELD(VMCS_GUEST_ACTIVITY_STATE),
    FIELD(VMCS_GUEST_SMBASE),
    FIELD(VMCS_GUEST_IA32_SYSENTER_CS),
    FIELD(VMCS_GUEST_PREEMPTION_TIMER),
    FIELD(VMCS_HOST_IA32_SYSENTER_CS),
    /* natural-width control */
    FIELD(VMCS_CTRL_CR0_GUEST_HOST_MASK),
    FIELD(VMCS_CTRL_CR4_GUEST_HOST_MASK),
    FIELD(VMCS_CTRL_CR0_READ_SHADOW),
    FIELD(VMCS_CTRL_CR4_READ_SHADOW),
    FIELD(VMCS_CTRL_CR3_TARGET_VALUE0),
    FIELD(VMCS_CTRL_CR3_TARGET_VALUE1),
    FIELD(VMCS_CTRL_CR3_TARGET_VALUE2),
    FIELD(VMCS_CTRL_CR3_TARGET_VALUE3),
    /* natural-width read-only */
    FIELD(VMCS_RO_EXIT_QUALIFICATION),
    FIELD(VMCS_RO_IO_RCX),
    FIELD(VMCS_RO_IO_RSI),
    FIELD(VMCS_RO_IO_RDI),
    FIELD(VMCS_RO_IO_RIP),
    FIELD(VMCS_RO_GUEST_LINEAR_ADDRESS),
    /* natural-width guest-state */
    FIELD(VMCS_GUEST_CR0),
    FIELD(VMCS_GUEST_CR3),
    FIELD(VMCS_GUEST_CR4),
    FIELD(VMCS_GUEST_ES_BASE),
    FIELD(VMCS_GUEST_CS_BASE),
    FIELD(VMCS_GUEST_SS_BASE),
    FIELD(VMCS_GUEST_DS_BASE),
    FIELD(VMCS_GUEST_FS_BASE),
    FIELD(VMCS_GUEST_GS_BASE),
    FIELD(VMCS_GUEST_LDTR_BASE),
    FIELD(VMCS_GUEST_TR_BASE),
    FIELD(VMCS_GUEST_GDTR_BASE),
    FIELD(VMCS_GUEST_IDTR_BASE),
    FIELD(VMCS_GUEST_DR7),
    FIELD(VMCS_GUEST_RSP),
    FIELD(VMCS_GUEST_RIP),
    FIELD(VMCS_GUEST_RFLAGS),
    FIELD(VMCS_GUEST_PENDING_DBG_EXCEPTIONS),
    FIELD(VMCS_GUEST_IA32_SYSENTER_ESP),
    FIELD(VMCS_GUEST_IA32_SYSENTER_EIP),
    /* natural-width host-state */
    FIELD(VMCS_HOST_CR0),
    FIELD(VMCS_HOST_CR3),
    FIELD(VMCS_HOST_CR4),
    FIELD(VMCS_HOST_FS_BASE),
    FIELD(VMCS_HOST_GS_BASE),
    FIELD(VMCS_HOST_TR_BASE),
    FIELD(VMCS_HOST_GDTR_BASE),
    FIELD(VMCS_HOST_IDTR_BASE),
    FIELD(VMCS_HOST_IA32_SYSENTER_ESP),
    FIELD(VMCS_HOST_IA32_SYSENTER_EIP),
    FIELD(VMCS_HOST_RSP),
    FIELD(VMCS_HOST_RIP),
};

const char *vmcs_field_name(uint32_t encoding)
{
    for (size_t i = 0; i < ARRAY_LEN(vmcs_field_names); i++)
        if (vmcs_field_names[i].encoding == encoding)
            return vmcs_field_names[i].name;
    return "unknown VMCS field";
}

/* See: Table "Definitions of Pin-Based VM-Execution Controls" */
const struct vmx_control_name vmx_pin_control_names[] = {
    {PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting"},
    {PIN_NMI_EXITING, "NMI exiting"},
    {PIN_VIRTUAL_NMIS, "virtual NMIs"},
    {PIN_PREEMPTION_TIMER, "activate VMX-preemption timer"},
    {PIN_POSTED_INTERRUPTS, "process posted interrupts"},
    {0, NULL},
};

/* See: Table "Definitions of Primary Processor-Based VM-Execution Controls" */
const struct vmx_control_name vmx_proc_control_names[] = {
    {PROC_INTERRUPT_WINDOW_EXITING, "interrupt-window exiting"},
    {PROC_USE_TSC_OFFSETTING, "use TSC offsetting"},
    {PROC_HLT_EXITING, "HLT exiting"},
    {PROC_INVLPG_EXITING, "INVLPG exiting"},
    {PROC_MWAIT_EXITING, "MWAIT exiting"},
    {PROC_RDPMC_EXITING, "RDPMC exiting"},
    {PROC_RDTSC_EXITING, "RDTSC exiting"},
    {PROC_CR3_LOAD_EXITING, "CR3-load exiting"},
    {PROC_CR3_STORE_EXITING, "CR3-store exiting"},
    {PROC_ACTIVATE_TERTIARY, "activate tertiary controls"},
    {PROC_CR8_LOAD_EXITING, "CR8-load exiting"},
    {PROC_CR8_STORE_EXITING, "CR8-store exiting"},
    {PROC_USE_TPR_SHADOW, "use TPR shadow"},
    {PROC_NMI_WINDOW_EXITING, "NMI-window exiting"},
    {PROC_MOV_DR_EXITING, "MOV-DR exiting"},
    {PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting"},
    {PROC_USE_IO_BITMAPS, "use I/O bitmaps"},
    {PROC_MONITOR_TRAP_FLAG, "monitor trap flag"},
    {PROC_USE_MSR_BITMAPS, "use MSR bitmaps"},
    {PROC_MONITOR_EXITING, "MONITOR exiting"},
    {PROC_PAUSE_EXITING, "PAUSE exiting"},
    {PROC_ACTIVATE_SECONDARY, "activate secondary controls"},
    {0, NULL},
};

/* See: Table "Definitions of Secondary Processor-Based VM-Execution Controls" */
const struct vmx_control_name vmx_proc2_control_names[] = {
    {PROC2_VIRTUALIZE_APIC_ACCESSES, "virtualize APIC accesses"},
    {PROC2_ENABLE_EPT, "enable EPT"},
    {PROC2_DESCRIPTOR_TABLE_EXITING, "descriptor-table exiting"},
    {PROC2_ENABLE_RDTSCP, "enable RDTSCP"},
    {PROC2_VIRTUALIZE_X2APIC, "virtualize x2APIC mode"},
    {PROC2_ENABLE_VPID, "enable VPID"},
    {PROC2_WBINVD_EXITING, "WBINVD exiting"},
    {PROC2_UNRESTRICTED_GUEST, "unrestricted guest"},
    {PROC2_APIC_REGISTER_VIRT, "APIC-register virtualization"},
    {PROC2_VIRTUAL_INTR_DELIVERY, "virtual-interrupt delivery"},
    {PROC2_PAUSE_LOOP_EXITING, "PAUSE-loop exiting"},
    {PROC2_RDRAND_EXITING, "RDRAND exiting"},
    {PROC2_ENABLE_INVPCID, "enable INVPCID"},
    {PROC2_ENABLE_VMFUNC, "enable VM functions"},
    {PROC2_VMCS_SHADOWING, "VMCS shadowing"},
    {PROC2_ENABLE_ENCLS_EXITING, "enable ENCLS exiting"},
    {PROC2_RDSEED_EXITING, "RDSEED exiting"},
    {PROC2_ENABLE_PML, "enable PML"},
    {PROC2_EPT_VIOLATION_VE, "EPT-violation #VE"},
    {PROC2_CONCEAL_VMX_FROM_PT, "conceal VMX from PT"},
    {PROC2_ENABLE_XSAVES, "enable XSAVES/XRSTORS"},
    {PROC2_MODE_BASED_EPT_EXEC, "mode-based execute control for EPT"},
    {PROC2_SUBPAGE_WRITE_PERM, "sub-page write permissions for EPT"},
    {PROC2_PT_USES_GUEST_PHYS, "Intel PT uses guest physical addresses"},
    {PROC2_USE_TSC_SCALING, "use TSC scaling"},
    {PROC2_ENABLE_USER_WAIT_PAUSE, "enable user wait and pause"},
    {PROC2_ENABLE_PCONFIG, "enable PCONFIG"},
    {PROC2_ENABLE_ENCLV_EXITING, "enable ENCLV exiting"},
    {PROC2_BUS_LOCK_DETECTION, "VMM bus-lock detection"},
    {PROC2_INSTRUCTION_TIMEOUT, "instruction timeout"},
    {0, NULL},
};

/* See: Table "Definitions of Primary VM-Exit Controls" */
const struct vmx_control_name vmx_exit_control_names[] = {
    {EXIT_SAVE_DEBUG_CONTROLS, "save debug controls"},
    {EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size"},
    {EXIT_LOAD_PERF_GLOBAL_CTRL, "load IA32_PERF_GLOBAL_CTRL"},
    {EXIT_ACK_INTERRUPT, "acknowledge interrupt on exit"},
    {EXIT_SAVE_PAT, "save IA32_PAT"},
    {EXIT_LOAD_PAT, "load IA32_PAT"},
    {EXIT_SAVE_EFER, "save IA32_EFER"},
    {EXIT_LOAD_EFER, "load IA32_EFER"},
    {EXIT_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer value"},
    {EXIT_CLEAR_BNDCFGS, "clear IA32_BNDCFGS"},
    {EXIT_CONCEAL_VMX_FROM_PT, "conceal VMX from PT"},
    {EXIT_CLEAR_RTIT_CTL, "clear IA32_RTIT_CTL"},
    {EXIT_CLEAR_LBR_CTL, "clear IA32_LBR_CTL"},
    {EXIT_LOAD_CET_STATE, "load CET state"},
    {EXIT_LOAD_PKRS, "load PKRS"},
    {EXIT_ACTIVATE_SECONDARY, "activate secondary controls"},
    {0, NULL},
};

/* See: Table "Definitions of VM-Entry Controls" */
const struct vmx_control_name vmx_entry_control_names[] = {
    {ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls"},
    {ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest"},
    {ENTRY_TO_SMM, "entry to SMM"},
    {ENTRY_DEACTIVATE_DUAL_MONITOR, "deactivate dual-monitor treatment"},
    {ENTRY_LOAD_PERF_GLOBAL_CTRL, "load IA32_PERF_GLOBAL_CTRL"},
    {ENTRY_LOAD_PAT, "load IA32_PAT"},
    {ENTRY_LOAD_EFER, "load IA32_EFER"},
    {ENTRY_LOAD_BNDCFGS, "load IA32_BNDCFGS"},
    {ENTRY_CONCEAL_VMX_FROM_PT, "conceal VMX from PT"},
    {ENTRY_LOAD_RTIT_CTL, "load IA32_RTIT_CTL"},
    {ENTRY_LOAD_CET_STATE, "load CET state"},
    {ENTRY_LOAD_LBR_CTL, "load guest IA32_LBR_CTL"},
    {ENTRY_LOAD_PKRS, "load PKRS"},
    {0, NULL},
};

const char *vmx_control_name(const struct vmx_control_name *table, uint32_t bit)
{
    if (!table)
        return NULL;
    for (; table->name; table++)
        if (table->bit == bit)
            return table->name;
    return NULL;
}
