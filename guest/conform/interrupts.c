/*
 * interrupts.c - the 8259A pair and interrupt delivery: remap and masks, IRR/ISR through
 * OCW3, masking and EOI with the PIT's IRQ 0, and the exact instruction boundary at which
 * a pending interrupt is taken after STI.
 *
 * The first check remaps the PIC (IRQ 0-7 -> 0x20-0x27, 8-15 -> 0x28-0x2F); every later
 * check that enables interrupts relies on it. Between checks every IRQ is masked and
 * IF = 0.
 *
 * See: Intel 8259A datasheet (order no. 231468), "Interrupt Sequence", "Interrupt Mask
 *      Register", "The End of Interrupt", "Reading the 8259A Status"; Intel SDM Vol. 2B,
 *      "STI—Set Interrupt Flag" (interrupts are recognised after the next instruction);
 *      Vol. 3A, "Masking Maskable Hardware Interrupts".
 */
#include "conform.h"
#include "pic.h"
#include "pit.h"

#define TEST_IMR      0x5AA5 /* slave 0x5A, master 0xA5 */
#define TICK_HZ       1000u
#define TICK_DIVISOR  PIT_DIVISOR(TICK_HZ)
#define PERIODS_MS    10u /* 10 PIT periods at 1000 Hz */
#define IRQ_WAIT_MS   CONFORM_EVENT_WAIT_MS
#define MERGE_PERIODS 5u /* periods IRQ 0 stays masked in check_pic_edges_merge */
#define SETTLE_EXITS  8u /* PIC reads (exits) that give a pending request time to arrive */
#define US_PER_MS     1000u
#define IRQ0_VECTOR   (CONFORM_PIC_MASTER_BASE + PIC_IRQ_TIMER)
#define IRQ0_BIT      (1u << PIC_IRQ_TIMER)
#define ONLY_IRQ0     (PIC_MASK_ALL & ~IRQ0_BIT)

/* ICW1-ICW4 to 0x20/0x28; OCW1 reads back on both chips; everything masked after. */
enum tap_outcome check_pic_remap_imr(void)
{
    pic_remap(CONFORM_PIC_MASTER_BASE, CONFORM_PIC_SLAVE_BASE);
    uint16_t after_init = pic_get_mask();
    pic_set_mask(TEST_IMR);
    uint16_t test = pic_get_mask();
    pic_set_mask(PIC_MASK_ALL);

    if (after_init != PIC_MASK_ALL)
        return tap_fail("IMR 0x%04x after pic_remap's OCW1 0xffff", after_init);
    if (test != TEST_IMR)
        return tap_fail("wrote IMR 0x%04x, read 0x%04x", TEST_IMR, test);
    return TAP_PASS;
}

/* OCW3 "read ISR": nothing in service right after initialisation. */
enum tap_outcome check_pic_isr_idle(void)
{
    uint16_t isr = pic_read_isr();

    if (isr != 0)
        return tap_fail("ISR 0x%04x, expected 0x0000", isr);
    return TAP_PASS;
}

/* PIT at 1000 Hz with IRQ 0 masked and IF = 1: no interrupt in 10 periods (or until the
 * request shows up, if later), but the request is latched in IRR (OCW3 "read IRR"): the
 * mask sits after IRR. */
enum tap_outcome check_pic_masked(void)
{
    pic_set_mask(PIC_MASK_ALL);
    pit_start_periodic(TICK_DIVISOR);
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    cpu_sti();
    clock_delay_us(PERIODS_MS * US_PER_MS);
    uint64_t deadline = clock_deadline(IRQ_WAIT_MS);
    uint16_t irr;
    while (!((irr = pic_read_irr()) & IRQ0_BIT) && !clock_expired(deadline))
        ;
    cpu_cli();
    uint32_t after = trap_irqs.count[PIC_IRQ_TIMER];

    if (after != before)
        return tap_fail("%u IRQ 0 delivered while masked", after - before);
    if (!(irr & IRQ0_BIT))
        return tap_fail("IRR 0x%04x after %u ms of PIT at %u Hz: bit 0 clear", irr,
                        PERIODS_MS + IRQ_WAIT_MS, TICK_HZ);
    return TAP_PASS;
}

