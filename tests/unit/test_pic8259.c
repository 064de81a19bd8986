/*
 * test_pic8259.c - Host unit tests for the 8259A pair model (hypervisor/devices/pic8259.c).
 * See: Intel 8259A datasheet, "Programming the 8259A", "Interrupt Sequence", "End of
 * Interrupt".
 *
 * Most tests start from the PC's usual programming (what Linux and the BIOS write):
 * master vectors 0x20-0x27, slave 0x28-0x2F, cascade on IR2, 8086 mode, every IRQ
 * unmasked; then raise lines, read the vector, acknowledge and EOI like a guest would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/pic8259.h"

#define MASTER_CMD  PIC_MASTER_PORT
#define MASTER_DATA (PIC_MASTER_PORT + 1)
#define SLAVE_CMD   PIC_SLAVE_PORT
#define SLAVE_DATA  (PIC_SLAVE_PORT + 1)

#define MASTER_BASE  0x20u
#define SLAVE_BASE   0x28u
#define ICW1_PC      (PIC_ICW1_INIT | PIC_ICW1_IC4)
#define ICW3_MASTER  (1u << PIC_CASCADE_IRQ) /* a slave on IR2 */
#define ICW3_SLAVE   PIC_CASCADE_IRQ         /* slave identity 2 */
#define NO_INTERRUPT (-1)
#define UNMASK_ALL   0x00u
#define MASK_ALL     0xFFu

#define IRQ_TIMER    0u
#define IRQ_KEYBOARD 1u
#define IRQ_COM2     3u
#define IRQ_COM1     4u
#define IRQ_RTC      8u
#define IRQ_MOUSE    12u

static void init_chip(struct pic_pair *pic, uint16_t cmd, uint8_t base, uint8_t icw3,
                      uint8_t icw4)
{
    pic_port_write(pic, cmd, ICW1_PC);
    pic_port_write(pic, cmd + 1, base);
    pic_port_write(pic, cmd + 1, icw3);
    pic_port_write(pic, cmd + 1, icw4);
    pic_port_write(pic, cmd + 1, UNMASK_ALL);
}

static void init_pc(struct pic_pair *pic, uint8_t icw4)
{
    pic_reset(pic);
    init_chip(pic, MASTER_CMD, MASTER_BASE, ICW3_MASTER, icw4);
    init_chip(pic, SLAVE_CMD, SLAVE_BASE, ICW3_SLAVE, icw4);
}

/* A device's interrupt: one pulse on the line (the PIC latches the rising edge). */
static void pulse(struct pic_pair *pic, unsigned irq)
{
    pic_set_irq(pic, irq, true);
    pic_set_irq(pic, irq, false);
}

static void eoi(struct pic_pair *pic, uint16_t cmd)
{
    pic_port_write(pic, cmd, PIC_OCW2_NONSPECIFIC_EOI);
}

static uint8_t read_irr(struct pic_pair *pic, uint16_t cmd)
{
    pic_port_write(pic, cmd, PIC_OCW3_READ_IRR);
    return pic_port_read(pic, cmd);
}

static uint8_t read_isr(struct pic_pair *pic, uint16_t cmd)
{
    pic_port_write(pic, cmd, PIC_OCW3_READ_ISR);
    return pic_port_read(pic, cmd);
}

/* ---- power-on and initialisation ------------------------------------------------------ */

static void test_reset_masks_everything(void **state)
{
    (void)state;
    struct pic_pair pic;
    pic_reset(&pic);
    assert_int_equal(pic_port_read(&pic, MASTER_DATA), MASK_ALL);
    assert_int_equal(pic_port_read(&pic, SLAVE_DATA), MASK_ALL);
    pulse(&pic, IRQ_TIMER);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
}

static void test_init_sets_vector_base(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    assert_int_equal(pic.master.init_step, 0);
    assert_int_equal(pic.slave.init_step, 0);
    assert_int_equal(pic_port_read(&pic, MASTER_DATA), UNMASK_ALL); /* OCW1 after ICW4 */

    pulse(&pic, IRQ_KEYBOARD);
    assert_int_equal(pic_pending_vector(&pic), MASTER_BASE + IRQ_KEYBOARD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_KEYBOARD);
}

/* ICW2's low three bits are the chip's: the IR number goes there. */
static void test_icw2_low_bits_ignored(void **state)
{
    (void)state;
    struct pic_pair pic;
    pic_reset(&pic);
    init_chip(&pic, MASTER_CMD, MASTER_BASE | 0x5, ICW3_MASTER, PIC_ICW4_8086);
    assert_int_equal(pic.master.vector_base, MASTER_BASE);
}

/* Without IC4 there is no ICW4, and with SNGL no ICW3: the next data byte is OCW1. */
static void test_init_without_icw3_icw4(void **state)
{
    (void)state;
    struct pic_pair pic;
    pic_reset(&pic);
    pic_port_write(&pic, MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_SNGL);
    pic_port_write(&pic, MASTER_DATA, MASTER_BASE);
    assert_int_equal(pic.master.init_step, 0);
    pic_port_write(&pic, MASTER_DATA, 0xFE);
    assert_int_equal(pic_port_read(&pic, MASTER_DATA), 0xFE);

    /* Single mode: IR2 is an ordinary input answered by the master itself. */
    pic_port_write(&pic, MASTER_DATA, UNMASK_ALL);
    pic_port_write(&pic, SLAVE_DATA, UNMASK_ALL);
    pulse(&pic, IRQ_RTC);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + PIC_CASCADE_IRQ);
}

