/*
 * io_apic.c - one I/O APIC as pure state (see io_apic.h).
 *
 *   pin level --polarity--> asserted? --edge: latch on assertion / level: while held-->
 *     unmasked and (edge latched | level without remote IRR) = message waiting (DELIVS)
 *     --io_apic_next_message--> sent: edge latch cleared / level remote IRR set
 *     --io_apic_eoi(vector)--> remote IRR cleared
 *
 * What is modelled: IOREGSEL/IOWIN, IOAPICID (writable), IOAPICVER (0x11, 24 entries),
 * IOAPICARB (= ID), the redirection table with read-only DELIVS and remote IRR, edge and
 * level triggering, polarity, masking, EOI by vector, and destination matching as a helper.
 * Not modelled: the APIC bus, its rotating arbitration (IOAPICARB just follows the ID) and
 * message timing (a message waits only until the core takes it), which a one-vCPU VM
 * cannot observe; lowest-priority choice among several local APICs (the caller's); the
 * version 0x20 chips' EOI register, pin assertion register and extended destination ID
 * (this is a version 0x11 chip, which has none). A write that flips an entry's polarity
 * changes what counts as asserted but is not itself an edge.
 * See: Intel 82093AA datasheet (order no. 290566-001), "Register Description",
 * "IOREDTBL[23:0]".
 */
#include "hypervisor/devices/io_apic.h"

static uint32_t pin_bit(unsigned pin) { return 1u << pin; }

static uint8_t entry_delivery_mode(uint64_t entry)
{
    return (uint8_t)((entry & IO_APIC_RTE_DELMODE_MASK) >> IO_APIC_RTE_DELMODE_SHIFT);
}

/* Level semantics only for fixed and lowest priority: the other modes are edge-only (see
 * enum io_apic_delivery_mode). */
static bool entry_level(uint64_t entry)
{
    uint8_t mode = entry_delivery_mode(entry);
    bool level_capable =
        mode == IO_APIC_DELIVERY_FIXED || mode == IO_APIC_DELIVERY_LOWEST_PRIORITY;
    return level_capable && (entry & IO_APIC_RTE_LEVEL);
}

static bool entry_masked(uint64_t entry) { return (entry & IO_APIC_RTE_MASKED) != 0; }

/* The pin's input is active: high, or low for an active-low entry (INTPOL). */
static bool pin_asserted(const struct io_apic *ioapic, unsigned pin)
{
    bool high = (ioapic->lines & pin_bit(pin)) != 0;
    bool active_low = (ioapic->redirect[pin] & IO_APIC_RTE_ACTIVE_LOW) != 0;
    return high != active_low;
}

/* A message waits on this pin: what DELIVS reports and io_apic_next_message sends. */
static bool pin_wants_delivery(const struct io_apic *ioapic, unsigned pin)
{
    uint64_t entry = ioapic->redirect[pin];
    if (entry_masked(entry))
        return false;
    if (entry_level(entry))
        return pin_asserted(ioapic, pin) && !(entry & IO_APIC_RTE_REMOTE_IRR);
    return (ioapic->edge_pending & pin_bit(pin)) != 0;
}

void io_apic_reset(struct io_apic *ioapic)
{
    *ioapic = (struct io_apic){0};
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        ioapic->redirect[pin] = IO_APIC_RTE_RESET;
}

static bool is_redirection(uint8_t index)
{
    return index >= IO_APIC_REG_REDTBL && index < IO_APIC_REG_REDTBL_END;
}
static unsigned redirection_pin(uint8_t index) { return (index - IO_APIC_REG_REDTBL) / 2u; }
static bool redirection_high(uint8_t index) { return ((index - IO_APIC_REG_REDTBL) & 1u) != 0; }

static uint32_t id_register(const struct io_apic *ioapic)
{
    return (uint32_t)ioapic->id << IO_APIC_ID_SHIFT;
}

/* The indirect register IOREGSEL selects, as IOWIN reads it. */
static uint32_t read_register(const struct io_apic *ioapic)
{
    uint8_t index = ioapic->index;
    if (index == IO_APIC_REG_ID || index == IO_APIC_REG_ARB)
        return id_register(ioapic);
    if (index == IO_APIC_REG_VER)
        return IO_APIC_VER_VALUE;
    if (!is_redirection(index))
        return 0;
    unsigned pin = redirection_pin(index);
    uint64_t entry = ioapic->redirect[pin];
    if (pin_wants_delivery(ioapic, pin))
        entry |= IO_APIC_RTE_DELIVS;
    return (uint32_t)(redirection_high(index) ? entry >> IO_APIC_DWORD_BITS : entry);
}

/* One half of an entry: writable bits take the value, DELIVS and remote IRR are read-only,
 * reserved bits stay 0. Remote IRR is undefined for edge entries and cleared when one is
 * made edge -- the 82093AA-era way to unstick it (Linux's "switch to edge and back"). A
 * masked or level entry drops an edge latched earlier: nothing is held for a masked pin. */
static void write_redirection(struct io_apic *ioapic, uint8_t index, uint32_t value)
{
    unsigned pin = redirection_pin(index);
    uint64_t old = ioapic->redirect[pin];
    uint64_t entry;
    if (redirection_high(index))
        entry = (old & UINT32_MAX) | ((uint64_t)value << IO_APIC_DWORD_BITS);
    else
        entry = (old & ~(uint64_t)UINT32_MAX) | value;
    entry = (entry & IO_APIC_RTE_WRITABLE) | (old & IO_APIC_RTE_REMOTE_IRR);
    if (!entry_level(entry))
        entry &= ~IO_APIC_RTE_REMOTE_IRR;
    if (entry_masked(entry) || entry_level(entry))
        ioapic->edge_pending &= ~pin_bit(pin);
    ioapic->redirect[pin] = entry;
}

