/*
 * pic.c - mask the two 8259A PICs. Writing the interrupt mask register (OCW1) with all
 * ones blocks IRQ 0-15. See: Intel 8259A datasheet, "Operation Command Words" (OCW1).
 */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/io.h"

#define PIC_MASTER_DATA 0x21u /* OCW1 (interrupt mask) of the master PIC */
#define PIC_SLAVE_DATA  0xA1u /* OCW1 of the slave PIC */
#define PIC_MASK_ALL    0xFFu

void pic_mask_all(void)
{
    outb(PIC_MASTER_DATA, PIC_MASK_ALL);
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
}
