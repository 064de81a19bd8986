/*
 * test_io_apic.c - Host unit tests for the I/O APIC model (hypervisor/devices/io_apic.c).
 * See: Intel 82093AA datasheet, "Register Description", "IOREDTBL[23:0]"; SDM Vol. 3A,
 * "Logical Destination Mode"; ACPI, "Interrupt Source Override Structure".
 *
 * Tests program the chip the way a guest does, through IOREGSEL and IOWIN, drive pins as
 * devices would, and take the messages the core would hand to the local APIC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/io_apic.h"

#define PIN_KEYBOARD 1u
#define PIN_PIT      IO_APIC_PIT_PIN
#define PIN_COM1     4u
#define PIN_PCI_A    16u /* a PCI INTx line: level, active low */
#define PIN_LAST     (IO_APIC_PINS - 1u)

#define VECTOR_A 0x30u
#define VECTOR_B 0x41u
#define VECTOR_C 0x52u

#define DWORD_LOW(v)  ((uint32_t)(v))
#define DWORD_HIGH(v) ((uint32_t)((v) >> IO_APIC_DWORD_BITS))
#define DEST(id)      ((uint64_t)(id) << IO_APIC_RTE_DEST_SHIFT)
#define MODE(m)       ((uint64_t)(m) << IO_APIC_RTE_DELMODE_SHIFT)
#define LOW_RESERVED  0xFFFE0000u /* entry bits 31:17 */

/* Fixed delivery to physical APIC 0, unmasked: the usual entry for one CPU. */
#define EDGE(vector)  ((uint64_t)(vector))
#define LEVEL(vector) ((uint64_t)(vector) | IO_APIC_RTE_LEVEL)

static uint32_t reg_read(struct io_apic *io, uint8_t index)
{
    io_apic_write(io, IO_APIC_IOREGSEL, index);
    return io_apic_read(io, IO_APIC_IOWIN);
}

static void reg_write(struct io_apic *io, uint8_t index, uint32_t value)
{
    io_apic_write(io, IO_APIC_IOREGSEL, index);
    io_apic_write(io, IO_APIC_IOWIN, value);
}

static uint8_t rte_index(unsigned pin) { return (uint8_t)(IO_APIC_REG_REDTBL + 2u * pin); }

static uint64_t rte_read(struct io_apic *io, unsigned pin)
{
    uint64_t low = reg_read(io, rte_index(pin));
    uint64_t high = reg_read(io, rte_index(pin) + 1u);
    return (high << IO_APIC_DWORD_BITS) | low;
}

/* High half first, then the low half with the mask bit, as Linux programs an entry. */
static void rte_write(struct io_apic *io, unsigned pin, uint64_t entry)
{
    reg_write(io, rte_index(pin) + 1u, DWORD_HIGH(entry));
    reg_write(io, rte_index(pin), DWORD_LOW(entry));
}

static void pulse(struct io_apic *io, unsigned pin)
{
    io_apic_set_irq(io, pin, true);
    io_apic_set_irq(io, pin, false);
}

static struct io_apic_msg take(struct io_apic *io)
{
    struct io_apic_msg msg = {0};
    assert_true(io_apic_has_message(io));
    assert_true(io_apic_next_message(io, &msg));
    return msg;
}

static void expect_message(struct io_apic *io, unsigned pin, uint8_t vector)
{
    struct io_apic_msg msg = take(io);
    assert_int_equal(msg.pin, pin);
    assert_int_equal(msg.vector, vector);
}

static void expect_none(struct io_apic *io)
{
    struct io_apic_msg msg;
    assert_false(io_apic_has_message(io));
    assert_false(io_apic_next_message(io, &msg));
}

static bool remote_irr(struct io_apic *io, unsigned pin)
{
    return (rte_read(io, pin) & IO_APIC_RTE_REMOTE_IRR) != 0;
}

static bool delivery_status(struct io_apic *io, unsigned pin)
{
    return (rte_read(io, pin) & IO_APIC_RTE_DELIVS) != 0;
}

/* ---- registers ------------------------------------------------------------------------ */

