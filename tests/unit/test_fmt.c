/*
 * test_fmt.c - Host unit tests for hypervisor/fmt.c, the printf-style formatter behind
 * the console and fmt_snprintf. Each expected string is written out by hand from the
 * contract in fmt.h (and C's printf where fmt.h says nothing different).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/fmt.h"

/* ---- helpers ----------------------------------------------------------- */

/* fmt_snprintf without the printf format attribute, so tests may pass formats that gcc
 * would reject ("%q") - hvlab must print those visibly, not crash. */
static int format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Format into a roomy buffer; check the text and that the return value is its length. */
#define assert_fmt(expected, ...)                                                              \
    do {                                                                                       \
        char out_[256];                                                                        \
        int n_ = format(out_, sizeof(out_), __VA_ARGS__);                                      \
        assert_string_equal(out_, (expected));                                                 \
        assert_int_equal(n_, strlen(expected));                                                \
    } while (0)

/* A sink that records every character it receives, NULs included. */
struct recorder {
    char text[64];
    int calls;
};

static void record(char c, void *ctx)
{
    struct recorder *r = ctx;
    if (r->calls < (int)sizeof(r->text))
        r->text[r->calls] = c;
    r->calls++;
}

static int format_to_recorder(struct recorder *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(record, r, fmt, ap);
    va_end(ap);
    return n;
}

/* ---- plain text and %% ------------------------------------------------- */

static void test_plain_text_and_percent(void **state)
{
    (void)state;
    assert_fmt("", "");
    assert_fmt("hello, hvlab", "hello, hvlab");
    assert_fmt("100% sure", "100%% sure");
    assert_fmt("%%", "%%%%");
}

/* ---- each conversion --------------------------------------------------- */

static void test_signed_decimal(void **state)
{
    (void)state;
    assert_fmt("0", "%d", 0);
    assert_fmt("42", "%d", 42);
    assert_fmt("-42", "%d", -42);
    assert_fmt("2147483647", "%d", INT_MAX);
    assert_fmt("-2147483648", "%d", INT_MIN);
    assert_fmt("7 -7", "%i %i", 7, -7);
}

static void test_unsigned_decimal(void **state)
{
    (void)state;
    assert_fmt("0", "%u", 0u);
    assert_fmt("4294967295", "%u", UINT_MAX);
    assert_fmt("4294967295", "%u", -1); /* an int's bits, read as unsigned */
}

static void test_hex_lower_and_upper(void **state)
{
    (void)state;
    assert_fmt("0", "%x", 0u);
    assert_fmt("beef", "%x", 0xbeefu);
    assert_fmt("BEEF", "%X", 0xbeefu);
    assert_fmt("ffffffff", "%x", -1); /* only 32 bits without a length modifier */
    assert_fmt("DEADBEEF", "%X", 0xdeadbeefu);
}

static void test_pointer_is_0x_and_16_digits(void **state)
{
    (void)state;
    assert_fmt("0x0000000000000000", "%p", (void *)0);
    assert_fmt("0x0000000000001234", "%p", (void *)0x1234);
    assert_fmt("0xffff800000000000", "%p", (void *)0xffff800000000000ull);
}

static void test_string(void **state)
{
    (void)state;
    assert_fmt("hello", "%s", "hello");
    assert_fmt("[]", "[%s]", "");
    assert_fmt("(null)", "%s", (const char *)NULL);
    assert_fmt("a=1 b=two", "a=%d b=%s", 1, "two");
}

static void test_char(void **state)
{
    (void)state;
    assert_fmt("A", "%c", 'A');
    assert_fmt("<x>", "<%c>", 'x');
    assert_fmt("ok", "%c%c", 'o', 'k');
}

/* ---- length modifiers -------------------------------------------------- */

static void test_long_modifier(void **state)
{
    (void)state;
    assert_fmt("-1", "%ld", -1L);
    assert_fmt("-9223372036854775808", "%ld", LONG_MIN);
    assert_fmt("18446744073709551615", "%lu", ULONG_MAX);
    assert_fmt("deadbeefcafef00d", "%lx", 0xdeadbeefcafef00dul);
    assert_fmt("DEADBEEFCAFEF00D", "%lX", 0xdeadbeefcafef00dul);
    assert_fmt("123456789012", "%li", 123456789012L);
}

