/*
 * hypercalls.c - every hypercall of ABI 1.2 with good and bad arguments
 * (docs/hypercalls.md; the numbers are in lib/hypercall.h, mirroring
 * hypervisor/hvlab_abi.h). Only under hvlab: elsewhere VMCALL/VMMCALL mean something else.
 *
 * HC_SHUTDOWN is not called here (it would end the suite); `hostile.elf test=shutdown`
 * checks it in a run of its own.
 */
#include "conform.h"
#include "pic.h"
#include "pit.h"

#define HC_VERSION_EXPECTED HV_ABI_VERSION_1_2
#define HC_UNKNOWN          0xDEAD      /* no such call */
#define OUTSIDE_RAM         0xE0000000u /* far above any guest RAM hvlab gives */
#define WRAP_ADDRESS        0xFFFFFFF0u /* with WRAP_LENGTH: runs past 4 GiB to 0x10 */
#define WRAP_LENGTH         0x20u
#define STRADDLE_BACK       8u /* buffer starts this far before the end of RAM */
#define STRADDLE_LENGTH     16u
#define KIB                 1024u
#define LOW_MEMORY_KIB      1024u /* mem_upper counts from 1 MiB */

#define TIME_CALLS         1000    /* HC_TIME calls that must never go backwards */
#define TIME_ADVANCE_TRIES 100000u /* calls to wait for HC_TIME to move on */
#define TIME_SANE_MAX_S    3600u   /* since the guest started, in a test run */
#define NS_PER_S           1000000000ull
#define NS_PER_MS          1000000u

#define YIELD_HZ 1000 /* PIT rate while HC_YIELD waits */

/* A buffer HC_CONSOLE_WRITE can print: it shows up as a TAP comment. */
static const char console_line[] = "# conform: written by HC_CONSOLE_WRITE\n";
#define CONSOLE_LINE_LEN (sizeof(console_line) - 1)

static uint32_t addr(const void *p) { return (uint32_t)(uintptr_t)p; }

/* Fail unless CPUID 0x40000001 EBX advertises the call. */
#define REQUIRE_FEATURE(bit, name)                                                             \
    do {                                                                                       \
        if (!(env.hv.features & (bit)))                                                        \
            return tap_fail("CPUID 0x40000001 EBX = 0x%x: %s not offered", env.hv.features,    \
                            name);                                                             \
    } while (0)

/* HC_VERSION returns the ABI version, 1.2. */
enum tap_outcome check_hc_version(void)
{
    REQUIRE_HVLAB();
    int32_t v = hypercall(HC_VERSION, 0, 0);
    if ((uint32_t)v != HC_VERSION_EXPECTED)
        return tap_fail("returned 0x%08x, expected 0x%08x", (uint32_t)v, HC_VERSION_EXPECTED);
    return TAP_PASS;
}

/* HC_CONSOLE_WRITE of a good buffer returns its length. */
enum tap_outcome check_hc_console_write(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_CONSOLE_WRITE, addr(console_line), CONSOLE_LINE_LEN);
    if (r != (int32_t)CONSOLE_LINE_LEN)
        return tap_fail("returned %d, expected %u", r, (unsigned)CONSOLE_LINE_LEN);
    return TAP_PASS;
}

/* Length 0 is valid and returns 0. */
enum tap_outcome check_hc_console_write_empty(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_CONSOLE_WRITE, addr(console_line), 0);
    if (r != 0)
        return tap_fail("returned %d, expected 0", r);
    return TAP_PASS;
}

/* A length over 4096 is HC_EINVAL, even with a good address. */
enum tap_outcome check_hc_console_write_too_long(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_CONSOLE_WRITE, addr(console_line), HC_CONSOLE_WRITE_MAX + 1);
    if (r != HC_EINVAL)
        return tap_fail("returned %d, expected %d (HC_EINVAL)", r, HC_EINVAL);
    return TAP_PASS;
}

/* A buffer far outside guest RAM is HC_EFAULT. */
enum tap_outcome check_hc_console_write_outside_ram(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_CONSOLE_WRITE, OUTSIDE_RAM, STRADDLE_LENGTH);
    if (r != HC_EFAULT)
        return tap_fail("buffer at 0x%08x: returned %d, expected %d (HC_EFAULT)", OUTSIDE_RAM,
                        r, HC_EFAULT);
    return TAP_PASS;
}

/* A buffer that starts in RAM and runs past its end is HC_EFAULT. */
enum tap_outcome check_hc_console_write_ram_end(void)
{
    REQUIRE_HVLAB();
    if (!env.mem_known)
        return tap_fail("the loader passed no mem_upper: end of RAM unknown");
    uint32_t ram_end = (env.mem_upper_kib + LOW_MEMORY_KIB) * KIB;
    uint32_t start = ram_end - STRADDLE_BACK;
    int32_t r = hypercall(HC_CONSOLE_WRITE, start, STRADDLE_LENGTH);
    if (r != HC_EFAULT)
        return tap_fail("0x%08x+%u over the end of RAM 0x%08x: returned %d, expected %d", start,
                        STRADDLE_LENGTH, ram_end, r, HC_EFAULT);
    return TAP_PASS;
}

