/*
 * hello - the default hvlab guest.
 *
 * It checks, one step per line on COM1, what the loader and the hypervisor hand it:
 * the Multiboot magic and boot information, the hypervisor's CPUID leaves and
 * hypercalls, string I/O to the UART, and every page of upper memory. Then it reports
 * status 0 (all good) or 1 through the debug-exit port.
 *
 * With the command line word `echo` (`guest=hello -- echo`) it reads COM1 instead, after
 * the memory report: it prints each line typed back, and a line `quit` ends it (echo.c).
 *
 * Boots bare too: `qemu-system-x86_64 -kernel build/guest/hello.elf` (see guest/README.md).
 */
#include <stdbool.h>
#include <stdint.h>

#include "debug_exit.h"
#include "echo.h"
#include "hypercall.h"
#include "io.h"
#include "memtest.h"
#include "multiboot.h"
#include "print.h"
#include "uart.h"

#define STATUS_OK     0 /* every step passed */
#define STATUS_FAILED 1 /* some step printed a failure */

/* Report whether the loader's EAX was the Multiboot magic (spec 3.2 "Machine state"). */
static bool check_magic(uint32_t magic)
{
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC) {
        kprintf("hello: Multiboot guest started (magic ok)\n");
        return true;
    }
    kprintf("hello: Multiboot guest started (bad magic 0x%08x)\n", magic);
    return false;
}

/* Print memory sizes, command line and memory map from the boot information. */
static void report_memory(const struct multiboot_info *mbi)
{
    const char *cmdline = "";

    if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
        cmdline = (const char *)(uintptr_t)mbi->cmdline;
    if (mbi->flags & MULTIBOOT_INFO_MEMORY)
        kprintf("hello: memory %u KiB lower, %u KiB upper; cmdline \"%s\"\n", mbi->mem_lower,
                mbi->mem_upper, cmdline);
    else
        kprintf("hello: no memory sizes from the loader; cmdline \"%s\"\n", cmdline);

    if (!(mbi->flags & MULTIBOOT_INFO_MMAP)) {
        kprintf("hello: no memory map from the loader\n");
        return;
    }
    multiboot_for_each_mmap(e, mbi)
    {
        uint64_t last = e->base_addr + e->length - 1;
        kprintf("hello: memory map 0x%08x%08x-0x%08x%08x %s\n", (uint32_t)(e->base_addr >> 32),
                (uint32_t)e->base_addr, (uint32_t)(last >> 32), (uint32_t)last,
                e->type == MULTIBOOT_MEMORY_AVAILABLE ? "available" : "reserved");
    }
}

/* Send a string to the hypervisor console with HC_CONSOLE_WRITE. */
static bool console_write_hypercall(void)
{
    static const char text[] = "hello: written through a hypercall\n";
    uint32_t len = sizeof(text) - 1;

    /* Paging is off, so the pointer is the guest-physical address the ABI asks for. */
    int32_t written = hypercall(HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)text, len);
    if (written != (int32_t)len) {
        kprintf("hello: console-write hypercall returned %d, expected %u\n", written, len);
        return false;
    }
    return true;
}

/* Detect the hypervisor; under hvlab, exercise each hypercall it offers. */
static bool report_hypervisor(void)
{
    struct hv_info hv;
    bool ok = true;

    hv_detect(&hv);
    if (!hv.present) {
        kprintf("hello: no hypervisor\n");
        return true;
    }
    if (!hv.is_hvlab) {
        /* Someone else's (QEMU TCG says "TCGTCGTCGTCG"): no hvlab, so no hypercalls. */
        kprintf("hello: no hypervisor (CPUID signature \"%s\" is not hvlab)\n", hv.signature);
        return true;
    }
    kprintf("hello: hypervisor present, signature \"%s\"\n", hv.signature);

    int32_t version = hypercall(HC_VERSION, 0, 0);
    if (version < 0 || (uint32_t)version != hv.abi_version) {
        kprintf("hello: hypercall version returned %d, CPUID says 0x%08x\n", version,
                hv.abi_version);
        return false;
    }
    kprintf("hello: hypercall version %u.%u\n", HV_ABI_MAJOR((uint32_t)version),
            HV_ABI_MINOR((uint32_t)version));

    if (hv.features & HV_FEATURE_CONSOLE_WRITE)
        ok &= console_write_hypercall();
    else
        kprintf("hello: console-write hypercall not offered\n");

    if (hv.features & HV_FEATURE_MEMORY_SIZE) {
        int32_t kib = hypercall(HC_MEMORY_SIZE, 0, 0);
        if (kib < 0) {
            kprintf("hello: memory-size hypercall returned %d\n", kib);
            ok = false;
        } else {
            kprintf("hello: hypercall memory size %u KiB\n", (uint32_t)kib);
        }
    } else {
        kprintf("hello: memory-size hypercall not offered\n");
    }
    return ok;
}

/*
 * Send one line with REP OUTSB to THR, then read LSR a few times with REP INSB and
 * check THRE and TEMT. REP OUTSB does not poll LSR between bytes: fine for QEMU's and
 * hvlab's UARTs, which transmit each byte at once, not for a real 16550 without FIFO.
 */
static bool check_string_io(void)
{
    static const char line[] = "hello: this line was sent with rep outsb\r\n";
    const uint8_t idle = UART_LSR_THRE | UART_LSR_TEMT;
    uint8_t lsr[4] = {0};

    uart_flush();
    rep_outsb(COM1_PORT + UART_THR, line, sizeof(line) - 1);
    uart_flush();

    rep_insb(COM1_PORT + UART_LSR, lsr, sizeof(lsr));
    for (unsigned i = 0; i < sizeof(lsr); i++) {
        if ((lsr[i] & idle) != idle) {
            kprintf("hello: string I/O: LSR byte %u read by rep insb is 0x%02x\n", i, lsr[i]);
            return false;
        }
    }
    kprintf("hello: string I/O ok\n");
    return true;
}

/* Print the final line and stop through the debug-exit port; halt if that returns. */
static __attribute__((noreturn)) void finish(uint8_t status)
{
    kprintf("hello: done, status %u\n", status);
    uart_flush();
    debug_exit(status);
}

/* Entry from boot.S with the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    bool ok = true;

    uart_init();                         /* COM1, 115200 8N1, polled */
    bool multiboot = check_magic(magic); /* can we trust mbi? */
    ok &= multiboot;
    if (multiboot)
        report_memory(mbi);    /* sizes, cmdline, memory map */
    if (multiboot && (mbi->flags & MULTIBOOT_INFO_CMDLINE) &&
        echo_wanted((const char *)(uintptr_t)mbi->cmdline))
        finish(echo_run() ? STATUS_OK : STATUS_FAILED); /* typed lines, until "quit" */
    ok &= report_hypervisor(); /* CPUID leaves, hypercalls */
    ok &= check_string_io();   /* REP OUTSB / REP INSB on the UART */
    if (multiboot)
        ok &= memtest_run(mbi); /* every upper page; destroys mbi, so last */
    finish(ok ? STATUS_OK : STATUS_FAILED);
}