static void test_reset_state(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    assert_int_equal(io_apic_read(&io, IO_APIC_IOREGSEL), 0);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ID), 0);
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++) {
        assert_int_equal(rte_read(&io, pin), IO_APIC_RTE_MASKED);
        pulse(&io, pin);
        io_apic_set_irq(&io, pin, true); /* held high: a level entry would want it */
    }
    expect_none(&io);
}

/* IOREGSEL keeps bits 7:0 and reads back; IOWIN is the selected register; every other
 * offset reads 0 and ignores writes -- including 0x40, the 0x20 chips' EOI register. */
static void test_register_select_and_window(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    io_apic_write(&io, IO_APIC_IOREGSEL, 0xABCD0000u | IO_APIC_REG_VER);
    assert_int_equal(io_apic_read(&io, IO_APIC_IOREGSEL), IO_APIC_REG_VER);
    assert_int_equal(io_apic_read(&io, IO_APIC_IOWIN), IO_APIC_VER_VALUE);

    rte_write(&io, PIN_PCI_A, LEVEL(VECTOR_A));
    io_apic_set_irq(&io, PIN_PCI_A, true);
    expect_message(&io, PIN_PCI_A, VECTOR_A);
    const uint64_t other_offsets[] = {0x04, 0x0C, 0x14, 0x20, 0x40, 0xFFC};
    for (size_t i = 0; i < sizeof other_offsets / sizeof other_offsets[0]; i++) {
        io_apic_write(&io, other_offsets[i], VECTOR_A);
        assert_int_equal(io_apic_read(&io, other_offsets[i]), 0);
    }
    assert_true(remote_irr(&io, PIN_PCI_A)); /* no EOI register at 0x40 */
    assert_int_equal(io_apic_read(&io, IO_APIC_IOREGSEL), rte_index(PIN_PCI_A) + 1u);
}

/* IOAPICID: only bits 27:24 stick; IOAPICARB follows the ID and cannot be written. */
static void test_id_and_arbitration(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    reg_write(&io, IO_APIC_REG_ID, UINT32_MAX);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ID), IO_APIC_ID_MASK << IO_APIC_ID_SHIFT);
    reg_write(&io, IO_APIC_REG_ID, 5u << IO_APIC_ID_SHIFT);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ID), 5u << IO_APIC_ID_SHIFT);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ARB), 5u << IO_APIC_ID_SHIFT);
    reg_write(&io, IO_APIC_REG_ARB, 9u << IO_APIC_ID_SHIFT);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ARB), 5u << IO_APIC_ID_SHIFT);
    assert_int_equal(reg_read(&io, IO_APIC_REG_ID), 5u << IO_APIC_ID_SHIFT);
}

/* IOAPICVER: version 0x11, 23 as the highest entry, and read-only. */
static void test_version_read_only(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    assert_int_equal(reg_read(&io, IO_APIC_REG_VER), 0x00170011u);
    reg_write(&io, IO_APIC_REG_VER, 0);
    uint32_t ver = reg_read(&io, IO_APIC_REG_VER);
    assert_int_equal(ver & 0xFFu, IO_APIC_VERSION);
    assert_int_equal((ver >> IO_APIC_VER_MAX_ENTRY_SHIFT) & 0xFFu, PIN_LAST);
}

/* Indexes that name no register read 0; writing them changes nothing. */
static void test_unnamed_indexes(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    const uint8_t unnamed[] = {0x03, 0x0F, IO_APIC_REG_REDTBL_END, 0x80, 0xFF};
    for (size_t i = 0; i < sizeof unnamed; i++) {
        reg_write(&io, unnamed[i], UINT32_MAX);
        assert_int_equal(reg_read(&io, unnamed[i]), 0);
    }
    assert_int_equal(reg_read(&io, IO_APIC_REG_ID), 0);
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        assert_int_equal(rte_read(&io, pin), IO_APIC_RTE_MASKED);
}

