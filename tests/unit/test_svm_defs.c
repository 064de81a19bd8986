/*
 * test_svm_defs.c - Host unit tests for the AMD-V definitions: the compact raw-reason
 * numbering and APM names (svm_names.c), and the VMRUN consistency checker over a VMCB
 * (svm_check.c). Expected numbers are written out from APM Vol. 2 Appendix C, not taken
 * from svm_bits.h, so a wrong constant fails here.
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
#include "arch/x86_64/svm/svm_bits.h"
#include "arch/x86_64/svm/svm_names.h"
#include "tests/unit/fake_backend.h"

struct svm_caps svm_caps = {.phys_bits = 48}; /* svm_enable.c is not linked */

static void test_raw_reasons(void **state)
{
    (void)state;
    assert_int_equal(svm_raw_reason(0x00), 0); /* CR0 read */
    assert_int_equal(svm_raw_reason(0x1F), 1); /* CR15 write */
    assert_int_equal(svm_raw_reason(0x23), 2); /* DR3 read */
    assert_int_equal(svm_raw_reason(0x3F), 3);
    assert_int_equal(svm_raw_reason(0x40), 4);  /* #DE */
    assert_int_equal(svm_raw_reason(0x5F), 35); /* exception 31 */
    assert_int_equal(svm_raw_reason(0x60), 36); /* INTR */
    assert_int_equal(svm_raw_reason(0x72), 54); /* CPUID */
    assert_int_equal(svm_raw_reason(0x78), 60); /* HLT */
    assert_int_equal(svm_raw_reason(0x7B), 63); /* IOIO */
    assert_int_equal(svm_raw_reason(0x7C), 64); /* MSR */
    assert_int_equal(svm_raw_reason(0x7F), 67); /* SHUTDOWN */
    assert_int_equal(svm_raw_reason(0x81), 69); /* VMMCALL */
    assert_int_equal(svm_raw_reason(0xA4), 104);
    assert_int_equal(svm_raw_reason(0xA5), 111); /* BUSLOCK: numbered after the rest */
    assert_int_equal(svm_raw_reason(0xA6), 112); /* IDLE_HLT */
    assert_int_equal(svm_raw_reason(0xA7), SVM_RAW_UNKNOWN);
    assert_int_equal(svm_raw_reason(0x400), 105); /* NPF */
    assert_int_equal(svm_raw_reason(0x403), 108);
    assert_int_equal(svm_raw_reason(0x404), SVM_RAW_UNKNOWN);
    assert_int_equal(svm_raw_reason(~0ull), 109);     /* VMEXIT_INVALID */
    assert_int_equal(svm_raw_reason(~0ull - 1), 110); /* VMEXIT_BUSY */
    assert_int_equal(svm_raw_reason(~0ull - 2), 113); /* VMEXIT_IDLE_REQUIRED */
    assert_int_equal(svm_raw_reason(~0ull - 3), 114); /* VMEXIT_INVALID_PMC */
    assert_int_equal(svm_raw_reason(~0ull - 4), SVM_RAW_UNKNOWN);
    assert_int_equal(svm_raw_reason(0xFFFFFFFFull), 109); /* QEMU's 32-bit -1 */
    assert_true(SVM_RAW_REASON_COUNT <= 128);
    /* every code 0x40 .. 0xA6 and 0x400 .. 0x403 gets its own name back */
    for (uint64_t code = 0x40; code <= 0x403; code = code == 0xA6 ? 0x400 : code + 1)
        assert_string_equal(svm_raw_reason_name(svm_raw_reason(code)),
                            svm_exit_code_name(code));
}

/* Every exit code APM Vol. 2 Appendix C lists has a name: 0x00-0xA6, 0x400-0x403 and
 * -1 .. -4 (also in QEMU's 32-bit form); one past each range has none. */
static void test_every_listed_code_named(void **state)
{
    (void)state;
    static const char unknown[] = "unknown SVM exit code";
    for (uint64_t code = 0; code <= 0xA6; code++)
        assert_string_not_equal(svm_exit_code_name(code), unknown);
    for (uint64_t code = 0x400; code <= 0x403; code++)
        assert_string_not_equal(svm_exit_code_name(code), unknown);
    for (uint64_t minus = 1; minus <= 4; minus++) {
        assert_string_not_equal(svm_exit_code_name(0 - minus), unknown);
        assert_string_equal(svm_exit_code_name(0 - minus),
                            svm_exit_code_name((uint32_t)(0 - minus)));
    }
    assert_string_equal(svm_exit_code_name(0xA7), unknown);
    assert_string_equal(svm_exit_code_name(0x404), unknown);
    assert_string_equal(svm_exit_code_name(0 - 5ull), unknown);
    assert_string_equal(svm_exit_code_name(0xFFFFFFFBull), unknown);
    assert_string_equal(svm_exit_code_name(0xA5), "VMEXIT_BUSLOCK");
    assert_string_equal(svm_exit_code_name(0xA6), "VMEXIT_IDLE_HLT");
    assert_string_equal(svm_exit_code_name(0 - 3ull), "VMEXIT_IDLE_REQUIRED");
    assert_string_equal(svm_exit_code_name(0 - 4ull), "VMEXIT_INVALID_PMC");
    assert_string_equal(svm_exit_code_name(0xFFFFFFFFull), "VMEXIT_INVALID");
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(svm_exit_code_name(0x72), "VMEXIT_CPUID");
    assert_string_equal(svm_exit_code_name(0x7B), "VMEXIT_IOIO");
    assert_string_equal(svm_exit_code_name(0x81), "VMEXIT_VMMCALL");
    assert_string_equal(svm_exit_code_name(0x400), "VMEXIT_NPF");
    assert_string_equal(svm_exit_code_name(~0ull), "VMEXIT_INVALID");
    assert_string_equal(svm_exit_code_name(0x13), "VMEXIT_CR3_WRITE");
    assert_string_equal(svm_exit_code_name(0x2F), "VMEXIT_DR15_READ");
    assert_string_equal(svm_exit_code_name(0x46), "VMEXIT_EXCP6 (#UD)");
    assert_string_equal(svm_exit_code_name(0x93), "VMEXIT_CR3_WRITE_TRAP");
    assert_string_equal(svm_exit_code_name(0x500), "unknown SVM exit code");
    assert_string_equal(svm_raw_reason_name(SVM_RAW_CR_WRITE), "VMEXIT_CRn_WRITE");
    assert_string_equal(svm_raw_reason_name(SVM_RAW_UNKNOWN), "unknown SVM exit code");
    assert_string_equal(svm_raw_reason_name(127), "unknown SVM exit code");
    for (uint32_t raw = 0; raw < SVM_RAW_REASON_COUNT; raw++)
        assert_non_null(svm_raw_reason_name(raw));
}