/* IRQ 0 unmasked, IF = 1: delivered at vector 0x20 (the remapped base). */
enum tap_outcome check_pic_unmasked(void)
{
    pit_start_periodic(TICK_DIVISOR);
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    pic_set_mask(ONLY_IRQ0);
    cpu_sti();
    uint32_t after = wait_for_irq(PIC_IRQ_TIMER, before, IRQ_WAIT_MS);
    cpu_cli();
    pic_set_mask(PIC_MASK_ALL);

    if (after == before)
        return tap_fail("no IRQ 0 within %u ms (IRR 0x%04x, ISR 0x%04x)", IRQ_WAIT_MS,
                        pic_read_irr(), pic_read_isr());
    if (trap_irqs.last_vector != IRQ0_VECTOR)
        return tap_fail("vector 0x%02x, expected 0x%02x", trap_irqs.last_vector, IRQ0_VECTOR);
    return TAP_PASS;
}

/* The handler sends no EOI: IRQ 0 stays in service (ISR bit 0) and blocks the next
 * ticks, so exactly one IRQ 0 arrives in 10 periods. Leaves ISR bit 0 set. */
enum tap_outcome check_pic_no_eoi(void)
{
    pit_start_periodic(TICK_DIVISOR);
    trap_set_no_eoi(IRQ0_BIT);
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    pic_set_mask(ONLY_IRQ0);
    cpu_sti();
    uint32_t first = wait_for_irq(PIC_IRQ_TIMER, before, IRQ_WAIT_MS);
    clock_delay_us(PERIODS_MS * US_PER_MS);
    cpu_cli();
    uint32_t after = trap_irqs.count[PIC_IRQ_TIMER];
    uint16_t isr = pic_read_isr();
    pic_set_mask(PIC_MASK_ALL);
    trap_set_no_eoi(0);

    if (first == before)
        return tap_fail("no IRQ 0 within %u ms", IRQ_WAIT_MS);
    if (after - before != 1)
        return tap_fail("%u IRQ 0 in %u ms without EOI, expected 1", after - before,
                        PERIODS_MS);
    if (!(isr & IRQ0_BIT))
        return tap_fail("ISR 0x%04x without EOI: bit 0 clear", isr);
    return TAP_PASS;
}

/* A non-specific EOI clears ISR bit 0 and the next tick is delivered again. */
enum tap_outcome check_pic_eoi(void)
{
    pit_start_periodic(TICK_DIVISOR);
    pic_eoi(PIC_IRQ_TIMER);
    uint16_t isr = pic_read_isr();
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    pic_set_mask(ONLY_IRQ0);
    cpu_sti();
    uint32_t after = wait_for_irq(PIC_IRQ_TIMER, before, IRQ_WAIT_MS);
    cpu_cli();
    pic_set_mask(PIC_MASK_ALL);

    if (isr & IRQ0_BIT)
        return tap_fail("ISR 0x%04x after EOI: bit 0 still set", isr);
    if (after == before)
        return tap_fail("no IRQ 0 within %u ms after EOI", IRQ_WAIT_MS);
    return TAP_PASS;
}

/* With the PIT stopped first, no new request can come while the old one is taken. */
void drain_timer_request(void)
{
    pit_stop();
    pic_set_mask(ONLY_IRQ0);
    cpu_sti();
    for (unsigned i = 0; i < SETTLE_EXITS && (pic_read_irr() & IRQ0_BIT); i++)
        ;
    cpu_cli();
}

/*
 * The 8259A latches one edge per request: with IRQ 0 masked for several PIT periods the
 * edges merge into the one IRR bit, so unmasking delivers one tick. The PIT is stopped
 * before the unmask, so nothing may follow it: not a second latched edge, and no tick
 * hvlab might owe for edges it merged (docs/timer.md). Under hvlab, the merged edges are
 * counted lost (HC_TICKS_LOST).
 */
