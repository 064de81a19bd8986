/*
 * vmx_exit.c - translate a VMX exit into hvlab's vendor-neutral struct vm_exit.
 *
 * One row per basic exit reason (SDM Vol. 3D, Appendix C "VMX Basic Exit Reasons"),
 * every reason listed, the ones hvlab does not handle too: they map to VM_EXIT_OTHER,
 * which stops the guest with a report naming the reason. Then a few reasons need their
 * exit qualification decoded (see vmx_exit_qual.h).
 */
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmentry_state.h"
#include "arch/x86_64/vmx/vmx.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_exit_qual.h"

struct exit_row {
    enum vm_exit_kind kind;
    const char *mnemonic; /* VM_EXIT_VIRT_INSTRUCTION: the instruction the guest ran */
};

static const struct exit_row rows[VMX_EXIT_REASON_COUNT] = {
    [VMX_EXIT_EXCEPTION_NMI] = {VM_EXIT_EXCEPTION, 0},
    [VMX_EXIT_EXTERNAL_INTERRUPT] = {VM_EXIT_INTERRUPT, 0},
    [VMX_EXIT_TRIPLE_FAULT] = {VM_EXIT_TRIPLE_FAULT, 0},
    [VMX_EXIT_INIT_SIGNAL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_SIPI] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_IO_SMI] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_OTHER_SMI] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_INTERRUPT_WINDOW] = {VM_EXIT_INTERRUPT_WINDOW, 0},
    [VMX_EXIT_NMI_WINDOW] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_TASK_SWITCH] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_CPUID] = {VM_EXIT_CPUID, 0},
    [VMX_EXIT_GETSEC] = {VM_EXIT_VIRT_INSTRUCTION, "GETSEC"},
    [VMX_EXIT_HLT] = {VM_EXIT_HLT, 0},
    [VMX_EXIT_INVD] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_INVLPG] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RDPMC] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RDTSC] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RSM] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_VMCALL] = {VM_EXIT_HYPERCALL, 0},
    [VMX_EXIT_VMCLEAR] = {VM_EXIT_VIRT_INSTRUCTION, "VMCLEAR"},
    [VMX_EXIT_VMLAUNCH] = {VM_EXIT_VIRT_INSTRUCTION, "VMLAUNCH"},
    [VMX_EXIT_VMPTRLD] = {VM_EXIT_VIRT_INSTRUCTION, "VMPTRLD"},
    [VMX_EXIT_VMPTRST] = {VM_EXIT_VIRT_INSTRUCTION, "VMPTRST"},
    [VMX_EXIT_VMREAD] = {VM_EXIT_VIRT_INSTRUCTION, "VMREAD"},
    [VMX_EXIT_VMRESUME] = {VM_EXIT_VIRT_INSTRUCTION, "VMRESUME"},
    [VMX_EXIT_VMWRITE] = {VM_EXIT_VIRT_INSTRUCTION, "VMWRITE"},
    [VMX_EXIT_VMXOFF] = {VM_EXIT_VIRT_INSTRUCTION, "VMXOFF"},
    [VMX_EXIT_VMXON] = {VM_EXIT_VIRT_INSTRUCTION, "VMXON"},
    [VMX_EXIT_CR_ACCESS] = {VM_EXIT_CR_ACCESS, 0},
    [VMX_EXIT_MOV_DR] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_IO_INSTRUCTION] = {VM_EXIT_IO, 0},
    [VMX_EXIT_RDMSR] = {VM_EXIT_MSR_READ, 0},
    [VMX_EXIT_WRMSR] = {VM_EXIT_MSR_WRITE, 0},
    [VMX_EXIT_ENTRY_FAIL_GUEST_STATE] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_ENTRY_FAIL_MSR_LOADING] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_MWAIT] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_MONITOR_TRAP_FLAG] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_MONITOR] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_PAUSE] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_ENTRY_FAIL_MCE] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_TPR_BELOW_THRESHOLD] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_APIC_ACCESS] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_VIRTUALIZED_EOI] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_GDTR_IDTR_ACCESS] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_LDTR_TR_ACCESS] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_EPT_VIOLATION] = {VM_EXIT_MEMORY_VIOLATION, 0},
    [VMX_EXIT_EPT_MISCONFIG] = {VM_EXIT_MEMORY_MISCONFIG, 0},
    [VMX_EXIT_INVEPT] = {VM_EXIT_VIRT_INSTRUCTION, "INVEPT"},
    [VMX_EXIT_RDTSCP] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_PREEMPTION_TIMER] = {VM_EXIT_TIMER, 0},
    [VMX_EXIT_INVVPID] = {VM_EXIT_VIRT_INSTRUCTION, "INVVPID"},
    [VMX_EXIT_WBINVD] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_XSETBV] = {VM_EXIT_XSETBV, 0},
    [VMX_EXIT_APIC_WRITE] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RDRAND] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_INVPCID] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_VMFUNC] = {VM_EXIT_VIRT_INSTRUCTION, "VMFUNC"},
    [VMX_EXIT_ENCLS] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RDSEED] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_PML_FULL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_XSAVES] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_XRSTORS] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_PCONFIG] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_SPP_EVENT] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_UMWAIT] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_TPAUSE] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_LOADIWKEY] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_ENCLV] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_ENQCMD_PASID_FAIL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_ENQCMDS_PASID_FAIL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_BUS_LOCK] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_INSTRUCTION_TIMEOUT] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_SEAMCALL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_TDCALL] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_RDMSRLIST] = {VM_EXIT_OTHER, 0},
    [VMX_EXIT_WRMSRLIST] = {VM_EXIT_OTHER, 0},
};

