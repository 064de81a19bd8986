/*
 * test_console_budget.c - Host unit tests for hypervisor/console_budget.c, each VM's share
 * of the console when several VMs print: a burst, then a steady rate of host time;
 * lines beyond it dropped, counted, and the first drop announced once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/console_budget.h"
#include "tests/unit/fake_backend.h"

#define HZ        1000000000ull /* 1 ns per tick */
#define LINE      100u          /* bytes of one line */
#define ANNOUNCED "guest \"flood\" prints more than its share of the console"

static uint64_t now;
static uint64_t clock_now(void) { return now; }

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void init(struct console_budget *b)
{
    now = 5 * HZ;
    console_clear();
    console_budget_init(b, "flood", clock_now, HZ);
}

/* The burst prints at once; the byte after it is refused. */
static void test_burst_then_refused(void **state)
{
    (void)state;
    struct console_budget b;
    init(&b);
    assert_true(console_budget_take(&b, CONSOLE_BURST_BYTES - 1));
    assert_true(console_budget_take(&b, 1));
    assert_false(console_budget_take(&b, 1));
    assert_int_equal(b.dropped_lines, 1);
    assert_int_equal(b.dropped_bytes, 1);
}

/* After the burst, one second of host time buys CONSOLE_RATE_BYTES_PER_S, no more. */
static void test_refill_at_the_rate(void **state)
{
    (void)state;
    struct console_budget b;
    init(&b);
    assert_true(console_budget_take(&b, CONSOLE_BURST_BYTES));
    now += HZ;
    assert_true(console_budget_take(&b, CONSOLE_RATE_BYTES_PER_S));
    assert_false(console_budget_take(&b, 1));
    /* Many short waits add up to the same: no fraction of a byte is lost between them. */
    for (unsigned i = 0; i < 1000; i++) {
        now += HZ / 1000;
        assert_true(console_budget_take(&b, 0));
    }
    assert_true(console_budget_take(&b, CONSOLE_RATE_BYTES_PER_S));
    assert_false(console_budget_take(&b, 1));
}

/* A long quiet spell refills the burst, never more. */
static void test_refill_capped_at_the_burst(void **state)
{
    (void)state;
    struct console_budget b;
    init(&b);
    assert_true(console_budget_take(&b, CONSOLE_BURST_BYTES));
    now += 3600 * HZ;
    assert_true(console_budget_take(&b, CONSOLE_BURST_BYTES));
    assert_false(console_budget_take(&b, 1));
}

/* A flood: every refused line is counted; the console hears of it once. */
static void test_drops_counted_and_announced_once(void **state)
{
    (void)state;
    struct console_budget b;
    init(&b);
    unsigned printed = 0;
    for (unsigned i = 0; i < 4096; i++)
        printed += console_budget_take(&b, LINE);
    assert_int_equal(printed, CONSOLE_BURST_BYTES / LINE);
    assert_int_equal(b.dropped_lines, 4096 - printed);
    assert_int_equal(b.dropped_bytes, (uint64_t)(4096 - printed) * LINE);
    assert_int_equal(count_of(console_text(), ANNOUNCED), 1);
    assert_true(console_contains("(16 KiB, then 2 KiB/s)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refused),
        cmocka_unit_test(test_refill_at_the_rate),
        cmocka_unit_test(test_refill_capped_at_the_burst),
        cmocka_unit_test(test_drops_counted_and_announced_once),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
