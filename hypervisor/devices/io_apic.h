/*
 * io_apic.h - one I/O APIC as a guest sees it: 24 interrupt input pins, each translated by
 * its redirection table entry into an interrupt message for the local APIC(s), behind two
 * memory-mapped registers (IOREGSEL selects an indirect register, IOWIN reads/writes it).
 *
 *   device line --pin--> redirection entry (vector, mode, polarity, trigger, mask, dest)
 *                          --message--> core: io_apic_targets_apic? --> local APIC
 *   local APIC EOI of a level vector --io_apic_eoi--> remote IRR cleared (re-sent if held)
 *
 * The model is pure state, like the PIC: devices drive pins with io_apic_set_irq(); before
 * each VM entry the core takes the waiting messages with io_apic_next_message() and hands
 * each to the local APIC whose ID it names. The model knows no local APIC.
 * See: Intel 82093AA I/O APIC datasheet (order no. 290566-001), "Register Description";
 * the same layout is the ICH/PCH datasheets' "I/O APIC Registers" (version 0x20 adds an
 * EOI register at offset 0x40 and drops IOAPICARB; see IO_APIC_VERSION for the choice).
 */
#ifndef HVLAB_DEVICES_IO_APIC_H
#define HVLAB_DEVICES_IO_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define IO_APIC_DEFAULT_BASE 0xFEC00000ull /* where every PC firmware's MADT puts it */
#define IO_APIC_MMIO_SIZE    0x1000ull     /* one 4 KiB page (MP spec: 4 KiB aligned) */
#define IO_APIC_PINS         24u           /* IOREDTBL[23:0] */

/* Memory-mapped registers, offsets from the base. Both are 32 bits wide; any other offset
 * in the page reads as 0 and ignores writes (the model's choice: the datasheet leaves
 * them undefined). See: 82093AA, "Memory Mapped Registers for Accessing IOAPIC
 * Registers" (IOREGSEL, IOWIN). */
#define IO_APIC_IOREGSEL            0x00u
#define IO_APIC_IOWIN               0x10u
#define IO_APIC_IOREGSEL_INDEX_MASK 0xFFu /* bits 7:0: the indirect register; 31:8 reserved */

/* Indirect registers, selected by IOREGSEL. Indexes 0x03-0x0F and 0x40-0xFF name nothing:
 * they read as 0 and ignore writes. See: 82093AA, "IOAPIC Registers". */
#define IO_APIC_REG_ID         0x00u /* IOAPICID: read/write */
#define IO_APIC_REG_VER        0x01u /* IOAPICVER: read-only */
#define IO_APIC_REG_ARB        0x02u /* IOAPICARB: read-only */
#define IO_APIC_REG_REDTBL     0x10u /* IOREDTBL[n]: low dword at 0x10 + 2n, high at 0x11 + 2n */
#define IO_APIC_REG_REDTBL_END (IO_APIC_REG_REDTBL + 2u * IO_APIC_PINS) /* first past it */

/* IOAPICID and IOAPICARB: a 4-bit ID in bits 27:24, the rest reserved (read 0). The
 * arbitration ID is loaded from the ID whenever the ID is written; with no APIC bus to
 * arbitrate for, it stays equal to it. See: 82093AA, "IOAPICID", "IOAPICARB". */
#define IO_APIC_ID_SHIFT 24u
#define IO_APIC_ID_MASK  0x0Fu /* after the shift */

/* IOAPICVER: bits 7:0 version, bits 23:16 the highest redirection entry's number.
 * Version 0x11 is the 82093AA's: it has IOAPICARB and no EOI register, so a guest clears a
 * stuck remote IRR the way it must on that chip (switch the entry to edge and back, which
 * Linux does for versions below 0x20) and never needs the 0x20 chips' EOI register at
 * offset 0x40, which this model does not have. See: 82093AA, "IOAPICVER". */
#define IO_APIC_VERSION             0x11u
#define IO_APIC_VER_MAX_ENTRY_SHIFT 16u
#define IO_APIC_VER_VALUE                                                                      \
    (((IO_APIC_PINS - 1u) << IO_APIC_VER_MAX_ENTRY_SHIFT) | IO_APIC_VERSION)

/* Redirection table entry (64 bits). See: 82093AA, "IOREDTBL[23:0]"; ICH/PCH "REDIR_TBL".
 *
 *   63      56 55    17  16   15    14    13     12      11     10   8 7      0
 *   [  dest  ][reserved][mask][trig][rIRR][intpol][delivs][destmod][delmod][vector]
 */
