/*
 * svm_exit.c - translate an SVM #VMEXIT into hvlab's vendor-neutral struct vm_exit.
 *
 * One row per exit code hvlab intercepts (AMD APM Vol. 2, Appendix C "SVM Intercept Exit
 * Codes"); every other code maps to VM_EXIT_OTHER, which stops the guest with a report
 * naming it. raw_reason is the compact number of svm_names.h (SVM codes are sparse and
 * reach 0x400 and -1; the statistics have 128 slots).
 *
 * Instruction lengths: with NRIP save (CPUID Fn8000_000A_EDX.NRIPS) the VMCB holds the
 * next RIP for instruction intercepts. Without it (QEMU TCG) the length is the opcode's
 * own, per row; IOIO always has the next RIP in EXITINFO2. See: APM Vol. 2, "Next
 * Sequential Instruction Pointer (nRIP) Saving".
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "arch/x86_64/svm/svm_names.h"

#define LOW32(x) ((uint32_t)(x))

struct exit_row {
    uint64_t code;
    enum vm_exit_kind kind;
    const char *mnemonic; /* VM_EXIT_VIRT_INSTRUCTION: the instruction the guest ran */
    uint8_t instr_len;    /* without NRIP save; 0: no instruction, or EXITINFO2 has it */
};

static const struct exit_row rows[] = {
    {SVM_EXIT_INTR, VM_EXIT_INTERRUPT, 0, 0}, /* hvlab's APIC timer (lapic.h) */
    {SVM_EXIT_VINTR, VM_EXIT_INTERRUPT_WINDOW, 0, 0},
    {SVM_EXIT_NMI, VM_EXIT_EXCEPTION, 0, 0},
    {SVM_EXIT_CPUID, VM_EXIT_CPUID, 0, SVM_LEN_CPUID},
    {SVM_EXIT_HLT, VM_EXIT_HLT, 0, SVM_LEN_HLT},
    {SVM_EXIT_INVLPGA, VM_EXIT_VIRT_INSTRUCTION, "INVLPGA", SVM_LEN_SVM_OP},
    {SVM_EXIT_IOIO, VM_EXIT_IO, 0, 0},
    {SVM_EXIT_MSR, VM_EXIT_MSR_READ, 0, SVM_LEN_MSR}, /* EXITINFO1 picks read or write */
    {SVM_EXIT_SHUTDOWN, VM_EXIT_TRIPLE_FAULT, 0, 0},
    {SVM_EXIT_VMRUN, VM_EXIT_VIRT_INSTRUCTION, "VMRUN", SVM_LEN_SVM_OP},
    {SVM_EXIT_VMMCALL, VM_EXIT_HYPERCALL, 0, SVM_LEN_VMMCALL},
    {SVM_EXIT_VMLOAD, VM_EXIT_VIRT_INSTRUCTION, "VMLOAD", SVM_LEN_SVM_OP},
    {SVM_EXIT_VMSAVE, VM_EXIT_VIRT_INSTRUCTION, "VMSAVE", SVM_LEN_SVM_OP},
    {SVM_EXIT_STGI, VM_EXIT_VIRT_INSTRUCTION, "STGI", SVM_LEN_SVM_OP},
    {SVM_EXIT_CLGI, VM_EXIT_VIRT_INSTRUCTION, "CLGI", SVM_LEN_SVM_OP},
    {SVM_EXIT_SKINIT, VM_EXIT_VIRT_INSTRUCTION, "SKINIT", SVM_LEN_SVM_OP},
    {SVM_EXIT_NPF, VM_EXIT_MEMORY_VIOLATION, 0, 0},
    {SVM_EXIT_CR_READ_BASE, VM_EXIT_CR_ACCESS, 0, 0},  /* CR8: decode_cr */
    {SVM_EXIT_CR_WRITE_BASE, VM_EXIT_CR_ACCESS, 0, 0}, /* CR0, CR4 and CR8: decode_cr */
    {SVM_EXIT_XSETBV, VM_EXIT_XSETBV, 0, SVM_LEN_XSETBV},
};

/* The row of an exit code, through the compact raw number (svm_names.h): one load per
 * exit instead of a search through the table. Filled on first use. */
static const struct exit_row *row_by_raw[SVM_RAW_REASON_COUNT];
static bool row_index_built;

static const struct exit_row *row_for(uint32_t raw)
{
    if (!row_index_built) {
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
            row_by_raw[svm_raw_reason(rows[i].code)] = &rows[i];
        row_index_built = true;
    }
    return raw < SVM_RAW_REASON_COUNT ? row_by_raw[raw] : 0;
}

