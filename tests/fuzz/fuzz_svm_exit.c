/*
 * fuzz_svm_exit.c - libFuzzer harness for the AMD-V exit decoding
 * (arch/x86_64/svm/svm_exit.c): EXITCODE, EXITINFO1/2 and EXITINTINFO of a VMCB ->
 * struct vm_exit, with the IOIO and nested-page-fault decoders, over real nested page
 * tables (arch/x86_64/npt.c) built for guest RAM of RAM_SIZE.
 *
 *   data: | code u16 (0xFFFF: VMEXIT_INVALID) | EXITINFO1 u64 | EXITINFO2 u64 |
 *         | EXITINTINFO u64 | RIP u64 | next RIP u64 | EFER u64 | CS attrib u16 |
 *         | ES..GS base 6 x u64 | CPUID features: NRIPS (bit 0), decode assists (bit 1) |
 *         | NPF address: u8 kind, u64 (see npf_address) |
 *
 * Invariants, each field computed here from APM Vol. 2 with its own shifts ("IOIO
 * Intercepts", "Nested Page Faults (#NPF)", "Event Injection"):
 *   - IOIO: port, direction, size, string/REP, address size, segment base, length;
 *   - NPF: the address is EXITINFO2; a present fault reports access allowed exactly when
 *     the address is guest RAM (hvlab maps all of it, and nothing else, read/write/exec);
 *   - EXITINTINFO: only the event types the APM defines are delivered again;
 *   - an exit code outside hvlab's table is VM_EXIT_OTHER with its compact raw number.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "arch/x86_64/svm/svm_names.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/host_pages.h"

struct svm_caps svm_caps; /* svm_enable.c's, which the harness does not link */

#define RAM_SIZE     (4ull << 20)
#define CODE_INVALID 0xFFFFu /* stands for VMEXIT_INVALID, -1 */
#define BIT(n)       (1ull << (n))

static struct vmcb vmcb __attribute__((aligned(4096)));
static struct svm_vcpu sv;
static struct vcpu vcpu;

static void setup_once(void)
{
    static struct host_pages src;
    static struct guest_memory mem;
    char why[128];
    if (guest_memory_create(&mem, RAM_SIZE, host_pages_alloc, &src, why, sizeof(why)) != 0 ||
        npt_build(&sv.npt, &mem, true, host_pages_alloc, &src) != 0) {
        fprintf(stderr, "fuzz_svm_exit: setup: %s\n", why);
        exit(1);
    }
    sv.vmcb = &vmcb;
    vcpu.arch = &sv;
}

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((2ull << (hi - lo)) - 1);
}

/* Addresses at the edges that matter: RAM's end, 4 GiB, the 48-bit limit, or any. */
static uint64_t npf_address(struct fuzz_input *in)
{
    uint8_t kind = fuzz_u8(in);
    uint64_t v = fuzz_u64(in);
    int64_t near = (int8_t)v * 0x1000ll + (int64_t)(v >> 8 & 0xFFF);
    switch (kind % 4) {
    case 0: return RAM_SIZE + (uint64_t)near;
    case 1: return (1ull << 32) + (uint64_t)near;
    case 2: return (1ull << 48) + (uint64_t)near;
    default: return v;
    }
}

static void check_io(const struct vm_exit *e, uint64_t info)
{
    uint8_t size = bits(info, 6, 6) ? 4 : bits(info, 5, 5) ? 2 : bits(info, 4, 4) ? 1 : 0;
    FUZZ_CHECK(e->kind == VM_EXIT_IO && e->u.io.port == bits(info, 31, 16) &&
                   e->u.io.in == bits(info, 0, 0) && e->u.io.string == bits(info, 2, 2) &&
                   e->u.io.rep == bits(info, 3, 3) && e->u.io.size == size,
               "IOIO 0x%llx: port 0x%x in %d string %d rep %d size %u",
               (unsigned long long)info, e->u.io.port, e->u.io.in, e->u.io.string, e->u.io.rep,
               e->u.io.size);
    FUZZ_CHECK(e->instr_len == (uint32_t)(vmcb.control.exitinfo2 - vmcb.save.rip),
               "IOIO length %u: EXITINFO2 is the next RIP", e->instr_len);
    if (!e->u.io.string)
        return;
    bool long_code = (vmcb.save.efer & EFER_LMA) && (vmcb.save.cs.attrib & SVM_ATTR_L);
    uint8_t asz = bits(info, 9, 9)                      ? 8
                  : bits(info, 8, 8)                    ? 4
                  : bits(info, 7, 7)                    ? 2
                  : long_code                           ? 8
                  : (vmcb.save.cs.attrib & SVM_ATTR_DB) ? 4
                                                        : 2;
    const struct vmcb_segment *segs[] = {&vmcb.save.es, &vmcb.save.cs, &vmcb.save.ss,
                                         &vmcb.save.ds, &vmcb.save.fs, &vmcb.save.gs};
    unsigned seg =
        (svm_caps.features & CPUID_SVM_EDX_DECODE) ? (unsigned)bits(info, 12, 10) : 3; /* DS */
    if (e->u.io.in)
        seg = 0;                                   /* INS writes ES:rDI */
    uint64_t base = segs[seg < 6 ? seg : 3]->base; /* reserved SEG values: DS */
    FUZZ_CHECK(e->u.io.addr_size == asz && e->u.io.seg_base == base,
               "string IOIO: address size %u (want %u), base 0x%llx (want 0x%llx)",
               e->u.io.addr_size, asz, (unsigned long long)e->u.io.seg_base,
               (unsigned long long)base);
}

