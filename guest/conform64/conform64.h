/*
 * conform64.h - what the 64-bit conformance guest's files share: the environment found at
 * boot, the trap plumbing (trap.c, trap64.S), the catchers that turn a stray exception
 * into one "not ok" line (kctx.S), and every check.
 *
 * Each check is `enum tap_outcome check_NAME(void)`: it does one small thing and returns
 * TAP_PASS, tap_fail("expected ..., got ...") or tap_skip(...), printing nothing itself
 * (lib/tap.h). main.c lists them, one line each, in the order they run.
 */
#ifndef CONFORM64_H
#define CONFORM64_H

#include <stdbool.h>
#include <stdint.h>

#include "catch.h"
#include "multiboot.h"
#include "hypercall.h"
#include "tap.h"

/* ---- environment (main.c) ---------------------------------------------------------- */

struct conform64_env {
    struct hv_info hv; /* what CPUID says about the hypervisor */
    bool hvlab;        /* leaf 0x40000000 says "hvlab": hypercalls and its MMIO allowed */
    bool intel;        /* CPUID vendor "GenuineIntel" */
    bool amd;          /* CPUID vendor "AuthenticAMD" */
    const struct multiboot_info *mbi; /* the loader's, or 0 without its magic */
};

extern struct conform64_env env;

/* Skip the calling check when hvlab is not under us (bare QEMU, another hypervisor). */
#define REQUIRE_HVLAB()                                                                        \
    do {                                                                                       \
        if (!env.hvlab)                                                                        \
            return tap_skip("no hvlab");                                                       \
    } while (0)

/* A 64-bit value for "%s": "0x" and its hex digits (one of a few rotating buffers, so
 * several may appear in one message). */
const char *x64(uint64_t v);

/* ---- traps (trap.c, trap64.S) --------------------------------------------------------- */

/* The last exception taken (expected or caught). */
struct fault_record {
    uint32_t count;  /* exceptions recorded since trap_expect_fault() */
    uint32_t vector; /* of the last one */
    uint64_t error;  /* error code, 0 when the vector has none */
    uint64_t rip;    /* the RIP the CPU pushed */
    uint64_t cs;     /* the CS the CPU pushed (RPL = the CPL it came from) */
    uint64_t cr2;    /* CR2 when the vector was #PF */
};

/* What the INT 0x80 handler saw (the CPU's frame and where it was). */
struct int_record {
    uint32_t count;
    uint64_t rip, cs, rflags, rsp, ss; /* the frame the CPU pushed */
    uint64_t frame_end;                /* the address just above that frame */
};

extern volatile struct fault_record trap_fault;
extern volatile struct int_record trap_int;

/* Where the dispatcher resumes after an expected fault; set by the asm of a check. */
extern uint64_t trap_resume_rip;

/*
 * One guarded instruction at CPL 0: `insn` runs at label 0, a fault resumes at label 1.
 * Operands: [resume] "=m"(trap_resume_rip), [at] "=&r"(RIP of the instruction).
 */
#define GUARDED(insn)                                                                          \
    "leaq 1f(%%rip), %[at]\n\tmovq %[at], %[resume]\n\tleaq 0f(%%rip), %[at]\n0:\t" insn       \
    "\n1:\n\t"

/* Build the IDT (every vector through trap_dispatch, the user gates with DPL 3), the
 * TSS with its RSP0 stack, and load both. */
void trap_init(void);

/* The next exception at CPL 0 is expected: record it and resume at trap_resume_rip. */
void trap_expect_fault(void);
/* Stop expecting one. */
void trap_expect_nothing(void);

/* The stack top TSS.RSP0 holds: where an interrupt from CPL 3 pushes its frame. */
uint64_t trap_rsp0(void);

/* ---- catchers (kctx.S, trap.c): a setjmp for code that may not come back --------------- */

/* Callee-saved registers, RSP and RIP of a kctx_call; kctx.S knows the offsets. */
struct kctx {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
    struct kctx *prev; /* the catcher this one is nested in */
};

/* Run fn under catcher c (innermost): returns CATCH_RETURNED when fn returns, or the
 * reason kctx_return() gave. */
long catch_call(struct kctx *c, void (*fn)(void));

/* The innermost catcher (kctx.S's SYSCALL and SYSENTER entries use it). */
extern struct kctx *catch_top;

/* Back to where kctx_call(c) was made, returning reason; IF and DF cleared, data
 * segments and SS reloaded. */
__attribute__((noreturn)) void kctx_return(struct kctx *c, long reason);

/* Run one check under a catcher: a stray exception ends it with "not ok" and the fault
 * instead of "Bail out!", so the checks after it still run. */
enum tap_outcome run_caught(enum tap_outcome (*check)(void));

/* "vector 14 error 0x5 at rip 0x... cs 0x... cr2 0x..." for the last caught fault. */
const char *fault_text(void);

/* WRMSR / RDMSR that report a fault (false; trap_fault says which) instead of taking it. */
bool wrmsr_ok(uint32_t msr, uint64_t v);
bool rdmsr_ok(uint32_t msr, uint64_t *v);

/* ---- the window (paging.c): pages mapped where linear != physical -------------------- */

enum window_page {
    WINDOW_ALIAS,      /* a frame marked with window_mark() (paging check, FS base) */
    WINDOW_SUPERVISOR, /* U/S = 0: CPL 3 may not touch it */
    WINDOW_NX,         /* a RET byte; XD set by the NX check */
    WINDOW_IO_LOW,     /* two pages whose frames lie in the other order: string I/O */
    WINDOW_IO_HIGH,
    WINDOW_MMIO, /* the hvlab-info page at HV_INFO_MMIO_GPA, uncached */
    WINDOW_PAGES
};

/* Map the window pages (call once, before the checks). */
void paging_init(void);
/* The linear address of window page p. */
uint64_t window_address(enum window_page p);
/* The 8 bytes at the start of WINDOW_ALIAS's frame. */
uint64_t window_mark(void);

/* ---- checks, by file ---------------------------------------------------------------- */

/* longmode.c */
enum tap_outcome check_long_mode_active(void);
enum tap_outcome check_cpuid_hypervisor(void);
enum tap_outcome check_cpuid_leaf7_subleaves(void);
enum tap_outcome check_cpuid_above_max(void);

/* paging.c */
enum tap_outcome check_paging_window(void);
enum tap_outcome check_nx_fetch(void);
enum tap_outcome check_io_outsb_window(void);
enum tap_outcome check_io_outsb_two_pages(void);
enum tap_outcome check_io_insb_window(void);
enum tap_outcome check_mmio_window(void);
enum tap_outcome check_mmio_window_rex(void);

/* msr.c */
enum tap_outcome check_pat(void);
enum tap_outcome check_fs_gs_base(void);
enum tap_outcome check_swapgs(void);
enum tap_outcome check_fsgsbase(void);
enum tap_outcome check_tsc_aux(void);

/* user.c */
enum tap_outcome check_user_syscall(void);
enum tap_outcome check_user_int_gate(void);
enum tap_outcome check_user_int_dpl0(void);
enum tap_outcome check_user_sysenter(void);
enum tap_outcome check_user_page_fault(void);

/* simd.c */
enum tap_outcome check_simd_sse(void);
enum tap_outcome check_xsave_enable(void);
enum tap_outcome check_simd_avx(void);

/* modules.c */
enum tap_outcome check_multiboot_modules(void);

/* apic64.c (the other APIC checks: guest/apic, listed in ../apic/apic_checks.h) */
enum tap_outcome check_cr8_tpr(void);

#endif /* CONFORM64_H */