static void write_register(struct io_apic *ioapic, uint32_t value)
{
    uint8_t index = ioapic->index;
    if (index == IO_APIC_REG_ID)
        ioapic->id = (uint8_t)((value >> IO_APIC_ID_SHIFT) & IO_APIC_ID_MASK);
    else if (is_redirection(index))
        write_redirection(ioapic, index, value);
    /* IOAPICVER, IOAPICARB and unnamed indexes are read-only or nothing: ignored. */
}

uint32_t io_apic_read(const struct io_apic *ioapic, uint64_t offset)
{
    if (offset == IO_APIC_IOREGSEL)
        return ioapic->index;
    if (offset == IO_APIC_IOWIN)
        return read_register(ioapic);
    return 0;
}

void io_apic_write(struct io_apic *ioapic, uint64_t offset, uint32_t value)
{
    if (offset == IO_APIC_IOREGSEL)
        ioapic->index = (uint8_t)(value & IO_APIC_IOREGSEL_INDEX_MASK);
    else if (offset == IO_APIC_IOWIN)
        write_register(ioapic, value);
}

void io_apic_set_irq(struct io_apic *ioapic, unsigned pin, bool level)
{
    if (pin >= IO_APIC_PINS)
        return;
    bool was_asserted = pin_asserted(ioapic, pin);
    if (level)
        ioapic->lines |= pin_bit(pin);
    else
        ioapic->lines &= ~pin_bit(pin);
    uint64_t entry = ioapic->redirect[pin];
    /* Edge: latch the assertion edge, unless masked ("not delivered or held pending").
     * Level needs no latch: pin_wants_delivery reads the line itself. */
    if (!entry_level(entry) && !entry_masked(entry) && !was_asserted &&
        pin_asserted(ioapic, pin))
        ioapic->edge_pending |= pin_bit(pin);
}

bool io_apic_has_message(const struct io_apic *ioapic)
{
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        if (pin_wants_delivery(ioapic, pin))
            return true;
    return false;
}

bool io_apic_next_message(struct io_apic *ioapic, struct io_apic_msg *msg)
{
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++) {
        if (!pin_wants_delivery(ioapic, pin))
            continue;
        uint64_t entry = ioapic->redirect[pin];
        *msg = (struct io_apic_msg){
            .pin = (uint8_t)pin,
            .vector = (uint8_t)(entry & IO_APIC_RTE_VECTOR_MASK),
            .delivery_mode = entry_delivery_mode(entry),
            .destination = (uint8_t)(entry >> IO_APIC_RTE_DEST_SHIFT),
            .logical = (entry & IO_APIC_RTE_DEST_LOGICAL) != 0,
            .level = entry_level(entry),
        };
        if (msg->level)
            ioapic->redirect[pin] |= IO_APIC_RTE_REMOTE_IRR;
        else
            ioapic->edge_pending &= ~pin_bit(pin);
        return true;
    }
    return false;
}

void io_apic_eoi(struct io_apic *ioapic, uint8_t vector)
{
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++) {
        uint64_t entry = ioapic->redirect[pin];
        if (entry_level(entry) && (entry & IO_APIC_RTE_VECTOR_MASK) == vector)
            ioapic->redirect[pin] = entry & ~IO_APIC_RTE_REMOTE_IRR;
    }
}

/* Logical destination: an all-ones MDA is a broadcast; flat compares the MDA with the 8-bit
 * logical ID as bit sets; cluster needs the same cluster and a common member bit. See:
 * SDM Vol. 3A, "Logical Destination Mode" (flat model, cluster model). */
static bool logical_match(uint8_t mda, uint32_t ldr, uint32_t dfr)
{
    uint8_t logical_id = (uint8_t)(ldr >> IO_APIC_LDR_ID_SHIFT);
    if (mda == IO_APIC_LOGICAL_BROADCAST)
        return true;
    if ((dfr >> IO_APIC_DFR_MODEL_SHIFT) == IO_APIC_DFR_MODEL_FLAT)
        return (mda & logical_id) != 0;
    bool same_cluster = (mda >> IO_APIC_CLUSTER_SHIFT) == (logical_id >> IO_APIC_CLUSTER_SHIFT);
    return same_cluster && (mda & logical_id & IO_APIC_CLUSTER_MEMBERS) != 0;
}

bool io_apic_targets_apic(const struct io_apic_msg *msg, uint8_t apic_id, uint32_t ldr,
                          uint32_t dfr)
{
    if (msg->logical)
        return logical_match(msg->destination, ldr, dfr);
    return msg->destination == apic_id || msg->destination == IO_APIC_PHYSICAL_BROADCAST;
}

int io_apic_isa_irq_pin(unsigned isa_irq)
{
    if (isa_irq == IO_APIC_PIT_ISA_IRQ)
        return IO_APIC_PIT_PIN;
    if (isa_irq == IO_APIC_PIT_PIN || isa_irq >= IO_APIC_ISA_IRQS)
        return IO_APIC_NO_PIN; /* IRQ 2 is the cascade: pin 2 is the PIT's */
    return (int)isa_irq;
}
