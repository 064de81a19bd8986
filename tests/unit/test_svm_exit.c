/*
 * test_svm_exit.c - the AMD-V backend's translation of a #VMEXIT into the neutral struct
 * vm_exit (arch/x86_64/svm/svm_exit.c), on VMCBs filled by hand as the CPU would leave
 * them; and the layout of the I/O and MSR permission maps (svm_permission_maps.c), which
 * the APM draws and which is easy to get wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_names.h"

struct svm_caps svm_caps; /* svm_enable.c's, which the tests do not link */

#define GUEST_RIP 0x100040ull

static struct vmcb vmcb __attribute__((aligned(4096)));
static struct svm_vcpu sv;
static struct vcpu vcpu;

static int setup(void **state)
{
    (void)state;
    memset(&vmcb, 0, sizeof(vmcb));
    sv = (struct svm_vcpu){.vmcb = &vmcb};
    vcpu = (struct vcpu){.arch = &sv};
    svm_caps.features = 0; /* QEMU TCG: no NRIP save, no decode assists */
    vmcb.save.rip = GUEST_RIP;
    vmcb.save.cs.attrib = SVM_ATTR_DB; /* 32-bit code */
    return 0;
}

static struct vm_exit decode(uint64_t code, uint64_t info1, uint64_t info2)
{
    vmcb.control.exitcode = code;
    vmcb.control.exitinfo1 = info1;
    vmcb.control.exitinfo2 = info2;
    struct vm_exit e;
    memset(&e, 0xA5, sizeof(e)); /* garbage: the decoder must set what it reports */
    svm_exit_decode(&vcpu, &e);
    return e;
}

