/*
 * test_vmx_exit.c - the VT-x backend's translation of a VM exit into the neutral struct
 * vm_exit (arch/x86_64/vmx/vmx_exit.c), on a VMCS the test fills by hand: fake_vmcs.h
 * stands in for VMREAD, and vmx_exit.c is compiled into this file after it. Expected
 * values come from the SDM tables, not from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fake_vmcs.h" /* first: its guard keeps the real vmcs.h out */

#include "arch/x86_64/vmx/vmx_exit.c"

struct vmx_caps vmx_caps; /* vmx_enable.c's, which the test does not link */

/* IDT-vectoring information (SDM Vol. 3C, "Format of the IDT-Vectoring Information
 * Field"): bits 7:0 vector, 10:8 type, 11 error code valid, 31 valid. */
#define IDT_VALID      (1u << 31)
#define IDT_ERROR_CODE (1u << 11)
#define IDT_TYPE(t)    ((uint32_t)(t) << 8)
#define TYPE_UNUSED_1  1 /* "not used" in the table */
#define TYPE_UNUSED_7  7
#define TYPE_HW_EXC    3
#define VECTOR_GP      13
#define GUEST_RIP      0x100040ull

static uint32_t idt_vectoring, idt_error;

uint64_t fake_vmcs_read(uint32_t field)
{
    switch (field) {
    case VMCS_RO_IDT_VECTORING_INFO: return idt_vectoring;
    case VMCS_RO_IDT_VECTORING_ERRCODE: return idt_error;
    case VMCS_GUEST_RIP: return GUEST_RIP;
    default: return 0;
    }
}

static struct vm_exit decode_hlt(uint32_t idt)
{
    idt_vectoring = idt;
    struct vm_exit e;
    memset(&e, 0xA5, sizeof(e));
    vmx_exit_decode(&e, VMX_EXIT_HLT);
    return e;
}

static void test_interrupted_exception_is_delivered_again(void **state)
{
    (void)state;
    idt_error = 0x18;
    struct vm_exit e =
        decode_hlt(IDT_VALID | IDT_TYPE(TYPE_HW_EXC) | IDT_ERROR_CODE | VECTOR_GP);
    assert_int_equal(e.kind, VM_EXIT_HLT);
    assert_int_equal(e.rip, GUEST_RIP);
    assert_true(e.interrupted.valid);
    assert_int_equal(e.interrupted.type, EVENT_EXCEPTION);
    assert_int_equal(e.interrupted.vector, VECTOR_GP);
    assert_true(e.interrupted.has_error_code);
    assert_int_equal(e.interrupted.error_code, 0x18);
}

/* Found by tests/fuzz/fuzz_vmx_exit: type 1 read as an external interrupt, so a valid
 * field with an unused type would have been re-injected as one. */
static void test_unused_event_types_are_not_delivered(void **state)
{
    (void)state;
    assert_false(decode_hlt(IDT_VALID | IDT_TYPE(TYPE_UNUSED_1) | 0x20).interrupted.valid);
    assert_false(decode_hlt(IDT_VALID | IDT_TYPE(TYPE_UNUSED_7) | 0x20).interrupted.valid);
    assert_false(decode_hlt(IDT_TYPE(TYPE_HW_EXC) | VECTOR_GP).interrupted.valid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupted_exception_is_delivered_again),
        cmocka_unit_test(test_unused_event_types_are_not_delivered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