static void test_long_long_modifier(void **state)
{
    (void)state;
    assert_fmt("-9223372036854775808", "%lld", (long long)INT64_MIN);
    assert_fmt("9223372036854775807", "%lld", (long long)INT64_MAX);
    assert_fmt("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    assert_fmt("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    assert_fmt("-5", "%lli", -5LL);
}

/* ---- width, zero padding, left alignment ------------------------------- */

static void test_width_pads_with_spaces(void **state)
{
    (void)state;
    assert_fmt("   42", "%5d", 42);
    assert_fmt("  -42", "%5d", -42);
    assert_fmt("12345", "%2d", 12345); /* never cut a number to fit */
    assert_fmt("    ff", "%6x", 0xffu);
    assert_fmt("   hello", "%8s", "hello");
    assert_fmt("hello", "%2s", "hello");
    assert_fmt("  A", "%3c", 'A');
}

static void test_zero_padding(void **state)
{
    (void)state;
    assert_fmt("00042", "%05d", 42);
    assert_fmt("-0042", "%05d", -42); /* the sign goes before the zeros */
    assert_fmt("0000beef", "%08x", 0xbeefu);
    assert_fmt("0000BEEF", "%08X", 0xbeefu);
    assert_fmt("000000000000beef", "%016lx", 0xbeeful);
    assert_fmt("-000000000000000000001", "%022lld", -1LL);
}

static void test_left_alignment(void **state)
{
    (void)state;
    assert_fmt("42   |", "%-5d|", 42);
    assert_fmt("-42   |", "%-6d|", -42);
    assert_fmt("hello   |", "%-8s|", "hello");
    assert_fmt("A  |", "%-3c|", 'A');
    assert_fmt("42   |", "%-05d|", 42); /* left alignment wins over zero padding */
    assert_fmt("ab  |cd", "%-4s|%s", "ab", "cd");
}

static void test_star_width(void **state)
{
    (void)state;
    assert_fmt("    42", "%*d", 6, 42);
    assert_fmt("42    |", "%*d|", -6, 42); /* a negative width means left-aligned */
    assert_fmt("42", "%*d", 0, 42);
    assert_fmt("ab  |", "%-*s|", 4, "ab");
    assert_fmt("000000ab", "%0*x", 8, 0xabu);
    assert_fmt("  7 x", "%*d %s", 3, 7, "x"); /* the width argument comes first */
}

/* ---- what fmt.h says about wrong formats ------------------------------- */

static void test_unknown_conversion_shown_in_brackets(void **state)
{
    (void)state;
    assert_fmt("[%q]", "%q");
    assert_fmt("a[%q]b", "a%qb");
    assert_fmt("[%-08lq]", "%-08lq");
    assert_fmt("[%lll]", "%lll"); /* at most two l's are a length modifier */
    /* An unknown conversion consumes no argument: the next one still lines up. */
    assert_fmt("[%q] 5", "%q %d", 5);
}

static void test_truncated_conversion_at_end(void **state)
{
    (void)state;
    assert_fmt("abc[%]", "abc%");
    assert_fmt("[%5]", "%5");
    assert_fmt("x[%-]", "x%-");
    assert_fmt("[%l]", "%l");
}

/* ---- fmt_snprintf: truncation, termination, return value -------------- */

static void test_snprintf_truncates_and_terminates(void **state)
{
    (void)state;
    char buf[16];

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 8, "%s", "hello world"), 11);
    assert_string_equal(buf, "hello w");
    assert_int_equal(buf[8], 'X'); /* nothing written past size */

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 6, "%s", "hello"), 5); /* exactly fits */
    assert_string_equal(buf, "hello");
    assert_int_equal(buf[6], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 5, "%s", "hello"), 5); /* one short */
    assert_string_equal(buf, "hell");
    assert_int_equal(buf[5], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 1, "%d", 12345), 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 4, "%05d|%s", -1, "tail"), 10);
    assert_string_equal(buf, "-00");
}

static void test_snprintf_size_zero_writes_nothing(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(fmt_snprintf(buf, 0, "%s=%d", "abc", 42), 6);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 'X');
    /* The C idiom of measuring first: no buffer at all. */
    assert_int_equal(fmt_snprintf(NULL, 0, "%lu", 1234567ul), 7);
}

/* ---- fmt_vformat: the sink sees every character ------------------------- */

static void test_vformat_feeds_sink_and_counts(void **state)
{
    (void)state;
    struct recorder r = {0};
    assert_int_equal(format_to_recorder(&r, "<%3d|%-2s>", 7, "a"), 8);
    assert_int_equal(r.calls, 8);
    assert_memory_equal(r.text, "<  7|a >", 8);

    /* %c of NUL is one character like any other; the sink receives it. */
    struct recorder z = {0};
    assert_int_equal(format_to_recorder(&z, "a%cb", '\0'), 3);
    assert_int_equal(z.calls, 3);
    assert_memory_equal(z.text, "a\0b", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_and_percent),
        cmocka_unit_test(test_signed_decimal),
        cmocka_unit_test(test_unsigned_decimal),
        cmocka_unit_test(test_hex_lower_and_upper),
        cmocka_unit_test(test_pointer_is_0x_and_16_digits),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_char),
        cmocka_unit_test(test_long_modifier),
        cmocka_unit_test(test_long_long_modifier),
        cmocka_unit_test(test_width_pads_with_spaces),
        cmocka_unit_test(test_zero_padding),
        cmocka_unit_test(test_left_alignment),
        cmocka_unit_test(test_star_width),
        cmocka_unit_test(test_unknown_conversion_shown_in_brackets),
        cmocka_unit_test(test_truncated_conversion_at_end),
        cmocka_unit_test(test_snprintf_truncates_and_terminates),
        cmocka_unit_test(test_snprintf_size_zero_writes_nothing),
        cmocka_unit_test(test_vformat_feeds_sink_and_counts),
    };
    return cmocka_run_group_tests_name("fmt: printf-style formatter", tests, NULL, NULL);
}