#define IO_APIC_RTE_VECTOR_MASK   0xFFull
#define IO_APIC_RTE_DELMODE_SHIFT 8u
#define IO_APIC_RTE_DELMODE_MASK  (0x7ull << IO_APIC_RTE_DELMODE_SHIFT)
#define IO_APIC_RTE_DEST_LOGICAL  (1ull << 11) /* DESTMOD: 0 physical APIC ID, 1 logical */
#define IO_APIC_RTE_DELIVS        (1ull << 12) /* RO: 1 = a message waits to be sent */
#define IO_APIC_RTE_ACTIVE_LOW    (1ull << 13) /* INTPOL: 0 high active, 1 low active */
#define IO_APIC_RTE_REMOTE_IRR    (1ull << 14) /* RO: level message sent, no EOI yet */
#define IO_APIC_RTE_LEVEL         (1ull << 15) /* trigger mode: 0 edge, 1 level */
#define IO_APIC_RTE_MASKED        (1ull << 16) /* 1: the pin delivers nothing */
#define IO_APIC_RTE_DEST_SHIFT    56u
#define IO_APIC_RTE_DEST_MASK     (0xFFull << IO_APIC_RTE_DEST_SHIFT)
#define IO_APIC_RTE_RESET         IO_APIC_RTE_MASKED /* datasheet: mask 1, the rest undefined */
#define IO_APIC_RTE_WRITABLE                                                                   \
    (IO_APIC_RTE_VECTOR_MASK | IO_APIC_RTE_DELMODE_MASK | IO_APIC_RTE_DEST_LOGICAL |           \
     IO_APIC_RTE_ACTIVE_LOW | IO_APIC_RTE_LEVEL | IO_APIC_RTE_MASKED | IO_APIC_RTE_DEST_MASK)
#define IO_APIC_DWORD_BITS 32u /* an entry is read and written as two 32-bit halves */

/* DELMOD, bits 10:8. SMI, NMI, INIT and ExtINT are edge-only: the datasheet treats NMI and
 * INIT as edge even when programmed level and requires edge for SMI and ExtINT, so the
 * model sends them all as edge (no remote IRR). 3 and 6 are reserved: sent as written,
 * for the local APIC to refuse. See: 82093AA, "IOREDTBL[23:0]", Delivery Mode. */
enum io_apic_delivery_mode {
    IO_APIC_DELIVERY_FIXED = 0,
    IO_APIC_DELIVERY_LOWEST_PRIORITY = 1,
    IO_APIC_DELIVERY_SMI = 2,
    IO_APIC_DELIVERY_NMI = 4,
    IO_APIC_DELIVERY_INIT = 5,
    IO_APIC_DELIVERY_EXTINT = 7, /* the vector comes from the 8259's INTA, not the entry */
};

/* Interrupt message, what the I/O APIC puts on the bus for one pin. */
struct io_apic_msg {
    uint8_t pin;
    uint8_t vector;
    uint8_t delivery_mode; /* enum io_apic_delivery_mode (or a reserved value) */
    uint8_t destination;   /* entry bits 63:56: an APIC ID, or a logical set (MDA) */
    bool logical;          /* destination mode */
    bool level;            /* level-triggered: the target must send an EOI for it */
};

struct io_apic {
    uint64_t redirect[IO_APIC_PINS]; /* writable bits and remote IRR; DELIVS is computed */
    uint32_t lines;        /* electrical level of each pin (bit n = pin n, 1 = high) */
    uint32_t edge_pending; /* edge entries: edge seen, message not sent yet (DELIVS) */
    uint8_t index;         /* IOREGSEL */
    uint8_t id;            /* IOAPICID bits 27:24 */
};
_Static_assert(IO_APIC_PINS <= 32u, "one bit per pin in lines and edge_pending");

/* Power-on state: ID 0, IOREGSEL 0, every entry masked with the other bits zero, every pin
 * low, nothing pending. */
void io_apic_reset(struct io_apic *ioapic);

/* Guest 32-bit MMIO access at `offset` from the base (IOREGSEL or IOWIN; else 0/ignored).
 * Other access sizes are the caller's to refuse or widen. */
uint32_t io_apic_read(const struct io_apic *ioapic, uint64_t offset);
void io_apic_write(struct io_apic *ioapic, uint64_t offset, uint32_t value);

