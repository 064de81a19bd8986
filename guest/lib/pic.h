/*
 * pic.h - the PC's two 8259A programmable interrupt controllers (master IRQ 0-7, slave
 * IRQ 8-15 on the master's IRQ 2): initialisation, masks, IRR/ISR reads, EOI.
 *
 * After a BIOS the master's vectors are 0x08-0x0F, on top of the CPU exceptions; a
 * protected-mode kernel remaps them (ICW2) to IDT_IRQ_BASE (0x20) and 0x28.
 *
 * See: Intel 8259A datasheet (order no. 231468), "Programming the 8259A":
 *      "Initialization Command Words" (ICW1-ICW4), "Operation Command Words" (OCW1-OCW3),
 *      "The End of Interrupt" and "Reading the 8259A Status".
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#include <stdint.h>

#define PIC_MASTER_CMD  0x20 /* ICW1, OCW2, OCW3 (write); IRR or ISR (read) */
#define PIC_MASTER_DATA 0x21 /* ICW2-ICW4, then OCW1 = IMR (read and write) */
#define PIC_SLAVE_CMD   0xA0
#define PIC_SLAVE_DATA  0xA1

/* IRQ lines of the PC (IBM PC/AT wiring). */
#define PIC_IRQ_TIMER    0  /* PIT channel 0 */
#define PIC_IRQ_CASCADE  2  /* the slave's INT output */
#define PIC_IRQ_COM1     4  /* first serial port */
#define PIC_IRQ_SPURIOUS 7  /* the master's lowest level: where a spurious INTA lands */
#define PIC_IRQS         16 /* IRQ 0-15; a 16-bit mask: bit n = IRQ n */

#define PIC_MASK_ALL 0xFFFF /* OCW1 = 0xFF on both chips */

/* ICW1 (command port, bit 4 set): start initialisation. */
#define PIC_ICW1_IC4    (1 << 0) /* an ICW4 follows */
#define PIC_ICW1_INIT   (1 << 4) /* this byte is ICW1 */
/* ICW3: master: which IR inputs have a slave (bit mask); slave: its ID (the master IR). */
#define PIC_ICW3_MASTER (1 << PIC_IRQ_CASCADE)
#define PIC_ICW3_SLAVE  PIC_IRQ_CASCADE
/* ICW4. */
#define PIC_ICW4_8086   (1 << 0) /* uPM: 8086/8088 mode (vector from ICW2) */

/* OCW2 (command port, bits 4-3 = 00): end of interrupt. */
#define PIC_OCW2_EOI      (1 << 5) /* non-specific EOI: clear the highest ISR bit */
/* OCW3 (command port, bits 4-3 = 01): what the next command-port read returns. */
#define PIC_OCW3          (1 << 3)
#define PIC_OCW3_READ_IRR (PIC_OCW3 | 0x2) /* RR = 1, RIS = 0 */
#define PIC_OCW3_READ_ISR (PIC_OCW3 | 0x3) /* RR = 1, RIS = 1 */

/* ICW1-ICW4 on both chips: IRQ 0-7 at master_base, 8-15 at slave_base (multiples of 8),
 * cascade on IRQ 2, 8086 mode, normal EOI; leaves every IRQ masked and OCW3 reading IRR. */
void pic_remap(uint8_t master_base, uint8_t slave_base);

/* OCW1 on both chips: bit n of mask masks IRQ n. */
void pic_set_mask(uint16_t mask);
uint16_t pic_get_mask(void);

/* Unmask or mask one IRQ (an IRQ of the slave also unmasks the cascade). */
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);

/* OCW3 then a read of both command ports: IRR (requests seen) or ISR (in service). */
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);

/* Non-specific EOI for irq: to the slave too if irq is one of its lines. */
void pic_eoi(unsigned irq);

#endif /* GUEST_PIC_H */
