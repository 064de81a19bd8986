/*
 * fake_platform.c - see fake_platform.h. The PIC and PIT are programmed through their
 * port functions, the way a guest does it, so the tests exercise the same paths.
 */
#include "tests/unit/fake_platform.h"

/* 8259A: ICW1 = init + ICW4 needed, ICW3 = cascade wiring, ICW4 = 8086 mode. 8254: control
 * word for counter 0, LSB then MSB, mode 2, binary. */
#define ICW1_INIT_ICW4       0x11u
#define ICW3_MASTER          0x04u /* the slave is on IR2 */
#define ICW3_SLAVE           0x02u /* this slave's cascade identity */
#define ICW4_8086            0x01u
#define PIT_CW_C0_LOHI_MODE2 0x34u
#define BYTE0(x)             ((uint8_t)(x))
#define BYTE1(x)             ((uint8_t)((x) >> 8))

uint64_t fake_tsc_now;
uint64_t fake_tsc_step;

uint64_t fake_read_tsc(void)
{
    uint64_t t = fake_tsc_now;
    fake_tsc_now += fake_tsc_step;
    return t;
}

void fake_platform_reset(struct virtual_platform *vp, uint64_t step)
{
    fake_tsc_now = 0;
    fake_tsc_step = 0;
    vplatform_reset(vp, fake_read_tsc, FAKE_TSC_HZ);
    fake_tsc_step = step;
}

void fake_pic_init(struct virtual_platform *vp, uint8_t master_mask, uint8_t slave_mask)
{
    struct pic_pair *pic = &vp->pic;
    pic_port_write(pic, PIC_MASTER_PORT, ICW1_INIT_ICW4);
    pic_port_write(pic, PIC_MASTER_PORT + 1, FAKE_PIC_MASTER_BASE);
    pic_port_write(pic, PIC_MASTER_PORT + 1, ICW3_MASTER);
    pic_port_write(pic, PIC_MASTER_PORT + 1, ICW4_8086);
    pic_port_write(pic, PIC_SLAVE_PORT, ICW1_INIT_ICW4);
    pic_port_write(pic, PIC_SLAVE_PORT + 1, FAKE_PIC_SLAVE_BASE);
    pic_port_write(pic, PIC_SLAVE_PORT + 1, ICW3_SLAVE);
    pic_port_write(pic, PIC_SLAVE_PORT + 1, ICW4_8086);
    pic_port_write(pic, PIC_MASTER_PORT + 1, master_mask);
    pic_port_write(pic, PIC_SLAVE_PORT + 1, slave_mask);
}

void fake_pit_periodic(struct virtual_platform *vp, uint16_t divisor)
{
    uint64_t now = vplatform_pit_clock(vp, fake_tsc_now);
    pit_port_write(&vp->pit, PIT_CONTROL_PORT, PIT_CW_C0_LOHI_MODE2, now);
    pit_port_write(&vp->pit, PIT_COUNTER0_PORT, BYTE0(divisor), now);
    pit_port_write(&vp->pit, PIT_COUNTER0_PORT, BYTE1(divisor), now);
}