/* A buffer that wraps around 4 GiB (0xFFFFFFF0 + 0x20) is HC_EFAULT, not a read at 0. */
enum tap_outcome check_hc_console_write_wrap(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_CONSOLE_WRITE, WRAP_ADDRESS, WRAP_LENGTH);
    if (r != HC_EFAULT)
        return tap_fail("0x%08x+0x%x: returned %d, expected %d (HC_EFAULT)", WRAP_ADDRESS,
                        WRAP_LENGTH, r, HC_EFAULT);
    return TAP_PASS;
}

/* HC_MEMORY_SIZE agrees with the Multiboot information: mem_upper + 1024 KiB. */
enum tap_outcome check_hc_memory_size(void)
{
    REQUIRE_HVLAB();
    if (!env.mem_known)
        return tap_fail("the loader passed no mem_upper");
    int32_t kib = hypercall(HC_MEMORY_SIZE, 0, 0);
    uint32_t expected = env.mem_upper_kib + LOW_MEMORY_KIB;
    if (kib < 0 || (uint32_t)kib != expected)
        return tap_fail("returned %d KiB, Multiboot mem_upper %u + 1024 = %u", kib,
                        env.mem_upper_kib, expected);
    return TAP_PASS;
}

/* HC_TIME: nanoseconds in EDX:EAX, never going back over 1000 calls, and moving on. */
enum tap_outcome check_hc_time(void)
{
    REQUIRE_HVLAB();
    REQUIRE_FEATURE(HV_FEATURE_TIME, "HC_TIME");

    uint64_t first = hc_time_ns(), prev = first;
    if (first > TIME_SANE_MAX_S * NS_PER_S)
        return tap_fail("first value 0x%08x%08x ns: more than %u s since the guest started",
                        (uint32_t)(first >> 32), (uint32_t)first, TIME_SANE_MAX_S);
    for (unsigned i = 0; i < TIME_CALLS; i++) {
        uint64_t t = hc_time_ns();
        if (t < prev)
            return tap_fail("call %u went back from 0x%08x%08x to 0x%08x%08x ns", i,
                            (uint32_t)(prev >> 32), (uint32_t)prev, (uint32_t)(t >> 32),
                            (uint32_t)t);
        prev = t;
    }
    for (uint32_t i = 0; prev == first && i < TIME_ADVANCE_TRIES; i++)
        prev = hc_time_ns();
    if (prev == first)
        return tap_fail("stuck at 0x%08x%08x ns over %u calls", (uint32_t)(first >> 32),
                        (uint32_t)first, TIME_CALLS + TIME_ADVANCE_TRIES);
    tap_note("HC_TIME: %u ms since the guest started", div64_32(first, NS_PER_MS));
    return TAP_PASS;
}

/* An unknown call number is HC_ENOSYS, and the guest goes on. */
enum tap_outcome check_hc_unknown(void)
{
    REQUIRE_HVLAB();
    int32_t r = hypercall(HC_UNKNOWN, 0, 0);
    if (r != HC_ENOSYS)
        return tap_fail("call 0x%x returned %d, expected %d (HC_ENOSYS)", HC_UNKNOWN, r,
                        HC_ENOSYS);
    return TAP_PASS;
}

/* HC_YIELD with the PIT running and IRQ 0 unmasked, IF = 1: returns 0, and the timer
 * interrupt it waited for has been delivered by the time the next instruction runs. */
enum tap_outcome check_hc_yield_wakes(void)
{
    REQUIRE_HVLAB();
    REQUIRE_FEATURE(HV_FEATURE_YIELD, "HC_YIELD");

    pit_start_periodic(PIT_DIVISOR(YIELD_HZ));
    pic_set_mask(PIC_MASK_ALL & ~(1u << PIC_IRQ_TIMER));
    cpu_sti();
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    int32_t r = hypercall(HC_YIELD, 0, 0);
    uint32_t after = trap_irqs.count[PIC_IRQ_TIMER];
    cpu_cli();
    pic_set_mask(PIC_MASK_ALL);

    if (r != 0)
        return tap_fail("returned %d, expected 0", r);
    if (after == before)
        return tap_fail("returned 0 but no IRQ 0 was delivered after it (count %u)", after);
    return TAP_PASS;
}

/* HC_YIELD with the PIT stopped and every IRQ masked (IF = 1): nothing could ever wake
 * the guest, so HC_EWOULDBLOCK instead of a hang. */
enum tap_outcome check_hc_yield_would_block(void)
{
    REQUIRE_HVLAB();
    REQUIRE_FEATURE(HV_FEATURE_YIELD, "HC_YIELD");

    pit_stop();
    pic_set_mask(PIC_MASK_ALL);
    cpu_sti();
    int32_t r = hypercall(HC_YIELD, 0, 0);
    cpu_cli();

    if (r != HC_EWOULDBLOCK)
        return tap_fail("returned %d, expected %d (HC_EWOULDBLOCK)", r, HC_EWOULDBLOCK);
    return TAP_PASS;
}