static void test_cpuid_fixed_length_without_nrip(void **state)
{
    (void)state;
    struct vm_exit e = decode(SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(e.kind, VM_EXIT_CPUID);
    assert_int_equal(e.raw_reason, svm_raw_reason(SVM_EXIT_CPUID));
    assert_int_equal(e.rip, GUEST_RIP);
    assert_int_equal(e.instr_len, SVM_LEN_CPUID);
    assert_false(e.interrupted.valid);
}

static void test_nrip_gives_length(void **state)
{
    (void)state;
    svm_caps.features = CPUID_SVM_EDX_NRIPS;
    vmcb.control.next_rip = GUEST_RIP + 3; /* e.g. VMMCALL */
    struct vm_exit e = decode(SVM_EXIT_VMMCALL, 0, 0);
    assert_int_equal(e.kind, VM_EXIT_HYPERCALL);
    assert_int_equal(e.instr_len, 3);
}

static void test_ioio_out_dx_al(void **state)
{
    (void)state;
    /* OUT DX, AL to 0x3F8: port in 31:16, SZ8, type OUT; EXITINFO2 = next RIP. */
    uint64_t info = (0x3F8ull << SVM_IOIO_PORT_SHIFT) | SVM_IOIO_SZ8;
    struct vm_exit e = decode(SVM_EXIT_IOIO, info, GUEST_RIP + 1);
    assert_int_equal(e.kind, VM_EXIT_IO);
    assert_int_equal(e.u.io.port, 0x3F8);
    assert_int_equal(e.u.io.size, 1);
    assert_false(e.u.io.in);
    assert_false(e.u.io.string);
    assert_int_equal(e.instr_len, 1);
}

static void test_ioio_rep_insb(void **state)
{
    (void)state;
    vmcb.save.es.base = 0x2000;
    uint64_t info = (0xE0ull << SVM_IOIO_PORT_SHIFT) | SVM_IOIO_SZ8 | SVM_IOIO_TYPE_IN |
                    SVM_IOIO_STRING | SVM_IOIO_REP;
    struct vm_exit e = decode(SVM_EXIT_IOIO, info, GUEST_RIP + 2);
    assert_true(e.u.io.in && e.u.io.string && e.u.io.rep);
    assert_int_equal(e.u.io.addr_size, 4);     /* no A16/A32/A64 bit: CS.D says 32-bit */
    assert_int_equal(e.u.io.seg_base, 0x2000); /* INS writes ES:rDI */
    assert_int_equal(e.instr_len, 2);
}

static void test_msr_read_and_write(void **state)
{
    (void)state;
    assert_int_equal(decode(SVM_EXIT_MSR, 0, 0).kind, VM_EXIT_MSR_READ);
    struct vm_exit e = decode(SVM_EXIT_MSR, SVM_MSR_EXITINFO1_WRITE, 0);
    assert_int_equal(e.kind, VM_EXIT_MSR_WRITE);
    assert_int_equal(e.instr_len, SVM_LEN_MSR);
}

static void test_npf_not_present_write(void **state)
{
    (void)state;
    struct vm_exit e = decode(SVM_EXIT_NPF, SVM_NPF_WRITE, 0xE0000000ull);
    assert_int_equal(e.kind, VM_EXIT_MEMORY_VIOLATION);
    assert_int_equal(e.raw_reason, SVM_RAW_NPF);
    assert_int_equal(e.u.mem.gpa, 0xE0000000ull);
    assert_true(e.u.mem.write);
    assert_false(e.u.mem.read || e.u.mem.fetch);
    assert_false(e.u.mem.gla_valid); /* SVM reports no linear address */
    assert_false(e.u.mem.present);
    assert_false(e.u.mem.readable || e.u.mem.writable || e.u.mem.executable);
}

static void test_interrupt_and_window(void **state)
{
    (void)state;
    assert_int_equal(decode(SVM_EXIT_INTR, 0, 0).kind, VM_EXIT_INTERRUPT);
    struct vm_exit e = decode(SVM_EXIT_VINTR, 0, 0);
    assert_int_equal(e.kind, VM_EXIT_INTERRUPT_WINDOW);
    assert_int_equal(e.instr_len, 0); /* no instruction to skip */
}

static void test_vmrun_and_unknown(void **state)
{
    (void)state;
    struct vm_exit e = decode(SVM_EXIT_VMRUN, 0, 0);
    assert_int_equal(e.kind, VM_EXIT_VIRT_INSTRUCTION);
    assert_string_equal(e.u.virt.mnemonic, "VMRUN");
    assert_int_equal(e.instr_len, SVM_LEN_SVM_OP);
    e = decode(0x7FFull, 0, 0); /* not an exit code hvlab handles */
    assert_int_equal(e.kind, VM_EXIT_OTHER);
    assert_int_equal(e.raw_reason, SVM_RAW_UNKNOWN);
}

static void test_exitintinfo_becomes_interrupted_event(void **state)
{
    (void)state;
    /* #PF (vector 14) with error code 6 was being delivered when the NPF hit. */
    vmcb.control.exitintinfo = 14 | (SVM_EVENT_TYPE_EXCEPTION << SVM_EVENT_TYPE_SHIFT) |
                               SVM_EVENT_ERROR_CODE_VALID | SVM_EVENT_VALID |
                               (6ull << SVM_EVENT_ERROR_CODE_SHIFT);
    struct vm_exit e = decode(SVM_EXIT_NPF, SVM_NPF_WRITE, 0x9000);
    assert_true(e.interrupted.valid);
    assert_int_equal(e.interrupted.type, EVENT_EXCEPTION);
    assert_int_equal(e.interrupted.vector, 14);
    assert_true(e.interrupted.has_error_code);
    assert_int_equal(e.interrupted.error_code, 6);
    /* An external interrupt, vector 0x20. */
    vmcb.control.exitintinfo = 0x20 | SVM_EVENT_VALID;
    e = decode(SVM_EXIT_NPF, 0, 0x9000);
    assert_int_equal(e.interrupted.type, EVENT_EXTERNAL_INTERRUPT);
    assert_int_equal(e.interrupted.vector, 0x20);
    assert_false(e.interrupted.has_error_code);
}

/* Found by tests/fuzz/fuzz_svm_exit: every type but 0, 2 and 3 was read as a software
 * interrupt, so a reserved type (1, 5, 6, 7) would have been re-injected as INT n. */
static void test_exitintinfo_reserved_types_are_not_delivered(void **state)
{
    (void)state;
    static const uint64_t reserved[] = {1, 5, 6, 7}; /* APM: EVENTINJ TYPE, "reserved" */
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        vmcb.control.exitintinfo =
            0x30 | (reserved[i] << SVM_EVENT_TYPE_SHIFT) | SVM_EVENT_VALID;
        assert_false(decode(SVM_EXIT_NPF, 0, 0x9000).interrupted.valid);
    }
    vmcb.control.exitintinfo = 0x30 | (SVM_EVENT_TYPE_SOFT_INT << SVM_EVENT_TYPE_SHIFT) |
                               SVM_EVENT_VALID; /* INT 0x30: defined, delivered again */
    struct vm_exit e = decode(SVM_EXIT_NPF, 0, 0x9000);
    assert_true(e.interrupted.valid);
    assert_int_equal(e.interrupted.type, EVENT_SOFTWARE_INTERRUPT);
}

/* ---- permission maps ------------------------------------------------------------------ */

static void test_msrpm_layout(void **state)
{
    (void)state;
    uint32_t bit;
    /* Range 1: MSR 0-0x1FFF at bytes 0x000-0x7FF, two bits each. */
    assert_true(svm_msrpm_bit(0, &bit));
    assert_int_equal(bit, 0);
    assert_true(svm_msrpm_bit(MSR_IA32_SYSENTER_CS, &bit)); /* 0x174 */
    assert_int_equal(bit, 0x174 * 2);
    assert_true(svm_msrpm_bit(0x1FFF, &bit));
    assert_int_equal(bit / 8, 0x7FF);
    /* Range 2: 0xC0000000-0xC0001FFF from byte 0x800. LSTAR = 0xC0000082. */
    assert_true(svm_msrpm_bit(MSR_IA32_LSTAR, &bit));
    assert_int_equal(bit / 8, 0x800 + 0x82 * 2 / 8);
    assert_int_equal(bit % 8, (0x82 * 2) % 8);
    /* Range 3: 0xC0010000-0xC0011FFF from byte 0x1000 (VM_HSAVE_PA = 0xC0010117). */
    assert_true(svm_msrpm_bit(0xC0010117u, &bit));
    assert_int_equal(bit, 0x1000 * 8 + 0x117 * 2);
    /* Outside the three ranges: not in the map (such MSRs always exit). */
    assert_false(svm_msrpm_bit(0x2000, &bit));
    assert_false(svm_msrpm_bit(0xC0002000u, &bit));
    assert_false(svm_msrpm_bit(0xBFFFFFFFu, &bit));
    assert_false(svm_msrpm_bit(0x12345678u, &bit));
}