/* Every entry is its own register pair; writable fields read back, reserved bits as 0. */
static void test_redirection_read_back(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        rte_write(&io, pin,
                  DEST(pin) | IO_APIC_RTE_MASKED | IO_APIC_RTE_DEST_LOGICAL | (0x20u + pin));
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        assert_int_equal(rte_read(&io, pin), DEST(pin) | IO_APIC_RTE_MASKED |
                                                 IO_APIC_RTE_DEST_LOGICAL | (0x20u + pin));

    reg_write(&io, rte_index(PIN_COM1), UINT32_MAX);
    reg_write(&io, rte_index(PIN_COM1) + 1u, UINT32_MAX);
    uint64_t entry = rte_read(&io, PIN_COM1);
    assert_int_equal(DWORD_HIGH(entry), 0xFF000000u); /* 55:32 reserved */
    assert_int_equal(DWORD_LOW(entry) & LOW_RESERVED, 0);
    assert_int_equal(entry, IO_APIC_RTE_WRITABLE);
    assert_int_equal(rte_read(&io, PIN_COM1 + 1u), DEST(PIN_COM1 + 1u) | IO_APIC_RTE_MASKED |
                                                       IO_APIC_RTE_DEST_LOGICAL |
                                                       (0x20u + PIN_COM1 + 1u));
}

/* DELIVS and remote IRR are read-only: writes neither set nor clear them. */
static void test_read_only_entry_bits(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_PCI_A, LEVEL(VECTOR_A) | IO_APIC_RTE_REMOTE_IRR | IO_APIC_RTE_DELIVS);
    assert_int_equal(rte_read(&io, PIN_PCI_A), LEVEL(VECTOR_A));

    io_apic_set_irq(&io, PIN_PCI_A, true);
    assert_true(delivery_status(&io, PIN_PCI_A));
    expect_message(&io, PIN_PCI_A, VECTOR_A);
    rte_write(&io, PIN_PCI_A, LEVEL(VECTOR_B));
    assert_true(remote_irr(&io, PIN_PCI_A));
    assert_false(delivery_status(&io, PIN_PCI_A));

    rte_write(&io, PIN_COM1, EDGE(VECTOR_C));
    pulse(&io, PIN_COM1);
    rte_write(&io, PIN_COM1, EDGE(VECTOR_C)); /* DELIVS written as 0 */
    assert_true(delivery_status(&io, PIN_COM1));
    expect_message(&io, PIN_COM1, VECTOR_C);
    assert_false(delivery_status(&io, PIN_COM1));
}

/* ---- edge-triggered pins -------------------------------------------------------------- */

/* One message per rising edge: a held line and a falling edge send nothing. */
static void test_edge_rising_only(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, EDGE(VECTOR_A));
    io_apic_set_irq(&io, PIN_COM1, true);
    struct io_apic_msg msg = take(&io);
    assert_int_equal(msg.vector, VECTOR_A);
    assert_false(msg.level);
    assert_false(remote_irr(&io, PIN_COM1));

    io_apic_set_irq(&io, PIN_COM1, true);
    expect_none(&io);
    io_apic_set_irq(&io, PIN_COM1, false);
    expect_none(&io);
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_message(&io, PIN_COM1, VECTOR_A);
    expect_none(&io);
}

/* Edges while a message waits (DELIVS) are one message, as on the chip. */
static void test_edges_coalesce_while_pending(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_PIT, EDGE(VECTOR_A));
    assert_false(delivery_status(&io, PIN_PIT));
    pulse(&io, PIN_PIT);
    pulse(&io, PIN_PIT);
    assert_true(delivery_status(&io, PIN_PIT));
    expect_message(&io, PIN_PIT, VECTOR_A);
    expect_none(&io);
}

/* Active low: the falling edge is the assertion. */
static void test_edge_active_low(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    io_apic_set_irq(&io, PIN_PCI_A, true); /* idle high */
    rte_write(&io, PIN_PCI_A, EDGE(VECTOR_B) | IO_APIC_RTE_ACTIVE_LOW);
    expect_none(&io);
    io_apic_set_irq(&io, PIN_PCI_A, false);
    expect_message(&io, PIN_PCI_A, VECTOR_B);
    io_apic_set_irq(&io, PIN_PCI_A, true);
    expect_none(&io);
}

/* An edge on a masked pin is lost ("not delivered or held pending"), and masking drops
 * an edge not yet sent; the next edge after unmasking is delivered. */
