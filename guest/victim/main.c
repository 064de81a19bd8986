/*
 * victim - the guest whose memory another VM must not be able to see or change.
 *
 * What it proves, run beside guest/spy (`guest=victim+spy`): nothing outside this VM
 * writes to its RAM. It fills all of its free RAM (ram.h: from the end of its image to
 * the end of RAM) with a secret pattern, 16-byte blocks {SECRET_LO, SECRET_HI, address,
 * ~address} (pattern.h, isolation.h), then reads every byte of it back, pass after pass.
 * The spy meanwhile searches its own RAM for the secret; if hvlab ever let the two VMs
 * share a page, the spy would find the secret or its own writes would show up here.
 *
 * Between two lines it only computes (no HLT, no HC_YIELD): it uses its whole time
 * slice, so under the scheduler its lines interleave with the other VM's.
 *
 * Command line: `passes=N` (default VICTIM_PASSES_DEFAULT). Exit status 0 if the memory
 * never changed, 1 at the first difference, 2 without Multiboot memory information.
 */
#include <stdint.h>

#include "cmdline.h"
#include "debug_exit.h"
#include "isolation.h"
#include "multiboot.h"
#include "pattern.h"
#include "print.h"
#include "ram.h"
#include "uart.h"

#define VICTIM_PASSES_DEFAULT 20

#define STATUS_OK      0 /* every pass found the secret intact */
#define STATUS_CHANGED 1 /* some byte of the secret changed */
#define STATUS_NO_RAM  2 /* no memory size from the loader: nothing to fill */

/* Print the last line and stop with status. */
static __attribute__((noreturn)) void finish(uint8_t status)
{
    uart_flush();
    debug_exit(status);
}

/* Entry from boot.S with the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    struct ram_layout ram;
    struct pattern_mismatch bad;

    uart_init();
    /* Read everything from the boot information first: it lives in lower RAM, which
     * we leave alone, but this way nothing depends on that. */
    uint32_t passes = cmdline_uint(cmdline_get(magic, mbi), "passes", VICTIM_PASSES_DEFAULT);
    if (!ram_layout_get(magic, mbi, &ram)) {
        kprintf("victim: no memory size from the loader\n");
        finish(STATUS_NO_RAM);
    }
    uint32_t start = ram.free_start;
    uint32_t end = ram.end & ~(PATTERN_BLOCK_SIZE - 1);
    uint32_t kib = ram_kib(start, end);

    kprintf("victim: secret at 0x%08x-0x%08x, %u passes\n", start, end - 1, passes);
    pattern_fill(start, end, SECRET_LO, SECRET_HI);
    kprintf("victim: filled %u KiB with the secret\n", kib);

    for (uint32_t pass = 1; pass <= passes; pass++) {
        if (!pattern_verify(start, end, SECRET_LO, SECRET_HI, &bad)) {
            kprintf(
                "victim: pass %u: memory changed at 0x%08x (read 0x%08x, expected 0x%08x)\n",
                pass, bad.addr, bad.read, bad.expected);
            finish(STATUS_CHANGED);
        }
        kprintf("victim: pass %u: %u KiB intact\n", pass, kib);
    }
    kprintf("victim: done, memory never changed\n");
    finish(STATUS_OK);
}