/* Drive pin (0-23; others ignored) to electrical `level` (true = high). An edge entry
 * latches a message on the assertion edge (rising, or falling if active low); one seen
 * while masked is lost, as on the chip. A level entry wants delivery while the pin is
 * asserted, unmasked and its remote IRR clear -- so a level still held at unmask is sent. */
void io_apic_set_irq(struct io_apic *ioapic, unsigned pin, bool level);

/* True if some pin has a message waiting (what io_apic_next_message would send). */
bool io_apic_has_message(const struct io_apic *ioapic);

/* Send one waiting message, lowest pin first (the chip has no pin priority; the local APIC
 * orders by vector): fills *msg and returns true, or false if none waits. Sending clears
 * the edge latch, or sets remote IRR for a level entry -- on a front-side bus a message is
 * a write with no acceptance reply, so it is set whether or not any APIC matched. */
bool io_apic_next_message(struct io_apic *ioapic, struct io_apic_msg *msg);

/* The local APIC's EOI broadcast for a level-triggered `vector`: every level entry with that
 * vector gets its remote IRR cleared; a pin still asserted then has a message waiting again.
 * See: 82093AA, "IOREDTBL[23:0]", Remote IRR. */
void io_apic_eoi(struct io_apic *ioapic, uint8_t vector);

/* Local APIC registers io_apic_targets_apic reads, as the guest wrote them (xAPIC mode).
 * See: Intel SDM Vol. 3A, "Logical Destination Mode" (LDR, DFR). */
#define IO_APIC_PHYSICAL_BROADCAST 0xFFu /* physical destination 0xFF: every APIC */
#define IO_APIC_LOGICAL_BROADCAST  0xFFu /* logical MDA of all ones: every APIC */
#define IO_APIC_LDR_ID_SHIFT       24u   /* LDR bits 31:24: the logical APIC ID */
#define IO_APIC_DFR_MODEL_SHIFT    28u   /* DFR bits 31:28: the model */
#define IO_APIC_DFR_MODEL_FLAT     0xFu  /* flat: the MDA is a bit set of APICs */
#define IO_APIC_DFR_MODEL_CLUSTER  0x0u  /* cluster: MDA 7:4 cluster, 3:0 members */
#define IO_APIC_CLUSTER_SHIFT      4u
#define IO_APIC_CLUSTER_MEMBERS    0x0Fu

/* Whether `msg` is addressed to the local APIC with ID `apic_id` and LDR/DFR `ldr`/`dfr`:
 * physical mode compares all 8 bits with the ID (as an xAPIC does; the 82093AA's APIC bus
 * used bits 59:56) and 0xFF broadcasts; logical mode matches the MDA against the
 * logical ID by the DFR's flat or cluster model. Choosing one of several targets for
 * lowest-priority delivery is the caller's (hvlab has one vCPU per VM). */
bool io_apic_targets_apic(const struct io_apic_msg *msg, uint8_t apic_id, uint32_t ldr,
                          uint32_t dfr);

/* Legacy ISA routing. ISA IRQs go to the 8259 pair and to the I/O APIC pin of the same
 * number, except the PIT's IRQ 0, which every PC firmware wires to pin 2 (pin 0 is the
 * 8259's INTR output) and reports with an MADT Interrupt Source Override (bus ISA, source 0,
 * global system interrupt 2, flags 0: ISA's edge, active high). hvlab routes the PIT through
 * pin 2 because that is what Linux and most kernels expect of a PC, override or not; IRQ 2,
 * the 8259 cascade, has no pin. See: ACPI 6.5, "Interrupt Source Override Structure" and
 * "MPS INTI Flags". */
#define IO_APIC_ISA_IRQS              16u
#define IO_APIC_PIT_ISA_IRQ           0u
#define IO_APIC_PIT_PIN               2u
#define IO_APIC_NO_PIN                (-1)
#define IO_APIC_MADT_OVERRIDE_TYPE    2u /* MADT entry type of the override structure */
#define IO_APIC_MADT_OVERRIDE_BUS_ISA 0u /* Bus: 0 = ISA */
#define IO_APIC_MADT_INTI_CONFORMS    0u /* flags: polarity and trigger as the bus says */

/* The I/O APIC pin ISA IRQ `isa_irq` arrives on, or IO_APIC_NO_PIN (IRQ 2, or not ISA). */
int io_apic_isa_irq_pin(unsigned isa_irq);

#endif
