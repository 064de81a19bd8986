/*
 * spy - a guest that looks for another VM's data in every address it can reach.
 *
 * What it proves, run beside guest/victim (`guest=victim+spy`): a VM sees only its own
 * RAM, and starts with none of anyone else's data in it.
 *   1. Each pass reads every dword of its RAM, from 0 to the end (its own image and the
 *      boot information included; read only), looking for the victim's secret:
 *      SECRET_LO immediately followed by SECRET_HI (isolation.h). Past the end of RAM
 *      nothing is mapped: an access there stops the VM (see hostile test=oob-read), so
 *      this is everything it can reach.
 *   2. The first pass checks that its free RAM (ram.h) reads all zero: hvlab scrubs a
 *      VM's RAM before the next VM gets it, so a spy started after the victim finds no
 *      leftovers either. Then it writes its own pattern there (pattern.h) and, every
 *      pass, checks that nobody changed it.
 * Between two lines it only computes (no HLT, no HC_YIELD), like the victim.
 * Bare (no hvlab) step 2 fails, as it should: firmware and QEMU's -kernel loader leave
 * their data in RAM. Zeroed RAM is hvlab's promise, not the PC's.
 *
 * Command line: `passes=N` (default SPY_PASSES_DEFAULT). Exit status 0 if it saw nothing,
 * 1 if it found the secret, leftovers or a change to its own memory, 2 without
 * Multiboot memory information.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "debug_exit.h"
#include "isolation.h"
#include "multiboot.h"
#include "pattern.h"
#include "print.h"
#include "ram.h"
#include "uart.h"

#define SPY_PASSES_DEFAULT 20

#define STATUS_OK     0 /* nothing of any other VM seen */
#define STATUS_SAW    1 /* the secret, leftovers in fresh RAM, or own memory changed */
#define STATUS_NO_RAM 2 /* no memory size from the loader */

/*
 * The complement of the dword at addr.
 *
 * Why the complement: the spy compares it with SECRET_LO_NOT / SECRET_HI_NOT, so the
 * secret itself is nowhere in the spy, not in its code, nor in a register spilled to its
 * stack, where its own scan would find it. The NOT is inside the asm so the compiler
 * cannot turn "~x == ~S" back into "x == S" and put S into the code after all.
 * Why asm at all: address 0 is guest RAM like any other, but to C it is a null pointer.
 */
static inline uint32_t read_complement(uint32_t addr)
{
    uint32_t value;

    __asm__ volatile("movl (%1), %0\n\tnotl %0" : "=r"(value) : "r"(addr) : "memory");
    return value;
}

/* Search [0, end) for SECRET_LO followed by SECRET_HI; true with its address in *where. */
static bool find_secret(uint32_t end, uint32_t *where)
{
    uint32_t last = end - 2 * sizeof(uint32_t); /* the last pair that fits */

    for (uint32_t addr = 0; addr <= last; addr += sizeof(uint32_t)) {
        if (read_complement(addr) == SECRET_LO_NOT &&
            read_complement(addr + sizeof(uint32_t)) == SECRET_HI_NOT) {
            *where = addr;
            return true;
        }
    }
    return false;
}

/* True if every dword of [start, end) is 0; else false with the first other one. */
static bool all_zero(uint32_t start, uint32_t end, struct pattern_mismatch *bad)
{
    for (uint32_t addr = start; addr < end; addr += sizeof(uint32_t)) {
        uint32_t value = *(const volatile uint32_t *)(uintptr_t)addr;
        if (value != 0) {
            *bad = (struct pattern_mismatch){addr, value, 0};
            return false;
        }
    }
    return true;
}

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
    uint32_t where;

    uart_init();
    uint32_t passes = cmdline_uint(cmdline_get(magic, mbi), "passes", SPY_PASSES_DEFAULT);
    if (!ram_layout_get(magic, mbi, &ram)) {
        kprintf("spy: no memory size from the loader\n");
        finish(STATUS_NO_RAM);
    }
    uint32_t start = ram.free_start;
    uint32_t end = ram.end & ~(PATTERN_BLOCK_SIZE - 1);
    kprintf("spy: reading 0x00000000-0x%08x, own pattern at 0x%08x-0x%08x, %u passes\n",
            ram.end - 1, start, end - 1, passes);

    for (uint32_t pass = 1; pass <= passes; pass++) {
        if (pass == 1) {
            /* Fresh RAM: whatever is not our image must be as hvlab scrubbed it. */
            if (!all_zero(start, end, &bad)) {
                kprintf("spy: free RAM not zero at 0x%08x (read 0x%08x)\n", bad.addr, bad.read);
                finish(STATUS_SAW);
            }
            kprintf("spy: free RAM was all zero at start\n");
            pattern_fill(start, end, SPY_LO, SPY_HI);
        }
        if (find_secret(ram.end, &where)) {
            kprintf("spy: pass %u: found the secret at 0x%08x\n", pass, where);
            finish(STATUS_SAW);
        }
        if (!pattern_verify(start, end, SPY_LO, SPY_HI, &bad)) {
            kprintf("spy: pass %u: own memory changed at 0x%08x (read 0x%08x, expected "
                    "0x%08x)\n",
                    pass, bad.addr, bad.read, bad.expected);
            finish(STATUS_SAW);
        }
        kprintf("spy: pass %u: read %u KiB, no trace of the secret, own pattern intact\n", pass,
                ram_kib(0, ram.end));
    }
    kprintf("spy: done, saw nothing of any other VM\n");
    finish(STATUS_OK);
}