static void check_npf(const struct vm_exit *e, uint64_t info)
{
    uint64_t gpa = vmcb.control.exitinfo2;
    bool write = bits(info, 1, 1), fetch = bits(info, 4, 4);
    bool allowed = bits(info, 0, 0) && gpa < RAM_SIZE;
    FUZZ_CHECK(e->kind == VM_EXIT_MEMORY_VIOLATION && e->u.mem.gpa == gpa &&
                   !e->u.mem.gla_valid && e->u.mem.write == write && e->u.mem.fetch == fetch &&
                   e->u.mem.read == (!write && !fetch),
               "NPF 0x%llx at 0x%llx decoded wrong", (unsigned long long)info,
               (unsigned long long)gpa);
    FUZZ_CHECK(e->u.mem.present == bits(info, 0, 0), "NPF 0x%llx: present %d",
               (unsigned long long)info, e->u.mem.present);
    FUZZ_CHECK(e->u.mem.readable == allowed && e->u.mem.writable == allowed &&
                   e->u.mem.executable == allowed,
               "NPF at 0x%llx (RAM 0x0-0x%llx, P %d): allows r%d w%d x%d",
               (unsigned long long)gpa, RAM_SIZE, (int)bits(info, 0, 0), e->u.mem.readable,
               e->u.mem.writable, e->u.mem.executable);
}

/* EXITINTINFO has EVENTINJ's format: types 0, 2, 3, 4 are defined, the rest reserved. */
static void check_interrupted(const struct vm_exit *e)
{
    static const int types[8] = {EVENT_EXTERNAL_INTERRUPT, -1, EVENT_NMI, EVENT_EXCEPTION,
                                 EVENT_SOFTWARE_INTERRUPT, -1, -1,        -1};
    uint64_t v = vmcb.control.exitintinfo;
    int type = types[bits(v, 10, 8)];
    bool valid = bits(v, 31, 31) && type >= 0;
    const struct guest_event *ev = &e->interrupted;
    FUZZ_CHECK(ev->valid == valid, "EXITINTINFO 0x%llx: valid %d, want %d",
               (unsigned long long)v, ev->valid, valid);
    if (valid)
        FUZZ_CHECK((int)ev->type == type && ev->vector == bits(v, 7, 0) &&
                       ev->has_error_code == bits(v, 11, 11) &&
                       ev->error_code == bits(v, 63, 32),
                   "EXITINTINFO 0x%llx decoded wrong", (unsigned long long)v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sv.vmcb)
        setup_once();
    struct fuzz_input in = {data, size};
    uint16_t code16 = fuzz_u16(&in);
    uint64_t code = code16 == CODE_INVALID ? SVM_EXIT_INVALID : code16;
    vmcb.control.exitcode = code;
    vmcb.control.exitinfo1 = fuzz_u64(&in);
    vmcb.control.exitinfo2 = fuzz_u64(&in);
    vmcb.control.exitintinfo = fuzz_u64(&in);
    vmcb.save.rip = fuzz_u64(&in);
    vmcb.control.next_rip = fuzz_u64(&in);
    vmcb.save.efer = fuzz_u64(&in);
    vmcb.save.cs.attrib = fuzz_u16(&in);
    struct vmcb_segment *segs[] = {&vmcb.save.es, &vmcb.save.cs, &vmcb.save.ss,
                                   &vmcb.save.ds, &vmcb.save.fs, &vmcb.save.gs};
    for (unsigned i = 0; i < 6; i++)
        segs[i]->base = fuzz_u64(&in);
    uint8_t features = fuzz_u8(&in);
    svm_caps.features = ((features & 1) ? CPUID_SVM_EDX_NRIPS : 0) |
                        ((features & 2) ? CPUID_SVM_EDX_DECODE : 0);
    if (code == SVM_EXIT_NPF)
        vmcb.control.exitinfo2 = npf_address(&in);

    struct vm_exit e;
    memset(&e, 0xA5, sizeof(e)); /* garbage: the decoder must set what it reports */
    svm_exit_decode(&vcpu, &e);

    uint32_t raw = svm_raw_reason(code);
    FUZZ_CHECK(e.raw_reason == raw && raw < SVM_RAW_REASON_COUNT,
               "code 0x%llx: raw %u, want %u", (unsigned long long)code, e.raw_reason, raw);
    FUZZ_CHECK(e.qualification == vmcb.control.exitinfo1 && e.rip == vmcb.save.rip,
               "code 0x%llx: common fields", (unsigned long long)code);
    FUZZ_CHECK((unsigned)e.kind < VM_EXIT_KIND_COUNT, "kind %d", e.kind);
    check_interrupted(&e);
    uint64_t info = vmcb.control.exitinfo1;
    switch (code) {
    case SVM_EXIT_IOIO: check_io(&e, info); break;
    case SVM_EXIT_NPF: check_npf(&e, info); break;
    case SVM_EXIT_MSR:
        FUZZ_CHECK(e.kind == ((uint32_t)info == 1 ? VM_EXIT_MSR_WRITE : VM_EXIT_MSR_READ),
                   "MSR EXITINFO1 0x%llx: kind %d", (unsigned long long)info, e.kind);
        break;
    default: break;
    }
    if (e.kind == VM_EXIT_VIRT_INSTRUCTION)
        FUZZ_CHECK(e.u.virt.mnemonic && e.u.virt.mnemonic[0], "code 0x%llx: no mnemonic",
                   (unsigned long long)code);
    return 0;
}
