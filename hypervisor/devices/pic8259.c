/*
 * pic8259.c - the PC's two 8259A interrupt controllers as pure state (see pic8259.h).
 *
 *   IRQ 0-7  --> master IR0-7 --INT--> CPU (pic_pending_vector / pic_acknowledge)
 *   IRQ 8-15 --> slave IR0-7 --INT--> master IR2
 *
 * What is modelled: edge-triggered inputs, the ICW1-ICW4 sequence, OCW1 masks,
 * non-specific and specific EOI, auto-EOI, OCW3 IRR/ISR reads, fully nested priority
 * (IR0 highest) and the spurious IR7 answer. Not modelled, because the PC's guests do not
 * need them: level-triggered mode (LTIM), rotation, special mask mode, poll command,
 * buffered mode and special fully nested mode; the cascade wiring is fixed (ICW3 is
 * accepted and ignored).
 * See: Intel 8259A datasheet (order no. 231468), "Programming the 8259A",
 * "Interrupt Sequence", "Fully Nested Mode", "End of Interrupt".
 */
#include "hypervisor/devices/pic8259.h"

/* The next data-port byte during initialisation; 0 once the sequence is done. */
#define INIT_DONE 0u
#define INIT_ICW2 2u
#define INIT_ICW3 3u
#define INIT_ICW4 4u

#define ALL_MASKED 0xFFu
#define NONE       (-1)

/* The lowest set bit's number (bit 0 = IR0, the highest priority), or NONE. */
static int highest_priority(uint8_t bits)
{
    for (unsigned ir = 0; ir < PIC_CHIP_IRQS; ir++)
        if (bits & (1u << ir))
            return (int)ir;
    return NONE;
}

/* The IR this chip would raise INT for: an unmasked request with priority above every
 * level in service (fully nested mode: an in-service level blocks itself and lower ones). */
static int chip_request(const struct pic8259 *chip)
{
    int request = highest_priority(chip->irr & (uint8_t)~chip->imr);
    int in_service = highest_priority(chip->isr);
    if (request == NONE || (in_service != NONE && request >= in_service))
        return NONE;
    return request;
}

/* Drive one IR input; a 0 -> 1 transition latches the request in IRR (edge-triggered:
 * the request stays latched after the line drops, until INTA or a new ICW1). */
static void chip_set_line(struct pic8259 *chip, unsigned ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (level && !(chip->lines & bit))
        chip->irr |= bit;
    if (level)
        chip->lines |= bit;
    else
        chip->lines &= (uint8_t)~bit;
}

/* The slave's INT output is the master's IR2 input: recompute it after anything that can
 * change the slave's request. */
static void update_cascade(struct pic_pair *pic)
{
    chip_set_line(&pic->master, PIC_CASCADE_IRQ, chip_request(&pic->slave) != NONE);
}

static bool cascades(const struct pic_pair *pic) { return !pic->master.single; }

static void chip_reset(struct pic8259 *chip) { *chip = (struct pic8259){.imr = ALL_MASKED}; }

void pic_reset(struct pic_pair *pic)
{
    chip_reset(&pic->master);
    chip_reset(&pic->slave);
}

void pic_set_irq(struct pic_pair *pic, unsigned irq, bool level)
{
    /* IRQ 2 is the cascade on the PC: no device drives it, only the slave's INT. */
    if (irq >= PIC_IRQ_COUNT || irq == PIC_CASCADE_IRQ)
        return;
    if (irq < PIC_CHIP_IRQS) {
        chip_set_line(&pic->master, irq, level);
        return;
    }
    chip_set_line(&pic->slave, irq - PIC_CHIP_IRQS, level);
    update_cascade(pic);
}

int pic_pending_vector(const struct pic_pair *pic)
{
    int ir = chip_request(&pic->master);
    if (ir == NONE)
        return NONE;
    if ((unsigned)ir == PIC_CASCADE_IRQ && cascades(pic)) {
        /* The slave answers the INTA; if its request went away, it answers IR7. */
        int slave_ir = chip_request(&pic->slave);
        if (slave_ir == NONE)
            slave_ir = PIC_SPURIOUS_IR;
        return pic->slave.vector_base + slave_ir;
    }
    return pic->master.vector_base + ir;
}

/* One chip's part of the INTA cycle: IRR -> ISR (unless auto-EOI), and the vector. With
 * no request, IR7's vector and no ISR bit ("Interrupt Sequence": the default IR7). */
