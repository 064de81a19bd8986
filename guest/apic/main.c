/*
 * apic - a guest that checks, one TAP line per check, the local APIC (xAPIC) and the
 * I/O APIC hvlab gives each VM: IA32_APIC_BASE, ID and version, SVR, TPR/PPR, self-IPIs,
 * EOI and ISR, the APIC timer (one-shot, periodic, TSC-deadline), ExtINT through LINT0,
 * the I/O APIC routing the PIT, and IA32_APIC_BASE's reserved bits, relocation and global
 * disable. Bare under QEMU (`qemu-system-x86_64 -kernel build/guest/apic.elf`) the same
 * checks run against QEMU's own APIC and I/O APIC, which validates the guest's side;
 * the few that QEMU 7.2 does not model as the SDM says are skipped there (each says why).
 * Time is measured with PIT channel 2 (pit2.c), never against the host's speed.
 * The checks are shared with guest/conform64, which runs them in 64-bit mode
 * (apic_checks.h); this file and traps.c are this guest's 32-bit glue.
 * Ends with status 0 (no "not ok") or 1 on the debug-exit port.
 */
#include "apic.h"
#include "cpuid.h"
#include "debug_exit.h"
#include "hypercall.h"
#include "io.h"
#include "print.h"
#include "str.h"
#include "uart.h"

#define STATUS_OK     0
#define STATUS_FAILED 1

/* Exactly the two bytes 0F 30, so the #GP handler (traps.c) can step over them. */
void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile(".byte 0x0f, 0x30"
                     :
                     : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

/* The checks and their names: apic_checks.h (guest/conform64 runs the same list). */
#define ENTRY(fn, name) {name, fn},
static const struct tap_check checks[] = {APIC_CHECKS(ENTRY)};

#define CHECK_COUNT (sizeof(checks) / sizeof(checks[0]))

/* CPUID leaf 0x40000000 says "hvlab". */
static bool detect_hvlab(void)
{
    char signature[HV_SIGNATURE_LEN];
    struct cpuid_regs r = cpuid(HV_CPUID_BASE);
    memcpy(signature + 0, &r.ebx, 4);
    memcpy(signature + 4, &r.ecx, 4);
    memcpy(signature + 8, &r.edx, 4);
    return mem_equal(signature, HV_SIGNATURE_HVLAB, HV_SIGNATURE_LEN);
}

/* Entry from boot.S: interrupts off, paging off. */
void guest_main(uint32_t magic, const void *mbi)
{
    (void)magic;
    (void)mbi;
    uart_init();
    traps_init();
    apic_checks_prepare(detect_hvlab());
    kprintf("# apic: local APIC and I/O APIC checks (%s)\n",
            under_hvlab ? "under hvlab" : "no hvlab");
    struct tap_summary sum = tap_run(checks, CHECK_COUNT);
    quiesce();
    kprintf("# apic: %u passed, %u failed, %u skipped\n", sum.passed, sum.failed, sum.skipped);
    uart_flush();
    debug_exit(sum.failed == 0 ? STATUS_OK : STATUS_FAILED);
}