/* ICW1 clears IMR, ISR and IRR, and status reads go back to IRR. */
static void test_icw1_clears_state(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_TIMER);
    pulse(&pic, IRQ_COM1);
    pic_acknowledge(&pic);
    pic_port_write(&pic, MASTER_DATA, 0x0F);
    pic_port_write(&pic, MASTER_CMD, PIC_OCW3_READ_ISR);

    pic_port_write(&pic, MASTER_CMD, ICW1_PC);
    assert_int_equal(pic_port_read(&pic, MASTER_DATA), 0);
    assert_int_equal(pic_port_read(&pic, MASTER_CMD), 0); /* IRR, which is empty */
    assert_int_equal(pic.master.isr, 0);
}

/* ---- masking and priority ------------------------------------------------------------- */

static void test_mask_blocks_and_unmask_delivers(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pic_port_write(&pic, MASTER_DATA, 1u << IRQ_COM1);
    pulse(&pic, IRQ_COM1);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    assert_int_equal(read_irr(&pic, MASTER_CMD), 1u << IRQ_COM1); /* latched all the same */
    pic_port_write(&pic, MASTER_DATA, UNMASK_ALL);
    assert_int_equal(pic_pending_vector(&pic), MASTER_BASE + IRQ_COM1);
}

static void test_ir0_beats_ir3(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_COM2);
    pulse(&pic, IRQ_TIMER);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_TIMER);
    eoi(&pic, MASTER_CMD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM2);
}

/* Fully nested: an IR in service blocks itself and lower levels; a higher one preempts. */
static void test_in_service_blocks_lower_higher_preempts(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_COM2);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM2);

    pulse(&pic, IRQ_COM1); /* lower: waits */
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    pulse(&pic, IRQ_COM2); /* the same level: waits too */
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    pulse(&pic, IRQ_KEYBOARD); /* higher: preempts */
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_KEYBOARD);
    assert_int_equal(read_isr(&pic, MASTER_CMD), (1u << IRQ_KEYBOARD) | (1u << IRQ_COM2));

    eoi(&pic, MASTER_CMD); /* ends IR1, the highest in service */
    assert_int_equal(read_isr(&pic, MASTER_CMD), 1u << IRQ_COM2);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    eoi(&pic, MASTER_CMD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM2);
    eoi(&pic, MASTER_CMD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM1);
}

/* ---- EOI ------------------------------------------------------------------------------ */

static void test_specific_eoi(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_COM2);
    pic_acknowledge(&pic);
    pulse(&pic, IRQ_KEYBOARD);
    pic_acknowledge(&pic);
    assert_int_equal(read_isr(&pic, MASTER_CMD), (1u << IRQ_KEYBOARD) | (1u << IRQ_COM2));

    /* A specific EOI ends the named level, not the highest one. */
    pic_port_write(&pic, MASTER_CMD, PIC_OCW2_SPECIFIC_EOI | IRQ_COM2);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 1u << IRQ_KEYBOARD);
    pic_port_write(&pic, MASTER_CMD, PIC_OCW2_SPECIFIC_EOI | IRQ_KEYBOARD);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 0);
}

/* An OCW2 without the EOI bit (e.g. "rotate in AEOI mode") leaves ISR alone. */
static void test_ocw2_without_eoi_bit(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_TIMER);
    pic_acknowledge(&pic);
    pic_port_write(&pic, MASTER_CMD, PIC_OCW2_R);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 1u << IRQ_TIMER);
}

static void test_auto_eoi(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086 | PIC_ICW4_AEOI);
    pulse(&pic, IRQ_COM1);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM1);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 0);
    /* Nothing in service: the same level is taken again without an EOI. */
    pulse(&pic, IRQ_COM1);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM1);
}

/* ---- cascade -------------------------------------------------------------------------- */

static void test_cascade_through_ir2(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_MOUSE);
    assert_int_equal(read_irr(&pic, MASTER_CMD), 1u << PIC_CASCADE_IRQ);
    assert_int_equal(pic_pending_vector(&pic), SLAVE_BASE + IRQ_MOUSE - PIC_CHIP_IRQS);
    assert_int_equal(pic_acknowledge(&pic), SLAVE_BASE + IRQ_MOUSE - PIC_CHIP_IRQS);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 1u << PIC_CASCADE_IRQ);
    assert_int_equal(read_isr(&pic, SLAVE_CMD), 1u << (IRQ_MOUSE - PIC_CHIP_IRQS));

    /* Master IR1 is above the cascade and preempts; master IR3 waits. */
    pulse(&pic, IRQ_COM2);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    pulse(&pic, IRQ_KEYBOARD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_KEYBOARD);
    eoi(&pic, MASTER_CMD);

    /* The guest's EOI to both chips ends the slave interrupt. */
    eoi(&pic, SLAVE_CMD);
    eoi(&pic, MASTER_CMD);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM2);
}

