/*
 * conform64 - the 64-bit conformance guest: one TAP line per check of what a 64-bit
 * guest needs from hvlab: long mode, CPUID seen from it, its own MSRs (PAT, FS/GS base,
 * KERNEL_GS_BASE, TSC_AUX), SSE/AVX state across exits, user mode and back (SYSCALL,
 * INT n, SYSENTER), page faults and NX of its own page tables, and string I/O and MMIO
 * through a mapping where linear != physical; then the Multiboot modules, guest/apic's
 * local APIC and I/O APIC checks run in 64-bit mode, and CR8 as the TPR.
 *
 * A Multiboot kernel in an ELF32 container (boot64.S enters 64-bit mode itself). Under
 * hvlab each line shows up as "[guest] ok 12 - ..."; bare under QEMU (`qemu-system-x86_64
 * -kernel build/guest/conform64.elf`) the checks that need hvlab say "# SKIP no hvlab"
 * and the others run against the emulated CPU, which is how the guest side of each check
 * is validated. Every check runs under a catcher (trap.c): a stray exception costs its
 * line, not the run. The order puts last what could stop the guest under a hypervisor
 * that gets it wrong: user mode (a SYSCALL that jumps to the host's LSTAR), then MMIO and
 * string I/O with paging on, then the APIC (interrupts, MMIO through 2 MiB pages) and CR8. Status 0 on the debug-exit port if nothing failed, else 1.
 *
 * Adding a check: one X(...) line in CHECKS below.
 */
#include "../apic/apic_checks.h"
#include "conform64.h"
#include "cpu64.h"
#include "cpuid.h"
#include "debug_exit.h"
#include "io.h"
#include "multiboot.h"
#include "print.h"
#include "str.h"
#include "uart.h"

#define STATUS_OK       0
#define STATUS_FAILED   1
#define PIC_MASTER_DATA 0x21 /* 8259A IMR ports (OCW1) */
#define PIC_SLAVE_DATA  0xA1
#define PIC_MASK_ALL    0xFF

struct conform64_env env;

#define CHECKS(X)                                                                              \
    /* longmode.c */                                                                           \
    X(check_long_mode_active, "long mode: EFER.LME/LMA, CR0.PG, CR4.PAE, CS.L = 1 (LAR)")      \
    X(check_cpuid_hypervisor,                                                                  \
      "cpuid: hypervisor bit and leaf 0x40000000 \"hvlab\" from 64-bit mode")                  \
    X(check_cpuid_leaf7_subleaves,                                                             \
      "cpuid: leaf 7 subleaf 0 stable, subleaves above its EAX answer 0s")                     \
    X(check_cpuid_above_max, "cpuid: leaves above the basic and extended maximum (recorded)")  \
    /* paging.c */                                                                             \
    X(check_paging_window,                                                                     \
      "paging: a 4 KiB page at 0xffffffffc0000000 maps its frame, INVLPG remaps")              \
    /* msr.c */                                                                                \
    X(check_pat, "msr: IA32_PAT written and read back, reserved type 2 raises #GP")            \
    X(check_fs_gs_base, "msr: FS_BASE/GS_BASE by WRMSR, read by RDMSR and %fs:/%gs: loads")    \
    X(check_swapgs, "msr: SWAPGS exchanges GS_BASE and KERNEL_GS_BASE (WRMSR), %gs: follows")  \
    X(check_fsgsbase,                                                                          \
      "fsgsbase: RDFSBASE #UD, then CR4.FSGSBASE: WR/RD FS/GS BASE agree with the MSRs")       \
    X(check_tsc_aux, "msr: TSC_AUX by WRMSR, read by RDTSCP (ECX) and RDPID")                  \
    /* simd.c */                                                                               \
    X(check_simd_sse, "simd: SSE xmm0-15 kept over 1,000 CPUID and 1,000 OUT exits")           \
    X(check_xsave_enable,                                                                      \
      "simd: CR4.OSXSAVE, XSETBV XCR0 = x87|SSE|AVX, XGETBV, CPUID OSXSAVE")                   \
    X(check_simd_avx, "simd: AVX ymm0-15 kept over 1,000 CPUID and 1,000 OUT exits")           \
    /* paging.c */                                                                             \
    X(check_nx_fetch, "nx: EFER.NXE, a fetch from an XD page raises #PF (P, I/D) with CR2")    \
    /* user.c */                                                                               \
    X(check_user_int_gate,                                                                     \
      "user: IRETQ to CPL 3, INT 0x80 (DPL 3 gate) onto TSS.RSP0, IRETQ back")                 \
    X(check_user_int_dpl0, "user: INT 0x82 (DPL 0 gate) from CPL 3 raises #GP(0x412)")         \
    X(check_user_page_fault,                                                                   \
      "user: CPL 3 read/write of a U/S = 0 page: #PF error 0x5/0x7, CR2")                      \
    X(check_user_syscall, "user: SYSRET to CPL 3, SYSCALL back: STAR, LSTAR, RCX/R11, FMASK")  \
    X(check_user_sysenter, "user: SYSEXIT to CPL 3, SYSENTER back: SYSENTER_CS/ESP/EIP")       \
    /* paging.c: with paging on, linear != physical */                                         \
    X(check_mmio_window,                                                                       \
      "mmio: hvlab-info page through a window page: magic, version, scratch")                  \
    X(check_mmio_window_rex,                                                                   \
      "mmio: the same with REX forms (%r9 base, %r12 index, %r10d/%r11d)")                     \
    X(check_io_outsb_window, "io: rep outsb to THR from a window page: RCX 0, RSI advanced")   \
    X(check_io_outsb_two_pages,                                                                \
      "io: rep outsb to SCR across two window pages (frames swapped)")                         \
    X(check_io_insb_window, "io: rep insb from port 0xe0 into window pages fills their "       \
                            "frames")                                                          \
    /* modules.c */                                                                            \
    X(check_multiboot_modules,                                                                 \
      "multiboot: modules in order, page aligned, after the kernel, in RAM, each named")       \
    /* guest/apic's checks (../apic/apic_checks.h), then CR8 (apic64.c) */                     \
    APIC_CHECKS(X)                                                                             \
    X(check_cr8_tpr,                                                                           \
      "cr8: MOV to CR8 sets TPR[7:4], CR8 reads TPR[7:4], CR8 holds a lower class in IRR")

