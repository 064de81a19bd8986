/*
 * counter - the fairness guest: how much CPU did this VM get in a span of guest time?
 *
 * What it proves, two of them run together (`guest=counter+counter`): the scheduler
 * shares the CPU fairly. It counts loop iterations for span_ms of guest time (HC_TIME,
 * which counts on while the VM waits for the CPU) and prints the count. Alone it gets the
 * whole CPU; beside an equal guest each should count about half as much, so the two
 * counts give each VM's share.
 *
 * The count goes up in blocks of COUNTER_BLOCK iterations with one HC_TIME between blocks:
 * large enough that the hypercall's cost stays small against the counting, small enough
 * that the span is overshot by little. It never halts or yields: CPU-bound throughout.
 *
 * Command line: `span_ms=N` (default COUNTER_SPAN_MS_DEFAULT). Exit status 0, or 3 if
 * hvlab (and so HC_TIME) is not there.
 */
#include <stdint.h>

#include "../bench/u64.h" /* 64-bit division and decimals without libgcc */
#include "cmdline.h"
#include "debug_exit.h"
#include "hypercall.h"
#include "multiboot.h"
#include "print.h"
#include "uart.h"

#define COUNTER_BLOCK           20000 /* iterations between two HC_TIME calls */
#define COUNTER_SPAN_MS_DEFAULT 1000
#define NS_PER_MS               1000000u

#define STATUS_OK       0
#define STATUS_NO_HVLAB 3 /* no HC_TIME without hvlab */

/* Count COUNTER_BLOCK iterations. The empty asm makes i opaque to the compiler at every
 * step, so it can neither drop the loop nor replace it with one addition. */
static void count_block(void)
{
    for (uint32_t i = 0; i < COUNTER_BLOCK; i++)
        __asm__ volatile("" : "+r"(i));
}

/* Nanoseconds since this guest started, by HC_TIME. */
static uint64_t guest_ns(void) { return hypercall_edx_eax(HC_TIME, 0, 0); }

/* Print the last line and stop with status. */
static __attribute__((noreturn)) void finish(uint8_t status)
{
    uart_flush();
    debug_exit(status);
}

/* Entry from boot.S with the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    struct hv_info hv;
    char count_text[U64_DEC_MAX], ms_text[U64_DEC_MAX];

    uart_init();
    uint32_t span_ms =
        cmdline_uint(cmdline_get(magic, mbi), "span_ms", COUNTER_SPAN_MS_DEFAULT);
    hv_detect(&hv);
    if (!hv.is_hvlab || !(hv.features & HV_FEATURE_TIME)) {
        kprintf("counter: no hvlab HC_TIME (CPUID hypervisor signature \"%s\"), nothing "
                "to measure guest time with\n",
                hv.present ? hv.signature : "none");
        finish(STATUS_NO_HVLAB);
    }
    kprintf("counter: counting for %u ms of guest time, %u iterations per HC_TIME\n", span_ms,
            COUNTER_BLOCK);

    uint64_t span_ns = (uint64_t)span_ms * NS_PER_MS;
    uint64_t start = guest_ns();
    uint64_t elapsed = 0;
    uint64_t iterations = 0;
    while (elapsed < span_ns) {
        count_block();
        iterations += COUNTER_BLOCK;
        elapsed = guest_ns() - start;
    }
    kprintf("counter: done: %s iterations in %s ms\n", u64_dec(count_text, iterations),
            u64_dec(ms_text, u64_divmod(elapsed, NS_PER_MS, NULL)));
    finish(STATUS_OK);
}