static void test_msrpm_set_touches_only_its_bits(void **state)
{
    (void)state;
    static uint8_t map[2 * 4096];
    memset(map, 0xFF, sizeof(map));
    assert_true(svm_msrpm_set(map, MSR_IA32_LSTAR, false, true)); /* reads pass, writes exit */
    assert_false(svm_msrpm_intercepts(map, MSR_IA32_LSTAR, false));
    assert_true(svm_msrpm_intercepts(map, MSR_IA32_LSTAR, true));
    assert_true(svm_msrpm_intercepts(map, MSR_IA32_STAR, false)); /* the neighbours */
    assert_true(svm_msrpm_intercepts(map, MSR_IA32_CSTAR, true));
    unsigned cleared = 0;
    for (size_t i = 0; i < sizeof(map); i++)
        cleared += (unsigned)__builtin_popcount((uint8_t)~map[i]);
    assert_int_equal(cleared, 1);
    assert_false(svm_msrpm_set(map, 0x12345678u, false, false)); /* cannot be let through */
    assert_true(svm_msrpm_intercepts(map, 0x12345678u, false));
}

static void test_iopm_multibyte_access_checks_every_bit(void **state)
{
    (void)state;
    static uint8_t map[3 * 4096];
    memset(map, 0, sizeof(map));
    map[0x3F9 / 8] |= 1u << (0x3F9 % 8); /* only port 0x3F9 is intercepted */
    assert_false(svm_iopm_intercepts(map, 0x3F8, 1));
    assert_true(svm_iopm_intercepts(map, 0x3F8, 2)); /* a word at 0x3F8 covers 0x3F9 */
    assert_true(svm_iopm_intercepts(map, 0x3F9, 1));
    assert_false(svm_iopm_intercepts(map, 0x3FA, 4));
    /* A dword at 0xFFFF looks at bits 0xFFFF..0x10002: past the 8 KiB, in the third page. */
    map[0x10002 / 8] |= 1u << (0x10002 % 8);
    assert_true(svm_iopm_intercepts(map, 0xFFFF, 4));
    assert_false(svm_iopm_intercepts(map, 0xFFFF, 2));
}

/* CR reads and writes: the CR number and direction come from the exit code (reads at
 * 0x00-0x0F, writes at 0x10-0x1F). Without decode assists the core decodes the
 * instruction; with them and NRIP save, EXITINFO1 names the GPR and next_rip the length. */
static void test_cr8_read_and_cr_writes(void **state)
{
    (void)state;
    struct vm_exit e = decode(SVM_EXIT_CR_READ_BASE + 8, 0, 0);
    assert_int_equal(e.kind, VM_EXIT_CR_ACCESS);
    assert_int_equal(e.u.cr.cr, 8);
    assert_int_equal(e.u.cr.access, CR_MOV_FROM);
    assert_true(e.u.cr.undecoded);

    e = decode(SVM_EXIT_CR_WRITE_BASE + 4, 0, 0);
    assert_int_equal(e.u.cr.cr, 4);
    assert_int_equal(e.u.cr.access, CR_MOV_TO);
    assert_true(e.u.cr.undecoded);

    svm_caps.features = CPUID_SVM_EDX_DECODE | CPUID_SVM_EDX_NRIPS;
    vmcb.control.next_rip = GUEST_RIP + 4; /* MOV CR8, R10: REX.R 0F 22 /r */
    e = decode(SVM_EXIT_CR_WRITE_BASE + 8, SVM_CR_EXITINFO1_MOV | 10, 0);
    assert_int_equal(e.u.cr.cr, 8);
    assert_int_equal(e.u.cr.access, CR_MOV_TO);
    assert_false(e.u.cr.undecoded);
    assert_int_equal(e.u.cr.gpr, 10);
    assert_int_equal(e.instr_len, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
        T(test_cpuid_fixed_length_without_nrip),
        T(test_nrip_gives_length),
        T(test_ioio_out_dx_al),
        T(test_ioio_rep_insb),
        T(test_msr_read_and_write),
        T(test_cr8_read_and_cr_writes),
        T(test_npf_not_present_write),
        T(test_interrupt_and_window),
        T(test_vmrun_and_unknown),
        T(test_exitintinfo_becomes_interrupted_event),
        T(test_exitintinfo_reserved_types_are_not_delivered),
        T(test_msrpm_layout),
        T(test_msrpm_set_touches_only_its_bits),
        T(test_iopm_multibyte_access_checks_every_bit),
#undef T
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