/* Base of the segment a string I/O instruction names (INS always writes ES:rDI). */
static uint64_t segment_base(const struct vmcb_save *s, enum svm_segment seg)
{
    switch (seg) {
    case SVM_SEG_ES: return s->es.base;
    case SVM_SEG_CS: return s->cs.base;
    case SVM_SEG_SS: return s->ss.base;
    case SVM_SEG_FS: return s->fs.base;
    case SVM_SEG_GS: return s->gs.base;
    default: return s->ds.base;
    }
}

/* Address size of a string I/O instruction, in bytes. The A16/A32/A64 bits say it; QEMU
 * TCG leaves all three clear, and then the code segment's default applies (no 0x67
 * prefix in hvlab's guests): 64-bit code, else CS.D. */
static uint8_t address_size(uint64_t info, const struct vmcb_save *s)
{
    if (info & SVM_IOIO_A64)
        return 8;
    if (info & SVM_IOIO_A32)
        return 4;
    if (info & SVM_IOIO_A16)
        return 2;
    if ((s->efer & EFER_LMA) && (s->cs.attrib & SVM_ATTR_L))
        return 8;
    return (s->cs.attrib & SVM_ATTR_DB) ? 4 : 2;
}

/* A write of CR0 (MOV, CLTS, LMSW), CR4 or CR8 (MOV), or a read of CR8, the CR accesses
 * hvlab intercepts; the reads' exit codes share one raw reason, the writes' another.
 * Decode assists name the GPR of a MOV and NRIP save gives the length; without both the
 * core decodes the instruction (cr_decode.h). */
static void decode_cr(struct vm_exit *e, const struct vmcb *vmcb)
{
    uint64_t info = vmcb->control.exitinfo1, code = vmcb->control.exitcode;
    bool write = code >= SVM_EXIT_CR_WRITE_BASE;
    e->u.cr.cr = (uint8_t)(code - (write ? SVM_EXIT_CR_WRITE_BASE : SVM_EXIT_CR_READ_BASE));
    e->u.cr.access = write ? CR_MOV_TO : CR_MOV_FROM;
    bool decoded = (svm_caps.features & CPUID_SVM_EDX_DECODE) &&
                   (svm_caps.features & CPUID_SVM_EDX_NRIPS) && (info & SVM_CR_EXITINFO1_MOV);
    if (decoded) {
        e->u.cr.gpr = (enum guest_gpr)(info & SVM_CR_EXITINFO1_GPR_MASK);
        e->instr_len = (uint32_t)(vmcb->control.next_rip - e->rip);
    } else {
        e->u.cr.undecoded = true;
    }
}

/* IN/OUT/INS/OUTS. See: APM Vol. 2, "IOIO Intercepts" (EXITINFO1 drawn in svm_bits.h). */
static void decode_io(struct vm_exit *e, const struct vmcb *vmcb)
{
    uint64_t info = vmcb->control.exitinfo1;
    e->u.io.port = (uint16_t)((info & SVM_IOIO_PORT_MASK) >> SVM_IOIO_PORT_SHIFT);
    e->u.io.in = (info & SVM_IOIO_TYPE_IN) != 0;
    e->u.io.string = (info & SVM_IOIO_STRING) != 0;
    e->u.io.rep = (info & SVM_IOIO_REP) != 0;
    e->u.io.size = (info & SVM_IOIO_SZ32)   ? 4
                   : (info & SVM_IOIO_SZ16) ? 2
                   : (info & SVM_IOIO_SZ8)  ? 1
                                            : 0; /* 0: the I/O handler reports it */
    if (!e->u.io.string)
        return;
    e->u.io.addr_size = address_size(info, &vmcb->save);
    /* The SEG field is filled only with decode assists; otherwise OUTS uses DS (hvlab's
     * guests use no segment override). */
    enum svm_segment seg = SVM_SEG_DS;
    if (svm_caps.features & CPUID_SVM_EDX_DECODE)
        seg = (enum svm_segment)((info & SVM_IOIO_SEG_MASK) >> SVM_IOIO_SEG_SHIFT);
    e->u.io.seg_base = segment_base(&vmcb->save, e->u.io.in ? SVM_SEG_ES : seg);
}

/* Nested page fault: EXITINFO2 = the guest-physical address, EXITINFO1 = a #PF error
 * code. SVM reports no guest-linear address. What the mapping allows comes from a walk
 * of hvlab's tables when the entry was present; not present means nothing is allowed.
 * Every nested access is a user access, so an entry without U/S allows the guest nothing.
 * See: APM Vol. 2, "Nested Page Faults (#NPF)", "Nested Table Walk". */
