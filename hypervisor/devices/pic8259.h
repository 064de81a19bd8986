/*
 * pic8259.h - the PC's pair of 8259A programmable interrupt controllers, as a guest sees
 * them: master at ports 0x20-0x21 (IRQ 0-7), slave at 0xA0-0xA1 (IRQ 8-15) cascaded on the
 * master's IRQ 2. Edge-triggered inputs, ICW1-ICW4 initialisation, OCW1 masks, OCW2
 * (specific and non-specific) EOI, OCW3 IRR/ISR reads, auto-EOI, fully nested priority.
 *
 * The model is pure state: devices raise lines with pic_set_irq(); before each VM entry
 * the core asks pic_pending_vector() and, when the guest can take it, pic_acknowledge()
 * (the INTA cycle) for the vector to inject.
 * See: Intel 8259A datasheet (order no. 231468), "Programming the 8259A" (ICWs, OCWs).
 */
#ifndef HVLAB_DEVICES_PIC8259_H
#define HVLAB_DEVICES_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_PORT 0x20u /* command (ICW1, OCW2, OCW3) at +0, data (ICW2-4, OCW1) at +1 */
#define PIC_SLAVE_PORT  0xA0u
#define PIC_PORT_COUNT  2u
#define PIC_IRQ_COUNT   16u
#define PIC_CASCADE_IRQ 2u /* the slave's INT output drives the master's IR2 */

/* One 8259A. */
struct pic8259 {
    uint8_t irr;         /* interrupt request register: edges seen, not yet acknowledged */
    uint8_t isr;         /* in-service register: acknowledged, not yet EOI'd */
    uint8_t imr;         /* interrupt mask register (OCW1) */
    uint8_t lines;       /* current input levels, to detect rising edges */
    uint8_t vector_base; /* ICW2: vector of IR0 (low 3 bits are zero) */
    uint8_t init_step;   /* 0: initialised; 2, 3, 4: the next byte is that ICW */
    bool icw4_expected;  /* ICW1.IC4 */
    bool single;         /* ICW1.SNGL: no cascade (ICW3 is skipped) */
    bool auto_eoi;       /* ICW4.AEOI */
    bool read_isr;       /* OCW3: the command port reads ISR (else IRR) */
};

struct pic_pair {
    struct pic8259 master, slave;
};

/* Power-on state: both chips uninitialised, every IRQ masked. */
void pic_reset(struct pic_pair *pic);

/* Drive input line irq (0-15) to `level`; a 0 -> 1 edge sets the IRR bit. */
void pic_set_irq(struct pic_pair *pic, unsigned irq, bool level);

/* The vector the CPU would receive now (an unmasked request with priority over everything
 * in service, through the cascade), or -1 if the INT line is low. Changes nothing. */
int pic_pending_vector(const struct pic_pair *pic);

/* The INTA cycle: returns the vector of the highest-priority request and moves it from IRR
 * to ISR (unless auto-EOI). With no request, the spurious vector (IR7 of that chip). */
uint8_t pic_acknowledge(struct pic_pair *pic);

/* Guest port access: `port` is one of 0x20, 0x21, 0xA0, 0xA1. */
uint8_t pic_port_read(struct pic_pair *pic, uint16_t port);
void pic_port_write(struct pic_pair *pic, uint16_t port, uint8_t value);

#endif
