/*
 * conform.h - what the conformance guest's files share: the environment found at boot,
 * the clock, the interrupt and exception plumbing (trap.c), and every check.
 *
 * Each check is `enum tap_outcome check_NAME(void)`: it does one small thing, returns
 * TAP_PASS or tap_fail("expected ..., got ...") / tap_skip(...), and prints nothing
 * itself (lib/tap.h). main.c lists them in the order they run.
 */
#ifndef CONFORM_H
#define CONFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "hypercall.h"
#include "idt.h"
#include "pic.h"
#include "tap.h"

/* ---- environment (main.c) ---------------------------------------------------------- */

struct conform_env {
    struct hv_info hv;      /* what CPUID says about the hypervisor */
    bool hvlab;             /* running under hvlab: hypercalls allowed */
    bool mem_known;         /* the loader passed mem_upper */
    uint32_t mem_upper_kib; /* Multiboot mem_upper: KiB from 1 MiB up */
};

extern struct conform_env env;

/* Skip the calling check when hvlab is not under us (bare QEMU, another hypervisor). */
#define REQUIRE_HVLAB()                                                                        \
    do {                                                                                       \
        if (!env.hvlab)                                                                        \
            return tap_skip("no hvlab");                                                       \
    } while (0)

/* ---- clock (clock.c): the TSC, calibrated once ---------------------------------------- */

/* What the TSC is calibrated against. */
enum clock_source { CLOCK_HC_TIME, CLOCK_PIT };

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* (n / d) with the x86 DIVL instruction: no libgcc in the guests. The quotient must fit in
 * 32 bits; if it does not, UINT32_MAX. */
uint32_t div64_32(uint64_t n, uint32_t d);

/* HC_TIME under hvlab (if offered), else PIT channel 0. */
enum clock_source clock_reference(void);

/* Measure TSC ticks per millisecond against clock_reference() (the PIT is left stopped);
 * false if the reference does not advance. Until it succeeds, the clock assumes
 * CLOCK_FALLBACK_TSC_PER_MS (clock.c). */
bool clock_calibrate(void);
uint32_t clock_tsc_per_ms(void);

/* A deadline `ms` milliseconds from now, and whether it has passed. */
uint64_t clock_deadline(uint32_t ms);
bool clock_expired(uint64_t deadline);

/* Busy-wait (PAUSE, no VM exit) for `us` microseconds. */
void clock_delay_us(uint32_t us);

/* Nanoseconds from HC_TIME (the caller checked HV_FEATURE_TIME). */
static inline uint64_t hc_time_ns(void) { return hypercall_edx_eax(HC_TIME, 0, 0); }
/* PIT edges that never became an IRQ 0 request (the caller checked HV_FEATURE_TICKS_LOST). */
static inline uint64_t hc_ticks_lost(void) { return hypercall_edx_eax(HC_TICKS_LOST, 0, 0); }

/* ---- traps (trap.c, trap_stubs.S): exceptions and IRQs through one dispatcher ---------- */

#define CONFORM_PIC_MASTER_BASE IDT_IRQ_BASE       /* IRQ 0-7 -> vectors 0x20-0x27 */
#define CONFORM_PIC_SLAVE_BASE  (IDT_IRQ_BASE + 8) /* IRQ 8-15 -> vectors 0x28-0x2F */

/* The last exception taken while one was expected (trap_expect_fault). */
struct fault_record {
    uint32_t count;  /* how many were taken */
    uint32_t vector; /* of the last one */
    uint32_t error;  /* error code, 0 when the vector has none */
    uint32_t eip;    /* the faulting EIP the CPU pushed */
    uint32_t cr2;    /* CR2 when the vector was #PF */
};

/* Every IRQ the dispatcher saw. */
struct irq_record {
    uint32_t count[PIC_IRQS]; /* per IRQ line */
    uint32_t spurious;        /* IRQ 7 / 15 with its ISR bit clear */
    uint32_t last_vector;     /* vector of the last one */
    uint32_t last_eip;        /* EIP it interrupted */
};

extern volatile struct fault_record trap_fault;
extern volatile struct irq_record trap_irqs;

/* Where the dispatcher resumes after an expected fault; set by the asm of a check. */
extern uint32_t trap_resume_eip;

/*
 * One guarded instruction: `insn` runs at label 0, the fault (if any) resumes at label 1.
 * Operands: [resume] "=m"(trap_resume_eip), [at] "=&r"(eip of the instruction).
 */
#define GUARDED(insn) "movl $1f, %[resume]\n\tmovl $0f, %[at]\n0:\t" insn "\n1:\n\t"

/* Build the 48-gate IDT with the dispatcher's stubs and load it. */
void trap_init(void);

/* The next exception is expected: record it and resume at trap_resume_eip. */
void trap_expect_fault(void);
/* Stop expecting one (an exception after this bails out). */
void trap_expect_nothing(void);

/* IRQ handling: an optional hook runs in the handler; the dispatcher sends the EOI unless
 * the IRQ is in trap_set_no_eoi's mask. */
void trap_set_irq_hook(unsigned irq, void (*hook)(void));
void trap_set_no_eoi(uint16_t mask);

