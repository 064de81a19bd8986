/*
 * fuzz_vmx_exit.c - libFuzzer harness for the VT-x exit decoding: arch/x86_64/vmx/vmx_exit.c
 * (exit reason -> struct vm_exit) over the real exit-qualification decoders of
 * vmx_exit_qual.c (I/O, control-register access, EPT violation, interruption and INS/OUTS
 * instruction information). VMREAD is answered from the input: tests/unit/fake_vmcs.h
 * replaces vmcs.h, and vmx_exit.c is compiled into this file after it.
 *
 *   data: | basic reason u16 | reason bits 31:16 u16 | qual u64 | rip u64 | len u32 | idt-vectoring u32 | its error u32 |
 *         | intr info u32 | its error u32 | GPA u64 | GLA u64 | instr info u32 | CS AR u32 |
 *         | ES..GS base 6 x u64 | IA32_VMX_BASIC has INS/OUTS info (u8 bit 0) |
 *
 * Invariant: every field of the struct vm_exit equals what this file computes from the
 * SDM tables (Vol. 3C, "Exit Qualification for I/O Instructions", "... for Control-
 * Register Accesses", "... for EPT Violations", "Format of the IDT-Vectoring Information
 * Field", "Format of the VM-Exit Instruction-Information Field as Used for INS and OUTS")
 * with its own shifts, and an event type the SDM leaves unused is never re-delivered.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/fake_vmcs.h" /* first: its guard keeps the real vmcs.h out */

#include "arch/x86_64/vmx/vmx_exit.c"
#include "tests/fuzz/fuzz_check.h"

struct vmx_caps vmx_caps; /* vmx_enable.c's, which the harness does not link */

/* SDM Vol. 3D, Appendix C: the basic exit reasons whose qualification is decoded. */
enum {
    REASON_EXCEPTION = 0,
    REASON_INTERRUPT = 1,
    REASON_CR = 28,
    REASON_IO = 30,
    REASON_EPT_VIOLATION = 48,
    REASON_EPT_MISCONFIG = 49,
};
#define BIT(n) (1ull << (n))

static struct {
    uint64_t qual, rip, gpa, gla, base[6];
    uint32_t len, idt, idt_err, intr, intr_err, instr_info, cs_ar;
} vmcs;

uint64_t fake_vmcs_read(uint32_t field)
{
    switch (field) {
    case VMCS_RO_EXIT_QUALIFICATION: return vmcs.qual;
    case VMCS_GUEST_RIP: return vmcs.rip;
    case VMCS_RO_EXIT_INSTR_LEN: return vmcs.len;
    case VMCS_RO_IDT_VECTORING_INFO: return vmcs.idt;
    case VMCS_RO_IDT_VECTORING_ERRCODE: return vmcs.idt_err;
    case VMCS_RO_EXIT_INTR_INFO: return vmcs.intr;
    case VMCS_RO_EXIT_INTR_ERRCODE: return vmcs.intr_err;
    case VMCS_RO_GUEST_PHYSICAL_ADDRESS: return vmcs.gpa;
    case VMCS_RO_GUEST_LINEAR_ADDRESS: return vmcs.gla;
    case VMCS_RO_EXIT_INSTR_INFO: return vmcs.instr_info;
    case VMCS_GUEST_CS_AR: return vmcs.cs_ar;
    case VMCS_GUEST_ES_BASE: return vmcs.base[0];
    case VMCS_GUEST_CS_BASE: return vmcs.base[1];
    case VMCS_GUEST_SS_BASE: return vmcs.base[2];
    case VMCS_GUEST_DS_BASE: return vmcs.base[3];
    case VMCS_GUEST_FS_BASE: return vmcs.base[4];
    case VMCS_GUEST_GS_BASE: return vmcs.base[5];
    default: FUZZ_CHECK(0, "VMREAD of field 0x%x, which the decoder should not need", field);
    }
    return 0;
}

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((2ull << (hi - lo)) - 1);
}

