/*
 * tap.c - the TAP printer and check runner (see tap.h).
 *
 * See: TAP version 12 (testanything.org, "TAP specification").
 */
#include "tap.h"

#include <stdarg.h>

#include "debug_exit.h"
#include "print.h"
#include "uart.h"

#define TAP_WHY_MAX   160 /* one reason: "expected X, read Y" with values */
#define TAP_NOTES_MAX 320 /* the notes of one check, '\n'-separated */

#define STATUS_FAILED 1 /* debug-exit status after "Bail out!" */

static unsigned current;              /* number of the running check (1-based), 0: none */
static const char *current_name = ""; /* its name */
static char why[TAP_WHY_MAX];         /* tap_fail/tap_skip reason of the running check */
static char notes[TAP_NOTES_MAX];     /* tap_note lines of the running check */
static unsigned notes_len;

enum tap_outcome tap_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return TAP_FAIL;
}

enum tap_outcome tap_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return TAP_SKIP;
}

void tap_note(const char *fmt, ...)
{
    va_list ap;

    if (notes_len + 1 >= sizeof(notes))
        return;
    va_start(ap, fmt);
    notes_len += kvsnprintf(notes + notes_len, sizeof(notes) - notes_len - 1, fmt, ap);
    va_end(ap);
    notes[notes_len++] = '\n';
    notes[notes_len] = '\0';
}

/* Print each stored note as a "# " line. */
static void print_notes(void)
{
    const char *p = notes;

    while (*p) {
        kprintf("# ");
        while (*p && *p != '\n')
            uart_putc(*p++);
        uart_putc('\n');
        if (*p)
            p++;
    }
}

/* The result line of check n. */
static void print_result(unsigned n, const char *name, enum tap_outcome outcome)
{
    switch (outcome) {
    case TAP_PASS: kprintf("ok %u - %s\n", n, name); break;
    case TAP_SKIP: kprintf("ok %u - %s # SKIP %s\n", n, name, why); break;
    case TAP_FAIL: kprintf("not ok %u - %s # %s\n", n, name, why); break;
    }
    print_notes();
    uart_flush();
}

struct tap_summary tap_run(const struct tap_check *checks, unsigned count)
{
    struct tap_summary sum = {0, 0, 0};

    kprintf("1..%u\n", count);
    for (unsigned i = 0; i < count; i++) {
        current = i + 1;
        current_name = checks[i].name;
        why[0] = '\0';
        notes[0] = '\0';
        notes_len = 0;
        enum tap_outcome outcome = checks[i].run();
        if (outcome == TAP_PASS)
            sum.passed++;
        else if (outcome == TAP_FAIL)
            sum.failed++;
        else
            sum.skipped++;
        print_result(current, current_name, outcome);
    }
    current = 0;
    return sum;
}

__attribute__((noreturn)) void tap_bail_out(const char *fmt, ...)
{
    va_list ap;

    uart_init(); /* out of loopback, whatever the check did to the UART */
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (current != 0)
        print_result(current, current_name, TAP_FAIL);
    kprintf("Bail out! %s\n", why);
    uart_flush();
    debug_exit(STATUS_FAILED);
}