/* How long a check waits for an event that takes milliseconds (a tick, an IRQ) before it
 * decides the event never comes: seconds, so that a loaded host cannot make it expire. */
#define CONFORM_EVENT_WAIT_MS 2000u

/* With IF = 1 (the caller's sti): wait until trap_irqs.count[irq] differs from `before`,
 * at most `ms` milliseconds. Returns the count then. */
uint32_t wait_for_irq(unsigned irq, uint32_t before, uint32_t ms);

/* Stop the PIT and take whatever IRQ 0 request is left from earlier checks: afterwards
 * IRR bit 0 is clear and stays clear, only IRQ 0 is unmasked, and IF = 0. */
void drain_timer_request(void);

static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }

/* ---- checks, by file ---------------------------------------------------------------- */

/* cpuid.c */
enum tap_outcome check_cpuid_hypervisor_bit(void);
enum tap_outcome check_cpuid_signature(void);
enum tap_outcome check_cpuid_abi_leaf(void);
enum tap_outcome check_cpuid_vmx_hidden(void);
enum tap_outcome check_cpuid_svm_hidden(void);

/* io.c */
enum tap_outcome check_io_byte_scratch(void);
enum tap_outcome check_io_word_unclaimed(void);
enum tap_outcome check_io_dword_unclaimed(void);
enum tap_outcome check_io_out_unclaimed(void);
enum tap_outcome check_io_rep_outsb(void);
enum tap_outcome check_io_rep_insb(void);

/* uart.c */
enum tap_outcome check_uart_divisor_latch(void);
enum tap_outcome check_uart_lcr(void);
enum tap_outcome check_uart_mcr(void);
enum tap_outcome check_uart_ier(void);
enum tap_outcome check_uart_iir_idle(void);
enum tap_outcome check_uart_loopback_data(void);
enum tap_outcome check_uart_loopback_msr(void);
enum tap_outcome check_uart_rx_interrupt(void);

/* hypercalls.c */
enum tap_outcome check_hc_version(void);
enum tap_outcome check_hc_console_write(void);
enum tap_outcome check_hc_console_write_empty(void);
enum tap_outcome check_hc_console_write_too_long(void);
enum tap_outcome check_hc_console_write_outside_ram(void);
enum tap_outcome check_hc_console_write_ram_end(void);
enum tap_outcome check_hc_console_write_wrap(void);
enum tap_outcome check_hc_memory_size(void);
enum tap_outcome check_hc_time(void);
enum tap_outcome check_hc_unknown(void);
enum tap_outcome check_hc_yield_wakes(void);
enum tap_outcome check_hc_yield_would_block(void);

/* rtc.c */
enum tap_outcome check_rtc_ticks(void);

/* exceptions.c */
enum tap_outcome check_exc_gp_bad_selector(void);
enum tap_outcome check_exc_gp_msr_hsave(void);
enum tap_outcome check_exc_gp_msr_vmx_basic(void);
enum tap_outcome check_exc_ud_vmxon(void);
enum tap_outcome check_exc_ud_vmrun(void);

/* faults.c */
enum tap_outcome check_fault_cr4_reserved(void);
enum tap_outcome check_fault_vmxe_then_vmxon(void);
enum tap_outcome check_fault_cr0_nw_without_cd(void);
enum tap_outcome check_fault_efer_reserved(void);
enum tap_outcome check_fault_xsetbv_without_osxsave(void);
enum tap_outcome check_fault_xcr0_reserved(void);
enum tap_outcome check_fault_vmx_instructions_ud(void);
enum tap_outcome check_fault_svm_instructions_ud(void);

/* mmio.c */
enum tap_outcome check_mmio_magic(void);
enum tap_outcome check_mmio_version(void);
enum tap_outcome check_mmio_scratch_rw(void);
enum tap_outcome check_mmio_scratch_sib(void);
enum tap_outcome check_mmio_scratch_imm(void);
enum tap_outcome check_mmio_scratch_moffs(void);
enum tap_outcome check_mmio_scratch_byte(void);
enum tap_outcome check_mmio_scratch_word(void);
enum tap_outcome check_mmio_unknown_offset(void);

/* paging.c */
enum tap_outcome check_paging_alias(void);
enum tap_outcome check_paging_not_present(void);

/* interrupts.c */
enum tap_outcome check_pic_remap_imr(void);
enum tap_outcome check_pic_isr_idle(void);
enum tap_outcome check_pic_masked(void);
enum tap_outcome check_pic_unmasked(void);
enum tap_outcome check_pic_no_eoi(void);
enum tap_outcome check_pic_eoi(void);
enum tap_outcome check_irq_after_sti_shadow(void);
enum tap_outcome check_pic_edges_merge(void);

/* timer.c */
enum tap_outcome check_clock_calibration(void);
enum tap_outcome check_pit_latch(void);
enum tap_outcome check_pit_rate(void);
enum tap_outcome check_hlt_wakes(void);

/* longmode.c */
enum tap_outcome check_long_mode_lma(void);
enum tap_outcome check_long_mode_64bit(void);

#endif /* CONFORM_H */