static void check_io(const struct vm_exit *e)
{
    static const uint8_t sizes[8] = {1, 2, 0, 4, 0, 0, 0, 0};
    uint64_t q = vmcs.qual;
    FUZZ_CHECK(e->u.io.port == bits(q, 31, 16) && e->u.io.size == sizes[bits(q, 2, 0)] &&
                   e->u.io.in == bits(q, 3, 3) && e->u.io.string == bits(q, 4, 4) &&
                   e->u.io.rep == bits(q, 5, 5),
               "I/O qual 0x%llx: port 0x%x size %u in %d string %d rep %d",
               (unsigned long long)q, e->u.io.port, e->u.io.size, e->u.io.in, e->u.io.string,
               e->u.io.rep);
    if (!e->u.io.string)
        return;
    static const uint8_t addr_sizes[8] = {2, 4, 8, 0, 0, 0, 0, 0};
    uint8_t asz;
    unsigned seg = 3; /* DS */
    if (vmx_caps.basic & VMX_BASIC_INS_OUTS_INFO) {
        asz = addr_sizes[bits(vmcs.instr_info, 9, 7)];
        seg = (unsigned)bits(vmcs.instr_info, 17, 15);
    } else {
        asz = bits(vmcs.cs_ar, 14, 14) ? 4 : 2;
    }
    if (e->u.io.in)
        seg = 0; /* INS writes ES:rDI */
    uint64_t base = seg < 6 ? vmcs.base[seg] : 0;
    FUZZ_CHECK(e->u.io.addr_size == asz && e->u.io.seg_base == base,
               "string I/O: address size %u (want %u), base 0x%llx (want 0x%llx)",
               e->u.io.addr_size, asz, (unsigned long long)e->u.io.seg_base,
               (unsigned long long)base);
}

static void check_cr(const struct vm_exit *e)
{
    static const enum cr_access_type access[4] = {CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW};
    uint64_t q = vmcs.qual;
    FUZZ_CHECK(e->u.cr.cr == bits(q, 3, 0) && e->u.cr.access == access[bits(q, 5, 4)] &&
                   (uint64_t)e->u.cr.gpr == bits(q, 11, 8) && e->u.cr.gpr < GPR_COUNT &&
                   e->u.cr.lmsw_source == bits(q, 31, 16),
               "CR qual 0x%llx: cr %u access %d gpr %d lmsw 0x%x", (unsigned long long)q,
               e->u.cr.cr, e->u.cr.access, e->u.cr.gpr, e->u.cr.lmsw_source);
}

static void check_ept(const struct vm_exit *e)
{
    uint64_t q = vmcs.qual;
    bool linear = bits(q, 7, 7);
    FUZZ_CHECK(e->u.mem.gpa == vmcs.gpa && e->u.mem.gla_valid == linear &&
                   e->u.mem.gla == (linear ? vmcs.gla : 0) && e->u.mem.read == bits(q, 0, 0) &&
                   e->u.mem.write == bits(q, 1, 1) && e->u.mem.fetch == bits(q, 2, 2) &&
                   e->u.mem.readable == bits(q, 3, 3) && e->u.mem.writable == bits(q, 4, 4) &&
                   e->u.mem.executable == bits(q, 5, 5) &&
                   e->u.mem.present == (bits(q, 5, 3) != 0),
               "EPT qual 0x%llx decoded wrong", (unsigned long long)q);
}

static void check_event(const struct vm_exit *e)
{
    bool ec = bits(vmcs.intr, 11, 11);
    FUZZ_CHECK(e->u.exception.vector == bits(vmcs.intr, 7, 0) &&
                   e->u.exception.has_error_code == ec &&
                   e->u.exception.error_code == (ec ? vmcs.intr_err : 0),
               "interruption info 0x%x decoded wrong", vmcs.intr);
}