/* A VMCB as svm_vcpu.c builds it, reduced to what the checks look at. */
static struct vmcb *good_vmcb(void)
{
    struct vmcb *v = aligned_alloc(4096, sizeof(*v));
    assert_non_null(v);
    memset(v, 0, sizeof(*v));
    v->control.intercept_misc2 = SVM_INTERCEPT_VMRUN;
    v->control.guest_asid = 1;
    v->control.iopm_base_pa = 0x100000;
    v->control.msrpm_base_pa = 0x104000;
    v->control.np_control = SVM_NP_ENABLE;
    v->control.n_cr3 = 0x200000;
    v->save.efer = EFER_SVME;
    v->save.cr0 = CR0_PE | CR0_ET;
    v->save.dr6 = 0xFFFF0FF0;
    v->save.dr7 = 0x400;
    v->save.g_pat = 0x0007040600070406ull;
    return v;
}

static unsigned check(const struct vmcb *v, const char **first)
{
    struct svm_check_failure f[4];
    unsigned n = svm_check_vmcb(v, 48, f, 4);
    *first = n ? f[0].rule : "";
    return n;
}

static void test_checker(void **state)
{
    (void)state;
    const char *rule;
    struct vmcb *v = good_vmcb();
    assert_int_equal(check(v, &rule), 0);

    v->save.efer = 0;
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "EFER.SVME is zero in the guest's EFER");
    v->save.efer = EFER_SVME;

    v->save.cr0 |= CR0_NW;
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "CR0.CD is zero and CR0.NW is set");
    v->save.cr0 |= CR0_CD; /* CD=1, NW=1 is legal */
    assert_int_equal(check(v, &rule), 0);
    v->save.cr0 = CR0_PE | CR0_ET;

    v->control.intercept_misc2 = 0;
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "the VMRUN intercept bit is clear");
    v->control.intercept_misc2 = SVM_INTERCEPT_VMRUN;

    v->control.guest_asid = 0;
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "ASID is zero (ASID 0 is the host's)");
    v->control.guest_asid = 1;

    /* long mode without PAE; and with paging but no PE */
    v->save.efer = EFER_SVME | EFER_LME;
    v->save.cr0 = CR0_PG | CR0_ET;
    assert_int_equal(check(v, &rule), 2);
    assert_string_equal(rule, "EFER.LME and CR0.PG are set and CR4.PAE is zero");
    v->save.efer = EFER_SVME;
    v->save.cr0 = CR0_PE | CR0_ET;

    v->save.g_pat = 0x0007040600070402ull; /* type 2 is reserved */
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "nested paging is on and G_PAT holds a reserved memory type");
    v->save.g_pat = 0x0007040600070406ull;

    v->control.msrpm_base_pa = (1ull << 48) - 4096; /* 8 KiB map ending past 2^48 */
    assert_int_equal(check(v, &rule), 1);
    assert_string_equal(rule, "the MSR permission map reaches past the physical-address width");
    v->control.msrpm_base_pa = 0x104000;

    v->control.eventinj = 2 | (3ull << 8) | (1ull << 31); /* NMI vector as "exception" */
    assert_int_equal(check(v, &rule), 1);
    v->control.eventinj = 13 | (3ull << 8) | (1ull << 11) | (1ull << 31); /* #GP(0) */
    assert_int_equal(check(v, &rule), 0);

    /* everything at once: each rule counted, only max reported */
    v->save.efer = 0;
    v->control.guest_asid = 0;
    v->control.intercept_misc2 = 0;
    v->save.dr7 = 1ull << 40;
    v->save.cr0 = 1ull << 40;
    assert_int_equal(check(v, &rule), 5);
    free(v);
}

static void test_explain_prints(void **state)
{
    (void)state;
    struct vmcb *v = good_vmcb();
    v->control.guest_asid = 0;
    svm_explain_invalid(v);
    assert_true(console_contains("VMRUN consistency check failed: ASID is zero"));
    assert_true(console_contains("Canonicalization and Consistency Checks"));
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_reasons),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_every_listed_code_named),
        cmocka_unit_test(test_checker),
        cmocka_unit_test(test_explain_prints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
