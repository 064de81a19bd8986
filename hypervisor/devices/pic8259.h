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
#define PIC_CHIP_IRQS   8u /* IR0-IR7 per chip */
#define PIC_SPURIOUS_IR 7u /* INTA with nothing requested answers with IR7's vector */

/* Command words. See: 8259A datasheet, "Initialization Command Words" and "Operation
 * Command Words" (bit layouts).
 *
 *   command port (+0): ICW1 (bit 4 = 1) | OCW2 (bits 4:3 = 00) | OCW3 (bits 4:3 = 01)
 *   data port (+1):    ICW2, [ICW3 unless SNGL], [ICW4 if IC4] after ICW1; then OCW1 (IMR)
 *
 *   ICW1: 0 0 0 1 LTIM ADI SNGL IC4     OCW2: R SL EOI 0 0 L2 L1 L0
 *   ICW4: 0 0 0 SFNM BUF M/S AEOI uPM   OCW3: 0 ESMM SMM 0 1 P RR RIS
 */
#define PIC_ICW1_IC4             0x01u /* ICW4 follows */
#define PIC_ICW1_SNGL            0x02u /* single 8259A: no ICW3 */
#define PIC_ICW1_LTIM            0x08u /* level-triggered inputs (not modelled: always edge) */
#define PIC_ICW1_INIT            0x10u /* on the command port: this byte is ICW1 */
#define PIC_ICW2_VECTOR_MASK     0xF8u /* 8086 mode: T7-T3; the chip fills in the IR number */
#define PIC_ICW4_8086            0x01u /* uPM: 8086/8088 mode (the PC's) */
#define PIC_ICW4_AEOI            0x02u /* automatic EOI at the end of INTA */
#define PIC_OCW_SELECT_MASK      0x18u /* bits 4:3 of a command-port byte pick the word */
#define PIC_OCW2_SELECT          0x00u
#define PIC_OCW3_SELECT          0x08u
#define PIC_OCW2_LEVEL_MASK      0x07u /* L2-L0: the IR level of a specific command */
#define PIC_OCW2_EOI             0x20u /* end of interrupt */
#define PIC_OCW2_SL              0x40u /* specific: L2-L0 name the level */
#define PIC_OCW2_R               0x80u /* rotate (not modelled: IR0 stays highest) */
#define PIC_OCW2_NONSPECIFIC_EOI PIC_OCW2_EOI
#define PIC_OCW2_SPECIFIC_EOI    (PIC_OCW2_SL | PIC_OCW2_EOI) /* | level */
#define PIC_OCW3_RIS             0x01u                        /* with RR: read ISR, else IRR */
#define PIC_OCW3_RR              0x02u                        /* read-register command */
#define PIC_OCW3_READ_IRR        (PIC_OCW3_SELECT | PIC_OCW3_RR)
#define PIC_OCW3_READ_ISR        (PIC_OCW3_SELECT | PIC_OCW3_RR | PIC_OCW3_RIS)

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
