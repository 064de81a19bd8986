/*
 * apic_platform.c - the local APIC and the I/O APIC in the VM's platform: ISA lines into
 * I/O APIC pins, I/O APIC messages into the local APIC, its EOIs back, and which of the
 * APIC or the 8259 pair the CPU hears (see apic_platform.h).
 */
#include "hypervisor/apic_platform.h"

#include "hypervisor/virtual_platform.h"

#define BITS_PER_WORD 32u

void vplatform_apic_reset(struct virtual_platform *vp, uint64_t tsc_hz)
{
    /* Rounded to the nearest whole TSC ticks per APIC tick; a TSC slower than the nominal
     * rate drives the timer one tick per TSC tick. */
    uint64_t per_tick = (tsc_hz + VPLATFORM_APIC_TIMER_HZ / 2) / VPLATFORM_APIC_TIMER_HZ;
    struct local_apic_config config = {
        .apic_id = VPLATFORM_BSP_APIC_ID,
        .phys_addr_bits = 0, /* 52 until vplatform_apic_set_phys_bits */
        .tsc_per_apic_tick = per_tick ? per_tick : 1,
        .tsc_deadline = true, /* CPUID.01H:ECX[24] is reported (cpuid_policy.c) */
    };
    local_apic_init(&vp->lapic, &config);
    io_apic_reset(&vp->ioapic);
    vp->ioapic_dropped = 0;
}

void vplatform_apic_set_phys_bits(struct virtual_platform *vp, unsigned phys_addr_bits)
{
    struct local_apic_config config = vp->lapic.config;
    config.phys_addr_bits = phys_addr_bits;
    local_apic_init(&vp->lapic, &config);
}

void vplatform_apic_isa_irq(struct virtual_platform *vp, unsigned isa_irq, bool level)
{
    int pin = io_apic_isa_irq_pin(isa_irq);
    if (pin != IO_APIC_NO_PIN)
        io_apic_set_irq(&vp->ioapic, (unsigned)pin, level);
}

/* Every waiting message goes out: fixed and lowest-priority ones (one APIC is always the
 * lowest) to the local APIC if they name it; NMI, SMI, INIT and ExtINT messages are not
 * modelled and only counted. */
static void route_messages(struct virtual_platform *vp)
{
    struct io_apic_msg msg;
    while (io_apic_next_message(&vp->ioapic, &msg)) {
        if (!io_apic_targets_apic(&msg, VPLATFORM_BSP_APIC_ID, vp->lapic.ldr, vp->lapic.dfr))
            continue;
        if (msg.delivery_mode == IO_APIC_DELIVERY_FIXED ||
            msg.delivery_mode == IO_APIC_DELIVERY_LOWEST_PRIORITY)
            local_apic_accept(&vp->lapic, msg.vector, msg.level);
        else
            vp->ioapic_dropped++;
    }
}

void vplatform_apic_update(struct virtual_platform *vp, uint64_t tsc)
{
    local_apic_update(&vp->lapic, tsc);
    route_messages(vp);
}

/* The model's time is the guest TSC, which is the host's (no TSC offset). */
uint64_t vplatform_apic_deadline(const struct virtual_platform *vp)
{
    uint64_t due = local_apic_next_deadline(&vp->lapic);
    return due == LAPIC_NO_DEADLINE ? VPLATFORM_NO_DEADLINE : due;
}

static bool apic_accepts(const struct local_apic *apic)
{
    return local_apic_globally_enabled(apic) && (apic->svr & LAPIC_SVR_ENABLE);
}

static bool in_irr(const struct local_apic *apic, uint8_t vector)
{
    return (apic->irr[vector / BITS_PER_WORD] >> (vector % BITS_PER_WORD)) & 1u;
}

/* Does this 8259A hold input `ir` back: masked, or (blocked_too) already requested or in
 * service? */
static bool pic_input_closed(const struct pic8259 *chip, unsigned ir, bool blocked_too)
{
    uint8_t closed = blocked_too ? chip->imr | chip->irr | chip->isr : chip->imr;
    return (closed >> ir) & 1u;
}