static void test_edge_lost_while_masked(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_KEYBOARD, EDGE(VECTOR_A) | IO_APIC_RTE_MASKED);
    pulse(&io, PIN_KEYBOARD);
    reg_write(&io, rte_index(PIN_KEYBOARD), DWORD_LOW(EDGE(VECTOR_A))); /* unmask only */
    expect_none(&io);

    pulse(&io, PIN_KEYBOARD);
    rte_write(&io, PIN_KEYBOARD, EDGE(VECTOR_A) | IO_APIC_RTE_MASKED);
    rte_write(&io, PIN_KEYBOARD, EDGE(VECTOR_A));
    expect_none(&io);

    pulse(&io, PIN_KEYBOARD);
    expect_message(&io, PIN_KEYBOARD, VECTOR_A);
}

/* ---- level-triggered pins ------------------------------------------------------------- */

/* A level held while masked is sent when the entry is unmasked. */
static void test_level_delivered_on_unmask(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A) | IO_APIC_RTE_MASKED);
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_none(&io);
    assert_false(delivery_status(&io, PIN_COM1));
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A));
    assert_true(delivery_status(&io, PIN_COM1));
    struct io_apic_msg msg = take(&io);
    assert_int_equal(msg.vector, VECTOR_A);
    assert_true(msg.level);
}

/* Sending sets remote IRR, which holds further messages until the EOI; an EOI with the
 * line still asserted sends again, one after it was dropped does not. */
static void test_level_remote_irr_and_eoi(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_B));
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_message(&io, PIN_COM1, VECTOR_B);
    assert_true(remote_irr(&io, PIN_COM1));
    expect_none(&io);
    io_apic_set_irq(&io, PIN_COM1, false);
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_none(&io);

    io_apic_eoi(&io, VECTOR_B);
    assert_false(remote_irr(&io, PIN_COM1));
    expect_message(&io, PIN_COM1, VECTOR_B);
    assert_true(remote_irr(&io, PIN_COM1));

    io_apic_set_irq(&io, PIN_COM1, false);
    io_apic_eoi(&io, VECTOR_B);
    assert_false(remote_irr(&io, PIN_COM1));
    expect_none(&io);
}

/* A level withdrawn before its message is sent sends nothing. */
static void test_level_withdrawn_before_sent(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A));
    io_apic_set_irq(&io, PIN_COM1, true);
    io_apic_set_irq(&io, PIN_COM1, false);
    expect_none(&io);
    assert_false(remote_irr(&io, PIN_COM1));
}

/* An EOI for another vector, or for an edge entry's vector, leaves remote IRR set. */
static void test_eoi_other_vector_does_nothing(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A));
    rte_write(&io, PIN_KEYBOARD, EDGE(VECTOR_B));
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_message(&io, PIN_COM1, VECTOR_A);
    io_apic_eoi(&io, VECTOR_B);
    io_apic_eoi(&io, VECTOR_C);
    assert_true(remote_irr(&io, PIN_COM1));
    expect_none(&io);
}

/* The EOI broadcast clears every level entry with the vector. */
static void test_eoi_clears_every_matching_entry(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_C));
    rte_write(&io, PIN_PCI_A, LEVEL(VECTOR_C));
    io_apic_set_irq(&io, PIN_COM1, true);
    io_apic_set_irq(&io, PIN_PCI_A, true);
    expect_message(&io, PIN_COM1, VECTOR_C); /* lowest pin first */
    expect_message(&io, PIN_PCI_A, VECTOR_C);
    io_apic_eoi(&io, VECTOR_C);
    assert_false(remote_irr(&io, PIN_COM1));
    assert_false(remote_irr(&io, PIN_PCI_A));
}