/* Two slave requests: the second is delivered after the EOIs, through a new IR2 edge. */
static void test_cascade_second_slave_request(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_MOUSE);
    pulse(&pic, IRQ_RTC);
    assert_int_equal(pic_acknowledge(&pic), SLAVE_BASE + IRQ_RTC - PIC_CHIP_IRQS);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    eoi(&pic, SLAVE_CMD);
    eoi(&pic, MASTER_CMD);
    assert_int_equal(pic_acknowledge(&pic), SLAVE_BASE + IRQ_MOUSE - PIC_CHIP_IRQS);
}

static void test_slave_mask(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pic_port_write(&pic, SLAVE_DATA, 1u << (IRQ_RTC - PIC_CHIP_IRQS));
    pulse(&pic, IRQ_RTC);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    assert_int_equal(read_irr(&pic, MASTER_CMD), 0);
    pic_port_write(&pic, SLAVE_DATA, UNMASK_ALL);
    assert_int_equal(pic_pending_vector(&pic), SLAVE_BASE + IRQ_RTC - PIC_CHIP_IRQS);
}

/* ---- spurious IR7, edge triggering ---------------------------------------------------- */

static void test_spurious_ir7(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + PIC_SPURIOUS_IR);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 0); /* a spurious IR7 sets no ISR bit */

    /* The slave's request vanishes (masked) after it raised IR2: the slave answers IR7,
     * and the master's cascade level is in service until the guest's EOI. */
    pulse(&pic, IRQ_RTC);
    pic_port_write(&pic, SLAVE_DATA, MASK_ALL);
    assert_int_equal(pic_pending_vector(&pic), SLAVE_BASE + PIC_SPURIOUS_IR);
    assert_int_equal(pic_acknowledge(&pic), SLAVE_BASE + PIC_SPURIOUS_IR);
    assert_int_equal(read_isr(&pic, SLAVE_CMD), 0);
    assert_int_equal(read_isr(&pic, MASTER_CMD), 1u << PIC_CASCADE_IRQ);
}

static void test_level_held_high_raises_once(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pic_set_irq(&pic, IRQ_COM1, true);
    assert_int_equal(pic_acknowledge(&pic), MASTER_BASE + IRQ_COM1);
    eoi(&pic, MASTER_CMD);
    pic_set_irq(&pic, IRQ_COM1, true); /* still high: no new edge */
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    pic_set_irq(&pic, IRQ_COM1, false);
    pic_set_irq(&pic, IRQ_COM1, true);
    assert_int_equal(pic_pending_vector(&pic), MASTER_BASE + IRQ_COM1);
}

/* The request stays latched after the line drops (a pulse is enough), and ICW1 resets the
 * edge sense: a line high across initialisation needs a new rising edge. */
static void test_edge_latched_and_reset_by_icw1(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, IRQ_TIMER);
    assert_int_equal(pic_pending_vector(&pic), MASTER_BASE + IRQ_TIMER);

    pic_set_irq(&pic, IRQ_COM1, true);
    init_chip(&pic, MASTER_CMD, MASTER_BASE, ICW3_MASTER, PIC_ICW4_8086);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    pic_set_irq(&pic, IRQ_COM1, true);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
}

/* IRQ 2 is the cascade: no device may drive it; out-of-range IRQs are ignored. */
static void test_irq2_and_out_of_range_ignored(void **state)
{
    (void)state;
    struct pic_pair pic;
    init_pc(&pic, PIC_ICW4_8086);
    pulse(&pic, PIC_CASCADE_IRQ);
    pulse(&pic, PIC_IRQ_COUNT);
    assert_int_equal(pic_pending_vector(&pic), NO_INTERRUPT);
    assert_int_equal(read_irr(&pic, MASTER_CMD), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_masks_everything),
        cmocka_unit_test(test_init_sets_vector_base),
        cmocka_unit_test(test_icw2_low_bits_ignored),
        cmocka_unit_test(test_init_without_icw3_icw4),
        cmocka_unit_test(test_icw1_clears_state),
        cmocka_unit_test(test_mask_blocks_and_unmask_delivers),
        cmocka_unit_test(test_ir0_beats_ir3),
        cmocka_unit_test(test_in_service_blocks_lower_higher_preempts),
        cmocka_unit_test(test_specific_eoi),
        cmocka_unit_test(test_ocw2_without_eoi_bit),
        cmocka_unit_test(test_auto_eoi),
        cmocka_unit_test(test_cascade_through_ir2),
        cmocka_unit_test(test_cascade_second_slave_request),
        cmocka_unit_test(test_slave_mask),
        cmocka_unit_test(test_spurious_ir7),
        cmocka_unit_test(test_level_held_high_raises_once),
        cmocka_unit_test(test_edge_latched_and_reset_by_icw1),
        cmocka_unit_test(test_irq2_and_out_of_range_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
