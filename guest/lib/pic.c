/*
 * pic.c - program the 8259A pair (see pic.h for the register names).
 *
 * See: Intel 8259A datasheet (order no. 231468), "Initialization Command Words",
 *      "Operation Command Words".
 */
#include "pic.h"

#include "io.h"

#define PIC_SLAVE_FIRST_IRQ 8 /* IRQ 8-15 sit on the slave */

/* ICW1-ICW4 on both chips, every IRQ masked at the end. */
void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    outb(PIC_MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_IC4);
    outb(PIC_SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_IC4);
    outb(PIC_MASTER_DATA, master_base); /* ICW2: vector of IR0 */
    outb(PIC_SLAVE_DATA, slave_base);
    outb(PIC_MASTER_DATA, PIC_ICW3_MASTER); /* ICW3: the slave hangs on IR2 */
    outb(PIC_SLAVE_DATA, PIC_ICW3_SLAVE);
    outb(PIC_MASTER_DATA, PIC_ICW4_8086); /* ICW4 */
    outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
    pic_set_mask(PIC_MASK_ALL);
    outb(PIC_MASTER_CMD, PIC_OCW3_READ_IRR);
    outb(PIC_SLAVE_CMD, PIC_OCW3_READ_IRR);
}

void pic_set_mask(uint16_t mask)
{
    outb(PIC_MASTER_DATA, mask & 0xFF);
    outb(PIC_SLAVE_DATA, mask >> 8);
}

uint16_t pic_get_mask(void)
{
    return inb(PIC_MASTER_DATA) | (uint16_t)(inb(PIC_SLAVE_DATA) << 8);
}

void pic_unmask(unsigned irq)
{
    uint16_t mask = pic_get_mask() & ~(1u << irq);

    if (irq >= PIC_SLAVE_FIRST_IRQ)
        mask &= ~(1u << PIC_IRQ_CASCADE);
    pic_set_mask(mask);
}

void pic_mask(unsigned irq) { pic_set_mask(pic_get_mask() | (1u << irq)); }

/* OCW3 selects the register, the command port returns it; leave both reading IRR. */
static uint16_t read_status(uint8_t ocw3)
{
    outb(PIC_MASTER_CMD, ocw3);
    outb(PIC_SLAVE_CMD, ocw3);
    uint16_t value = inb(PIC_MASTER_CMD) | (uint16_t)(inb(PIC_SLAVE_CMD) << 8);
    outb(PIC_MASTER_CMD, PIC_OCW3_READ_IRR);
    outb(PIC_SLAVE_CMD, PIC_OCW3_READ_IRR);
    return value;
}

uint16_t pic_read_irr(void) { return read_status(PIC_OCW3_READ_IRR); }

uint16_t pic_read_isr(void) { return read_status(PIC_OCW3_READ_ISR); }

void pic_eoi(unsigned irq)
{
    if (irq >= PIC_SLAVE_FIRST_IRQ)
        outb(PIC_SLAVE_CMD, PIC_OCW2_EOI);
    outb(PIC_MASTER_CMD, PIC_OCW2_EOI);
}