/* A PCI line: level, active low, idle high. */
static void test_level_active_low(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    io_apic_set_irq(&io, PIN_PCI_A, true);
    rte_write(&io, PIN_PCI_A, LEVEL(VECTOR_A) | IO_APIC_RTE_ACTIVE_LOW);
    expect_none(&io);
    io_apic_set_irq(&io, PIN_PCI_A, false);
    expect_message(&io, PIN_PCI_A, VECTOR_A);
    io_apic_eoi(&io, VECTOR_A);
    expect_message(&io, PIN_PCI_A, VECTOR_A);
    io_apic_set_irq(&io, PIN_PCI_A, true);
    io_apic_eoi(&io, VECTOR_A);
    expect_none(&io);
}

/* Making the entry edge clears remote IRR (the 82093AA-era unstick): back at level with
 * the line held, the message is sent again. */
static void test_edge_switch_clears_remote_irr(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A));
    io_apic_set_irq(&io, PIN_COM1, true);
    expect_message(&io, PIN_COM1, VECTOR_A);
    rte_write(&io, PIN_COM1, EDGE(VECTOR_A) | IO_APIC_RTE_MASKED);
    assert_false(remote_irr(&io, PIN_COM1));
    rte_write(&io, PIN_COM1, LEVEL(VECTOR_A));
    expect_message(&io, PIN_COM1, VECTOR_A);
}

/* ---- messages ------------------------------------------------------------------------- */

/* The delivery mode travels in the message; NMI, INIT, SMI and ExtINT are edge-only. */
static void test_delivery_modes_in_message(void **state)
{
    (void)state;
    const uint8_t modes[] = {IO_APIC_DELIVERY_FIXED, IO_APIC_DELIVERY_LOWEST_PRIORITY,
                             IO_APIC_DELIVERY_SMI,   IO_APIC_DELIVERY_NMI,
                             IO_APIC_DELIVERY_INIT,  IO_APIC_DELIVERY_EXTINT};
    for (size_t i = 0; i < sizeof modes; i++) {
        struct io_apic io;
        io_apic_reset(&io);
        rte_write(&io, PIN_KEYBOARD, EDGE(VECTOR_A) | MODE(modes[i]));
        pulse(&io, PIN_KEYBOARD);
        struct io_apic_msg msg = take(&io);
        assert_int_equal(msg.delivery_mode, modes[i]);
        assert_int_equal(msg.vector, VECTOR_A);
        expect_none(&io);
    }

    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_KEYBOARD, LEVEL(0) | MODE(IO_APIC_DELIVERY_NMI));
    io_apic_set_irq(&io, PIN_KEYBOARD, true);
    struct io_apic_msg msg = take(&io);
    assert_int_equal(msg.delivery_mode, IO_APIC_DELIVERY_NMI);
    assert_false(msg.level);
    assert_false(remote_irr(&io, PIN_KEYBOARD));
    expect_none(&io); /* held: still one edge */
}

/* Bits 63:56 and DESTMOD become the message's destination. */
static void test_destination_field(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    rte_write(&io, PIN_COM1, EDGE(VECTOR_A) | DEST(0x03));
    rte_write(&io, PIN_LAST, EDGE(VECTOR_B) | DEST(0xC4) | IO_APIC_RTE_DEST_LOGICAL);
    pulse(&io, PIN_COM1);
    pulse(&io, PIN_LAST);
    struct io_apic_msg msg = take(&io);
    assert_int_equal(msg.destination, 0x03);
    assert_false(msg.logical);
    msg = take(&io);
    assert_int_equal(msg.pin, PIN_LAST);
    assert_int_equal(msg.destination, 0xC4);
    assert_true(msg.logical);
}

#define LDR(id)     ((uint32_t)(id) << IO_APIC_LDR_ID_SHIFT)
#define DFR_FLAT    0xFFFFFFFFu /* model 1111b, the rest reserved as ones */
#define DFR_CLUSTER 0x0FFFFFFFu

static bool targets(bool logical, uint8_t dest, uint8_t id, uint32_t ldr, uint32_t dfr)
{
    struct io_apic_msg msg = {.destination = dest, .logical = logical};
    return io_apic_targets_apic(&msg, id, ldr, dfr);
}

