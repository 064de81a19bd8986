/*
 * tap.h - run a table of checks and print the Test Anything Protocol on the UART.
 *
 *   1..3                                    the plan, before any check runs
 *   ok 1 - cpuid: hypervisor bit set
 *   not ok 2 - io: 16-bit IN ... # expected 0xffff, read 0x0000
 *   ok 3 - hypercall: HC_TIME advances # SKIP no hvlab
 *   # PIT 1000 Hz: ...                      a note of the check above (tap_note)
 *
 * A check returns TAP_PASS, or tap_fail()/tap_skip() with the reason; it must not print
 * (it may have the UART in loopback): the runner prints its line once it returned, so
 * every line is out before the next check can crash.
 *
 * See: TAP version 12 (testanything.org, "TAP specification": plan, test lines,
 *      directives, diagnostics, "Bail out!").
 */
#ifndef GUEST_TAP_H
#define GUEST_TAP_H

#include <stdbool.h>

enum tap_outcome { TAP_PASS, TAP_FAIL, TAP_SKIP };

struct tap_check {
    const char *name;              /* what the line says after "ok N - " */
    enum tap_outcome (*run)(void); /* does the check; never prints */
};

struct tap_summary {
    unsigned passed, failed, skipped;
};

/* Print the plan, run every check in order, print one line for each; returns how many
 * passed, failed and were skipped. */
struct tap_summary tap_run(const struct tap_check *checks, unsigned count);

/* Record why the running check failed (or is skipped) and return TAP_FAIL (TAP_SKIP). */
enum tap_outcome tap_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum tap_outcome tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Add a "# " diagnostic line, printed after the running check's result line. */
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From an exception handler: end the running check with "not ok", print
 * "Bail out! why" and stop the guest with status 1. */
__attribute__((noreturn)) void tap_bail_out(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif /* GUEST_TAP_H */