#define CAUGHT(fn, name)                                                                       \
    static enum tap_outcome fn##_caught(void) { return run_caught(fn); }
CHECKS(CAUGHT)

#define ENTRY(fn, name) {name, fn##_caught},
static const struct tap_check checks[] = {CHECKS(ENTRY)};

#define CHECK_COUNT (sizeof(checks) / sizeof(checks[0]))

static void detect_environment(void)
{
    char vendor[CPUID_VENDOR_LEN];
    struct cpuid_regs r = cpuid(CPUID_LEAF_VENDOR);

    memcpy(vendor + 0, &r.ebx, 4);
    memcpy(vendor + 4, &r.edx, 4);
    memcpy(vendor + 8, &r.ecx, 4);
    env.intel = mem_equal(vendor, CPUID_VENDOR_INTEL, CPUID_VENDOR_LEN);
    env.amd = mem_equal(vendor, CPUID_VENDOR_AMD, CPUID_VENDOR_LEN);
    hv_detect(&env.hv); /* also picks VMCALL or VMMCALL */
    env.hvlab = env.hv.is_hvlab;
}

/* SSE allowed: CR0.EM = 0, MP = 1, TS = 0; CR4.OSFXSR and OSXMMEXCPT. */
static void simd_init(void)
{
    uint64_t cr0 = (read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;

    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

/* Entry from boot64.S: 64-bit mode, interrupts off, the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi);
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    env.mbi = magic == MULTIBOOT_BOOTLOADER_MAGIC ? mbi : 0;
    uart_init();                         /* COM1, 115200 8N1, polled */
    outb(PIC_MASTER_DATA, PIC_MASK_ALL); /* no IRQ while user mode runs with IF = 1 */
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
    trap_init();                    /* 256 gates, TSS with RSP0 */
    simd_init();                    /* SSE usable */
    paging_init();                  /* the window pages */
    detect_environment();           /* vendor, hvlab or not */
    apic_checks_prepare(env.hvlab); /* the 8259 pair off the exception vectors */
    kprintf("# conform64: 64-bit conformance checks (%s, %s, Multiboot magic 0x%x)\n",
            env.hvlab ? "under hvlab" : "no hvlab: hvlab-only checks are skipped",
            env.intel ? "Intel"
            : env.amd ? "AMD"
                      : "other vendor",
            magic);

    struct tap_summary sum = tap_run(checks, CHECK_COUNT);

    kprintf("# conform64: %u passed, %u failed, %u skipped\n", sum.passed, sum.failed,
            sum.skipped);
    uart_flush();
    debug_exit(sum.failed == 0 ? STATUS_OK : STATUS_FAILED);
}