static uint8_t chip_acknowledge(struct pic8259 *chip, int ir)
{
    if (ir == NONE)
        return (uint8_t)(chip->vector_base + PIC_SPURIOUS_IR);
    uint8_t bit = (uint8_t)(1u << ir);
    chip->irr &= (uint8_t)~bit;
    if (!chip->auto_eoi)
        chip->isr |= bit;
    return (uint8_t)(chip->vector_base + ir);
}

uint8_t pic_acknowledge(struct pic_pair *pic)
{
    int ir = chip_request(&pic->master);
    uint8_t vector = chip_acknowledge(&pic->master, ir);
    if (ir != NONE && (unsigned)ir == PIC_CASCADE_IRQ && cascades(pic))
        vector = chip_acknowledge(&pic->slave, chip_request(&pic->slave));
    update_cascade(pic);
    return vector;
}

/* OCW2: only the EOI commands act; rotation and set-priority are not modelled. */
static void chip_ocw2(struct pic8259 *chip, uint8_t value)
{
    if (!(value & PIC_OCW2_EOI))
        return;
    if (value & PIC_OCW2_SL) {
        chip->isr &= (uint8_t) ~(1u << (value & PIC_OCW2_LEVEL_MASK));
        return;
    }
    /* Non-specific: the highest-priority level in service ends ("End of Interrupt"). */
    int ir = highest_priority(chip->isr);
    if (ir != NONE)
        chip->isr &= (uint8_t) ~(1u << ir);
}

/* ICW1 starts initialisation: the datasheet's reset list ("Initialization Command Words")
 * - edge sense reset, IMR cleared, status read = IRR, ICW4 functions zero without IC4.
 * Requests and in-service levels of the old programming are dropped too. */
static void chip_icw1(struct pic8259 *chip, uint8_t value)
{
    chip->irr = 0;
    chip->isr = 0;
    chip->imr = 0;
    chip->read_isr = false;
    chip->auto_eoi = false;
    chip->icw4_expected = (value & PIC_ICW1_IC4) != 0;
    chip->single = (value & PIC_ICW1_SNGL) != 0;
    chip->init_step = INIT_ICW2;
}

static void chip_write_command(struct pic8259 *chip, uint8_t value)
{
    if (value & PIC_ICW1_INIT) {
        chip_icw1(chip, value);
        return;
    }
    if ((value & PIC_OCW_SELECT_MASK) == PIC_OCW2_SELECT) {
        chip_ocw2(chip, value);
        return;
    }
    if ((value & PIC_OCW_SELECT_MASK) == PIC_OCW3_SELECT && (value & PIC_OCW3_RR))
        chip->read_isr = (value & PIC_OCW3_RIS) != 0;
}

/* The step after `step` in the ICW sequence, skipping ICW3 (SNGL) and ICW4 (no IC4). */
static uint8_t next_init_step(const struct pic8259 *chip, uint8_t step)
{
    if (step == INIT_ICW2 && !chip->single)
        return INIT_ICW3;
    if (step != INIT_ICW4 && chip->icw4_expected)
        return INIT_ICW4;
    return INIT_DONE;
}

static void chip_write_data(struct pic8259 *chip, uint8_t value)
{
    switch (chip->init_step) {
    case INIT_ICW2: chip->vector_base = value & PIC_ICW2_VECTOR_MASK; break;
    case INIT_ICW3: break; /* the PC's wiring is fixed: slave on IR2, identity 2 */
    case INIT_ICW4: chip->auto_eoi = (value & PIC_ICW4_AEOI) != 0; break;
    default: chip->imr = value; return; /* OCW1 */
    }
    chip->init_step = next_init_step(chip, chip->init_step);
}

static bool is_slave_port(uint16_t port) { return (port & ~1u) == PIC_SLAVE_PORT; }
static bool is_data_port(uint16_t port) { return (port & 1u) != 0; }

uint8_t pic_port_read(struct pic_pair *pic, uint16_t port)
{
    const struct pic8259 *chip = is_slave_port(port) ? &pic->slave : &pic->master;
    if (is_data_port(port))
        return chip->imr;
    return chip->read_isr ? chip->isr : chip->irr;
}

void pic_port_write(struct pic_pair *pic, uint16_t port, uint8_t value)
{
    struct pic8259 *chip = is_slave_port(port) ? &pic->slave : &pic->master;
    if (is_data_port(port))
        chip_write_data(chip, value);
    else
        chip_write_command(chip, value);
    update_cascade(pic); /* a slave mask, EOI or ICW1 can raise or drop its INT */
}