static void test_targets_apic(void **state)
{
    (void)state;
    /* Physical: the APIC ID, or 0xFF for all; the LDR does not matter. */
    assert_true(targets(false, 0, 0, LDR(0x01), DFR_FLAT));
    assert_false(targets(false, 1, 0, LDR(0x01), DFR_FLAT));
    assert_true(targets(false, 3, 3, 0, DFR_FLAT));
    assert_true(targets(false, IO_APIC_PHYSICAL_BROADCAST, 0, 0, DFR_FLAT));
    /* Logical flat: any common bit. */
    assert_true(targets(true, 0x03, 0, LDR(0x01), DFR_FLAT));
    assert_false(targets(true, 0x02, 0, LDR(0x01), DFR_FLAT));
    assert_false(targets(true, 0x01, 1, LDR(0x00), DFR_FLAT)); /* no logical ID yet */
    assert_true(targets(true, 0x10, 0, LDR(0x30), DFR_FLAT));  /* no clusters in flat */
    /* Logical cluster: same cluster and a common member. */
    assert_true(targets(true, 0x23, 0, LDR(0x21), DFR_CLUSTER));
    assert_false(targets(true, 0x13, 0, LDR(0x21), DFR_CLUSTER));
    assert_false(targets(true, 0x22, 0, LDR(0x21), DFR_CLUSTER));
    /* All ones is a broadcast in either model. */
    assert_true(targets(true, IO_APIC_LOGICAL_BROADCAST, 0, LDR(0x21), DFR_CLUSTER));
    assert_true(targets(true, IO_APIC_LOGICAL_BROADCAST, 0, LDR(0x01), DFR_FLAT));
}

/* ---- pins and legacy routing ---------------------------------------------------------- */

static void test_out_of_range_pin_ignored(void **state)
{
    (void)state;
    struct io_apic io;
    io_apic_reset(&io);
    for (unsigned pin = 0; pin < IO_APIC_PINS; pin++)
        rte_write(&io, pin, EDGE(VECTOR_A));
    pulse(&io, IO_APIC_PINS);
    pulse(&io, UINT32_MAX);
    expect_none(&io);
    assert_int_equal(io.lines, 0);
}

/* ISA IRQ 0 (the PIT) arrives on pin 2, IRQ 2 (the cascade) on none, the rest on their
 * own number (ACPI "Interrupt Source Override Structure", as PC firmware reports it). */
static void test_isa_routing(void **state)
{
    (void)state;
    assert_int_equal(io_apic_isa_irq_pin(IO_APIC_PIT_ISA_IRQ), 2);
    assert_int_equal(io_apic_isa_irq_pin(1), 1);
    assert_int_equal(io_apic_isa_irq_pin(2), IO_APIC_NO_PIN);
    assert_int_equal(io_apic_isa_irq_pin(4), PIN_COM1);
    assert_int_equal(io_apic_isa_irq_pin(15), 15);
    assert_int_equal(io_apic_isa_irq_pin(IO_APIC_ISA_IRQS), IO_APIC_NO_PIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state),
        cmocka_unit_test(test_register_select_and_window),
        cmocka_unit_test(test_id_and_arbitration),
        cmocka_unit_test(test_version_read_only),
        cmocka_unit_test(test_unnamed_indexes),
        cmocka_unit_test(test_redirection_read_back),
        cmocka_unit_test(test_read_only_entry_bits),
        cmocka_unit_test(test_edge_rising_only),
        cmocka_unit_test(test_edges_coalesce_while_pending),
        cmocka_unit_test(test_edge_active_low),
        cmocka_unit_test(test_edge_lost_while_masked),
        cmocka_unit_test(test_level_delivered_on_unmask),
        cmocka_unit_test(test_level_remote_irr_and_eoi),
        cmocka_unit_test(test_level_withdrawn_before_sent),
        cmocka_unit_test(test_eoi_other_vector_does_nothing),
        cmocka_unit_test(test_eoi_clears_every_matching_entry),
        cmocka_unit_test(test_level_active_low),
        cmocka_unit_test(test_edge_switch_clears_remote_irr),
        cmocka_unit_test(test_delivery_modes_in_message),
        cmocka_unit_test(test_destination_field),
        cmocka_unit_test(test_targets_apic),
        cmocka_unit_test(test_out_of_range_pin_ignored),
        cmocka_unit_test(test_isa_routing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