/* Base of the segment a string I/O instruction reads from (INS always uses ES). */
static uint64_t segment_base(enum vmx_segment seg)
{
    static const uint32_t base_fields[] = {
        [VMX_SEG_ES] = VMCS_GUEST_ES_BASE, [VMX_SEG_CS] = VMCS_GUEST_CS_BASE,
        [VMX_SEG_SS] = VMCS_GUEST_SS_BASE, [VMX_SEG_DS] = VMCS_GUEST_DS_BASE,
        [VMX_SEG_FS] = VMCS_GUEST_FS_BASE, [VMX_SEG_GS] = VMCS_GUEST_GS_BASE,
    };
    return (unsigned)seg < sizeof(base_fields) / sizeof(base_fields[0])
               ? vmcs_read(base_fields[seg])
               : 0;
}

static void decode_io(struct vm_exit *e)
{
    struct vmx_io_qual q = vmx_io_qual_decode(e->qualification);
    e->u.io.port = q.port;
    e->u.io.size = q.size;
    e->u.io.in = q.in;
    e->u.io.string = q.string;
    e->u.io.rep = q.rep;
    if (!q.string)
        return;
    /* Address size and segment come from the VM-exit instruction-information field when
     * the CPU reports it (IA32_VMX_BASIC bit 54); otherwise from CS.D: 32- or 16-bit. */
    enum vmx_segment seg = VMX_SEG_DS;
    if (vmx_caps.basic & VMX_BASIC_INS_OUTS_INFO) {
        struct vmx_io_instr_info info =
            vmx_io_instr_info_decode((uint32_t)vmcs_read(VMCS_RO_EXIT_INSTR_INFO));
        e->u.io.addr_size = info.address_bits / 8;
        seg = info.segment;
    } else {
        e->u.io.addr_size = (vmcs_read(VMCS_GUEST_CS_AR) & SEG_AR_DB) ? 4 : 2;
    }
    e->u.io.seg_base = segment_base(q.in ? VMX_SEG_ES : seg);
}

static void decode_cr(struct vm_exit *e)
{
    struct vmx_cr_qual q = vmx_cr_qual_decode(e->qualification);
    static const enum cr_access_type access[] = {
        [VMX_CR_ACCESS_MOV_TO_CR] = CR_MOV_TO,
        [VMX_CR_ACCESS_MOV_FROM_CR] = CR_MOV_FROM,
        [VMX_CR_ACCESS_CLTS] = CR_CLTS,
        [VMX_CR_ACCESS_LMSW] = CR_LMSW,
    };
    e->u.cr.cr = q.cr;
    e->u.cr.access = access[q.access];
    e->u.cr.gpr = (enum guest_gpr)q.gpr; /* same encoding order */
    e->u.cr.lmsw_source = q.lmsw_source;
}