static void decode_npf(struct vm_exit *e, const struct svm_vcpu *sv)
{
    uint64_t info = sv->vmcb->control.exitinfo1;
    e->u.mem.gpa = sv->vmcb->control.exitinfo2;
    e->u.mem.gla_valid = false;
    e->u.mem.write = (info & SVM_NPF_WRITE) != 0;
    e->u.mem.fetch = (info & SVM_NPF_FETCH) != 0;
    e->u.mem.read = !e->u.mem.write && !e->u.mem.fetch;
    e->u.mem.present = (info & SVM_NPF_PRESENT) != 0;
    if (e->u.mem.present) {
        struct npt_walk w = npt_translate(&sv->npt, e->u.mem.gpa);
        bool usable = w.mapped && w.user;
        e->u.mem.readable = usable;
        e->u.mem.writable = usable && w.write;
        e->u.mem.executable = usable && w.execute;
    }
}

/* EXITINTINFO: the event being delivered when the #VMEXIT hit, in EVENTINJ format; it was
 * not delivered, so the core injects it again. See: APM Vol. 2, "Event Injection" and
 * "Interrupted Event Delivery". */
static void decode_interrupted(struct vm_exit *e, uint64_t info)
{
    /* The four types EVENTINJ defines; the others are reserved: no event is made up. */
    static const struct {
        bool used;
        enum guest_event_type type;
    } types[SVM_EVENT_TYPE_MASK + 1] = {
        [SVM_EVENT_TYPE_INTR] = {true, EVENT_EXTERNAL_INTERRUPT},
        [SVM_EVENT_TYPE_NMI] = {true, EVENT_NMI},
        [SVM_EVENT_TYPE_EXCEPTION] = {true, EVENT_EXCEPTION},
        [SVM_EVENT_TYPE_SOFT_INT] = {true, EVENT_SOFTWARE_INTERRUPT},
    };
    uint64_t type = (info >> SVM_EVENT_TYPE_SHIFT) & SVM_EVENT_TYPE_MASK;
    if (!(info & SVM_EVENT_VALID) || !types[type].used)
        return;
    e->interrupted = (struct guest_event){
        .valid = true,
        .type = types[type].type,
        .vector = (uint8_t)(info & SVM_EVENT_VECTOR_MASK),
        .has_error_code = (info & SVM_EVENT_ERROR_CODE_VALID) != 0,
        .error_code = (uint32_t)(info >> SVM_EVENT_ERROR_CODE_SHIFT),
    };
}

void svm_exit_decode(struct vcpu *vcpu, struct vm_exit *e)
{
    const struct svm_vcpu *sv = vcpu->arch;
    const struct vmcb *vmcb = sv->vmcb;
    uint64_t code = vmcb->control.exitcode;
    uint32_t raw = svm_raw_reason(code);
    const struct exit_row *row = row_for(raw);

    *e = (struct vm_exit){0};
    e->raw_reason = raw;
    e->hw_code = code;
    e->qualification = vmcb->control.exitinfo1;
    e->rip = vmcb->save.rip;
    e->kind = row ? row->kind : VM_EXIT_OTHER;
    decode_interrupted(e, vmcb->control.exitintinfo);
    if (row && row->instr_len)
        e->instr_len = (svm_caps.features & CPUID_SVM_EDX_NRIPS)
                           ? (uint32_t)(vmcb->control.next_rip - e->rip)
                           : row->instr_len;

    switch (e->kind) {
    case VM_EXIT_IO:
        decode_io(e, vmcb);
        e->instr_len = (uint32_t)(vmcb->control.exitinfo2 - e->rip); /* EXITINFO2: next RIP */
        break;
    case VM_EXIT_MSR_READ:
        if (LOW32(vmcb->control.exitinfo1) == SVM_MSR_EXITINFO1_WRITE)
            e->kind = VM_EXIT_MSR_WRITE;
        break;
    case VM_EXIT_MEMORY_VIOLATION: decode_npf(e, sv); break;
    case VM_EXIT_CR_ACCESS: decode_cr(e, vmcb); break;
    case VM_EXIT_EXCEPTION: e->u.exception.vector = EXC_NMI; break; /* VMEXIT_NMI */
    case VM_EXIT_VIRT_INSTRUCTION: e->u.virt.mnemonic = row->mnemonic; break;
    default: break;
    }
}