enum tap_outcome check_pic_edges_merge(void)
{
    drain_timer_request();
    pic_set_mask(PIC_MASK_ALL);
    bool counts = env.hvlab && (env.hv.features & HV_FEATURE_TICKS_LOST);
    uint64_t lost0 = counts ? hc_ticks_lost() : 0;
    pit_start_periodic(TICK_DIVISOR);
    uint64_t deadline = clock_deadline(IRQ_WAIT_MS);
    while (!(pic_read_irr() & IRQ0_BIT) && !clock_expired(deadline))
        ;
    clock_delay_us(MERGE_PERIODS * US_PER_MS); /* more edges, into the same request */
    pit_stop();
    uint16_t irr = pic_read_irr();
    uint64_t lost = counts ? hc_ticks_lost() - lost0 : 0;
    uint32_t before = trap_irqs.count[PIC_IRQ_TIMER];
    cpu_sti();
    pic_set_mask(ONLY_IRQ0);
    uint32_t first = wait_for_irq(PIC_IRQ_TIMER, before, IRQ_WAIT_MS);
    clock_delay_us(PERIODS_MS * US_PER_MS);
    for (unsigned i = 0; i < SETTLE_EXITS; i++)
        (void)pic_read_irr(); /* exits: hvlab would raise an owed tick at one of them */
    cpu_cli();
    uint32_t after = trap_irqs.count[PIC_IRQ_TIMER];
    pic_set_mask(PIC_MASK_ALL);

    if (!(irr & IRQ0_BIT))
        return tap_fail("IRR 0x%04x after %u masked periods: bit 0 clear", irr, MERGE_PERIODS);
    if (first == before)
        return tap_fail("no IRQ 0 within %u ms of the unmask", IRQ_WAIT_MS);
    if (after - before != 1)
        return tap_fail("%u IRQ 0 for edges merged while masked, PIT stopped: expected 1",
                        after - before);
    /* At least two edges came (the first, then MERGE_PERIODS periods): all but the one
     * in IRR are lost, and hvlab says so. */
    if (counts && lost == 0)
        return tap_fail("HC_TICKS_LOST counted no merged edge after %u masked periods",
                        MERGE_PERIODS);
    return TAP_PASS;
}

/*
 * IRQ 0 pending in IRR while IF = 0, then `sti; mov; nop`: STI's one-instruction shadow
 * lets the MOV run, and the interrupt is taken right before the NOP (the handler saw that
 * EIP), not later. Under hvlab: an interrupt-window exit (VT-x) or V_IRQ (AMD-V) must
 * inject it at that boundary. The PIT runs one-shot, so exactly one edge ever comes: one
 * interrupt and no more, however long the host takes (docs/timer.md).
 */
enum tap_outcome check_irq_after_sti_shadow(void)
{
    uint32_t before, in_shadow, after, boundary;

    drain_timer_request();
    pit_start_one_shot(TICK_DIVISOR);
    uint64_t deadline = clock_deadline(IRQ_WAIT_MS);
    while (!(pic_read_irr() & IRQ0_BIT) && !clock_expired(deadline))
        ;
    uint16_t irr = pic_read_irr();
    if (!(irr & IRQ0_BIT)) {
        pic_set_mask(PIC_MASK_ALL);
        return tap_fail("IRR 0x%04x: IRQ 0 not pending after %u ms", irr, IRQ_WAIT_MS);
    }
    __asm__ volatile("movl %[count], %[before]\n\t"
                     "sti\n\t"
                     "movl %[count], %[in_shadow]\n"
                     "1:\tnop\n\t"
                     "movl %[count], %[after]\n\t"
                     "cli\n\t"
                     "movl $1b, %[boundary]"
                     : [before] "=&r"(before), [in_shadow] "=&r"(in_shadow),
                       [after] "=&r"(after), [boundary] "=&r"(boundary)
                     : [count] "m"(trap_irqs.count[PIC_IRQ_TIMER])
                     : "memory");
    pic_set_mask(PIC_MASK_ALL);

    if (in_shadow != before)
        return tap_fail("interrupt taken inside STI's shadow (count %u -> %u)", before,
                        in_shadow);
    if (after != before + 1)
        return tap_fail("count %u -> %u across sti; mov; nop, expected +1", before, after);
    if (trap_irqs.last_eip != boundary)
        return tap_fail("interrupted eip 0x%08x, expected 0x%08x (right after the shadow)",
                        trap_irqs.last_eip, boundary);
    return TAP_PASS;
}