static void decode_ept(struct vm_exit *e)
{
    struct vmx_ept_qual q = vmx_ept_qual_decode(e->qualification);
    e->u.mem.gpa = vmcs_read(VMCS_RO_GUEST_PHYSICAL_ADDRESS);
    e->u.mem.gla_valid = q.linear_valid;
    e->u.mem.gla = q.linear_valid ? vmcs_read(VMCS_RO_GUEST_LINEAR_ADDRESS) : 0;
    e->u.mem.read = q.read;
    e->u.mem.write = q.write;
    e->u.mem.fetch = q.fetch;
    e->u.mem.readable = q.readable;
    e->u.mem.writable = q.writable;
    e->u.mem.executable = q.executable;
    e->u.mem.present =
        q.readable || q.writable || q.executable; /* an EPT entry with R, W or X */
}

/* Exceptions, NMIs and external interrupts: the VM-exit interruption information. */
static void decode_event(struct vm_exit *e)
{
    struct vmx_intr_info info =
        vmx_intr_info_decode((uint32_t)vmcs_read(VMCS_RO_EXIT_INTR_INFO));
    e->u.exception.vector = info.vector;
    e->u.exception.has_error_code = info.error_code_valid;
    e->u.exception.error_code =
        info.error_code_valid ? (uint32_t)vmcs_read(VMCS_RO_EXIT_INTR_ERRCODE) : 0;
}

/* An exit during event delivery (the guest's IDT entry, its stack, ...) leaves the event
 * in the IDT-vectoring information field; it was not delivered, so the core delivers it
 * again. See: SDM Vol. 3C, "Information for VM Exits That Occur During Event Delivery". */
static void decode_interrupted(struct vm_exit *e)
{
    /* Types 1 and 7 are "not used" in this field: no row, so no event is made up. */
    static const struct {
        bool used;
        enum guest_event_type type;
    } types[] = {
        [VMX_INTR_TYPE_EXTERNAL] = {true, EVENT_EXTERNAL_INTERRUPT},
        [VMX_INTR_TYPE_NMI] = {true, EVENT_NMI},
        [VMX_INTR_TYPE_HW_EXCEPTION] = {true, EVENT_EXCEPTION},
        [VMX_INTR_TYPE_SW_INTERRUPT] = {true, EVENT_SOFTWARE_INTERRUPT},
        [VMX_INTR_TYPE_PRIV_SW_EXCEPTION] = {true, EVENT_SOFTWARE_EXCEPTION},
        [VMX_INTR_TYPE_SW_EXCEPTION] = {true, EVENT_SOFTWARE_EXCEPTION},
    };
    uint32_t raw = (uint32_t)vmcs_read(VMCS_RO_IDT_VECTORING_INFO);
    if (!(raw & INTR_INFO_VALID))
        return; /* the common case: no delivery was under way */
    struct vmx_intr_info info = vmx_intr_info_decode(raw);
    if (info.type >= sizeof(types) / sizeof(types[0]) || !types[info.type].used)
        return;
    e->interrupted = (struct guest_event){
        .valid = true,
        .type = types[info.type].type,
        .vector = info.vector,
        .has_error_code = info.error_code_valid,
        .error_code =
            info.error_code_valid ? (uint32_t)vmcs_read(VMCS_RO_IDT_VECTORING_ERRCODE) : 0,
        .instr_len = e->instr_len,
    };
}

void vmx_exit_decode(struct vm_exit *e, uint32_t exit_reason)
{
    uint32_t basic = exit_reason & EXIT_REASON_BASIC_MASK;
    *e = (struct vm_exit){0};
    e->raw_reason = basic;
    e->hw_code = basic;
    e->qualification = vmcs_read(VMCS_RO_EXIT_QUALIFICATION);
    e->rip = vmcs_read(VMCS_GUEST_RIP);
    e->instr_len = (uint32_t)vmcs_read(VMCS_RO_EXIT_INSTR_LEN);
    e->kind = basic < VMX_EXIT_REASON_COUNT ? rows[basic].kind : VM_EXIT_OTHER;
    decode_interrupted(e);

    switch (e->kind) {
    case VM_EXIT_IO: decode_io(e); break;
    case VM_EXIT_CR_ACCESS: decode_cr(e); break;
    case VM_EXIT_MEMORY_VIOLATION:
    case VM_EXIT_MEMORY_MISCONFIG: decode_ept(e); break;
    case VM_EXIT_EXCEPTION:
    case VM_EXIT_INTERRUPT: decode_event(e); break;
    case VM_EXIT_VIRT_INSTRUCTION: e->u.virt.mnemonic = rows[basic].mnemonic; break;
    default: break;
    }
}
