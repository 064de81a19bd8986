/*
 * bench - measures what VM exits cost, from inside the guest, with RDTSC.
 *
 * The same kernel boots bare (QEMU -kernel, or GRUB in Bochs) and inside hvlab; the
 * difference between the two runs is the hypervisor's work. tools/bench.sh boots it both
 * ways and tools/bench-report.sh turns the lines into tables. Interrupts stay off but for
 * the hlt op's STI; HLT (hlt.c).
 *
 * Lines (the batch format is in measure.h):
 *   bench: first guest tsc N            RDTSC at the first C statement (boot cost)
 *   bench: environment: ...             bare or hvlab, ABI version, features, CPU vendor
 *   bench: NAME batch / summary ...     null, cpuid, hypercall, out, in, mmio, hlt,
 *                                       work-cpu, work-mem
 *   bench: all batches agree | bench: some batches differ
 *     (or "all batches agree, except hlt's, which may vary": measure.h)
 *   bench: done, status 0
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpuid.h"
#include "debug_exit.h"
#include "exits.h"
#include "hypercall.h"
#include "measure.h"
#include "multiboot.h"
#include "print.h"
#include "str.h"
#include "u64.h"
#include "cmdline.h"
#include "uart.h"
#include "work.h"

#define EXIT_OPS     1000 /* operations per batch of an exit microbenchmark (exit_ops=N) */
#define EXIT_BATCHES 5    /* (exit_batches=N) */
#define WORK_BATCHES 3
#define STATUS_OK    0 /* the benchmark ran (agreement is reported in a line) */
#define STATUS_BAD   1 /* bad Multiboot magic: mbi cannot be trusted */

/* Print where we run and fill *env. */
static void detect(struct bench_env *env)
{
    struct hv_info hv;
    struct cpuid_regs v = cpuid(CPUID_LEAF_VENDOR);
    char vendor[CPUID_VENDOR_LEN + 1];

    /* Leaf 0: the vendor string is EBX, EDX, ECX. */
    memcpy(&vendor[0], &v.ebx, 4);
    memcpy(&vendor[4], &v.edx, 4);
    memcpy(&vendor[8], &v.ecx, 4);
    vendor[CPUID_VENDOR_LEN] = '\0';

    hv_detect(&hv);
    env->hvlab = hv.is_hvlab;
    env->features = hv.is_hvlab ? hv.features : 0;
    if (hv.is_hvlab)
        kprintf("bench: environment: hvlab ABI %u.%u, features 0x%08x, CPU %s, %s\n",
                HV_ABI_MAJOR(hv.abi_version), HV_ABI_MINOR(hv.abi_version), hv.features, vendor,
                hv_uses_vmmcall() ? "VMMCALL" : "VMCALL");
    else if (hv.present)
        kprintf("bench: environment: bare (hypervisor \"%s\" is not hvlab), CPU %s\n",
                hv.signature, vendor);
    else
        kprintf("bench: environment: bare (no hypervisor), CPU %s\n", vendor);
}

/* Entry from boot.S with the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    uint64_t first_tsc = rdtsc(); /* as close to the first guest instruction as C gets */
    char num[U64_DEC_MAX];
    struct bench_env env;
    bool agree = true;

    __asm__ volatile("cli"); /* Multiboot enters with IF = 0; make sure it stays so */
    uart_init();
    kprintf("bench: first guest tsc %s\n", u64_dec(num, first_tsc));
    kprintf("bench: ticks are RDTSC counts (in Bochs and QEMU -icount: instructions)\n");
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        kprintf("bench: bad Multiboot magic 0x%08x\n", magic);
        kprintf("bench: done, status %u\n", STATUS_BAD);
        uart_flush();
        debug_exit(STATUS_BAD);
    }
    detect(&env);

    /* Beside other VMs (make bench's 4-VM run), many short batches: most of them fit in
     * one time slice, and the fastest one is the exit's own cost. */
    const char *cmdline = cmdline_get(magic, mbi);
    uint32_t exit_ops = cmdline_uint(cmdline, "exit_ops", EXIT_OPS);
    uint32_t exit_batches = cmdline_uint(cmdline, "exit_batches", EXIT_BATCHES);
    agree &= exits_run(&env, exit_ops, exit_batches); /* one exit per op */
    agree &= work_run(mbi, WORK_BATCHES);             /* no exit at all; overwrites RAM */

    if (!agree)
        kprintf("bench: some batches differ\n");
    else if (bench_varied())
        kprintf(
            "bench: all batches agree, except %s's, which may vary (its summary says why)\n",
            bench_varied());
    else
        kprintf("bench: all batches agree\n");
    kprintf("bench: done, status %u\n", STATUS_OK);
    uart_flush();
    debug_exit(STATUS_OK);
}
