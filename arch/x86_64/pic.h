/*
 * pic.h - the legacy 8259A interrupt controllers, which hvlab keeps fully masked.
 */
#ifndef HVLAB_ARCH_PIC_H
#define HVLAB_ARCH_PIC_H

/* Mask every IRQ line of both 8259A PICs: hvlab polls and takes no interrupts. */
void pic_mask_all(void);

#endif
