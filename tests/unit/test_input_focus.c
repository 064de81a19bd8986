/*
 * test_input_focus.c - which VM of a group gets hvlab's serial input
 * (hypervisor/input_focus.c): the first VM at start, the switch key to the next one still
 * running (wrapping, skipping ended ones), and on to the next when the one in focus ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/input_focus.h"

static const char *const names[] = {"hello#1", "hello#2", "hello#3"};

/* A focus over count seats, every one of them running. */
static void all_join(struct input_focus *f, unsigned count)
{
    input_focus_init(f, count);
    for (unsigned i = 0; i < count; i++)
        input_focus_join(f, i, names[i]);
}

static void test_nobody_before_a_vm_joins(void **state)
{
    (void)state;
    struct input_focus f;
    input_focus_init(&f, 3);
    assert_int_equal(f.seat, INPUT_FOCUS_NONE);
    assert_null(input_focus_name(&f));
    assert_false(input_focus_has(&f, 0));
    assert_false(input_focus_switch(&f));
}

static void test_first_vm_has_the_focus(void **state)
{
    (void)state;
    struct input_focus f;
    all_join(&f, 3);
    assert_true(input_focus_has(&f, 0));
    assert_false(input_focus_has(&f, 1));
    assert_string_equal(input_focus_name(&f), "hello#1");
}

static void test_first_created_has_it_when_the_first_failed(void **state)
{
    (void)state;
    struct input_focus f;
    input_focus_init(&f, 3);
    input_focus_join(&f, 1, names[1]); /* seat 0 was not created */
    input_focus_join(&f, 2, names[2]);
    assert_true(input_focus_has(&f, 1));
}

static void test_switch_goes_round_in_order(void **state)
{
    (void)state;
    struct input_focus f;
    all_join(&f, 3);
    assert_true(input_focus_switch(&f));
    assert_string_equal(input_focus_name(&f), "hello#2");
    assert_true(input_focus_switch(&f));
    assert_true(input_focus_has(&f, 2));
    assert_true(input_focus_switch(&f)); /* wraps around */
    assert_true(input_focus_has(&f, 0));
}

static void test_switch_skips_ended_vms(void **state)
{
    (void)state;
    struct input_focus f;
    all_join(&f, 3);
    assert_false(input_focus_leave(&f, 1)); /* not in focus: the focus stays */
    assert_true(input_focus_has(&f, 0));
    assert_true(input_focus_switch(&f));
    assert_true(input_focus_has(&f, 2));
}

static void test_switch_with_one_vm_stays(void **state)
{
    (void)state;
    struct input_focus f;
    all_join(&f, 1);
    assert_false(input_focus_switch(&f));
    assert_true(input_focus_has(&f, 0));
}

static void test_focus_moves_on_when_its_vm_ends(void **state)
{
    (void)state;
    struct input_focus f;
    all_join(&f, 3);
    assert_true(input_focus_switch(&f)); /* hello#2 */
    assert_true(input_focus_leave(&f, 1));
    assert_true(input_focus_has(&f, 2));
    assert_true(input_focus_leave(&f, 2)); /* wraps to hello#1 */
    assert_true(input_focus_has(&f, 0));
    assert_false(input_focus_leave(&f, 0)); /* the last one: nobody left */
    assert_int_equal(f.seat, INPUT_FOCUS_NONE);
    assert_null(input_focus_name(&f));
    assert_false(input_focus_has(&f, 0));
}

static void test_seats_beyond_count_are_ignored(void **state)
{
    (void)state;
    struct input_focus f;
    input_focus_init(&f, 2);
    input_focus_join(&f, 2, names[2]);
    assert_int_equal(f.seat, INPUT_FOCUS_NONE);
    assert_false(input_focus_leave(&f, 5));
    assert_false(input_focus_has(&f, (unsigned)INPUT_FOCUS_NONE)); /* "none" is no seat */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nobody_before_a_vm_joins),
        cmocka_unit_test(test_first_vm_has_the_focus),
        cmocka_unit_test(test_first_created_has_it_when_the_first_failed),
        cmocka_unit_test(test_switch_goes_round_in_order),
        cmocka_unit_test(test_switch_skips_ended_vms),
        cmocka_unit_test(test_switch_with_one_vm_stays),
        cmocka_unit_test(test_focus_moves_on_when_its_vm_ends),
        cmocka_unit_test(test_seats_beyond_count_are_ignored),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
