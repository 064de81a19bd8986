/*
 * hlt.c - HLT woken by a timer interrupt, timed like the other exits (hlt.h).
 *
 * One op is the idle step of a tickless kernel: arm a one-shot timer, halt, take the
 * interrupt, acknowledge it. The one-shot is already over when HLT runs, so the op times
 * what a wake-up costs, not how long the timer took:
 *
 *   1: mov  %edi, %eax         ; count 1
 *      out  %al, $0x40         ; PIT channel 0, mode 4: IRQ 0 one PIT clock from now
 *      mov  $SETTLE_LOOPS, %ecx
 *   2: dec  %ecx               ; no exit: the count runs out and IRQ 0 waits in the
 *      jnz  2b                 ;   PIC's IRR (IF = 0)
 *      sti
 *      hlt                     ; in STI's shadow: the pending IRQ 0 wakes it at once
 *      cli                     ; the handler sent the EOI; it returns here
 *      dec  %esi
 *      jnz  1b
 *
 * Under hvlab an op is three exits and an injection: the OUT to the PIT, the HLT (an
 * interrupt is pending, so hvlab does not wait) and the handler's EOI, an OUT to the PIC.
 * Bare the same instructions run without exits, so "under hvlab - bare" is hvlab's work
 * for all of it.
 *
 * Why a one-shot, and why batches agree in Bochs:
 * - hvlab's PIT counts the TSC, and a tick it sees is an IRQ right away. A one-shot of one
 *   PIT clock has run out by the time hvlab next looks at its devices, at the end of the
 *   arming OUT's exit, whenever a PIT clock is shorter than that path: in Bochs (a PIT
 *   clock is about 42 ticks) always. No host timer is then armed, HLT finds IRQ 0
 *   pending, and every op runs the same instructions: batches agree to the tick.
 * - Where a PIT clock is longer than that path (QEMU -icount: 838 ticks), whether the
 *   count has run out at the end of the OUT's exit depends on the PIT clock's phase; when
 *   it has not, a timer exit interrupts the settle loop when it does. Batches then vary
 *   by a few hundred ticks: the summary says so instead of failing
 *   (bench_batches_may_vary). Bare, the same goes for an emulator whose PIT edge can come
 *   after the settle loop: the HLT then waits for it.
 * - A periodic tick would make the exits per op depend on where the ticks fall (a timer
 *   exit for each one that comes while the guest runs, a polled wait for HLT when none is
 *   pending), and a fast one (divisor 2 in Bochs: a tick every 84 ticks) leaves hvlab
 *   taking timer exits without the guest getting anywhere.
 * - Mode 4, not mode 0: after terminal count, Bochs's 8254 lowers OUT again in mode 0
 *   only for a two-byte count, so a one-byte count would never raise IRQ 0 a second time;
 *   in mode 4 every count written ends in one strobe. hvlab counts mode 4 like mode 0
 *   (docs/hypercalls.md, section 7).
 *
 * See: Intel SDM Vol. 2A, "HLT—Halt", Vol. 2B, "STI—Set Interrupt Flag" (the shadow),
 *      Vol. 3C, "Primary Processor-Based VM-Execution Controls" (HLT exiting), "Event
 *      Injection"; AMD APM Vol. 2, "Instruction Intercepts", "Event Injection"; Intel
 *      82C54 datasheet, "Mode 4: Software Triggered Strobe"; Intel 8259A datasheet, "The
 *      End of Interrupt".
 */
#include "hlt.h"

#include "idt.h"
#include "io.h"
#include "measure.h"
#include "pic.h"
#include "pit.h"

#define ONE_SHOT_COUNT 1                  /* PIT clocks from the OUT to the IRQ 0 edge */
#define SLAVE_VECTORS  (IDT_IRQ_BASE + 8) /* IRQ 8-15 -> 0x28-0x2F (all stay masked) */
/* 2 instructions a loop: 8192 ticks, longer than the one-shot takes bare: up to about
 * 3250 ticks in Bochs (its 8254 runs on Bochs's microsecond timers: the edge came 3202 or
 * 3253 ticks after the OUT when measured, less later in some runs), 844 in QEMU -icount
 * (a PIT clock is 838 ticks). Bare, a HLT that comes too early waits for the edge. */
#define SETTLE_LOOPS   4096

#define VARY_WHY "they follow the PIT clock's phase (hlt.c)" /* kept short: one serial line */

/* IRQ 0: acknowledge it (non-specific EOI), return after the HLT. */
__attribute__((interrupt)) static void timer_interrupt(struct interrupt_frame *frame)
{
    (void)frame;
    outb(PIC_MASTER_CMD, PIC_OCW2_EOI);
}

/* IRQ 7 with nothing in service (a request that went away before it was taken): no EOI. */
__attribute__((interrupt)) static void spurious_interrupt(struct interrupt_frame *frame)
{
    (void)frame;
}

static void loop_hlt(uint32_t n)
{
    __asm__ volatile(
        "1:\n\t"
        "movl %%edi, %%eax\n\t"
        "outb %%al, %[pit]\n\t"
        "movl %[settle], %%ecx\n"
        "2:\n\t"
        "decl %%ecx\n\t"
        "jnz 2b\n\t"
        "sti\n\t"
        "hlt\n\t"
        "cli\n\t"
        "decl %%esi\n\t"
        "jnz 1b"
        : "+S"(n)
        : "D"(ONE_SHOT_COUNT), [pit] "i"(PIT_CHANNEL0_PORT), [settle] "i"(SETTLE_LOOPS)
        : "eax", "ecx", "memory");
}

/* Gates for IRQ 0 and 7, the PIC at IDT_IRQ_BASE with only IRQ 0 open, channel 0 in
 * mode 4 waiting for its first count. */
static void timer_take(void)
{
    idt_set_handler(IDT_IRQ_BASE + PIC_IRQ_TIMER, timer_interrupt);
    idt_set_handler(IDT_IRQ_BASE + PIC_IRQ_SPURIOUS, spurious_interrupt);
    idt_load();
    pic_remap(IDT_IRQ_BASE, SLAVE_VECTORS); /* every IRQ masked */
    outb(PIT_CONTROL_PORT, PIT_SELECT_CHANNEL0 | PIT_ACCESS_LSB | PIT_MODE_STROBE | PIT_BINARY);
    pic_unmask(PIC_IRQ_TIMER);
}

static void timer_release(void)
{
    pic_set_mask(PIC_MASK_ALL);
    pit_stop();
}

bool hlt_run(const struct bench_env *env, uint32_t ops, unsigned batches)
{
    /* HC_YIELD came with interrupt delivery (ABI 1.1): without it nothing wakes a HLT. */
    if (env->hvlab && !(env->features & HV_FEATURE_YIELD)) {
        bench_not_available("hlt", "this hvlab delivers no interrupts (no HC_YIELD, ABI 1.0)");
        return true;
    }
    timer_take();
    bool agree = bench_batches_may_vary("hlt", loop_hlt, ops, batches, VARY_WHY);
    timer_release();
    return agree;
}