/* IDT-vectoring information: types 1 and 7 are not used (SDM table), so not an event. */
static void check_interrupted(const struct vm_exit *e)
{
    static const int types[8] = {EVENT_EXTERNAL_INTERRUPT,
                                 -1,
                                 EVENT_NMI,
                                 EVENT_EXCEPTION,
                                 EVENT_SOFTWARE_INTERRUPT,
                                 EVENT_SOFTWARE_EXCEPTION,
                                 EVENT_SOFTWARE_EXCEPTION,
                                 -1};
    uint32_t v = vmcs.idt;
    int type = types[bits(v, 10, 8)];
    bool valid = bits(v, 31, 31) && type >= 0;
    const struct guest_event *ev = &e->interrupted;
    FUZZ_CHECK(ev->valid == valid, "IDT-vectoring 0x%x: valid %d, want %d", v, ev->valid,
               valid);
    if (!valid)
        return;
    bool ec = bits(v, 11, 11);
    FUZZ_CHECK((int)ev->type == type && ev->vector == bits(v, 7, 0) &&
                   ev->has_error_code == ec && ev->error_code == (ec ? vmcs.idt_err : 0) &&
                   ev->instr_len == vmcs.len,
               "IDT-vectoring 0x%x decoded wrong", v);
}

/* The encoder the core uses for injection must round-trip through the decoder. */
static void check_intr_round_trip(uint32_t raw)
{
    struct vmx_intr_info d = vmx_intr_info_decode(raw);
    uint32_t again = vmx_intr_info_encode(d.vector, d.type, d.error_code_valid);
    uint32_t kept = INTR_INFO_VECTOR_MASK | INTR_INFO_TYPE_MASK << INTR_INFO_TYPE_SHIFT |
                    INTR_INFO_ERROR_CODE_VALID;
    FUZZ_CHECK(again == ((raw & kept) | INTR_INFO_VALID), "encode(decode(0x%x)) = 0x%x", raw,
               again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    uint32_t reason = fuzz_u16(&in); /* the basic reason; the flags above it are ignored */
    uint32_t exit_reason = reason | (uint32_t)fuzz_u16(&in) << 16;
    vmcs.qual = fuzz_u64(&in);
    vmcs.rip = fuzz_u64(&in);
    vmcs.len = fuzz_u32(&in);
    vmcs.idt = fuzz_u32(&in);
    vmcs.idt_err = fuzz_u32(&in);
    vmcs.intr = fuzz_u32(&in);
    vmcs.intr_err = fuzz_u32(&in);
    vmcs.gpa = fuzz_u64(&in);
    vmcs.gla = fuzz_u64(&in);
    vmcs.instr_info = fuzz_u32(&in);
    vmcs.cs_ar = fuzz_u32(&in);
    for (unsigned i = 0; i < 6; i++)
        vmcs.base[i] = fuzz_u64(&in);
    vmx_caps.basic = (fuzz_u8(&in) & 1) ? VMX_BASIC_INS_OUTS_INFO : 0;

    struct vm_exit e;
    memset(&e, 0xA5, sizeof(e)); /* garbage: the decoder must set what it reports */
    vmx_exit_decode(&e, exit_reason);

    FUZZ_CHECK(e.raw_reason == reason && e.qualification == vmcs.qual && e.rip == vmcs.rip &&
                   e.instr_len == vmcs.len,
               "reason %u: common fields", reason);
    FUZZ_CHECK((unsigned)e.kind < VM_EXIT_KIND_COUNT, "kind %d", e.kind);
    if (reason >= VMX_EXIT_REASON_COUNT)
        FUZZ_CHECK(e.kind == VM_EXIT_OTHER, "reason %u beyond the table: kind %d", reason,
                   e.kind);
    check_interrupted(&e);
    switch (reason) {
    case REASON_IO:
        FUZZ_CHECK(e.kind == VM_EXIT_IO, "I/O kind");
        check_io(&e);
        break;
    case REASON_CR:
        FUZZ_CHECK(e.kind == VM_EXIT_CR_ACCESS, "CR kind");
        check_cr(&e);
        break;
    case REASON_EPT_VIOLATION:
    case REASON_EPT_MISCONFIG: check_ept(&e); break;
    case REASON_EXCEPTION:
    case REASON_INTERRUPT: check_event(&e); break;
    default: break;
    }
    if (e.kind == VM_EXIT_VIRT_INSTRUCTION)
        FUZZ_CHECK(e.u.virt.mnemonic && e.u.virt.mnemonic[0], "reason %u: no mnemonic", reason);
    check_intr_round_trip(vmcs.intr);
    return 0;
}