bool vplatform_isa_irq_open(const struct virtual_platform *vp, unsigned irq, bool blocked_too)
{
    /* A slave IRQ (8-15) passes the slave's input and then the master's cascade input. */
    const struct pic8259 *master = &vp->pic.master;
    bool via_pic = false;
    if (irq < PIC_CHIP_IRQS)
        via_pic = !pic_input_closed(master, irq, blocked_too);
    else if (irq < PIC_IRQ_COUNT)
        via_pic = !pic_input_closed(&vp->pic.slave, irq - PIC_CHIP_IRQS, blocked_too) &&
                  !pic_input_closed(master, PIC_CASCADE_IRQ, blocked_too);
    via_pic = via_pic && local_apic_extint_open(&vp->lapic);

    int pin = io_apic_isa_irq_pin(irq);
    if (pin == IO_APIC_NO_PIN)
        return via_pic;
    uint64_t entry = vp->ioapic.redirect[pin];
    bool via_ioapic = !(entry & IO_APIC_RTE_MASKED) && apic_accepts(&vp->lapic);
    if (via_ioapic && blocked_too)
        via_ioapic = !in_irr(&vp->lapic, (uint8_t)(entry & IO_APIC_RTE_VECTOR_MASK)) &&
                     !(entry & IO_APIC_RTE_REMOTE_IRR);
    return via_pic || via_ioapic;
}

int vplatform_pending_vector(const struct virtual_platform *vp)
{
    int vector = local_apic_pending_vector(&vp->lapic);
    if (vector != LAPIC_NO_VECTOR)
        return vector;
    return local_apic_extint_open(&vp->lapic) ? pic_pending_vector(&vp->pic) : -1;
}

/* The same order as vplatform_pending_vector: the INTA cycle goes to whoever answered. */
uint8_t vplatform_acknowledge(struct virtual_platform *vp)
{
    if (local_apic_pending_vector(&vp->lapic) != LAPIC_NO_VECTOR)
        return local_apic_acknowledge(&vp->lapic);
    return pic_acknowledge(&vp->pic);
}

uint32_t vplatform_lapic_read(struct virtual_platform *vp, uint32_t offset, unsigned size,
                              uint64_t tsc)
{
    uint32_t value;
    local_apic_read(&vp->lapic, offset, size, tsc, &value); /* the value says it all */
    return value;
}

uint32_t vplatform_lapic_write(struct virtual_platform *vp, uint32_t offset, unsigned size,
                               uint32_t value, uint64_t tsc)
{
    struct lapic_effects effects;
    local_apic_write(&vp->lapic, offset, size, value, tsc, &effects);
    if (effects.level_eoi_vector != LAPIC_NO_VECTOR) {
        io_apic_eoi(&vp->ioapic, (uint8_t)effects.level_eoi_vector);
        route_messages(vp); /* a line still held is sent again */
    }
    vp->changed = true; /* TPR, EOI, a timer or an IPI: what is deliverable may differ */
    return effects.events;
}

bool vplatform_apic_msr_read(struct virtual_platform *vp, uint32_t msr, uint64_t tsc,
                             uint64_t *value)
{
    if (msr == LAPIC_BASE_MSR) {
        *value = local_apic_read_base(&vp->lapic);
        return true;
    }
    return msr == LAPIC_TSC_DEADLINE_MSR &&
           local_apic_read_tsc_deadline(&vp->lapic, tsc, value);
}

bool vplatform_apic_msr_write(struct virtual_platform *vp, uint32_t msr, uint64_t value,
                              uint64_t tsc)
{
    bool ok = false;
    if (msr == LAPIC_BASE_MSR)
        ok = local_apic_write_base(&vp->lapic, value) == LAPIC_OK;
    else if (msr == LAPIC_TSC_DEADLINE_MSR)
        ok = local_apic_write_tsc_deadline(&vp->lapic, value, tsc);
    vp->changed = true; /* enabling or disabling the APIC opens or closes ExtINT */
    return ok;
}
